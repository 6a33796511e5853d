"""The district's report of signed projects' progress to the city leading group (001 八: "不定期
向市招商引资工作领导小组报告项目进展以及推进过程中遇到的问题和困难")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from documents.texts import Texts
from documents.word.base import FormTable, new_document, paragraph, title, to_bytes
from templates.renderer import Renderer

TEMPLATE: Final = "city_progress.j2"


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One signed project: what was agreed, where it stands, and what holds it up."""

    serial: str
    name: str
    investor: str | None
    total_investment_wan: Decimal | None
    stage: str  # the stage's name, as people read it
    signed_on: date | None = None
    committed_start: str | None = None  # YYYY-MM
    committed_production: str | None = None
    scan_sent_on: date | None = None  # the agreement's scan to the city office
    units: list[str] = field(default_factory=list)  # liaison units
    problems: list[str] = field(default_factory=list)  # open problems and the units named


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """A report of every signed project, as of one day."""

    city: str
    county: str
    office: str
    reported_on: date
    rows: list[ProgressRow]
    contact: str | None = None


def progress_report(report: ProgressReport, *, renderer: Renderer | None = None) -> bytes:
    """The report as a .docx file, landscape, one table row per project."""
    text = Texts(renderer, TEMPLATE)
    doc = new_document(body_size=12)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    title(doc, text("title", county=report.county), size=18)
    paragraph(doc, text("addressee", city=report.city))
    paragraph(
        doc,
        text("intro", county=report.county, day=report.reported_on, count=len(report.rows)),
        indent=True,
    )
    table = FormTable(doc, (5, 24, 20, 20, 31))
    table.row(
        [text("column", key=k) for k in ("n", "project", "agreed", "stage", "problems")],
        header=True,
    )
    for n, row in enumerate(report.rows, 1):
        table.row(
            [
                str(n),
                text.lines("project", row=row),
                text.lines("agreed", row=row),
                text.lines("stage", row=row),
                text.lines("problems", row=row),
            ]
        )
    paragraph(doc)
    paragraph(doc, text("signature", office=report.office, day=report.reported_on))
    paragraph(doc, text("contact", value=report.contact))
    return to_bytes(doc)
