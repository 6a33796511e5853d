"""How one delivery attempt settles its outbox row: sent, postponed by flood control, retried
with backoff, or failed for good. Each is a change to apply to the row in a unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from bot.messenger import RetryLater
from storage.repositories.outbox import OutboxRepository

Settlement = Callable[[OutboxRepository], None]

MAX_BACKOFF: Final = 300.0  # seconds: the longest pause between two attempts


@dataclass(frozen=True, slots=True)
class Sent:
    """The row was delivered, as this message."""

    row_id: int
    message_id: str | None
    at: datetime

    def __call__(self, outbox: OutboxRepository) -> None:
        outbox.mark_sent(self.row_id, self.message_id, self.at)


def sent(row_id: int, message_id: str | None, now: datetime) -> Settlement:
    """The row was delivered, as this message."""
    return Sent(row_id, message_id, now)


def settle_all(outbox: OutboxRepository, settlements: Sequence[Settlement]) -> None:
    """Apply several rows' settlements (one each) together: the deliveries in one statement."""
    delivered = [s for s in settlements if isinstance(s, Sent)]
    if delivered:
        outbox.mark_sent_many([(s.row_id, s.message_id, s.at) for s in delivered])
    for settlement in settlements:
        if not isinstance(settlement, Sent):
            settlement(outbox)


def postponed(row_id: int, now: datetime, exc: RetryLater) -> Settlement:
    """The row was not tried (a 429, or our own limiter): pending again when the wait is over,
    and the attempt is not counted."""
    at, error = now + timedelta(seconds=exc.seconds), describe(exc)
    return lambda outbox: outbox.postpone(row_id, at, error)


def failed(row_id: int, exc: BaseException) -> Settlement:
    """The row can never be delivered (the chat is unreachable)."""
    error = describe(exc)
    return lambda outbox: outbox.mark_failed(row_id, error)


def retried_or_failed(
    row_id: int, attempts: int, max_attempts: int, now: datetime, exc: BaseException
) -> Settlement:
    """The attempt failed for now: tried again after a pause that doubles with each attempt,
    or given up after `max_attempts`."""
    if attempts >= max_attempts:
        gave_up = f"gave up after {attempts} attempts: {describe(exc)}"
        return lambda outbox: outbox.mark_failed(row_id, gave_up)
    pause = min(2.0 ** (attempts - 1), MAX_BACKOFF)
    at, error = now + timedelta(seconds=pause), describe(exc)
    return lambda outbox: outbox.mark_retry(row_id, at, error)


def describe(exc: BaseException) -> str:
    """An error as the row records it."""
    return str(exc) or type(exc).__name__
