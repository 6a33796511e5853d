"""The leading group's yearly assessment of its member units (000 四), with project follow-up:
the figures of `workflow.assessment`, laid out as a workbook."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from openpyxl.workbook.workbook import Workbook

from documents.excel.base import (
    INTEGER,
    MONEY,
    ONE_PLACE,
    PERCENT,
    Column,
    Figure,
    Heading,
    TableSheet,
    Words,
    new_workbook,
    percent,
    to_bytes,
)
from documents.texts import Texts
from templates.renderer import Renderer
from workflow.assessment import Assessment, year_totals

TEMPLATE: Final = "excel_assessment.j2"


def annual_assessment(
    a: Assessment, *, renderer: Renderer | None = None, unit: str | None = None
) -> bytes:
    """The year's assessment as an .xlsx file: overview, member units, signed projects;
    `unit` is who fills it in (填报单位), the leading group's office."""
    text = Words(Texts(renderer, TEMPLATE))
    wb = new_workbook()
    _overview(wb, a, text, unit)
    _units(wb, a, text, unit)
    _projects(wb, a, text, unit)
    return to_bytes(wb)


def _heading(a: Assessment, text: Words, unit: str | None, sheet: str) -> Heading:
    return Heading(
        title=text("title", year=a.year, key=sheet),
        left=text("unit_line", unit=unit),
        right=text("as_of_line", day=a.as_of),
        footer=text("footer"),
    )


def _columns(text: Words, spec: Sequence[tuple[str, float, str | None]]) -> list[Column]:
    return [Column(text("column", key=key), width, fmt) for key, width, fmt in spec]


def _overview(wb: Workbook, a: Assessment, text: Words, unit: str | None) -> None:
    t = year_totals(a)
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
    sheet = TableSheet(
        wb,
        text("sheet", key="overview"),
        _heading(a, text, unit, "overview"),
        [Column("", 40), Column("", 44)],
        missing=text("missing"),
        figures=[Figure(text("label", key=k), v, f) for k, v, f in figures],
        header=False,
        # Two dozen figures and the notes fit one portrait page; landscape would take two.
        landscape=False,
    )
    for line in text.lines("notes"):
        sheet.note(line)


def _units(wb: Workbook, a: Assessment, text: Words, unit: str | None) -> None:
    spec: list[tuple[str, float, str | None]] = [
        ("number", 5, INTEGER),
        ("unit", 20, None),
        ("reports_due", 7, INTEGER),
        ("reports_on_time", 7, INTEGER),
        ("reports_late", 7, INTEGER),
        ("reports_missing", 7, INTEGER),
        ("on_time_rate", 9, PERCENT),
        ("review_opinions", 8, INTEGER),
        ("review_days", 10, ONE_PLACE),
        ("overdue_reviews", 7, INTEGER),
        ("projects_followed", 8, INTEGER),
        ("open_problems", 8, INTEGER),
        ("closed_problems", 8, INTEGER),
        ("close_rate", 9, PERCENT),
        ("rating", 14, None),
    ]
    sheet = TableSheet(
        wb,
        text("sheet", key="units"),
        _heading(a, text, unit, "units"),
        _columns(text, spec),
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


def _projects(wb: Workbook, a: Assessment, text: Words, unit: str | None) -> None:
    # Five dates side by side: the short form keeps the table near the page's width.
    day = text("short_date_format")
    spec: list[Column] = [
        Column(text("column", key="serial"), 13, whole=True),
        Column(text("column", key="project"), 17),
        Column(text("column", key="lead_unit"), 12),
        Column(text("column", key="signed_on"), 12.5, day),
        Column(text("column", key="committed"), 12, MONEY),
        Column(text("column", key="actual"), 12, MONEY),
        Column(text("column", key="funding_rate"), 8, PERCENT),
        Column(text("column", key="start_due"), 12.5, day),
        Column(text("column", key="started_on"), 12.5, day),
        Column(text("column", key="start_kept"), 7, centred=True),
        Column(text("column", key="production_due"), 12.5, day),
        Column(text("column", key="in_production_on"), 12.5, day),
        Column(text("column", key="production_kept"), 7, centred=True),
        Column(text("column", key="kept"), 7, centred=True),
        Column(text("column", key="status"), 9, centred=True),
        Column(text("column", key="differs"), 11),
    ]
    sheet = TableSheet(
        wb,
        text("sheet", key="projects"),
        _heading(a, text, unit, "projects"),
        spec,
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
                text("kept", code=p.start_kept(a.as_of)) or None,
                p.production_due,
                p.in_production_on,
                text("kept", code=p.production_kept(a.as_of)) or None,
                text("kept", code=p.kept(a.as_of)) or None,
                text("status", code=p.status),
                text("differs", codes=p.differs_from_screening),
            ]
        )
    sheet.finish()
