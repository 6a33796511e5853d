"""Recovery after a PostgreSQL restart (issue 13): how long after the database is back the bot
handles an update again, the outbox delivers again, and the leader holds its lock again.

Two bots run side by side on one private PostgreSQL cluster (initdb into a temporary
directory, on a free port of 127.0.0.1: never the shared server), each on its own database and
its own sandbox: python-telegram-bot by long polling and aiogram by webhook. Twenty people in
each keep sending /help, each as soon as the last one was answered. Each round stops the
cluster (a fast shutdown: every connection cut), keeps it down two seconds, starts it, and
enqueues ten notifications at once; one restart measures both bots, so they are interleaved
round by round. Times are from the moment the restarted server accepts connections.

Run: .venv/bin/python bench/recovery.py [--rounds 5]   (as root, not part of the test suite).
Prints the section for bench/RESULTS.md."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from sqlalchemy import text

from bot.bootstrap import build_uow_factory, initialise
from bot.runtimes import Runtime, make_runtime
from conversations.replies import Reply
from sandbox import SandboxServer
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import TOKEN
from tests.e2e.test_database_restart import PrivateCluster, _own_thread, bot_settings, build_admin

PEOPLE = 20
NOTICES = 10
DOWN_SECONDS = 2.0
WAIT = 30.0  # seconds a round waits for each recovery before it reports none


@dataclass
class Bot:
    """One bot on its own database and sandbox, and the people who write to it."""

    name: str
    runtime: str
    mode: str
    sandbox: SandboxServer
    url: str
    uow_factory: UnitOfWorkFactory | None = None
    bot: Runtime | None = None
    people: list[asyncio.Task[None]] = field(default_factory=list)
    rounds: dict[str, list[float]] = field(default_factory=dict)
    stopping: bool = False

    async def start(self) -> None:
        settings = bot_settings(self.sandbox, self.url, self.runtime, self.mode)
        initialise(settings)
        self.uow_factory = build_uow_factory(settings)
        self.bot = make_runtime(settings, self.uow_factory)
        await self.bot.start()
        for i in range(PEOPLE):
            user_id = 70000 + i
            self.sandbox.add_user(user_id, f"访客{i}")
            self.people.append(asyncio.create_task(self._keep_asking(user_id)))

    async def _keep_asking(self, user_id: int) -> None:
        while not self.stopping:
            mark = self.sandbox.mark()
            self.sandbox.send_text(user_id, "/help")
            with contextlib.suppress(TimeoutError):
                await self.sandbox.wait_for_bot_message(user_id, since=mark, timeout=60)

    async def stop(self) -> None:
        self.stopping = True  # the sandbox's waits do not end on a cancel
        await asyncio.gather(*self.people, return_exceptions=True)
        if self.bot is not None:
            await self.bot.stop()
        if self.uow_factory is not None:
            self.uow_factory.engine.dispose()

    def enqueue(self, round_no: int) -> None:
        assert self.uow_factory is not None
        with self.uow_factory() as uow:
            for i in range(NOTICES):
                body = Reply(f"恢复 {round_no}.{i}").to_dict()
                uow.outbox.enqueue(str(70000 + i), body)
            uow.commit()

    def first_reply_after(self, since: float) -> float | None:
        """When the bot first answered someone after `since`."""
        return next(
            (
                c.monotonic
                for c in self.sandbox.calls("sendMessage")
                if c.ok
                and c.monotonic > since
                and not str(c.params.get("text", "")).startswith("恢复")
            ),
            None,
        )

    def first_notice(self, round_no: int) -> float | None:
        """When the first of this round's notifications was delivered."""
        prefix = f"恢复 {round_no}."
        return next(
            (
                c.monotonic
                for c in self.sandbox.calls("sendMessage")
                if c.ok and str(c.params.get("text", "")).startswith(prefix)
            ),
            None,
        )

    def record(self, what: str, seconds: float | None) -> None:
        self.rounds.setdefault(what, []).append(seconds if seconds is not None else float("nan"))


