"""One reply into messenger calls: documents with captions (a Word document followed by its PDF
copy), images as photos, cards edited in place or shown anew (the older copy losing its
buttons), long texts split; shared by the outbox sender and the runtime adapters."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import Final, Protocol, TypeVar

from bot.messenger import (
    DeliveryError,
    MessageGone,
    MessengerClient,
    NoText,
    NotModified,
    RetryLater,
)
from bot.outbox.ratelimit import RateLimiter
from bot.outbox.splitting import TEXT_LIMIT, split_html, utf16_len
from conversations.replies import Document, Keyboard, Reply
from documents.pdf import PDF_MIME, is_word, pdf_name
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

CAPTION_LIMIT: Final = 1024
PDF_WAIT: Final = 90.0
"""Seconds a delivery waits for a PDF copy (a conversion, or its turn for one) before it goes
on without it: an outbox row must be settled well within its lease, else it is sent again."""

T = TypeVar("T")


class PdfMaker(Protocol):
    """What delivery needs of a PDF converter (documents/pdf.PdfConverter)."""

    def convert(self, docx: bytes) -> bytes:
        """The PDF of a Word document; raises when it cannot be made. Blocking."""
        ...


async def deliver(
    client: MessengerClient,
    uow_factory: Callable[[], UnitOfWork],
    chat_id: str,
    reply: Reply,
    *,
    limiter: RateLimiter | None = None,
    max_wait: float | None = None,
    edit_message_id: str | None = None,
    pdf: PdfMaker | None = None,
    anew: bool = False,
) -> str | None:
    """Show a reply in a chat and return the id of the message that now carries it (None when
    there was nothing to show). With `pdf`, a Word document is followed by its PDF copy; the
    copy is best effort: once the Word is out, nothing about the copy fails the delivery.

    A reply with `edit` replaces `edit_message_id`, the message whose button was pressed. A
    card (`reply.card`) is edited where it was last shown in the chat, as live cards are; with
    `anew` (the answer to what a person did) it is shown as a new message at the bottom
    instead, unless it is the card just pressed, and the older copy loses its buttons: one copy
    of a card has buttons. A `final` card is only ever edited where it was shown."""
    pace = _Pacer(chat_id, limiter, max_wait)
    if reply.document is not None:
        caption = reply.text or reply.document.caption or ""
        document = reply.document
        message_id = await _send_document(client, chat_id, document, caption, reply.buttons, pace)
        if reply.card is not None:  # a card sent with its file: its caption is the card
            shown = await asyncio.to_thread(_card_message, uow_factory, chat_id, reply.card)
            await _moved(client, uow_factory, chat_id, reply.card, message_id, shown, pace)
        if pdf is not None and document.content and is_word(document.filename, document.mime_type):
            await _send_pdf_copy(client, chat_id, document, pdf, pace)
        return message_id
    if not reply.text.strip():
        return None
    fits = utf16_len(reply.text) <= TEXT_LIMIT
    if reply.card is None:
        if reply.edit and edit_message_id is not None and fits:
            return (await _edit_or_send(client, chat_id, edit_message_id, reply, pace))[0]
        return await _send_text(client, chat_id, reply.text, reply.buttons, pace)
    shown = await asyncio.to_thread(_card_message, uow_factory, chat_id, reply.card)
    if reply.final:
        return await _finish(client, chat_id, shown, reply, pace) if fits else None
    pressed = edit_message_id if reply.edit else None
    here = pressed or shown
    if anew and here != edit_message_id:
        here = None  # a new message at the bottom, not an edit far up the chat
    gone = False
    if here is not None and fits:
        message_id, gone = await _edit_or_send(client, chat_id, here, reply, pace)
    else:  # new, or too long to edit into one message: the last part becomes the card
        message_id = await _send_text(client, chat_id, reply.text, reply.buttons, pace)
    if message_id != shown:
        before = None if gone and here == shown else shown
        await _moved(client, uow_factory, chat_id, reply.card, message_id, before, pace)
    return message_id


async def _moved(
    client: MessengerClient,
    uow_factory: Callable[[], UnitOfWork],
    chat_id: str,
    card: str,
    message_id: str,
    shown: str | None,
    pace: _Pacer,
) -> None:
    """A card is now shown in `message_id`: remembered there, and the copy it was shown in
    before (`shown`) loses its buttons."""
    if shown is not None:
        await _retire(client, chat_id, shown, pace)
    await asyncio.to_thread(_remember_card, uow_factory, chat_id, card, message_id)


async def _finish(
    client: MessengerClient, chat_id: str, shown: str | None, reply: Reply, pace: _Pacer
) -> str | None:
    """A card's last state, edited where it was shown; nothing when it never was. A copy that
    cannot take the text at least loses its buttons."""
    if shown is None:
        return None
    outcome = await _edit(client, chat_id, shown, reply, pace)
    if outcome == "edited":
        return shown
    if outcome == "kept":
        await _retire(client, chat_id, shown, pace)
    return None


async def _retire(client: MessengerClient, chat_id: str, message_id: str, pace: _Pacer) -> None:
    """An older copy of a card, now shown again elsewhere, loses its buttons; its text stays,
    as the card read then. Best effort: the new copy is out, and the old one may be gone."""
    try:
        await pace(partial(client.edit_buttons, chat_id, message_id, ()))
    except (NotModified, MessageGone):
        pass
    except DeliveryError as exc:
        log.info("the older copy of a card in %s kept its buttons: %s", chat_id, exc)


class _Pacer:
    """Makes each call of one reply within the limits. Once part of the reply is out, a 429
    is waited out here: failing then would make a retry repeat the parts already shown."""

    def __init__(self, chat_id: str, limiter: RateLimiter | None, max_wait: float | None) -> None:
        self.chat_id = chat_id
        self.limiter = limiter
        self.max_wait = max_wait
        self.shown = False

    async def __call__(self, call: Callable[[], Awaitable[T]]) -> T:
        while True:
            if self.limiter is not None:
                await self.limiter.acquire(
                    self.chat_id, None if self.shown else self.max_wait, track=True
                )
            try:
                result = await call()
            except RetryLater as exc:
                if self.limiter is not None:
                    self.limiter.refused(exc.seconds, self.chat_id)
                if not self.shown:
                    raise
                if self.limiter is None:
                    await asyncio.sleep(exc.seconds)
                continue
            else:
                if self.limiter is not None:
                    self.limiter.delivered(self.chat_id)
            finally:
                if self.limiter is not None:
                    self.limiter.finished(self.chat_id)
            self.shown = True
            return result


async def _send_text(
    client: MessengerClient, chat_id: str, html: str, buttons: Keyboard, pace: _Pacer
) -> str:
    parts = split_html(html)
    message_id = ""
    for i, part in enumerate(parts):
        keyboard = buttons if i == len(parts) - 1 else ()
        message_id = await pace(partial(client.send_text, chat_id, part, keyboard))
    return message_id


async def _edit_or_send(
    client: MessengerClient, chat_id: str, message_id: str | None, reply: Reply, pace: _Pacer
) -> tuple[str, bool]:
    """The message that now shows the reply: `message_id` edited, else a new one; and whether
    `message_id` is gone (a new message was sent because the old one no longer exists)."""
    if message_id is None:
        return await pace(partial(client.send_text, chat_id, reply.text, reply.buttons)), False
    outcome = await _edit(client, chat_id, message_id, reply, pace)
    if outcome == "edited":
        return message_id, False
    sent = await pace(partial(client.send_text, chat_id, reply.text, reply.buttons))
    return sent, outcome == "gone"


async def _edit(
    client: MessengerClient, chat_id: str, message_id: str, reply: Reply, pace: _Pacer
) -> str:
    """Edit a message into the reply: its text, or the caption of a card sent with a file.
    "edited"; "gone" when the message no longer exists; "kept" when it cannot take it."""
    try:
        await pace(partial(client.edit_text, chat_id, message_id, reply.text, reply.buttons))
    except NotModified:
        pass
    except NoText:
        if utf16_len(reply.text) > CAPTION_LIMIT:
            return "kept"
        try:
            await pace(
                partial(client.edit_caption, chat_id, message_id, reply.text, reply.buttons)
            )
        except NotModified:
            pass
        except MessageGone:
            return "kept"
    except MessageGone:
        return "gone"
    return "edited"


async def _send_document(
    client: MessengerClient,
    chat_id: str,
    document: Document,
    text: str,
    buttons: Keyboard,
    pace: _Pacer,
) -> str:
    caption: str | None = text if text.strip() else None
    if caption is not None and utf16_len(caption) > CAPTION_LIMIT:
        await _send_text(client, chat_id, caption, (), pace)
        caption = None
    document = replace(document, caption=caption)
    if document.mime_type.startswith("image/"):  # a chart: shown in the chat, not as a file
        return await pace(partial(client.send_photo, chat_id, document, buttons))
    return await pace(partial(client.send_document, chat_id, document, buttons))


async def _send_pdf_copy(
    client: MessengerClient, chat_id: str, word: Document, pdf: PdfMaker, pace: _Pacer
) -> None:
    """The Word document again as PDF, without caption or buttons (they stay on the Word).
    A conversion that fails or takes too long, or a send that fails, is logged and dropped:
    the Word is out, and a retry would send it twice. A 429 is waited out by the pacer."""
    assert word.content is not None
    try:
        content = await asyncio.wait_for(asyncio.to_thread(pdf.convert, word.content), PDF_WAIT)
    except Exception as exc:  # TimeoutError, PdfError, or anything the converter raised
        log.warning("no PDF copy of %s: %s", word.filename, exc or type(exc).__name__)
        return
    copy = Document(filename=pdf_name(word.filename), content=content, mime_type=PDF_MIME)
    try:
        await pace(partial(client.send_document, chat_id, copy, ()))
    except Exception as exc:
        log.warning("the PDF copy of %s was not sent: %s", word.filename, exc)


def _card_message(uow_factory: Callable[[], UnitOfWork], chat_id: str, card: str) -> str | None:
    with uow_factory() as uow:
        return uow.outbox.card_message(chat_id, card)


def _remember_card(
    uow_factory: Callable[[], UnitOfWork], chat_id: str, card: str, message_id: str
) -> None:
    with uow_factory() as uow:
        uow.outbox.remember_card(chat_id, card, message_id)
        uow.commit()
