"""A liaison officer's two-weekly check-in on a signed project (⑤ 项目落地, ⑥ 建设服务)."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from conversations.fields import Field, FormSpec, Kind

CHECKIN_FORM: Final = FormSpec(
    id="checkin",
    template="forms/liaison",
    fields=(
        Field("progress", Kind.LONG_TEXT, max_length=1000),
        Field(
            "invested",
            Kind.MONEY,
            unit="wan_yuan",
            required=False,
            min=Decimal(0),
            max=Decimal(100_000_000),
        ),
        Field("problem", Kind.LONG_TEXT, required=False, max_length=1000),
        Field(
            "help_from",
            Kind.SHORT_TEXT,
            required=False,
            max_length=200,
            condition=lambda v: bool(v.get("problem")),
        ),
    ),
)
