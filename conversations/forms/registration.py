"""An investor's registration on first contact (name, company, phone, consent to data use),
and an official's work phone when they join."""

from __future__ import annotations

from typing import Final

from conversations.fields import Field, FormSpec, Kind

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
