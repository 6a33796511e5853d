"""The sandbox's WXBizMsgCrypt against WeCom's published vector and wechatpy's WeChatCrypto."""

from __future__ import annotations

import pytest
import xmltodict
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException

from sandbox.wecom import ReceiveIdError, SignatureError, WXBizMsgCrypt
from sandbox.wecom.crypto import CryptoError, pkcs7_pad, pkcs7_unpad

TOKEN, CORP_ID = "QDG6eK", "wx5823bf96d3bd56c7"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
# 加解密方案说明: the URL check and the POSTed message of WeCom's sample.
VERIFY = (
    "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "1409659589",
    "263014780",
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
)
POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE = (
    "477715d11cdb4164915debcba66cb864d751f3e6",
    "1409659813",
    "1372623149",
)
POST_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3Qczc"
    "dCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLj"
    "vd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMn"
    "vw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k"
    "22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2Yoy"
    "yH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)
POST_BODY = (
    f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
    f"<Encrypt><![CDATA[{POST_ENCRYPT}]]></Encrypt></xml>"
)


def ours() -> WXBizMsgCrypt:
    return WXBizMsgCrypt(TOKEN, AES_KEY, CORP_ID)


def theirs() -> WeChatCrypto:
    return WeChatCrypto(TOKEN, AES_KEY, CORP_ID)


def test_the_published_url_check_decrypts_to_its_echostr() -> None:
    assert ours().verify_url(*VERIFY) == "1616140317555161061"
    assert theirs().check_signature(*VERIFY) == "1616140317555161061"


def test_the_published_message_decrypts_like_wechatpy() -> None:
    mine = ours().open(POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE, POST_ENCRYPT)
    reference = theirs().decrypt_message(POST_BODY, POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE)
    assert mine == reference
    fields = xmltodict.parse(mine)["xml"]
    assert fields["ToUserName"] == CORP_ID and fields["MsgType"] == "text"
    assert fields["Content"] == "hello" and fields["AgentID"] == "218"


@pytest.mark.parametrize("message", ["", "a", "x" * 12, "中文" * 100, "<xml>" + "y" * 4096])
def test_each_side_opens_what_the_other_seals(message: str) -> None:
    sealed = ours().seal(message, "1700000000", "42")
    body = f"<xml><Encrypt><![CDATA[{sealed.encrypt}]]></Encrypt></xml>"
    assert theirs().decrypt_message(body, sealed.msg_signature, "1700000000", "42") == message
    envelope = xmltodict.parse(theirs().encrypt_message(message, "43", "1700000001"))["xml"]
    assert (
        ours().open(envelope["MsgSignature"], "1700000001", "43", envelope["Encrypt"]) == message
    )


def test_the_signature_is_wechatpys() -> None:
    sealed = ours().seal("<xml/>", "1", "2")
    with pytest.raises(InvalidSignatureException):
        theirs().check_signature("0" * 40, "1", "2", sealed.encrypt)
    assert theirs().check_signature(sealed.msg_signature, "1", "2", sealed.encrypt) == "<xml/>"


def test_a_wrong_signature_or_corp_id_is_refused() -> None:
    sealed = ours().seal("<xml/>", "1", "2")
    with pytest.raises(SignatureError):
        ours().open("f" * 40, "1", "2", sealed.encrypt)
    with pytest.raises(SignatureError):
        ours().open(sealed.msg_signature, "1", "3", sealed.encrypt)
    other = WXBizMsgCrypt(TOKEN, AES_KEY, "ww-other-corp")
    with pytest.raises(ReceiveIdError):
        other.open(sealed.msg_signature, "1", "2", sealed.encrypt)


def test_padding_is_to_32_bytes_and_checked() -> None:
    assert len(pkcs7_pad(b"x" * 32)) == 64 and pkcs7_pad(b"")[-1] == 32
    assert pkcs7_unpad(pkcs7_pad(b"abc")) == b"abc"
    for broken in (b"abc\x00", b"abc\x21", b"ab\x01\x02"):
        with pytest.raises(CryptoError):
            pkcs7_unpad(broken)
    with pytest.raises(CryptoError):
        ours().decrypt("not base64!")
    with pytest.raises(ValueError):
        WXBizMsgCrypt(TOKEN, AES_KEY[:-1], CORP_ID)
