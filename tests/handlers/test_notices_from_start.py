"""Scheduled notices start from the day the bot starts (issue 10, point 7): nothing about a
period or a deadline from before the deployment or before the person joined; two reminders
on one working day are one message; "the day before" falls on the last working day before;
the yearly assessment counts only the periods the bot was in use."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from conversations.replies import Reply
from documents.excel import xlsx_tables
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.sweeps import run_all
from storage.deployment import deployment_start, record_deployment_start
from storage.seed import seed_policy
from storage.tables import (
    Agreement,
    LiaisonAssignment,
    OutboxMessage,
    ReviewOpinion,
    ReviewRound,
    ScheduledRun,
)
from storage.uow import UnitOfWorkFactory
from tests.conftest import Clock
from tests.handlers.conftest import make_services, person
from tests.handlers.flows import account_of, official, project
from tests.handlers.test_onboarding import register
from workflow.policy import Policy
from workflow.roles import Role

TZ = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    """A local (Asia/Shanghai) hour as an aware UTC time."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ).astimezone(UTC)


def deployed(
    factory: UnitOfWorkFactory,
    policy: Policy,
    clock: Clock,
    day: date,
    reporting_from: str | None = None,
) -> Services:
    """A deployment made by `zhaoshang init` at 10:00 on `day`."""
    clock.now = at(day)
    with factory() as uow:
        seed_policy(uow, policy)
        record_deployment_start(uow, uow.now(), reporting_from)
        uow.commit()
    return make_services(factory, policy, clock)


def keys(s: Services, chat: str) -> Counter[str]:
    """The notices a chat got, by key without the person and account suffixes (the weekly
    digest aside: it is a report, not a reminder; and the monthly notice that the shipped
    policy's 001 has outlived its trial period, which is about the policy file, not a period)."""
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        found = ((m.dedupe_key or "").split(":p")[0] for m in rows)
        return Counter(k for k in found if not k.startswith(("digest:", "policy-validity:")))


def inbox(s: Services, chat: str) -> list[Reply]:
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        return [Reply.from_dict(m.payload) for m in rows]


def sweep_days(s: Services, clock: Clock, first: date, last: date) -> None:
    """Sweep twice a working day (and at night, which sends nothing) from `first` to `last`."""
    day = first
    while day <= last:
        for hour in (7, 10, 15, 22):
            clock.now = at(day, hour)
            run_all(s)
        day += timedelta(days=1)


def staff(s: Services) -> None:
    """A reporter and a head for 经信局, and the office, all joining now."""
    official(s, "300", "经信局报送员", Role.UNIT_REPORTER, "econ")
    official(s, "301", "经信局局长", Role.UNIT_HEAD, "econ")
    official(s, "800", "办公室王", Role.OFFICE, "office")


def test_a_deployment_on_23_october_says_nothing_about_september(
    sqlite_uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock
) -> None:
    s = deployed(sqlite_uow_factory, policy, clock, date(2026, 10, 23))
    staff(s)
    sweep_days(s, clock, date(2026, 10, 23), date(2026, 10, 24))
    assert keys(s, "300") == Counter() and keys(s, "301") == Counter()
    assert keys(s, "800") == Counter()  # no September aggregate of "0 submitted, 13 missing"
    sweep_days(s, clock, date(2026, 10, 25), date(2026, 11, 9))
    reporter, head, office = keys(s, "300"), keys(s, "301"), keys(s, "800")
    assert not [k for k in (*reporter, *head, *office) if "2026-09" in k]
    assert reporter["mr:econ:2026-10:open"] == 1  # October opens on the 25th: the first
    assert head["mr:econ:2026-10:escalate"] == 1
    assert office["mr:aggregate:2026-10"] == 1


def test_a_deployment_on_29_september_sends_no_august_or_september_aggregate(
    sqlite_uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock
) -> None:
    s = deployed(sqlite_uow_factory, policy, clock, date(2026, 9, 29))
    staff(s)
    sweep_days(s, clock, date(2026, 9, 29), date(2026, 10, 12))
    assert keys(s, "300") == Counter() and keys(s, "301") == Counter()
    assert keys(s, "800") == Counter()


def test_the_office_may_start_reporting_with_an_earlier_period(
    sqlite_uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock
) -> None:
    # Deployed on 26 October, October's window was already open: by default November would
    # be the first period, but the office asks for October (`init --reporting-from 2026-10`).
    s = deployed(sqlite_uow_factory, policy, clock, date(2026, 10, 26), reporting_from="2026-10")
    staff(s)
    run_all(s)
    assert keys(s, "300") == Counter({"mr:econ:2026-10:open": 1})
    sweep_days(s, clock, date(2026, 10, 27), date(2026, 11, 9))
    assert keys(s, "800")["mr:aggregate:2026-10"] == 1
    assert keys(s, "301")["mr:econ:2026-10:escalate"] == 1
    with s.uow() as uow:
        start = deployment_start(uow)
        assert start is not None
        assert start.reporting_from == "2026-10"


