"""Runtime-neutral handling of one inbound event: fetch a file's bytes, dispatch off the event
loop, then reply.

Files are downloaded here, once, before the handlers see the event, and travel with it (bytes
and SHA-256 in its FileRef). The alternative, recording the messenger's file id and fetching
later in the leader's work, was rejected: a fetch that fails later fails silently, after the
person was told the file was received, and the id may already be dead (a new bot token). Here
a failed download is known while the person is still at the question: the form refuses the
file ("not received, please send it again") and changes nothing, so nothing is lost. The
download runs outside any unit of work (no database lock is held during network I/O), under
the chat's lock (the person's next message waits for it), and only for files the form could
accept: private chats, accepted types, within the size limit. The handler then keeps the bytes
in the same transaction as the answer that names them (handlers/forms.py)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import time
import weakref
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Final

from bot.flood import FloodGate, Verdict, slow_down
from bot.messenger import (
    DeliveryError,
    FileTooLarge,
    MessengerClient,
    RetryLater,
    Transient,
)
from bot.outbox.delivery import PdfMaker, deliver
from conversations.files import MAX_FILE_SIZE, file_type
from conversations.inbound import Inbound
from conversations.replies import Outcome, Reply, plain_words
from handlers.dispatch import Dispatcher
from storage.errors import StorageUnavailable
from storage.uow import UnitOfWorkFactory, writer_lock
from templates.renderer import Renderer, normalize_locale

log = logging.getLogger(__name__)
TYPING_AFTER = 0.4  # seconds of work before the person sees "typing…"
DOWNLOAD_LIMIT: Final = MAX_FILE_SIZE  # the Bot API lets a bot fetch files up to 20 MB
DOWNLOAD_ATTEMPTS: Final = 3


@functools.cache
def _sqlite_worker() -> Executor:
    """The one thread of this process that runs events' units of work on SQLite."""
    return ThreadPoolExecutor(1, thread_name_prefix="zhaoshang-db")


