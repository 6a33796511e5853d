"""What the documents forbid also stops (001 一, 六), and the only ways past are their own
exceptions (001 二, 001 四(三)), approved by the city's leading group in chat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from conversations.replies import Reply
from documents.word import docx_text
from handlers.context import Services
from handlers.decision.city import city_form
from handlers.decision.minutes import minutes_document
from handlers.dispatch import Dispatcher
from handlers.intake.plan_document import plan_document
from handlers.pipeline.admission_view import document_lines
from handlers.sweeps import run_all
from storage.tables import (
    AdmissionExceptionRequest,
    AuditEntry,
    CityCase,
    Meeting,
    MeetingItem,
    OutboxMessage,
)
from tests.conftest import Clock
from tests.handlers.conftest import Person, person
from tests.handlers.flows import official, project, project_of
from tests.handlers.test_onboarding import register
from tests.handlers.test_plan_journey import TYPED, answer, current_step
from workflow.roles import Role

BLOCKED = "该项目属禁止引入或不在遴选评审适用范围内"


@pytest.fixture
def office(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    return person(dispatcher, "800", "办公室王")


@pytest.fixture
def city(services: Services, dispatcher: Dispatcher) -> dict[str, Person]:
    official(services, "700", "市办刘", Role.CITY_OFFICE, "city_office")
    official(services, "701", "常务副组长陈", Role.CITY_EXEC_DEPUTY, "city_group")
    official(services, "702", "组长黄", Role.CITY_LEADER, "city_group")
    return {
        "city_office": person(dispatcher, "700", "市办刘"),
        "exec_deputy": person(dispatcher, "701", "常务副组长陈"),
        "leader": person(dispatcher, "702", "组长黄"),
    }


def low_intensity(services: Services, serial: str, stage: str = "lead") -> int:
    """16000 万元 fixed on 200 亩: 80 万元/亩, below 附件2's 380 — prohibited by 001 六(五)."""
    return project(services, serial, 20000, stage, land_mu=200)


def labels(p: Person) -> list[str]:
    return [b.text for row in p.seen[-1].buttons for b in row]


def requests(services: Services, pid: int) -> list[AdmissionExceptionRequest]:
    """A project's exception requests, as copies readable after the unit of work."""
    with services.uow() as uow:
        return [
            AdmissionExceptionRequest.model_validate(r.model_dump())
            for r in uow.projects.exception_requests(pid)
        ]


def audited(services: Services, action: str) -> list[AuditEntry]:
    with services.uow() as uow:
        return list(uow.session.exec(select(AuditEntry).where(AuditEntry.action == action)))


# -- the block --------------------------------------------------------------------------------


def test_a_prohibited_project_cannot_be_confirmed_and_its_card_says_why(
    services: Services, office: Person
):
    pid = low_intensity(services, "QX-2026-0001")
    office.says("/project QX-2026-0001")
    card = office.text
    assert "按规定不能引入" in card and "001 六(五)" in card and "固定资产投资强度" in card
    assert "✅ 确认入库" not in labels(office)
    assert "📨 申请例外（报市领导小组）" in labels(office)
    refused = office.press_data(f"pr:confirm:{pid}")[0].text
    assert BLOCKED in refused and "001 六(五)" in refused
    assert project_of_stage(services, pid) == "lead"


def test_a_leader_viewing_a_prohibited_project_sees_why_it_is_stopped(
    services: Services, dispatcher: Dispatcher
):
    official(services, "900", "区领导张", Role.LEADER, "district_gov")
    leader = person(dispatcher, "900", "区领导张")
    low_intensity(services, "QX-2026-0001")
    leader.says("/project QX-2026-0001")
    assert "按规定不能引入" in leader.text and "001 六(五)" in leader.text
    project(services, "QX-2026-0002", 20000)
    leader.says("/project QX-2026-0002")
    assert "按规定不能引入" not in leader.text


def test_a_prohibited_project_cannot_be_sent_to_review(services: Services, office: Person):
    pid = low_intensity(services, "QX-2026-0001", "confirmed")
    office.says("/project QX-2026-0001")
    assert "⚖️ 发起评审" not in labels(office)
    refused = office.press_data(f"pr:review:{pid}")[0].text
    assert BLOCKED in refused
    assert project_of_stage(services, pid) == "confirmed"
    with services.uow() as uow:
        assert uow.reviews.latest(pid) is None


def test_a_prohibited_project_cannot_go_on_a_meeting_agenda(
    services: Services, office: Person, clock: Clock
):
    pid = low_intensity(services, "QX-2026-0001", "decision")
    with services.uow() as uow:
        meeting = Meeting(title="联席会议", scheduled_at=clock() + timedelta(days=3))
        uow.session.add(meeting)
        uow.commit()
        meeting_id = meeting.id
    refused = office.says(f"/agenda {meeting_id} QX-2026-0001")[0].text
    assert BLOCKED in refused and "001 六(五)" in refused
    with services.uow() as uow:
        assert uow.decisions.item_for(meeting_id or 0, pid) is None


