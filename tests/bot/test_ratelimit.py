"""The rate limiter keeps to Telegram's limits, reaches them, and honours flood-control blocks."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

import pytest

from bot.outbox.ratelimit import RateLimiter, Throttled, is_group
from tests.conftest import TEST_NOW


class FakeClock:
    """Virtual time: a sleeper wakes when everything runnable has run, at exactly its time."""

    def __init__(self) -> None:
        self.t = 0.0
        self.start = TEST_NOW
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._driver: asyncio.Task[None] | None = None

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)

    def monotonic(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.t + max(seconds, 0.0), next(self._order), future))
        if self._driver is None or self._driver.done():
            self._driver = asyncio.create_task(self._drive())
        await future

    async def _drive(self) -> None:
        while self._sleepers:
            for _ in range(50):  # let whatever can run now run before time moves on
                await asyncio.sleep(0)
            wake, _, future = heapq.heappop(self._sleepers)
            if future.done():  # its sleeper was cancelled
                continue
            self.t = max(self.t, wake)
            future.set_result(None)


def assert_within_telegram_limits(sends: Iterable[tuple[str, float]]) -> None:
    """At most 30 sends in any one-second window, 1 a second per chat, 20 a minute per group."""
    sends = sorted(sends, key=lambda s: s[1])
    times = [t for _, t in sends]
    for i, t in enumerate(times):
        assert bisect_left(times, t + 1.0) - i <= 30, f"more than 30 sends in [{t}, {t + 1})"
    by_chat: dict[str, list[float]] = defaultdict(list)
    for chat_id, t in sends:
        by_chat[chat_id].append(t)
    for chat_id, chat_times in by_chat.items():
        gaps = [b - a for a, b in itertools.pairwise(chat_times)]
        assert all(gap >= 1.0 - 1e-9 for gap in gaps), f"{chat_id} got two sends within 1 s"
        if is_group(chat_id):
            for i, t in enumerate(chat_times):
                assert bisect_left(chat_times, t + 60.0) - i <= 20, f"{chat_id}: >20 a minute"


async def _send_all(limiter: RateLimiter, clock: FakeClock, chats: list[str]) -> list[float]:
    async def one(chat_id: str) -> float:
        await limiter.acquire(chat_id)
        return clock.t

    return list(await asyncio.gather(*(one(c) for c in chats)))


async def test_messages_to_one_private_chat_are_a_second_apart() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    times = [await _send_all(limiter, clock, ["42"]) for _ in range(5)]
    assert [t for [t] in times] == [0.0, 1.0, 2.0, 3.0, 4.0]


async def test_a_group_gets_at_most_twenty_messages_a_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    times = [(await _send_all(limiter, clock, ["-1001"]))[0] for _ in range(22)]
    assert times[:20] == [float(i) for i in range(20)]
    assert times[20:] == [60.0, 61.0]


async def test_a_crowd_of_chats_is_served_at_thirty_a_second_and_no_faster() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    chats = [str(1000 + i) for i in range(300)]
    times = await _send_all(limiter, clock, chats)
    assert_within_telegram_limits(zip(chats, times, strict=True))
    assert max(times) == pytest.approx(9.0)  # 300 messages in 10 one-second windows


async def test_a_block_after_a_429_holds_everyone_until_it_ends() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    limiter.block(5.0)
    assert limiter.delay("7") == 5.0
    assert await _send_all(limiter, clock, ["7", "8"]) == [5.0, 5.0]


async def test_a_blocked_chat_waits_while_the_others_go_on() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    limiter.block(5.0, "7")
    assert await _send_all(limiter, clock, ["8", "7", "9"]) == [0.0, 5.0, 0.0]


async def test_a_wait_longer_than_allowed_raises_throttled_without_taking_the_slot() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    await limiter.acquire("7")
    with pytest.raises(Throttled) as caught:
        await limiter.acquire("7", max_wait=0.5)
    assert caught.value.seconds == pytest.approx(1.0)
    await limiter.acquire("7", max_wait=1.0)
    assert clock.t == 1.0


async def test_waiting_for_a_turn_does_not_use_it_up() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    await limiter.acquire("7")
    await limiter.wait("7")
    assert clock.t == 1.0
    await limiter.acquire("7")
    assert clock.t == 1.0


async def test_chats_idle_for_a_minute_are_forgotten() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    await _send_all(limiter, clock, [str(i) for i in range(100)] + ["-5"])
    clock.advance(120.0)
    await limiter.acquire("1")
    assert limiter.delay("-5") == 0.0
    assert len(limiter._last) == 1 and not limiter._groups
