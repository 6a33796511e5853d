# mypy: disable-error-code="union-attr"
"""Stickers, media, locations, contacts, polls, dice, edits and group messages reach both bot
libraries in the Bot API's shapes, and over the control API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import telegram
from aiogram import Bot
from aiogram.methods import GetUpdates

from sandbox import SandboxClient, SandboxError, SandboxServer
from tests.sandbox.conftest import ALICE, BOB


def send_everything(sandbox: SandboxServer) -> None:
    sandbox.send_sticker(ALICE, "😀")
    sandbox.send_location(ALICE, 23.68, 113.05)
    sandbox.send_contact(ALICE, "+8613800138000", "王", "芳", contact_user_id=BOB)
    sandbox.send_media(ALICE, "voice")
    sandbox.send_media(ALICE, "video_note")
    sandbox.send_media(ALICE, "video", caption="工地")
    sandbox.send_media(ALICE, "animation")
    sandbox.send_media(ALICE, "audio")
    sandbox.send_poll(ALICE, "哪天开会？", ["周一", "周二"])
    sandbox.send_dice(ALICE, "🎲", value=4)


async def test_python_telegram_bot_reads_every_kind(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    send_everything(sandbox)
    m = [u.message for u in await ptb_bot.get_updates(timeout=0)]
    assert m[0].sticker.emoji == "😀" and m[0].text is None
    assert (m[1].location.latitude, m[1].location.longitude) == (23.68, 113.05)
    assert (m[2].contact.phone_number, m[2].contact.user_id) == ("+8613800138000", BOB)
    assert m[3].voice.mime_type == "audio/ogg" and m[4].video_note.length == 240
    assert m[5].video.mime_type == "video/mp4" and m[5].caption == "工地"
    assert m[6].animation is not None and m[6].document is not None  # as Telegram does
    assert m[7].audio.file_name == "audio.mp3"
    assert [o.text for o in m[8].poll.options] == ["周一", "周二"]
    assert (m[9].dice.emoji, m[9].dice.value) == ("🎲", 4)
    voice = await ptb_bot.get_file(m[3].voice.file_id)
    assert bytes(await voice.download_as_bytearray()) == b"sandbox-media"


async def test_aiogram_reads_every_kind(sandbox: SandboxServer, aiogram_bot: Bot) -> None:
    send_everything(sandbox)
    m = [u.message for u in await aiogram_bot(GetUpdates(timeout=0))]
    assert m[0].sticker.emoji == "😀"
    assert m[1].location.latitude == 23.68
    assert m[2].contact.first_name == "王"
    assert m[3].voice is not None and m[4].video_note is not None and m[5].video is not None
    assert m[6].animation is not None and m[6].document is not None
    assert m[7].audio is not None and m[8].poll.question == "哪天开会？"
    assert m[9].dice.value == 4


async def test_an_edit_arrives_as_edited_message(
    sandbox: SandboxServer, ptb_bot: telegram.Bot, aiogram_bot: Bot
) -> None:
    sent = sandbox.send_text(ALICE, "50亩")
    edited = sandbox.edit_message(ALICE, ALICE, sent["message_id"], "/back")
    assert edited["edit_date"] >= sent["date"] and edited["entities"][0]["type"] == "bot_command"
    updates = await ptb_bot.get_updates(timeout=0)
    assert updates[0].message.text == "50亩"
    assert updates[1].message is None and updates[1].edited_message.text == "/back"
    (_, again) = await aiogram_bot(GetUpdates(timeout=0))
    assert again.edited_message is not None and again.edited_message.edit_date is not None
    entry = sandbox.transcript(ALICE)[0]
    assert entry.edited and entry.text == "/back"
    with pytest.raises(SandboxError, match="sent no message"):
        sandbox.edit_message(BOB, BOB, sent["message_id"], "x")
    sticker = sandbox.send_sticker(ALICE)
    with pytest.raises(SandboxError, match="only a text or a caption"):
        sandbox.edit_message(ALICE, ALICE, sticker["message_id"], "x")


async def test_group_messages_carry_the_group_chat(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sandbox.add_group(-1001, "招商群", [ALICE, BOB], "supergroup")
    sandbox.send_sticker(BOB, chat_id=-1001)
    sandbox.send_location(ALICE, 1.0, 2.0, chat_id=-1001)
    (sticker, location) = await ptb_bot.get_updates(timeout=0)
    assert sticker.message.chat.type == "supergroup" and sticker.message.chat.id == -1001
    assert location.effective_user.id == ALICE
    rendered = sandbox.render_transcript(-1001)
    assert "🧩 sticker 👍" in rendered and "🧩 location" in rendered


async def test_bad_media_is_refused(sandbox: SandboxServer) -> None:
    with pytest.raises(SandboxError, match="media kind"):
        sandbox.send_media(ALICE, "hologram")
    with pytest.raises(SandboxError, match="latitude"):
        sandbox.send_location(ALICE, 91, 0)
    with pytest.raises(SandboxError, match="2 to 10 options"):
        sandbox.send_poll(ALICE, "?", ["only one"])
    with pytest.raises(SandboxError, match="shows 1 to 6"):
        sandbox.send_dice(ALICE, "🎲", value=7)


async def test_the_control_api_sends_them_too(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    async with SandboxClient(sandbox.url) as client:
        sticker = await client.send_sticker(ALICE, "🙂")
        assert sticker["sticker"]["emoji"] == "🙂"
        await client.send_location(ALICE, 10.5, 20.25, live_period=60)
        await client.send_contact(ALICE, "13800138000", "李")
        await client.send_media(ALICE, "voice", b"ogg")
        await client.send_poll(ALICE, "好吗？", ["好", "不好"])
        await client.send_dice(ALICE, "🎯")
        text = await client.send_text(ALICE, "原文")
        edited = await client.edit_message(ALICE, ALICE, text["message_id"], "改过")
        assert edited["text"] == "改过"
        updates = await ptb_bot.get_updates(timeout=0)
        assert updates[1].message.location.live_period == timedelta(seconds=60)
        assert updates[-1].edited_message.text == "改过"
        with pytest.raises(SandboxError, match="media kind"):
            await client.send_media(ALICE, "hologram")
