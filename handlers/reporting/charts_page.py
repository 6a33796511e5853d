"""The charts the Mini App draws for the office and the leaders, as data: projects by stage
(the digest's funnel, green / amber / red by the policy's stall days), planned investment by
sector and by stage, review turnaround per dimension, and each member unit's monthly report
punctuality.

- Stages: the digest's funnel (`documents.charts.funnel`, `digest.stall_colour`) over the
  stages in progress, with the closed stages counted beside it.
- Investment: the projects in the library, that is every stage but 不予引进, 撤回 and 流失,
  their planned total investment summed by sector and by stage.
- Turnaround: for each round opened in the last year and each dimension, the working days
  from the round's opening to the dimension's verdict (when the last of its units gave its
  opinion), as the assessment counts a unit's review days; the median per dimension, beside
  the policy's review time limit.
- Punctuality: the last twelve report months whose due date has passed (none before the
  deployment's first), each unit's reports on time, late or missing as the grid counts them
  (`report_grid.filing`), and the on-time rate of the assessment (`documents.charts.unit_rates`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Final

from documents.charts import Funnel, UnitRate, funnel, unit_rates
from handlers import deployment
from handlers.context import Actor, Services
from handlers.errors import Refused
from handlers.reporting.aggregate import submitted_on
from handlers.reporting.report_grid import filing
from storage.repositories import charts as queries
from storage.uow import UnitOfWork
from workflow.assessment import UnitRecord, median
from workflow.calendar import working_days_between
from workflow.pipeline import ACTIVE_STAGES, STAGE_ORDER, Stage
from workflow.reporting import ReportWindow, recent_periods, reporting_period, window
from workflow.review import dimension_decided_at
from workflow.roles import Role

CHART_ROLES: Final = frozenset({Role.OFFICE, Role.LEADER})
"""Who sees the charts: the office and the leaders, as the digest and /assessment."""
OUT_OF_LIBRARY: Final = frozenset({Stage.REJECTED, Stage.WITHDRAWN, Stage.LOST})
IN_LIBRARY: Final = tuple(st for st in STAGE_ORDER if st not in OUT_OF_LIBRARY)
CLOSED: Final = tuple(st for st in STAGE_ORDER if st.terminal)
COLOURS: Final = ("green", "amber", "red")
PUNCTUALITY_MONTHS: Final = 12
TURNAROUND_DAYS: Final = 365
"""Review turnaround counts the rounds opened in the last year."""


@dataclass(frozen=True, slots=True)
class Amount:
    """A sector's or a stage's projects in the library and their planned investment (万元)."""

    key: str  # the sector's id (or "" for none) or the stage
    count: int
    wan: Decimal


@dataclass(frozen=True, slots=True)
class Turnaround:
    """A review dimension's verdicts: how many, and the median and longest working days
    from the round's opening (None when it has given none)."""

    dimension: str  # the dimension's id
    name: str
    verdicts: int
    median_days: Decimal | None
    longest_days: int | None


@dataclass(frozen=True, slots=True)
class Charts:
    """Every chart's figures as of today."""

    today: date
    funnel: Funnel
    closed: tuple[tuple[Stage, int], ...]  # the closed stages and their projects
    by_sector: tuple[Amount, ...]  # largest first
    by_stage: tuple[Amount, ...]  # the pipeline's order
    review_limit: int  # the policy's working days for a round
    turnaround: tuple[Turnaround, ...]  # the policy's order
    months: tuple[ReportWindow, ...]  # the report months punctuality counts, oldest first
    punctuality: tuple[UnitRate, ...]  # best first

    @property
    def library_wan(self) -> Decimal:
        """The planned investment of every project in the library."""
        return sum((a.wan for a in self.by_stage), Decimal(0))


def check_may_see(actor: Actor) -> None:
    """Refuse anyone but the office and the leaders, as chat refuses /assessment."""
    if not actor.roles & CHART_ROLES:
        raise Refused("common#not_allowed", audit_action="refused:web/charts")


def charts(s: Services, uow: UnitOfWork, actor: Actor) -> Charts:
    """The charts' figures, for the office and the leaders."""
    check_may_see(actor)
    today = s.today()
    months = _due_months(s, uow, today)
    return Charts(
        today=today,
        funnel=stage_funnel(s, uow, today),
        closed=_closed(uow),
        by_sector=_by_sector(uow),
        by_stage=_by_stage(uow),
        review_limit=s.policy.deadlines.review_round_working_days,
        turnaround=turnaround(s, uow),
        months=months,
        punctuality=punctuality(s, uow, months, today),
    )


