"""Investors' forums and company visits: invitations, a reminder the day before, opinions,
and the summary to the leading group (000 一(三)2(4))."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from conversations.replies import Reply
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.sweeps import run_all
from storage.tables import OutboxMessage
from tests.handlers.conftest import Clock, person
from tests.handlers.flows import account_of, official, project
from tests.handlers.test_onboarding import register
from workflow.roles import Role


def inbox(s: Services, chat: str) -> list[Reply]:
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        return [Reply.from_dict(m.payload) for m in rows]


def test_a_forum_invites_signed_investors_and_its_summary_reaches_the_leaders(
    services: Services, clock: Clock
) -> None:
    d = Dispatcher(services)
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "330", "张国力", Role.LEADER, "district_gov")
    investor = person(d, "101", "李明")
    register(investor)
    with services.uow() as uow:
        investor_id = account_of(uow, "101").id
    project(services, "QX-2026-0002", 20000, stage="construction", investor_id=investor_id)
    office = person(d, "800", "办公室王")
    office.says("/forum")
    office.says("2026-12-03")
    office.press("14:30")
    office.says("区政府第一会议室")
    card = office.press("✅ 提交")
    assert "投资企业座谈会" in card[-1].text and "已邀请" in card[-1].text
    invitation = [r for r in inbox(services, "101") if "邀请" in r.text]
    assert len(invitation) == 1

    clock.now = clock.now.replace(day=2, month=12, hour=2)  # 10:00 the day before
    run_all(services)
    run_all(services)
    assert len([r for r in inbox(services, "101") if "明天" in r.text]) == 1

    investor.seen += invitation
    investor.press("📝 提交意见和建议")
    investor.says("审批服务效率高，建议完善园区道路。")
    investor.says("员工子女入学需要协调。")
    assert "已收到您的意见" in investor.press("✅ 提交")[-1].text
    office.seen += [card[-1]]
    summary = office.press("🧾 汇总意见报领导小组")
    assert "审批服务效率高" in summary[0].text and "员工子女入学" in summary[0].text
    assert any("意见汇总" in r.text for r in inbox(services, "330"))


def test_a_visit_is_to_one_signed_company(services: Services, clock: Clock) -> None:
    d = Dispatcher(services)
    official(services, "330", "张国力", Role.LEADER, "district_gov")
    investor = person(d, "101", "李明")
    register(investor)
    with services.uow() as uow:
        investor_id = account_of(uow, "101").id
    project(services, "QX-2026-0002", 20000, stage="production", investor_id=investor_id)
    leader = person(d, "330", "张国力")
    leader.says("/visit")
    leader.press(leader.seen[-1].buttons[0][0].text)
    leader.says(date(2026, 12, 10).isoformat())
    leader.press("10:00")
    leader.says("企业会议室")
    card = leader.press("✅ 提交")
    assert "走访调研" in card[-1].text
    assert [r for r in inbox(services, "101") if "走访调研" in r.text]
    stranger = person(d, "102", "王五")
    register(stranger, "另一家公司")
    data = next(b.data for r in inbox(services, "101") for row in r.buttons for b in row)
    assert "没有权限" in stranger.press_data(data or "")[0].text


def test_forum_and_visit_ask_in_their_own_words(services: Services) -> None:
    d = Dispatcher(services)
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "330", "张国力", Role.LEADER, "district_gov")
    project(services, "QX-2026-0002", 20000, stage="production")
    office = person(d, "800", "办公室王")
    asked = office.says("/forum")
    assert "投资企业座谈会的日期" in asked[-1].text and "联席会议" not in asked[-1].text
    office.says("2026-12-03")
    office.press("14:30")
    office.says("区政府第一会议室")
    assert "请核对座谈会安排" in office.text and "会议安排" not in office.text.replace(
        "座谈会安排", ""
    )
    leader = person(d, "330", "张国力")
    leader.says("/visit")
    asked = leader.press(leader.seen[-1].buttons[0][0].text)
    assert "到企业走访调研的日期" in asked[-1].text and "联席会议" not in asked[-1].text
    leader.says("2026-12-10")
    leader.press("10:00")
    leader.says("企业会议室")
    assert "请核对走访安排" in leader.text


def test_a_visit_summary_by_the_district_leader_reaches_the_office_and_the_leading_group(
    services: Services, clock: Clock
) -> None:
    d = Dispatcher(services)
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "330", "张国力", Role.LEADER, "district_gov")
    investor = person(d, "101", "李明")
    register(investor)
    with services.uow() as uow:
        investor_id = account_of(uow, "101").id
        # 张庆忠 of the roster (附件1, a member of the leading group) has joined.
        (member,) = [
            p for p in uow.people.position_holders("leading_group_member") if p.name == "张庆忠"
        ]
        assert member.id is not None
        from storage.tables import MessengerAccount

        uow.session.add(MessengerAccount(person_id=member.id, external_id="340", chat_id="340"))
        uow.commit()
    project(services, "QX-2026-0002", 20000, stage="production", investor_id=investor_id)
    leader = person(d, "330", "张国力")
    leader.says("/visit")
    leader.press(leader.seen[-1].buttons[0][0].text)
    leader.says("2026-12-10")
    leader.press("10:00")
    leader.says("企业会议室")
    card = leader.press("✅ 提交")
    summary = leader.press("🧾 汇总意见报领导小组", card[-1])
    assert "意见汇总" in summary[0].text
    assert any("意见汇总" in r.text for r in inbox(services, "800"))  # the office
    assert any("意见汇总" in r.text for r in inbox(services, "340"))  # the leading group
    assert not any("意见汇总" in r.text for r in inbox(services, "330"))  # not told twice
