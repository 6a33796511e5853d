"""One-text forms of the office and the city: negotiation notes, a return for more material,
the city's comment on returning a project, a meeting's conditions for 暂缓."""

from __future__ import annotations

from typing import Final

from conversations.fields import Field, FormSpec, Kind


def _one_text(form_id: str) -> FormSpec:
    return FormSpec(
        id=form_id,
        template="forms/notes",
        fields=(Field(form_id, Kind.LONG_TEXT, max_length=2000),),
    )


NEGOTIATION_NOTE: Final = _one_text("negotiation")
RETURN_COMMENT: Final = _one_text("return_comment")
CITY_COMMENT: Final = _one_text("city_comment")
DEFER_CONDITIONS: Final = _one_text("conditions")
PRIORITY_JUDGEMENT: Final = _one_text("priority_judgement")
"""The office's reasons for judging a priority condition met (001 五(三), 五(八))."""
