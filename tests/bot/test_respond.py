"""The reply path: when the database is away nothing is said and nothing kept, and the runtime
learns it, so the update comes again; an event the handlers could not handle still gets an
answer; "typing…" shows long work, not a wait behind other chats."""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast

import pytest

import bot.respond
from bot.outbox.ratelimit import SystemClock
from bot.respond import Responder
from conversations.inbound import Inbound
from conversations.replies import Outcome
from handlers.dispatch import Dispatcher
from storage.errors import StorageUnavailable
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from tests.bot.test_sender import FakeMessenger


class Failing:
    """A dispatcher that fails the way it is told."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def handle(self, event: Inbound) -> Outcome:
        raise self.error


def responder(sqlite_uow_factory: UnitOfWorkFactory, error: Exception) -> Responder:
    client = FakeMessenger(SystemClock(sqlite_uow_factory.clock))
    return Responder(
        cast(Any, client), cast(Dispatcher, Failing(error)), sqlite_uow_factory, Renderer()
    )


PRESS = Inbound(user_id="101", chat_id="101", callback_data="rv:ok:1", update_id="7")


async def test_an_update_met_by_an_unavailable_database_is_not_answered_and_comes_again(
    sqlite_uow_factory: UnitOfWorkFactory,
):
    r = responder(sqlite_uow_factory, StorageUnavailable("connection refused"))
    with pytest.raises(StorageUnavailable):
        await r.handle(PRESS, press_id="p1")
    assert cast(FakeMessenger, r.client).calls == []


async def test_an_update_the_handlers_failed_on_is_answered_with_an_apology(
    sqlite_uow_factory: UnitOfWorkFactory,
):
    r = responder(sqlite_uow_factory, RuntimeError("a bug"))
    await r.handle(PRESS, press_id="p1")
    calls = cast(FakeMessenger, r.client).calls
    assert [c.kind for c in calls] == ["send_text"]
    assert "请稍后再试" in calls[0].text


class Slow:
    """A dispatcher whose work for one chat takes a while (it holds the database's thread)."""

    def __init__(self, slow_chat: str, seconds: float) -> None:
        self.slow_chat, self.seconds = slow_chat, seconds

    def handle(self, event: Inbound) -> Outcome:
        if event.chat_id == self.slow_chat:
            time.sleep(self.seconds)
        return Outcome()


class TypingMessenger(FakeMessenger):
    """The fake messenger, also noting where "typing…" was shown."""

    typed: list[str]

    async def typing(self, chat_id: str) -> None:
        self.typed.append(chat_id)


async def test_typing_is_shown_for_long_work_not_for_waiting_behind_another_chats(
    sqlite_uow_factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(bot.respond, "TYPING_AFTER", 0.2)
    client = TypingMessenger(SystemClock(sqlite_uow_factory.clock))
    client.typed = []
    r = Responder(
        cast(Any, client), cast(Dispatcher, Slow("101", 0.8)), sqlite_uow_factory, Renderer()
    )
    long = Inbound(user_id="101", chat_id="101", text="附件", update_id="1")
    quick = Inbound(user_id="102", chat_id="102", text="好", update_id="2")
    await asyncio.gather(r.handle(long), r.handle(quick))  # the quick one waits its turn
    assert client.typed == ["101"]
