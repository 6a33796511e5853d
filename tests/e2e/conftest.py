"""End-to-end: the real bot (python-telegram-bot over HTTP) against the sandbox on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import build_uow_factory, initialise
from bot.both import BothRuntime
from bot.runtimes import Runtime, make_runtime
from bot.settings import Settings
from sandbox import SandboxServer
from sandbox.wecom import AppConfig, WeComSandbox
from storage.uow import UnitOfWorkFactory
from tests.conftest import _fresh_postgres
from tests.e2e.wecom_support import AES_KEY, running_both

TOKEN = "123456:E2E-zhaoshang"
OFFICE_ID = 900


RUNTIMES = ["ptb", "aiogram"]


def bot_today() -> date:
    """Today as the bot sees it: these bots run on the real clock, in Asia/Shanghai."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def this_years_serial(n: int) -> str:
    """The n-th serial number the bot issues this year."""
    return f"QX-{bot_today().year}-{n:04d}"


def settings_for(
    sb: SandboxServer, tmp_path: Path, runtime: str = "ptb", *, pdf_copies: bool = False
) -> Settings:
    """The bot's settings against the sandbox. PDF copies are off but in the tests that ask for
    them (tests/e2e/test_pdf_copies.py): LibreOffice takes 2–3 s a document."""
    return Settings(
        bot_token=TOKEN,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        api_base_url=sb.url,
        admins=[str(OFFICE_ID)],
        runtime=runtime,  # type: ignore[arg-type]
        pdf_copies=pdf_copies,
        _env_file=None,
    )


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database (ZHAOSHANG_TEST_DATABASE_URL's server), dropped after."""
    yield from _fresh_postgres()


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with SandboxServer(TOKEN) as sb:
        yield sb


@pytest.fixture
async def wx() -> AsyncIterator[WeComSandbox]:
    """The WeCom sandbox (its EncodingAESKey 43 letters and digits, as WeCom's are; the
    sandbox's default one has "+")."""
    async with WeComSandbox(AppConfig(encoding_aes_key=AES_KEY)) as sb:
        yield sb


@pytest.fixture
async def both(
    sandbox: SandboxServer, wx: WeComSandbox, settings: Settings
) -> AsyncIterator[tuple[BothRuntime, UnitOfWorkFactory]]:
    """The bot on both messengers, Telegram's library once for each runtime, with its units
    of work."""
    async with running_both(settings, wx) as running:
        yield running


@pytest.fixture(params=RUNTIMES)
def settings(request: pytest.FixtureRequest, sandbox: SandboxServer, tmp_path: Path) -> Settings:
    """The bot's settings, once for each runtime: every e2e test runs on both."""
    s = settings_for(sandbox, tmp_path, request.param)
    initialise(s)
    return s


@pytest.fixture
def uow_factory(settings: Settings) -> Iterator[UnitOfWorkFactory]:
    factory = build_uow_factory(settings)
    yield factory
    factory.engine.dispose()


@pytest.fixture
async def bot(settings: Settings, uow_factory: UnitOfWorkFactory) -> AsyncIterator[Runtime]:
    runtime = make_runtime(settings, uow_factory)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


def subprocess_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHAOSHANG_")}
    assert settings.bot_token is not None
    env.update(
        ZHAOSHANG_BOT_TOKEN=settings.bot_token.get_secret_value(),
        ZHAOSHANG_DATABASE_URL=settings.database_url,
        ZHAOSHANG_API_BASE_URL=settings.api_base_url,
        ZHAOSHANG_ADMINS=",".join(settings.admins),
        PTB_TIMEDELTA="true",
        ZHAOSHANG_RUNTIME=settings.runtime,
        ZHAOSHANG_POLICY_FILE=str(settings.policy_file),
    )
    return env
