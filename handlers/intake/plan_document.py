"""The investor's plan (附件4) as a Word document, for reviewers and the city."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from conversations.draft import Draft
from conversations.fields import SUMMARY
from conversations.forms.plan import PLAN_FORM, plan_options
from conversations.replies import Document
from conversations.step import FormContext
from conversations.views import View
from documents.word import plan_sheet
from handlers.context import Services
from handlers.review.sheet import DOCX
from storage.tables import Project


def _plain(value: object) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(value))).strip() if value else "—"


def plan_rows(s: Services, project: Project, locale: str = "zh-Hans") -> list[tuple[str, str]]:
    """The plan's items as (label, value) text, numbered as the investor saw them."""
    view = View(PLAN_FORM, FormContext(locale, s.renderer, s.today(), plan_options(s.policy)))
    draft = Draft(form_id=PLAN_FORM.id, answers=project.plan, current=SUMMARY)
    out = []
    for row in view.rows(draft):
        label = f"{row['n']}. {_plain(row['label'])}" if row["n"] else _plain(row["label"])
        out.append((label, _plain(row["value"])))
    return out


def plan_document(s: Services, project: Project, notes: Sequence[str] = ()) -> Document:
    """The plan as a .docx file, with notes under it (the approved exceptions)."""
    content = plan_sheet(project.serial, project.name, plan_rows(s, project), notes=notes)
    return Document(
        filename=s.file_name("plan", serial=project.serial), content=content, mime_type=DOCX
    )
