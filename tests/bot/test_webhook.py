"""The webhook answers Telegram's POST only once the update was handled: 200 when it was, 503
when the database was away (so Telegram sends it again), 403 for a wrong or missing secret."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.telegram.polling import RawUpdate
from bot.telegram.webhook import SECRET_HEADER, WebhookServer
from storage.errors import StorageUnavailable

SECRET = "s3cret-token"
UPDATE: dict[str, Any] = {"update_id": 7, "message": {"chat": {"id": 1}, "text": "hi"}}


class Bot:
    def __init__(self) -> None:
        self.handled: list[RawUpdate] = []
        self.database_up = True

    async def take(self, update: RawUpdate) -> None:
        if not self.database_up:
            raise StorageUnavailable("connection refused")
        self.handled.append(update)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def bot() -> Bot:
    return Bot()


@pytest.fixture
async def url(bot: Bot) -> AsyncIterator[str]:
    port = free_port()
    server = WebhookServer(bot.take, SECRET, "telegram")
    await server.start("127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}/telegram"
    finally:
        await server.stop()


async def post(url: str, body: Any, secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as response,
    ):
        return response.status


async def test_a_handled_update_is_answered_200_once_handled(url: str, bot: Bot):
    assert await post(url, UPDATE) == 200
    assert bot.handled == [UPDATE]  # handled before the answer came back


async def test_an_update_that_found_the_database_away_gets_503_and_is_taken_when_sent_again(
    url: str, bot: Bot
):
    bot.database_up = False
    assert await post(url, UPDATE) == 503
    assert bot.handled == []
    bot.database_up = True
    assert await post(url, UPDATE) == 200
    assert bot.handled == [UPDATE]


@pytest.mark.parametrize("secret", [None, "", "wrong-token"])
async def test_a_wrong_or_missing_secret_is_refused_and_changes_nothing(
    url: str, bot: Bot, secret: str | None
):
    assert await post(url, UPDATE, secret) == 403
    assert bot.handled == []


async def test_a_body_that_is_no_update_is_refused(url: str, bot: Bot):
    assert await post(url, ["not", "an", "update"]) == 400
    assert await post(url, {"message": {}}) == 400
    assert bot.handled == []
