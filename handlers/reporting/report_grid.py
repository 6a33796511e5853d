"""The member units' monthly reports (附件6) as the Mini App shows them: a grid of units ×
report months, each cell filed on time, late, missing, still open, or of a month before the
bot asked; one unit's reports with what each said; and a month's aggregate, the Excel file
chat sends the office on the due date.

On time and late are chat's: the day a report was filed in the deployment's time zone
(`aggregate.submitted_on`) against its window's due date (`workflow.reporting`), as the
reminders, the aggregate, its status chart and the assessment count them. A month is missing
only once its due date has passed (until then the reminders are still running), and a month
before the deployment's first period was never asked for.

The office and the leaders see every member unit; a unit's reporter or head sees their own
units only; anyone else is refused as chat refuses /report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

from documents.excel import ReportRow
from handlers import deployment
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.reporting.aggregate import (
    XLSX,
    aggregate_data,
    aggregate_workbook,
    report_rows,
    submitted_on,
)
from handlers.reporting.monthly import joined_units, reporting_units
from storage.tables import MonthlyReport
from storage.uow import UnitOfWork
from workflow.reporting import (
    ReportWindow,
    recent_periods,
    reporting_period,
    shift_period,
    submitted_late,
    window,
)
from workflow.roles import Role

SEE_ALL: Final = frozenset({Role.OFFICE, Role.LEADER})
"""Who sees every member unit's reports and takes the aggregate."""
REPORTERS: Final = frozenset({Role.UNIT_REPORTER, Role.UNIT_HEAD})
SPANS: Final = (6, 12)
"""How many report months a page shows: the last half-year, or the last year."""
PERIOD: Final = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

Filing = Literal["on_time", "late", "missing", "open", "before"]
FILINGS: Final[tuple[Filing, ...]] = ("on_time", "late", "missing", "open", "before")


def filing(w: ReportWindow, filed_on: date | None, today: date, since: str) -> Filing:
    """How a unit stands for one report month: filed on time or late (by chat's rule);
    missing once the due date has passed unfiled; open until then; before, for a month
    before the deployment's first period (never asked for)."""
    if filed_on is not None:
        return "late" if submitted_late(filed_on, w.due_on) else "on_time"
    if w.period < since:
        return "before"
    return "open" if today <= w.due_on else "missing"


@dataclass(frozen=True, slots=True)
class Span:
    """Which report months a page shows: `size` of them, ending with `last`."""

    last: str  # YYYY-MM
    size: int

    @property
    def periods(self) -> list[str]:
        """The months, oldest first."""
        return recent_periods(self.last, self.size)


def read_span(s: Services, raw: Mapping[str, str], default: int = SPANS[0]) -> Span:
    """The months a request asks for (`months`: 6 or 12; `to`: the last month, YYYY-MM),
    each kept only when it makes sense: never past the month open for reporting today."""
    current = reporting_period(s.today(), s.policy.deadlines)
    months = raw.get("months", "")
    size = int(months) if months in {str(n) for n in SPANS} else default
    to = raw.get("to", "")
    last = to if PERIOD.fullmatch(to) and to <= current else current
    return Span(last, size)


def _earlier(span: Span, since: str) -> str | None:
    """The last month of the page before; None when this page reaches back to the
    deployment's first report month (nothing was asked before it)."""
    return None if span.periods[0] <= since else shift_period(span.last, -span.size)


def _later(s: Services, span: Span) -> str | None:
    """The last month of the page after; None when this page ends with the current month."""
    current = reporting_period(s.today(), s.policy.deadlines)
    if span.last >= current:
        return None
    return min(shift_period(span.last, span.size), current)


@dataclass(frozen=True, slots=True)
class Cell:
    """One unit's report of one month."""

    period: str
    filing: Filing
    filed_on: date | None


@dataclass(frozen=True, slots=True)
class GridRow:
    """A member unit's months; `asked` is False while nobody who reports for it can be reached
    in the bot (the reminders then ask no one, and its months still count as missing)."""

    unit: str  # the unit's id
    name: str
    short: str
    asked: bool
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class ReportGrid:
    """The grid as one person may see it today."""

    today: date
    since: str  # the deployment's first report month
    span: Span
    windows: tuple[ReportWindow, ...]  # the months, oldest first
    rows: tuple[GridRow, ...]
    everyone: bool  # every member unit (the office, a leader): the aggregate is theirs too
    earlier: str | None  # the last month of the page before, None before the first
    later: str | None  # and of the page after, None when this one ends today

    def count(self, period: str, state: Filing) -> int:
        """How many units stand so in a month."""
        return sum(c.period == period and c.filing == state for r in self.rows for c in r.cells)


