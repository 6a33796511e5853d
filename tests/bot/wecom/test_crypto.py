"""WeCom's callback crypto: WeCom's own published samples decrypt as documented, our ciphertext
and wechatpy's (an independent WXBizMsgCrypt) open each other's, and a forged signature, another
corp id, bad padding or a malformed body are refused with a reason that repeats nothing."""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import ElementTree as SafeElementTree
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException

from bot.wecom import crypto as crypto_module
from bot.wecom.crypto import WeComCrypto, WeComCryptoError

# The sample of WeCom's 加解密方案 libraries (Sample.cpp / Sample.cs / Sample.py, 2014).
TOKEN = "QDG6eK"
CORP_ID = "wx5823bf96d3bd56c7"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
VERIFY = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO"
    "+FZXvnaqQ==",
}
ECHO = "1616140317555161061"
ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3Qczc"
    "dCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLj"
    "vd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMn"
    "vw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k"
    "22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2Yoy"
    "yH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)
POST = {"msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6"}
POST |= {"timestamp": "1409659813", "nonce": "1372623149"}
BODY = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>"
    f"<Encrypt><![CDATA[{ENCRYPT}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
)
MESSAGE = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
    "<FromUserName><![CDATA[mycreate]]></FromUserName>\n"
    "<CreateTime>1409659813</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n"
    "<AgentID>218</AgentID>\n"
    "</xml>"
)

# The sample of the current WXBizMsgCrypt3 (Python 3) library.
SAMPLE3 = ("hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt")
CORP_ID3 = "ww1436e0e65a779aee"
VERIFY3 = {
    "msg_signature": "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
    "timestamp": "1476416373",
    "nonce": "47744683",
    "echostr": "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnF"
    "yq6SVHyA==",
}
POST3 = {"msg_signature": "0c3914025cb4b4d68103f6bfc8db550f79dcf48e"}
POST3 |= {"timestamp": "1476422779", "nonce": "1597212914"}
BODY3 = (
    "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA["
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTk"
    "AgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJP"
    "QbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7Mhm"
    "EbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/"
    "oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>"
)
MESSAGE3 = (
    "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName>"
    "<CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content>"
    "<MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>"
)

REPLY = (
    "<xml><ToUserName><![CDATA[mycreate]]></ToUserName>"
    "<FromUserName><![CDATA[wx5823bf96d3bd56c7]]></FromUserName>"
    "<CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[this is这是一个中文测试 a test]]></Content></xml>"
)


@pytest.fixture
def ours() -> WeComCrypto:
    return WeComCrypto(TOKEN, AES_KEY, CORP_ID)


@pytest.fixture
def theirs() -> WeChatCrypto:
    return WeChatCrypto(TOKEN, AES_KEY, CORP_ID)


def refused(reason: str, call: Any, *args: Any) -> WeComCryptoError:
    with pytest.raises(WeComCryptoError) as caught:
        call(*args)
    assert caught.value.reason == reason
    return caught.value


# WeCom's published samples


def test_the_sample_url_check_gives_the_documented_echo(ours: WeComCrypto) -> None:
    assert ours.verify_url(**VERIFY) == ECHO


def test_the_sample_callback_decrypts_to_the_documented_message(ours: WeComCrypto) -> None:
    assert ours.decrypt(**POST, xml_body=BODY) == MESSAGE
    assert ours.decrypt(**POST, xml_body=BODY.encode("utf-8")) == MESSAGE


def test_the_python3_library_sample_decrypts_too() -> None:
    ours = WeComCrypto(*SAMPLE3, CORP_ID3)
    assert ours.verify_url(**VERIFY3) == "1288432023552776189"
    assert ours.decrypt(**POST3, xml_body=BODY3) == MESSAGE3


def test_wechatpy_reads_the_sample_as_we_do(theirs: WeChatCrypto) -> None:
    assert (
        theirs.check_signature(
            VERIFY["msg_signature"], VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"]
        )
        == ECHO
    )
    assert (
        theirs.decrypt_message(BODY, POST["msg_signature"], POST["timestamp"], POST["nonce"])
        == MESSAGE
    )


def test_the_signature_is_sha1_of_the_sorted_parts(ours: WeComCrypto) -> None:
    assert ours.signature(POST["timestamp"], POST["nonce"], ENCRYPT) == POST["msg_signature"]
    assert ours.signature(int(POST["timestamp"]), POST["nonce"], ENCRYPT) == POST["msg_signature"]


# Round trips against wechatpy


