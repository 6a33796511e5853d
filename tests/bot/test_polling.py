"""Long polling confirms an update only once it was handled: one that found the database away
is tried again until it is back, in its chat's order, and one left when the bot stops is sent
again to the next process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import pytest

from bot.telegram.polling import Poller, RawUpdate, chat_of
from storage.errors import StorageUnavailable


class Telegram:
    """getUpdates as Telegram answers it: updates below the offset are confirmed (forgotten),
    those from it on come back until confirmed, and a poll with none waits for one."""

    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []
        self.offsets: list[int] = []
        self._next = 1
        self._changed = asyncio.Event()

    def send(self, chat_id: int, text: str) -> int:
        update_id = self._next
        self._next += 1
        chat = {"id": chat_id, "type": "private"}
        self.pending.append({"update_id": update_id, "message": {"chat": chat, "text": text}})
        self._changed.set()
        return update_id

    async def get_updates(self, offset: int, timeout: float) -> Sequence[RawUpdate]:
        self.offsets.append(offset)
        self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if not self.pending and timeout > 0:
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), 0.05)
        return list(self.pending[:100])

    @property
    def confirmed(self) -> int:
        """The highest offset the bot has passed: every update below it is confirmed."""
        return max(self.offsets, default=0)


class Bot:
    """The runtime's update path: records what it handled; the database can go away, and an
    update can be held until the test lets it go."""

    def __init__(self) -> None:
        self.handled: list[str] = []
        self.tries: list[str] = []
        self.database_up = True
        self.held: dict[str, asyncio.Event] = {}

    async def take(self, update: RawUpdate) -> None:
        text = update["message"]["text"]
        self.tries.append(text)
        if text in self.held:
            await self.held[text].wait()
        if not self.database_up:
            raise StorageUnavailable("connection refused")
        if text == "boom":
            raise ValueError("a fault in a handler")
        self.handled.append(text)


@pytest.fixture
def telegram() -> Telegram:
    return Telegram()


@pytest.fixture
def bot() -> Bot:
    return Bot()


async def until(predicate, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


class Running:
    def __init__(self, telegram: Telegram, bot: Bot) -> None:
        self.poller = Poller(telegram.get_updates, bot.take, timeout=1)
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Poller:
        self.task = asyncio.create_task(self.poller.run(self.stop))
        return self.poller

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        assert self.task is not None
        await self.task


async def test_an_update_is_confirmed_only_once_it_was_handled(telegram: Telegram, bot: Bot):
    bot.held["slow"] = asyncio.Event()
    async with Running(telegram, bot):
        first = telegram.send(1, "slow")
        await until(lambda: bot.tries == ["slow"])
        await asyncio.sleep(0.3)  # several polls while it is in flight
        assert telegram.confirmed == first
        bot.held["slow"].set()
        await until(lambda: telegram.confirmed == first + 1)
    assert bot.handled == ["slow"]


async def test_other_chats_go_on_while_one_chats_updates_wait_in_order(
    telegram: Telegram, bot: Bot
):
    bot.held["a1"] = asyncio.Event()
    async with Running(telegram, bot):
        first = telegram.send(1, "a1")
        telegram.send(2, "b1")
        telegram.send(1, "a2")
        telegram.send(2, "b2")
        await until(lambda: bot.handled == ["b1", "b2"])
        assert "a2" not in bot.tries  # behind a1, in its chat
        assert telegram.confirmed == first  # a1 is the lowest not handled
        bot.held["a1"].set()
        await until(lambda: len(bot.handled) == 4)
    assert bot.handled == ["b1", "b2", "a1", "a2"]
    assert telegram.confirmed == first + 4


async def test_an_update_that_found_the_database_away_is_handled_once_it_is_back(
    telegram: Telegram, bot: Bot
):
    bot.database_up = False
    async with Running(telegram, bot) as poller:
        first = telegram.send(1, "a1")
        telegram.send(1, "a2")
        telegram.send(2, "b1")
        await until(lambda: bot.tries.count("a1") >= 3 and bot.tries.count("b1") >= 3)
        assert "a2" not in bot.tries  # a chat's updates keep their order through the retries
        assert bot.handled == [] and telegram.confirmed == first
        bot.database_up = True
        await until(lambda: len(bot.handled) == 3)
        assert poller.retries >= 6
    assert bot.handled.index("a1") < bot.handled.index("a2")
    assert sorted(bot.handled) == ["a1", "a2", "b1"]  # each once
    assert telegram.confirmed == first + 3


async def test_an_update_left_waiting_when_the_bot_stops_is_not_confirmed(
    telegram: Telegram, bot: Bot
):
    async with Running(telegram, bot) as poller:
        telegram.send(1, "a1")
        await until(lambda: bot.handled == ["a1"])
        bot.database_up = False
        waiting = telegram.send(1, "a2")
        await until(lambda: "a2" in bot.tries)
    assert poller.offset == waiting
    assert telegram.confirmed == waiting
    assert [u["update_id"] for u in telegram.pending] == [waiting]  # the next process gets it


async def test_an_update_whose_handling_failed_otherwise_is_not_tried_again(
    telegram: Telegram, bot: Bot
):
    async with Running(telegram, bot):
        telegram.send(1, "boom")
        telegram.send(1, "next")
        await until(lambda: bot.handled == ["next"])
        await until(lambda: telegram.confirmed == 3)
    assert bot.tries == ["boom", "next"]


async def test_a_failing_get_updates_is_asked_again(bot: Bot):
    calls: list[int] = []

    async def flaky(offset: int, timeout: float) -> Sequence[RawUpdate]:
        calls.append(offset)
        if len(calls) == 1:
            raise OSError("connection reset")
        await asyncio.sleep(0.01)
        return []

    stop = asyncio.Event()
    task = asyncio.create_task(Poller(flaky, bot.take, timeout=0).run(stop))
    await until(lambda: len(calls) >= 2)
    stop.set()
    await task


def test_an_updates_chat_is_found_in_each_kind_of_update():
    chat = {"id": 5, "type": "private"}
    assert chat_of({"update_id": 1, "message": {"chat": chat}}) == "5"
    assert chat_of({"update_id": 1, "edited_message": {"chat": chat}}) == "5"
    assert chat_of({"update_id": 1, "my_chat_member": {"chat": chat}}) == "5"
    assert (
        chat_of({"update_id": 1, "callback_query": {"id": "q", "message": {"chat": chat}}}) == "5"
    )
    assert chat_of({"update_id": 1, "callback_query": {"id": "q"}}) is None  # inline mode
    assert chat_of({"update_id": 1, "inline_query": {"id": "q"}}) is None
