"""The charts' figures: projects by stage coloured as the digest colours them, planned
investment by sector and by stage over the projects in the library, review turnaround per
dimension (working days to the dimension's verdict, the median), and each member unit's
monthly reports on time; for the office and the leaders only, on each backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from conversations.inbound import Inbound
from handlers.context import Services
from handlers.reporting.charts_page import Charts, charts
from handlers.reporting.digest import stall_colour
from handlers.web import serve_page
from storage.deployment import record_deployment_start
from storage.seed import seed_policy
from storage.tables import MonthlyReportRow, ReviewOpinion, StageChange
from storage.uow import UnitOfWorkFactory
from tests.conftest import TEST_NOW, Clock
from tests.handlers.conftest import make_services
from tests.handlers.flows import official, project
from workflow.policy import Policy
from workflow.roles import Role

OFFICE, LEADER, INVESTOR, REVIEWER = "501", "502", "503", "504"
TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    """A local (Asia/Shanghai) time as an aware UTC time."""
    return datetime(y, m, d, hour, tzinfo=TZ).astimezone(UTC)


@pytest.fixture
def services(uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock) -> Services:
    """The handlers' services on each backend (the charts' queries run on both)."""
    with uow_factory() as uow:
        seed_policy(uow, policy)
        record_deployment_start(uow, clock())
        uow.commit()
    return make_services(uow_factory, policy, clock)


def round_of(
    s: Services,
    clock: Clock,
    project_id: int,
    opened: datetime,
    opinions: dict[str, datetime | None],
) -> None:
    """A review round opened at `opened`, with opinions keyed "dimension/unit", each given at
    its time (or not yet, None)."""
    clock.now = opened
    with s.uow() as uow:
        rnd = uow.reviews.open_round(project_id, opened.date() + timedelta(days=7), None)
        for key, decided in opinions.items():
            dimension, unit = key.split("/")
            uow.reviews.add_opinion(
                ReviewOpinion(
                    round_id=rnd.id or 0,
                    dimension_id=dimension,
                    unit_id=unit,
                    verdict="agree" if decided else None,
                    decided_at=decided,
                )
            )
        uow.commit()


@pytest.fixture
def world(services: Services, clock: Clock) -> Services:
    """Five projects and three review rounds, looked at on Tuesday 8 December 2026."""
    s = services
    for user, name, role in ((OFFICE, "办公室", Role.OFFICE), (LEADER, "区领导", Role.LEADER)):
        official(s, user, name, role, "office" if role is Role.OFFICE else None)
    official(s, INVESTOR, "投资方", Role.INVESTOR, None)
    official(s, REVIEWER, "经信局评审", Role.REVIEWER, "econ", "technology")
    clock.now = TEST_NOW - timedelta(days=11)  # 12 Nov: 26 days in review by 8 Dec
    p3 = project(s, "QX-2026-0003", 120000, stage="review")
    clock.now = TEST_NOW  # 23 Nov: 15 days by 8 Dec
    p1 = project(s, "QX-2026-0001", 5000, stage="confirmed")
    p2 = project(s, "QX-2026-0002", 40000, stage="review", sector="electronics")
    project(s, "QX-2026-0004", 9999, stage="lost", sector="electronics")
    project(s, "QX-2026-0005", 3000, stage="production", sector="food_beverage")
    round_of(
        s,
        clock,
        p2,
        at(2026, 11, 23),  # a Monday
        {
            "industrial_policy/drc": at(2026, 11, 25),  # 2 working days
            "energy/drc": at(2026, 11, 24),  # 1, but econ gives its own on Friday: 4
            "energy/econ": at(2026, 11, 27),
            "land_use/land": None,  # not yet: no verdict to count
        },
    )
    round_of(
        s,
        clock,
        p3,
        at(2026, 11, 30),
        {"industrial_policy/drc": at(2026, 12, 7), "energy/drc": at(2026, 12, 2, 9)},
    )
    round_of(
        s,
        clock,
        p1,
        at(2026, 11, 30),
        {
            "industrial_policy/drc": at(2026, 12, 1),
            "energy/drc": at(2026, 12, 1),
            "energy/econ": None,  # one unit still to answer: the dimension waits
        },
    )
    clock.now = at(2026, 12, 8)
    return s


def ask(s: Services, who: str) -> Charts | str:
    event = Inbound(user_id=who, chat_id=who, language_code="zh-hans")
    answer = serve_page(s, event, "/web/charts", charts)
    if answer.value is None:
        assert answer.refusal is not None
        return answer.refusal
    return answer.value


def the_charts(s: Services, who: str = OFFICE) -> Charts:
    got = ask(s, who)
    assert isinstance(got, Charts), got
    return got


def test_projects_by_stage_are_the_digests_funnel_with_the_closed_stages_beside_it(
    world: Services,
) -> None:
    c = the_charts(world)
    bars = {b.stage: (b.green, b.amber, b.red) for b in c.funnel.stages}
    assert bars["confirmed"] == (0, 1, 0)  # 15 days against 14
    assert bars["review"] == (0, 1, 1)  # 15 and 26 days against 10
    assert bars["lead"] == (0, 0, 0) and c.funnel.total == 3
    assert dict((st.value, n) for st, n in c.closed) == {
        "production": 1,
        "rejected": 0,
        "withdrawn": 0,
        "lost": 1,
    }


def test_investment_is_summed_by_sector_and_by_stage_over_the_library(world: Services) -> None:
    c = the_charts(world)
    assert [(a.key, a.count, a.wan) for a in c.by_sector] == [
        ("new_materials", 2, Decimal(125000)),
        ("electronics", 1, Decimal(40000)),  # the lost project is not in the library
        ("food_beverage", 1, Decimal(3000)),
    ]
    by_stage = {a.key: (a.count, a.wan) for a in c.by_stage}
    assert by_stage["review"] == (2, Decimal(160000)) and by_stage["lead"] == (0, Decimal(0))
    assert by_stage["production"] == (1, Decimal(3000)) and "lost" not in by_stage
    assert c.library_wan == Decimal(168000)


def test_review_turnaround_is_the_median_of_working_days_to_each_dimensions_verdict(
    world: Services,
) -> None:
    c = the_charts(world)
    got = {x.dimension: (x.verdicts, x.median_days, x.longest_days) for x in c.turnaround}
    assert got["industrial_policy"] == (3, Decimal("2.0"), 5)  # 2, 5 and 1 working days
    assert got["energy"] == (2, Decimal("3.0"), 4)  # 4 (the later unit) and 2
    assert got["land_use"] == (0, None, None)
    assert [x.dimension for x in c.turnaround] == [d.id for d in world.policy.review_dimensions]
    assert c.review_limit == world.policy.deadlines.review_round_working_days


def test_report_punctuality_counts_the_months_past_their_due_date(
    world: Services, clock: Clock
) -> None:
    with world.uow() as uow:
        row = MonthlyReportRow(report_id=0, project="QX-2026-0001 项目", problem="无")
        uow.reports.submit("econ", "2026-11", None, at(2026, 12, 4), [row], False)
        uow.reports.submit("econ", "2026-12", None, at(2027, 1, 7), [], True)
        uow.reports.submit("environment", "2026-11", None, at(2026, 12, 7), [], True)
        uow.commit()
    c = the_charts(world)
    assert [w.period for w in c.months] == ["2026-11"]  # December is due on 5 January
    first = c.punctuality[0]
    assert (first.unit, first.due, first.on_time, first.rate) == ("经信局", 1, 1, Decimal(100))
    env = next(u for u in c.punctuality if u.unit == "环保局")
    assert (env.on_time, env.late, env.missing, env.rate) == (0, 1, 0, Decimal(0))
    clock.now = at(2027, 2, 26)
    later = the_charts(world)
    assert [w.period for w in later.months] == ["2026-11", "2026-12", "2027-01"]
    econ = next(u for u in later.punctuality if u.unit == "经信局")
    assert (econ.on_time, econ.late, econ.missing, econ.rate) == (1, 1, 1, Decimal("33.3"))


@pytest.mark.parametrize("who", [INVESTOR, REVIEWER])
def test_only_the_office_and_the_leaders_see_the_charts(world: Services, who: str) -> None:
    assert isinstance(ask(world, LEADER), Charts)
    assert ask(world, who) == world.renderer.message("zh-Hans", "common#not_allowed")


@pytest.mark.parametrize("late_in_the_day", [False, True])
def test_each_projects_colour_is_the_digests_at_every_edge_of_the_stall_days(
    services: Services, clock: Clock, late_in_the_day: bool
) -> None:
    """Counted in the database, a project is green, amber or red exactly as the digest's
    `stall_colour` paints it for its days in the stage, whatever the hour it entered."""
    official(services, OFFICE, "办公室", Role.OFFICE, "office")
    limit = services.policy.deadlines.stall_days["confirmed"]
    today = clock().astimezone(services.timezone).date()
    expected = {"green": 0, "amber": 0, "red": 0}
    edges = {0, 1, limit - 1, limit, limit + 1, 2 * limit, 2 * limit + 1}
    for n, days in enumerate(sorted(edges)):
        pid = project(services, f"QX-2026-{n + 1:04d}", 5000, stage="confirmed")
        day = today - timedelta(days=days)
        hour, minute = (23, 59) if late_in_the_day else (0, 0)
        entered = datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
        with services.uow() as uow:
            p = uow.projects.get(pid)
            assert p is not None
            p.created_at = entered.astimezone(UTC)
            uow.session.add(p)
            for change in uow.session.exec(
                select(StageChange).where(col(StageChange.project_id) == pid)
            ):
                change.at = entered.astimezone(UTC)  # it entered ② then
                uow.session.add(change)
            uow.commit()
        expected[stall_colour(days, limit)] += 1
    bar = next(b for b in the_charts(services).funnel.stages if b.stage == "confirmed")
    assert (bar.green, bar.amber, bar.red) == (
        expected["green"],
        expected["amber"],
        expected["red"],
    )
