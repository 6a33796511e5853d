# mypy: disable-error-code="union-attr"
"""Whole flows: a PTB Application polling the sandbox, webhooks, transcripts and waiting."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import telegram
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from sandbox import SandboxServer, make_png
from tests.sandbox.conftest import ALICE, BOB, TOKEN


async def test_ptb_application_polling_end_to_end(sandbox: SandboxServer) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("同意", callback_data="ok"),
              InlineKeyboardButton("不同意", callback_data="no")]]
        )  # fmt: skip
        await update.effective_message.reply_text(
            f"你好，<b>{context.args[0] if context.args else '访客'}</b>",
            parse_mode="HTML", reply_markup=keyboard,
        )  # fmt: skip

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("收到")
        await query.edit_message_text(f"您选择了 {query.data}")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{sandbox.url}/bot")
        .base_file_url(f"{sandbox.url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            sent = sandbox.send_text(ALICE, "/start 清远")
            greeting = await sandbox.wait_for_bot_message(
                ALICE, after_message_id=sent["message_id"]
            )
            assert greeting["text"] == "你好，清远"
            sandbox.press(ALICE, ALICE, greeting["message_id"], button_text="不同意")
            await sandbox.wait_for_bot_message(ALICE, lambda m: "no" in m["text"])
            await sandbox.wait_idle(idle_ms=100)
        finally:
            await app.updater.stop()
            await app.stop()
    assert sandbox.unanswered_callback_queries() == []
    assert sandbox.render_transcript(ALICE, {ALICE: "李女士"}) == (
        "👤 李女士: /start 清远\n\n"
        "🤖 Bot: 您选择了 no (edited)\n\n"
        "👤 李女士 pressed [ 不同意 ]\n🔔 收到"
    )


async def test_webhook_delivery_with_secret_and_retries(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    received: list[dict[str, Any]] = []
    secrets: list[str | None] = []
    failures = {"left": 2}

    async def receive(request: web.Request) -> web.Response:
        if failures["left"]:
            failures["left"] -= 1
            return web.Response(status=500)
        secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        received.append(await request.json())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hook_url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        assert await ptb_bot.set_webhook(hook_url, secret_token="s3cret-token")
        with pytest.raises(telegram.error.Conflict, match=r"(?i)can't use getUpdates method"):
            await ptb_bot.get_updates()
        sandbox.send_text(ALICE, "one")
        sandbox.send_text(BOB, "two")
        sandbox.send_text(ALICE, "three")
        for _ in range(200):
            if len(received) == 3:
                break
            await asyncio.sleep(0.02)
        assert [u["message"]["text"] for u in received] == ["one", "two", "three"]
        assert [u["update_id"] for u in received] == [1, 2, 3]
        assert secrets == ["s3cret-token"] * 3
        info = await ptb_bot.get_webhook_info()
        assert info.url == hook_url
        assert info.pending_update_count == 0
        assert (
            info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
        )
        assert await ptb_bot.delete_webhook()
        sandbox.send_text(ALICE, "four")
        (update,) = await ptb_bot.get_updates(timeout=0)
        assert update.message.text == "four"
    finally:
        await runner.cleanup()


async def test_transcript_with_edit_press_document_and_group(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sandbox.add_group(-200, "招商评审组", [ALICE, BOB])
    sandbox.send_text(ALICE, "请审核", chat_id=-200)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("同意", callback_data="a"),
          InlineKeyboardButton("不同意", callback_data="r")]]
    )  # fmt: skip
    vote = await ptb_bot.send_message(-200, "投票：项目 A", reply_markup=keyboard)
    sandbox.press(BOB, -200, vote.message_id, callback_data="r")
    await ptb_bot.edit_message_text("投票结束：不同意 1", -200, vote.message_id)
    await ptb_bot.send_document(-200, b"minutes", filename="纪要.docx", caption="会议纪要")
    sandbox.send_photo(ALICE, make_png(3, 2), caption="现场照片", chat_id=-200)
    entries = sandbox.transcript(-200)
    assert [(e.kind, e.sender, e.message_id) for e in entries] == [
        ("message", "user", 1),
        ("message", "bot", 2),
        ("press", "user", 2),
        ("message", "bot", 3),
        ("message", "user", 4),
    ]
    assert entries[1].edited and entries[1].buttons == []
    assert entries[2].callback_data == "r" and not entries[2].answered
    assert entries[3].document == "纪要.docx"
    assert sandbox.render_transcript(-200, {"bot": "招商助手"}) == (
        "👤 Alice: 请审核\n\n"
        "🤖 招商助手: 投票结束：不同意 1 (edited)\n\n"
        "👤 Bob pressed [ 不同意 ]\n\n"
        "🤖 招商助手: 📎 纪要.docx\n会议纪要\n\n"
        "👤 Alice: 🖼 photo\n现场照片"
    )
    updates = await ptb_bot.get_updates(timeout=0)
    photo = updates[-1].message.photo[-1]
    assert (photo.width, photo.height) == (3, 2)


async def test_transcript_shows_buttons_before_they_are_pressed(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("同意", callback_data="a"),
          InlineKeyboardButton("不同意", callback_data="r")],
         [InlineKeyboardButton("详情", url="https://example.com/p/1")]]
    )  # fmt: skip
    await ptb_bot.send_message(BOB, "项目 B", reply_markup=keyboard)
    await ptb_bot.delete_message(BOB, (await ptb_bot.send_message(BOB, "oops")).message_id)
    assert sandbox.render_transcript(BOB) == (
        "🤖 Bot: 项目 B\n[ 同意 ] [ 不同意 ]\n[ 详情 ]\n\n🗑 (deleted) 🤖 Bot: oops"
    )
    with pytest.raises(Exception, match="no button"):
        sandbox.press(BOB, BOB, 1, callback_data="zzz")
    with pytest.raises(Exception, match="sends no callback query"):
        sandbox.press(BOB, BOB, 1, button_text="详情")


async def test_wait_for_bot_message_times_out_with_the_chat(sandbox: SandboxServer) -> None:
    sandbox.send_text(ALICE, "有人吗")
    with pytest.raises(TimeoutError, match="有人吗"):
        await sandbox.wait_for_bot_message(ALICE, timeout=0.1)
