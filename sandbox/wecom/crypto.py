"""WeCom's callback encryption (加解密方案说明, WXBizMsgCrypt), written from its documentation.

AES-256-CBC with the 32-byte key from the 43-character EncodingAESKey and the key's first 16
bytes as IV; the plaintext is random(16) + msg_len (4 bytes, network order) + msg + receiveid
(the CorpID for a self-built app), padded with PKCS#7 to a multiple of 32 bytes; the signature
(msg_signature) is the SHA1 hex of token, timestamp, nonce and the Base64 Encrypt, sorted and
joined.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_SIZE = 32  # WeCom's PKCS#7 pads to 32 bytes, not AES's 16
AES_KEY_LENGTH = 43


class CryptoError(Exception):
    """A callback that cannot be decrypted: bad Base64, padding, length or key."""


class SignatureError(CryptoError):
    """A msg_signature that does not match token, timestamp, nonce and Encrypt."""


class ReceiveIdError(CryptoError):
    """A decrypted message whose receiveid is not the expected CorpID."""


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """Return WeCom's msg_signature: SHA1 over the four strings sorted and joined."""
    joined = "".join(sorted([token, str(timestamp), str(nonce), encrypt]))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def pkcs7_pad(data: bytes) -> bytes:
    """Pad to a multiple of 32 bytes; a full block of padding when already aligned."""
    count = BLOCK_SIZE - len(data) % BLOCK_SIZE
    return data + bytes([count]) * count


def pkcs7_unpad(data: bytes) -> bytes:
    """Remove the padding, refusing a pad byte outside 1..32 or inconsistent bytes."""
    if not data:
        raise CryptoError("empty plaintext")
    count = data[-1]
    if not 1 <= count <= BLOCK_SIZE or data[-count:] != bytes([count]) * count:
        raise CryptoError("bad PKCS#7 padding")
    return data[:-count]


@dataclass(frozen=True)
class Encrypted:
    """An encrypted callback: the Encrypt field and the query it is signed with."""

    encrypt: str
    msg_signature: str
    timestamp: str
    nonce: str


class WXBizMsgCrypt:
    """Encrypts, decrypts and signs WeCom callbacks for one token, key and receiveid."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        if len(encoding_aes_key) != AES_KEY_LENGTH:
            raise ValueError("an EncodingAESKey has 43 characters")
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as error:
            raise ValueError("an EncodingAESKey is Base64 without its '='") from error
        if len(key) != 32:
            raise ValueError("an EncodingAESKey decodes to 32 bytes")
        self.token = token
        self.receive_id = receive_id
        self._key = key

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: str, random16: bytes | None = None) -> str:
        """Return the Base64 Encrypt of a message (random16 fixes the 16 random bytes)."""
        random_part = os.urandom(16) if random16 is None else random16
        if len(random_part) != 16:
            raise ValueError("the random prefix has 16 bytes")
        body = message.encode("utf-8")
        plain = random_part + struct.pack(">I", len(body)) + body + self.receive_id.encode()
        encryptor = self._cipher().encryptor()
        sealed = encryptor.update(pkcs7_pad(plain)) + encryptor.finalize()
        return base64.b64encode(sealed).decode("ascii")

    def decrypt(self, encrypt: str) -> str:
        """Return the message inside an Encrypt, checking padding, length and receiveid."""
        try:
            sealed = base64.b64decode(encrypt, validate=True)
        except binascii.Error as error:
            raise CryptoError("Encrypt is not Base64") from error
        if not sealed or len(sealed) % 16:
            raise CryptoError("Encrypt is not whole AES blocks")
        decryptor = self._cipher().decryptor()
        plain = pkcs7_unpad(decryptor.update(sealed) + decryptor.finalize())
        if len(plain) < 20:
            raise CryptoError("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise CryptoError("msg_len runs past the plaintext")
        message, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(receive_id, self.receive_id.encode()):
            raise ReceiveIdError("the receiveid is not this CorpID")
        return message.decode("utf-8")

    def sign(self, timestamp: str, nonce: str, encrypt: str) -> str:
        """Return the msg_signature of an Encrypt with this token."""
        return signature(self.token, timestamp, nonce, encrypt)

    def check(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        """Raise SignatureError unless msg_signature signs the Encrypt."""
        expected = self.sign(timestamp, nonce, encrypt)
        if not hmac.compare_digest(expected, msg_signature.lower()):
            raise SignatureError("msg_signature does not match")

    def seal(self, message: str, timestamp: str, nonce: str) -> Encrypted:
        """Encrypt and sign a message for a callback at this timestamp and nonce."""
        encrypt = self.encrypt(message)
        return Encrypted(encrypt, self.sign(timestamp, nonce, encrypt), timestamp, nonce)

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """Check and decrypt the echostr of the callback URL check (验证URL有效性)."""
        self.check(msg_signature, timestamp, nonce, echostr)
        return self.decrypt(echostr)

    def open(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
        """Check the signature, then decrypt (解密): the bot's side of a callback."""
        self.check(msg_signature, timestamp, nonce, encrypt)
        return self.decrypt(encrypt)
