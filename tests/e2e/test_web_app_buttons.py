"""Over Telegram's HTTP API, on both runtimes: when the Mini App is served, the chat offers
it. Each person gets a menu button that opens their 工作台; the office's /pipeline
carries 🗂 工作台, a web_app button to the board. Without `ZHAOSHANG_WEB_URL` neither appears
(every other e2e test runs that way)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap import build_uow_factory, initialise
from bot.demo import ChatUser
from bot.runtimes import Runtime, make_runtime
from bot.settings import Settings
from sandbox import SandboxServer
from tests.e2e.conftest import RUNTIMES, settings_for
from tests.e2e.officials import joined
from workflow.roles import Role

WEB_URL = "https://zhaoshang.example.org/web/"
OFFICE = 800
INVESTOR = 10001


@pytest.fixture(params=RUNTIMES)
async def served(
    request: pytest.FixtureRequest, sandbox: SandboxServer, tmp_path: Path
) -> AsyncIterator[tuple[Runtime, Settings]]:
    settings = settings_for(sandbox, tmp_path, request.param).model_copy(
        update={"web_url": WEB_URL}
    )
    initialise(settings)
    factory = build_uow_factory(settings)
    runtime = make_runtime(settings, factory)
    await runtime.start()
    try:
        yield runtime, settings
    finally:
        await runtime.stop()
        factory.engine.dispose()


async def test_the_chat_offers_the_mini_app_by_the_menu_button_and_on_the_pipeline(
    sandbox: SandboxServer, served: tuple[Runtime, Settings]
) -> None:
    sb = sandbox
    _, settings = served
    factory = build_uow_factory(settings)
    try:
        office, _ = joined(sb, factory, OFFICE, Role.OFFICE, "office", name="办公室陈")
    finally:
        factory.engine.dispose()
    await office.say("/start")
    chat = sb.state.chats[OFFICE]
    assert chat.menu_button == {
        "type": "web_app",
        "text": "工作台",
        "web_app": {"url": WEB_URL},
    }
    overview = await office.say("/pipeline")
    buttons = [b for row in overview["reply_markup"]["inline_keyboard"] for b in row]
    board = [b for b in buttons if "web_app" in b]
    assert board == [{"text": "🗂 工作台", "web_app": {"url": WEB_URL + "?open=board"}}]

    sb.add_user(INVESTOR, "李明")
    await ChatUser(sb, INVESTOR, "李明").say("/start")  # an investor's 工作台: the plan
    assert sb.state.chats[INVESTOR].menu_button == chat.menu_button