def test_a_unit_is_nagged_only_from_the_day_its_reporter_joined(
    sqlite_uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock
) -> None:
    s = deployed(sqlite_uow_factory, policy, clock, date(2026, 10, 20))
    official(s, "800", "办公室王", Role.OFFICE, "office")
    sweep_days(s, clock, date(2026, 10, 20), date(2026, 10, 27))
    clock.now = at(date(2026, 10, 28), 9)
    official(s, "300", "经信局报送员", Role.UNIT_REPORTER, "econ")  # joins mid-window
    sweep_days(s, clock, date(2026, 10, 28), date(2026, 11, 5))
    clock.now = at(date(2026, 11, 6), 9)
    official(s, "302", "环保局报送员", Role.UNIT_REPORTER, "environment")  # after the due date
    sweep_days(s, clock, date(2026, 11, 6), date(2026, 11, 30))

    econ = keys(s, "300")
    assert econ["mr:econ:2026-10:open"] == 1  # from the day it joined, October is asked for
    assert econ["mr:econ:2026-10:d3"] == 1 and econ["mr:econ:2026-10:d1"] == 1
    assert econ["mr:econ:2026-10:late:2026-11-06"] == 1
    environment = keys(s, "302")
    assert not [k for k in environment if "2026-10" in k]  # never late for a month it missed
    assert environment["mr:environment:2026-11:open"] == 1  # November is its first


def test_two_reminders_on_the_working_day_before_national_day_are_one_message(
    sqlite_uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock
) -> None:
    # September's report is due on 5 October, in the holiday week: 3 days before (2 Oct) and
    # 1 day before (4 Oct) both move to Wednesday 30 September.
    s = deployed(sqlite_uow_factory, policy, clock, date(2026, 9, 1))
    staff(s)
    sweep_days(s, clock, date(2026, 9, 25), date(2026, 10, 7))
    nags = keys(s, "300")
    assert nags["mr:econ:2026-09:open"] == 1
    assert nags["mr:econ:2026-09:d1"] == 1 and "mr:econ:2026-09:d3" not in nags
    reminders = [r.text for r in inbox(s, "300") if "提醒" in r.text]
    assert len(reminders) == 1
    assert "截止前3天、前1天的提醒合并为本条" in reminders[0]
    with s.uow() as uow:
        done = {
            r.key: r.result
            for r in uow.session.exec(select(ScheduledRun))
            if r.key.startswith("mr:econ:2026-09:d")
        }
    assert done == {
        "mr:econ:2026-09:d3": "sent together: d3+d1",
        "mr:econ:2026-09:d1": "sent together: d3+d1",
    }
    clock.now = at(date(2026, 9, 30))
    run_all(s)  # a second sweep that day sends nothing more
    assert len([r for r in inbox(s, "300") if "提醒" in r.text]) == 1


def test_a_forum_on_monday_is_reminded_on_friday(services: Services, clock: Clock) -> None:
    d = Dispatcher(services)
    official(services, "800", "办公室王", Role.OFFICE, "office")
    investor = person(d, "101", "李明")
    register(investor)
    with services.uow() as uow:
        investor_id = account_of(uow, "101").id
    project(services, "QX-2026-0002", 20000, stage="construction", investor_id=investor_id)
    office = person(d, "800", "办公室王")
    office.says("/forum")
    office.says("2026-12-14")  # a Monday
    office.press("14:30")
    office.says("区政府第一会议室")
    office.press("✅ 提交")

    def reminders() -> list[str]:
        return [r.text for r in inbox(services, "101") if r.text.startswith("⏰")]

    sweep_days(services, clock, date(2026, 12, 7), date(2026, 12, 10))
    assert reminders() == []
    sweep_days(services, clock, date(2026, 12, 11), date(2026, 12, 14))  # Friday to Monday
    assert len(reminders()) == 1
    assert "明天" not in reminders()[0] and "2026年12月14日" in reminders()[0]
    with services.uow() as uow:
        sent = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "101")).all()
        friday = [m for m in sent if m.payload["text"].startswith("⏰")]
        assert friday[0].created_at.astimezone(TZ).date() == date(2026, 12, 11)


