"""Monthly reports through two months of a moving clock: each reminder, escalation and
aggregate exactly once, across a restart, and only in office hours on working days."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.sweeps import run_all
from storage.db import make_engine
from storage.tables import MonthlyReport, OutboxMessage
from storage.uow import UnitOfWorkFactory
from tests.handlers.conftest import Clock, make_services, person
from tests.handlers.flows import official
from workflow.roles import Role


def at(day: date, hour: int) -> datetime:
    """A local (Asia/Shanghai) hour as an aware UTC time."""
    local = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Asia/Shanghai"))
    return local.astimezone(UTC)


def sent_to(s: Services, chat: str) -> Counter[str]:
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        keys = [(m.dedupe_key or "").split(":p")[0] for m in rows]
    return Counter(k.split(":", 1)[1] if k.startswith("mr:") else k for k in keys)


def test_two_months_of_monthly_reports(services: Services, clock: Clock) -> None:
    official(services, "300", "经信局报送员", Role.UNIT_REPORTER, "econ")
    official(services, "301", "经信局局长", Role.UNIT_HEAD, "econ")
    official(services, "302", "环保局报送员", Role.UNIT_REPORTER, "environment")
    official(services, "800", "办公室王", Role.OFFICE, "office")
    s = services
    day = date(2026, 11, 23)
    while day <= date(2027, 1, 12):
        for hour in (7, 10, 15, 22):  # night runs send nothing
            clock.now = at(day, hour)
            run_all(s)
            run_all(s)  # a duplicate start changes nothing
        if day == date(2026, 11, 26):  # 环保局 reports on time; 经信局 never does
            reporter = person(Dispatcher(s), "302", "环保局报送员")
            reporter.says("/report")
            reporter.press("有事项需报告")
            for answer in ("1", "QX-2026-0001 新能源汽车电机壳体项目", "用地报批进度滞后。"):
                reporter.says(answer)
            reporter.press("跳过")
            reporter.says("国土分局、规划分局")
            reporter.press("跳过")
            reporter.press("✅ 提交")
        if day == date(2026, 12, 3):  # the process restarts: a new engine on the same file
            s.uow.engine.dispose()
            s = make_services(
                UnitOfWorkFactory(make_engine(str(s.uow.engine.url)), clock), s.policy, clock
            )
        day += timedelta(days=1)

    nags = sent_to(s, "300")
    # November: opened 25 Nov, reminded 2 and 4 Dec, then daily on working days once late.
    assert nags["econ:2026-11:open"] == 1
    assert nags["econ:2026-11:d3"] == 1 and nags["econ:2026-11:d1"] == 1
    late_nov = [k for k in nags if k.startswith("econ:2026-11:late:")]
    assert late_nov and all(nags[k] == 1 for k in late_nov)
    assert "econ:2026-11:late:2026-12-05" not in nags  # a Saturday: quiet
    assert "econ:2026-11:late:2026-12-28" not in nags  # December's report has opened
    assert nags["econ:2026-12:open"] == 1 and nags["econ:2026-12:d3"] == 1
    assert sent_to(s, "301")["econ:2026-11:escalate"] == 1
    assert sent_to(s, "301")["econ:2026-12:escalate"] == 1
    office = sent_to(s, "800")
    assert office["aggregate:2026-11"] == 1 and office["aggregate:2026-12"] == 1
    assert not [k for k in sent_to(s, "302") if k.startswith("environment:2026-11:d")]
    with s.uow() as uow:
        report = uow.session.exec(select(MonthlyReport)).one()
        assert (report.unit_id, report.period) == ("environment", "2026-11")
        assert report.id is not None
        rows = uow.reports.rows(report.id)
        assert rows[0].departments == "国土分局、规划分局"
    digests = [k for k in office if k.startswith("digest:")]
    assert len(digests) == 8 and all(office[k] == 1 for k in digests)  # eight Mondays


def test_stall_colours_follow_the_policys_days_per_stage() -> None:
    from handlers.reporting.digest import stall_colour

    assert [stall_colour(d, 10) for d in (10, 11, 20, 21)] == ["green", "amber", "amber", "red"]
    assert stall_colour(400, None) == "green"


def test_the_aggregate_excel_lists_who_reported_and_groups_rows_by_department(
    services: Services, clock: Clock
) -> None:
    from documents.excel import xlsx_rows
    from storage.tables import StoredFile

    official(services, "302", "环保局报送员", Role.UNIT_REPORTER, "environment")
    official(services, "800", "办公室王", Role.OFFICE, "office")
    clock.now = at(date(2026, 11, 26), 10)
    reporter = person(Dispatcher(services), "302", "环保局报送员")
    reporter.says("/report")
    reporter.press("有事项需报告")
    for answer in ("1", "QX-2026-0001 新能源汽车电机壳体项目", "用地报批进度滞后。"):
        reporter.says(answer)
    reporter.press("跳过")
    reporter.says("国土分局、规划分局")
    reporter.press("跳过")
    reporter.press("✅ 提交")
    clock.now = at(date(2026, 12, 7), 10)
    run_all(services)
    with services.uow() as uow:
        row = uow.session.exec(
            select(OutboxMessage).where(
                OutboxMessage.chat_id == "800",
                col(OutboxMessage.file_id).is_not(None),
                col(OutboxMessage.dedupe_key).startswith("mr:aggregate:"),
            )
        ).one()
        assert "汇总" in row.payload["text"] and "未报送" in row.payload["text"]
        stored = uow.session.get(StoredFile, row.file_id)
        assert stored is not None and stored.content is not None
        sheets = xlsx_rows(stored.content)
    flat = {
        name: "\n".join(str(c) for r in rows for c in r if c is not None)
        for name, rows in sheets.items()
    }
    assert set(flat) == {"汇总", "按项目", "按协调部门", "原始报表"}
    assert "区经济和信息化局" in flat["汇总"]  # did not report
    assert flat["按协调部门"].count("用地报批进度滞后") == 2  # under both departments
    assert "国土分局" in flat["按协调部门"] and "规划分局" in flat["按协调部门"]
