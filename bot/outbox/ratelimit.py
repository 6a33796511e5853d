"""Telegram's sending limits: 30 messages a second overall, 1 a second per chat, 20 a minute
per group; and flood-control blocks after a 429."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Final, Protocol

from bot.clock import utcnow
from bot.messenger import RetryLater

PER_SECOND: Final = 30
CHAT_INTERVAL: Final = 1.0
GROUP_PER_MINUTE: Final = 20
_PRUNE_EVERY: Final = 60.0


class Clock(Protocol):
    """The time as the sender and the limiter see it; swapped for a fake one in tests."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait this long."""
        ...


class SystemClock:
    """The real clock; `now` may be given, so that the sender tells the time by the same clock
    as the units of work."""

    def __init__(self, now: Callable[[], datetime] = utcnow) -> None:
        self._now = now

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        return self._now()

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Wait this long."""
        await asyncio.sleep(seconds)


class Throttled(RetryLater):
    """Our own limiter would make a send wait longer than the caller allows."""


def is_group(chat_id: str) -> bool:
    """Telegram gives groups and channels negative ids, private chats positive ones."""
    return chat_id.startswith("-")


_IN_FLIGHT_POLL = 0.01  # seconds between looks at a window held by a call in flight


class RateLimiter:
    """Hands out send slots within the limits; one instance per bot token, shared by every
    task of the process that sends with that token."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        per_second: int = PER_SECOND,
        chat_interval: float = CHAT_INTERVAL,
        group_per_minute: int = GROUP_PER_MINUTE,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self._chat_interval = chat_interval
        # Sliding logs, not token buckets: a bucket refilled at 30/s lets 60 through in
        # some one-second window, which Telegram answers with a 429.
        # Each entry is [time, done]: the start of a call, moved to its end once it finishes,
        # so the window counts calls as Telegram sees them arrive, however slow the network.
        self._recent: deque[list[float | bool]] = deque(maxlen=per_second)
        self._inflight: dict[str, list[float | bool]] = {}
        self._group_size = group_per_minute
        self._groups: dict[str, deque[float]] = {}
        self._last: dict[str, float] = {}
        self._blocked_all = -math.inf
        self._blocked: dict[str, float] = {}
        self._next_prune = self.clock.monotonic() + _PRUNE_EVERY

    def delay(self, chat_id: str | None = None) -> float:
        """Seconds until a message to this chat (or to any chat) may go; 0 if now."""
        at = self._blocked_all
        if len(self._recent) == self._recent.maxlen:
            oldest_time, oldest_done = self._recent[0]
            if oldest_done:
                at = max(at, float(oldest_time) + 1.0)
            else:
                at = max(at, self.clock.monotonic() + _IN_FLIGHT_POLL)
        if chat_id is not None:
            at = max(at, self._blocked.get(chat_id, -math.inf))
            last = self._last.get(chat_id)
            if last is not None:
                at = max(at, last + self._chat_interval)
            log = self._groups.get(chat_id)
            if log is not None and len(log) == log.maxlen:
                at = max(at, log[0] + 60.0)
        return max(0.0, at - self.clock.monotonic())

    async def wait(self, chat_id: str | None = None) -> None:
        """Wait until a message to this chat may go, without taking the slot."""
        while (pause := self.delay(chat_id)) > 0:
            await self.clock.sleep(pause)

    async def acquire(
        self, chat_id: str, max_wait: float | None = None, *, track: bool = False
    ) -> None:
        """Wait for a slot for one message to this chat and take it; raise Throttled instead
        when that would take longer than `max_wait` seconds."""
        deadline = None if max_wait is None else self.clock.monotonic() + max_wait
        while (pause := self.delay(chat_id)) > 0:
            if deadline is not None and self.clock.monotonic() + pause > deadline:
                raise Throttled(pause, f"rate limit: {chat_id} is free in {pause:.1f} s")
            await self.clock.sleep(pause)
        self._take(chat_id, track)

    def finished(self, chat_id: str) -> None:
        """A call to this chat has completed: its next one waits a full interval from now.

        Telegram counts messages as they arrive; timing from the end of the previous call keeps
        the gap even when that call was slow to arrive and the next one fast. A call taken
        with `track=True` must be finished, or it holds its place in the window."""
        now = self.clock.monotonic()
        self._last[chat_id] = max(self._last.get(chat_id, -math.inf), now)
        entry = self._inflight.pop(chat_id, None)
        if entry is not None:
            entry[0], entry[1] = now, True

    def blocked_chats(self) -> int:
        """How many chats are held back by a 429 right now."""
        now = self.clock.monotonic()
        return sum(1 for until in self._blocked.values() if until > now)

    def block(self, seconds: float, chat_id: str | None = None) -> None:
        """Send nothing to this chat (or to anyone) for `seconds`, e.g. after a 429."""
        until = self.clock.monotonic() + seconds
        if chat_id is None:
            self._blocked_all = max(self._blocked_all, until)
        else:
            self._blocked[chat_id] = max(self._blocked.get(chat_id, -math.inf), until)

    def _take(self, chat_id: str, track: bool = False) -> None:
        now = self.clock.monotonic()
        entry: list[float | bool] = [now, not track]
        self._recent.append(entry)
        if track:
            self._inflight[chat_id] = entry
        self._last[chat_id] = now
        if is_group(chat_id):
            self._groups.setdefault(chat_id, deque(maxlen=self._group_size)).append(now)
        if now >= self._next_prune:
            self._prune(now)

    def _prune(self, now: float) -> None:
        """Forget chats that no longer constrain anything, so memory stays bounded."""
        self._next_prune = now + _PRUNE_EVERY
        self._last = {c: t for c, t in self._last.items() if t + self._chat_interval > now}
        self._blocked = {c: t for c, t in self._blocked.items() if t > now}
        self._groups = {c: log for c, log in self._groups.items() if log[-1] + 60.0 > now}
