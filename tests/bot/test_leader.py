"""Exactly one process leads; when the leader dies or loses its connection, another takes over."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.leader.election import Leadership
from storage.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
FAST = {"retry_seconds": 0.1, "check_seconds": 0.1}

# A leader in a process of its own, which the test kills.
CHILD = """
import asyncio, sys
from bot.leader.election import Leadership

async def main():
    async def elected():
        print("elected", flush=True)

    async def lost():
        print("lost", flush=True)

    leadership = Leadership(sys.argv[1], retry_seconds=0.1, check_seconds=0.1)
    await leadership.acquire_loop(elected, lost, asyncio.Event())

asyncio.run(main())
"""


class Member:
    """A Leadership that records its elections on a shared log."""

    def __init__(self, name: str, url: str, log: list[str], **timing: float) -> None:
        self.name = name
        self.log = log  # shared by all members of a test
        self.leadership = Leadership(url, **(timing or FAST))
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def _elected(self) -> None:
        self.log.append(f"{self.name} elected")

    async def _lost(self) -> None:
        self.log.append(f"{self.name} lost")

    def start(self) -> Member:
        self.task = asyncio.create_task(
            self.leadership.acquire_loop(self._elected, self._lost, self.stop)
        )
        return self

    async def close(self) -> None:
        self.stop.set()
        if self.task is not None:
            await asyncio.wait_for(self.task, 5)


async def _until(predicate: Callable[[], bool], timeout: float = 3.0) -> float:
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)
    return loop.time() - started


def _leaders(*members: Member) -> list[str]:
    return [m.name for m in members if m.leadership.is_leader]


async def test_one_of_two_is_elected_and_a_stop_hands_over(database_url: str):
    log: list[str] = []
    a = Member("a", database_url, log).start()
    b = Member("b", database_url, log).start()
    try:
        await _until(lambda: bool(_leaders(a, b)))
        await asyncio.sleep(0.4)  # several retries of the standby
        assert len(_leaders(a, b)) == 1
        assert sum(e.endswith("elected") for e in log) == 1
        leader, standby = (a, b) if a.leadership.is_leader else (b, a)
        await leader.close()
        assert log[-1] == f"{leader.name} lost"
        await _until(lambda: standby.leadership.is_leader, timeout=1.0)
    finally:
        await a.close()
        await b.close()
    assert not _leaders(a, b)


async def test_a_killed_leader_process_is_replaced_within_the_retry_interval(
    database_url: str,
):
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        database_url,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    log: list[str] = []
    here = Member("here", database_url, log)
    try:
        assert child.stdout is not None
        assert await asyncio.wait_for(child.stdout.readline(), 10) == b"elected\n"
        here.start()
        await asyncio.sleep(0.4)
        assert not here.leadership.is_leader
        child.send_signal(signal.SIGKILL)
        await child.wait()
        took = await _until(lambda: here.leadership.is_leader, timeout=2.0)
        assert took < 1.0
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
        await here.close()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_leader_whose_connection_is_killed_steps_down(database_url: str):
    log: list[str] = []
    # The first leader waits long before trying again, so the standby is the one to take over.
    first = Member("first", database_url, log, retry_seconds=3.0, check_seconds=0.1).start()
    await _until(lambda: first.leadership.is_leader)
    second = Member("second", database_url, log).start()
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        await asyncio.sleep(0.3)
        assert _leaders(first, second) == ["first"]
        with admin.connect() as conn:
            killed = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND granted"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                )
            ).all()
        assert killed == [(True,)]
        await _until(lambda: second.leadership.is_leader, timeout=1.0)
        await _until(lambda: "first lost" in log, timeout=1.0)
        assert not first.leadership.is_leader
    finally:
        await first.close()
        await second.close()
        admin.dispose()


async def test_a_leader_that_fails_to_start_steps_down_and_tries_again(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'zhaoshang.db'}"
    events: list[str] = []

    async def elected() -> None:
        events.append("elected")
        if events.count("elected") == 1:
            raise RuntimeError("the scheduler would not start")

    async def lost() -> None:
        events.append("lost")

    stop = asyncio.Event()
    task = asyncio.create_task(Leadership(url, **FAST).acquire_loop(elected, lost, stop))
    try:
        await _until(lambda: events.count("elected") == 2)
        assert events == ["elected", "lost", "elected"]
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    assert events[-1] == "lost"
    assert (tmp_path / "zhaoshang.db.leader").read_text().strip() == str(os.getpid())
