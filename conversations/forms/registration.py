"""An investor's registration on first contact: name, company, phone, consent to data use."""

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
