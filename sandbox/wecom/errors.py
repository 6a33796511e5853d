"""WeCom's errcodes (全局错误码) as the sandbox answers them, and the sandbox's misuse error."""

from __future__ import annotations

from typing import Any

from sandbox.errors import SandboxError

SYSTEM_BUSY = -1
INVALID_SECRET = 40001
INVALID_USERID = 40003
INVALID_MEDIA_TYPE = 40004
INVALID_TYPE = 40005
INVALID_FILE_SIZE = 40006
INVALID_MEDIA_ID = 40007
INVALID_MSGTYPE = 40008
INVALID_CORPID = 40013
INVALID_ACCESS_TOKEN = 40014
INVALID_BUTTON_COUNT = 40016
INVALID_BUTTON_TYPE = 40017
INVALID_BUTTON_NAME = 40018
INVALID_BUTTON_KEY = 40019
INVALID_BUTTON_URL = 40020
INVALID_SUB_BUTTON_LEVEL = 40022
INVALID_SUB_BUTTON_COUNT = 40023
INVALID_SUB_BUTTON_TYPE = 40024
INVALID_SUB_BUTTON_NAME = 40025
INVALID_SUB_BUTTON_KEY = 40026
INVALID_SUB_BUTTON_URL = 40027
INVALID_AGENTID = 40056
INVALID_PARAMETER = 40058  # "不合法的参数；传递参数不符合系统要求，需要参照具体API接口说明"
MISSING_ACCESS_TOKEN = 41001
MISSING_CORPID = 41002
MISSING_SECRET = 41004
MISSING_MEDIA_ID = 41006
MISSING_USERID = 41009
MISSING_AGENTID = 41011
ACCESS_TOKEN_EXPIRED = 42001
EMPTY_MEDIA = 44001
EMPTY_CONTENT = 44004
MEDIA_TOO_LARGE = 45001
CONTENT_TOO_LONG = 45002
FREQUENCY_LIMIT = 45009
CONCURRENCY_LIMIT = 45033
API_FORBIDDEN = 48002  # "API接口无权限调用": the app lacks the API's permission
NO_PRIVILEGE = 60011
USERID_NOT_FOUND = 60111
ALL_INVALID = 81013

ERRMSG: dict[int, str] = {
    0: "ok",
    SYSTEM_BUSY: "system busy",
    INVALID_SECRET: "invalid credential, access_token is invalid or not latest",
    INVALID_USERID: "invalid userid",
    INVALID_MEDIA_TYPE: "invalid media type",
    INVALID_TYPE: "invalid type",
    INVALID_FILE_SIZE: "invalid file size",
    INVALID_MEDIA_ID: "invalid media_id",
    INVALID_MSGTYPE: "invalid message type",
    INVALID_CORPID: "invalid corpid",
    INVALID_ACCESS_TOKEN: "invalid access_token",
    INVALID_BUTTON_COUNT: "invalid button size",
    INVALID_BUTTON_TYPE: "invalid button type",
    INVALID_BUTTON_NAME: "invalid button name size",
    INVALID_BUTTON_KEY: "invalid button key size",
    INVALID_BUTTON_URL: "invalid button url size",
    INVALID_SUB_BUTTON_LEVEL: "invalid sub button level",
    INVALID_SUB_BUTTON_COUNT: "invalid sub button size",
    INVALID_SUB_BUTTON_TYPE: "invalid sub button type",
    INVALID_SUB_BUTTON_NAME: "invalid sub button name size",
    INVALID_SUB_BUTTON_KEY: "invalid sub button key size",
    INVALID_SUB_BUTTON_URL: "invalid sub button url size",
    INVALID_AGENTID: "invalid agentid",
    INVALID_PARAMETER: "invalid Request Parameter",
    MISSING_ACCESS_TOKEN: "access_token missing",
    MISSING_CORPID: "corpid missing",
    MISSING_SECRET: "corpsecret missing",
    MISSING_MEDIA_ID: "media_id missing",
    MISSING_USERID: "userid missing",
    MISSING_AGENTID: "agentid missing",
    ACCESS_TOKEN_EXPIRED: "access_token expired",
    EMPTY_MEDIA: "empty media data",
    EMPTY_CONTENT: "empty content",
    MEDIA_TOO_LARGE: "media size out of limit",
    CONTENT_TOO_LONG: "content size out of limit",
    FREQUENCY_LIMIT: "api freq out of limit",
    CONCURRENCY_LIMIT: "api concurrent out of limit",
    API_FORBIDDEN: "api forbidden",
    NO_PRIVILEGE: "no privilege to access/modify contact/party/agent",
    USERID_NOT_FOUND: "userid not found",
    ALL_INVALID: "user & party & tag all invalid",
}


class ApiError(Exception):
    """An errcode answered to the caller, with WeCom's errmsg and an optional detail."""

    def __init__(self, errcode: int, detail: str = "", **extra: Any) -> None:
        message = ERRMSG.get(errcode, "error")
        super().__init__(f"{errcode} {message}{': ' + detail if detail else ''}")
        self.errcode = errcode
        self.errmsg = f"{message}, {detail}" if detail else message
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        """Return the JSON body WeCom answers (HTTP 200 with a non-zero errcode)."""
        return {"errcode": self.errcode, "errmsg": self.errmsg, **self.extra}


class WeComSandboxError(SandboxError):
    """A test drives the WeCom user side in a way the WeCom app would not allow."""
