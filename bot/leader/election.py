"""Leader election: one process among those on one database runs the scheduler and the sender."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final, Protocol

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

LOCK_NAME: Final = "zhaoshang-leader"
# Advisory lock keys are one bigint per database; hashing the name keeps clear of small keys
# other tools on the same database tend to pick.
LOCK_KEY: Final = int.from_bytes(hashlib.sha256(LOCK_NAME.encode()).digest()[:8], signed=True)

Callback = Callable[[], Awaitable[None]]


class _Lock(Protocol):
    """The lock a leader holds; it is released when its holder's process dies."""

    description: str

    async def try_acquire(self) -> bool: ...

    async def alive(self) -> bool: ...

    async def release(self) -> None: ...


class _AdvisoryLock:
    """A PostgreSQL session-level advisory lock held on a connection of its own."""

    def __init__(self, conninfo: str, timeout: float) -> None:
        self.description = "PostgreSQL advisory lock"
        self._conninfo = conninfo
        self._timeout = timeout
        self._conn: psycopg.AsyncConnection[tuple[object, ...]] | None = None

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; connect first if needed."""
        if self._conn is None or self._conn.closed:
            self._conn = await psycopg.AsyncConnection.connect(
                self._conninfo,
                autocommit=True,
                connect_timeout=max(2, round(self._timeout)),
                application_name=LOCK_NAME,
                # A leader cut off by the network must notice as soon as the server has let
                # its lock go to someone else.
                keepalives=1,
                keepalives_idle=10,
                keepalives_interval=5,
                keepalives_count=3,
            )
        cursor = await asyncio.wait_for(
            self._conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)), self._timeout
        )
        row = await cursor.fetchone()
        return bool(row and row[0])

    async def alive(self) -> bool:
        """Whether the lock's connection still answers (the lock lives as long as it does)."""
        if self._conn is None or self._conn.closed:
            return False
        try:
            await asyncio.wait_for(self._conn.execute("SELECT 1"), self._timeout)
        except (psycopg.Error, OSError, TimeoutError):
            return False
        return True

    async def release(self) -> None:
        """Close the connection: ending the session frees the lock."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                await conn.close()


class _FileLock:
    """An exclusive flock on a file beside the SQLite database."""

    def __init__(self, path: Path | None) -> None:
        self.description = f"flock on {path}" if path else "in-memory database"
        self._path = path
        self._fd: int | None = None
        self._held = False

    async def try_acquire(self) -> bool:
        """Take the lock if no other process (or open file) holds it."""
        if self._path is None:  # nobody else can see an in-memory database
            self._held = True
            return True
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # which process leads, for an operator
        self._fd, self._held = fd, True
        return True

    async def alive(self) -> bool:
        """Whether the lock is held: a flock lasts as long as its file stays open."""
        return self._held

    async def release(self) -> None:
        """Close the file, which drops the flock."""
        fd, self._fd, self._held = self._fd, None, False
        if fd is not None:
            os.close(fd)


def _lock_for(url: str, timeout: float) -> _Lock:
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        database = u.database
        if not database or database == ":memory:":
            return _FileLock(None)
        return _FileLock(Path(f"{database}.leader"))
    if backend in ("postgresql", "postgres"):
        conninfo = u.set(drivername="postgresql").render_as_string(hide_password=False)
        return _AdvisoryLock(conninfo, timeout)
    raise ValueError(f"no leader election for {backend} databases")


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


class Leadership:
    """Whether this process is the one, among those on one database, that runs scheduled work.

    PostgreSQL: a session-level advisory lock on a dedicated connection, freed by the server
    when the leader's connection drops. SQLite: an exclusive flock on ``<database>.leader``,
    freed by the kernel when the leader's process dies.
    """

    def __init__(
        self,
        url: str,
        *,
        retry_seconds: float = 5.0,
        check_seconds: float = 5.0,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.retry_seconds = retry_seconds
        self.check_seconds = check_seconds
        self.is_leader = False
        self._lock = _lock_for(url, timeout_seconds)

    async def acquire_loop(
        self, on_elected: Callback, on_lost: Callback, stop: asyncio.Event
    ) -> None:
        """Seek leadership until `stop` is set; `on_elected` on winning, `on_lost` on losing."""
        # on_lost runs before the lock is let go, so on a stop or a failed start-up this
        # leader's work has stopped before a successor can be elected.
        try:
            while not stop.is_set():
                if await self._try_acquire():
                    await self._lead(on_elected, on_lost, stop)
                await _wait(stop, self.retry_seconds)
        finally:
            await self._lock.release()

    async def _try_acquire(self) -> bool:
        try:
            return await self._lock.try_acquire()
        except (psycopg.Error, OSError, TimeoutError) as exc:
            # The database is down or restarting: a standby keeps trying.
            log.warning("leader election could not reach the database: %s", exc)
            await self._lock.release()
            return False

    async def _lead(self, on_elected: Callback, on_lost: Callback, stop: asyncio.Event) -> None:
        self.is_leader = True
        log.info("elected leader (pid %d, %s)", os.getpid(), self._lock.description)
        try:
            await on_elected()
            while not stop.is_set():
                await _wait(stop, self.check_seconds)
                if not stop.is_set() and not await self._lock.alive():
                    log.warning("lost leadership: the lock's connection is gone")
                    break
        except Exception:
            log.exception("the leader failed to start its work; stepping down")
        finally:
            self.is_leader = False
            try:
                await on_lost()
            except Exception:
                log.exception("the leader failed to stop its work")
            finally:
                await self._lock.release()
        if stop.is_set():
            log.info("released leadership (pid %d)", os.getpid())
