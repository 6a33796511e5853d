"""PostgreSQL restarted under load: while 50 investors fill their plans over the sandbox, the
database goes away for a few seconds and comes back. The bot reconnects on its own, the
updates that came meanwhile are not lost (polling: not confirmed until handled; webhook:
answered 503 so that Telegram sends them again), none is taken twice, every plan ends
complete, and the elected leader takes its lock again and the outbox resumes.

The database is a private cluster of the test's own (initdb into a temporary directory, on a
free port of 127.0.0.1), never the shared server. The module is long because it also holds
that cluster and the investors who fill their plans, which bench/recovery.py reuses."""

from __future__ import annotations

import asyncio
import contextlib
import glob
import logging
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlmodel import select

from bot import demo_plan
from bot.bootstrap import build_uow_factory, initialise
from bot.demo import current_step
from bot.runtimes import Runtime, make_runtime
from bot.settings import Settings
from conversations.replies import Reply
from sandbox import SandboxServer
from storage.tables import OutboxMessage, Project
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import TOKEN

pytestmark = pytest.mark.postgres

INVESTORS = 50
FIRST_INVESTOR = 61000
NOTICES = 20
DOWN_SECONDS = 2.0
T = TypeVar("T")


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _running(pid: int) -> bool:
    """Whether a process runs (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


async def _own_thread(work: Callable[[], None]) -> None:
    """Run blocking work in a thread of its own: the default executor's threads may all be
    waiting for the database this work brings back."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    loop = asyncio.get_running_loop()

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            loop.call_soon_threadsafe(done.set_exception, exc)
        else:
            loop.call_soon_threadsafe(done.set_result, None)

    threading.Thread(target=run, daemon=True).start()
    await done


class PrivateCluster:
    """A PostgreSQL cluster of one test's own, run as the postgres user, on 127.0.0.1."""

    def __init__(self) -> None:
        bindir = _pg_bin()
        if bindir is None or os.geteuid() != 0 or shutil.which("runuser") is None:
            pytest.skip("needs root, runuser and PostgreSQL's server binaries")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="zs-pg-"))
        owner = pwd.getpwnam("postgres")
        os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bindir / program), *args],
            check=True,
            # The server outlives pg_ctl: it must not hold a pipe of ours open.
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def start(self) -> None:
        """Start the server and wait until it takes connections."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    @property
    def pid(self) -> int | None:
        """The postmaster's process id, while it runs."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return None

    def stop(self) -> None:
        """A fast shutdown, by the postmaster's pid: every connection is cut."""
        pid = self.pid
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _running(pid):
            time.sleep(0.05)
        if _running(pid):
            os.kill(pid, signal.SIGKILL)

    async def restart(
        self, down: float = DOWN_SECONDS, noticed: Callable[[], bool] | None = None
    ) -> float:
        """Stop, stay down `down` seconds (and until `noticed()` holds, so a loaded machine
        cannot let the outage pass unseen), start again; when it was back (monotonic)."""
        await _own_thread(self.stop)
        await asyncio.sleep(down)
        if noticed is not None:
            await until(noticed)
        await _own_thread(self.start)
        return time.monotonic()

    def remove(self) -> None:
        """Stop the server and delete its files."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _has_buttons(message: dict[str, Any]) -> bool:
    return bool(message.get("reply_markup", {}).get("inline_keyboard"))


async def retried(read: Callable[[], T], timeout: float = 60) -> T:
    """A read of the test's own, tried again while the database is away (waiting between
    tries on the event loop, not in a worker thread the bot needs)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await asyncio.to_thread(read)
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


class Investor:
    """A person in the sandbox who answers each question as soon as the bot has asked it."""

    def __init__(self, sb: SandboxServer, uow_factory: UnitOfWorkFactory, user_id: int) -> None:
        self.sb = sb
        self.uow_factory = uow_factory
        self.user_id = user_id
        sb.add_user(user_id, demo_plan.INVESTOR["name"])

    async def _act(self, act: Callable[[], object], *, last: bool = False) -> None:
        """Do something and wait for the bot's whole answer: up to the next question (every
        question and summary has buttons), or for the `last` action up to its first message."""
        mark = self.sb.mark()
        act()
        await self.sb.wait_for_bot_message(
            self.user_id, None if last else _has_buttons, since=mark, timeout=60
        )
        while True:  # and anything the bot still sends with it
            quiet = self.sb.mark()
            try:
                await self.sb.next_bot_event(self.user_id, since=quiet, timeout=0.1)
            except TimeoutError:
                return

    async def say(self, words: str) -> None:
        await self._act(lambda: self.sb.send_text(self.user_id, words))

    async def press(self, label: str, *, last: bool = False) -> None:
        for entry in reversed(self.sb.transcript(self.user_id)):
            if entry.sender == "bot" and any(t == label for row in entry.buttons for t, _ in row):
                message_id = entry.message_id
                break
        else:
            shown = self.sb.render_transcript(self.user_id)[-600:]
            raise LookupError(f"no button {label!r} in chat {self.user_id}; it ends:\n{shown}")
        await self._act(
            lambda: self.sb.press(self.user_id, self.user_id, message_id, button_text=label),
            last=last,
        )

    async def fill_plan(self) -> None:
        """Register, answer the whole plan form and submit it."""
        me = demo_plan.INVESTOR
        await self.say("/start")
        await self.say(me["name"])
        await self.say(me["company"])
        await self.say(me["phone"])
        await self.press("同意")
        await self.press("✅ 提交", last=True)
        await self.say("/new")
        for _ in range(200):
            step = await retried(lambda: current_step(self.uow_factory, self.user_id))
            if step in (None, "summary"):
                break
            await self.answer(step)
        await self.press("✅ 提交", last=True)

    async def answer(self, step: str) -> None:
        if step in demo_plan.PRESSED:
            await self.press(demo_plan.PRESSED[step])
        elif step in demo_plan.TYPED:
            await self.say(demo_plan.TYPED[step])
        elif step in demo_plan.SKIPPED:
            await self.press(demo_plan.SKIP_LABEL)
        elif step == "feasibility_report":
            name, mime = demo_plan.FEASIBILITY_REPORT
            content = b"%PDF-1.4\n% feasibility report\n"
            await self._act(lambda: self.sb.send_document(self.user_id, name, content, mime))
        else:
            raise LookupError(f"no answer for {step!r}")


