"""Scheduling a joint meeting (招商选资工作协调联席会议), an investors' forum or a company visit:
the day, the time, the place; each asked in its own words."""

from __future__ import annotations

from typing import Final

from conversations.fields import Field, FormSpec, Kind

MEETING_TIMES: Final = ("0900", "1000", "1100", "1430", "1530", "1630")

MEETING_FORM: Final = FormSpec(
    id="meeting",
    template="forms/meeting",
    fields=(
        Field("date", Kind.DATE, not_before_today=True),
        Field("time", Kind.CHOICE, choices=MEETING_TIMES),
        Field("place", Kind.SHORT_TEXT, max_length=100),
    ),
)


def _scheduling(form_id: str) -> FormSpec:
    """The day, time and place of a forum or a visit, asked in its own words."""
    return FormSpec(
        id=form_id,
        template=f"forms/{form_id}",
        fields=(
            Field("date", Kind.DATE, not_before_today=True),
            Field("time", Kind.CHOICE, choices=MEETING_TIMES),
            Field("place", Kind.SHORT_TEXT, max_length=100),
        ),
    )


FORUM_FORM: Final = _scheduling("forum_meeting")
"""An investors' forum (投资企业座谈会, 000 一(三)2(4))."""

VISIT_FORM: Final = _scheduling("company_visit")
"""A district leader's visit to a signed company (每半年组织到企业调研, 000 一(三)2(4))."""
