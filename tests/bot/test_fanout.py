"""The outbox fans out at Telegram's limit and no more, on virtual time: N notifications to N
chats take N/30 s (N/1000 s with the paid broadcast limit), a 429 holds back its own chat
only, and every row is delivered once, also across a stop."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.messenger import RetryLater
from bot.outbox import sender as sender_module
from bot.outbox.ratelimit import RateLimiter
from bot.outbox.sender import OutboxSender
from bot.settings import Settings
from conversations.replies import Reply
from storage.tables import OutboxMessage
from storage.uow import UnitOfWork, UnitOfWorkFactory
from tests.bot.test_ratelimit import FakeClock, assert_within_telegram_limits
from tests.bot.test_sender import FakeMessenger


def queue(uow_factory: UnitOfWorkFactory, n: int, chats: int | None = None) -> list[str]:
    """n notifications, to n chats (or round the given number of chats); their texts."""
    texts = [f"notice {i}" for i in range(n)]
    with uow_factory() as uow:
        for i, text in enumerate(texts):
            uow.outbox.enqueue(str(100_000 + i % (chats or n)), Reply(text).to_dict())
        uow.commit()
    return texts


def fast_sender(
    uow_factory: UnitOfWorkFactory, per_second: int = 30, **kw: Any
) -> tuple[OutboxSender, FakeMessenger, FakeClock]:
    """A sender on virtual time that stands still while the database works."""
    clock = FakeClock(threads=True)
    client = FakeMessenger(clock)
    limiter = RateLimiter(clock, per_second=per_second)
    return OutboxSender(client, uow_factory, limiter, **kw), client, clock


def statuses(uow_factory: UnitOfWorkFactory) -> Counter[str]:
    with uow_factory() as uow:
        return Counter(row.status for row in uow.session.exec(select(OutboxMessage)))


async def test_notifications_to_as_many_chats_take_n_over_thirty_seconds(
    sqlite_uow_factory: UnitOfWorkFactory,
) -> None:
    texts = queue(sqlite_uow_factory, 600)
    sender, client, _ = fast_sender(sqlite_uow_factory)

    assert await sender.drain(timeout=120) == 600

    assert sorted(c.text for c in client.delivered) == sorted(texts)
    assert_within_telegram_limits((c.chat_id, c.at) for c in client.calls)
    last = max(c.at for c in client.calls)
    assert 600 / 30 - 1 <= last <= 600 / 30  # 30 each second, from the first instant


async def test_the_paid_broadcast_limit_sends_a_thousand_a_second(
    sqlite_uow_factory: UnitOfWorkFactory,
) -> None:
    texts = queue(sqlite_uow_factory, 3000)
    sender, client, _ = fast_sender(sqlite_uow_factory, per_second=1000)

    assert await sender.drain(timeout=120) == 3000

    assert sorted(c.text for c in client.delivered) == sorted(texts)
    assert_within_telegram_limits(((c.chat_id, c.at) for c in client.calls), per_second=1000)
    last = max(c.at for c in client.calls)
    assert 3000 / 1000 - 1 <= last <= 3000 / 1000


async def test_a_429_now_and_then_delays_only_its_chat_in_order_and_loses_nothing(
    uow_factory: UnitOfWorkFactory,
) -> None:
    texts = queue(uow_factory, 600, chats=120)  # five for each chat
    sender, client, _ = fast_sender(uow_factory)
    client.fail_on = {n: RetryLater(1) for n in range(11, 631, 20)}  # 5 % of the calls

    assert await sender.drain(timeout=120) == 600

    assert sorted(c.text for c in client.delivered) == sorted(texts)  # each once
    assert_within_telegram_limits((c.chat_id, c.at) for c in client.delivered)
    for refused in (c for c in client.calls if c.error is not None):
        again = [c.at for c in client.to(refused.chat_id) if c.at > refused.at]
        assert not again or min(again) >= refused.at + 1.0  # its chat waited its retry_after
    for chat in {c.chat_id for c in client.calls}:
        got = [int(c.text.split()[1]) for c in client.delivered if c.chat_id == chat]
        assert got == sorted(got)  # a retried row keeps its place in its chat
    # 600 messages at 30 a second; a second lost to holding back everyone would show here,
    # and only the last refusal's retry may end beyond.
    assert max(c.at for c in client.delivered) <= 600 / 30 + 1
    assert statuses(uow_factory) == {"sent": 600}


async def test_rows_taken_but_not_sent_when_the_sender_stops_are_given_back(
    uow_factory: UnitOfWorkFactory,
) -> None:
    texts = queue(uow_factory, 200)
    sender, client, clock = fast_sender(uow_factory)
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    while len(client.delivered) < 40:
        await clock.sleep(0.1)
    stop.set()
    await running

    left = statuses(uow_factory)
    assert left["sent"] == len(client.delivered) and left["sending"] == 0
    with uow_factory() as uow:
        pending = uow.session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending"))
        assert {row.attempts for row in pending} == {0}  # not counted as tried

    second, second_client, _ = fast_sender(uow_factory)
    assert await second.drain(timeout=120) == 200 - len(client.delivered)
    both = [c.text for c in client.delivered + second_client.delivered]
    assert sorted(both) == sorted(texts)  # none lost, none twice


def test_the_paid_broadcast_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).broadcast_per_second == 30
    monkeypatch.setenv("ZHAOSHANG_BROADCAST_PER_SECOND", "1000")
    assert Settings(_env_file=None).broadcast_per_second == 1000
    monkeypatch.setenv("ZHAOSHANG_BROADCAST_PER_SECOND", "1001")  # Telegram's most
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


async def test_a_delivery_is_recorded_once_the_database_is_back(
    sqlite_uow_factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = queue(sqlite_uow_factory, 3)
    sender, client, clock = fast_sender(sqlite_uow_factory)
    record = sender_module._apply
    outages = iter(range(5))

    def away_for_a_while(settlements: list[Any], uow: UnitOfWork) -> None:
        if next(outages, None) is not None:
            raise OperationalError("UPDATE outboxmessage", {}, Exception("database restarting"))
        record(settlements, uow)

    monkeypatch.setattr(sender_module, "_apply", away_for_a_while)

    assert await sender.drain(timeout=60) == 3

    assert sorted(c.text for c in client.calls) == sorted(texts)  # none sent again
    assert statuses(sqlite_uow_factory) == {"sent": 3}
    assert clock.monotonic() > 10  # it waited for the database, well within the lease
