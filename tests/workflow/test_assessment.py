"""The assessment's rules: rates, kept commitments (履约), project status, the year's totals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from workflow.assessment import (
    Assessment,
    ProblemRecord,
    ProjectFollowUp,
    UnitRecord,
    commitment_kept,
    mean,
    ratio,
    year_totals,
)

AS_OF = date(2026, 12, 31)


def _project(**changes: object) -> ProjectFollowUp:
    project = ProjectFollowUp(
        "QX-2026-002",
        "智能仓储物流项目",
        "太和镇",
        signed_on=date(2026, 5, 1),
        committed_wan=Decimal("8000"),
        actual_wan=Decimal("1000"),
        start_due=date(2026, 8, 1),
        started_on=date(2026, 9, 1),
        production_due=date(2027, 8, 1),
    )
    return replace(project, **changes)  # type: ignore[arg-type]


def test_ratio_rounds_half_up_to_one_place():
    assert ratio(1, 16) == Decimal("6.3")
    assert ratio(2, 3) == Decimal("66.7")
    assert ratio(5, 0) is None


def test_mean_rounds_half_up_and_has_nothing_to_average_without_values():
    assert mean([3, 4, 4]) == Decimal("3.7")
    assert mean([1, 2]) == Decimal("1.5")
    assert mean([]) is None


@pytest.mark.parametrize(
    ("due", "done", "kept"),
    [
        (date(2026, 6, 1), date(2026, 6, 1), "yes"),  # on the day is on time
        (date(2026, 6, 1), date(2026, 6, 2), "no"),
        (date(2026, 6, 1), None, "no"),  # past due and not done
        (date(2027, 3, 1), None, "pending"),
        (date(2027, 3, 1), date(2026, 12, 1), "yes"),  # done early
        (None, date(2026, 6, 1), None),  # nothing was promised
    ],
)
def test_a_commitment_is_kept_when_done_by_its_day(
    due: date | None, done: date | None, kept: str | None
):
    assert commitment_kept(due, done, AS_OF) == kept


def test_a_project_keeps_its_word_only_if_no_commitment_come_due_was_broken():
    late_start = _project()
    assert (late_start.start_kept(AS_OF), late_start.production_kept(AS_OF)) == ("no", "pending")
    assert late_start.kept(AS_OF) == "no"
    on_time = _project(started_on=date(2026, 7, 1))
    assert on_time.kept(AS_OF) == "yes"  # production is not yet due
    assert _project(start_due=None, started_on=None).kept(AS_OF) == "pending"
    assert _project(start_due=None, production_due=None).kept(AS_OF) is None


def test_funding_rate_is_investment_in_place_per_investment_committed():
    assert _project().funding_rate == Decimal("12.5")
    assert _project(committed_wan=Decimal(0)).funding_rate is None


def test_a_lost_project_is_no_success_and_production_wins_over_lost():
    project = _project()
    assert project.status == "construction"
    assert _project(started_on=None).status == "signed"
    assert replace(project, lost=True).status == "lost"
    assert replace(project, lost=True, in_production_on=AS_OF).status == "production"


def test_assessment_refuses_impossible_counts():
    with pytest.raises(ValueError, match="more reports"):
        UnitRecord("区财政局", reports_due=2, reports_on_time=2, reports_late=1)
    with pytest.raises(ValueError, match="negative"):
        UnitRecord("区财政局", reports_due=2, reports_on_time=1, reports_late=0, open_problems=-1)
    with pytest.raises(ValueError, match="negative"):
        UnitRecord("区财政局", reports_due=1, reports_on_time=1, reports_late=0, review_days=[-1])
    with pytest.raises(ValueError, match="negative"):
        _project(actual_wan=Decimal(-1))


def test_a_unit_record_gives_its_missing_reports_and_rates():
    unit = UnitRecord(
        "区发展和改革局",
        reports_due=12,
        reports_on_time=10,
        reports_late=1,
        review_days=[3, 4, 4],
        open_problems=2,
        closed_problems=5,
    )
    assert unit.reports_missing == 1
    assert unit.on_time_rate == Decimal("83.3")
    assert (unit.review_opinions, unit.average_review_days) == (3, Decimal("3.7"))
    assert unit.close_rate == Decimal("71.4")
    idle = UnitRecord("区财政局", reports_due=0, reports_on_time=0, reports_late=0)
    assert (idle.on_time_rate, idle.average_review_days, idle.close_rate) == (None, None, None)


def test_the_year_totals_every_unit_and_project():
    units = [
        UnitRecord("甲", 12, 10, 1, review_days=[3, 4, 4], overdue_reviews=1, open_problems=2),
        UnitRecord("乙", 16, 1, 15, closed_problems=5),
    ]
    produced = _project(
        committed_wan=Decimal("30000"),
        actual_wan=Decimal("25000"),
        started_on=date(2026, 7, 20),
        production_due=date(2026, 12, 1),
        in_production_on=date(2026, 11, 30),
    )
    not_due = _project(start_due=date(2027, 3, 1), started_on=None, production_due=None)
    t = year_totals(Assessment(2026, AS_OF, units, [produced, _project(), not_due]))
    assert (t.units, t.reports_due, t.reports_on_time, t.reports_late) == (2, 28, 11, 16)
    assert (t.reports_missing, t.on_time_rate) == (1, Decimal("39.3"))
    assert (t.review_opinions, t.review_days, t.overdue_reviews) == (3, Decimal("3.7"), 1)
    assert (t.open_problems, t.closed_problems, t.close_rate) == (2, 5, Decimal("71.4"))
    assert (t.projects, t.committed_wan, t.actual_wan) == (3, Decimal(46000), Decimal(27000))
    assert t.funding_rate == Decimal("58.7")
    assert (t.kept_due, t.kept, t.kept_rate) == (2, 1, Decimal("50.0"))
    assert (t.in_production, t.success_rate) == (1, Decimal("33.3"))


def test_an_empty_year_has_no_rates():
    t = year_totals(Assessment(2026, AS_OF, []))
    assert (t.units, t.projects, t.committed_wan) == (0, 0, Decimal(0))
    rates = (t.on_time_rate, t.close_rate, t.funding_rate, t.kept_rate, t.success_rate)
    assert rates == (None,) * 5
    assert t.review_days is None


def test_a_problem_two_units_share_is_one_problem_in_the_overview():
    units = [
        UnitRecord("住建局", 0, 0, 0, open_problems=1),
        UnitRecord("国土分局", 0, 0, 0, open_problems=1, closed_problems=1),
    ]
    shared = ProblemRecord(units=("housing", "land"), closed=False)
    solved = ProblemRecord(units=("land",), closed=True)
    a = Assessment(2026, date(2026, 12, 31), units, problems=[shared, solved])
    totals = year_totals(a)
    assert (totals.open_problems, totals.closed_problems) == (1, 1)
    assert totals.close_rate == Decimal(50)
