"""The outbox sender delivers every row once, within the limits, and settles what it cannot."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import select

from bot.messenger import (
    DeliveryError,
    MessageGone,
    NotModified,
    RetryLater,
    Transient,
    Unreachable,
)
from bot.outbox.delivery import deliver
from bot.outbox.ratelimit import RateLimiter, SystemClock
from bot.outbox.sender import OutboxSender
from bot.outbox.splitting import TEXT_LIMIT, split_html, utf16_len
from conversations.replies import Button, Document, Keyboard, Reply
from storage.tables import CardMessage, OutboxMessage
from storage.uow import UnitOfWork, UnitOfWorkFactory
from tests.bot.test_ratelimit import FakeClock, assert_within_telegram_limits

BLOCKED = "Forbidden: bot was blocked by the user"


@dataclass
class Call:
    """One call the bot made, when, and what came of it."""

    kind: str
    chat_id: str
    text: str
    buttons: Keyboard
    at: float
    message_id: str | None = None
    document: Document | None = None
    error: DeliveryError | None = None


class FakeMessenger:
    """A recording MessengerClient that fails the calls it is told to fail."""

    toasts = True

    def __init__(self, clock: FakeClock | SystemClock) -> None:
        self.clock = clock
        self.calls: list[Call] = []
        self.fail_on: dict[int, DeliveryError] = {}  # by call number, from 1
        self.blocked: set[str] = set()
        self.gone: set[str] = set()
        self.texts: dict[str, str] = {}
        self._faults: dict[str, deque[DeliveryError]] = defaultdict(deque)
        self._ids = itertools.count(1)

    def fail_next(self, chat_id: str, *errors: DeliveryError) -> None:
        self._faults[chat_id].extend(errors)

    async def download_file(self, file_id: str, max_bytes: int) -> bytes:
        """The sender never downloads: a person's files arrive with the update."""
        raise AssertionError(f"the sender downloaded {file_id}")

    @property
    def delivered(self) -> list[Call]:
        return [c for c in self.calls if c.error is None]

    def to(self, chat_id: str) -> list[Call]:
        return [c for c in self.calls if c.chat_id == chat_id]

    async def _call(self, call: Call) -> str:
        self.calls.append(call)
        call.error = self.fail_on.pop(len(self.calls), None)
        if call.error is None and self._faults[call.chat_id]:
            call.error = self._faults[call.chat_id].popleft()
        if call.chat_id in self.blocked:
            call.error = Unreachable(BLOCKED)
        if call.kind == "edit_text" and call.error is None:
            if call.message_id in self.gone:
                call.error = MessageGone("Bad Request: message to edit not found")
            elif self.texts.get(call.message_id or "") == call.text:
                call.error = NotModified("Bad Request: message is not modified")
        await asyncio.sleep(0)  # the round trip, so that sends interleave
        if call.error is not None:
            raise call.error
        message_id = call.message_id or str(next(self._ids))
        self.texts[message_id] = call.text
        return message_id

    async def send_text(self, chat_id: str, html: str, buttons: Keyboard) -> str:
        return await self._call(Call("send_text", chat_id, html, buttons, self.clock.monotonic()))

    async def edit_text(self, chat_id: str, message_id: str, html: str, buttons: Keyboard) -> None:
        at = self.clock.monotonic()
        await self._call(Call("edit_text", chat_id, html, buttons, at, message_id))

    async def edit_buttons(self, chat_id: str, message_id: str, buttons: Keyboard) -> None:
        at = self.clock.monotonic()
        text = self.texts.get(message_id, "")
        await self._call(Call("edit_buttons", chat_id, text, buttons, at, message_id))

    async def edit_caption(
        self, chat_id: str, message_id: str, html: str, buttons: Keyboard
    ) -> None:
        at = self.clock.monotonic()
        await self._call(Call("edit_caption", chat_id, html, buttons, at, message_id))

    async def send_document(self, chat_id: str, document: Document, buttons: Keyboard) -> str:
        at = self.clock.monotonic()
        call = Call("send_document", chat_id, document.caption or "", buttons, at, None, document)
        return await self._call(call)

    async def send_photo(self, chat_id: str, document: Document, buttons: Keyboard) -> str:
        at = self.clock.monotonic()
        call = Call("send_photo", chat_id, document.caption or "", buttons, at, None, document)
        return await self._call(call)

    async def answer_press(self, press_id: str, text: str | None, alert: bool) -> None:
        return None

    async def typing(self, chat_id: str) -> None:
        return None

    async def set_chat_commands(
        self, chat_id: str, commands: list[tuple[str, str]], language: str | None
    ) -> None:
        return None

    async def set_menu_button(self, chat_id: str, text: str, url: str) -> None:
        return None


