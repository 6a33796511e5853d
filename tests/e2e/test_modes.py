"""Webhook mode, the command line's run and demo, and the Mini App served beside the bot."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
from pathlib import Path

import httpx
from pydantic import SecretStr

from bot.bootstrap import build_uow_factory
from bot.runtimes import make_runtime
from bot.serve import _serve
from bot.settings import Settings
from sandbox import SandboxServer
from tests.e2e.conftest import subprocess_env, this_years_serial


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_takes_updates_with_the_secret_token(
    sandbox: SandboxServer, settings: Settings
):
    port = free_port()
    hooked = settings.model_copy(
        update={
            "webhook_url": f"http://127.0.0.1:{port}/telegram",
            "webhook_port": port,
            "webhook_secret": SecretStr("s3cret-token"),
        }
    )
    uow_factory = build_uow_factory(hooked)
    runtime = make_runtime(hooked, uow_factory)
    await runtime.start()
    try:
        assert sandbox.calls("setWebhook")[-1].params["secret_token"] == "s3cret-token"
        sandbox.add_user(7001, "王五")
        mark = sandbox.mark()
        sandbox.send_text(7001, "/start")
        reply = await sandbox.wait_for_bot_message(7001, since=mark)
        assert "欢迎" in reply["text"]
        assert sandbox.calls("getUpdates") == []  # no polling in webhook mode
    finally:
        await runtime.stop()
        uow_factory.engine.dispose()


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=180,
    )


def test_run_without_a_token_says_so_in_one_line(settings: Settings, tmp_path: Path):
    env = subprocess_env(settings)
    env.pop("ZHAOSHANG_BOT_TOKEN")
    out = run_cli("run", env=env, cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith("error: ZHAOSHANG_BOT_TOKEN is not set")
    assert len(out.stderr.strip().splitlines()) == 1


def test_run_with_an_unreachable_api_says_so_in_one_line(settings: Settings, tmp_path: Path):
    env = subprocess_env(settings)
    env["ZHAOSHANG_API_BASE_URL"] = f"http://127.0.0.1:{free_port()}"
    out = run_cli("run", env=env, cwd=tmp_path)
    assert out.returncode == 2
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("error: cannot") and "Traceback" not in out.stderr


def test_the_demo_prints_the_whole_journey(tmp_path: Path, settings: Settings):
    env = subprocess_env(settings)
    out = run_cli(
        "demo",
        "--database",
        str(tmp_path / "demo.db"),
        "--runtime",
        settings.runtime,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    text = out.stdout
    assert "👤" in text and "🤖" in text and "[ ✅ 提交 ]" in text
    assert "请核对投资项目计划书" in text and this_years_serial(1) in text
    assert (tmp_path / "demo.db").exists()


async def test_run_serves_the_mini_app_beside_the_bot_and_stops_it(
    sandbox: SandboxServer, settings: Settings
):
    port = free_port()
    web = settings.model_copy(update={"web_url": "https://example.org/web/", "web_port": port})
    running = asyncio.create_task(_serve(web))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(200):  # until the bot is up and the Mini App listens
                try:
                    unsigned = await client.get("/web/api/board")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            assert unsigned.status_code == 401  # no initData: who is asking is not known
            assert (await client.get("/web/")).status_code == 200  # the shell, with no data
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    with socket.socket() as s:  # stopped with the bot: the port is free again
        s.bind(("127.0.0.1", port))
