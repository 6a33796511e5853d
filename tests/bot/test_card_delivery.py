"""Where a card lands: a typed command is always answered with a new message at the bottom of
the chat, and the older copy of the card loses its buttons; a pressed card is edited in place;
the outbox edits a live card where it was last shown; a card a newer one replaced is edited to
its last state, never sent anew."""

from __future__ import annotations

from typing import Any, cast

from bot.outbox.delivery import deliver
from bot.outbox.ratelimit import SystemClock
from bot.respond import Responder
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply
from handlers.dispatch import Dispatcher
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from tests.bot.test_sender import FakeMessenger

CHAT = "4242"
BUTTONS = ((Button("🤝 进入洽谈", "pr:talk:7"), Button("📝 洽谈记录", "pr:neg:7")),)


def card(text: str = "QX-2026-0001 ② 信息确认") -> Reply:
    return Reply(text, BUTTONS, card="pr:7")


def messenger(factory: UnitOfWorkFactory) -> FakeMessenger:
    return FakeMessenger(SystemClock(factory.clock))


def shown_at(factory: UnitOfWorkFactory) -> str | None:
    with factory() as uow:
        return uow.outbox.card_message(CHAT, "pr:7")


async def test_a_command_shows_the_card_anew_at_the_bottom_even_when_it_has_not_changed(
    sqlite_uow_factory: UnitOfWorkFactory,
) -> None:
    client = messenger(sqlite_uow_factory)
    first = await deliver(client, sqlite_uow_factory, CHAT, card(), anew=True)
    again = await deliver(client, sqlite_uow_factory, CHAT, card(), anew=True)

    assert first != again
    assert [(c.kind, c.message_id) for c in client.calls] == [
        ("send_text", None),
        ("send_text", None),
        ("edit_buttons", first),  # the older copy keeps its text and loses its buttons
    ]
    assert client.calls[1].buttons == BUTTONS
    assert client.calls[2].buttons == ()
    assert shown_at(sqlite_uow_factory) == again


async def test_a_pressed_card_is_edited_in_place(sqlite_uow_factory: UnitOfWorkFactory) -> None:
    client = messenger(sqlite_uow_factory)
    shown = await deliver(client, sqlite_uow_factory, CHAT, card(), anew=True)
    assert shown is not None
    moved = card("QX-2026-0001 ③ 项目洽谈").as_edit()
    at = await deliver(client, sqlite_uow_factory, CHAT, moved, edit_message_id=shown, anew=True)

    assert at == shown
    assert [(c.kind, c.message_id) for c in client.calls[1:]] == [("edit_text", shown)]


async def test_a_press_that_opens_a_card_shown_elsewhere_shows_it_at_the_bottom(
    sqlite_uow_factory: UnitOfWorkFactory,
) -> None:
    client = messenger(sqlite_uow_factory)
    shown = await deliver(client, sqlite_uow_factory, CHAT, card(), anew=True)
    listing = await deliver(client, sqlite_uow_factory, CHAT, Reply("/pipeline", BUTTONS))
    at = await deliver(
        client, sqlite_uow_factory, CHAT, card(), edit_message_id=listing, anew=True
    )

    assert at not in (shown, listing)
    assert [(c.kind, c.message_id) for c in client.calls[2:]] == [
        ("send_text", None),
        ("edit_buttons", shown),
    ]


async def test_the_outbox_edits_a_live_card_where_it_was_last_shown(
    sqlite_uow_factory: UnitOfWorkFactory,
) -> None:
    client = messenger(sqlite_uow_factory)
    shown = await deliver(client, sqlite_uow_factory, CHAT, card())
    await deliver(client, sqlite_uow_factory, CHAT, card("QX-2026-0001 ③ 项目洽谈"))

    assert [(c.kind, c.message_id) for c in client.calls] == [
        ("send_text", None),
        ("edit_text", shown),
    ]


async def test_a_superseded_card_is_edited_where_it_was_shown_and_never_sent_anew(
    sqlite_uow_factory: UnitOfWorkFactory,
) -> None:
    client = messenger(sqlite_uow_factory)
    last = Reply("QX-2026-0001\n⬇️ 此卡片已由下方的新卡片取代", card="pr:7", final=True)
    assert await deliver(client, sqlite_uow_factory, CHAT, last) is None  # never shown here
    shown = await deliver(client, sqlite_uow_factory, CHAT, card())
    assert await deliver(client, sqlite_uow_factory, CHAT, last) == shown

    assert [(c.kind, c.message_id, c.buttons) for c in client.calls] == [
        ("send_text", None, BUTTONS),
        ("edit_text", shown, ()),
    ]
    assert Reply.from_dict(last.to_dict()) == last  # it travels through the outbox as it is


class Answers:
    """A dispatcher that answers every event with the same card."""

    def handle(self, event: Inbound) -> Outcome:
        return Outcome([card()])


async def test_the_responder_answers_a_typed_command_at_the_bottom_and_a_press_in_place(
    sqlite_uow_factory: UnitOfWorkFactory,
) -> None:
    client = messenger(sqlite_uow_factory)
    responder = Responder(
        cast(Any, client), cast(Dispatcher, Answers()), sqlite_uow_factory, Renderer()
    )
    typed = Inbound(user_id=CHAT, chat_id=CHAT, command="project", text="/project QX-2026-0001")
    await responder.handle(typed)
    await responder.handle(typed)

    assert [(c.kind, c.message_id) for c in client.calls] == [
        ("send_text", None),
        ("send_text", None),  # each typed command gets a new message
        ("edit_buttons", "1"),
    ]
    bottom = shown_at(sqlite_uow_factory)
    assert bottom == "2"

    press = Inbound(user_id=CHAT, chat_id=CHAT, callback_data="pr:card:7", message_id=bottom)
    await responder.handle(press, press_id="q1")
    assert client.calls[-1].kind == "edit_text" and client.calls[-1].message_id == bottom
