"""A reviewer's written opinion on one dimension (附件5: 评审意见, 相关建议)."""

from __future__ import annotations

from typing import Final

from conversations.fields import Field, FormSpec, Kind

OPINION_FORM: Final = FormSpec(
    id="opinion",
    template="forms/opinion",
    fields=(
        Field("opinion", Kind.LONG_TEXT, max_length=1000),
        Field("suggestion", Kind.LONG_TEXT, required=False, max_length=1000),
    ),
)
