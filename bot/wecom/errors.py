"""WeCom's errcodes (全局错误码) as the port's neutral delivery errors, in one table.

Every server API answers `{"errcode": 0, "errmsg": "ok", ...}`; a non-zero errcode is looked
up in `ERRCODES`. The texts of the errors built here hold the errcode, WeCom's errmsg and the
API's path, never the access token or the secret (both travel in the query string).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

from bot.messenger import DeliveryError, RetryLater, Transient, Unreachable


class Kind(Enum):
    """What an errcode means to the caller."""

    RETRY_LATER = "retry later"  # frequency or concurrency limit, system busy
    UNREACHABLE = "unreachable"  # the user cannot be reached by this app
    TOKEN = "token"  # the access token is invalid or expired: refresh it, retry once
    CONFIG = "config"  # the app's settings are wrong (secret, corp id, agent id, trusted IP)


@dataclass(frozen=True, slots=True)
class Meaning:
    """One errcode's entry: its kind, WeCom's description, and for RETRY_LATER the wait."""

    kind: Kind
    description: str
    seconds: float = 0.0
    reason: str = ""  # for UNREACHABLE: why, in the words delivery.j2 tells the office


NOT_VISIBLE: Final = "not in the app's visible range"
"""An unreachable member's reason: outside the app's 可见范围 (or the app may not reach them)."""
NO_SUCH_MEMBER: Final = "no such member"
"""An unreachable member's reason: no member has that UserID (mistyped, or left the corp)."""

# From WeCom's 全局错误码 (developer.work.weixin.qq.com/document/path/90313). Codes not listed
# become a plain WeComError with their errcode and errmsg.
ERRCODES: Final[dict[int, Meaning]] = {
    # 系统繁忙: "服务器暂不可用，建议稍候重试。建议重试次数不超过3次".
    -1: Meaning(Kind.RETRY_LATER, "系统繁忙", 2.0),
    # 数据版本冲突: "可能有多个调用端同时修改数据，稍后重试".
    6000: Meaning(Kind.RETRY_LATER, "数据版本冲突", 1.0),
    # 接口调用超过限制: "频率拦截时长一般与调用的限制时长相同，比如说是分钟级别的限制，则在中
    # 频率后的1分钟后自动解除" — a minute is the shortest such block.
    45009: Meaning(Kind.RETRY_LATER, "接口调用超过限制", 60.0),
    # 接口并发调用超过限制: too many calls at once; a short pause.
    45033: Meaning(Kind.RETRY_LATER, "接口并发调用超过限制", 2.0),
    # Token errors: refreshed and the call retried once (bot/wecom/api.py).
    40001: Meaning(Kind.TOKEN, "不合法的secret参数"),
    40014: Meaning(Kind.TOKEN, "不合法的access_token"),
    42001: Meaning(Kind.TOKEN, "access_token已过期"),
    # The recipient: not a member, deleted, or outside the app's visible range (可见范围).
    40003: Meaning(Kind.UNREACHABLE, "无效的UserID", reason=NO_SUCH_MEMBER),
    46004: Meaning(Kind.UNREACHABLE, "指定的用户不存在", reason=NO_SUCH_MEMBER),
    60011: Meaning(Kind.UNREACHABLE, "指定的成员/部门/标签参数无权限", reason=NOT_VISIBLE),
    60021: Meaning(Kind.UNREACHABLE, "userid不在应用可见范围内", reason=NOT_VISIBLE),
    60111: Meaning(Kind.UNREACHABLE, "UserID不存在", reason=NO_SUCH_MEMBER),
    81013: Meaning(Kind.UNREACHABLE, "UserID、部门ID、标签ID全部非法或无权限", reason=NOT_VISIBLE),
    # The app's own settings: no retry helps until an administrator fixes them.
    40013: Meaning(Kind.CONFIG, "不合法的CorpID"),
    40056: Meaning(Kind.CONFIG, "不合法的agentid"),
    48002: Meaning(Kind.CONFIG, "API接口无权限调用"),
    50003: Meaning(Kind.CONFIG, "应用已禁用"),
    60020: Meaning(Kind.CONFIG, "访问ip不在白名单之中 (企业可信IP)"),
    301002: Meaning(Kind.CONFIG, "无权限操作指定的应用"),
}

TOKEN_ERRCODES: Final = frozenset(c for c, m in ERRCODES.items() if m.kind is Kind.TOKEN)


class WeComError(DeliveryError):
    """A WeCom API answered a non-zero errcode that no neutral error stands for."""

    def __init__(self, errcode: int, errmsg: str, api: str) -> None:
        super().__init__(describe(errcode, errmsg, api))
        self.errcode = errcode
        self.errmsg = errmsg
        self.api = api


class TokenRejected(WeComError):
    """The access token was refused again right after a refresh (or the secret was refused
    by `gettoken`): the secret or the app's settings are wrong."""


class ConfigError(WeComError):
    """The app's settings are wrong (corp id, agent id, API permission, trusted IP)."""


def describe(errcode: int, errmsg: str, api: str) -> str:
    """An error's text: the API's path, the errcode and WeCom's errmsg."""
    known = ERRCODES.get(errcode)
    name = f" ({known.description})" if known else ""
    return f"{api}: errcode {errcode}{name}: {errmsg}".strip()


def error_for(errcode: int, errmsg: str, api: str) -> DeliveryError:
    """The port's error for a non-zero errcode (a TOKEN errcode, once the refresh did not
    help, is TokenRejected)."""
    text = describe(errcode, errmsg, api)
    meaning = ERRCODES.get(errcode)
    if meaning is None:
        return WeComError(errcode, errmsg, api)
    if meaning.kind is Kind.RETRY_LATER:
        return RetryLater(meaning.seconds, text)
    if meaning.kind is Kind.UNREACHABLE:
        return Unreachable(f"{meaning.reason}: {text}")
    if meaning.kind is Kind.TOKEN:
        return TokenRejected(errcode, errmsg, api)
    return ConfigError(errcode, errmsg, api)


def transient(api: str, reason: str) -> Transient:
    """The port's error for a network failure or a 5xx (never the URL, which holds the
    token)."""
    return Transient(f"{api}: {reason}")
