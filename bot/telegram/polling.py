"""Long polling written once for both libraries: an update is confirmed to Telegram (its
offset passed to getUpdates) only once it was handled, so one that arrived while the database
was away is neither lost nor answered twice.

Updates of different chats run concurrently; one chat's run one at a time, in the order they
came. The offset confirmed is the lowest update not yet handled, so Telegram keeps sending
back the ones above it that are in flight or done: they are recognised by id and skipped. An
update whose handling raised `StorageUnavailable` is tried again, with backoff, until the
database is back; if the process stops meanwhile it stays unconfirmed, and the next process
gets it from Telegram again (the dispatcher's processed-update record ignores a redelivery of
one that was handled)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final

from storage.errors import StorageUnavailable

log = logging.getLogger(__name__)

RawUpdate = Mapping[str, Any]
"""An update as the Bot API sends it (JSON), before a library turns it into its own type."""
Fetch = Callable[[int, float], Awaitable[Sequence[RawUpdate]]]
"""getUpdates(offset, timeout): confirms the updates below offset, returns those from it on."""
Take = Callable[[RawUpdate], Awaitable[None]]
"""The runtime's update path; raises StorageUnavailable when the database cannot be reached."""

POLL_TIMEOUT: Final = 10.0  # seconds a long poll waits for a new update
BUSY_POLL: Final = 0.25  # seconds between polls while only updates in flight come back
FIRST_RETRY: Final = 0.05  # seconds before an update is tried again on an unreachable database
LAST_RETRY: Final = 1.0  # the longest wait between two tries: also the slowest recovery
FETCH_RETRY: Final = 1.0  # seconds after a failed getUpdates
STOP_GRACE: Final = 10.0  # seconds the updates in flight get to finish on a stop

# The objects whose `chat` an update's order is kept in, by their Bot API field names.
_CHAT_HOLDERS: Final = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
)


def chat_of(update: RawUpdate) -> str | None:
    """The chat an update belongs to, whose order is kept; None for one in no chat."""
    for field in _CHAT_HOLDERS:
        holder = update.get(field)
        if isinstance(holder, Mapping):
            return str(holder["chat"]["id"])
    query = update.get("callback_query")
    if isinstance(query, Mapping) and isinstance(query.get("message"), Mapping):
        return str(query["message"]["chat"]["id"])
    return None


class Poller:
    """Takes updates by getUpdates and hands each to the runtime, confirming it once handled."""

    def __init__(self, fetch: Fetch, take: Take, *, timeout: float = POLL_TIMEOUT) -> None:
        self.fetch = fetch
        self.take = take
        self.timeout = timeout
        self.offset = 0  # the next offset to confirm: the lowest update not yet handled
        self.retries = 0  # tries made again because the database was away (for benchmarks)
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._done: set[int] = set()  # handled, but above an update still in flight
        self._next = 0  # one past the highest update seen
        self._progress = asyncio.Event()
        self._stop = asyncio.Event()
        self._chats: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set, then let the updates in flight finish and confirm them."""
        waiter = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                self._progress.clear()
                fetching = asyncio.ensure_future(self._fetch())
                await asyncio.wait({fetching, waiter}, return_when=asyncio.FIRST_COMPLETED)
                if not fetching.done():
                    fetching.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await fetching
                    break
                fresh = self._start(fetching.result())
                if not fresh and self._in_flight:
                    # Telegram answers at once with the updates still in flight: wait for one
                    # to finish (or a moment, for new ones) before asking again.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._progress.wait(), BUSY_POLL)
        finally:
            waiter.cancel()
            await self._finish()

    async def _fetch(self) -> Sequence[RawUpdate]:
        offset = self._confirmable()
        timeout = 0.0 if self._in_flight else self.timeout
        try:
            return await self.fetch(offset, timeout)
        except Exception as exc:  # the library's network and conflict errors alike
            log.warning("getUpdates failed: %s: %s", type(exc).__name__, exc)
            await asyncio.sleep(FETCH_RETRY)
            return ()

    def _confirmable(self) -> int:
        """The lowest update not handled yet; forgets the handled ones below it."""
        offset = min(self._in_flight, default=self._next)
        self._done = {i for i in self._done if i >= offset}
        self.offset = offset
        return offset

    def _start(self, batch: Sequence[RawUpdate]) -> bool:
        """Start handling the updates not seen before; whether there was one."""
        fresh = False
        for update in batch:
            update_id = int(update["update_id"])
            if update_id < self.offset or update_id in self._in_flight or update_id in self._done:
                continue
            fresh = True
            self._next = max(self._next, update_id + 1)
            # Tasks start in the order they are created, so each chat's lock is queued for in
            # the order its updates came (asyncio's locks are FIFO).
            self._in_flight[update_id] = asyncio.create_task(self._handle(update_id, update))
        return fresh

    async def _handle(self, update_id: int, update: RawUpdate) -> None:
        chat = chat_of(update)
        lock = self._chat_lock(chat) if chat is not None else None
        handled = False
        try:
            async with lock or contextlib.nullcontext():
                handled = await self._take(update_id, update)
        finally:
            if handled:
                self._done.add(update_id)
                del self._in_flight[update_id]
            self._progress.set()

    async def _take(self, update_id: int, update: RawUpdate) -> bool:
        """Hand the update over until it is handled; False if the poller stopped first."""
        wait = FIRST_RETRY
        while True:
            try:
                await self.take(update)
                return True
            except StorageUnavailable as exc:
                if self._stop.is_set():
                    log.warning("update %d left for the next process: %s", update_id, exc)
                    return False
                log.warning("update %d waits for the database: %s", update_id, exc)
                self.retries += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), wait)
                wait = min(wait * 2, LAST_RETRY)
            except Exception:
                # A fault in handling is not undone by trying again: the update is done with.
                log.exception("update %d failed", update_id)
                return True

    def _chat_lock(self, chat: str) -> asyncio.Lock:
        lock = self._chats.get(chat)
        if lock is None:
            lock = self._chats[chat] = asyncio.Lock()
        return lock

    async def _finish(self) -> None:
        """Let the updates in flight finish (those waiting for the database give up), then
        confirm what was handled, so the next process is not sent it again."""
        self._stop.set()
        tasks = list(self._in_flight.values())
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        # What is left in flight was not handled: the lowest of it is where the next starts.
        self.offset = min(self._in_flight, default=self._next)
        if self._next:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.fetch(self.offset, 0.0), STOP_GRACE)
