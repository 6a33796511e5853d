"""The outbox sender: delivers queued notifications within the messenger's limits, each row
once, with retries, and tells the office about the ones that can never be delivered.

Longer than 300 lines: taking rows in batches, sending, settling in batches and giving rows
back on a stop all work on the same state (the chats in flight or held), so they stay in one
class."""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from typing import Any, Final, TypeVar

from bot.messenger import MessengerClient, RetryLater, Transient, Unreachable
from bot.outbox.delivery import PdfMaker, deliver
from bot.outbox.ratelimit import Clock, RateLimiter, SystemClock
from bot.outbox.settle import (
    Settlement,
    failed,
    postponed,
    retried_or_failed,
    sent,
    settle_all,
)
from conversations.replies import Document, Reply
from storage.tables import OutboxMessage
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

FailureHook = Callable[[UnitOfWork, Sequence[OutboxMessage]], None]
"""Tells the office about rows that can never be delivered, inside the unit of work that
marks them reported (so it may enqueue its own notification there)."""

T = TypeVar("T")

SETTLE_GATHER: Final = 0.05  # seconds a settlement may wait for others to share its commit


@dataclass(frozen=True, slots=True)
class _Job:
    """A claimed row, read in the claiming transaction."""

    id: int
    chat_id: str
    payload: dict[str, Any]
    attempts: int
    document: Document | None


