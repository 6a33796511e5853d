"""The monthly reports as the Mini App shows them: each unit's month filed on time, late,
missing, open or not asked, by the same rule as chat's reminders, the aggregate and the
assessment; a unit's reporter sees only their own unit; the aggregate is chat's Excel file; an
investor is refused as chat refuses /report, and the refusal is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from conversations.inbound import Inbound
from documents.excel import monthly_aggregate, xlsx_rows
from handlers.context import Actor, Services
from handlers.reporting.aggregate import aggregate_data
from handlers.reporting.assessment import unit_records
from handlers.reporting.report_grid import (
    AggregateFile,
    ReportGrid,
    Span,
    UnitReports,
    aggregate_file,
    read_span,
    report_grid,
    unit_reports,
)
from handlers.web import serve_page
from storage.deployment import record_deployment_start
from storage.seed import seed_policy
from storage.tables import AuditEntry, MonthlyReportRow
from storage.uow import UnitOfWork, UnitOfWorkFactory
from tests.conftest import Clock
from tests.handlers.conftest import make_services
from tests.handlers.flows import official
from workflow.policy import Policy
from workflow.reporting import window
from workflow.roles import Role

OFFICE, LEADER, REPORTER, HEAD, INVESTOR, STRAY = "501", "502", "510", "511", "503", "512"
TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local (Asia/Shanghai) time as an aware UTC time."""
    return datetime(y, m, d, hour, minute, tzinfo=TZ).astimezone(UTC)


def file(s: Services, unit: str, period: str, when: datetime, rows: int = 1) -> None:
    """A unit's report of a month, submitted at `when` (no rows: nothing to report)."""
    with s.uow() as uow:
        lines = [
            MonthlyReportRow(
                report_id=0,
                project=f"QX-2026-000{n + 1} 项目",
                problem="用地报批进度滞后。",
                suggestion="请国土分局加快办理。",
                departments="国土分局、规划分局",
                progress="已协调",
            )
            for n in range(rows)
        ]
        uow.reports.submit(unit, period, None, when, lines, nothing_to_report=not rows)
        uow.commit()


@pytest.fixture
def services(uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock) -> Services:
    """The handlers' services on each backend (the grid's queries run on both)."""
    with uow_factory() as uow:
        seed_policy(uow, policy)
        record_deployment_start(uow, clock())
        uow.commit()
    return make_services(uow_factory, policy, clock)


@pytest.fixture
def world(services: Services, clock: Clock) -> Services:
    """Reports since the deployment started (23 Nov 2026: the first period is 2026-11), seen
    on 26 Feb 2027, when February's report has opened and is due on 5 March.

    econ: November on time, December late, January missing, February open.
    environment: November on the due date's last minute (on time), December one minute into
    the next day (late), January nothing to report (on time), February filed already."""
    s = services
    official(s, OFFICE, "办公室", Role.OFFICE, "office")
    official(s, LEADER, "区领导", Role.LEADER, None)
    official(s, REPORTER, "经信局报送员", Role.UNIT_REPORTER, "econ")
    official(s, HEAD, "环保局局长", Role.UNIT_HEAD, "environment")
    official(s, INVESTOR, "投资方", Role.INVESTOR, None)
    official(s, STRAY, "办公室报送员", Role.UNIT_REPORTER, "office")  # not a member unit
    file(s, "econ", "2026-11", at(2026, 12, 3))
    file(s, "econ", "2026-12", at(2027, 1, 8), rows=2)
    file(s, "environment", "2026-11", at(2026, 12, 5, 23, 59))
    file(s, "environment", "2026-12", at(2027, 1, 6, 0, 1))
    file(s, "environment", "2027-01", at(2027, 2, 4), rows=0)
    file(s, "environment", "2027-02", at(2027, 2, 26, 9))
    clock.now = at(2027, 2, 26, 10)
    return s


