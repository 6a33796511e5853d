"""A local WeCom (企业微信) stand-in: the server API under /cgi-bin/ and members' callbacks."""

from sandbox.wecom.core import AppConfig
from sandbox.wecom.crypto import CryptoError, ReceiveIdError, SignatureError, WXBizMsgCrypt
from sandbox.wecom.errors import ApiError, WeComSandboxError
from sandbox.wecom.server import WeComSandbox
from sandbox.wecom.state import CardView, Delivery, SentMessage

__all__ = [
    "ApiError",
    "AppConfig",
    "CardView",
    "CryptoError",
    "Delivery",
    "ReceiveIdError",
    "SentMessage",
    "SignatureError",
    "WXBizMsgCrypt",
    "WeComSandbox",
    "WeComSandboxError",
]