def test_a_prohibited_project_cannot_be_signed(services: Services, office: Person):
    pid = low_intensity(services, "QX-2026-0001", "cleared")
    refused = office.press_data(f"pr:sign:{pid}")[0].text
    assert BLOCKED in refused
    with services.uow() as uow:
        assert uow.decisions.agreement(pid) is None
    assert project_of_stage(services, pid) == "cleared"


def test_a_sector_outside_the_scope_is_blocked_and_no_exception_applies(
    services: Services, office: Person
):
    pid = project(services, "QX-2026-0001", 20000, "lead", sector="real_estate")
    office.says("/project QX-2026-0001")
    assert "按规定不能引入" in office.text and "文件未规定适用的例外" in office.text
    assert "📨 申请例外（报市领导小组）" not in labels(office)
    assert BLOCKED in office.press_data(f"pr:confirm:{pid}")[0].text
    refused = office.press_data(f"pr:exc:{pid}")[0].text
    assert "文件未规定适用于这种情形的例外" in refused
    assert requests(services, pid) == [] and project_of_stage(services, pid) == "lead"


def test_a_project_that_meets_the_rules_is_not_affected(services: Services, office: Person):
    pid = project(services, "QX-2026-0001", 20000, "lead")
    office.says("/project QX-2026-0001")
    assert "按规定不能引入" not in office.text
    assert "📨 申请例外（报市领导小组）" not in labels(office)
    assert "无需申请例外" in office.press_data(f"pr:exc:{pid}")[0].text
    assert requests(services, pid) == []
    office.press("✅ 确认入库")
    assert project_of_stage(services, pid) == "confirmed"


# -- the exception ----------------------------------------------------------------------------


def request_exception(office: Person, serial: str, kind: str = "战略性新兴产业项目") -> None:
    office.says(f"/project {serial}")
    office.press("📨 申请例外（报市领导小组）")
    office.press(kind)
    office.says("主要产品为高性能碳纤维复合材料，属指导目录3.4.1条。")
    office.press("✅ 提交")


def test_an_exception_approved_by_the_city_lets_the_project_go_on(
    services: Services, office: Person, city: dict[str, Person]
):
    pid = low_intensity(services, "QX-2026-0001")
    request_exception(office, "QX-2026-0001")
    assert "已将 QX-2026-0001 的例外申请" in office.text
    [req] = requests(services, pid)
    assert req.status == "requested" and req.lifts == ["prohibited:001 六(五)"]
    assert len(audited(services, "exception_request")) == 1
    # The card shows it pending; nothing moves yet.
    office.says("/project QX-2026-0001")
    assert "待市招商引资工作领导小组审核" in office.text and "✅ 确认入库" not in labels(office)
    assert "已有一份例外申请" in office.press_data(f"pr:exc:{pid}")[0].text

    # The 常务副组长 gets the card with the reason and approves it.
    deputy = city["exec_deputy"]
    deputy.seen += cards_for(services, "701")
    assert "例外申请" in deputy.text and "碳纤维" in deputy.text and "001 二" in deputy.text
    deputy.press("✅ 审核同意")
    assert "已审核同意" in deputy.text
    assert requests(services, pid)[0].status == "approved"
    assert len(audited(services, "exception_approve")) == 1
    assert any("已审核同意" in r.text for r in cards_for(services, "800"))
    # Pressed again: already decided, nothing changes.
    before = requests(services, pid)[0].decided_at
    again = deputy.press_data(f"ax:ok:{req.id}")[0].text
    assert "已审核完毕" in again and requests(services, pid)[0].decided_at == before

    office.says("/project QX-2026-0001")
    assert "按规定不能引入" not in office.text
    assert (
        "市招商引资工作领导小组已审核同意" in office.text and "战略性新兴产业项目" in office.text
    )
    office.press("✅ 确认入库")
    assert project_of_stage(services, pid) == "confirmed"


def test_an_approved_exception_is_printed_in_the_projects_documents(
    services: Services, office: Person, city: dict[str, Person], clock: Clock
):
    pid = low_intensity(services, "QX-2026-0001", "decision")
    request_exception(office, "QX-2026-0001")
    deputy = city["exec_deputy"]
    deputy.seen += cards_for(services, "701")
    deputy.press("✅ 审核同意")
    line = "例外情形：战略性新兴产业项目（001 二），经市招商引资工作领导小组审核同意"
    with services.uow() as uow:
        lead = project_of(uow, pid)
        case = CityCase(project_id=pid, route="filing", submitted_at=clock())
        uow.session.add(case)
        uow.session.flush()
        assert line in docx_text(city_form(services, uow, case, lead).content or b"")
        plan = plan_document(services, lead, document_lines(services, uow, lead))
        assert line in docx_text(plan.content or b"")
        meeting = Meeting(title="联席会议", scheduled_at=clock(), status="held")
        uow.session.add(meeting)
        uow.session.flush()
        uow.session.add(
            MeetingItem(meeting_id=meeting.id or 0, project_id=pid, decision="approved")
        )
        uow.session.flush()
        minutes = minutes_document(services, uow, meeting)
        assert line in docx_text(minutes.content or b"")
    # A project without an exception prints no such line.
    other = project(services, "QX-2026-0002", 20000, "decision")
    with services.uow() as uow:
        assert document_lines(services, uow, project_of(uow, other)) == []