class OutboxSender:
    """Delivers due outbox rows concurrently within the limits, claiming each before sending,
    at most one row in flight per chat (so a chat's messages keep their order)."""

    def __init__(
        self,
        client: MessengerClient,
        uow_factory: Callable[[], UnitOfWork],
        limiter: RateLimiter | None = None,
        *,
        clock: Clock | None = None,
        on_failure: FailureHook | None = None,
        messenger: str = "telegram",
        concurrency: int | None = None,
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = 12,
        poll_interval: float = 1.0,
        housekeeping_interval: float = 5.0,
        pdf: PdfMaker | None = None,
    ) -> None:
        self.client = client
        self.uow_factory = uow_factory
        self.clock: Clock = clock or (limiter.clock if limiter else SystemClock())
        self.limiter = limiter or RateLimiter(self.clock)
        self.on_failure = on_failure
        self.messenger = messenger
        # Enough rows taken to keep the line for the window full for about two seconds.
        self.concurrency = concurrency or max(64, 2 * self.limiter.per_second)
        self._settle_batch = max(1, self.limiter.per_second // 10)
        self.lease = lease
        self.max_attempts = max_attempts
        self.poll_interval = poll_interval
        self.housekeeping_interval = housekeeping_interval
        self.pdf = pdf  # makes the PDF copy sent after each Word document; None: Word only
        self.delivered = 0
        self._tasks: dict[str, asyncio.Task[None]] = {}  # by chat id
        self._unsent: dict[asyncio.Task[None], int] = {}  # row id, while it may be given back
        self._settling: list[tuple[Settlement, asyncio.Future[None]]] = []
        self._settler: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._fresh = False  # rows were queued since the last look
        self._held: dict[str, float] = {}  # chats whose row waits for a retry, until when
        # One look at the table at a time: a drain beside the leader's loop would otherwise
        # claim a second row of a chat whose first the other look had just claimed.
        self._filling = asyncio.Lock()
        self._backlog: set[str] = set()  # busy chats that had more due rows at the last look
        self._dry_until = -math.inf  # the last look found fewer due rows than it could take

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver notifications as they fall due until `stop` is set, then finish the sends
        already under way."""
        stopper = asyncio.create_task(stop.wait())
        next_housekeeping = -math.inf
        try:
            while not stop.is_set():
                if self.clock.monotonic() >= next_housekeeping:
                    await _logged(self.release_stale(), "releasing stale outbox leases")
                    await _logged(self.report_failures(), "reporting undeliverable rows")
                    next_housekeeping = self.clock.monotonic() + self.housekeeping_interval
                self._wake.clear()
                # A sender that found the table dry looks again at the next poll, or when
                # told that rows were queued; not each time one of its sends ends.
                now = self.clock.monotonic()
                if self._release_held(now):  # a retry falls due
                    self._fresh = True
                room = len(self._tasks) <= self.concurrency // 2
                if room and (self._fresh or now >= self._dry_until):
                    self._fresh = False
                    await _logged(self._fill(), "fetching due outbox rows")
                released = min(self._held.values(), default=math.inf)
                waker = asyncio.create_task(self._wake.wait())
                await asyncio.wait(
                    {stopper, waker},
                    timeout=max(0.0, min(self.poll_interval, released - now)),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                waker.cancel()
        finally:
            stopper.cancel()
            await self._shutdown()

    def wake(self) -> None:
        """Look for due rows now rather than at the next poll (after enqueuing, say)."""
        self._fresh = True
        self._wake.set()

    async def drain(self, timeout: float = 30.0) -> int:
        """Deliver everything due, including retries that fall due within `timeout` seconds on
        the sender's clock; return how many rows were delivered."""
        before = self.delivered
        deadline = self.clock.now() + timedelta(seconds=timeout)
        try:
            await self.release_stale()
            while self.clock.now() <= deadline:
                await self._fill()
                if self._tasks:
                    await asyncio.wait(
                        set(self._tasks.values()), return_when=asyncio.FIRST_COMPLETED
                    )
                    continue
                due = await self._db(lambda uow: uow.outbox.next_attempt(self.messenger))
                if due is None or due > deadline:
                    break
                # Never a busy loop: a row due now but not taken is another sender's.
                await self.clock.sleep(max(0.05, (due - self.clock.now()).total_seconds()))
                await self.release_stale()
        finally:
            # The deliveries under way are let finish, those still waiting for their chat's
            # turn too: a drain may run beside the leader's loop on the same sender, whose
            # rows it must not give back.
            if self._tasks:
                await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        await _logged(self.report_failures(), "reporting undeliverable rows")
        return self.delivered - before

    async def release_stale(self) -> int:
        """Put rows whose sender died mid-send (lease expired) back to pending."""
        released = await self._db(lambda uow: uow.outbox.release_stale(self.clock.now()))
        if released:
            log.warning("%d outbox rows left by a stopped sender are pending again", released)
        return released

    async def report_failures(self) -> int:
        """Tell the office, once, about rows that can never be delivered; one summary per
        call. Without a hook the rows wait, unreported, until there is one."""
        if self.on_failure is None:
            return 0
        return await self._db(partial(self._report, self.on_failure))

    async def _fill(self) -> None:
        """Take the next due row of each chat not already in flight, up to the bound, in one
        transaction, and start their deliveries."""
        # Refilled once half are done, not after each one: one look at the table then serves
        # many rows, and the half still waiting keeps the line full meanwhile.
        async with self._filling:
            if len(self._tasks) > self.concurrency // 2:
                return
            while (free := self.concurrency - len(self._tasks)) > 0:
                jobs, more, backlog = await self._db(partial(self._take_due, free, self._busy()))
                for job in jobs:
                    self._start(job)
                if backlog is not None:  # fewer due rows than room for them
                    self._dry_until = self.clock.monotonic() + self.poll_interval
                    self._backlog = backlog
                if not jobs or not more:
                    return

    def _busy(self) -> frozenset[str]:
        """Chats with a row in flight or waiting for its retry."""
        self._release_held(self.clock.monotonic())
        return frozenset(self._tasks.keys() | self._held.keys())

    def _release_held(self, now: float) -> bool:
        """Let go of the chats whose retry is due; whether there were any."""
        due = [chat for chat, until in self._held.items() if until <= now]
        for chat in due:
            del self._held[chat]
        return bool(due)

    def _start(self, job: _Job) -> None:
        task = asyncio.create_task(self._send(job), name=f"outbox:{job.id}")
        self._tasks[job.chat_id] = task
        self._unsent[task] = job.id
        task.add_done_callback(partial(self._finished, job.chat_id))

    def _finished(self, chat_id: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(chat_id) is task:
            del self._tasks[chat_id]
        self._unsent.pop(task, None)
        if chat_id in self._backlog:  # its next row is due: look now, dry or not
            self._backlog.discard(chat_id)
            self._fresh = True
        self._wake.set()

    async def _shutdown(self) -> None:
        """Stop the deliveries still waiting for their chat and give their rows back; let
        the others finish."""
        given_back = list(self._unsent.values())
        for task in list(self._unsent):
            task.cancel()
        self._unsent.clear()
        if self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        if given_back:
            now = self.clock.now()
            await _logged(
                self._db(lambda uow: uow.outbox.release(given_back, now)),
                "giving back rows not sent",  # else their lease frees them
            )

    async def _send(self, job: _Job) -> None:
        """Wait for the chat's turn, send the row, settle it."""
        # Until the chat's own limits let it go, the row may be given back unsent.
        await self.limiter.wait(job.chat_id)
        current = asyncio.current_task()
        if current is not None:
            self._unsent.pop(current, None)
        try:
            settlement = await self._attempt(job)
            await self._settle(settlement)
        except Exception:
            log.exception("outbox row %s: delivery broke off; its lease will free it", job.id)

    async def _attempt(self, job: _Job) -> Settlement:
        """Try one delivery and say how the row is to be settled."""
        try:
            reply = Reply.from_dict(job.payload)
            if job.document is not None:
                reply = replace(reply, document=job.document)
            message_id = await deliver(
                self.client,
                self.uow_factory,
                job.chat_id,
                reply,
                limiter=self.limiter,
                max_wait=self.lease.total_seconds() / 3,
                pdf=self.pdf,
            )
        except RetryLater as exc:  # a 429, or our own limiter (Throttled)
            # The limiter holds back this chat (or, on the bot's own limit, everyone). Its
            # later rows wait too, so that this one, due again then, still goes first.
            now = self.clock.now()  # first: the row is due again by the time the chat is free
            self._held[job.chat_id] = self.clock.monotonic() + exc.seconds
            return postponed(job.id, now, exc)
        except Unreachable as exc:
            log.info("outbox row %s: chat %s is unreachable: %s", job.id, job.chat_id, exc)
            return failed(job.id, exc)
        except Exception as exc:  # Transient, or anything unforeseen: retry, then give up
            if not isinstance(exc, Transient):
                log.exception("outbox row %s: unexpected error", job.id)
            now = self.clock.now()
            return retried_or_failed(job.id, job.attempts, self.max_attempts, now, exc)
        self.delivered += 1
        return sent(job.id, message_id, self.clock.now())

    async def _settle(self, settlement: Settlement) -> None:
        """Record the outcome, together with the others that come meanwhile, and return once
        it is committed (until then the chat stays busy, so its next row waits)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._settling.append((settlement, done))
        if self._settler is None or self._settler.done():
            self._settler = asyncio.create_task(self._settle_batches())
        await done

    async def _settle_batches(self) -> None:
        """Commit the waiting outcomes, one transaction per batch. Retried (the database may
        be restarting) for up to half the lease, because a row left 'sending' is sent again
        once its lease ends."""
        while self._settling:
            if len(self._settling) < self._settle_batch:
                # Gather for a moment: a few transactions a second rather than one per send.
                await self.clock.sleep(SETTLE_GATHER)
            batch, self._settling = self._settling, []
            error: Exception | None = None
            give_up = self.clock.monotonic() + self.lease.total_seconds() / 2
            for attempt in itertools.count():
                try:
                    await self._db(partial(_apply, [settlement for settlement, _ in batch]))
                    error = None
                    break
                except Exception as exc:
                    error = exc
                    if self.clock.monotonic() >= give_up:
                        break
                    log.warning("settling outbox rows failed; trying again", exc_info=True)
                    await self.clock.sleep(min(0.5 * 2**attempt, 5.0))
            for _, done in batch:
                if done.done():
                    continue
                if error is None:
                    done.set_result(None)
                else:
                    done.set_exception(error)

    async def _db(self, work: Callable[[UnitOfWork], T]) -> T:
        """Run `work` in one committed unit of work, in a worker thread (it is synchronous)."""

        def unit() -> T:
            with self.uow_factory() as uow:
                result = work(uow)
                uow.commit()
                return result

        return await asyncio.to_thread(unit)

    def _take_due(
        self, limit: int, busy: frozenset[str], uow: UnitOfWork
    ) -> tuple[list[_Job], bool, set[str] | None]:
        """Claim the oldest due row of up to `limit` chats not in `busy`. Also say whether a
        page full of one chat's rows may have hidden other chats (look again); and, when
        there were fewer due rows than `limit`, which busy chats have more."""
        now = self.clock.now()
        page = limit * 2
        rows = uow.outbox.due(now, page, messenger=self.messenger, skip_chats=busy)
        first: dict[str, tuple[OutboxMessage, int]] = {}
        for row in rows:
            if row.id is not None and row.chat_id not in first and len(first) < limit:
                first[row.chat_id] = row, row.attempts  # read before the claim changes it
        taken = uow.outbox.claim_many(
            [row.id for row, _ in first.values() if row.id is not None], self.lease, now
        )
        jobs = []
        for row, attempts in first.values():
            if row.id is None or row.id not in taken:  # another sender has it
                continue
            document = None
            if row.file_id is not None and (stored := uow.outbox.file(row.file_id)) is not None:
                document = Document(
                    filename=stored.filename,
                    content=stored.content,
                    file_id=stored.messenger_file_id,
                    mime_type=stored.mime_type,
                )
            jobs.append(_Job(row.id, row.chat_id, dict(row.payload), attempts + 1, document))
        more = len(rows) == page and len(first) < limit
        short = not more and len(jobs) < limit
        backlog = uow.outbox.chats_with_due(now, busy, messenger=self.messenger) if short else None
        return jobs, more, backlog

    @staticmethod
    def _report(hook: FailureHook, uow: UnitOfWork) -> int:
        rows = uow.outbox.take_failed_unreported(limit=100)
        if rows:
            hook(uow, rows)
        return len(rows)


def _apply(settlements: list[Settlement], uow: UnitOfWork) -> None:
    settle_all(uow.outbox, settlements)


async def _logged(step: Awaitable[object], what: str) -> None:
    """Run one step of the loop; a failure (the database away, say) is logged, not fatal."""
    try:
        await step
    except Exception:
        log.exception("outbox sender: %s failed", what)
