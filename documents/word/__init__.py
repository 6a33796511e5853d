"""Word (.docx) documents of the mechanism, built from plain data and document templates."""

from __future__ import annotations

from templates.word.base import docx_text
from templates.word.city import CityAction, CityFiling, approval_form, filing_form
from templates.word.liaison import liaison_table as liaison_table
from templates.word.minutes import AgendaItem, Attendee, AttendeeGroup, Minutes, meeting_minutes
from templates.word.plan import plan_sheet
from templates.word.review_sheet import ReviewRow, ReviewSheet, review_opinion_sheet

__all__ = [
    "AgendaItem",
    "Attendee",
    "AttendeeGroup",
    "CityAction",
    "CityFiling",
    "Minutes",
    "ReviewRow",
    "ReviewSheet",
    "approval_form",
    "docx_text",
    "filing_form",
    "meeting_minutes",
    "plan_sheet",
    "review_opinion_sheet",
]
