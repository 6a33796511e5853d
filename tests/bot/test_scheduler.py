"""Scheduled jobs survive restarts without duplicates, and each keyed piece of work runs once."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import select as sql_select

from bot.clock import utcnow
from bot.leader.once import RUNNING, run_once
from bot.leader.scheduler import (
    JOB_TABLE,
    JobSpec,
    build_scheduler,
    run_job,
    schedule_jobs,
    start_scheduler,
    stop_scheduler,
)
from storage.db import make_engine
from storage.tables import AuditEntry, ScheduledRun
from storage.uow import UnitOfWorkFactory
from tests.conftest import Clock

TZ = "Asia/Shanghai"
HOURLY = JobSpec("count:hourly", {"trigger": "interval", "hours": 1}, "count", args=("x",))
MONTHLY = JobSpec("nag:monthly", {"trigger": "cron", "day": 1, "hour": 9}, "nag")


def _stored_ids(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(f"SELECT id FROM {JOB_TABLE} ORDER BY id")).scalars())
    finally:
        engine.dispose()


async def _until(predicate: Callable[[], bool], timeout: float = 3.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def test_jobs_scheduled_twice_under_the_same_ids_exist_once(database_url: str):
    scheduler = build_scheduler(database_url, TZ, {})
    scheduler.start(paused=True)
    try:
        schedule_jobs(scheduler, [HOURLY, MONTHLY])
        schedule_jobs(scheduler, [HOURLY, MONTHLY])
        assert sorted(j.id for j in scheduler.get_jobs()) == ["count:hourly", "nag:monthly"]
        assert _stored_ids(database_url) == ["count:hourly", "nag:monthly"]
    finally:
        await stop_scheduler(scheduler)


async def test_a_changed_job_replaces_the_stored_one(database_url: str):
    scheduler = build_scheduler(database_url, TZ, {})
    scheduler.start(paused=True)
    try:
        schedule_jobs(scheduler, [MONTHLY])
        moved = JobSpec("nag:monthly", {"trigger": "cron", "day": 3, "hour": 9}, "nag")
        schedule_jobs(scheduler, [moved])
        job = scheduler.get_job("nag:monthly")
        assert job is not None and job.next_run_time.day == 3
        assert _stored_ids(database_url) == ["nag:monthly"]
    finally:
        await stop_scheduler(scheduler)


async def test_a_stored_job_that_no_longer_loads_is_replaced(database_url: str):
    scheduler = build_scheduler(database_url, TZ, {})
    scheduler.start(paused=True)
    try:
        schedule_jobs(scheduler, [MONTHLY])
        engine = make_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text(f"UPDATE {JOB_TABLE} SET job_state = :junk"), {"junk": b"junk"})
        engine.dispose()
        moved = JobSpec("nag:monthly", {"trigger": "cron", "day": 3, "hour": 9}, "nag")
        schedule_jobs(scheduler, [moved])
        job = scheduler.get_job("nag:monthly")
        assert job is not None and job.next_run_time.day == 3
    finally:
        await stop_scheduler(scheduler)


async def test_a_restart_keeps_the_jobs_and_runs_a_missed_job_once(database_url: str):
    calls: list[tuple[object, ...]] = []
    functions = {"count": lambda *args: calls.append(args)}
    first = build_scheduler(database_url, TZ, functions)
    first.start(paused=True)
    schedule_jobs(first, [HOURLY])
    # The bot was down for three and a half hours: four hourly runs were missed.
    first.modify_job(HOURLY.id, next_run_time=utcnow() - timedelta(hours=3, minutes=30))
    await stop_scheduler(first)
    assert calls == []

    second = start_scheduler(database_url, TZ, [HOURLY], functions)
    try:
        await _until(lambda: len(calls) >= 1)
        await asyncio.sleep(0.3)
        assert calls == [("x",)]  # coalesced into one run
        job = second.get_job(HOURLY.id)
        assert job is not None and job.next_run_time > utcnow()
        assert _stored_ids(database_url) == [HOURLY.id]
    finally:
        await stop_scheduler(second)


def test_run_job_calls_the_function_of_the_table_under_its_name():
    assert run_job("add", 2, 3, functions={"add": lambda a, b: a + b}) == 5


def test_a_job_whose_function_is_not_in_the_table_is_logged(caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.ERROR, logger="bot.leader.scheduler"):
        assert run_job("gone", 1, functions={"add": lambda a, b: a + b}) is None
    assert "gone" in caplog.text


async def test_each_scheduler_runs_its_jobs_with_its_own_functions(tmp_path: Path):
    # Two processes' schedulers (here, two in one process) never share their job functions.
    calls: dict[str, list[tuple[object, ...]]] = {"a": [], "b": []}
    schedulers = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.db"
        functions = {"count": lambda *args, name=name: calls[name].append(args)}
        scheduler = start_scheduler(url, TZ, [HOURLY], functions)
        scheduler.modify_job(HOURLY.id, next_run_time=utcnow())
        schedulers.append(scheduler)
    try:
        await _until(lambda: all(calls.values()))
        assert calls == {"a": [("x",)], "b": [("x",)]}
    finally:
        for scheduler in schedulers:
            await stop_scheduler(scheduler)


async def test_stopping_while_a_job_runs_reports_no_error_and_the_job_still_finishes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def slow(*_: object) -> None:
        started.set()
        release.wait(5)
        finished.set()

    scheduler = start_scheduler(f"sqlite:///{tmp_path / 's.db'}", TZ, [HOURLY], {"count": slow})
    scheduler.modify_job(HOURLY.id, next_run_time=utcnow())
    await _until(started.is_set)
    with caplog.at_level(logging.INFO):
        await stop_scheduler(scheduler)
        release.set()
        await _until(finished.is_set)
        await asyncio.sleep(0.05)
    assert "Error running job" not in caplog.text and "Traceback" not in caplog.text
    assert "was running as the scheduler stopped" in caplog.text


def test_a_job_takes_only_primitive_arguments():
    with pytest.raises(TypeError):
        JobSpec("bad", {"trigger": "interval", "hours": 1}, "count", args=(lambda: None,))  # type: ignore[arg-type]


def _result(factory: UnitOfWorkFactory, key: str) -> tuple[str | None] | None:
    """The stored result of a key, or None if the key is not recorded."""
    with factory() as uow:
        row = uow.session.exec(sql_select(ScheduledRun).where(ScheduledRun.key == key)).first()
        return None if row is None else (row.result,)


def test_keyed_work_runs_once_and_keeps_its_result(uow_factory: UnitOfWorkFactory):
    key = "nag:monthly:econ:2026-11:d-3"
    calls: list[str] = []

    def work() -> str:
        # Work writes through units of work of its own, as the handlers do.
        with uow_factory() as uow:
            uow.audit("nag.sent", "unit", "econ")
            uow.commit()
        calls.append(key)
        return "3 sent"

    assert run_once(key, uow_factory, work) is True
    assert run_once(key, uow_factory, work) is False
    assert calls == [key]
    assert _result(uow_factory, key) == ("3 sent",)
    with uow_factory() as uow:
        audits = uow.session.exec(sql_select(func.count()).select_from(AuditEntry)).one()
    assert audits == 1


def test_failed_work_leaves_the_key_free_for_the_next_run(uow_factory: UnitOfWorkFactory):
    def fail() -> str:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        run_once("digest:weekly:2026-w48", uow_factory, fail)
    assert _result(uow_factory, "digest:weekly:2026-w48") is None
    assert run_once("digest:weekly:2026-w48", uow_factory, lambda: None) is True


def test_work_left_unfinished_by_a_dead_process_is_taken_over_once_stale(
    uow_factory: UnitOfWorkFactory, clock: Clock
):
    with uow_factory() as uow:
        uow.session.add(
            ScheduledRun(key="old", result=RUNNING, ran_at=clock() - timedelta(hours=2))
        )
        uow.session.add(ScheduledRun(key="fresh", result=RUNNING))
        uow.commit()
    assert run_once("fresh", uow_factory, lambda: "again") is False
    assert run_once("old", uow_factory, lambda: "again") is True
    assert _result(uow_factory, "old") == ("again",)


def test_keyed_work_runs_once_when_two_engines_race(
    uow_factory: UnitOfWorkFactory, database_url: str
):
    key = "sweep:deadlines:2026-11-23"
    barrier = threading.Barrier(2)
    calls: list[int] = []
    outcomes: list[bool] = []

    def work() -> str:
        calls.append(1)
        threading.Event().wait(0.3)  # still working when the other one tries
        return "done"

    def race() -> None:
        factory = UnitOfWorkFactory(make_engine(database_url), uow_factory.clock)
        try:
            barrier.wait()
            outcomes.append(run_once(key, factory, work))
        finally:
            factory.engine.dispose()

    threads = [threading.Thread(target=race) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert sorted(outcomes) == [False, True]
    assert calls == [1]
    with uow_factory() as uow:
        rows = uow.session.exec(sql_select(func.count()).select_from(ScheduledRun)).one()
    assert rows == 1
