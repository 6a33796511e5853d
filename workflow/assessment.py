"""The yearly assessment of the member units (000 四) and the follow-up of signed projects
(000 一(三)2(3)): the records, and the rates, kept commitments and status computed from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

Kept = Literal["yes", "no", "pending"]
Status = Literal["signed", "construction", "production", "lost"]
ONE_PLACE: Final = Decimal("0.1")


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """A rate in per cent to one place (half up), or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def mean(values: Sequence[int]) -> Decimal | None:
    """The mean to one place (half up), or None when there are no values."""
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def median(values: Sequence[int]) -> Decimal | None:
    """The median to one place (half up), or None when there are no values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle]).quantize(ONE_PLACE)
    pair = Decimal(ordered[middle - 1] + ordered[middle]) / 2
    return pair.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def commitment_kept(due: date | None, done: date | None, as_of: date) -> Kept | None:
    """Whether something promised by `due` was done by then: "pending" while `due` has not
    passed and it is not done; None when nothing was promised."""
    if due is None:
        return None
    if done is not None:
        return "yes" if done <= due else "no"
    return "no" if as_of > due else "pending"


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
        return mean(self.review_days)

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
    # The figures of 001 八 where the agreement differs from the screened plan
    # (workflow.agreement.FIGURES codes).
    differs_from_screening: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.committed_wan < 0 or self.actual_wan < 0:
            raise ValueError(f"{self.serial}: a negative investment")

    @property
    def funding_rate(self) -> Decimal | None:
        """资金到位率: investment in place per investment committed, in per cent."""
        return ratio(self.actual_wan, self.committed_wan)

    def start_kept(self, as_of: date) -> Kept | None:
        """Whether the committed start date was kept; None when none was committed."""
        return commitment_kept(self.start_due, self.started_on, as_of)

    def production_kept(self, as_of: date) -> Kept | None:
        """Whether the committed production date was kept; None when none was committed."""
        return commitment_kept(self.production_due, self.in_production_on, as_of)

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
    # Every problem raised in the year that names a member unit, once each: a problem shared
    # by two units is one problem in the overview, though each unit's row counts it. None:
    # the overview adds up the units' rows.
    problems: list[ProblemRecord] | None = None


@dataclass(frozen=True, slots=True)
class ProblemRecord:
    """A problem raised in the year, with the units it names and whether it was closed."""

    units: tuple[str, ...]
    closed: bool


@dataclass(frozen=True, slots=True)
class YearTotals:
    """The year's figures over every member unit and signed project; rates in per cent."""

    units: int
    reports_due: int
    reports_on_time: int
    reports_late: int
    reports_missing: int
    on_time_rate: Decimal | None
    review_opinions: int
    review_days: Decimal | None  # mean working days per opinion
    overdue_reviews: int
    open_problems: int
    closed_problems: int
    close_rate: Decimal | None
    projects: int
    committed_wan: Decimal
    actual_wan: Decimal
    funding_rate: Decimal | None  # 资金到位率
    kept_due: int  # projects with a commitment come due
    kept: int  # of those, the projects that kept every one (履约)
    kept_rate: Decimal | None  # 履约率
    in_production: int
    success_rate: Decimal | None  # 项目成功率: in production per signed project


def year_totals(a: Assessment) -> YearTotals:
    """The totals and rates of the year, as the overview states them."""
    units, projects = a.units, a.projects
    due = sum(u.reports_due for u in units)
    on_time = sum(u.reports_on_time for u in units)
    days = [d for u in units for d in u.review_days]
    if a.problems is None:
        open_problems = sum(u.open_problems for u in units)
        closed = sum(u.closed_problems for u in units)
    else:
        closed = sum(p.closed for p in a.problems)
        open_problems = len(a.problems) - closed
    committed = sum((p.committed_wan for p in projects), Decimal(0))
    actual = sum((p.actual_wan for p in projects), Decimal(0))
    kept = [p.kept(a.as_of) for p in projects]
    kept_due = sum(k in ("yes", "no") for k in kept)
    kept_yes = kept.count("yes")
    producing = sum(p.status == "production" for p in projects)
    return YearTotals(
        units=len(units),
        reports_due=due,
        reports_on_time=on_time,
        reports_late=sum(u.reports_late for u in units),
        reports_missing=sum(u.reports_missing for u in units),
        on_time_rate=ratio(on_time, due),
        review_opinions=len(days),
        review_days=mean(days),
        overdue_reviews=sum(u.overdue_reviews for u in units),
        open_problems=open_problems,
        closed_problems=closed,
        close_rate=ratio(closed, closed + open_problems),
        projects=len(projects),
        committed_wan=committed,
        actual_wan=actual,
        funding_rate=ratio(actual, committed),
        kept_due=kept_due,
        kept=kept_yes,
        kept_rate=ratio(kept_yes, kept_due),
        in_production=producing,
        success_rate=ratio(producing, len(projects)),
    )
