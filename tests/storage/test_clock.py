"""One clock in storage: the unit of work stamps every row from the clock it is given, never
from the wall clock, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.tables import (
    AuditEntry,
    FormDraft,
    OutboxMessage,
    Person,
    ProcessedUpdate,
    Project,
    ScheduledRun,
    StageChange,
)
from storage.uow import UnitOfWorkFactory
from tests.conftest import TEST_NOW, Clock


def test_every_row_is_stamped_from_the_unit_of_works_clock(
    uow_factory: UnitOfWorkFactory, clock: Clock
):
    with uow_factory() as uow:
        assert uow.now() == TEST_NOW
        person = uow.people.add(Person(name="投资人"))
        project = uow.projects.add(Project(serial="QX-2026-0001", name="项目", stage="lead"))
        uow.projects.record_creation(project, person.id)
        uow.drafts.save(person.id or 0, "42", "plan", {"step": "name"})
        uow.outbox.enqueue("42", {"text": "您好"})
        uow.audit("project.create", "project", project.id, actor_id=person.id)
        assert uow.first_time("telegram:1") and uow.first_run("sweep:2026-11-23")
        uow.commit()
    with uow_factory() as uow:
        stamps = [
            *uow.session.exec(select(Person.created_at)),
            *uow.session.exec(select(Project.created_at)),
            *uow.session.exec(select(Project.updated_at)),
            *uow.session.exec(select(StageChange.at)),
            *uow.session.exec(select(FormDraft.updated_at)),
            *uow.session.exec(select(OutboxMessage.created_at)),
            *uow.session.exec(select(OutboxMessage.next_attempt_at)),
            *uow.session.exec(select(AuditEntry.at)),
            *uow.session.exec(select(ProcessedUpdate.at)),
            *uow.session.exec(select(ScheduledRun.ran_at)),
        ]
    assert stamps == [TEST_NOW] * 10

    # Two weeks later, by the same clock: a stage change and its history.
    clock.advance(days=14)
    with uow_factory() as uow:
        found = uow.projects.by_serial("QX-2026-0001")
        assert found is not None
        uow.projects.move(found, "confirmed", "confirm", None)
        uow.commit()
    with uow_factory() as uow:
        found = uow.projects.by_serial("QX-2026-0001")
        assert found is not None
        assert (found.created_at, found.updated_at) == (TEST_NOW, TEST_NOW + timedelta(days=14))
        history = uow.projects.history(found.id or 0)
        assert [h.at for h in history] == [TEST_NOW, TEST_NOW + timedelta(days=14)]


def test_a_time_given_explicitly_is_kept(uow_factory: UnitOfWorkFactory):
    earlier = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    with uow_factory() as uow:
        uow.session.add(ProcessedUpdate(key="telegram:7", at=earlier))
        uow.commit()
    with uow_factory() as uow:
        assert uow.session.exec(select(ProcessedUpdate.at)).one() == earlier
