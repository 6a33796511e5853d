"""Scheduling a joint meeting (招商选资工作协调联席会议): the day, the time, the place."""

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
