"""One reply into messenger calls: documents with captions (a Word document followed by its PDF
copy), images as photos, cards edited in place, long texts split; shared by the outbox sender
and the runtime adapters."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from functools import partial
from typing import Final, Protocol, TypeVar

from bot.messenger import MessageGone, MessengerClient, NotModified, RetryLater
from bot.outbox.ratelimit import RateLimiter
from conversations.replies import Document, Keyboard, Reply
from documents.pdf import PDF_MIME, is_word, pdf_name
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

TEXT_LIMIT: Final = 4096
CAPTION_LIMIT: Final = 1024
PDF_WAIT: Final = 90.0
"""Seconds a delivery waits for a PDF copy (a conversion, or its turn for one) before it goes
on without it: an outbox row must be settled well within its lease, else it is sent again."""

_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|[^<&]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")

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
) -> str | None:
    """Show a reply in a chat and return the id of the message that now carries it (None when
    there was nothing to show). With `pdf`, a Word document is followed by its PDF copy; the
    copy is best effort: once the Word is out, nothing about the copy fails the delivery."""
    pace = _Pacer(chat_id, limiter, max_wait)
    if reply.document is not None:
        caption = reply.text or reply.document.caption or ""
        document = reply.document
        message_id = await _send_document(client, chat_id, document, caption, reply.buttons, pace)
        if pdf is not None and document.content and is_word(document.filename, document.mime_type):
            await _send_pdf_copy(client, chat_id, document, pdf, pace)
        return message_id
    if not reply.text.strip():
        return None
    fits = utf16_len(reply.text) <= TEXT_LIMIT
    if reply.edit and edit_message_id is not None and fits:
        return await _edit_or_send(client, chat_id, edit_message_id, reply, pace)
    if reply.card is None:
        return await _send_text(client, chat_id, reply.text, reply.buttons, pace)
    shown = await asyncio.to_thread(_card_message, uow_factory, chat_id, reply.card)
    if fits:
        message_id = await _edit_or_send(client, chat_id, shown, reply, pace)
    else:  # too long to edit into one message: the last part becomes the card
        message_id = await _send_text(client, chat_id, reply.text, reply.buttons, pace)
    if message_id != shown:
        await asyncio.to_thread(_remember_card, uow_factory, chat_id, reply.card, message_id)
    return message_id


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
) -> str:
    if message_id is not None:
        try:
            await pace(partial(client.edit_text, chat_id, message_id, reply.text, reply.buttons))
            return message_id
        except NotModified:
            return message_id
        except MessageGone:
            pass
    return await pace(partial(client.send_text, chat_id, reply.text, reply.buttons))


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


def utf16_len(text: str) -> int:
    """A text's length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_html(html: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut an HTML message into parts of at most `limit` characters, at line ends where
    possible, with every tag open at a cut closed there and opened again in the next part."""
    if utf16_len(html) <= limit:
        return [html]
    parts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, the opening tag as written)
    current = ""
    for piece in _pieces(html, limit // 2):
        after = _track(open_tags, piece)
        if current and utf16_len(current + piece + _closing(after)) > limit:
            parts.append(current.rstrip("\n") + _closing(open_tags))
            current = "".join(tag for _, tag in open_tags)
        current += piece
        open_tags = after
    parts.append(current)
    return [p for p in parts if _TAG.sub("", p).strip()]


def _pieces(html: str, size: int) -> Iterator[str]:
    """Lines, with a line longer than `size` cut between tags, entities and characters."""
    for line in _LINE.findall(html):
        if utf16_len(line) <= size:
            yield line
            continue
        chunk, length = "", 0
        for token in _TOKEN.findall(line):
            for unit in [token] if token[0] in "<&" else token:
                width = utf16_len(unit)
                if chunk and length + width > size:
                    yield chunk
                    chunk, length = "", 0
                chunk, length = chunk + unit, length + width
        if chunk:
            yield chunk


def _track(open_tags: list[tuple[str, str]], piece: str) -> list[tuple[str, str]]:
    """The tags still open after `piece`."""
    stack = list(open_tags)
    for match in _TAG.finditer(piece):
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            stack.append((name, match.group(0)))
            continue
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i]
                break
    return stack


def _closing(open_tags: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(open_tags))
