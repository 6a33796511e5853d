"""Confirmation on the same card and 撤回 within the policy's window (issue 15).

登记流失, 建成投产, 结束评审, 不予引进, the city's approval or return each ask "确认…？" on the
card that was pressed; 取消 puts the card back, 确认 acts. 登记流失 and 建成投产 may be withdrawn
by the person who made them for `deadlines.undo_minutes`; a joint meeting's decision is never
withdrawn, it is corrected by a new, audited decision.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from conversations.callbacks import CallbackDataError, decode
from conversations.replies import Reply
from handlers.buttons import CITY_BUTTONS, PIPELINE_BUTTONS
from handlers.confirm import fingerprint
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.reporting.assessment import follow_ups
from storage.tables import Agreement, AuditEntry, CityCase, Meeting, MeetingItem, ReviewRound
from tests.handlers.conftest import CONFIRM, Clock, Person, person
from tests.handlers.flows import cards_for, official, project, project_of
from workflow.roles import Role

CANCEL = "✖️ 取消"
LOST = "⚠️ 登记流失"
UNDO = "↩️ 撤回"


@pytest.fixture
def office(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, "800", "办公室王", Role.OFFICE, "office")
    return person(dispatcher, "800", "办公室王")


@pytest.fixture
def investor(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, "300", "投资方陈", Role.INVESTOR, None)
    return person(dispatcher, "300", "投资方陈")


def labels(reply: Reply) -> list[str]:
    return [b.text for row in reply.buttons for b in row]


def stage(s: Services, pid: int) -> str:
    with s.uow() as uow:
        return project_of(uow, pid).stage


def audit(s: Services, action: str) -> list[tuple[str | None, str | None, bool]]:
    """The audit rows of an action: from, to, and whether it was allowed."""
    with s.uow() as uow:
        rows = uow.session.exec(select(AuditEntry).where(AuditEntry.action == action))
        return [(r.from_value, r.to_value, r.allowed) for r in rows]


def investor_id(s: Services) -> int:
    with s.uow() as uow:
        found = uow.people.by_account("telegram", "300")
        assert found is not None and found.id is not None
        return found.id


def test_lost_asks_on_the_same_card_and_cancel_puts_the_card_back(
    services: Services, office: Person
):
    pid = project(services, "QX-2026-0001", 20000, stage="negotiation")
    card = office.says("/project QX-2026-0001")[-1]
    asked = office.press(LOST, card)
    assert len(asked) == 1 and asked[0].edit  # the pressed card, edited in place
    assert asked[0].text.startswith(card.text)  # the card as it reads, the question below
    assert "确认将 <b>QX-2026-0001</b> 登记为流失？" in asked[0].text
    assert "10 分钟内可撤回" in asked[0].text
    assert labels(asked[0]) == [CONFIRM, CANCEL]
    assert stage(services, pid) == "negotiation"
    back = office.press(CANCEL, asked[0])
    assert back[0].edit and back[0].text == card.text and back[0].buttons == card.buttons
    assert stage(services, pid) == "negotiation" and not audit(services, "mark_lost")


def test_confirm_moves_and_undo_within_the_window_brings_it_back_and_tells_the_investor(
    services: Services, office: Person, investor: Person, clock: Clock
):
    pid = project(services, "QX-2026-0001", 20000, "negotiation", investor_id(services))
    office.says("/project QX-2026-0001")
    moved = office.confirms(LOST)
    assert stage(services, pid) == "lost"
    assert moved[0].edit and UNDO in labels(moved[0]) and LOST not in labels(moved[0])
    clock.advance(minutes=9)
    undone = office.press(UNDO, moved[0])
    assert stage(services, pid) == "negotiation"
    assert undone[0].edit and LOST in labels(undone[0]) and UNDO not in labels(undone[0])
    assert office.last is not None and "已撤回" in (office.last.toast or "")
    assert audit(services, "undo_lost") == [("lost", "negotiation", True)]
    told = [r.text for r in cards_for(services, "300")]
    assert any("已流失" in t and "已撤回" in t and "③ 项目洽谈" in t for t in told)
    with services.uow() as uow:
        history = [h.transition for h in uow.projects.history(pid)]
    assert history[-2:] == ["mark_lost", "undo_lost"]  # both kept in the stage history


def test_after_the_window_the_undo_button_is_gone_and_a_press_is_refused(
    services: Services, office: Person, clock: Clock
):
    pid = project(services, "QX-2026-0001", 20000, stage="construction")
    office.says("/project QX-2026-0001")
    office.confirms("🏭 建成投产")
    assert stage(services, pid) == "production"
    clock.advance(minutes=10, seconds=1)
    card = office.says("/project QX-2026-0001")[-1]
    assert UNDO not in labels(card)
    refused = office.press_data(PIPELINE_BUTTONS.encode("undo", pid))
    assert "撤回时限已过" in refused[0].text
    assert stage(services, pid) == "production" and not audit(services, "undo_production")
    assert audit(services, "refused:undo_production")


def test_only_the_person_who_made_the_move_withdraws_it_and_only_once(
    services: Services, office: Person, dispatcher: Dispatcher
):
    pid = project(services, "QX-2026-0001", 20000, stage="negotiation")
    office.says("/project QX-2026-0001")
    office.confirms(LOST)
    official(services, "801", "办公室赵", Role.OFFICE, "office")
    colleague = person(dispatcher, "801", "办公室赵")
    refused = colleague.press_data(PIPELINE_BUTTONS.encode("undo", pid))
    assert "只有作出该操作的人才能撤回" in refused[0].text and stage(services, pid) == "lost"
    office.press_data(PIPELINE_BUTTONS.encode("undo", pid))
    again = office.press_data(PIPELINE_BUTTONS.encode("undo", pid))
    assert "没有可以撤回的操作" in again[0].text and stage(services, pid) == "negotiation"


def test_a_confirm_on_a_card_that_changed_since_is_refused_as_stale(
    services: Services, office: Person
):
    pid = project(services, "QX-2026-0001", 20000, stage="negotiation")
    office.says("/project QX-2026-0001")
    asked = office.press(LOST)[0]
    office.says("/project QX-2026-0001")
    office.press("👥 洽谈专班")
    office.press("办公室王")  # the card now names the team: not the card the question was on
    refused = office.press(CONFIRM, asked)
    assert "这个按钮已失效" in refused[0].text
    assert stage(services, pid) == "negotiation"
    assert audit(services, "refused:stale_confirm:pr:lost")


def test_a_forged_confirmation_is_checked_for_authority_and_state_like_any_press(
    services: Services, office: Person, investor: Person
):
    pid = project(services, "QX-2026-0001", 20000, stage="negotiation")
    card = office.says("/project QX-2026-0001")[-1]
    data = PIPELINE_BUTTONS.encode("lost", pid, "y" + fingerprint(card))
    refused = investor.press_data(data)  # the right fingerprint, the wrong person
    assert "您没有权限" in refused[0].text and stage(services, pid) == "negotiation"
    stale = office.press_data(PIPELINE_BUTTONS.encode("lost", pid, "y0badcafe"))
    assert "这个按钮已失效" in stale[0].text and stage(services, pid) == "negotiation"
    malformed = office.press_data(f"pr:lost:{pid}:yes")  # no answer the codec reads
    assert "这个按钮已失效" in malformed[0].text and stage(services, pid) == "negotiation"
    office.press_data(data)  # the office's own, on the card as it reads: taken
    assert stage(services, pid) == "lost"
    finished = office.press_data(data)  # the same 确认 again: the card moved on
    assert "⛔" in finished[0].text and stage(services, pid) == "lost"


def test_the_answer_is_bound_checked_by_the_codec():
    with pytest.raises(CallbackDataError):
        PIPELINE_BUTTONS.encode("undo", 1, "n")  # 撤回 asks nothing: no answer to it
    with pytest.raises(CallbackDataError):
        PIPELINE_BUTTONS.encode("lost", 1, "yXYZ")
    pressed = PIPELINE_BUTTONS.read(decode("pr:lost:7"))
    assert PIPELINE_BUTTONS.answer(pressed, "n") == "pr:lost:7:n"
    assert PIPELINE_BUTTONS.read(decode("pr:lost:7:n")).answer == "n"
    longest = CITY_BUTTONS.encode("ret", 2**31 - 1, "y" + "f" * 8)
    assert len(longest.encode()) <= 64


# -- the joint meeting: 不予引进 asked first; a decision corrected, never withdrawn ------------


def decision_ready(s: Services, serial: str, title: str = "第一次联席会议") -> tuple[int, int]:
    """A project whose district review passed, on a scheduled joint meeting's agenda, with no
    decision yet: the project's id and the agenda item's."""
    pid = project(s, serial, 20000, stage="decision")
    with s.uow() as uow:
        now = s.clock()
        uow.session.add(
            ReviewRound(
                project_id=pid,
                deadline=date(2026, 12, 1),
                closed_at=now,
                outcome="passed",
                opened_at=now - timedelta(days=3),
            )
        )
        meeting = Meeting(title=title, scheduled_at=now + timedelta(days=1))
        uow.session.add(meeting)
        uow.session.flush()
        item = MeetingItem(meeting_id=meeting.id or 0, project_id=pid)
        uow.session.add(item)
        uow.commit()
        return pid, item.id or 0


def test_not_introduced_asks_first_and_is_corrected_by_a_new_audited_decision(
    services: Services, office: Person
):
    official(services, "700", "市办刘", Role.CITY_OFFICE, "city_office")
    pid, item = decision_ready(services, "QX-2026-0001")
    office.says("/meeting")
    office.press("第一次联席会议")
    asked = office.press("❌ QX-2026-0001 不予引进")
    assert "确认联席会议决定 <b>QX-2026-0001</b> 不予引进？" in asked[0].text
    assert stage(services, pid) == "decision"
    decided = office.press(CONFIRM, asked[0])
    assert stage(services, pid) == "rejected"
    assert "✏️ QX-2026-0001 更正决定" in labels(decided[0])
    asked = office.press("✏️ QX-2026-0001 更正决定", decided[0])
    assert "更正为“准予落户”" in asked[0].text
    office.press(CONFIRM, asked[0])
    assert stage(services, pid) == "city"  # 准予落户 goes to the city as any approval does
    assert audit(services, "meeting_decision_corrected") == [("rejected", "approved", True)]
    with services.uow() as uow:
        found = uow.decisions.item(item)
        assert found is not None and found.decision == "approved"
        assert [h.transition for h in uow.projects.history(pid)][-2:] == [
            "reject",
            "correct_to_approve",
        ]


def test_an_approval_is_corrected_to_rejected_only_before_the_city_acts(
    services: Services, office: Person
):
    city_office = official(services, "700", "市办刘", Role.CITY_OFFICE, "city_office")
    assert city_office
    pid, _ = decision_ready(services, "QX-2026-0001")
    second, _ = decision_ready(services, "QX-2026-0002", "第二次联席会议")
    office.says("/meeting")
    office.press("第一次联席会议")
    office.press("✅ QX-2026-0001 准予落户")
    office.says("/meeting")
    office.press("第二次联席会议")
    office.press("✅ QX-2026-0002 准予落户")
    assert stage(services, pid) == stage(services, second) == "city"
    # The city acknowledges the second: its decision can no longer be corrected.
    city = person(office.dispatcher, "700", "市办刘")
    city.seen += [c for c in cards_for(services, "700") if "QX-2026-0002" in c.text]
    city.confirms("✅ 确认收到备案")
    assert stage(services, second) == "cleared"
    office.says("/meeting")
    office.press("第二次联席会议")
    refused = office.confirms("✏️ QX-2026-0002 更正决定")
    assert "市领导小组已办理的报市项目不能再更正为不予引进" in refused[0].text
    assert stage(services, second) == "cleared"
    # The first is still untouched by the city: corrected to 不予引进, its case withdrawn.
    office.says("/meeting")
    office.press("第一次联席会议")
    office.confirms("✏️ QX-2026-0001 更正决定")
    assert stage(services, pid) == "rejected"
    with services.uow() as uow:
        case = uow.session.exec(select(CityCase).where(CityCase.project_id == pid)).one()
        assert case.status == "withdrawn"
        case_id = case.id or 0
    told = [r.text for r in cards_for(services, "700")]
    assert any("QX-2026-0001" in t and "此次报市备案或审批已撤回" in t for t in told)
    late = city.press_data(CITY_BUTTONS.encode("ack", case_id))
    assert "已办结" in late[0].text or "⛔" in late[0].text
    assert stage(services, pid) == "rejected"


def test_a_city_return_asks_first(services: Services, dispatcher: Dispatcher, office: Person):
    official(services, "700", "市办刘", Role.CITY_OFFICE, "city_office")
    pid, _ = decision_ready(services, "QX-2026-0001")
    office.says("/meeting")
    office.press("第一次联席会议")
    office.press("✅ QX-2026-0001 准予落户")
    city = person(dispatcher, "700", "市办刘")
    city.seen += cards_for(services, "700")
    card = next(c for c in reversed(city.seen) if "↩️ 退回" in labels(c))
    asked = city.press("↩️ 退回", card)
    assert "确认退回 <b>QX-2026-0001</b>？" in asked[0].text
    assert labels(asked[0]) == [CONFIRM, CANCEL]
    opened = city.press(CONFIRM, asked[0])
    assert opened[0].edit and "↩️ 退回" in labels(opened[0])  # the card back, as it reads
    assert any("退回" in r.text for r in opened[1:])  # the return's comment is asked next
    assert stage(services, pid) == "city"


def test_signing_is_confirmed_on_its_summary_and_no_button_signs_in_one_tap(
    services: Services, office: Person
):
    from tests.handlers.test_signing import fill, signable  # the signing tests' own set-up

    pid = signable(services)
    card = office.says("/project QX-2026-0001")[-1]
    assert "✍️ 登记签约" in labels(card)
    fill(office, pid, submit=False)  # the button opens the agreement's form, never signs
    assert stage(services, pid) == "cleared"
    summary = office.seen[-1]
    assert "点“提交”即登记签约" in summary.text and "✅ 提交" in labels(summary)
    office.press("✅ 提交")
    assert stage(services, pid) == "signed"


def test_a_withdrawn_production_does_not_count_as_in_production(
    services: Services, office: Person
):
    pid = project(services, "QX-2026-0001", 20000, stage="construction")
    with services.uow() as uow:
        uow.decisions.add(Agreement(project_id=pid, signed_on=date(2026, 3, 1), signer="张国力"))
        uow.commit()
    office.says("/project QX-2026-0001")
    office.confirms("🏭 建成投产")
    with services.uow() as uow:
        (row,) = follow_ups(services, uow)
        assert row.in_production_on is not None
    office.press(UNDO)
    with services.uow() as uow:
        (row,) = follow_ups(services, uow)  # the yearly assessment's row of the project
        assert row.in_production_on is None