def stage_funnel(s: Services, uow: UnitOfWork, today: date) -> Funnel:
    """The projects in progress by stage, each coloured by its days there as the digest
    colours them (`digest.stall_colour`: amber past the stage's stall days, red past twice
    them), counted in the database by the instants those days begin."""
    stall = s.policy.deadlines.stall_days
    cuts = {
        st.value: (_midnight(s, today, stall[st.value]), _midnight(s, today, 2 * stall[st.value]))
        if stall.get(st.value)
        else None
        for st in ACTIVE_STAGES
    }
    counts = queries.stall_counts(uow.session, cuts)
    projects = [
        (stage, colour)
        for stage, figures in counts.items()
        for colour, n in zip(COLOURS, figures, strict=True)
        for _ in range(n)
    ]
    return funnel([st.value for st in ACTIVE_STAGES], projects)


def _midnight(s: Services, today: date, days: int) -> datetime:
    """The instant a project must have entered its stage before to have stood there more
    than `days` days today: the start of the day `days` days ago, in the deployment's zone."""
    day = today - timedelta(days=days)
    return datetime.combine(day, time(), tzinfo=s.timezone)


def _closed(uow: UnitOfWork) -> tuple[tuple[Stage, int], ...]:
    counts = uow.projects.count_by_stage()
    return tuple((st, counts.get(st.value, 0)) for st in CLOSED)


def _by_sector(uow: UnitOfWork) -> tuple[Amount, ...]:
    sums = queries.investment(uow.session, "sector", [st.value for st in IN_LIBRARY])
    found = [Amount(x.key or "", x.count, x.wan) for x in sums if x.count]
    return tuple(sorted(found, key=lambda a: (-a.wan, -a.count, a.key)))


def _by_stage(uow: UnitOfWork) -> tuple[Amount, ...]:
    sums = {
        x.key: x for x in queries.investment(uow.session, "stage", [st.value for st in IN_LIBRARY])
    }
    return tuple(
        Amount(st.value, sums[st.value].count, sums[st.value].wan)
        if st.value in sums
        else Amount(st.value, 0, Decimal(0))
        for st in IN_LIBRARY
    )


def turnaround(s: Services, uow: UnitOfWork) -> tuple[Turnaround, ...]:
    """Each review dimension's working days from a round's opening to its verdict, over
    the rounds opened in the last year."""
    since = s.clock() - timedelta(days=TURNAROUND_DAYS)
    rounds: dict[int, list[queries.DimensionTime]] = defaultdict(list)
    for x in queries.dimension_times(uow.session, since):
        rounds[x.round_id].append(x)
    counted: dict[tuple[date, date], int] = {}  # many rounds share their days
    is_working_day = cache(s.calendar.is_working_day)  # and their calendar's days
    days: dict[str, list[int]] = defaultdict(list)
    for dimensions in rounds.values():
        opened = dimensions[0].opened_at.astimezone(s.timezone).date()
        given = dimension_decided_at(
            (x.dimension_id, x.last_given_at if x.given == x.asked else None) for x in dimensions
        )
        for dimension, at in given.items():
            span = (opened, at.astimezone(s.timezone).date())
            if span not in counted:
                counted[span] = max(0, working_days_between(*span, is_working_day))
            days[dimension].append(counted[span])
    return tuple(
        Turnaround(
            d.id,
            d.name,
            len(days[d.id]),
            median(days[d.id]),
            max(days[d.id]) if days[d.id] else None,
        )
        for d in s.policy.review_dimensions
    )


def _due_months(s: Services, uow: UnitOfWork, today: date) -> tuple[ReportWindow, ...]:
    """The last report months whose due date has passed, from the deployment's first."""
    since = deployment.reporting_since(s, uow)
    current = reporting_period(today, s.policy.deadlines)
    recent = (window(p, s.policy.deadlines) for p in recent_periods(current, 14))
    due = [w for w in recent if w.due_on < today and w.period >= since]
    return tuple(due[-PUNCTUALITY_MONTHS:])


def punctuality(
    s: Services, uow: UnitOfWork, months: tuple[ReportWindow, ...], today: date
) -> tuple[UnitRate, ...]:
    """Each member unit's reports of these months, on time, late or missing, best first."""
    units = s.policy.member_units()
    reports = {
        (r.unit_id, r.period): r
        for r in uow.reports.of_periods([w.period for w in months], [u.id for u in units])
    }
    since = months[0].period if months else ""
    records = []
    for unit in units:
        counted = [
            filing(w, submitted_on(s, reports.get((unit.id, w.period))), today, since)
            for w in months
        ]
        records.append(
            UnitRecord(
                unit=unit.short,
                reports_due=len(counted),
                reports_on_time=counted.count("on_time"),
                reports_late=counted.count("late"),
            )
        )
    return unit_rates(records)