def test_our_reply_opens_in_wechatpy(ours: WeComCrypto, theirs: WeChatCrypto) -> None:
    reply = ours.encrypt(REPLY, "1372623149", 1409659813)
    root = SafeElementTree.fromstring(reply)
    assert [c.tag for c in root] == ["Encrypt", "MsgSignature", "TimeStamp", "Nonce"]
    assert root.findtext("TimeStamp") == "1409659813"
    assert root.findtext("Nonce") == "1372623149"
    opened = theirs.decrypt_message(
        reply, root.findtext("MsgSignature"), root.findtext("TimeStamp"), root.findtext("Nonce")
    )
    assert opened == REPLY


def test_wechatpy_ciphertext_opens_in_ours(ours: WeComCrypto, theirs: WeChatCrypto) -> None:
    sealed = theirs.encrypt_message(REPLY, "nonce42", "1700000000")
    root = SafeElementTree.fromstring(sealed)
    encrypt = root.findtext("Encrypt")
    body = f"<xml><ToUserName>{CORP_ID}</ToUserName><Encrypt>{encrypt}</Encrypt></xml>"
    assert ours.decrypt(root.findtext("MsgSignature"), "1700000000", "nonce42", body) == REPLY


@pytest.mark.parametrize("size", [0, 1, 25, 26, 27, 31, 32, 57, 58, 59, 300])
def test_every_padding_length_round_trips(
    ours: WeComCrypto, theirs: WeChatCrypto, size: int
) -> None:
    # 20 bytes of head and 18 of corp id: a message of 26 (or 58) bytes fills whole blocks, so
    # its padding is a whole block of 32.
    text = "x" * size
    assert (_raw_plain(ours.encrypt_payload(text))[-1] == 32) == (size in (26, 58))
    encrypt = ours.encrypt_payload(text)
    signature = ours.signature("1", "n", encrypt)
    assert theirs.check_signature(signature, "1", "n", encrypt) == text
    sealed = SafeElementTree.fromstring(theirs.encrypt_message(text, "n", "1"))
    assert ours.decrypt_payload(sealed.findtext("Encrypt")) == text


def test_an_echostr_of_ours_passes_wechatpy_url_check(
    ours: WeComCrypto, theirs: WeChatCrypto
) -> None:
    echostr = ours.encrypt_payload("8135162143")
    signature = ours.signature("1409659589", "263014780", echostr)
    assert theirs.check_signature(signature, "1409659589", "263014780", echostr) == "8135162143"
    assert ours.verify_url(signature, "1409659589", "263014780", echostr) == "8135162143"


def test_the_random_prefix_is_fresh_and_injectable(ours: WeComCrypto) -> None:
    assert ours.encrypt_payload("same") != ours.encrypt_payload("same")
    fixed = WeComCrypto(TOKEN, AES_KEY, CORP_ID, random_bytes=lambda n: b"r" * n)
    assert fixed.encrypt_payload("same") == fixed.encrypt_payload("same")
    assert _raw_plain(fixed.encrypt_payload("same"))[:20] == b"r" * 16 + struct.pack(">I", 4)


# Refusals


def test_a_tampered_signature_is_refused(ours: WeComCrypto, theirs: WeChatCrypto) -> None:
    forged = "0" * 40
    refused(
        "bad_signature",
        ours.verify_url,
        forged,
        VERIFY["timestamp"],
        VERIFY["nonce"],
        VERIFY["echostr"],
    )
    refused("bad_signature", ours.decrypt, forged, POST["timestamp"], POST["nonce"], BODY)
    with pytest.raises(InvalidSignatureException):  # wechatpy agrees
        theirs.decrypt_message(BODY, forged, POST["timestamp"], POST["nonce"])


def test_a_signature_over_other_parts_is_refused(ours: WeComCrypto) -> None:
    other_time = {**POST, "timestamp": "1409659814"}
    refused("bad_signature", ours.decrypt, *other_time.values(), BODY)
    other_token = WeComCrypto("another", AES_KEY, CORP_ID)
    refused("bad_signature", other_token.decrypt, *POST.values(), BODY)
    refused(
        "bad_signature",
        ours.decrypt,
        POST["msg_signature"].upper(),
        POST["timestamp"],
        POST["nonce"],
        BODY,
    )
    refused("bad_signature", ours.decrypt, "签名", POST["timestamp"], POST["nonce"], BODY)


