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
# Calls in flight at once: more only crowd the HTTP client's pool (a paid broadcast limit
# would otherwise start a thousand calls in the same instant), and a few dozen keep even
# 1000 a second going at tens of milliseconds a call.
MAX_IN_FLIGHT: Final = 8


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
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self._chat_interval = chat_interval
        # Sliding logs, not token buckets: a bucket refilled at 30/s lets 60 through in
        # some one-second window, which Telegram answers with a 429.
        # Each entry is [time, done]: the start of a call, moved to its end once it finishes,
        # so the window counts calls as Telegram sees them arrive, however slow the network.
        self._per_second = per_second
        self._max_in_flight = max_in_flight
        self._recent: deque[list[float | bool]] = deque(maxlen=per_second)
        self._line: deque[asyncio.Future[None]] = deque()
        self._call_ended = asyncio.Event()
        # What came of the latest calls (chat, refused): evidence for the bot's own limit.
        self._outcomes: deque[tuple[str, bool]] = deque(maxlen=per_second)
        self._inflight: dict[str, list[float | bool]] = {}
        self._group_size = group_per_minute
        self._groups: dict[str, deque[float]] = {}
        self._last: dict[str, float] = {}
        self._blocked_all = -math.inf
        self._blocked: dict[str, float] = {}
        self._next_prune = self.clock.monotonic() + _PRUNE_EVERY

    @property
    def per_second(self) -> int:
        """Messages a second overall."""
        return self._per_second

    def delay(self, chat_id: str | None = None) -> float:
        """Seconds until a message to this chat (or to any chat) may go; 0 if now."""
        at = max(self._window_free(), self._chat_free(chat_id))
        return max(0.0, at - self.clock.monotonic())

    def _window_free(self) -> float:
        """When the overall window has room for one more call."""
        if len(self._inflight) >= self._max_in_flight:
            return self.clock.monotonic() + _IN_FLIGHT_POLL
        if len(self._recent) < self._per_second:
            return -math.inf
        oldest_time, oldest_done = self._recent[0]
        if oldest_done:
            return float(oldest_time) + 1.0
        return self.clock.monotonic() + _IN_FLIGHT_POLL

    def _chat_free(self, chat_id: str | None) -> float:
        """When this chat's own limits (and a block of everyone) let a call go."""
        at = self._blocked_all
        if chat_id is not None:
            at = max(at, self._blocked.get(chat_id, -math.inf))
            last = self._last.get(chat_id)
            if last is not None:
                at = max(at, last + self._chat_interval)
            log = self._groups.get(chat_id)
            if log is not None and len(log) == log.maxlen:
                at = max(at, log[0] + 60.0)
        return at

    async def wait(self, chat_id: str | None = None) -> None:
        """Wait until this chat's own limits let a message go, without taking a slot or a
        place in the line for the overall window."""
        while (pause := self._chat_free(chat_id) - self.clock.monotonic()) > 0:
            await self.clock.sleep(pause)

    async def acquire(
        self, chat_id: str, max_wait: float | None = None, *, track: bool = False
    ) -> None:
        """Wait for a slot for one message to this chat and take it; raise Throttled instead
        when that would take longer than `max_wait` seconds.

        A chat waits for its own limits on its own; then it queues for the overall window,
        first come first served, so that the oldest notification goes first and a chat held
        by a 429 holds no one else back."""
        deadline = None if max_wait is None else self.clock.monotonic() + max_wait
        while True:
            while (pause := self._chat_free(chat_id) - self.clock.monotonic()) > 0:
                self._check(deadline, pause, chat_id)
                await self.clock.sleep(pause)
            await self._in_line(deadline, chat_id)
            if self._chat_free(chat_id) <= self.clock.monotonic():
                self._take(chat_id, track)
                return
            # Everyone was blocked while this one queued: wait again (rare).

    def _check(self, deadline: float | None, pause: float, chat_id: str) -> None:
        if deadline is not None and self.clock.monotonic() + pause > deadline:
            raise Throttled(pause, f"rate limit: {chat_id} is free in {pause:.1f} s")

    async def _in_line(self, deadline: float | None, chat_id: str) -> None:
        """Return once this caller is first in line and the window has room."""
        ahead = len(self._line)
        if ahead or self._window_free() > self.clock.monotonic():
            estimate = self.delay() + ahead / self._per_second
            self._check(deadline, estimate, chat_id)
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._line.append(turn)
        try:
            if ahead:
                await turn
            while (pause := self._window_free() - self.clock.monotonic()) > 0:
                if self._held_by_calls():
                    # Woken by the call that ends, not by polling.
                    self._call_ended.clear()
                    await self._call_ended.wait()
                else:
                    await self.clock.sleep(pause)
        finally:
            self._leave(turn)

    def _held_by_calls(self) -> bool:
        """Whether the window waits for calls in flight to end, rather than for time."""
        if len(self._inflight) >= self._max_in_flight:
            return True
        return len(self._recent) >= self._per_second and not self._recent[0][1]

    def _leave(self, turn: asyncio.Future[None]) -> None:
        head = bool(self._line) and self._line[0] is turn
        self._line.remove(turn)  # futures compare by identity
        if head and self._line and not self._line[0].done():
            self._line[0].set_result(None)

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
            self._call_ended.set()

    def delivered(self, chat_id: str) -> None:
        """A call to this chat went through (call `finished` as well)."""
        self._outcomes.append((chat_id, False))

    def refused(self, seconds: float, chat_id: str) -> None:
        """Telegram refused a call to this chat with a 429 (call `finished` as well): the
        chat waits `seconds`, and the call gives its place in the window back, since it
        carried no message. When the latest calls show the bot itself over the limit,
        everyone waits."""
        self.block(seconds, chat_id)
        entry = self._inflight.pop(chat_id, None)
        if entry is not None:
            self._call_ended.set()
            # By identity: another call's entry may be equal to this one.
            at = next((i for i, e in enumerate(self._recent) if e is entry), None)
            if at is not None:  # else already pushed out of the window
                del self._recent[at]
        held = self.blocked_chats()
        self._outcomes.append((chat_id, True))
        refusals = [chat for chat, refused in self._outcomes if refused]
        # One chat's flood control is a 429 now and then among deliveries. Telegram's own
        # limit refuses nearly everything: several chats held at once, and a large share
        # of the latest calls refused (a random 5 % never gets there).
        if held > 1 and len(set(refusals)) > 1 and 3 * len(refusals) >= len(self._outcomes):
            self.block(seconds)

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