def enqueue(uow_factory: UnitOfWorkFactory, chat_id: str, reply: Reply) -> int:
    with uow_factory() as uow:
        row = uow.outbox.enqueue(chat_id, reply.to_dict())
        uow.commit()
    assert row is not None and row.id is not None
    return row.id


def row(uow_factory: UnitOfWorkFactory, row_id: int) -> OutboxMessage:
    with uow_factory() as uow:
        found = uow.session.get(OutboxMessage, row_id)
        assert found is not None
        uow.session.expunge(found)  # readable after the unit of work rolls back
        return found


def sender_on(uow_factory: UnitOfWorkFactory, **kw: Any) -> tuple[OutboxSender, FakeMessenger]:
    """A sender on virtual time, and the fake messenger it sends through."""
    clock = FakeClock()
    client = FakeMessenger(clock)
    return OutboxSender(client, uow_factory, RateLimiter(clock), **kw), client


async def test_a_burst_with_429s_is_delivered_once_each_within_telegrams_limits(
    uow_factory: UnitOfWorkFactory,
) -> None:
    sender, client = sender_on(uow_factory)
    client.fail_on = {17: RetryLater(3), 60: RetryLater(1), 130: RetryLater(2)}
    chats = [str(1000 + i) for i in range(16)] + [str(-100500 - i) for i in range(4)]
    with uow_factory() as uow:
        for n in range(200):
            uow.outbox.enqueue(chats[n % 20], Reply(f"notice {n}").to_dict())
        uow.commit()

    assert await sender.drain(timeout=120) == 200

    assert sorted(c.text for c in client.delivered) == sorted(f"notice {n}" for n in range(200))
    assert_within_telegram_limits((c.chat_id, c.at) for c in client.calls)
    floods = [
        (c.chat_id, c.at, c.error.seconds) for c in client.calls if isinstance(c.error, RetryLater)
    ]
    assert len(floods) == 3
    for chat, at, seconds in floods:
        quiet = [c for c in client.calls if c.chat_id == chat and at < c.at < at + seconds]
        assert not quiet, "a call went to a chat while Telegram's flood control held it"
    # Ten per chat take 9 s and the 429s 6 s; virtual time also moves while the database works.
    assert sender.clock.monotonic() < 30
    with uow_factory() as uow:
        assert not uow.outbox.due(sender.clock.now() + timedelta(days=1))
        assert uow.outbox.next_attempt() is None


async def test_a_429_for_one_chat_does_not_stall_the_others(
    uow_factory: UnitOfWorkFactory,
) -> None:
    sender, client = sender_on(uow_factory)
    client.fail_on = {1: RetryLater(10)}  # the first call, to chat 1000
    with uow_factory() as uow:
        for n in range(20):
            uow.outbox.enqueue(str(1000 + n), Reply(f"notice {n}").to_dict())
        uow.commit()

    assert await sender.drain(timeout=120) == 20

    first = client.calls[0]
    others = [c for c in client.calls[1:] if c.chat_id != first.chat_id]
    assert len(others) == 19 and all(c.at < first.at + 10 for c in others)  # no one waited
    again = [c for c in client.calls[1:] if c.chat_id == first.chat_id]
    assert again and again[0].at >= first.at + 10  # the held chat waited its retry_after


async def test_429s_for_two_chats_at_once_hold_back_every_chat(
    uow_factory: UnitOfWorkFactory,
) -> None:
    # Two chats refused within one retry_after: that is the bot's own limit, not a chat's.
    # One call at a time, so none is already in flight when the second refusal comes.
    sender, client = sender_on(uow_factory, concurrency=1)
    client.fail_on = {1: RetryLater(5), 2: RetryLater(5)}
    with uow_factory() as uow:
        for n in range(10):
            uow.outbox.enqueue(str(1000 + n), Reply(f"notice {n}").to_dict())
        uow.commit()

    assert await sender.drain(timeout=120) == 10

    second = client.calls[1]
    assert len(client.calls) == 12 and all(c.at >= second.at + 5 for c in client.calls[2:])


async def test_a_blocked_user_fails_at_once_and_the_office_is_told_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    reports: list[list[tuple[str, str | None]]] = []

    def tell_office(uow: UnitOfWork, rows: Sequence[OutboxMessage]) -> None:
        reports.append([(r.chat_id, r.error) for r in rows])
        uow.outbox.enqueue("9000", Reply(f"{len(rows)} notices undelivered").to_dict())

    sender, client = sender_on(uow_factory, on_failure=tell_office)
    client.blocked = {"2002"}
    blocked = enqueue(uow_factory, "2002", Reply("your project was approved"))
    enqueue(uow_factory, "2003", Reply("your project was approved"))

    await sender.drain()

    assert len(client.to("2002")) == 1
    failed = row(uow_factory, blocked)
    assert (failed.status, failed.attempts, failed.error) == ("failed", 1, BLOCKED)
    assert failed.reported
    assert reports == [[("2002", BLOCKED)]]
    await sender.drain()  # the office's summary goes out; nothing is reported twice
    assert reports == [[("2002", BLOCKED)]]
    assert [c.text for c in client.to("9000")] == ["1 notices undelivered"]


