"""The unit of work: one transaction with its repositories; it rolls back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from storage.repositories.decisions import DecisionRepository
from storage.repositories.drafts import DraftRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.projects import ProjectRepository
from storage.repositories.reports import ReportRepository
from storage.repositories.review import ReviewRepository
from storage.repositories.service import ServiceRepository
from storage.tables import AuditEntry, ProcessedUpdate, ScheduledRun


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

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self._engine, expire_on_commit=False)
        self.people = PeopleRepository(self.session)
        self.projects = ProjectRepository(self.session)
        self.drafts = DraftRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.reviews = ReviewRepository(self.session)
        self.decisions = DecisionRepository(self.session)
        self.reports = ReportRepository(self.session)
        self.service = ServiceRepository(self.session)
        self._committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            self.session.rollback()
        self.session.close()

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
        """Record an update as handled; False if it was handled before (a redelivery)."""
        if self.session.get(ProcessedUpdate, update_key) is not None:
            return False
        self.session.add(ProcessedUpdate(key=update_key))
        self.session.flush()
        return True

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


class UnitOfWorkFactory:
    """Makes units of work on one engine; built once in the composition root."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.engine)
