"""The sandbox driven by aiogram (form-data requests, attach:// uploads, Dispatcher polling)."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.filters import CommandStart
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from sandbox import SandboxServer
from tests.sandbox.conftest import ALICE, BOB


async def test_get_me_and_send_with_keyboard(sandbox: SandboxServer, aiogram_bot: Bot) -> None:
    me = await aiogram_bot.get_me()
    assert me.username == "zhaoshang_sandbox_bot"
    keyboard = InlineKeyboardBuilder()
    keyboard.button(text="同意", callback_data="yes")
    keyboard.button(text="官网", url="https://example.com")
    sent = await aiogram_bot.send_message(
        ALICE, "<b>请确认</b>", parse_mode="HTML", reply_markup=keyboard.as_markup()
    )
    assert sent.text == "请确认"
    assert sent.entities is not None and sent.entities[0].type == "bold"
    entry = sandbox.transcript(ALICE)[0]
    assert entry.buttons == [[("同意", "yes"), ("官网", "https://example.com")]]
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        bad = InlineKeyboardBuilder()
        bad.button(text="x", callback_data="x" * 65)
        await aiogram_bot.send_message(ALICE, "hi", reply_markup=bad.as_markup())
    with pytest.raises(TelegramBadRequest, match="Unsupported start tag"):
        await aiogram_bot.send_message(ALICE, "a <tag> b", parse_mode="HTML")


async def test_upload_with_attach_and_download(sandbox: SandboxServer, aiogram_bot: Bot) -> None:
    content = b"PK\x03\x04 fake docx"
    sent = await aiogram_bot.send_document(
        BOB, BufferedInputFile(content, filename="报告.docx"), caption="报告"
    )
    assert sent.document is not None
    assert sent.document.file_name == "报告.docx"
    file = await aiogram_bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    downloaded = await aiogram_bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == content


async def test_errors_surface_as_aiogram_exceptions(
    sandbox: SandboxServer, aiogram_bot: Bot
) -> None:
    sandbox.inject_fault("429", method="sendmessage", retry_after=3)
    with pytest.raises(TelegramRetryAfter) as caught:
        await aiogram_bot.send_message(ALICE, "hi")
    assert caught.value.retry_after == 3
    assert sandbox.transcript(ALICE) == []
    sandbox.block(ALICE)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await aiogram_bot.send_message(ALICE, "hi")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await aiogram_bot.send_message(5555, "hi")
    sandbox.inject_fault("disconnect", method="getMe")
    with pytest.raises(TelegramNetworkError):
        await aiogram_bot.get_me()


async def test_dispatcher_polling_end_to_end(sandbox: SandboxServer, aiogram_bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        keyboard = InlineKeyboardBuilder()
        keyboard.button(text="同意", callback_data="agree")
        keyboard.button(text="不同意", callback_data="reject")
        await message.answer("欢迎！是否同意？", reply_markup=keyboard.as_markup())

    @dp.callback_query(F.data == "agree")
    async def agree(query: CallbackQuery) -> None:
        await query.answer("已同意")
        assert isinstance(query.message, Message)
        await query.message.edit_text("您已同意")

    polling = asyncio.create_task(
        dp.start_polling(aiogram_bot, handle_signals=False, polling_timeout=1)
    )
    try:
        sandbox.send_text(ALICE, "/start")
        question = await sandbox.wait_for_bot_message(ALICE, lambda m: "欢迎" in m["text"])
        sandbox.press(ALICE, ALICE, question["message_id"], callback_data="agree")
        edited = await sandbox.wait_for_bot_message(
            ALICE, lambda m: m["text"] == "您已同意", after_message_id=question["message_id"]
        )
        assert "edit_date" in edited
        await sandbox.wait_idle(idle_ms=100)
        assert sandbox.unanswered_callback_queries() == []
    finally:
        await dp.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
