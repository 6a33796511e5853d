"""Shared fixtures: the policy, the renderer, the clock, a fresh database per test (SQLite,
PostgreSQL)."""

from __future__ import annotations

import os

# python-telegram-bot 22 warns on int retry_after unless time periods are timedeltas.
os.environ.setdefault("PTB_TIMEDELTA", "true")
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import make_engine, migrate
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from workflow.policy import Policy
from workflow.policy_file import load_default_policy


def _sleep_on_a_timed_wait(seconds: float) -> None:
    """time.sleep, waiting on a lock instead of clock_nanosleep."""
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    threading.Event().wait(seconds)


# .ci/run also runs the suite under `faketime` with FAKETIME_DONT_FAKE_MONOTONIC=1 (only the
# calendar moves). libfaketime 0.9.10 then fails every time.sleep with EINVAL (its
# clock_nanosleep on an absolute monotonic deadline); timed waits on locks are unaffected.
try:
    time.sleep(1e-6)
except OSError:
    time.sleep = _sleep_on_a_timed_wait  # type: ignore[assignment]

PG_URL = os.environ.get("ZHAOSHANG_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


class Clock:
    """A clock the test moves by hand; the units of work and the services share it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


# Monday 2026-11-23, 10:00 in Asia/Shanghai: a working day in a year that chinese-calendar
# knows. Every test runs at this time unless it sets its own, whatever the date of the run.
TEST_NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    """The test's clock, at TEST_NOW."""
    return Clock(TEST_NOW)


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The shipped Qingxin policy."""
    return load_default_policy()


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    """The message renderer."""
    return Renderer()


def _fresh_postgres() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("ZHAOSHANG_TEST_DATABASE_URL is not set")
    name = f"zs_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each backend, new for every test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'zhaoshang.db'}"
    else:
        yield from _fresh_postgres()


@pytest.fixture
def uow_factory(database_url: str, clock: Clock) -> Iterator[UnitOfWorkFactory]:
    """A migrated database and its unit-of-work factory, on the test's clock."""
    migrate(database_url)
    factory = UnitOfWorkFactory(make_engine(database_url), clock)
    try:
        yield factory
    finally:
        factory.engine.dispose()


@pytest.fixture
def sqlite_uow_factory(tmp_path: Path, clock: Clock) -> Iterator[UnitOfWorkFactory]:
    """A migrated SQLite database only, for tests that are not about the backend."""
    url = f"sqlite:///{tmp_path / 'zhaoshang.db'}"
    migrate(url)
    factory = UnitOfWorkFactory(make_engine(url), clock)
    try:
        yield factory
    finally:
        factory.engine.dispose()