def test_no_scan_or_review_deadline_from_before_the_deployment_fires(
    services: Services, clock: Clock
) -> None:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "301", "经信局局长", Role.UNIT_HEAD, "econ")
    reviewer = official(services, "310", "经信局评审员", Role.REVIEWER, "econ")
    old = project(services, "QX-2026-0001", 20000, stage="signed")
    new = project(services, "QX-2026-0002", 20000, stage="signed")
    reviewed = project(services, "QX-2026-0003", 20000, stage="reviewing")
    dimension = next(dim for dim in services.policy.review_dimensions if "econ" in dim.units)
    with services.uow() as uow:
        # Recorded in the bot today, but signed before it started: its scan was due 4 Nov.
        uow.session.add(Agreement(project_id=old, signed_on=date(2026, 10, 20), signer="区长"))
        uow.session.add(Agreement(project_id=new, signed_on=date(2026, 11, 20), signer="区长"))
        rnd = ReviewRound(project_id=reviewed, deadline=date(2026, 11, 16))
        uow.session.add(rnd)
        uow.session.flush()
        uow.session.add(
            ReviewOpinion(
                round_id=rnd.id or 0,
                dimension_id=dimension.id,
                unit_id="econ",
                reviewer_id=reviewer,
            )
        )
        uow.commit()
    sweep_days(services, clock, date(2026, 11, 23), date(2026, 12, 8))
    office = keys(services, "800")
    scans = [k.split(":") for k in office if k.startswith("scan:")]
    assert {agreement for _, _, agreement, *_ in scans} == {str(_agreement_id(services, new))}
    assert [kind for _, kind, *_ in scans].count("late") == 1  # 15 days after 20 Nov
    assert not [k for k in (*office, *keys(services, "301")) if k.startswith("rv:overdue:")]


def _agreement_id(s: Services, project_id: int) -> int:
    with s.uow() as uow:
        found = uow.session.exec(select(Agreement).where(Agreement.project_id == project_id))
        return found.one().id or 0


def test_a_new_liaison_officer_is_not_asked_for_a_check_in_from_before_they_joined(
    services: Services, clock: Clock
) -> None:
    first = official(services, "410", "联络员甲", Role.LIAISON, "econ")
    signed = project(services, "QX-2026-0002", 20000, stage="signed")
    with services.uow() as uow:
        uow.session.add(LiaisonAssignment(project_id=signed, unit_id="econ", officer_id=first))
        uow.commit()
    sweep_days(services, clock, date(2026, 11, 23), date(2026, 12, 9))
    assert len(keys(services, "410")) == 1  # the first check-in, on 7 December
    clock.now = at(date(2026, 12, 10), 9)
    second = official(services, "411", "联络员乙", Role.LIAISON, "econ")
    with services.uow() as uow:
        a = uow.session.exec(select(LiaisonAssignment)).one()
        a.officer_id = second
        uow.session.add(a)
        uow.commit()
    sweep_days(services, clock, date(2026, 12, 10), date(2026, 12, 18))
    assert keys(services, "411") == Counter()  # the check-in of 7 December predates them
    sweep_days(services, clock, date(2026, 12, 19), date(2026, 12, 22))
    assert len(keys(services, "411")) == 1  # the next one, on 21 December


def test_the_assessment_of_a_november_deployment_counts_one_period_not_eleven(
    sqlite_uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock
) -> None:
    s = deployed(sqlite_uow_factory, policy, clock, date(2026, 11, 10))
    official(s, "800", "办公室王", Role.OFFICE, "office")
    clock.now = at(date(2026, 12, 20))
    office = person(Dispatcher(s), "800", "办公室王")
    reply = office.says("/assessment 2026")[0]  # the workbook; its chart follows
    assert reply.document is not None and reply.document.content is not None
    sheets = xlsx_tables(reply.document.content)  # each table from its header row
    rows = sheets["成员单位考核"]
    due = [dict(zip(rows[0], row, strict=True))["应报月报"] for row in rows[1:]]
    assert due and set(due) == {1}  # November only, not January to November
    overview = {row[0]: row[1] for row in sheets["总体情况"] if row and len(row) > 1}
    assert overview["月报统计起始（系统启用后首期）"] == "2026年11月"


def test_the_first_sweep_records_the_start_of_an_older_database(
    sqlite_uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock
) -> None:
    clock.now = at(date(2026, 10, 23))
    with sqlite_uow_factory() as uow:
        seed_policy(uow, policy)  # made before `zhaoshang init` recorded the start
        uow.commit()
    s = make_services(sqlite_uow_factory, policy, clock)
    staff(s)
    run_all(s)
    with s.uow() as uow:
        start = deployment_start(uow)
        assert start is not None and start.at == at(date(2026, 10, 23))
    assert keys(s, "300") == Counter() and keys(s, "800") == Counter()