def test_a_refused_exception_leaves_the_project_blocked_and_the_office_is_told(
    services: Services, office: Person, city: dict[str, Person]
):
    pid = low_intensity(services, "QX-2026-0001")
    request_exception(office, "QX-2026-0001", "特殊情况")
    leader = city["leader"]
    leader.seen += cards_for(services, "702")
    leader.press("❌ 不同意")
    leader.says("所述情况不属特殊情况，投资强度仍须达到基本要求。")
    leader.press("✅ 提交")
    assert "已不同意" in leader.text
    [req] = requests(services, pid)
    assert req.status == "refused" and "特殊情况" in (req.decision_note or "")
    assert len(audited(services, "exception_refuse")) == 1
    told = [r.text for r in cards_for(services, "800") if "不同意" in r.text]
    assert told and "投资强度仍须达到基本要求" in told[-1] and "仍按规定不能引入" in told[-1]
    assert BLOCKED in office.press_data(f"pr:confirm:{pid}")[0].text
    office.says("/project QX-2026-0001")
    assert "按规定不能引入" in office.text and "市招商引资工作领导小组不同意" in office.text
    assert "📨 申请例外（报市领导小组）" in labels(office)  # a new request may follow


def test_only_the_city_leaders_decide_an_exception(
    services: Services, office: Person, city: dict[str, Person], dispatcher: Dispatcher
):
    pid = low_intensity(services, "QX-2026-0001")
    request_exception(office, "QX-2026-0001")
    [req] = requests(services, pid)
    for who in (city["city_office"], office):
        reply = who.press_data(f"ax:ok:{req.id}")[0].text
        assert "没有权限" in reply, reply
    inv = person(dispatcher, "101", "李明")
    register(inv)
    assert inv.press_data(f"ax:ok:{req.id}")
    # A forged id: a stale button, nothing changes.
    assert city["exec_deputy"].press_data("ax:ok:9999")
    assert requests(services, pid)[0].status == "requested"
    assert audited(services, "exception_approve") == []
    assert BLOCKED in office.press_data(f"pr:confirm:{pid}")[0].text


# -- the investor -----------------------------------------------------------------------------


def test_the_investor_is_told_at_submission_that_the_plan_cannot_be_accepted(
    services: Services, dispatcher: Dispatcher, office: Person
):
    inv = person(dispatcher, "101", "李明")
    register(inv)
    inv.says("/new")
    for _ in range(200):
        step = current_step(services.uow, "101")
        if step == "summary":
            break
        assert step is not None
        if step == "land_area":
            inv.says("300亩")  # 52000 万元 fixed on 300 亩: 173 万元/亩, below 380
        else:
            answer(inv, step)
    replies = inv.press("✅ 提交")
    text = "\n".join(r.text for r in replies)
    assert "投资项目计划书已提交" in text
    assert "目前不能被受理引入" in text and "001 六(五)" in text
    assert "区招商选资工作领导小组办公室" in text and "张庆忠" in text
    assert TYPED["name"]


def test_an_investor_whose_plan_meets_the_rules_is_not_warned(
    services: Services, dispatcher: Dispatcher, office: Person
):
    inv = person(dispatcher, "101", "李明")
    register(inv)
    inv.says("/new")
    for _ in range(200):
        step = current_step(services.uow, "101")
        if step == "summary":
            break
        assert step is not None
        answer(inv, step)
    text = "\n".join(r.text for r in inv.press("✅ 提交"))
    assert "投资项目计划书已提交" in text and "不能被受理" not in text


# -- helpers ----------------------------------------------------------------------------------


def project_of_stage(services: Services, pid: int) -> str:
    with services.uow() as uow:
        return project_of(uow, pid).stage


def cards_for(services: Services, user_id: str) -> list[Reply]:
    """The notices queued for a user, as they will see them (the outbox's payloads)."""
    with services.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == user_id))
        return [Reply.from_dict(m.payload) for m in rows]


def test_a_request_made_before_any_city_approver_joined_reaches_them_when_they_join(
    services: Services, office: Person, dispatcher: Dispatcher
):
    low_intensity(services, "QX-2026-0001")
    request_exception(office, "QX-2026-0001")
    assert "尚未加入本系统" in office.text  # the office knows nobody can answer yet
    official(services, "701", "常务副组长陈", Role.CITY_EXEC_DEPUTY, "city_group")
    run_all(services)
    run_all(services)
    cards = [r for r in cards_for(services, "701") if "例外申请" in r.text]
    assert len(cards) == 1  # once, however many sweeps
    deputy = person(dispatcher, "701", "常务副组长陈")
    deputy.seen += cards
    deputy.press("✅ 审核同意")
    assert "已审核同意" in deputy.text