def ask(
    s: Services,
    who: str,
    use_case: Callable[[Services, UnitOfWork, Actor], object],
    what: str = "/web/reports",
) -> object:
    """What a page's use case gives this person: its value, or the refusal's text."""
    event = Inbound(user_id=who, chat_id=who, language_code="zh-hans")
    answer = serve_page(s, event, what, use_case)
    return answer.value if answer.value is not None else answer.refusal


def grid(s: Services, who: str = OFFICE, span: Span | None = None) -> ReportGrid:
    got = ask(s, who, lambda s, uow, a: report_grid(s, uow, a, span or read_span(s, {})))
    assert isinstance(got, ReportGrid), got
    return got


def states(g: ReportGrid, unit: str) -> dict[str, str]:
    row = next(r for r in g.rows if r.unit == unit)
    return {c.period: c.filing for c in row.cells}


def refusals(s: Services, action: str) -> list[AuditEntry]:
    with s.uow() as uow:
        rows = uow.session.exec(select(AuditEntry).where(col(AuditEntry.action) == action)).all()
        uow.session.expunge_all()
        return list(rows)


def test_the_grid_marks_each_month_filed_on_time_late_missing_open_or_not_asked(
    world: Services,
) -> None:
    g = grid(world)
    assert [w.period for w in g.windows] == [
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]
    assert g.since == "2026-11" and g.everyone
    assert states(g, "econ") == {
        "2026-09": "before",
        "2026-10": "before",
        "2026-11": "on_time",
        "2026-12": "late",
        "2027-01": "missing",
        "2027-02": "open",
    }
    assert list(states(g, "environment").values())[2:] == ["on_time", "late", "on_time", "on_time"]
    assert states(g, "drc")["2027-01"] == "missing"  # nobody reports for it: still missing
    assert [r.unit for r in g.rows] == [u.id for u in world.policy.member_units()]
    asked = {r.unit: r.asked for r in g.rows}
    assert asked["econ"] and asked["environment"] and not asked["drc"]
    assert g.count("2026-11", "on_time") == 2 and g.count("2027-01", "missing") == 12
    assert g.earlier is None and g.later is None  # nothing was asked before 2026-11


def test_on_time_and_late_are_counted_as_the_aggregate_and_the_assessment_count_them(
    world: Services,
) -> None:
    g = grid(world, span=Span("2027-01", 12))
    with world.uow() as uow:
        nov = aggregate_data(world, uow, window("2026-11", world.policy.deadlines))
        records = {
            r.unit: r for r in unit_records(world, uow, 2026, date(2027, 2, 26), since="2026-11")
        }
    filed = {u.unit: u.submitted_on for u in nov.units}
    assert filed["区环境保护局"] == date(2026, 12, 5)  # the due date itself, local time
    econ, env = records["区经济和信息化局"], records["区环境保护局"]
    assert (econ.reports_on_time, econ.reports_late) == (1, 1)
    assert (env.reports_on_time, env.reports_late) == (1, 1)
    assert [states(g, "econ")[p] for p in ("2026-11", "2026-12")] == ["on_time", "late"]
    assert [states(g, "environment")[p] for p in ("2026-11", "2026-12")] == ["on_time", "late"]


def test_the_leader_sees_every_unit_and_a_reporter_or_head_only_their_own(
    world: Services,
) -> None:
    assert len(grid(world, LEADER).rows) == len(world.policy.member_units())
    mine = grid(world, REPORTER)
    assert [r.unit for r in mine.rows] == ["econ"] and not mine.everyone
    assert [r.unit for r in grid(world, HEAD).rows] == ["environment"]


def test_a_unit_page_shows_each_months_report_and_what_it_said(world: Services) -> None:
    got = ask(
        world,
        REPORTER,
        lambda s, uow, a: unit_reports(s, uow, a, "econ", Span("2027-02", 6)),
        "/web/reports/unit/econ",
    )
    assert isinstance(got, UnitReports)
    by = {e.window.period: e for e in got.entries}
    assert got.entries[0].window.period == "2027-02"  # the newest first
    assert by["2026-12"].filing == "late" and len(by["2026-12"].rows) == 2
    row = by["2026-12"].rows[0]
    assert row.problem == "用地报批进度滞后。" and row.departments == ["国土分局", "规划分局"]
    assert by["2026-12"].filed_at == at(2027, 1, 8)
    assert by["2027-01"].filing == "missing" and by["2027-01"].filed_at is None
    env = ask(
        world, OFFICE, lambda s, uow, a: unit_reports(s, uow, a, "environment", Span("2027-02", 6))
    )
    assert isinstance(env, UnitReports)
    january = next(e for e in env.entries if e.window.period == "2027-01")
    assert january.nothing_to_report and not january.rows


