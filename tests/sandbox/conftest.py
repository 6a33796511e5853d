"""Fixtures for the sandbox tests: a fresh sandbox per test and real bot clients against it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram
from aiogram import Bot as AiogramBot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox import SandboxServer

TOKEN = "123456:TEST-token_abc"
ALICE = 1001
BOB = 1002


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta time periods (RetryAfter.retry_after) to avoid its warning."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    """Return a running sandbox with two users, Alice and Bob."""
    async with SandboxServer() as server:
        server.add_user(ALICE, "Alice", "Li", "alice")
        server.add_user(BOB, "Bob", language_code="en")
        yield server


@pytest.fixture
async def ptb_bot(sandbox: SandboxServer) -> AsyncIterator[telegram.Bot]:
    """Return a python-telegram-bot Bot talking to the sandbox."""
    bot = telegram.Bot(
        TOKEN, base_url=f"{sandbox.url}/bot", base_file_url=f"{sandbox.url}/file/bot"
    )
    async with bot:
        yield bot


@pytest.fixture
async def aiogram_bot(sandbox: SandboxServer) -> AsyncIterator[AiogramBot]:
    """Return an aiogram Bot talking to the sandbox."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox.url))
    bot = AiogramBot(TOKEN, session=session)
    try:
        yield bot
    finally:
        await session.close()
