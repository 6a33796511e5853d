"""The rate limiter keeps to Telegram's limits, reaches them, and honours flood-control blocks."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.outbox.ratelimit import RateLimiter, Throttled, is_group
from tests.conftest import TEST_NOW


class CountingExecutor(ThreadPoolExecutor):
    """The loop's worker threads, counting the work handed to them and not yet done."""

    def __init__(self) -> None:
        super().__init__(max_workers=4)
        self.pending = 0
        self._lock = threading.Lock()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            self.pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Future[Any]) -> None:
        with self._lock:
            self.pending -= 1


class FakeClock:
    """Virtual time: a sleeper wakes when everything runnable has run, at exactly its time.
    With `threads`, everything runnable includes the work in the loop's worker threads (the
    sender's database work), so that time stands still while the database works."""

    def __init__(self, *, threads: bool = False) -> None:
        self.t = 0.0
        self.start = TEST_NOW
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._driver: asyncio.Task[None] | None = None
        self._threads: CountingExecutor | None = None
        if threads:
            self._threads = CountingExecutor()
            asyncio.get_running_loop().set_default_executor(self._threads)

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
            if self._threads is not None and self._threads.pending:
                await asyncio.sleep(0.001)  # real time: a worker thread is still busy
                continue
            wake, _, future = heapq.heappop(self._sleepers)
            if future.done():  # its sleeper was cancelled
                continue
            self.t = max(self.t, wake)
            future.set_result(None)


def assert_within_telegram_limits(
    sends: Iterable[tuple[str, float]], per_second: int = 30
) -> None:
    """At most 30 (or `per_second`) sends in any one-second window, 1 a second per chat,
    20 a minute per group."""
    sends = sorted(sends, key=lambda s: s[1])
    times = [t for _, t in sends]
    for i, t in enumerate(times):
        assert bisect_left(times, t + 1.0) - i <= per_second, f"too many sends in [{t}, {t + 1})"
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


async def _call_all(
    limiter: RateLimiter, clock: FakeClock, chats: list[str], refuse: Iterable[str] = ()
) -> list[float]:
    """Each chat's call as the sender makes it: take a slot, go out and come back, refused
    (a 429 of 1 s) for the chats in `refuse`."""
    refused = set(refuse)

    async def one(chat_id: str) -> float:
        await limiter.acquire(chat_id, track=True)
        at = clock.t
        await asyncio.sleep(0)  # the round trip
        if chat_id in refused:
            limiter.refused(1.0, chat_id)
        else:
            limiter.delivered(chat_id)
        limiter.finished(chat_id)
        return at

    return list(await asyncio.gather(*(one(c) for c in chats)))


async def test_the_paid_broadcast_limit_lets_a_thousand_a_second_through() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock, per_second=1000)
    chats = [str(1000 + i) for i in range(3000)]
    times = await _call_all(limiter, clock, chats)
    assert_within_telegram_limits(zip(chats, times, strict=True), per_second=1000)
    assert max(times) == pytest.approx(2.0)  # 3000 messages in 3 one-second windows


async def test_the_first_to_ask_is_the_first_served() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    times = await _call_all(limiter, clock, [str(1000 + i) for i in range(90)])
    assert times == [0.0] * 30 + [1.0] * 30 + [2.0] * 30


async def test_a_refused_call_gives_its_place_in_the_window_back() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    chats = [str(1000 + i) for i in range(31)]
    times = await _call_all(limiter, clock, chats, refuse=["1000"])
    assert times == [0.0] * 31  # 30 messages and one refusal in the first second
    assert limiter.delay("1000") == 1.0 and limiter.delay("1001") == 1.0


async def test_a_429_now_and_then_holds_back_only_its_own_chat() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    chats = [str(1000 + i) for i in range(200)]
    times = await _call_all(limiter, clock, chats, refuse=chats[7::20])  # 5 %
    # 190 messages in 7 one-second windows: a block of everyone would have cost a second.
    assert max(times) == pytest.approx(6.0)
    assert limiter.blocked_chats() == 0


async def test_429s_for_most_of_the_latest_calls_hold_back_everyone() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    await _call_all(limiter, clock, ["1"], refuse=["1"])
    assert limiter.delay("3") == 0.0  # one chat refused: that chat's own flood control
    await _call_all(limiter, clock, ["2"], refuse=["2"])
    assert limiter.delay("3") == 1.0  # two chats, nothing delivered between: the bot's limit


async def test_no_more_calls_are_in_flight_than_the_cap() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock, per_second=1000, max_in_flight=8)
    taken: list[str] = []

    async def take(chat_id: str) -> None:
        await limiter.acquire(chat_id, track=True)
        taken.append(chat_id)

    waiting = [asyncio.create_task(take(str(i))) for i in range(20)]
    for _ in range(20):
        await asyncio.sleep(0)
    assert taken == [str(i) for i in range(8)]
    limiter.finished("0")
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(taken) == 9
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
