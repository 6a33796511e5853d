"""Two bot processes on one PostgreSQL database: one leads (sends and runs scheduled work),
each notification and each scheduled notice goes out once, and when the leader is killed the
other takes over."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bot.bootstrap import build_uow_factory, initialise
from bot.settings import Settings
from conversations.replies import Reply
from sandbox import SandboxServer
from storage.tables import MessengerAccount, Person
from tests.e2e.conftest import TOKEN, subprocess_env
from workflow.policy_file import DEFAULT_POLICY_PATH
from workflow.roles import Role

pytestmark = pytest.mark.postgres
OFFICE = 800


class Bot:
    """A `zhaoshang run` process whose log lines are collected as they come."""

    def __init__(self, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from bot.cli import main; main()", "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def leads(self) -> bool:
        return any("this process leads" in line for line in self.lines)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


async def until(predicate, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("condition not met in time")


def delivered(sb: SandboxServer) -> Counter[str]:
    return Counter(
        c.params.get("text") or c.params.get("caption") or ""
        for c in sb.calls()
        if c.ok and c.method.lower() in ("sendmessage", "senddocument")
    )


async def test_two_processes_send_each_notice_once_and_the_second_takes_over(
    sandbox: SandboxServer, pg_url: str, tmp_path: Path
) -> None:
    # A county whose monthly report is due on the 1st: last month's aggregate is always due,
    # whatever day of the month this runs (policy is data).
    policy = tmp_path / "county.yaml"
    policy.write_text(
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
            "monthly_report_due_day: 5", "monthly_report_due_day: 1"
        ),
        encoding="utf-8",
    )
    settings = Settings(
        bot_token=TOKEN,
        database_url=pg_url,
        api_base_url=sandbox.url,
        policy_file=policy,
        _env_file=None,
    )
    today = date.today()  # the bots below run on the real clock
    last_month = f"{today.year - (today.month == 1):04d}-{(today.month - 2) % 12 + 1:02d}"
    initialise(settings, reporting_from=last_month)  # a fresh bot would not ask for it
    uow_factory = build_uow_factory(settings)
    sandbox.add_user(OFFICE, "办公室王")
    with uow_factory() as uow:  # the office, whose monthly aggregate the scheduler sends
        person = uow.people.add(Person(name="办公室王", unit_id="office"))
        assert person.id is not None
        uow.session.add(
            MessengerAccount(person_id=person.id, external_id=str(OFFICE), chat_id=str(OFFICE))
        )
        uow.people.grant(person.id, Role.OFFICE.value, unit_id="office")
        uow.commit()
    env = subprocess_env(settings) | {"ZHAOSHANG_SWEEP_SECONDS": "1"}
    first = Bot(env)
    second: Bot | None = None
    try:
        await until(lambda: first.leads)
        second = Bot(env)
        await until(lambda: len(sandbox.calls("getMe")) >= 2)  # the second one is up
        await until(lambda: any("汇总" in t for t in delivered(sandbox)))  # last month's
        await asyncio.sleep(3)  # several sweep passes later
        aggregates = [t for t in delivered(sandbox) if "汇总" in t]
        assert len(aggregates) == 1 and delivered(sandbox)[aggregates[0]] == 1
        assert not second.leads

        chats = [30000 + i for i in range(20)]
        for c in chats:
            sandbox.add_user(c, f"成员{c}")
        with uow_factory() as uow:
            for c in chats:
                uow.outbox.enqueue(str(c), Reply(f"通知甲 {c}").to_dict())
            uow.commit()
        await until(lambda: sum(1 for t in delivered(sandbox) if t.startswith("通知甲")) == 20)

        first.stop(signal.SIGKILL)  # the leader dies without a word
        with uow_factory() as uow:
            for c in chats:
                uow.outbox.enqueue(str(c), Reply(f"通知乙 {c}").to_dict())
            uow.commit()
        await until(lambda: second.leads, timeout=30)
        await until(lambda: sum(1 for t in delivered(sandbox) if t.startswith("通知乙")) == 20)
        counts = delivered(sandbox)
        assert all(n == 1 for t, n in counts.items() if t.startswith("通知"))
        assert [t for t in counts if "汇总" in t] == aggregates  # not sent again by the new leader
    finally:
        first.stop()
        if second is not None:
            second.stop()
        uow_factory.engine.dispose()
