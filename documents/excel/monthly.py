"""The office's monthly aggregate of the units' 附件6 reports for the joint meeting."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from openpyxl.styles import PatternFill
from openpyxl.workbook.workbook import Workbook

from documents.excel.base import (
    BAND_FILL,
    INTEGER,
    Column,
    Figure,
    Heading,
    TableSheet,
    Words,
    new_workbook,
    to_bytes,
)
from documents.texts import Texts
from templates.renderer import Renderer
from workflow.reporting import submitted_late

TEMPLATE: Final = "excel_monthly.j2"
PERIOD: Final = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# How units write several departments in one cell: 、 ， , ； ; / and line breaks.
DEPARTMENT_SEPARATORS: Final = re.compile(r"[、，,；;/\n]+")


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One row of a unit's monthly report (附件6)."""

    project: str  # 涉及招商项目
    problem: str | None = None  # 存在问题
    suggestion: str | None = None  # 解决建议
    departments: list[str] = field(default_factory=list)  # 需要协调的部门, one name each
    progress: str | None = None  # 解决情况及进度


@dataclass(frozen=True, slots=True)
class UnitReport:
    """A member unit's report for the period, or its absence (submitted_on None)."""

    unit: str
    submitted_on: date | None  # 填表日期; None: not submitted
    nothing_to_report: bool = False
    rows: list[ReportRow] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.submitted_on is None and (self.rows or self.nothing_to_report):
            raise ValueError(f"{self.unit}: a report that was not submitted has no content")
        if self.nothing_to_report and self.rows:
            raise ValueError(f"{self.unit}: nothing to report, yet {len(self.rows)} rows")


@dataclass(frozen=True, slots=True)
class MonthlyAggregate:
    """Every member unit's report for one period, as the office puts them to the meeting."""

    period: str  # YYYY-MM, the month reported on
    due_on: date
    units: list[UnitReport]
    unit: str | None = None  # 填报单位: who aggregates, the leading group's office
    made_on: date | None = None  # 填表日期: the day the aggregate was made

    def __post_init__(self) -> None:
        if not PERIOD.fullmatch(self.period):
            raise ValueError(f"period: expected YYYY-MM, got {self.period!r}")


@dataclass(frozen=True, slots=True)
class _Entry:
    unit: UnitReport
    row: ReportRow
    departments: list[str]  # cleaned: stripped, without blanks or repeats


def split_departments(text: str | None) -> list[str]:
    """The department names in a stored 需要协调的部门 cell, in order, without repeats."""
    return _clean(DEPARTMENT_SEPARATORS.split(text or ""))


def _clean(names: list[str]) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _entries(report: MonthlyAggregate) -> Iterator[_Entry]:
    for unit in report.units:
        for row in unit.rows:
            yield _Entry(unit, row, _clean(row.departments))


def _banded(groups: dict[str, list[_Entry]]) -> Iterator[tuple[str, _Entry, PatternFill | None]]:
    """Each entry with its group's key, shading every other group."""
    for index, (key, entries) in enumerate(groups.items()):
        for entry in entries:
            yield key, entry, BAND_FILL if index % 2 else None


def monthly_aggregate(report: MonthlyAggregate, *, renderer: Renderer | None = None) -> bytes:
    """The period's aggregate as an .xlsx file: summary, by project, by department, as sent."""
    text = Words(Texts(renderer, TEMPLATE))
    date_format = text("date_format")
    entries = list(_entries(report))
    wb = new_workbook()
    _summary(wb, report, entries, text, date_format)
    _by_project(wb, report, entries, text)
    _by_department(wb, report, entries, text)
    _raw(wb, report, text, date_format)
    return to_bytes(wb)


def _heading(report: MonthlyAggregate, text: Words, sheet: str | None) -> Heading:
    """The summary's heading (sheet None), or a table sheet's, which is laid out as 附件6."""
    return Heading(
        title=text("title", value=report.period)
        if sheet is None
        else text("table_title", value=report.period, key=sheet),
        form="" if sheet is None else text("form"),
        left=text("unit_line", unit=report.unit),
        right=text("date_line", day=report.made_on),
        footer=text("footer"),
    )


def _columns(text: Words, widths: Mapping[str, float], formats: Mapping[str, str]) -> list[Column]:
    return [Column(text("column", key=k), w, formats.get(k)) for k, w in widths.items()]


