"""Cards over Telegram's HTTP API, on both runtimes: a typed /project is always answered with a
new message at the bottom of the chat, and the older copy of the card loses its buttons; a
pressed card is edited in place; 🤝 进入洽谈 is on the card at ② and moves the project to ③;
after the city returns a project and the office sends it again, the city's old card has no
buttons and says that the new one below replaces it."""

from __future__ import annotations

import re

from bot.demo import ChatUser
from bot.runtimes import Runtime
from bot.settings import Settings
from sandbox import SandboxServer
from storage.tables import Person
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import bot_today
from tests.e2e.officials import joined, shown
from tests.e2e.test_city_review import approved_and_sent
from tests.e2e.test_review_and_decision import OFFICE, add_project, newest, settle, stage_of
from workflow.roles import Role

DEPUTY = 701
_ANSWER = re.compile(r":y[0-9a-f]{8}$")  # 确认, when an action asks for confirmation


def bottom(sb: SandboxServer, chat: int) -> int:
    """The newest bot message of a chat."""
    last = sb.last_bot_message(chat)
    assert last is not None
    return int(last["message_id"])


async def press_at(sb: SandboxServer, user: ChatUser, message_id: int, label: str) -> None:
    """Press a button of one message, and 确认 when the action asks on the same card."""
    mark = sb.mark()
    sb.press(user.user_id, user.user_id, message_id, button_text=label)
    await user._answer(mark)
    entry = next(e for e in sb.transcript(user.user_id) if e.message_id == message_id)
    for row in entry.buttons:
        for text, data in row:
            if data and _ANSWER.search(data):
                mark = sb.mark()
                sb.press(user.user_id, user.user_id, message_id, button_text=text)
                await user._answer(mark)
                return


async def test_a_typed_command_is_answered_at_the_bottom_and_old_cards_lose_their_buttons(
    sandbox: SandboxServer, settings: Settings, bot: Runtime, uow_factory: UnitOfWorkFactory
) -> None:
    sb = sandbox
    office, _ = joined(sb, uow_factory, OFFICE, Role.OFFICE, "office")
    deputy, _ = joined(sb, uow_factory, DEPUTY, Role.CITY_EXEC_DEPUTY, "city_group")
    with uow_factory() as uow:
        investor = uow.people.add(Person(name="李明"))
        uow.commit()
        investor_id = investor.id or 0
    serial = add_project(uow_factory, investor_id, "新材料产业园项目", 20000)
    with uow_factory() as uow:
        project = uow.projects.by_serial(serial)
        assert project is not None
        project.stage = "confirmed"
        uow.session.add(project)
        uow.commit()

    # /project twice, the card unchanged: each time a new message at the bottom.
    first = int((await office.say(f"/project {serial}"))["message_id"])
    text, labels = shown(sb, OFFICE, first)
    assert serial in text and "🤝 进入洽谈" in labels and "📝 洽谈记录" in labels
    second = int((await office.say(f"/project {serial}"))["message_id"])
    assert second > first and bottom(sb, OFFICE) == second
    assert shown(sb, OFFICE, first) == (text, []), "the older copy keeps its text, not its buttons"
    assert shown(sb, OFFICE, second)[1] == labels

    # 🤝 进入洽谈: the card pressed is edited in place, and the project is at ③.
    await press_at(sb, office, second, "🤝 进入洽谈")
    assert stage_of(uow_factory, serial) == "negotiation"
    assert bottom(sb, OFFICE) == second
    moved, moved_labels = shown(sb, OFFICE, second)
    assert moved != text and "📝 洽谈记录" in moved_labels and "🤝 进入洽谈" not in moved_labels

    # After the action, /project again: a new message at the bottom once more.
    third = int((await office.say(f"/project {serial}"))["message_id"])
    assert third > second and bottom(sb, OFFICE) == third
    assert shown(sb, OFFICE, second) == (moved, [])

    # The city returns a project; the office sends it again: one live city card.
    city_serial = approved_and_sent(settings, uow_factory)
    with uow_factory() as uow:  # its district review passed (test_review_and_decision.py's)
        sent = uow.projects.by_serial(city_serial)
        assert sent is not None and sent.id is not None
        rnd = uow.reviews.open_round(sent.id, bot_today(), None)
        rnd.outcome, rnd.closed_at = "passed", rnd.opened_at
        uow.session.add(rnd)
        uow.commit()
    await settle(sb, bot)
    old_card = int(newest(sb, DEPUTY, city_serial, button="↩️ 退回")["message_id"])
    await press_at(sb, deputy, old_card, "↩️ 退回")
    await deputy.say("请补充项目投资协议书（草案）中的退出机制条款。")
    await deputy.press("✅ 提交")
    assert stage_of(uow_factory, city_serial) == "decision"
    card = int((await office.say(f"/project {city_serial}"))["message_id"])
    await press_at(sb, office, card, "🏛 重新报市")
    await settle(sb, bot)
    assert stage_of(uow_factory, city_serial) == "city"
    old_text, old_labels = shown(sb, DEPUTY, old_card)
    assert old_labels == [] and "此卡片已由下方的新卡片取代" in old_text
    new_card = int(newest(sb, DEPUTY, city_serial, button="↩️ 退回")["message_id"])
    assert new_card > old_card