async def test_a_failing_report_is_made_again_on_the_next_pass(
    uow_factory: UnitOfWorkFactory,
) -> None:
    def broken(uow: UnitOfWork, rows: Sequence[OutboxMessage]) -> None:
        raise RuntimeError("template missing")

    sender, client = sender_on(uow_factory, on_failure=broken)
    client.blocked = {"2002"}
    blocked = enqueue(uow_factory, "2002", Reply("hello"))
    await sender.drain()
    assert not row(uow_factory, blocked).reported

    told: list[int] = []
    sender.on_failure = lambda uow, rows: told.extend(r.id or 0 for r in rows)
    assert await sender.report_failures() == 1
    assert told == [blocked]


async def test_a_transient_error_is_retried_with_backoff_then_delivered(
    uow_factory: UnitOfWorkFactory,
) -> None:
    sender, client = sender_on(uow_factory)
    client.fail_next("3003", Transient("timed out"), Transient("502 Bad Gateway"))
    row_id = enqueue(uow_factory, "3003", Reply("meeting on Friday"))

    assert await sender.drain(timeout=60) == 1

    first, second, third = (c.at for c in client.to("3003"))
    assert second - first >= 1.0 - 1e-6 and third - second >= 2.0 - 1e-6  # stored to the µs
    sent = row(uow_factory, row_id)
    assert (sent.status, sent.attempts, sent.error) == ("sent", 3, None)


async def test_a_row_that_keeps_failing_is_given_up_after_the_last_attempt(
    uow_factory: UnitOfWorkFactory,
) -> None:
    told: list[str | None] = []
    sender, client = sender_on(
        uow_factory,
        max_attempts=3,
        on_failure=lambda uow, rows: told.extend(r.error for r in rows),
    )
    client.fail_next("3003", *(Transient("timed out") for _ in range(5)))
    row_id = enqueue(uow_factory, "3003", Reply("meeting on Friday"))

    assert await sender.drain(timeout=60) == 0

    assert len(client.to("3003")) == 3
    assert row(uow_factory, row_id).status == "failed"
    assert told == ["gave up after 3 attempts: timed out"]


async def test_a_429_does_not_count_as_an_attempt(uow_factory: UnitOfWorkFactory) -> None:
    sender, client = sender_on(uow_factory, max_attempts=2)
    client.fail_next("3003", RetryLater(1), RetryLater(1), RetryLater(1), Transient("reset"))
    row_id = enqueue(uow_factory, "3003", Reply("hello"))

    assert await sender.drain(timeout=60) == 1
    assert row(uow_factory, row_id).attempts == 2


async def test_a_row_claimed_by_another_sender_is_not_sent_again(
    uow_factory: UnitOfWorkFactory,
) -> None:
    sender, client = sender_on(uow_factory)
    theirs = enqueue(uow_factory, "4004", Reply("for the other sender"))
    ours = enqueue(uow_factory, "4005", Reply("for us"))
    with uow_factory() as uow:
        assert uow.outbox.claim(theirs, timedelta(minutes=5), sender.clock.now())
        uow.commit()

    assert await sender.drain(timeout=10) == 1

    assert [c.chat_id for c in client.calls] == ["4005"]
    assert row(uow_factory, ours).status == "sent"
    assert row(uow_factory, theirs).status == "sending"


async def test_two_senders_on_one_database_send_each_row_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    first, first_client = sender_on(uow_factory, concurrency=4)
    second, second_client = sender_on(uow_factory, concurrency=4)
    texts = [f"notice {n}" for n in range(40)]
    for n, text in enumerate(texts):
        enqueue(uow_factory, str(5000 + n % 10), Reply(text))

    counts = await asyncio.gather(first.drain(timeout=60), second.drain(timeout=60))

    assert sum(counts) == 40
    sent = [c.text for c in first_client.delivered + second_client.delivered]
    assert sorted(sent) == sorted(texts)


async def test_a_lease_left_by_a_crashed_sender_is_sent_after_it_expires(
    uow_factory: UnitOfWorkFactory,
) -> None:
    sender, client = sender_on(uow_factory, lease=timedelta(minutes=5))
    row_id = enqueue(uow_factory, "6006", Reply("sent once the lease is over"))
    with uow_factory() as uow:  # a sender claims the row, then dies before sending
        assert uow.outbox.claim(row_id, timedelta(minutes=5), sender.clock.now())
        uow.commit()

    assert await sender.drain(timeout=60) == 0
    assert await sender.drain(timeout=600) == 1

    assert [c.text for c in client.calls] == ["sent once the lease is over"]
    assert sender.clock.monotonic() >= 300


