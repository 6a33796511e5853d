"""The district leader is reminded each half-year to visit companies (000 一(三)2(4):
"由区政府分管领导牵头，每半年组织到企业调研"): from the half-year's first day, once a month,
until a visit for that half-year is recorded through /visit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from conversations.replies import Reply
from handlers.aftercare.visits_due import visit_reminders
from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.tables import Meeting, OutboxMessage
from tests.conftest import Clock
from tests.handlers.conftest import ROUTES, person
from tests.handlers.flows import official, project
from workflow.roles import Role
from workflow.visits import half_year_of, visit_reminder_key

TZ = ZoneInfo("Asia/Shanghai")


def local(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=TZ).astimezone(UTC)


def reminders(s: Services, chat: str) -> list[Reply]:
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        return [
            Reply.from_dict(m.payload)
            for m in rows
            if (m.dedupe_key or "").startswith("visit-due:")
        ]


def sweep(s: Services) -> int:
    with s.uow() as uow:
        sent = visit_reminders(s, uow)
        uow.commit()
    return sent


def visit_on(s: Services, when: datetime, status: str = "held") -> None:
    with s.uow() as uow:
        uow.decisions.add(
            Meeting(title="走访调研", scheduled_at=when, kind="visit", status=status)
        )
        uow.commit()


def setup(s: Services) -> None:
    official(s, "330", "张国力", Role.LEADER, "district_gov")
    official(s, "800", "办公室王", Role.OFFICE, "office")
    project(s, "QX-2026-0002", 20000, stage="production")


def test_the_half_years_run_january_to_june_and_july_to_december():
    assert half_year_of(date(2027, 6, 30)).key == "2027-H1"
    assert half_year_of(date(2027, 7, 1)).key == "2027-H2"
    assert half_year_of(date(2027, 12, 31)).end == date(2028, 1, 1)
    assert visit_reminder_key(date(2027, 1, 1), visited=False) == "2027-H1:2027-01"
    assert visit_reminder_key(date(2027, 1, 1), visited=True) is None


def test_the_reminder_is_due_at_the_half_year_boundary_and_not_before(
    services: Services, clock: Clock
):
    setup(services)
    visit_on(services, local(2026, 9, 15))  # the second half of 2026 had its visit
    clock.now = local(2026, 12, 31, 23, 59)
    assert sweep(services) == 0
    clock.now = local(2027, 1, 1, 0, 0)
    assert sweep(services) == 1
    (reminder,) = reminders(services, "330")
    assert "2027年上半年" in reminder.text and "000 一(三)2(4)" in reminder.text
    assert reminders(services, "800") == []  # the leader's, not the office's


def test_once_a_month_until_a_visit_is_recorded_then_never_again_that_half_year(
    services: Services, clock: Clock
):
    setup(services)
    clock.now = local(2027, 1, 4)
    sweep(services)
    clock.now = local(2027, 1, 29)
    sweep(services)
    assert len(reminders(services, "330")) == 1  # one in January
    clock.now = local(2027, 2, 1)
    sweep(services)
    assert len(reminders(services, "330")) == 2  # February: once more
    leader = person(Dispatcher(services), "330", "张国力")
    leader.seen += reminders(services, "330")[-1:]
    leader.press(leader.seen[-1].buttons[0][0].text)  # the company, as /visit offers it
    leader.says("2027-02-10")
    leader.press("10:00")
    leader.says("企业会议室")
    leader.press("✅ 提交")
    for day in (date(2027, 3, 1), date(2027, 4, 1), date(2027, 6, 30)):
        clock.now = local(day.year, day.month, day.day)
        assert sweep(services) == 0
    assert len(reminders(services, "330")) == 2
    clock.now = local(2027, 7, 1)  # a new half-year asks for a new visit
    assert sweep(services) == 1


def test_a_cancelled_visit_does_not_count(services: Services, clock: Clock):
    setup(services)
    visit_on(services, local(2027, 1, 10), status="cancelled")
    clock.now = local(2027, 1, 11)
    assert sweep(services) == 1


def test_a_visit_already_scheduled_in_the_half_year_means_no_reminder(
    services: Services, clock: Clock
):
    setup(services)
    visit_on(services, local(2027, 5, 20), status="scheduled")
    clock.now = local(2027, 1, 4)
    assert sweep(services) == 0


def test_without_a_signed_company_the_reminder_says_so_and_points_to_visit(
    services: Services, clock: Clock
):
    official(services, "330", "张国力", Role.LEADER, "district_gov")
    clock.now = local(2027, 1, 4)
    sweep(services)
    (reminder,) = reminders(services, "330")
    assert reminder.buttons == () and "/visit" in reminder.text


def test_the_reminder_is_a_sweep_that_waits_for_office_hours():
    (found,) = [w for w in ROUTES.sweeps if w.name == "visit_reminders"]
    assert found.reminder and found.work is visit_reminders
