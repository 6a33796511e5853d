"""One person made of two: a provisional person (the one a first message from a messenger
made) folded into the person they are, once they link that account (关联账号, /link).

Only what an unregistered visitor leaves behind moves: their accounts, drafts, queued
notifications, link invitations, and the audit's rows naming them as the actor (which stay,
naming the person they are). Anything else that names the provisional person is a record of
its own (a role, a project, an opinion…): such a person is not merged."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Column, func, update
from sqlmodel import Session, SQLModel, col, select

from storage.tables import (
    AuditEntry,
    FormDraft,
    Invitation,
    MessengerAccount,
    OutboxMessage,
    Person,
)

MOVED: Final[tuple[tuple[type[SQLModel], str], ...]] = (
    (MessengerAccount, "person_id"),
    (FormDraft, "person_id"),
    (OutboxMessage, "person_id"),
    (Invitation, "person_id"),
    (Invitation, "created_by"),
    (Invitation, "used_by"),
    (AuditEntry, "actor_id"),
)
"""The columns naming a person that follow them into the person they are."""


def _person_columns() -> list[Column[Any]]:
    """Every column of every table that names a person (a foreign key to person.id)."""
    return [
        column
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if any(fk.column.table.name == Person.__tablename__ for fk in column.foreign_keys)
    ]


def records_of(session: Session, person: Person) -> list[str]:
    """What names this person beyond what a visitor leaves behind, as "table.column" (and
    "person.consent_at", "person.from_roster" for a registration or a place in the roster);
    empty for a provisional person."""
    moved = {(str(entity.__tablename__), name) for entity, name in MOVED}
    found = [
        f"person.{name}"
        for name, value in (("consent_at", person.consent_at), ("from_roster", person.from_roster))
        if value
    ]
    for column in _person_columns():
        if (column.table.name, column.name) in moved:
            continue
        stmt = select(func.count()).select_from(column.table).where(column == person.id)
        if session.exec(stmt).one():
            found.append(f"{column.table.name}.{column.name}")
    return found


def merge_person(session: Session, source: Person, into: Person) -> None:
    """Move what names `source` to `into`, then remove `source`, which must have no records
    of its own (`records_of`)."""
    if records := records_of(session, source):
        raise ValueError(f"person {source.id} has records of their own: {records}")
    for entity, name in MOVED:
        stmt = update(entity).where(col(getattr(entity, name)) == source.id)
        session.execute(stmt.values({name: into.id}))
    session.flush()
    session.delete(source)
    session.flush()
