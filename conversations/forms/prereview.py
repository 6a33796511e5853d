"""The city office's record of a third-party pre-review (第三方专业机构预审, 001 七(二)2(2)):
the professional body, its report as a file, and what it concluded."""

from __future__ import annotations

from typing import Final

from conversations.fields import Field, FormSpec, Kind
from conversations.files import MAX_FILE_SIZE

PRE_REVIEW_FORM: Final = FormSpec(
    id="city_pre_review",
    template="forms/prereview",
    fields=(
        Field("body", Kind.SHORT_TEXT, max_length=200),
        Field("report", Kind.FILE, max_size=MAX_FILE_SIZE),
        Field("conclusion", Kind.LONG_TEXT, max_length=2000),
    ),
)
