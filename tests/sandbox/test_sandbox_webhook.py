"""Webhook delivery as Telegram does it: many chats at once, each chat in order, retries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import telegram
from aiohttp import web

from sandbox import SandboxServer
from sandbox.state import WebhookConfig
from tests.sandbox.conftest import ALICE, BOB

Receive = Callable[[dict[str, Any]], Awaitable[int]]


class Hook:
    """A webhook on 127.0.0.1 that hands each update to `receive` and answers its status."""

    def __init__(self, receive: Receive) -> None:
        self.receive = receive
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def _post(self, request: web.Request) -> web.Response:
        return web.Response(status=await self.receive(await request.json()))

    async def __aenter__(self) -> Hook:
        app = web.Application()
        app.router.add_post("/hook", self._post)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.runner is not None
        await self.runner.cleanup()


def text(update: dict[str, Any]) -> str:
    return str(update["message"]["text"])


async def until(predicate: Callable[[], bool]) -> None:
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("condition not met in time")


@pytest.fixture
async def chats(sandbox: SandboxServer) -> AsyncIterator[list[int]]:
    """Twenty more people besides Alice and Bob."""
    people = [2000 + i for i in range(20)]
    for person in people:
        sandbox.add_user(person, f"P{person}")
    yield people


async def test_a_slow_chat_does_not_hold_back_the_others(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    release = asyncio.Event()
    received: list[str] = []

    async def receive(update: dict[str, Any]) -> int:
        received.append(text(update))
        if text(update) == "alice 1":
            await release.wait()
        return 200

    async with Hook(receive) as hook:
        assert await ptb_bot.set_webhook(hook.url)
        sandbox.send_text(ALICE, "alice 1")
        sandbox.send_text(ALICE, "alice 2")
        sandbox.send_text(BOB, "bob 1")
        sandbox.send_text(BOB, "bob 2")
        await until(lambda: len(received) == 3)
        await asyncio.sleep(0.1)
        assert received == ["alice 1", "bob 1", "bob 2"]  # Alice's second waits for her first
        release.set()
        await until(lambda: len(received) == 4)
        assert received[-1] == "alice 2"
        await sandbox.wait_idle(idle_ms=0)
        assert (await ptb_bot.get_webhook_info()).pending_update_count == 0


async def test_many_chats_are_in_flight_at_once_but_never_two_of_one_chat(
    sandbox: SandboxServer, ptb_bot: telegram.Bot, chats: list[int]
) -> None:
    in_flight: set[int] = set()
    most = 0
    overlapped: list[int] = []
    seen: dict[int, list[str]] = {c: [] for c in chats}

    async def receive(update: dict[str, Any]) -> int:
        nonlocal most
        chat = update["message"]["chat"]["id"]
        if chat in in_flight:
            overlapped.append(chat)
        in_flight.add(chat)
        most = max(most, len(in_flight))
        await asyncio.sleep(0.02)
        seen[chat].append(text(update))
        in_flight.discard(chat)
        return 200

    async with Hook(receive) as hook:
        assert await ptb_bot.set_webhook(hook.url, max_connections=8)
        for n in range(5):
            for chat in chats:
                sandbox.send_text(chat, f"{chat}-{n}")
        await until(lambda: sum(len(t) for t in seen.values()) == 100)
    assert overlapped == []
    assert all(seen[c] == [f"{c}-{n}" for n in range(5)] for c in chats)
    assert 1 < most <= 8  # concurrent, within the bot's max_connections


async def test_a_refused_update_is_posted_again_while_other_chats_go_on(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    refusals = {"alice 1": 3}
    received: list[str] = []

    async def receive(update: dict[str, Any]) -> int:
        if refusals.get(text(update), 0):
            refusals[text(update)] -= 1
            return 503
        received.append(text(update))
        return 200

    async with Hook(receive) as hook:
        assert await ptb_bot.set_webhook(hook.url)
        sandbox.send_text(ALICE, "alice 1")
        sandbox.send_text(ALICE, "alice 2")
        sandbox.send_text(BOB, "bob 1")
        await until(lambda: len(received) == 3)
        assert received.index("bob 1") < received.index("alice 1")  # Bob was not held back
        assert [t for t in received if t.startswith("alice")] == ["alice 1", "alice 2"]
        info = await ptb_bot.get_webhook_info()
        assert (
            info.last_error_message == "Wrong response from the webhook: 503 Service Unavailable"
        )


async def test_an_update_the_webhook_never_answers_in_time_is_posted_again(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    attempts: list[str] = []

    async def receive(update: dict[str, Any]) -> int:
        attempts.append(text(update))
        if len(attempts) == 1:
            await asyncio.sleep(5)  # longer than the sender waits
        return 200

    async with Hook(receive) as hook:
        await sandbox.install_webhook(WebhookConfig(hook.url, timeout=0.2))
        sandbox.send_text(ALICE, "alice 1")
        await until(lambda: len(attempts) == 2)
        assert attempts == ["alice 1", "alice 1"]
        info = await ptb_bot.get_webhook_info()
        assert info.last_error_message == "Connection failed: TimeoutError"


async def test_setting_the_same_webhook_again_does_not_post_an_update_twice(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    release = asyncio.Event()
    received: list[str] = []

    async def receive(update: dict[str, Any]) -> int:
        received.append(text(update))
        await release.wait()
        return 200

    async with Hook(receive) as hook:
        assert await ptb_bot.set_webhook(hook.url)
        sandbox.send_text(ALICE, "alice 1")
        await until(lambda: received == ["alice 1"])
        assert await ptb_bot.set_webhook(hook.url)  # a second process of the bot starts
        release.set()
        await sandbox.wait_idle(idle_ms=100)
        assert received == ["alice 1"]