async def test_a_card_is_edited_in_place_and_sent_anew_when_its_message_is_gone(
    uow_factory: UnitOfWorkFactory,
) -> None:
    sender, client = sender_on(uow_factory)
    for version in ("stage ①", "stage ②", "stage ②"):
        enqueue(uow_factory, "7007", Reply(version, card="progress:12"))
        await sender.drain()
    assert [(c.kind, c.message_id) for c in client.calls] == [
        ("send_text", None),
        ("edit_text", "1"),
        ("edit_text", "1"),  # not modified: fine
    ]
    client.gone.add("1")
    enqueue(uow_factory, "7007", Reply("stage ③", card="progress:12"))
    await sender.drain()

    assert [(c.kind, c.text) for c in client.calls[3:]] == [
        ("edit_text", "stage ③"),
        ("send_text", "stage ③"),
    ]
    with uow_factory() as uow:
        assert uow.outbox.card_message("7007", "progress:12") == "2"
        assert len(uow.session.exec(select(CardMessage)).all()) == 1
        assert {r.status for r in uow.session.exec(select(OutboxMessage))} == {"sent"}


async def test_a_long_text_is_split_on_lines_with_the_buttons_on_the_last_part(
    uow_factory: UnitOfWorkFactory,
) -> None:
    sender, client = sender_on(uow_factory)
    lines = [f"第{n}行：项目进展 &amp; 备注" for n in range(600)]
    buttons = ((Button("查看", data="pj:v:1"),),)
    enqueue(uow_factory, "8008", Reply("<b>" + "\n".join(lines) + "</b>", buttons=buttons))

    await sender.drain()

    parts = [c.text for c in client.delivered]
    assert len(parts) > 1
    assert all(utf16_len(p) <= TEXT_LIMIT for p in parts)
    assert all(p.startswith("<b>") and p.endswith("</b>") for p in parts)
    assert [c.buttons for c in client.delivered] == [()] * (len(parts) - 1) + [buttons]
    body = "\n".join(p.removeprefix("<b>").removesuffix("</b>") for p in parts)
    assert body.split("\n") == lines


def test_a_line_longer_than_a_message_is_cut_between_entities() -> None:
    parts = split_html("<i>" + "&amp;" * 3000 + "</i>", limit=4096)
    assert len(parts) >= 4
    for part in parts:
        assert part.startswith("<i>") and part.endswith("</i>")
        assert part.removeprefix("<i>").removesuffix("</i>").replace("&amp;", "") == ""


async def test_a_document_row_carries_its_stored_bytes_and_the_text_as_caption(
    uow_factory: UnitOfWorkFactory,
) -> None:
    sender, client = sender_on(uow_factory)
    content = b"PK\x03\x04 a docx"
    buttons = ((Button("签收", data="doc:ack:3"),),)
    with uow_factory() as uow:
        stored = uow.outbox.store_file("评审意见表.docx", content, "application/msword")
        uow.outbox.enqueue(
            "9009", Reply("<b>评审意见表</b>", buttons).to_dict(), file_id=stored.id
        )
        uow.commit()

    await sender.drain()

    [call] = client.calls
    assert call.kind == "send_document" and call.buttons == buttons
    assert call.document is not None
    assert (call.document.filename, call.document.content) == ("评审意见表.docx", content)
    assert (call.document.caption, call.document.mime_type) == (
        "<b>评审意见表</b>",
        "application/msword",
    )


async def test_a_429_in_the_middle_of_a_split_text_is_waited_out_not_repeated(
    sqlite_uow_factory: UnitOfWorkFactory,
) -> None:
    clock = FakeClock()
    client = FakeMessenger(clock)
    client.fail_on = {2: RetryLater(4)}
    text = "\n".join("x" * 99 for _ in range(100))

    await deliver(client, sqlite_uow_factory, "10", Reply(text), limiter=RateLimiter(clock))

    assert [c.error is None for c in client.calls] == [True, False, True, True]
    assert client.calls[2].at - client.calls[1].at >= 4.0


async def test_the_running_sender_delivers_what_is_queued_and_stops_when_told(
    uow_factory: UnitOfWorkFactory,
) -> None:
    client = FakeMessenger(SystemClock())
    sender = OutboxSender(client, uow_factory, poll_interval=0.05)
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    enqueue(uow_factory, "11", Reply("while running"))
    sender.wake()
    async with asyncio.timeout(5):
        while not client.delivered:
            await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(running, 5)
    assert [c.text for c in client.delivered] == ["while running"]