def bot_texts(sb: SandboxServer, chat_id: int) -> list[str]:
    """What the bot said in a chat, in order, without the digits that differ between people
    (serial numbers, dates)."""
    return [
        re.sub(r"\d+", "#", entry.text or "")
        for entry in sb.transcript(chat_id)
        if entry.sender == "bot"
    ]


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    c = PrivateCluster()
    try:
        yield c
    finally:
        c.remove()


@pytest.fixture
def database(cluster: PrivateCluster) -> Iterator[str]:
    """A fresh database on the private cluster."""
    name = f"zs_restart_{os.getpid()}_{time.monotonic_ns()}"
    admin = build_admin(cluster.url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield cluster.url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_admin(url: str) -> Any:
    from storage.db import make_engine

    return make_engine(url, isolation_level="AUTOCOMMIT")


def bot_settings(sb: SandboxServer, url: str, runtime: str, mode: str) -> Settings:
    settings = Settings(
        bot_token=TOKEN,
        database_url=url,
        api_base_url=sb.url,
        runtime=runtime,  # type: ignore[arg-type]
        _env_file=None,
    )
    if mode == "webhook":
        port = free_port()
        settings = settings.model_copy(
            update={
                "webhook_url": f"http://127.0.0.1:{port}/telegram",
                "webhook_port": port,
                "webhook_secret": SecretStr("restart-secret"),
            }
        )
    return settings


async def until(predicate: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.05)


def delivered(sb: SandboxServer, prefix: str) -> Counter[str]:
    return Counter(
        str(c.params.get("text"))
        for c in sb.calls("sendMessage")
        if c.ok and str(c.params.get("text", "")).startswith(prefix)
    )


def leader_locks(url: str) -> int:
    admin = build_admin(url)
    try:
        with admin.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
                ).scalar_one()
            )
    finally:
        admin.dispose()


def notice_statuses(uow_factory: UnitOfWorkFactory) -> set[str]:
    with uow_factory() as uow:
        rows = uow.session.exec(select(OutboxMessage)).all()
        return {r.status for r in rows if str(r.payload.get("text", "")).startswith("通知")}


@pytest.mark.parametrize(("runtime", "mode"), [("ptb", "polling"), ("aiogram", "webhook")])
async def test_a_database_restarted_under_load_loses_no_answer_and_the_outbox_resumes(
    sandbox: SandboxServer,
    cluster: PrivateCluster,
    database: str,
    runtime: str,
    mode: str,
    caplog: pytest.LogCaptureFixture,
):
    caplog.set_level(logging.INFO)
    settings = bot_settings(sandbox, database, runtime, mode)
    initialise(settings)
    uow_factory = build_uow_factory(settings)
    bot: Runtime = make_runtime(settings, uow_factory)
    await bot.start()
    try:
        investors = [Investor(sandbox, uow_factory, FIRST_INVESTOR + i) for i in range(INVESTORS)]
        await until(lambda: "this process leads" in caplog.text)
        filling = asyncio.gather(*(i.fill_plan() for i in investors))
        # Restart once the investors are well into their plans.
        await until(lambda: len(sandbox.calls("sendMessage")) > INVESTORS * 15)
        answered = len(sandbox.calls("sendMessage"))

        def an_update_waited() -> bool:
            if mode == "polling":
                return bool(bot.poller.retries)  # type: ignore[attr-defined]
            return "refused for now" in caplog.text

        # The server stays down until an update has met the outage; those updates wait, and
        # are handled once it is back.
        await cluster.restart(noticed=an_update_waited)
        await filling
        assert len(sandbox.calls("sendMessage")) > answered + INVESTORS * 20  # more came after
        assert an_update_waited()
        # Every plan is complete, each once, and every investor was told the same things in
        # the same order: no answer was lost, none was taken twice.
        with uow_factory() as uow:
            plans = [(p.investor_person_id, p.plan) for p in uow.session.exec(select(Project))]
        assert len(plans) == INVESTORS
        assert len({person for person, _ in plans}) == INVESTORS
        assert all(plan["name"] == demo_plan.TYPED["name"] for _, plan in plans)
        said = {tuple(bot_texts(sandbox, i.user_id)) for i in investors}
        assert len(said) == 1
        assert not any("出了点问题" in t for t in next(iter(said)))
        assert sandbox.unanswered_callback_queries() == []

        # The leader noticed its lock was gone with the old server and took it again, once.
        await until(lambda: caplog.text.count("elected leader") >= 2)
        assert leader_locks(cluster.url) == 1
        with uow_factory() as uow:
            for n, i in enumerate(investors[:NOTICES]):
                uow.outbox.enqueue(str(i.user_id), Reply(f"通知 {n}").to_dict())
            uow.commit()
        bot.sender.wake()  # type: ignore[attr-defined]
        await until(lambda: sum(delivered(sandbox, "通知 ").values()) >= NOTICES)
        assert set(delivered(sandbox, "通知 ").values()) == {1}
        await until(lambda: notice_statuses(uow_factory) == {"sent"}, timeout=10)
    finally:
        await bot.stop()
        uow_factory.engine.dispose()
