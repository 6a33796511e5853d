"""The office's request for one of the documents' exceptions (001 二, 001 四(三)), and the
city leading group's reason for refusing one."""

from __future__ import annotations

from typing import Final

from conversations.fields import Field, FormSpec, Kind

EXCEPTION_KINDS: Final = "admission_exceptions"
"""The run-time choices of the request: the policy's exceptions."""

EXCEPTION_FORM: Final = FormSpec(
    id="exception_request",
    template="forms/admission",
    fields=(
        Field("exception_kind", Kind.CHOICE, choices_from=EXCEPTION_KINDS),
        Field("exception_reason", Kind.LONG_TEXT, min_length=10, max_length=2000),
    ),
)

EXCEPTION_REFUSAL: Final = FormSpec(
    id="exception_refusal",
    template="forms/admission",
    fields=(Field("refusal_reason", Kind.LONG_TEXT, max_length=2000),),
)
