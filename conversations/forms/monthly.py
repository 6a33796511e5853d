"""A member unit's monthly report (附件6: 招商选资工作情况月报表), with repeated rows."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from conversations.fields import Field, FormSpec, Kind


def _has_rows(values: Mapping[str, object]) -> bool:
    return values.get("content") == "rows"


MONTHLY_FORM: Final = FormSpec(
    id="monthly",
    template="forms/monthly",
    fields=(
        Field("content", Kind.CHOICE, choices=("rows", "nothing")),
        Field("row_count", Kind.INTEGER, min=Decimal(1), max=Decimal(20), condition=_has_rows),
        Field(
            "rows",
            Kind.GROUP,
            count_from="row_count",
            condition=_has_rows,
            items=(
                Field("project", Kind.SHORT_TEXT, max_length=100),
                Field("problem", Kind.LONG_TEXT, max_length=1000),
                Field("suggestion", Kind.LONG_TEXT, required=False, max_length=1000),
                Field("departments", Kind.SHORT_TEXT, required=False, max_length=200),
                Field("progress", Kind.LONG_TEXT, required=False, max_length=1000),
            ),
        ),
    ),
)
