"""The contacts API (通讯录管理) as a self-built app may use it: 读取成员 (user/get)."""

from __future__ import annotations

import re
from typing import Any

from sandbox.wecom import errors
from sandbox.wecom.core import Core
from sandbox.wecom.errors import ApiError

# "对应管理端的帐号，企业内必须唯一。不区分大小写，长度为1~64个字节。只能由数字、字母和
# “_-@.”四种字符组成，且第一个字符必须是数字或字母。"
USERID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-@.]{0,63}")


def get_member(core: Core, userid: str | None) -> dict[str, Any]:
    """Answer 读取成员 for one UserID: 41009 when it is missing, 40003 when it is not a
    UserID, 60111 when no member has it, and 60011 for a member outside the app's visible range
    (a self-built app reads only the members it can see)."""
    if not userid:
        raise ApiError(errors.MISSING_USERID)
    if USERID.fullmatch(userid) is None:
        raise ApiError(errors.INVALID_USERID, f"userid {userid[:64]!r}")
    member = core.state.member(userid)
    if member is None:
        raise ApiError(errors.USERID_NOT_FOUND, f"userid {userid!r}")
    if not member.visible:
        raise ApiError(errors.NO_PRIVILEGE, "the member is outside the app's visible range")
    return {
        "errcode": 0,
        "errmsg": "ok",
        "userid": member.userid,
        "name": member.name,
        "department": [1],
        "order": [0],
        "position": "",
        "is_leader_in_dept": [0],
        "direct_leader": [],
        "alias": "",
        "status": 1,  # 激活状态: 1=已激活
        "main_department": 1,
    }
