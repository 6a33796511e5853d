"""The leading group's yearly assessment of its member units (000 四), with project follow-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

from openpyxl.workbook.workbook import Workbook

from templates.excel.base import (
    CENTRE,
    INTEGER,
    MONEY,
    ONE_PLACE,
    PERCENT,
    TITLE,
    WRAP,
    Column,
    TableSheet,
    Texts,
    fit_height,
    key_value,
    new_workbook,
    percent,
    ratio,
    to_bytes,
)
from templates.renderer import Renderer

Kept = Literal["yes", "no", "pending"]
Status = Literal["signed", "construction", "production", "lost"]
TEMPLATE: Final = "excel_assessment.j2"
NOTE_WIDTH: Final = 90  # the overview's two columns together, where the notes run


def _not_negative(owner: str, **counts: int) -> None:
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"{owner}: {name} is negative ({value})")


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """A member unit's year: monthly reports, review opinions and follow-up service."""

    unit: str
    reports_due: int  # monthly reports (附件6) the unit owed in the year
    reports_on_time: int
    reports_late: int
    review_days: list[int] = field(default_factory=list)  # working days each opinion took
    overdue_reviews: int = 0  # opinions given after the round's deadline, or never given
    projects_followed: int = 0  # signed projects it named liaison officers for (附件7)
    open_problems: int = 0  # problems from its reports still unsolved at the year's end
    closed_problems: int = 0
    rating: str | None = None  # the office's preliminary rating, when it has written one

    def __post_init__(self) -> None:
        _not_negative(
            self.unit,
            reports_due=self.reports_due,
            reports_on_time=self.reports_on_time,
            reports_late=self.reports_late,
            overdue_reviews=self.overdue_reviews,
            projects_followed=self.projects_followed,
            open_problems=self.open_problems,
            closed_problems=self.closed_problems,
        )
        if self.reports_on_time + self.reports_late > self.reports_due:
            raise ValueError(f"{self.unit}: more reports sent than were due")
        if any(days < 0 for days in self.review_days):
            raise ValueError(f"{self.unit}: a review took a negative number of days")

    @property
    def reports_missing(self) -> int:
        """Reports due but never sent."""
        return self.reports_due - self.reports_on_time - self.reports_late

    @property
    def on_time_rate(self) -> Decimal | None:
        """Reports on time per report due, in per cent."""
        return ratio(self.reports_on_time, self.reports_due)

    @property
    def review_opinions(self) -> int:
        """Review opinions the unit gave."""
        return len(self.review_days)

    @property
    def average_review_days(self) -> Decimal | None:
        """Mean working days per review opinion, to one place."""
        return _mean(sum(self.review_days), len(self.review_days))

    @property
    def close_rate(self) -> Decimal | None:
        """Closed problems per problem raised, in per cent."""
        return ratio(self.closed_problems, self.closed_problems + self.open_problems)


@dataclass(frozen=True, slots=True)
class ProjectFollowUp:
    """A signed project's commitments against what happened (000 一(三)2(3))."""

    serial: str
    name: str
    unit: str  # 责任单位: the unit that follows it
    signed_on: date
    committed_wan: Decimal  # 协议投资额, 万元
    actual_wan: Decimal  # 实际到位资金, 万元
    start_due: date | None = None  # 约定开工日期
    started_on: date | None = None
    production_due: date | None = None  # 约定投产日期
    in_production_on: date | None = None
    lost: bool = False  # 项目流失

    def __post_init__(self) -> None:
        if self.committed_wan < 0 or self.actual_wan < 0:
            raise ValueError(f"{self.serial}: a negative investment")

    @property
    def funding_rate(self) -> Decimal | None:
        """资金到位率: investment in place per investment committed, in per cent."""
        return ratio(self.actual_wan, self.committed_wan)

    def start_kept(self, as_of: date) -> Kept | None:
        """Whether the committed start date was kept; None when none was committed."""
        return _kept(self.start_due, self.started_on, as_of)

    def production_kept(self, as_of: date) -> Kept | None:
        """Whether the committed production date was kept; None when none was committed."""
        return _kept(self.production_due, self.in_production_on, as_of)

    def kept(self, as_of: date) -> Kept | None:
        """履约: every commitment that has come due was kept on time."""
        found = [k for k in (self.start_kept(as_of), self.production_kept(as_of)) if k]
        if "no" in found:
            return "no"
        if "yes" in found:
            return "yes"
        return "pending" if found else None

    @property
    def status(self) -> Status:
        """Where the project stands; in production counts as a success."""
        if self.in_production_on is not None:
            return "production"
        if self.lost:
            return "lost"
        return "construction" if self.started_on is not None else "signed"


@dataclass(frozen=True, slots=True)
class Assessment:
    """The year's figures of every member unit and every signed project."""

    year: int
    as_of: date  # the day the figures were taken; commitments after it are not yet due
    units: list[UnitRecord]
    projects: list[ProjectFollowUp] = field(default_factory=list)
    # The first period (YYYY-MM) counted when the bot came into use during the year: the
    # months before it owe no report. None when every month of the year counts.
    reports_from: str | None = None


def _kept(due: date | None, done: date | None, as_of: date) -> Kept | None:
    if due is None:
        return None
    if done is not None:
        return "yes" if done <= due else "no"
    return "no" if as_of > due else "pending"


def _mean(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


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

    units, projects = a.units, a.projects
    due = sum(u.reports_due for u in units)
    on_time = sum(u.reports_on_time for u in units)
    days = [d for u in units for d in u.review_days]
    open_problems = sum(u.open_problems for u in units)
    closed = sum(u.closed_problems for u in units)
    committed = sum((p.committed_wan for p in projects), Decimal(0))
    actual = sum((p.actual_wan for p in projects), Decimal(0))
    kept = [p.kept(a.as_of) for p in projects]
    kept_due = sum(k in ("yes", "no") for k in kept)
    kept_yes = kept.count("yes")
    producing = sum(p.status == "production" for p in projects)
    missing = text("missing")
    figures: list[tuple[str, object, str | None]] = [
        ("year", str(a.year), None),
        ("as_of", a.as_of, text("date_format")),
        *(
            [("reports_from", text("period", period=a.reports_from), None)]
            if a.reports_from
            else []
        ),
        ("units", len(units), INTEGER),
        ("reports_due", due, INTEGER),
        ("reports_on_time", on_time, INTEGER),
        ("reports_late", sum(u.reports_late for u in units), INTEGER),
        ("reports_missing", sum(u.reports_missing for u in units), INTEGER),
        ("on_time_rate", percent(ratio(on_time, due)), PERCENT),
        ("review_opinions", len(days), INTEGER),
        ("review_days", _mean(sum(days), len(days)), ONE_PLACE),
        ("overdue_reviews", sum(u.overdue_reviews for u in units), INTEGER),
        ("open_problems", open_problems, INTEGER),
        ("closed_problems", closed, INTEGER),
        ("close_rate", percent(ratio(closed, closed + open_problems)), PERCENT),
        ("projects", len(projects), INTEGER),
        ("committed", committed, MONEY),
        ("actual", actual, MONEY),
        ("funding_rate", percent(ratio(actual, committed)), PERCENT),
        ("kept_due", kept_due, INTEGER),
        ("kept", kept_yes, INTEGER),
        ("kept_rate", percent(ratio(kept_yes, kept_due)), PERCENT),
        ("in_production", producing, INTEGER),
        ("success_rate", percent(ratio(producing, len(projects))), PERCENT),
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
            ]
        )
    sheet.finish()
