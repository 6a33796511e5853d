"""The outbox: notifications written in the same transaction as the change they announce."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.tables import CardMessage, OutboxMessage, StoredFile
from storage.types import Clock


class OutboxRepository:
    """Queue, claim and settle notifications."""

    def __init__(self, session: Session, now: Clock) -> None:
        self.session = session
        self.now = now

    def enqueue(
        self,
        chat_id: str,
        payload: dict[str, Any],
        *,
        person_id: int | None = None,
        file_id: int | None = None,
        dedupe_key: str | None = None,
        messenger: str = "telegram",
        not_before: datetime | None = None,
    ) -> OutboxMessage | None:
        """Queue a notification; with a dedupe key, a second one of the same key is dropped."""
        if dedupe_key is not None:
            found = self.session.exec(
                select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
            ).first()
            if found is not None:
                return None
        card = payload.get("card")
        if card:
            # Only the newest state of a card matters: older edits still waiting are dropped,
            # so a busy card (a review's progress) costs one message, not one per change.
            self.session.exec(  # type: ignore[call-overload]
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.chat_id) == chat_id,
                    col(OutboxMessage.card) == card,
                    col(OutboxMessage.status) == "pending",
                )
                .values(status="superseded")
            )
        msg = OutboxMessage(
            chat_id=chat_id,
            card=card,
            payload=payload,
            person_id=person_id,
            file_id=file_id,
            dedupe_key=dedupe_key,
            messenger=messenger,
            next_attempt_at=not_before or self.now(),
        )
        self.session.add(msg)
        self.session.flush()
        return msg

    def store_file(self, filename: str, content: bytes, mime_type: str) -> StoredFile:
        """Keep a generated document so that a notification can carry it."""
        f = StoredFile(filename=filename, content=content, mime_type=mime_type, size=len(content))
        self.session.add(f)
        self.session.flush()
        return f

    def due(
        self,
        now: datetime,
        limit: int = 100,
        *,
        messenger: str | None = None,
        skip_chats: Collection[str] = (),
    ) -> Sequence[OutboxMessage]:
        """Pending notifications whose time has come, in the order they were queued (a row
        retried after a 429 keeps its place); optionally of one messenger and leaving out
        chats the caller is busy with."""
        stmt = select(OutboxMessage).where(
            OutboxMessage.status == "pending", col(OutboxMessage.next_attempt_at) <= now
        )
        if messenger is not None:
            stmt = stmt.where(OutboxMessage.messenger == messenger)
        if skip_chats:
            stmt = stmt.where(col(OutboxMessage.chat_id).not_in(list(skip_chats)))
        stmt = stmt.order_by(col(OutboxMessage.id))
        return self.session.exec(stmt.limit(limit)).all()

    def chats_with_due(
        self, now: datetime, chats: Collection[str], *, messenger: str | None = None
    ) -> set[str]:
        """Which of these chats have a pending notification whose time has come."""
        if not chats:
            return set()
        stmt = select(OutboxMessage.chat_id).where(
            OutboxMessage.status == "pending",
            col(OutboxMessage.next_attempt_at) <= now,
            col(OutboxMessage.chat_id).in_(list(chats)),
        )
        if messenger is not None:
            stmt = stmt.where(OutboxMessage.messenger == messenger)
        return set(self.session.exec(stmt.distinct()).all())

    def next_attempt(self, messenger: str | None = None) -> datetime | None:
        """When the earliest unsettled row (pending, or leased to a sender) falls due."""
        stmt = select(func.min(OutboxMessage.next_attempt_at)).where(
            col(OutboxMessage.status).in_(("pending", "sending"))
        )
        if messenger is not None:
            stmt = stmt.where(OutboxMessage.messenger == messenger)
        return self.session.exec(stmt).one()

    def claim(self, message_id: int, lease: timedelta, now: datetime) -> bool:
        """Take a pending row for sending; False if another sender has it."""
        stmt = (
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.status) == "pending")
            .values(
                status="sending",
                attempts=col(OutboxMessage.attempts) + 1,
                next_attempt_at=now + lease,
            )
        )
        return bool(self.session.exec(stmt).rowcount)  # type: ignore[call-overload]

    def claim_many(self, ids: Collection[int], lease: timedelta, now: datetime) -> set[int]:
        """Take these pending rows for sending in one statement; the ids actually taken (the
        others have another sender)."""
        if not ids:
            return set()
        stmt = (
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(list(ids)), col(OutboxMessage.status) == "pending")
            .values(
                status="sending",
                attempts=col(OutboxMessage.attempts) + 1,
                next_attempt_at=now + lease,
            )
            .returning(col(OutboxMessage.id))
        )
        return set(self.session.exec(stmt).scalars())  # type: ignore[call-overload]

    def release(self, ids: Collection[int], now: datetime) -> int:
        """Give back rows taken for sending but never tried: pending again now, and the
        attempt is not counted."""
        if not ids:
            return 0
        stmt = (
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(list(ids)), col(OutboxMessage.status) == "sending")
            .values(
                status="pending", next_attempt_at=now, attempts=col(OutboxMessage.attempts) - 1
            )
        )
        return int(self.session.exec(stmt).rowcount)  # type: ignore[call-overload]

    def release_stale(self, now: datetime) -> int:
        """Rows left in 'sending' by a dead sender go back to pending after their lease."""
        stmt = (
            update(OutboxMessage)
            .where(
                col(OutboxMessage.status) == "sending", col(OutboxMessage.next_attempt_at) <= now
            )
            .values(status="pending")
        )
        return int(self.session.exec(stmt).rowcount)  # type: ignore[call-overload]

    def mark_sent(self, message_id: int, external_message_id: str | None, now: datetime) -> None:
        """A row was delivered."""
        stmt = (
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id)
            .values(status="sent", sent_at=now, message_id=external_message_id, error=None)
        )
        self.session.exec(stmt)  # type: ignore[call-overload]

    def mark_sent_many(self, rows: Sequence[tuple[int, str | None, datetime]]) -> None:
        """Rows delivered, each (row id, its message's id, when), in one statement."""
        if not rows:
            return
        table = OutboxMessage.__table__  # type: ignore[attr-defined]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("row"))
            .values(status="sent", sent_at=bindparam("at"), message_id=bindparam("sent_as"))
            .values(error=None)
        )
        params = [{"row": i, "sent_as": m, "at": at} for i, m, at in rows]
        self.session.connection().execute(stmt, params)

    def mark_retry(self, message_id: int, at: datetime, error: str) -> None:
        """A row failed for now; try again at `at`."""
        stmt = (
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id)
            .values(status="pending", next_attempt_at=at, error=error[:300])
        )
        self.session.exec(stmt)  # type: ignore[call-overload]

    def postpone(self, message_id: int, at: datetime, error: str) -> None:
        """A claimed row was not tried through no fault of its own (flood control): back to
        pending at `at`, and the attempt is not counted."""
        stmt = (
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id)
            .values(
                status="pending",
                next_attempt_at=at,
                error=error[:300],
                attempts=col(OutboxMessage.attempts) - 1,
            )
        )
        self.session.exec(stmt)  # type: ignore[call-overload]

    def mark_failed(self, message_id: int, error: str) -> None:
        """A row can never be delivered (blocked bot, deleted chat)."""
        stmt = (
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id)
            .values(status="failed", error=error[:300])
        )
        self.session.exec(stmt)  # type: ignore[call-overload]

    def failed_unreported(self, limit: int = 50) -> Sequence[OutboxMessage]:
        """Failed-for-good rows the office has not been told about."""
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.status == "failed", col(OutboxMessage.reported).is_(False))
            .order_by(col(OutboxMessage.id))
            .limit(limit)
        )
        return self.session.exec(stmt).all()

    def take_failed_unreported(self, limit: int = 50) -> Sequence[OutboxMessage]:
        """Mark failed-for-good rows reported and return them; a row is taken by one caller
        only, even with several senders, and stays unreported if the caller rolls back."""
        unreported = (
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "failed", col(OutboxMessage.reported).is_(False))
            .order_by(col(OutboxMessage.id))
            .limit(limit)
        )
        # The outer `reported IS false` is re-checked by PostgreSQL after a concurrent
        # update commits, so a second sender takes nothing.
        stmt = (
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id).in_(unreported.scalar_subquery()),
                col(OutboxMessage.reported).is_(False),
            )
            .values(reported=True)
            .returning(col(OutboxMessage.id))
        )
        ids = list(self.session.exec(stmt).scalars())  # type: ignore[call-overload]
        if not ids:
            return []
        rows = select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
        return self.session.exec(rows.order_by(col(OutboxMessage.id))).all()

    def card_message(self, chat_id: str, card: str) -> str | None:
        """The message where a named card was last shown in a chat."""
        stmt = select(CardMessage.message_id).where(
            CardMessage.chat_id == chat_id, CardMessage.card == card
        )
        return self.session.exec(stmt).first()

    def remember_card(self, chat_id: str, card: str, message_id: str) -> None:
        """Record where a named card is now shown in a chat."""
        stmt = (
            update(CardMessage)
            .where(col(CardMessage.chat_id) == chat_id, col(CardMessage.card) == card)
            .values(message_id=message_id)
        )
        if self.session.exec(stmt).rowcount:  # type: ignore[call-overload]
            return
        try:
            with self.session.begin_nested():
                self.session.add(CardMessage(chat_id=chat_id, card=card, message_id=message_id))
        except IntegrityError:  # recorded meanwhile by another process: ours is newer
            self.session.exec(stmt)  # type: ignore[call-overload]

    def file(self, file_id: int) -> StoredFile | None:
        """A stored file by id."""
        return self.session.get(StoredFile, file_id)