async def until(found: Callable[[], float | None], timeout: float = WAIT) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value is not None:
            return value
        await asyncio.sleep(0.02)
    return None


async def enqueue_when_back(bot: Bot, round_no: int) -> None:
    deadline = time.monotonic() + WAIT
    while True:
        try:
            await asyncio.to_thread(bot.enqueue, round_no)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


def leading(url: str) -> set[str]:
    """The databases on which some process holds the leader's advisory lock now."""
    admin = build_admin(url)
    try:
        with admin.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT d.datname FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                    " WHERE l.locktype = 'advisory' AND l.granted"
                )
            )
            return {str(r[0]) for r in rows}
    except Exception:
        return set()
    finally:
        admin.dispose()


async def lock_again(cluster: PrivateCluster, bots: list[Bot], back: float) -> None:
    """Record, for each bot, when its leader holds the lock on the restarted server."""
    pending = {b.name: b for b in bots}
    deadline = back + WAIT
    while pending and time.monotonic() < deadline:
        held = await asyncio.to_thread(leading, cluster.url)
        for name in list(pending):
            if name in held:
                pending.pop(name).record("leader holds its lock again", time.monotonic() - back)
        await asyncio.sleep(0.05)
    for b in pending.values():
        b.record("leader holds its lock again", None)


async def one_round(cluster: PrivateCluster, bots: list[Bot], round_no: int) -> None:
    await asyncio.sleep(2.0)  # steady traffic first
    await _own_thread(cluster.stop)
    await asyncio.sleep(DOWN_SECONDS)
    await _own_thread(cluster.start)
    back = time.monotonic()
    locks = asyncio.create_task(lock_again(cluster, bots, back))
    await asyncio.gather(*(enqueue_when_back(b, round_no) for b in bots))
    for b in bots:
        reply = await until(partial(b.first_reply_after, back))
        notice = await until(partial(b.first_notice, round_no))
        b.record("first update handled", None if reply is None else reply - back)
        b.record("outbox delivers again", None if notice is None else notice - back)
    await locks


def summary(values: list[float]) -> str:
    seen = [v for v in values if v == v]
    if not seen:
        return "none within 30 s | | "
    missing = f" ({len(values) - len(seen)} none)" if len(seen) < len(values) else ""
    return f"{statistics.median(seen):.2f} s{missing} | {min(seen):.2f} s | {max(seen):.2f} s"


async def main(rounds: int) -> str:
    cluster = PrivateCluster()
    bots: list[Bot] = []
    try:
        admin = build_admin(cluster.url)
        with admin.connect() as conn:
            for name in ("ptb_polling", "aiogram_webhook"):
                conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        base = cluster.url.rsplit("/", 1)[0]
        async with SandboxServer(TOKEN) as sb1, SandboxServer(TOKEN) as sb2:
            bots = [
                Bot("ptb_polling", "ptb", "polling", sb1, f"{base}/ptb_polling"),
                Bot("aiogram_webhook", "aiogram", "webhook", sb2, f"{base}/aiogram_webhook"),
            ]
            try:
                for bot in bots:
                    await bot.start()
                for r in range(rounds):
                    await one_round(cluster, bots, r)
                    print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)
            finally:
                for bot in bots:
                    await bot.stop()
    finally:
        cluster.remove()
    lines = [
        "## Recovery after PostgreSQL restarts (issue 13: the database restarted under load)",
        "",
        f"A private cluster stopped (fast shutdown) for {DOWN_SECONDS:.0f} s and started again, "
        f"{rounds} rounds, while {PEOPLE} people per bot keep writing; times from the moment "
        "the restarted server accepts connections. Both bots run through the same restarts. "
        "`python bench/recovery.py` measures this.",
        "",
        "| bot | recovery | median | min | max |",
        "| --- | --- | --- | --- | --- |",
    ]
    for bot in bots:
        for what, values in bot.rounds.items():
            lines.append(f"| {bot.name.replace('_', ', ')} | {what} | {summary(values)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    print(asyncio.run(main(parser.parse_args().rounds)))
