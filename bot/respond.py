"""Runtime-neutral handling of one inbound event: dispatch off the event loop, then reply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from dataclasses import dataclass

from bot.delivery import deliver
from bot.messenger import DeliveryError, MessageGone, MessengerClient, NotModified
from conversations.replies import Outcome, Reply
from handlers.dispatch import Dispatcher
from handlers.events import Inbound
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer, normalize_locale

log = logging.getLogger(__name__)
TYPING_AFTER = 0.4  # seconds of work before the person sees "typing…"


@dataclass
class Responder:
    """Turns an inbound event into replies sent through a messenger client."""

    client: MessengerClient
    dispatcher: Dispatcher
    uow_factory: UnitOfWorkFactory
    renderer: Renderer

    def __post_init__(self) -> None:
        # One event at a time per chat: a double press is handled after the first one.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, chat_id: str) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    async def handle(self, event: Inbound, press_id: str | None = None) -> None:
        """Dispatch an event and send the replies; a press is always answered."""
        async with self._lock(event.chat_id):
            try:
                outcome = await self._dispatch(event)
            except Exception:
                log.exception("handling %s failed", event)
                locale = normalize_locale(event.language_code, self.renderer.default_locale)
                outcome = Outcome([Reply(self.renderer.message(locale, "common#error"))])
            if press_id is not None:
                await self._answer(press_id, outcome)
            await self._send(event, outcome)

    async def _dispatch(self, event: Inbound) -> Outcome:
        task = asyncio.ensure_future(asyncio.to_thread(self.dispatcher.handle, event))
        done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER)
        if not done:
            with contextlib.suppress(DeliveryError):
                await self.client.typing(event.chat_id)
        return await task

    async def _answer(self, press_id: str, outcome: Outcome) -> None:
        try:
            await self.client.answer_press(press_id, outcome.toast, outcome.alert)
        except DeliveryError as exc:
            log.info("could not answer a press: %s", exc)

    async def _send(self, event: Inbound, outcome: Outcome) -> None:
        for reply in outcome.replies:
            try:
                if reply.edit and event.message_id and reply.document is None:
                    await self._edit(event, reply)
                else:
                    await deliver(self.client, self.uow_factory, event.chat_id, reply)
            except DeliveryError as exc:
                log.warning("reply to %s not delivered: %s", event.chat_id, exc)
        if outcome.menu is not None and event.private:
            try:
                await self.client.set_chat_commands(event.chat_id, outcome.menu, None)
            except DeliveryError as exc:
                log.info("menu not set for %s: %s", event.chat_id, exc)

    async def _edit(self, event: Inbound, reply: Reply) -> None:
        assert event.message_id is not None
        try:
            await self.client.edit_text(event.chat_id, event.message_id, reply.text, reply.buttons)
        except NotModified:
            pass
        except MessageGone:
            await deliver(self.client, self.uow_factory, event.chat_id, reply)