def test_the_signature_is_compared_in_constant_time(
    ours: WeComCrypto, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = crypto_module.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(crypto_module.hmac, "compare_digest", spy)
    ours.decrypt(**POST, xml_body=BODY)
    assert (POST["msg_signature"].encode(), POST["msg_signature"].encode()) in compared


def test_a_payload_for_another_corp_is_refused(ours: WeComCrypto) -> None:
    other = WeComCrypto(TOKEN, AES_KEY, "wwanothercorp00001")
    encrypt = other.encrypt_payload("<xml/>")
    refused("wrong_corp_id", ours.verify_url, ours.signature("1", "n", encrypt), "1", "n", encrypt)
    sealed = WeChatCrypto(TOKEN, AES_KEY, CORP_ID + "x").encrypt_message("<xml/>", "n", "1")
    root = SafeElementTree.fromstring(sealed)
    refused("wrong_corp_id", ours.decrypt, root.findtext("MsgSignature"), "1", "n", sealed)


@pytest.mark.parametrize("pad", [0, 33, 255])
def test_bad_padding_is_refused(ours: WeComCrypto, pad: int) -> None:
    plain = b"r" * 16 + struct.pack(">I", 6) + b"<xml/>" + CORP_ID.encode()
    plain += b"\x00" * (32 - len(plain) % 32 - 1) + bytes([pad])
    encrypt = _seal(plain)
    refused("bad_padding", ours.verify_url, ours.signature("1", "n", encrypt), "1", "n", encrypt)


def test_padding_of_mixed_bytes_is_refused(ours: WeComCrypto) -> None:
    plain = b"r" * 16 + struct.pack(">I", 6) + b"<xml/>" + CORP_ID.encode()
    plain += b"\x03" * (32 - len(plain) % 32 - 1) + b"\x04"  # claims 4, only three 4s
    refused("bad_padding", ours.decrypt_payload, _seal(plain))


@pytest.mark.parametrize(
    "plain",
    [
        b"r" * 10 + b"\x06" * 6,  # shorter than the random bytes and length
        b"r" * 16 + struct.pack(">I", 99) + b"<xml/>" + b"\x06" * 6,  # length beyond the end
        b"r" * 16 + struct.pack(">I", 2) + b"\xff\xfe" + CORP_ID.encode() + b"\x08" * 8,
    ],
    ids=["short", "long-length", "not-utf8"],
)
def test_a_malformed_payload_is_refused(ours: WeComCrypto, plain: bytes) -> None:
    refused("malformed", ours.decrypt_payload, _seal(plain))


@pytest.mark.parametrize(
    "body",
    [
        "not xml at all",
        "<xml><ToUserName>x</ToUserName></xml>",
        "<xml><Encrypt></Encrypt></xml>",
        "<other><Encrypt>abcd</Encrypt></other>",
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aa">]><xml><Encrypt>&a;</Encrypt></xml>',
        '<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><Encrypt>abcd</Encrypt></xml>',
    ],
    ids=["text", "no-encrypt", "empty-encrypt", "other-root", "entity", "external-dtd"],
)
def test_a_malformed_body_is_refused_before_any_signature(ours: WeComCrypto, body: str) -> None:
    refused("malformed", ours.decrypt, "x", "1", "n", body)


@pytest.mark.parametrize(
    "encrypt",
    ["not base64!", "QUJD", base64.b64encode(b"x" * 15).decode(), ""],
    ids=["not-base64", "one-short-block", "fifteen-bytes", "empty"],
)
def test_a_ciphertext_of_no_whole_blocks_is_refused(ours: WeComCrypto, encrypt: str) -> None:
    refused("malformed", ours.verify_url, ours.signature("1", "n", encrypt), "1", "n", encrypt)


@pytest.mark.parametrize(
    "key", ["", "short", AES_KEY + "A", AES_KEY[:-1] + "+", AES_KEY[:-1] + "="]
)
def test_a_bad_encoding_aes_key_is_refused(key: str) -> None:
    error = refused("bad_key", WeComCrypto, TOKEN, key, CORP_ID)
    assert key not in str(error) or not key


def test_no_refusal_repeats_the_body_or_a_secret(ours: WeComCrypto) -> None:
    secret_body = "<xml><Encrypt>c2VjcmV0LWJvZHktdGV4dA==</Encrypt><Note>身份证</Note></xml>"
    errors = [
        refused("bad_signature", ours.decrypt, "x", "1", "n", secret_body),
        refused("malformed", ours.decrypt, "x", "1", "n", secret_body[:-3]),
        refused("bad_padding", ours.decrypt_payload, "c2VjcmV0LWJvZHktdGV4dA=="),
    ]
    for error in errors:
        text = f"{error} {error!r} {error.args}"
        for leaked in ("c2VjcmV0", "身份证", TOKEN, AES_KEY, "secret"):
            assert leaked not in text
    assert TOKEN not in repr(ours) and AES_KEY not in repr(ours)


def test_a_reply_needs_a_plain_nonce_and_timestamp(ours: WeComCrypto) -> None:
    with pytest.raises(ValueError):
        ours.encrypt(REPLY, "]]><x>", "1")
    with pytest.raises(ValueError):
        ours.encrypt(REPLY, "n", "soon")


def _seal(plain: bytes) -> str:
    key = base64.b64decode(AES_KEY + "=")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def _raw_plain(encrypt: str) -> bytes:
    key = base64.b64decode(AES_KEY + "=")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    return decryptor.update(base64.b64decode(encrypt)) + decryptor.finalize()