@dataclass
class Responder:
    """Turns an inbound event into replies sent through a messenger client."""

    client: MessengerClient
    dispatcher: Dispatcher
    uow_factory: UnitOfWorkFactory
    renderer: Renderer
    flood: FloodGate = field(default_factory=FloodGate)
    pdf: PdfMaker | None = None
    """Makes the PDF copy sent after each Word document; None: Word only."""

    def __post_init__(self) -> None:
        # One event at a time per chat: a double press is handled after the first one.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        # SQLite has one writer: the events' units of work run on one thread, each the moment
        # the one before commits. A server database takes them on the default pool's threads.
        self._executor = _sqlite_worker() if writer_lock(self.uow_factory.engine) else None

    def _lock(self, chat_id: str) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    async def handle(self, event: Inbound, press_id: str | None = None) -> None:
        """Dispatch an event and send the replies; a press is always answered. An event of a
        person flooding the chat is dropped instead, untouched (bot/flood.py).

        Raises StorageUnavailable, having replied nothing, when the database cannot be reached:
        nothing of the event was kept, and the runtime has it delivered again."""
        verdict = self.flood.admit(event.chat_id, event.user_id)
        if verdict is not Verdict.ADMIT:
            await slow_down(self.client, self.renderer, event, press_id, verdict)
            return
        try:
            await self._handle(event, press_id)
        except StorageUnavailable:
            self.flood.refund(event.chat_id, event.user_id)
            raise
        finally:
            self.flood.finished(event.chat_id, event.user_id)

    async def _handle(self, event: Inbound, press_id: str | None) -> None:
        async with self._lock(event.chat_id):
            try:
                if event.file is not None:
                    event = await self._receive(event)
                outcome = await self._dispatch(event)
            except StorageUnavailable:
                log.warning(
                    "the database is unavailable; update %s is left to come again", event.update_id
                )
                raise
            except Exception:
                log.exception("handling %s failed", event)
                locale = normalize_locale(event.language_code, self.renderer.default_locale)
                outcome = Outcome([Reply(self.renderer.message(locale, "common#error"))])
            if press_id is not None:
                await self._answer(press_id, outcome)
            await self._send(event, outcome)

    async def _receive(self, event: Inbound) -> Inbound:
        """The event with its file's bytes, when the file is one a form could take; unchanged
        when it is not, or when the download fails (the form then asks for it again)."""
        f = event.file
        if f is None or f.content is not None or not event.private:
            return event
        if file_type(f.file_name, f.mime_type) is None:
            return event  # refused by type anyway: not worth fetching
        if f.size is not None and f.size > DOWNLOAD_LIMIT:
            return event  # refused by size
        task = asyncio.ensure_future(self._download(f.file_id))
        done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER)
        if not done:
            with contextlib.suppress(DeliveryError):
                await self.client.typing(event.chat_id)
        try:
            content = await task
        except FileTooLarge:
            # The messenger told no size (WeCom's callbacks never do) and the file proved
            # larger than the limit: the form refuses it as too large, not as "not received"
            # (which would have the person send the same file again, in vain).
            return replace(event, file=replace(f, size=DOWNLOAD_LIMIT + 1))
        return event if content is None else replace(event, file=f.received(content))

    async def _download(self, file_id: str) -> bytes | None:
        """A file's bytes, with a few quick retries on network errors and 429s; None if not.
        FileTooLarge, not retried, when the file is over the limit."""
        for attempt in range(DOWNLOAD_ATTEMPTS):
            try:
                return await self.client.download_file(file_id, DOWNLOAD_LIMIT)
            except FileTooLarge:
                log.info("a file over %d bytes was not downloaded", DOWNLOAD_LIMIT)
                raise
            except (Transient, RetryLater) as exc:
                wait = min(exc.seconds, 5.0) if isinstance(exc, RetryLater) else 0.5 * 2**attempt
                name = type(exc).__name__
                log.warning("file download failed (%s), attempt %d", name, attempt + 1)
                if attempt + 1 < DOWNLOAD_ATTEMPTS:
                    await asyncio.sleep(wait)
            except DeliveryError as exc:
                log.warning("file download failed for good (%s)", type(exc).__name__)
                return None
        return None

    async def _dispatch(self, event: Inbound) -> Outcome:
        context = contextvars.copy_context()  # the log's context goes with the event
        started: list[float] = []

        def run() -> Outcome:
            started.append(time.monotonic())
            return context.run(self.dispatcher.handle, event)

        work = asyncio.get_running_loop().run_in_executor(self._executor, run)
        # "typing…" once the work itself has run for a while: time spent queued for the
        # database's thread is not shown, since a busy bot would only add a call per step.
        wait = TYPING_AFTER
        while True:
            done, _ = await asyncio.wait({work}, timeout=wait)
            if done:
                return work.result()
            running = time.monotonic() - started[0] if started else 0.0
            if running >= TYPING_AFTER:
                break
            wait = TYPING_AFTER - running
        with contextlib.suppress(DeliveryError):
            await self.client.typing(event.chat_id)
        return await work

    async def _answer(self, press_id: str, outcome: Outcome) -> None:
        text = outcome.toast
        if not self.client.toasts and text and _said(text, outcome):
            text = None  # a message with what the chat shows anyway would only repeat it
        try:
            await self.client.answer_press(press_id, text, outcome.alert)
        except DeliveryError as exc:
            log.info("could not answer a press: %s", exc)

    async def _send(self, event: Inbound, outcome: Outcome) -> None:
        # The answer to what a person did: a card they pressed is edited in place, any other
        # card is shown anew at the bottom of the chat (its older copy loses its buttons).
        pressed = event.message_id if event.callback_data is not None else None
        for reply in outcome.replies:
            try:
                await deliver(
                    self.client,
                    self.uow_factory,
                    event.chat_id,
                    reply,
                    edit_message_id=pressed,
                    pdf=self.pdf,
                    anew=True,
                )
            except (DeliveryError, StorageUnavailable) as exc:
                # The event is handled and kept; a reply that could not go is not a reason to
                # have it delivered again.
                log.warning("reply to %s not delivered: %s", event.chat_id, exc)
        if outcome.menu is not None and event.private:
            try:
                await self.client.set_chat_commands(event.chat_id, outcome.menu, None)
                button = outcome.menu_button
                if button is not None and button.web_app:
                    await self.client.set_menu_button(event.chat_id, button.text, button.web_app)
            except DeliveryError as exc:
                log.info("menu not set for %s: %s", event.chat_id, exc)


def _said(toast: str, outcome: Outcome) -> bool:
    """Whether a press's replies already say its toast: a refusal's alert is its reply's first
    line, and a press answered with a card (a recorded opinion's, say) shows its result there.
    An alert says what must be read, so it counts as said only when a reply holds its words."""
    if not outcome.alert:
        return bool(outcome.replies)
    return any(toast in plain_words(r.text) for r in outcome.replies)
