"""A chart reaches the chat as a photo (sendPhoto), shown without an office app, with its HTML
caption and buttons: on python-telegram-bot and on aiogram, against the sandbox's Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
import telegram
from aiogram import Bot as AiogramBot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.telegram.aiogram.client import AiogramClient
from bot.telegram.client import TelegramClient
from bot.telegram.ptb.client import PtbClient
from conversations.replies import Button, Document
from documents import charts
from sandbox import SandboxServer
from templates.renderer import Renderer
from workflow.pipeline import ACTIVE_STAGES

TOKEN = "123456:TEST-token_abc"
LEADER = 1001


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with SandboxServer() as server:
        server.add_user(LEADER, "张", "组长")
        yield server


@pytest.fixture(params=["ptb", "aiogram"])
async def client(
    request: pytest.FixtureRequest, sandbox: SandboxServer
) -> AsyncIterator[TelegramClient]:
    if request.param == "ptb":
        bot = telegram.Bot(
            TOKEN, base_url=f"{sandbox.url}/bot", base_file_url=f"{sandbox.url}/file/bot"
        )
        async with bot:
            yield PtbClient(bot)
    else:
        session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox.url))
        try:
            yield AiogramClient(AiogramBot(TOKEN, session=session))
        finally:
            await session.close()


def a_funnel() -> bytes:
    stages = [s.value for s in ACTIVE_STAGES]
    data = charts.funnel(stages, [("lead", "green"), ("lead", "red"), ("review", "amber")])
    texts = charts.funnel_texts(Renderer(), "zh-Hans", date(2026, 11, 23), stages)
    content = charts.funnel_png(data, texts)
    assert content is not None
    return content


async def test_a_chart_is_sent_as_a_photo_with_caption_and_buttons(
    sandbox: SandboxServer, client: TelegramClient
) -> None:
    content = a_funnel()
    photo = Document("funnel.png", content, mime_type="image/png", caption="<b>周报</b> 在库 3")
    buttons = ((Button("📋 项目库", data="pl:0"),),)
    message_id = await client.send_photo(str(LEADER), photo, buttons)
    (entry,) = sandbox.transcript(LEADER)
    assert entry.photo and str(entry.message_id) == message_id
    assert entry.text == "周报 在库 3"  # the caption, its HTML as formatting
    assert entry.buttons == [[("📋 项目库", "pl:0")]]
