"""`zhaoshang run` with a real token on both runtimes: what it writes to its log holds no
secret and no traceback, and the bot's own lines are not buried under the libraries'."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from bot.settings import Settings
from sandbox import SandboxServer
from tests.e2e.conftest import TOKEN, subprocess_env

GROUP = -100555


class LoggedBot:
    """A `zhaoshang run` process whose stderr (its log) is collected line by line."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from bot.cli import main; main()", "run"],
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    async def until(self, needle: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(needle in line for line in self.lines):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no {needle!r} in the log:\n{''.join(self.lines)}")
            await asyncio.sleep(0.1)

    async def stop(self) -> str:
        """SIGTERM, wait without blocking the sandbox's loop, and return the whole log."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.proc.wait, 30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                await asyncio.to_thread(self.proc.wait)
        await asyncio.to_thread(self._reader.join, 5)
        return "".join(self.lines)


async def test_the_log_of_a_run_holds_no_token_and_no_traceback(
    sandbox: SandboxServer, settings: Settings, tmp_path: Path
):
    sb = sandbox
    env = subprocess_env(settings) | {"ZHAOSHANG_SWEEP_SECONDS": "1"}
    bot = LoggedBot(env, tmp_path)
    try:
        await bot.until("zhaoshang is running")
        await bot.until("this process leads")
        sb.add_user(5001, "张三")
        sb.add_group(GROUP, "招商群", [5001])
        for send in (
            lambda: sb.send_text(5001, "/start"),
            lambda: sb.send_sticker(5001),
            lambda: sb.send_text(5001, "/start", chat_id=GROUP),
        ):
            mark = sb.mark()
            sent = send()
            await sb.wait_for_bot_message(sent["chat"]["id"], since=mark, timeout=20)
        mark = sb.mark()
        name = sb.send_text(5001, "张三丰")
        await sb.wait_for_bot_message(5001, since=mark, timeout=20)
        mark = sb.mark()
        sb.edit_message(5001, 5001, name["message_id"], "张三")
        await sb.wait_for_bot_message(5001, lambda m: "✏️" in m["text"], since=mark, timeout=20)
        await asyncio.sleep(2.5)  # a few sweeps of the scheduler
    finally:
        log = await bot.stop()
    assert bot.proc.returncode == 0, log[-3000:]
    secret = TOKEN.split(":", 1)[1]
    assert secret not in log and TOKEN not in log
    assert "Traceback" not in log, log[-3000:]
    assert "zhaoshang is running" in log and "this process leads" in log
    assert "Running job" not in log and "executed successfully" not in log  # APScheduler
    assert " httpx: " not in log and "aiogram.event" not in log  # a line per request/update
    lines = log.splitlines()
    assert len(lines) < 40, log  # a short run, a short log a person can read
