"""The outbox sender: delivers queued notifications within the messenger's limits, each row
once, with retries, and tells the office about the ones that can never be delivered."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from bot.messenger import MessengerClient, RetryLater, Transient, Unreachable
from bot.outbox.delivery import deliver
from bot.outbox.ratelimit import Clock, RateLimiter, SystemClock, Throttled
from bot.outbox.settle import Settlement, failed, postponed, retried_or_failed, sent
from conversations.replies import Document, Reply
from storage.tables import OutboxMessage
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

FailureHook = Callable[[UnitOfWork, Sequence[OutboxMessage]], None]
"""Tells the office about rows that can never be delivered, inside the unit of work that
marks them reported (so it may enqueue its own notification there)."""

T = TypeVar("T")


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
        concurrency: int = 64,
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = 12,
        poll_interval: float = 1.0,
        housekeeping_interval: float = 5.0,
    ) -> None:
        self.client = client
        self.uow_factory = uow_factory
        self.clock: Clock = clock or (limiter.clock if limiter else SystemClock())
        self.limiter = limiter or RateLimiter(self.clock)
        self.on_failure = on_failure
        self.messenger = messenger
        self.concurrency = concurrency
        self.lease = lease
        self.max_attempts = max_attempts
        self.poll_interval = poll_interval
        self.housekeeping_interval = housekeeping_interval
        self.delivered = 0
        self._tasks: dict[str, asyncio.Task[None]] = {}  # by chat id
        self._unclaimed: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()

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
                await _logged(self._fill(), "fetching due outbox rows")
                waker = asyncio.create_task(self._wake.wait())
                await asyncio.wait(
                    {stopper, waker},
                    timeout=self.poll_interval,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                waker.cancel()
        finally:
            stopper.cancel()
            await self._shutdown()

    def wake(self) -> None:
        """Look for due rows now rather than at the next poll (after enqueuing, say)."""
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
            await self._shutdown()
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
        """Start a delivery for each due row of a chat not already in flight, up to the bound."""
        while (free := self.concurrency - len(self._tasks)) > 0:
            limit = free * 2
            rows = await self._db(partial(self._due, limit, frozenset(self._tasks)))
            started = 0
            for row_id, chat_id in rows:
                if len(self._tasks) >= self.concurrency:
                    break
                if chat_id not in self._tasks:
                    self._start(row_id, chat_id)
                    started += 1
            # A full page may have hidden other chats behind repeats of one; look again,
            # now without the chats just started.
            if not started or len(rows) < limit:
                return

    def _start(self, row_id: int, chat_id: str) -> None:
        task = asyncio.create_task(self._send(row_id, chat_id), name=f"outbox:{row_id}")
        self._tasks[chat_id] = task
        self._unclaimed.add(task)
        task.add_done_callback(partial(self._finished, chat_id))

    def _finished(self, chat_id: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(chat_id) is task:
            del self._tasks[chat_id]
        self._unclaimed.discard(task)
        self._wake.set()

    async def _shutdown(self) -> None:
        """Cancel deliveries that have not claimed their row yet; let the others finish."""
        for task in self._unclaimed:
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def _send(self, row_id: int, chat_id: str) -> None:
        """Wait for the chat's turn, claim the row, send it, settle it."""
        # Waiting before the claim keeps the lease short, and a wait here may be cancelled.
        await self.limiter.wait(chat_id)
        current = asyncio.current_task()
        if current is not None:
            self._unclaimed.discard(current)
        try:
            job = await self._db(partial(self._claim, row_id))
            if job is None:  # another sender has it
                return
            settlement = await self._attempt(job)
            await self._settle(settlement)
        except Exception:
            log.exception("outbox row %s: delivery broke off; its lease will free it", row_id)

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
            )
        except Throttled as exc:
            return postponed(job.id, self.clock.now(), exc)
        except RetryLater as exc:
            # A 429 holds back its own chat; the other chats go on. Only when a second chat
            # gets one while the first is still held is it the bot's own limit: all wait.
            held = self.limiter.blocked_chats()
            self.limiter.block(exc.seconds, job.chat_id)
            if held and self.limiter.blocked_chats() > held:
                self.limiter.block(exc.seconds)
            return postponed(job.id, self.clock.now(), exc)
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
        """Record the outcome; retried, because a row left 'sending' would be sent again."""
        for attempt in range(3):
            try:
                await self._db(lambda uow: settlement(uow.outbox))
                return
            except Exception:
                if attempt == 2:
                    raise
                log.warning("settling an outbox row failed; trying again", exc_info=True)
                await self.clock.sleep(0.5 * (attempt + 1))

    async def _db(self, work: Callable[[UnitOfWork], T]) -> T:
        """Run `work` in one committed unit of work, in a worker thread (it is synchronous)."""

        def unit() -> T:
            with self.uow_factory() as uow:
                result = work(uow)
                uow.commit()
                return result

        return await asyncio.to_thread(unit)

    def _due(self, limit: int, busy: frozenset[str], uow: UnitOfWork) -> list[tuple[int, str]]:
        now = self.clock.now()
        rows = uow.outbox.due(now, limit, messenger=self.messenger, skip_chats=busy)
        return [(row.id, row.chat_id) for row in rows if row.id is not None]

    def _claim(self, row_id: int, uow: UnitOfWork) -> _Job | None:
        if not uow.outbox.claim(row_id, self.lease, self.clock.now()):
            return None
        row = uow.session.get(OutboxMessage, row_id, populate_existing=True)
        if row is None:
            return None
        document = None
        if row.file_id is not None and (stored := uow.outbox.file(row.file_id)) is not None:
            document = Document(
                filename=stored.filename,
                content=stored.content,
                file_id=stored.messenger_file_id,
                mime_type=stored.mime_type,
            )
        return _Job(row_id, row.chat_id, dict(row.payload), row.attempts, document)

    @staticmethod
    def _report(hook: FailureHook, uow: UnitOfWork) -> int:
        rows = uow.outbox.take_failed_unreported(limit=100)
        if rows:
            hook(uow, rows)
        return len(rows)


async def _logged(step: Awaitable[object], what: str) -> None:
    """Run one step of the loop; a failure (the database away, say) is logged, not fatal."""
    try:
        await step
    except Exception:
        log.exception("outbox sender: %s failed", what)
