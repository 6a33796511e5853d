"""The leading group's yearly assessment of its member units (000 四), with project follow-up:
the figures of `workflow.assessment`, laid out as a workbook."""

from __future__ import annotations

from typing import Final

from openpyxl.workbook.workbook import Workbook

from documents.excel.base import (
    CENTRE,
    INTEGER,
    MONEY,
    ONE_PLACE,
    PERCENT,
    TITLE,
    WRAP,
    Column,
    TableSheet,
    fit_height,
    key_value,
    new_workbook,
    percent,
    to_bytes,
)
from documents.texts import Texts
from templates.renderer import Renderer
from workflow.assessment import Assessment, year_totals

TEMPLATE: Final = "excel_assessment.j2"
NOTE_WIDTH: Final = 90  # the overview's two columns together, where the notes run


def annual_assessment(a: Assessment, *, renderer: Renderer | None = None) -> bytes:
    """The year's assessment as an .xlsx file: overview, member units, signed projects."""
    text = Texts(renderer, TEMPLATE)
    wb = new_workbook()
    _overview(wb, a, text)
    _units(wb, a, text)
    _projects(wb, a, text)
    return to_bytes(wb)


def _overview(wb: Workbook, a: Assessment, text: Texts) -> None:
    ws = wb.create_sheet(text("sheet", key="overview"))
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = NOTE_WIDTH - 30
    ws.merge_cells("A1:B1")
    head = ws.cell(row=1, column=1, value=text("title", year=a.year))
    head.font, head.alignment = TITLE, CENTRE
    ws.row_dimensions[1].height = 24

    t = year_totals(a)
    missing = text("missing")
    figures: list[tuple[str, object, str | None]] = [
        ("year", str(a.year), None),
        ("as_of", a.as_of, text("date_format")),
        *(
            [("reports_from", text("period", period=a.reports_from), None)]
            if a.reports_from
            else []
        ),
        ("units", t.units, INTEGER),
        ("reports_due", t.reports_due, INTEGER),
        ("reports_on_time", t.reports_on_time, INTEGER),
        ("reports_late", t.reports_late, INTEGER),
        ("reports_missing", t.reports_missing, INTEGER),
        ("on_time_rate", percent(t.on_time_rate), PERCENT),
        ("review_opinions", t.review_opinions, INTEGER),
        ("review_days", t.review_days, ONE_PLACE),
        ("overdue_reviews", t.overdue_reviews, INTEGER),
        ("open_problems", t.open_problems, INTEGER),
        ("closed_problems", t.closed_problems, INTEGER),
        ("close_rate", percent(t.close_rate), PERCENT),
        ("projects", t.projects, INTEGER),
        ("committed", t.committed_wan, MONEY),
        ("actual", t.actual_wan, MONEY),
        ("funding_rate", percent(t.funding_rate), PERCENT),
        ("kept_due", t.kept_due, INTEGER),
        ("kept", t.kept, INTEGER),
        ("kept_rate", percent(t.kept_rate), PERCENT),
        ("in_production", t.in_production, INTEGER),
        ("success_rate", percent(t.success_rate), PERCENT),
    ]
    for key, value, number_format in figures:
        shown, fmt = (missing, None) if value is None else (value, number_format)
        key_value(ws, text("label", key=key), shown, number_format=fmt)
    ws.append([])
    for line in text.lines("notes"):
        ws.append([line])
        cell = ws.cell(row=ws.max_row, column=1)
        cell.alignment = WRAP
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
        fit_height(ws, ws.max_row, [line], [NOTE_WIDTH])


def _units(wb: Workbook, a: Assessment, text: Texts) -> None:
    spec: list[tuple[str, float, str | None]] = [
        ("number", 6, INTEGER),
        ("unit", 20, None),
        ("reports_due", 9, INTEGER),
        ("reports_on_time", 9, INTEGER),
        ("reports_late", 9, INTEGER),
        ("reports_missing", 9, INTEGER),
        ("on_time_rate", 11, PERCENT),
        ("review_opinions", 11, INTEGER),
        ("review_days", 13, ONE_PLACE),
        ("overdue_reviews", 9, INTEGER),
        ("projects_followed", 11, INTEGER),
        ("open_problems", 10, INTEGER),
        ("closed_problems", 10, INTEGER),
        ("close_rate", 11, PERCENT),
        ("rating", 16, None),
    ]
    sheet = TableSheet(
        wb,
        text("sheet", key="units"),
        [Column(text("column", key=k), w, f) for k, w, f in spec],
        missing=text("missing"),
    )
    for number, u in enumerate(a.units, start=1):
        sheet.row(
            [
                number,
                u.unit,
                u.reports_due,
                u.reports_on_time,
                u.reports_late,
                u.reports_missing,
                percent(u.on_time_rate),
                u.review_opinions,
                u.average_review_days,
                u.overdue_reviews,
                u.projects_followed,
                u.open_problems,
                u.closed_problems,
                percent(u.close_rate),
                u.rating,
            ]
        )
    sheet.finish()


def _projects(wb: Workbook, a: Assessment, text: Texts) -> None:
    day = text("date_format")
    spec: list[tuple[str, float, str | None]] = [
        ("serial", 14, None),
        ("project", 26, None),
        ("lead_unit", 16, None),
        ("signed_on", 14, day),
        ("committed", 13, MONEY),
        ("actual", 13, MONEY),
        ("funding_rate", 11, PERCENT),
        ("start_due", 14, day),
        ("started_on", 14, day),
        ("start_kept", 9, None),
        ("production_due", 14, day),
        ("in_production_on", 14, day),
        ("production_kept", 9, None),
        ("kept", 8, None),
        ("status", 14, None),
        ("differs", 24, None),
    ]
    sheet = TableSheet(
        wb,
        text("sheet", key="projects"),
        [Column(text("column", key=k), w, f) for k, w, f in spec],
        missing=text("missing"),
    )
    for p in a.projects:
        sheet.row(
            [
                p.serial,
                p.name,
                p.unit,
                p.signed_on,
                p.committed_wan,
                p.actual_wan,
                percent(p.funding_rate),
                p.start_due,
                p.started_on,
                text("kept", code=p.start_kept(a.as_of)),
                p.production_due,
                p.in_production_on,
                text("kept", code=p.production_kept(a.as_of)),
                text("kept", code=p.kept(a.as_of)),
                text("status", code=p.status),
                text("differs", codes=p.differs_from_screening),
            ]
        )
    sheet.finish()
