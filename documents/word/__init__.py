"""Word (.docx) documents of the mechanism, built from plain data and document templates."""

from __future__ import annotations

from documents.word.base import docx_text
from documents.word.city import CityAction, CityFiling, approval_form, filing_form
from documents.word.liaison import liaison_table as liaison_table
from documents.word.minutes import AgendaItem, Attendee, AttendeeGroup, Minutes, meeting_minutes
from documents.word.plan import plan_sheet
from documents.word.review_sheet import ReviewRow, ReviewSheet, review_opinion_sheet

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
