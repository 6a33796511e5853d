"""The unit of work: one transaction with its repositories; it rolls back unless committed.
It carries the clock: every timestamp that storage writes comes from it."""

from __future__ import annotations

import threading
import weakref
from collections import deque
from datetime import datetime
from types import TracebackType
from typing import Any, Final

from sqlalchemy import Engine, bindparam, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapper, UOWTransaction
from sqlmodel import Session, col, select

from storage.errors import StorageUnavailable, is_unavailable
from storage.repositories.decisions import DecisionRepository
from storage.repositories.drafts import DraftRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.projects import ProjectRepository
from storage.repositories.reports import ReportRepository
from storage.repositories.review import ReviewRepository
from storage.repositories.service import ServiceRepository
from storage.tables import AuditEntry, ProcessedUpdate, ScheduledRun
from storage.types import Clock, is_stamped

_UPSERT: Final = frozenset({"sqlite", "postgresql"})
"""The dialects whose INSERT can skip a row whose key is there."""

# Built once per dialect: every update runs it, and building it costs more than running it.
_RECORD_UPDATE: Final = {
    name: insert(ProcessedUpdate)
    .values(key=bindparam("key"), at=bindparam("at"))
    .on_conflict_do_nothing(index_elements=["key"])
    .returning(col(ProcessedUpdate.key))
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


class WriterLock:
    """A re-entrant lock handed to its waiters in the order they came.

    Python's own lock is not fair: a thread that releases it and asks again at once (the
    leader's sweep going from one router's transaction to the next) usually gets it back ahead
    of a thread that has been waiting, so an answer could wait for the whole sweep."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._waiting: deque[tuple[int, threading.Event]] = deque()

    def acquire(self) -> None:
        """Wait for the lock, behind everyone who asked before."""
        me = threading.get_ident()
        with self._guard:
            if self._owner == me:
                self._depth += 1
                return
            if self._owner is None and not self._waiting:
                self._owner, self._depth = me, 1
                return
            turn = threading.Event()
            self._waiting.append((me, turn))
        turn.wait()  # release() made this thread the owner before setting it

    def release(self) -> None:
        """Give the lock up; the longest waiter gets it."""
        with self._guard:
            if self._owner != threading.get_ident():
                raise RuntimeError("the writer lock is not held by this thread")
            self._depth -= 1
            if self._depth:
                return
            if self._waiting:
                self._owner, turn = self._waiting.popleft()
                self._depth = 1
                turn.set()
            else:
                self._owner = None

    @property
    def waiting(self) -> int:
        """How many threads wait for the lock."""
        with self._guard:
            return len(self._waiting)


_WRITERS: weakref.WeakKeyDictionary[Engine, WriterLock] = weakref.WeakKeyDictionary()
_WRITERS_GUARD = threading.Lock()


def writer_lock(engine: Engine) -> WriterLock | None:
    """The lock that lets one unit of work at a time into a SQLite database from this process;
    None for a server database, which takes concurrent transactions.

    SQLite has one writer. Without this, threads that start together all reach the write lock
    and all but one sleep in SQLite's busy handler, in growing steps (issue 13); queued on this
    lock, each goes on the moment the one before commits, in the order they came."""
    if engine.dialect.name != "sqlite":
        return None
    with _WRITERS_GUARD:
        lock = _WRITERS.get(engine)
        if lock is None:
            lock = _WRITERS[engine] = WriterLock()
        return lock


class ClockedSession(Session):
    """A session that knows the unit of work's clock: new rows flushed with a stamped
    timestamp still empty (`storage.types.stamped_column`) get the clock's time."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        super().__init__(engine, expire_on_commit=False)
        self.clock = clock


_STAMPED_ATTRIBUTES: dict[type[Any], tuple[str, ...]] = {}


def _stamped_attributes(model: type[Any]) -> tuple[str, ...]:
    """The attributes of a table model that the unit of work stamps."""
    found = _STAMPED_ATTRIBUTES.get(model)
    if found is None:
        mapper: Mapper[Any] = inspect(model)
        found = tuple(
            attr.key for attr in mapper.column_attrs if any(is_stamped(c) for c in attr.columns)
        )
        _STAMPED_ATTRIBUTES[model] = found
    return found


@event.listens_for(ClockedSession, "before_flush")
def _stamp_new_rows(session: ClockedSession, _flush: UOWTransaction, _instances: Any) -> None:
    if not session.new:
        return
    now = session.clock()
    for row in session.new:
        for name in _stamped_attributes(type(row)):
            if getattr(row, name) is None:
                setattr(row, name, now)


class UnitOfWork:
    """A transaction: domain change, audit rows and outbox rows commit together or not at all."""

    session: Session
    people: PeopleRepository
    projects: ProjectRepository
    drafts: DraftRepository
    outbox: OutboxRepository
    reviews: ReviewRepository
    decisions: DecisionRepository
    reports: ReportRepository
    service: ServiceRepository

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        self._committed = False
        self._writer = writer_lock(engine)

    def __enter__(self) -> UnitOfWork:
        if self._writer is not None:
            self._writer.acquire()
        self.session = ClockedSession(self._engine, self._clock)
        now = self.now
        self.people = PeopleRepository(self.session, now)
        self.projects = ProjectRepository(self.session, now)
        self.drafts = DraftRepository(self.session, now)
        self.outbox = OutboxRepository(self.session, now)
        self.reviews = ReviewRepository(self.session, now)
        self.decisions = DecisionRepository(self.session, now)
        self.reports = ReportRepository(self.session, now)
        self.service = ServiceRepository(self.session, now)
        self._committed = False
        return self

    def now(self) -> datetime:
        """The current time on the unit of work's clock, aware, in UTC."""
        return self._clock()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self.session.rollback()
            self.session.close()
        except Exception as cleanup:
            if exc is None and not is_unavailable(cleanup):
                raise
            # The connection is gone with the server; the pool drops it. What was raised in the
            # unit is the failure to report.
        finally:
            if self._writer is not None:
                self._writer.release()
        if exc is not None and not isinstance(exc, StorageUnavailable) and is_unavailable(exc):
            raise StorageUnavailable(str(exc).splitlines()[0]) from exc

    def commit(self) -> None:
        """Make every change of this unit durable."""
        self.session.commit()
        self._committed = True

    def rollback(self) -> None:
        """Discard every change so far (the unit may go on)."""
        self.session.rollback()

    def first_run(self, key: str, result: str | None = None) -> bool:
        """Record a piece of scheduled work as done; False if it was done before."""
        found = self.session.exec(select(ScheduledRun).where(ScheduledRun.key == key)).first()
        if found is not None:
            return False
        self.session.add(ScheduledRun(key=key, result=result))
        self.session.flush()
        return True

    def first_time(self, update_key: str) -> bool:
        """Record an update as handled; False if it was handled before (a redelivery).

        One statement, the transaction's first write: an INSERT that does nothing when the key
        is there (SQLite and PostgreSQL both say ON CONFLICT DO NOTHING)."""
        engine_dialect = self.session.get_bind().dialect
        dialect = engine_dialect.name
        old_sqlite = dialect == "sqlite" and (engine_dialect.server_version_info or ()) < (3, 35)
        if dialect not in _UPSERT or old_sqlite:  # RETURNING came with SQLite 3.35
            if self.session.get(ProcessedUpdate, update_key) is not None:
                return False
            self.session.add(ProcessedUpdate(key=update_key))
            self.session.flush()
            return True
        stmt = _RECORD_UPDATE[dialect]
        params = {"key": update_key, "at": self.now()}
        return self.session.connection().execute(stmt, params).first() is not None

    def audit(
        self,
        action: str,
        object_type: str,
        object_id: Any = None,
        *,
        actor_id: int | None = None,
        actor_external: str | None = None,
        from_value: Any = None,
        to_value: Any = None,
        note: str | None = None,
        allowed: bool = True,
    ) -> AuditEntry:
        """Record who did what; refused attempts are recorded with allowed=False."""
        entry = AuditEntry(
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            actor_id=actor_id,
            actor_external=actor_external,
            from_value=None if from_value is None else str(from_value)[:200],
            to_value=None if to_value is None else str(to_value)[:200],
            note=note,
            allowed=allowed,
        )
        self.session.add(entry)
        return entry

    def audits(self, action: str, limit: int = 10) -> list[AuditEntry]:
        """The latest allowed entries of one action, newest first."""
        stmt = (
            select(AuditEntry)
            .where(AuditEntry.action == action, AuditEntry.allowed == True)  # noqa: E712
            .order_by(AuditEntry.id.desc())  # type: ignore[union-attr]
            .limit(limit)
        )
        return list(self.session.exec(stmt).all())


class UnitOfWorkFactory:
    """Makes units of work on one engine and one clock; built once in the composition root,
    which hands the same clock to the services."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.clock)
