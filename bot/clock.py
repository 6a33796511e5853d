"""The real clock. Only `bot/` reads the wall clock: the composition root hands this one to the
unit-of-work factory, and the services take the factory's clock, so every timestamp below
`bot/` comes from one clock (tests pass their own)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)
