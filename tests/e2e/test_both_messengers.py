"""Telegram and WeCom in one process, as `zhaoshang run` starts them when the settings of both
are present: each messenger's people are answered in their own messenger, one leader sends
both outboxes, and a person linked on both is notified once, on the one they wrote in last."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.both import BothRuntime
from bot.settings import Settings
from conversations.replies import Reply
from handlers.notify import notify
from sandbox import SandboxServer
from sandbox.wecom import WeComSandbox
from storage.tables import Person
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import subprocess_env
from tests.e2e.processes import Process
from tests.e2e.wecom_support import telegram_texts, wecom_texts, with_wecom

TELEGRAM_ID, WECOM_ID = 7001, "ZhangSan"
CLI = [sys.executable, "-c", "from bot.cli import main; main()"]


async def until(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_one_process_answers_each_messenger_in_its_own(
    sandbox: SandboxServer,
    wx: WeComSandbox,
    both: tuple[BothRuntime, UnitOfWorkFactory],
) -> None:
    sandbox.add_user(TELEGRAM_ID, "张三")
    wx.add_user(WECOM_ID, "李四")
    mark = sandbox.mark()
    sandbox.send_text(TELEGRAM_ID, "/start")
    assert "欢迎" in (await sandbox.wait_for_bot_message(TELEGRAM_ID, since=mark))["text"]
    await wx.send_text(WECOM_ID, "/start")
    await until(lambda: any("欢迎" in t for t in wecom_texts(wx, WECOM_ID)))
    assert wx.menu() is not None, "the WeCom app's menu was set"


async def test_a_person_linked_on_both_is_notified_once_on_the_messenger_used_last(
    sandbox: SandboxServer,
    wx: WeComSandbox,
    both: tuple[BothRuntime, UnitOfWorkFactory],
) -> None:
    runtime, uow_factory = both
    assert runtime.core is not None
    services = runtime.core.services
    sandbox.add_user(TELEGRAM_ID, "张三")
    wx.add_user(WECOM_ID, "张三")
    with uow_factory() as uow:
        person = uow.people.add(Person(name="张三"))
        uow.people.link_account(person, "telegram", str(TELEGRAM_ID), str(TELEGRAM_ID))
        uow.people.link_account(person, "wecom", WECOM_ID, WECOM_ID)
        uow.commit()
        person_id = person.id or 0

    def queue(text: str) -> None:
        with uow_factory() as uow:
            notify(services, uow, person_id, lambda _locale: Reply(text))
            uow.commit()
        runtime.core.work.wake()  # type: ignore[union-attr]

    await wx.send_text(WECOM_ID, "/help")
    await until(lambda: wecom_texts(wx, WECOM_ID))
    queue("通知一")
    await until(lambda: any("通知一" in t for t in wecom_texts(wx, WECOM_ID)))

    mark = sandbox.mark()
    sandbox.send_text(TELEGRAM_ID, "/help")
    await sandbox.wait_for_bot_message(TELEGRAM_ID, since=mark)
    queue("通知二")
    await until(lambda: any("通知二" in t for t in telegram_texts(sandbox, TELEGRAM_ID)))
    await asyncio.sleep(0.5)  # time for a second copy, were one queued
    assert sum("通知一" in t for t in telegram_texts(sandbox, TELEGRAM_ID)) == 0
    assert sum("通知二" in t for t in wecom_texts(wx, WECOM_ID)) == 0
    assert sum("通知一" in t for t in wecom_texts(wx, WECOM_ID)) == 1
    assert sum("通知二" in t for t in telegram_texts(sandbox, TELEGRAM_ID)) == 1


def wecom_env(env: dict[str, str], s: Settings) -> dict[str, str]:
    assert s.wecom_secret and s.wecom_token and s.wecom_aes_key
    return env | {
        "ZHAOSHANG_WECOM_CORP_ID": s.wecom_corp_id or "",
        "ZHAOSHANG_WECOM_AGENT_ID": str(s.wecom_agent_id),
        "ZHAOSHANG_WECOM_SECRET": s.wecom_secret.get_secret_value(),
        "ZHAOSHANG_WECOM_TOKEN": s.wecom_token.get_secret_value(),
        "ZHAOSHANG_WECOM_AES_KEY": s.wecom_aes_key.get_secret_value(),
        "ZHAOSHANG_WECOM_API_BASE_URL": s.wecom_api_base_url,
        "ZHAOSHANG_WECOM_PORT": str(s.wecom_port),
    }


@pytest.mark.parametrize("wecom_only", [False, True], ids=["both", "wecom"])
async def test_zhaoshang_run_starts_the_messengers_whose_settings_are_present(
    sandbox: SandboxServer,
    wx: WeComSandbox,
    settings: Settings,
    tmp_path: Path,
    wecom_only: bool,
) -> None:
    s = with_wecom(settings, wx)
    env = wecom_env(subprocess_env(s), s)
    if wecom_only:
        env["ZHAOSHANG_RUNTIME"] = "wecom"
    bot = Process([*CLI, "run"], env, tmp_path)
    try:
        line = await asyncio.to_thread(bot.line, "zhaoshang is running", 60)
        assert ("telegram" in line) != wecom_only and "wecom" in line, line
        wx.add_user(WECOM_ID, "李四")
        await wx.send_text(WECOM_ID, "/start")
        await until(lambda: any("欢迎" in t for t in wecom_texts(wx, WECOM_ID)), 30)
        sandbox.add_user(TELEGRAM_ID, "张三")
        mark = sandbox.mark()
        sandbox.send_text(TELEGRAM_ID, "/start")
        if wecom_only:
            await asyncio.sleep(1.0)
            assert telegram_texts(sandbox, TELEGRAM_ID) == [], "Telegram does not run"
        else:
            await sandbox.wait_for_bot_message(TELEGRAM_ID, since=mark, timeout=30)
        output = "".join(bot.seen)
        for secret in (env["ZHAOSHANG_WECOM_SECRET"], env["ZHAOSHANG_WECOM_AES_KEY"]):
            assert secret not in output
    finally:
        assert await asyncio.to_thread(bot.stop, signal.SIGTERM) == 0
