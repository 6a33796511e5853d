"""The audit log, the outbox of notifications, stored files, cards, scheduled-run records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, stamped_column


class AuditEntry(SQLModel, table=True):
    """Who did what, when, from what to what; refused attempts are recorded too."""

    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default=None, sa_column=stamped_column())
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    actor_external: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=60)
    object_type: str = Field(max_length=30)
    object_id: str | None = Field(default=None, max_length=40)
    from_value: str | None = Field(default=None, max_length=200)
    to_value: str | None = Field(default=None, max_length=200)
    note: str | None = None
    allowed: bool = True


class OutboxMessage(SQLModel, table=True):
    """A notification queued for delivery by the sender, under the messenger's limits."""

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_card", "chat_id", "card", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default=None, sa_column=stamped_column())
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    chat_id: str = Field(max_length=64)
    messenger: str = Field(default="telegram", max_length=20)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    card: str | None = Field(default=None, max_length=60)  # a card this row edits in place
    # pending, sending, sent, failed; superseded: a newer edit of the same card replaced it
    status: str = Field(default="pending", max_length=12)
    attempts: int = 0
    next_attempt_at: datetime = Field(default=None, sa_column=stamped_column(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    message_id: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=300)
    reported: bool = False  # a failed-for-good row the office has been told about


class StoredFile(SQLModel, table=True):
    """A file we hold: a generated document, or an upload (storage/files.py), whose bytes are
    in `content` or, with a files folder, in the file named by `sha256`; the messenger's file
    id is only a shortcut for sending it again."""

    id: int | None = Field(default=None, primary_key=True)
    filename: str = Field(max_length=200)
    mime_type: str = Field(default="application/octet-stream", max_length=100)
    size: int | None = None
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    sha256: str | None = Field(default=None, max_length=64, index=True)
    messenger_file_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default=None, sa_column=stamped_column())


class CardMessage(SQLModel, table=True):
    """Where a named card (a progress card, a reviewer card) was last shown in a chat."""

    __table_args__ = (UniqueConstraint("chat_id", "card"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: str = Field(max_length=64)
    card: str = Field(max_length=60)
    message_id: str = Field(max_length=32)


class ScheduledRun(SQLModel, table=True):
    """A record that a scheduled piece of work was done, so it is never done twice."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)  # e.g. nag:monthly:econ:2026-11:d3
    ran_at: datetime = Field(default=None, sa_column=stamped_column())
    result: str | None = Field(default=None, max_length=200)


class ProcessedUpdate(SQLModel, table=True):
    """A messenger update already handled: a redelivery after a crash changes nothing."""

    key: str = Field(primary_key=True, max_length=80)  # e.g. telegram:123456789
    at: datetime = Field(default=None, sa_column=stamped_column(index=True))