def test_a_reporter_is_refused_another_units_reports_and_the_attempt_is_audited(
    world: Services,
) -> None:
    got = ask(
        world,
        REPORTER,
        lambda s, uow, a: unit_reports(s, uow, a, "environment", Span("2027-02", 6)),
        "/web/reports/unit/environment",
    )
    assert got == world.renderer.message("zh-Hans", "common#not_allowed")
    rows = refusals(world, "refused:web/reports/unit")
    assert [(r.allowed, r.actor_external, r.object_id) for r in rows] == [
        (False, REPORTER, "/web/reports/unit/environment")
    ]
    nowhere = ask(
        world, OFFICE, lambda s, uow, a: unit_reports(s, uow, a, "x", Span("2027-02", 6))
    )
    assert nowhere == world.renderer.message("zh-Hans", "reports#web_no_unit")


@pytest.mark.parametrize(
    ("who", "text"),
    [(INVESTOR, "common#not_allowed"), (STRAY, "reports#not_a_member_unit")],
)
def test_others_are_refused_as_chat_refuses_report(world: Services, who: str, text: str) -> None:
    got = ask(world, who, lambda s, uow, a: report_grid(s, uow, a, read_span(s, {})))
    assert got == world.renderer.message("zh-Hans", text)
    assert [r.actor_external for r in refusals(world, "refused:web/reports")] == [who]


def test_the_aggregate_is_the_excel_file_chat_sends_the_office(world: Services) -> None:
    got = ask(world, OFFICE, lambda s, uow, a: aggregate_file(s, uow, a, "2026-12"))
    assert isinstance(got, AggregateFile)
    assert got.name == world.file_name("monthly", period="2026-12")
    with world.uow() as uow:
        data = aggregate_data(world, uow, window("2026-12", world.policy.deadlines))
    assert xlsx_rows(got.content) == xlsx_rows(monthly_aggregate(data, renderer=world.renderer))
    assert set(xlsx_rows(got.content)) == {"汇总", "按项目", "按协调部门", "原始报表"}
    taken = refusals(world, "web:monthly_aggregate")
    assert [(r.allowed, r.object_id) for r in taken] == [(True, "2026-12")]


@pytest.mark.parametrize("month", ["2027-03", "2027-13", "27-01", ""])
def test_the_aggregate_of_a_month_not_open_or_not_a_month_is_a_problem(
    world: Services, month: str
) -> None:
    got = ask(world, OFFICE, lambda s, uow, a: aggregate_file(s, uow, a, month))
    assert isinstance(got, str) and "2027-02" in got


def test_a_reporter_may_not_take_the_aggregate(world: Services) -> None:
    got = ask(world, REPORTER, lambda s, uow, a: aggregate_file(s, uow, a, "2026-12"))
    assert got == world.renderer.message("zh-Hans", "common#not_allowed")
    assert len(refusals(world, "refused:web/reports/aggregate")) == 1


def test_the_span_is_six_or_twelve_months_and_never_past_the_month_open_today(
    world: Services,
) -> None:
    assert read_span(world, {}) == Span("2027-02", 6)
    assert read_span(world, {"months": "12", "to": "2026-12"}) == Span("2026-12", 12)
    assert read_span(world, {"months": "7", "to": "2027-05"}) == Span("2027-02", 6)
    g = grid(world, span=Span("2027-02", 3))
    assert g.earlier == "2026-11" and g.later is None
    back = grid(world, span=Span("2026-11", 3))
    assert back.earlier is None and back.later == "2027-02"
