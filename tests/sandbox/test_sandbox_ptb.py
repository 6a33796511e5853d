# mypy: disable-error-code="union-attr"
"""The sandbox driven by python-telegram-bot, as the real bot would use it."""

from __future__ import annotations

import asyncio
import time

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from sandbox import SandboxServer, make_png
from tests.sandbox.conftest import ALICE, BOB, TOKEN

pytestmark = pytest.mark.asyncio


def yes_no() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("同意", callback_data="v:yes"),
          InlineKeyboardButton("不同意", callback_data="v:no")]]
    )  # fmt: skip


async def test_get_me(ptb_bot: telegram.Bot) -> None:
    me = await ptb_bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "zhaoshang_sandbox_bot"
    assert me.can_join_groups is True


async def test_wrong_token_is_unauthorized() -> None:
    async with SandboxServer(TOKEN) as sandbox:
        bot = telegram.Bot("999:other", base_url=f"{sandbox.url}/bot")
        with pytest.raises(telegram.error.InvalidToken, match=r"(?i)Unauthorized"):
            await bot.get_me()
        await bot.shutdown()


async def test_text_arrives_through_get_updates_with_offset(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sandbox.send_text(ALICE, "/start invite-42")
    sandbox.send_text(ALICE, "你好")
    updates = await ptb_bot.get_updates(timeout=0)
    assert [u.message.text for u in updates] == ["/start invite-42", "你好"]
    assert updates[0].message.entities[0].type == "bot_command"
    assert updates[0].message.from_user.language_code == "zh-hans"
    again = await ptb_bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [u.update_id for u in updates]
    confirmed = await ptb_bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert confirmed == ()


async def test_long_polling_wakes_up_when_the_user_sends(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(ptb_bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    sandbox.send_text(BOB, "hello")
    updates = await poll
    assert time.monotonic() - started < 2
    assert updates[0].message.text == "hello"


async def test_inline_keyboard_press_and_answer(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sent = await ptb_bot.send_message(ALICE, "是否同意？", reply_markup=yes_no())
    assert sent.reply_markup.inline_keyboard[0][1].callback_data == "v:no"
    query_id = sandbox.press(ALICE, ALICE, sent.message_id, button_text="同意")
    (update,) = await ptb_bot.get_updates(timeout=1)
    query = update.callback_query
    assert query.id == query_id
    assert query.data == "v:yes"
    assert query.from_user.id == ALICE
    assert query.message.message_id == sent.message_id
    assert [q.id for q in sandbox.unanswered_callback_queries()] == [query_id]
    assert await ptb_bot.answer_callback_query(query.id, text="已记录")
    assert sandbox.unanswered_callback_queries() == []
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await ptb_bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await ptb_bot.answer_callback_query("12345")


async def test_edit_message_text_and_not_modified(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sent = await ptb_bot.send_message(ALICE, "草稿", reply_markup=yes_no())
    edited = await ptb_bot.edit_message_text(
        "<b>定稿</b>", ALICE, sent.message_id, parse_mode="HTML", reply_markup=yes_no()
    )
    assert edited.text == "定稿"
    assert edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified: specified new message"):
        await ptb_bot.edit_message_text(
            "<b>定稿</b>", ALICE, sent.message_id, parse_mode="HTML", reply_markup=yes_no()
        )
    removed = await ptb_bot.edit_message_reply_markup(ALICE, sent.message_id)
    assert removed.reply_markup is None
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await ptb_bot.edit_message_text("x", ALICE, 999)
    assert await ptb_bot.delete_message(ALICE, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await ptb_bot.delete_message(ALICE, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await ptb_bot.edit_message_text("y", ALICE, sent.message_id)


async def test_html_is_validated_like_telegram(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    ok = await ptb_bot.send_message(
        ALICE, "项目 <b>A&amp;B</b> &lt;新&gt; 已提交", parse_mode="HTML"
    )
    assert ok.text == "项目 A&B <新> 已提交"
    assert ok.entities[0].type == "bold"
    assert (ok.entities[0].offset, ok.entities[0].length) == (3, 3)
    user_input = "<script>alert(1)</script>"
    with pytest.raises(BadRequest) as caught:
        await ptb_bot.send_message(ALICE, f"名称：{user_input}", parse_mode="HTML")
    assert caught.value.message == (
        'Can\'t parse entities: unsupported start tag "script" at byte offset 9'
    )
    assert sandbox.sent_messages(ALICE)[-1].result["message_id"] == ok.message_id
    failed = sandbox.calls("sendMessage")[-1]
    assert failed.status == 400
    assert failed.description == (
        'Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 9'
    )
    with pytest.raises(BadRequest, match=r"(?i)Message text is empty"):
        await ptb_bot.send_message(ALICE, "")
    with pytest.raises(BadRequest, match=r"(?i)Message is too long"):
        await ptb_bot.send_message(ALICE, "长" * 4097)


async def test_callback_data_and_keyboard_limits(ptb_bot: telegram.Bot) -> None:
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="a" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)Button_data_invalid"):
        await ptb_bot.send_message(ALICE, "hi", reply_markup=too_long)
    chinese = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="中" * 22)]])
    with pytest.raises(BadRequest, match=r"(?i)Button_data_invalid"):
        await ptb_bot.send_message(ALICE, "hi", reply_markup=chinese)
    many = [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
    with pytest.raises(BadRequest, match=r"(?i)Reply markup is too long"):
        await ptb_bot.send_message(ALICE, "hi", reply_markup=InlineKeyboardMarkup(many))


async def test_documents_round_trip(sandbox: SandboxServer, ptb_bot: telegram.Bot) -> None:
    content = "项目申报表".encode() * 100
    sent = await ptb_bot.send_document(
        ALICE, content, filename="申报表.docx", caption="<i>请查收</i>", parse_mode="HTML"
    )
    assert sent.document.file_name == "申报表.docx"
    assert sent.document.file_size == len(content)
    assert sent.caption == "请查收"
    assert sent.caption_entities[0].type == "italic"
    file = await ptb_bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    again = await ptb_bot.send_document(BOB, sent.document.file_id)
    assert again.document.file_id == sent.document.file_id
    user_doc = sandbox.send_document(BOB, "材料.pdf", b"%PDF-1.4 test", "application/pdf")
    (update,) = await ptb_bot.get_updates(timeout=0)
    document = update.message.document
    assert document.file_id == user_doc["document"]["file_id"]
    assert document.mime_type == "application/pdf"
    downloaded = await (await ptb_bot.get_file(document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"%PDF-1.4 test"
    assert sandbox.file_content(sent.document.file_id) == content
    photo = await ptb_bot.send_photo(ALICE, make_png(4, 3), caption="图")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (4, 3)
    assert sandbox.transcript(ALICE)[-1].photo
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await ptb_bot.send_photo(ALICE, b"not an image")


async def test_rate_limit_fault_surfaces_as_retry_after(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sandbox.inject_fault(429, method="sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await ptb_bot.send_message(ALICE, "hi")
    assert caught.value.retry_after.total_seconds() == 7
    assert sandbox.transcript(ALICE) == []
    assert sandbox.sent_messages() == []
    assert sandbox.calls("sendMessage")[0].status == 429
    sent = await ptb_bot.send_message(ALICE, "hi")
    assert sent.message_id == 1


async def test_blocked_and_unknown_chats(sandbox: SandboxServer, ptb_bot: telegram.Bot) -> None:
    sandbox.block(BOB)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await ptb_bot.send_message(BOB, "hi")
    (update,) = await ptb_bot.get_updates(timeout=0)
    assert update.my_chat_member.new_chat_member.status == "kicked"
    sandbox.unblock(BOB)
    assert (await ptb_bot.send_message(BOB, "welcome back")).text == "welcome back"
    with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
        await ptb_bot.send_message(424242, "hi")
    sandbox.inject_fault("blocked", chat_id=ALICE, times=None)
    with pytest.raises(Forbidden):
        await ptb_bot.send_message(ALICE, "hi")
    with pytest.raises(Forbidden):
        await ptb_bot.send_message(ALICE, "hi again")
    sandbox.clear_faults()
    sandbox.inject_fault("chat_not_found", method="SENDMESSAGE")
    with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
        await ptb_bot.send_message(ALICE, "hi")
    sandbox.add_user(1003, "Carol", started=False)
    with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
        await ptb_bot.send_message(1003, "hi")


async def test_disconnect_and_server_error_faults(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sandbox.inject_fault("disconnect", method="sendMessage")
    with pytest.raises(NetworkError):
        await ptb_bot.send_message(ALICE, "lost")
    sandbox.inject_fault(500, method="sendMessage")
    with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
        await ptb_bot.send_message(ALICE, "lost")
    sandbox.inject_fault("slow", method="sendMessage", delay=0.3)
    started = time.monotonic()
    sent = await ptb_bot.send_message(ALICE, "slow but sure")
    assert time.monotonic() - started >= 0.3
    assert sent.message_id == 1
    assert [c.status for c in sandbox.calls("sendMessage")] == [None, 500, 200]


async def test_commands_per_scope_and_language(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

    await ptb_bot.set_my_commands([BotCommand("start", "开始"), BotCommand("help", "帮助")])
    await ptb_bot.set_my_commands([BotCommand("review", "评审")], scope=BotCommandScopeChat(ALICE))
    await ptb_bot.set_my_commands(
        [BotCommand("start", "Start")], scope=BotCommandScopeAllPrivateChats(), language_code="en"
    )
    default = await ptb_bot.get_my_commands()
    assert [c.command for c in default] == ["start", "help"]
    alice = await ptb_bot.get_my_commands(scope=BotCommandScopeChat(ALICE))
    assert [c.command for c in alice] == ["review"]
    assert await ptb_bot.get_my_commands(scope=BotCommandScopeChat(BOB)) == ()
    assert sandbox.effective_commands(ALICE)[0]["command"] == "review"
    assert sandbox.effective_commands(BOB) == [{"command": "start", "description": "Start"}]
    await ptb_bot.delete_my_commands(scope=BotCommandScopeChat(ALICE))
    assert [c["command"] for c in sandbox.effective_commands(ALICE)] == ["start", "help"]
    with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
        await ptb_bot.get_my_commands(scope=BotCommandScopeChat(777))


async def test_message_ids_are_counted_per_chat(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sandbox.add_group(-100, "评审组", [ALICE, BOB])
    first = await ptb_bot.send_message(ALICE, "a")
    user = sandbox.send_text(ALICE, "b")
    second = await ptb_bot.send_message(ALICE, "c")
    in_group = await ptb_bot.send_message(-100, "d")
    in_bob = await ptb_bot.send_message(BOB, "e")
    assert (first.message_id, user["message_id"], second.message_id) == (1, 2, 3)
    assert (in_group.message_id, in_bob.message_id) == (1, 1)
    assert in_group.chat.type == "group"
    assert in_group.chat.title == "评审组"
    chat = await ptb_bot.get_chat(ALICE)
    assert chat.first_name == "Alice"
    assert chat.username == "alice"
    await ptb_bot.send_chat_action(ALICE, "typing")
    with pytest.raises(BadRequest):
        await ptb_bot.send_chat_action(ALICE, "dancing")


async def test_enforce_limits_refuses_a_burst_in_a_private_chat(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sandbox.enforce_limits = True
    results = await asyncio.gather(
        *(ptb_bot.send_message(ALICE, f"m{i}") for i in range(5)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, RetryAfter)]
    assert len(refused) == 2
    assert all(r.retry_after.total_seconds() == 1 for r in refused)
    assert len(sandbox.sent_messages(ALICE)) == 3
    assert (await ptb_bot.send_message(BOB, "other chat")).text == "other chat"
