"""The investor's plan (附件4) as a Word document, for reviewers and the city."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC

from conversations.draft import Draft
from conversations.fields import SUMMARY
from conversations.forms.plan import PLAN_FORM, plan_options
from conversations.replies import Document
from conversations.step import FormContext
from conversations.views import View
from documents.word.plan import PlanRow, PlanSheet, plan_sheet
from handlers.context import Services
from handlers.review.sheet import DOCX
from storage.tables import Project


def _plain(value: object) -> str | None:
    text = html.unescape(re.sub(r"<[^>]+>", "", str(value))).strip() if value else ""
    return text or None


def plan_rows(s: Services, project: Project, locale: str = "zh-Hans") -> list[PlanRow]:
    """The plan's items in the form's order, numbered as 附件4 numbers them; a figure
    computed from the answers follows its field, unnumbered."""
    view = View(PLAN_FORM, FormContext(locale, s.renderer, s.today(), plan_options(s.policy)))
    draft = Draft(form_id=PLAN_FORM.id, answers=project.plan, current=SUMMARY)
    return [
        PlanRow(label=_plain(row["label"]) or "", value=_plain(row["value"]), number=row["n"])
        for row in view.rows(draft)
    ]


def plan_document(s: Services, project: Project, notes: Sequence[str] = ()) -> Document:
    """The plan as a .docx file, with notes under it (the approved exceptions)."""
    created = project.created_at
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    sheet = PlanSheet(
        serial=project.serial,
        project_name=project.name,
        rows=plan_rows(s, project),
        investor=project.investor_name,
        submitted_on=created.astimezone(s.timezone).date() if created else None,
        notes=list(notes),
    )
    return Document(
        filename=s.file_name("plan", serial=project.serial),
        content=plan_sheet(sheet, templates=s.documents),
        mime_type=DOCX,
    )