def readable_units(s: Services, actor: Actor) -> tuple[bool, list[str]]:
    """Whether this person sees every member unit, and the units they see; refused as chat
    refuses /report: anyone without the roles, then a reporter of no member unit."""
    members = [u.id for u in s.policy.member_units()]
    if actor.roles & SEE_ALL:
        return True, members
    if not actor.roles & REPORTERS:
        raise Refused("common#not_allowed", audit_action="refused:web/reports")
    mine = reporting_units(s, actor)
    if not mine:
        raise Refused("reports#not_a_member_unit", audit_action="refused:web/reports")
    return False, [u for u in members if u in mine]


def _windows(s: Services, span: Span) -> tuple[ReportWindow, ...]:
    return tuple(window(p, s.policy.deadlines) for p in span.periods)


def _by_unit_period(
    uow: UnitOfWork, periods: Sequence[str], units: Sequence[str]
) -> dict[tuple[str, str], MonthlyReport]:
    return {(r.unit_id, r.period): r for r in uow.reports.of_periods(periods, units)}


def report_grid(s: Services, uow: UnitOfWork, actor: Actor, span: Span) -> ReportGrid:
    """The member units this person may see × the span's report months."""
    everyone, units = readable_units(s, actor)
    today = s.today()
    since = deployment.reporting_since(s, uow)
    windows = _windows(s, span)
    reports = _by_unit_period(uow, span.periods, units)
    joined = joined_units(s, uow)
    rows = []
    for unit_id in units:
        unit = s.policy.unit(unit_id)
        cells = []
        for w in windows:
            on = submitted_on(s, reports.get((unit_id, w.period)))
            cells.append(Cell(w.period, filing(w, on, today, since), on))
        asked = joined.get(unit_id) is not None
        rows.append(GridRow(unit_id, unit.name, unit.short, asked, tuple(cells)))
    return ReportGrid(
        today,
        since,
        span,
        windows,
        tuple(rows),
        everyone,
        earlier=_earlier(span, since),
        later=_later(s, span),
    )


@dataclass(frozen=True, slots=True)
class Entry:
    """One month of a unit: how it stands, and what its report said when it was filed."""

    window: ReportWindow
    filing: Filing
    filed_at: datetime | None
    filed_by: str | None  # the person who submitted it
    nothing_to_report: bool  # 本月无事项
    rows: tuple[ReportRow, ...]


@dataclass(frozen=True, slots=True)
class UnitReports:
    """A member unit's report months, the newest first."""

    unit: str  # the unit's id
    name: str
    today: date
    span: Span
    entries: tuple[Entry, ...]
    everyone: bool
    earlier: str | None
    later: str | None


def unit_reports(
    s: Services, uow: UnitOfWork, actor: Actor, unit_id: str, span: Span
) -> UnitReports:
    """One member unit's reports of the span's months, for someone who may see them."""
    everyone, units = readable_units(s, actor)
    if unit_id not in units:
        if not everyone:
            raise Refused("common#not_allowed", audit_action="refused:web/reports/unit")
        raise HandlerError("reports#web_no_unit")
    today = s.today()
    since = deployment.reporting_since(s, uow)
    reports = _by_unit_period(uow, span.periods, [unit_id])
    entries = []
    for w in reversed(_windows(s, span)):
        report = reports.get((unit_id, w.period))
        on = submitted_on(s, report)
        by = None
        if report is not None and on is not None and report.submitted_by is not None:
            person = uow.people.get(report.submitted_by)
            by = person.name if person is not None else None
        entries.append(
            Entry(
                w,
                filing(w, on, today, since),
                report.submitted_at if report is not None and on is not None else None,
                by,
                bool(report and on and report.nothing_to_report),
                tuple(report_rows(uow, report)),
            )
        )
    return UnitReports(
        unit_id,
        s.policy.unit(unit_id).name,
        today,
        span,
        tuple(entries),
        everyone,
        earlier=_earlier(span, since),
        later=_later(s, span),
    )


@dataclass(frozen=True, slots=True)
class AggregateFile:
    """A month's aggregate as the office gets it in chat."""

    name: str
    content: bytes
    mime_type: str = XLSX


def aggregate_file(s: Services, uow: UnitOfWork, actor: Actor, month: str) -> AggregateFile:
    """The aggregate of a month whose reports have opened (YYYY-MM), for the office and the
    leaders; the taking is audited, as the workbook holds every unit's report."""
    if not actor.roles & SEE_ALL:
        raise Refused("common#not_allowed", audit_action="refused:web/reports/aggregate")
    current = reporting_period(s.today(), s.policy.deadlines)
    if not PERIOD.fullmatch(month) or month > current:
        raise HandlerError("reports#web_bad_month", month=month[:7], current=current)
    data = aggregate_data(s, uow, window(month, s.policy.deadlines))
    name, content = aggregate_workbook(s, data)
    uow.audit("web:monthly_aggregate", "period", month, actor_id=actor.person_id)
    return AggregateFile(name, content)
