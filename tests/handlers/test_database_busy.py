"""The database held by someone else: an answer waits for a writer's lock and goes on, is not
held back by a reader (a backup in progress), and when the lock outlasts the timeout nothing of
the answer is kept and the runtime is told the database is unavailable (issue 13)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy.engine import make_url

from handlers.context import Services
from handlers.dispatch import Dispatcher
from storage.db import make_engine
from storage.errors import StorageUnavailable
from storage.uow import UnitOfWorkFactory
from tests.handlers.conftest import person
from tests.handlers.test_hot_path import answer
from tests.handlers.test_onboarding import register
from tests.handlers.test_plan_journey import current_step


def database_file(services: Services) -> str:
    path = make_url(str(services.uow.engine.url)).database
    assert path
    return path


@pytest.fixture
def investor_in_the_plan(services: Services, dispatcher: Dispatcher) -> Iterator[None]:
    investor = person(dispatcher, "101", "李明")
    register(investor)
    investor.says("/new")
    yield


def hold_write_lock(path: str, seconds: float) -> threading.Thread:
    """Another program takes SQLite's write lock and keeps it for a while."""
    taken = threading.Event()

    def run() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=run)
    thread.start()
    taken.wait()
    return thread


def test_an_answer_waits_for_another_writer_and_is_taken(
    services: Services, dispatcher: Dispatcher, investor_in_the_plan: None
):
    holder = hold_write_lock(database_file(services), 0.3)
    try:
        replies = dispatcher.handle(answer(1, "年产30万套新能源汽车电机壳体项目")).replies
    finally:
        holder.join()
    assert "第 2/" in replies[-1].text
    assert current_step(services.uow, "101") == "content"


def test_a_backup_reading_the_database_holds_no_answer_back(
    services: Services, dispatcher: Dispatcher, investor_in_the_plan: None
):
    reader = sqlite3.connect(database_file(services), isolation_level=None)
    reader.execute("BEGIN")  # a read transaction, as the backup API keeps while it copies
    reader.execute("SELECT count(*) FROM formdraft").fetchone()
    try:
        for update_id, text in enumerate(
            ["年产30万套新能源汽车电机壳体项目", "新建标准厂房，生产新能源汽车电机壳体。"], start=1
        ):
            dispatcher.handle(answer(update_id, text))
        assert current_step(services.uow, "101") == "investor"
    finally:
        reader.execute("COMMIT")
        reader.close()


def test_a_lock_held_past_the_timeout_keeps_nothing_and_says_the_database_is_unavailable(
    services: Services, dispatcher: Dispatcher, investor_in_the_plan: None
):
    impatient = UnitOfWorkFactory(
        make_engine(str(services.uow.engine.url), busy_timeout=0.1), services.uow.clock
    )
    dispatcher = Dispatcher(replace(services, uow=impatient))
    holder = hold_write_lock(database_file(services), 0.6)
    try:
        with pytest.raises(StorageUnavailable):
            dispatcher.handle(answer(1, "年产30万套新能源汽车电机壳体项目"))
    finally:
        holder.join()
    assert current_step(services.uow, "101") == "name"
    # The same update, delivered again once the lock is gone, is taken: it was not recorded.
    replies = dispatcher.handle(answer(1, "年产30万套新能源汽车电机壳体项目")).replies
    assert "第 2/" in replies[-1].text
    impatient.engine.dispose()