def _summary(
    wb: Workbook,
    report: MonthlyAggregate,
    entries: list[_Entry],
    text: Words,
    date_format: str,
) -> None:
    submitted = [u for u in report.units if u.submitted_on is not None]
    missing = [u.unit for u in report.units if u.submitted_on is None]
    late = [u.unit for u in submitted if submitted_late(u.submitted_on, report.due_on)]
    figures: list[tuple[str, object, str | None]] = [
        ("period", text("period", value=report.period), None),
        ("due_on", report.due_on, date_format),
        ("units", len(report.units), INTEGER),
        ("submitted", len(submitted), INTEGER),
        ("late", len(late), INTEGER),
        ("nothing", sum(u.nothing_to_report for u in submitted), INTEGER),
        ("missing", len(missing), INTEGER),
        ("missing_names", text("names", values=missing), None),
        ("late_names", text("names", values=late), None),
        ("rows", len(entries), INTEGER),
        ("projects", len({e.row.project.strip() for e in entries}), INTEGER),
    ]
    columns = [
        Column(text("column", key="unit"), 36),
        Column(text("column", key="status"), 22, centred=True),
        Column(text("column", key="submitted_on"), 24, date_format),
        Column(text("column", key="row_count"), 20, INTEGER),
        Column(text("column", key="remark"), 34),
    ]
    sheet = TableSheet(
        wb,
        text("sheet", key="summary"),
        _heading(report, text, None),
        columns,
        missing=text("missing"),
        figures=[Figure(text("label", key=k), v, f) for k, v, f in figures],
    )
    for unit in report.units:
        late_unit = submitted_late(unit.submitted_on, report.due_on)
        status = "missing" if unit.submitted_on is None else "late" if late_unit else "on_time"
        sheet.row(
            [
                unit.unit,
                text("status", code=status),
                unit.submitted_on,
                len(unit.rows) if unit.submitted_on is not None else None,
                text("remark", nothing=unit.nothing_to_report, late=False) or None,
            ]
        )
    sheet.finish()


def _by_project(
    wb: Workbook, report: MonthlyAggregate, entries: list[_Entry], text: Words
) -> None:
    widths = dict(project=22, unit=16, problem=28, suggestion=28, departments=18, progress=24)
    sheet = TableSheet(
        wb,
        text("sheet", key="by_project"),
        _heading(report, text, "by_project"),
        _columns(text, widths, {}),
        missing=text("missing"),
    )
    groups: dict[str, list[_Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.row.project.strip(), []).append(entry)
    for project, entry, fill in _banded(groups):
        row = entry.row
        sheet.row(
            [
                project,
                entry.unit.unit,
                row.problem,
                row.suggestion,
                text("names", values=entry.departments) if entry.departments else None,
                row.progress,
            ],
            fill=fill,
        )
    sheet.finish()


def _by_department(
    wb: Workbook, report: MonthlyAggregate, entries: list[_Entry], text: Words
) -> None:
    widths = dict(department=15, project=20, unit=14, problem=26, suggestion=24, progress=22)
    widths.update(others=15)
    sheet = TableSheet(
        wb,
        text("sheet", key="by_department"),
        _heading(report, text, "by_department"),
        _columns(text, widths, {}),
        missing=text("missing"),
    )
    groups: dict[str, list[_Entry]] = {}
    unnamed: list[_Entry] = []
    for entry in entries:
        for department in entry.departments:
            groups.setdefault(department, []).append(entry)
        if not entry.departments:
            unnamed.append(entry)
    if unnamed:  # last, so the named departments lead
        groups[text("no_department")] = unnamed
    for department, entry, fill in _banded(groups):
        others = [d for d in entry.departments if d != department]
        row = entry.row
        sheet.row(
            [
                department,
                row.project.strip(),
                entry.unit.unit,
                row.problem,
                row.suggestion,
                row.progress,
                text("names", values=others) if others else None,
            ],
            fill=fill,
        )
    sheet.finish()


def _raw(wb: Workbook, report: MonthlyAggregate, text: Words, date_format: str) -> None:
    widths = dict(unit=14, submitted_on=15, project=19, problem=23, suggestion=21)
    widths.update(departments=14, progress=18, remark=12)
    sheet = TableSheet(
        wb,
        text("sheet", key="raw"),
        _heading(report, text, "raw"),
        _columns(text, widths, {"submitted_on": date_format}),
        missing=text("missing"),
    )
    for unit in report.units:
        if unit.submitted_on is None:
            continue
        remark = text(
            "remark",
            nothing=unit.nothing_to_report,
            late=submitted_late(unit.submitted_on, report.due_on),
        )
        if not unit.rows:
            sheet.row([unit.unit, unit.submitted_on, None, None, None, None, None, remark or None])
        for row in unit.rows:
            departments = _clean(row.departments)
            sheet.row(
                [
                    unit.unit,
                    unit.submitted_on,
                    row.project,
                    row.problem,
                    row.suggestion,
                    text("names", values=departments) if departments else None,
                    row.progress,
                    remark or None,
                ]
            )
    sheet.finish()
