# mypy: disable-error-code="union-attr"
"""The control API over HTTP (SandboxClient), and the sandbox running as its own process."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import SandboxClient, SandboxError, SandboxServer
from tests.sandbox.conftest import TOKEN


async def test_control_api_drives_the_user_side(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    async with SandboxClient(sandbox.url) as client:
        await client.add_user(2001, "王芳", username="wangfang")
        await client.add_group(-300, "项目组", [2001])
        message = await client.send_text(2001, "/start")
        assert message["entities"][0]["type"] == "bot_command"
        (update,) = await ptb_bot.get_updates(timeout=0)
        assert update.message.from_user.first_name == "王芳"

        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="c")]])
        sent = await ptb_bot.send_message(2001, "请确认", reply_markup=keyboard)
        waiter = asyncio.create_task(
            client.wait_for_bot_message(2001, lambda m: m["text"] == "已确认")
        )
        query_id = await client.press(2001, 2001, sent.message_id, button_text="确认")
        assert [q["id"] for q in await client.unanswered_callback_queries()] == [query_id]
        await ptb_bot.answer_callback_query(query_id)
        await ptb_bot.edit_message_text("已确认", 2001, sent.message_id)
        edited = await waiter
        assert edited["message_id"] == sent.message_id
        assert await client.unanswered_callback_queries() == []

        document = await client.send_document(2001, "附件.xlsx", b"xlsx-bytes")
        file_id = document["document"]["file_id"]
        assert await client.file_content(file_id) == b"xlsx-bytes"
        assert document["document"]["mime_type"].endswith("spreadsheetml.sheet")

        entries = await client.transcript(2001)
        assert [e["kind"] for e in entries] == ["message", "message", "press", "message"]
        rendered = await client.render_transcript(2001, {2001: "王"})
        assert "👤 王 pressed [ 确认 ]" in rendered
        assert len(await client.sent_messages(2001)) == 1
        assert (await client.calls("answerCallbackQuery"))[0]["status"] == 200

        await client.inject_fault("429", method="sendMessage", retry_after=2)
        with pytest.raises(telegram.error.RetryAfter):
            await ptb_bot.send_message(2001, "x")
        await client.inject_fault("slow", times=None, delay=0.01)
        await client.clear_faults()
        await client.set_enforce_limits(False)

        await client.block(2001)
        with pytest.raises(telegram.error.Forbidden):
            await ptb_bot.send_message(2001, "x")
        await client.unblock(2001)
        with pytest.raises(SandboxError, match="unknown user"):
            await client.send_text(9999, "hi")
        with pytest.raises(TimeoutError):
            await client.wait_for_bot_message(-300, timeout=0.1)
        with pytest.raises(TimeoutError, match="still busy"):
            await client.wait_idle(idle_ms=50, timeout=0.2)
        await ptb_bot.get_updates(timeout=0)
        await client.wait_idle(idle_ms=50, timeout=5)
        await client.reset()
        assert await client.transcript(2001) == []


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("parent", ["takes Ctrl-C", "ignores Ctrl-C"])
async def test_standalone_process_prints_url_and_stops_on_ctrl_c(parent: str) -> None:
    # A child of a process that ignores SIGINT starts with it ignored (a test runner's worker
    # may): the sandbox must stop on Ctrl-C all the same.
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sandbox", "--port", "0", "--token", TOKEN,
        cwd=Path(__file__).resolve().parents[2],
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        preexec_fn=_ignore_sigint if parent == "ignores Ctrl-C" else None,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        # Starting Python and the sandbox takes over 10 s on a busy two-core CI machine.
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        url = line.strip().rsplit(" ", 1)[-1]
        assert url.startswith("http://127.0.0.1:")
        async with SandboxClient(url) as client:
            await client.add_user(7, "Remote")
            bot = telegram.Bot(TOKEN, base_url=f"{url}/bot")
            async with bot:
                sent = await bot.send_message(7, "hello from afar")
            message = await client.wait_for_bot_message(7, timeout=1)
            assert message["message_id"] == sent.message_id
        async with httpx.AsyncClient() as raw:
            answer = await raw.get(f"{url}/botWRONG:token/getMe")
            assert answer.status_code == 401
            assert answer.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
            unknown = await raw.post(f"{url}/bot{TOKEN}/doMagic", json={})
            assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
            via_query = await raw.get(f"{url}/bot{TOKEN}/GETME")
            assert via_query.json()["result"]["id"] == 123456
        process.send_signal(signal.SIGINT)
        # Both pipes read to their end: a process blocked on a full pipe never stops.
        _, err = await asyncio.wait_for(process.communicate(), 30)  # 30 s: a busy CI machine
        assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
