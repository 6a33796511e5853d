"""WeCom's callback crypto (加解密方案), the scheme of its WXBizMsgCrypt libraries.

A callback is signed with msg_signature = SHA1 of the sorted, concatenated [token, timestamp,
nonce, msg_encrypt]. msg_encrypt is the Base64 of AES-256-CBC over random(16) + the message's
length (4 bytes, big-endian) + the message + the ReceiveId, padded with PKCS#7 to a multiple of
32 bytes; the key is Base64_Decode(EncodingAESKey + "="), the IV its first 16 bytes. For a
self-built app (自建应用) the ReceiveId is the corp id (企业ID), and a payload naming another
one is refused. The signature is checked before anything is decrypted, in constant time.

Every refusal is a `WeComCryptoError` with a `reason`; its message never holds the body, a
secret or what was decrypted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct
from collections.abc import Callable
from typing import Final, Literal
from xml.etree.ElementTree import ParseError

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import ElementTree as SafeElementTree

Reason = Literal["bad_key", "bad_signature", "bad_padding", "wrong_corp_id", "malformed"]

REASONS: Final[dict[Reason, str]] = {
    "bad_key": "the EncodingAESKey is not 43 letters and digits that decode to 32 bytes",
    "bad_signature": "the msg_signature does not match (not from WeCom, or another token)",
    "bad_padding": "the decrypted payload has no valid PKCS#7 padding",
    "wrong_corp_id": "the payload is addressed to another corp id (ReceiveId)",
    "malformed": "the callback is not shaped as WeCom sends it",
}
"""What each reason means, as the error says it: nothing from the request is repeated."""

BLOCK: Final = 32
"""WeCom pads to 32-byte blocks (PKCS#7 with k = 32), not AES's 16."""
RANDOM_BYTES: Final = 16
LENGTH_BYTES: Final = 4
KEY_SHAPE: Final = re.compile(r"[A-Za-z0-9]{43}")
_SIMPLE: Final = re.compile(r"[A-Za-z0-9_\-]{1,64}")

REPLY_XML: Final = (
    "<xml>"
    "<Encrypt><![CDATA[{encrypt}]]></Encrypt>"
    "<MsgSignature><![CDATA[{signature}]]></MsgSignature>"
    "<TimeStamp>{timestamp}</TimeStamp>"
    "<Nonce><![CDATA[{nonce}]]></Nonce>"
    "</xml>"
)
"""The encrypted passive reply (被动回复), as WeCom documents it."""


class WeComCryptoError(Exception):
    """A callback refused: bad signature, bad padding, wrong corp id, malformed (or, when the
    crypto is made, a bad EncodingAESKey). `reason` says which, for logs and tests."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(REASONS[reason])
        self.reason: Reason = reason


class WeComCrypto:
    """One app's callback crypto (WXBizMsgCrypt): verify the URL, decrypt a callback, encrypt
    a passive reply. `token` and `aes_key` (EncodingAESKey) are the app's 接收消息 settings;
    `corp_id` is the ReceiveId every payload must name."""

    def __init__(
        self,
        token: str,
        aes_key: str,
        corp_id: str,
        *,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        if not KEY_SHAPE.fullmatch(aes_key):
            raise WeComCryptoError("bad_key")
        key = base64.b64decode(aes_key + "=")
        if len(key) != 32:  # pragma: no cover - 43 Base64 characters always give 32 bytes
            raise WeComCryptoError("bad_key")
        self._token = token
        self._key = key
        self._corp_id = corp_id.encode("utf-8")
        self._random = random_bytes
        self.corp_id = corp_id

    def __repr__(self) -> str:
        return f"WeComCrypto(corp_id={self.corp_id!r})"

    # The three calls of WXBizMsgCrypt: VerifyURL, DecryptMsg, EncryptMsg.

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The decrypted echostr of the URL check (验证URL有效性): the text to answer the GET
        with, once its signature is checked."""
        self._check(msg_signature, timestamp, nonce, echostr)
        return self.decrypt_payload(echostr)

    def decrypt(
        self, msg_signature: str, timestamp: str, nonce: str, xml_body: str | bytes
    ) -> str:
        """The inner XML of a POSTed callback (`<xml><Encrypt>…</Encrypt>…</xml>`), once its
        signature is checked and its ReceiveId is the corp id."""
        encrypt = outer_encrypt(xml_body)
        self._check(msg_signature, timestamp, nonce, encrypt)
        return self.decrypt_payload(encrypt)

    def encrypt(self, reply_xml: str, nonce: str, timestamp: str | int) -> str:
        """The encrypted, signed passive reply (被动回复) for `reply_xml`."""
        stamp = str(timestamp)
        if not stamp.isdigit() or not _SIMPLE.fullmatch(nonce):
            raise ValueError("timestamp must be digits and nonce letters, digits, _ or -")
        encrypt = self.encrypt_payload(reply_xml)
        return REPLY_XML.format(
            encrypt=encrypt,
            signature=self.signature(stamp, nonce, encrypt),
            timestamp=stamp,
            nonce=nonce,
        )

    # The parts, for a caller that holds the ciphertext already (a sandbox, a JSON callback).

    def signature(self, timestamp: str | int, nonce: str, encrypt: str) -> str:
        """msg_signature: SHA1 (hex) of the sorted, concatenated token, timestamp, nonce and
        msg_encrypt."""
        parts = sorted([self._token, str(timestamp), nonce, encrypt])
        return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()

    def encrypt_payload(self, text: str) -> str:
        """msg_encrypt for `text`: random(16) + length + text + corp id, PKCS#7 to 32 bytes,
        AES-256-CBC, Base64."""
        msg = text.encode("utf-8")
        plain = self._random(RANDOM_BYTES) + struct.pack(">I", len(msg)) + msg + self._corp_id
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt_payload(self, encrypt: str) -> str:
        """The message inside msg_encrypt; WeComCryptoError when it is not Base64 of whole AES
        blocks, its padding or length is wrong, or its ReceiveId is not the corp id. Check the
        signature first: this alone proves nothing of where the payload came from."""
        try:
            raw = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError):
            raise WeComCryptoError("malformed") from None
        if not raw or len(raw) % 16:
            raise WeComCryptoError("malformed")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(raw) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise WeComCryptoError("bad_padding")
        body = plain[:-pad]
        head = RANDOM_BYTES + LENGTH_BYTES
        if len(body) < head:
            raise WeComCryptoError("malformed")
        (length,) = struct.unpack(">I", body[RANDOM_BYTES:head])
        if length > len(body) - head:
            raise WeComCryptoError("malformed")
        msg, receive_id = body[head : head + length], body[head + length :]
        if not hmac.compare_digest(receive_id, self._corp_id):
            raise WeComCryptoError("wrong_corp_id")
        try:
            return msg.decode("utf-8")
        except UnicodeDecodeError:
            raise WeComCryptoError("malformed") from None

    def _check(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        expected = self.signature(timestamp, nonce, encrypt).encode("ascii")
        if not hmac.compare_digest(expected, msg_signature.encode("utf-8", "replace")):
            raise WeComCryptoError("bad_signature")

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))


def outer_encrypt(xml_body: str | bytes) -> str:
    """The Encrypt element of a POSTed callback body, parsed with no DTD or entity."""
    try:
        root = SafeElementTree.fromstring(xml_body, forbid_dtd=True)
    except (ParseError, ValueError):  # defusedxml's refusals are ValueErrors
        raise WeComCryptoError("malformed") from None
    node = root.find("Encrypt")
    text = (node.text or "").strip() if node is not None else ""
    if root.tag != "xml" or not text:
        raise WeComCryptoError("malformed")
    return text
