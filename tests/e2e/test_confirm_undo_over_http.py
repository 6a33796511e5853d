"""Confirmation and undo over Telegram's HTTP API, on both runtimes: the office presses
⚠️ 登记流失 and the same message asks "确认…？"; 取消 puts the card back and nothing changes;
确认 moves the project, and ↩️ 撤回 within the policy's window brings it back, audited, with the
investor told; a city official's ↩️ 退回 asks on the same card before the comment is asked."""

from __future__ import annotations

from sqlmodel import select

from bot.demo import ChatUser
from bot.runtimes import Runtime
from bot.settings import Settings
from sandbox import SandboxServer
from storage.tables import AuditEntry
from storage.uow import UnitOfWorkFactory
from tests.e2e.officials import joined, shown
from tests.e2e.test_city_review import approved_and_sent
from tests.e2e.test_review_and_decision import (
    CONFIRM,
    OFFICE,
    add_project,
    newest,
    settle,
    stage_of,
)
from workflow.roles import Role

INVESTOR, DEPUTY = 10001, 701
CANCEL, LOST, UNDO = "✖️ 取消", "⚠️ 登记流失", "↩️ 撤回"


async def press_at(sb: SandboxServer, user: ChatUser, message_id: int, label: str) -> None:
    """Press a button of one message and wait for the bot's answer."""
    mark = sb.mark()
    sb.press(user.user_id, user.user_id, message_id, button_text=label)
    await user._answer(mark)


async def test_lost_is_asked_on_the_card_cancelled_confirmed_and_withdrawn(
    sandbox: SandboxServer, settings: Settings, bot: Runtime, uow_factory: UnitOfWorkFactory
) -> None:
    sb = sandbox
    office, _ = joined(sb, uow_factory, OFFICE, Role.OFFICE, "office")
    _, investor_id = joined(sb, uow_factory, INVESTOR, Role.INVESTOR, None)
    serial = add_project(uow_factory, investor_id, "新能源汽车电机壳体项目", 20000)
    with uow_factory() as uow:
        project = uow.projects.by_serial(serial)
        assert project is not None
        project.stage = "negotiation"
        uow.commit()

    card = int((await office.say(f"/project {serial}"))["message_id"])
    text, labels = shown(sb, OFFICE, card)
    await press_at(sb, office, card, LOST)
    asked, answers = shown(sb, OFFICE, card)  # the same message, edited into the question
    assert asked.startswith(text.strip()[:20]) and f"确认将 {serial} 登记为流失？" in asked
    assert answers == [CONFIRM, CANCEL] and stage_of(uow_factory, serial) == "negotiation"

    await press_at(sb, office, card, CANCEL)
    assert shown(sb, OFFICE, card) == (text, labels)  # the card back, nothing changed
    assert stage_of(uow_factory, serial) == "negotiation"

    await press_at(sb, office, card, LOST)
    await press_at(sb, office, card, CONFIRM)
    assert stage_of(uow_factory, serial) == "lost"
    assert UNDO in shown(sb, OFFICE, card)[1]
    await settle(sb, bot)

    await press_at(sb, office, card, UNDO)
    assert stage_of(uow_factory, serial) == "negotiation"
    assert LOST in shown(sb, OFFICE, card)[1] and UNDO not in shown(sb, OFFICE, card)[1]
    await settle(sb, bot)
    told = newest(sb, INVESTOR, serial, "已撤回")["text"]
    assert "已流失" in told and "③ 项目洽谈" in told
    with uow_factory() as uow:
        undone = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "undo_lost"))
        assert [(a.from_value, a.to_value) for a in undone] == [("lost", "negotiation")]
    assert sb.unanswered_callback_queries() == []


async def test_a_city_return_asks_on_the_card_first(
    sandbox: SandboxServer, settings: Settings, bot: Runtime, uow_factory: UnitOfWorkFactory
) -> None:
    sb = sandbox
    joined(sb, uow_factory, OFFICE, Role.OFFICE, "office")
    deputy, _ = joined(sb, uow_factory, DEPUTY, Role.CITY_EXEC_DEPUTY, "city_group")
    serial = approved_and_sent(settings, uow_factory)
    await settle(sb, bot)
    card = int(newest(sb, DEPUTY, serial, button="↩️ 退回")["message_id"])
    await press_at(sb, deputy, card, "↩️ 退回")
    asked, answers = shown(sb, DEPUTY, card)
    assert f"确认退回 {serial}？" in asked and answers == [CONFIRM, CANCEL]
    assert stage_of(uow_factory, serial) == "city"
    await press_at(sb, deputy, card, CONFIRM)
    await sb.wait_idle(idle_ms=150, timeout=10)
    assert "↩️ 退回" in shown(sb, DEPUTY, card)[1]  # the card as it reads, the case still open
    last = sb.last_bot_message(DEPUTY)
    assert last is not None and int(last["message_id"]) != card  # the comment is asked below
    assert stage_of(uow_factory, serial) == "city"
