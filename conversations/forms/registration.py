"""An investor's registration on first contact (name, company, phone, consent to data use),
and an official's work phone when they join."""

from __future__ import annotations

import re
from typing import Final

from conversations.fields import Check, Field, FormSpec, Kind

WECOM_USERID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
"""A WeCom member's UserID (账号): 1 to 64 letters, digits and "_-@.", a letter or digit first."""

REGISTRATION_FORM: Final = FormSpec(
    id="register",
    template="forms/registration",
    fields=(
        Field("name", Kind.SHORT_TEXT, max_length=50),
        Field("company", Kind.SHORT_TEXT, max_length=100),
        Field("phone", Kind.PHONE),
        Field("consent", Kind.CHOICE, choices=("agree",)),
    ),
)

WORK_PHONE_FORM: Final = FormSpec(
    id="work_phone",
    template="forms/registration",
    fields=(Field("work_phone", Kind.PHONE),),
)
"""An official's work phone, asked when they join by invitation: the liaison table prints it
under their name (附件7: 联络领导（电话）、联络办事员（电话）)."""

WECOM_INVITEE_FORM: Final = FormSpec(
    id="wecom_invitee",
    template="forms/wecom_invitee",
    fields=(
        Field("userid", Kind.SHORT_TEXT, max_length=64),
        Field("name", Kind.SHORT_TEXT, max_length=50),
    ),
    checks=(
        Check(
            "userid",
            ("userid",),
            lambda v: v.get("userid") is None or bool(WECOM_USERID.fullmatch(str(v["userid"]))),
        ),
    ),
)
"""Whom the office invites by WeCom account: the member's UserID and name, so the invitation
reaches them in WeCom with no link to pass on, and the app greets them by name."""
