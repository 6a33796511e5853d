"""An investor's opinion at a forum (座谈会) or a company visit (000 一(三)2(4))."""

from __future__ import annotations

from typing import Final

from conversations.fields import Field, FormSpec, Kind

FORUM_OPINION_FORM: Final = FormSpec(
    id="forum_opinion",
    template="forms/forum",
    fields=(
        Field("opinion", Kind.LONG_TEXT, max_length=2000),
        Field("problems", Kind.LONG_TEXT, required=False, max_length=2000),
    ),
)
