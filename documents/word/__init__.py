"""Word (.docx) documents of the mechanism: .docx templates an office edits, filled from plain
dataclasses (see `templates.py`; every template is listed in `catalog.py`)."""

from __future__ import annotations

from documents.word.application import Application, application_form
from documents.word.city import CityAction, CityFiling, approval_form, filing_form
from documents.word.liaison import LiaisonTable, liaison_table
from documents.word.minutes import AgendaItem, Attendee, AttendeeGroup, Minutes, meeting_minutes
from documents.word.plan import PlanRow, PlanSheet, plan_sheet
from documents.word.progress import ProgressReport, progress_report
from documents.word.reading import docx_text
from documents.word.review_sheet import ReviewRow, ReviewSheet, review_opinion_sheet
from documents.word.templates import WordTemplates

__all__ = [
    "AgendaItem",
    "Application",
    "Attendee",
    "AttendeeGroup",
    "CityAction",
    "CityFiling",
    "LiaisonTable",
    "Minutes",
    "PlanRow",
    "PlanSheet",
    "ProgressReport",
    "ReviewRow",
    "ReviewSheet",
    "WordTemplates",
    "application_form",
    "approval_form",
    "docx_text",
    "filing_form",
    "liaison_table",
    "meeting_minutes",
    "plan_sheet",
    "progress_report",
    "review_opinion_sheet",
]
