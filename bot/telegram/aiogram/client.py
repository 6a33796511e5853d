"""The messenger port on aiogram 3: sending, editing, answering, with neutral errors."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
from aiogram import Bot
from aiogram.enums import ChatAction, ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
)

from bot.messenger import FileTooLarge, RetryLater, Transient, Unreachable, bad_request
from conversations.replies import Document, Keyboard

T = TypeVar("T")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    """Our keyboard as Telegram's inline keyboard (button labels are plain text)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=html.unescape(b.text), callback_data=b.data, url=b.url)
                for b in row
            ]
            for row in buttons
        ]
    )


async def translate(call: Callable[[], Awaitable[T]]) -> T:
    """Run a Bot API call, turning aiogram's errors into the port's."""
    try:
        return await call()
    except TelegramRetryAfter as exc:
        raise RetryLater(float(exc.retry_after), exc.message) from exc
    except TelegramForbiddenError as exc:
        raise Unreachable(exc.message) from exc
    except TelegramBadRequest as exc:
        raise bad_request(exc.message) from exc
    except TelegramNotFound as exc:
        raise Unreachable(exc.message) from exc
    except (TelegramNetworkError, TelegramServerError) as exc:
        raise Transient(str(exc)) from exc
    except TelegramAPIError as exc:
        raise Transient(str(exc)) from exc


class AiogramClient:
    """MessengerClient on an aiogram `Bot`."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_text(self, chat_id: str, html_text: str, buttons: Keyboard) -> str:
        """Send an HTML message."""
        msg: Message = await translate(
            lambda: self.bot.send_message(
                chat_id=int(chat_id),
                text=html_text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(buttons),
                link_preview_options=NO_PREVIEW,
            )
        )
        return str(msg.message_id)

    async def edit_text(
        self, chat_id: str, message_id: str, html_text: str, buttons: Keyboard
    ) -> None:
        """Replace a message's text and buttons."""
        await translate(
            lambda: self.bot.edit_message_text(
                chat_id=int(chat_id),
                message_id=int(message_id),
                text=html_text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(buttons),
                link_preview_options=NO_PREVIEW,
            )
        )

    async def send_document(self, chat_id: str, document: Document, buttons: Keyboard) -> str:
        """Send a file with an HTML caption."""
        payload: Any = (
            document.file_id
            if document.content is None
            else BufferedInputFile(document.content, filename=document.filename)
        )
        msg: Message = await translate(
            lambda: self.bot.send_document(
                chat_id=int(chat_id),
                document=payload,
                caption=document.caption,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(buttons),
            )
        )
        return str(msg.message_id)

    async def answer_press(self, press_id: str, text: str | None, alert: bool) -> None:
        """Answer a callback query."""
        await translate(
            lambda: self.bot.answer_callback_query(
                callback_query_id=press_id, text=text[:200] if text else None, show_alert=alert
            )
        )

    async def download_file(self, file_id: str, max_bytes: int) -> bytes:
        """The bytes of a file a person sent: getFile, then its download URL, streamed and cut
        off as soon as it grows past `max_bytes`."""
        found = await translate(lambda: self.bot.get_file(file_id=file_id))
        if found.file_size is not None and found.file_size > max_bytes:
            raise FileTooLarge(f"{found.file_size} bytes")
        if not found.file_path:
            raise Unreachable("the file has no download path")
        session = self.bot.session
        url = session.api.file_url(self.bot.token, found.file_path)
        chunks: list[bytes] = []
        total = 0
        try:
            async for chunk in session.stream_content(url=url, timeout=60, chunk_size=65536):
                total += len(chunk)
                if total > max_bytes:
                    raise FileTooLarge(f"more than {max_bytes} bytes")
                chunks.append(chunk)
        except aiohttp.ClientResponseError as exc:
            if exc.status == 429 or exc.status >= 500:
                raise Transient(f"download failed: HTTP {exc.status}") from exc
            raise Unreachable(f"download failed: HTTP {exc.status}") from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Transient(f"download failed: {type(exc).__name__}") from exc
        return b"".join(chunks)

    async def typing(self, chat_id: str) -> None:
        """Show "typing…"."""
        await translate(
            lambda: self.bot.send_chat_action(chat_id=int(chat_id), action=ChatAction.TYPING)
        )

    async def set_chat_commands(
        self, chat_id: str, commands: list[tuple[str, str]], language: str | None
    ) -> None:
        """Set the command menu of one chat."""
        await translate(
            lambda: self.bot.set_my_commands(
                commands=[BotCommand(command=c, description=d[:256]) for c, d in commands],
                scope=BotCommandScopeChat(chat_id=int(chat_id)),
                language_code=language,
            )
        )

    async def set_default_commands(self, commands: list[tuple[str, str]]) -> None:
        """Set the menu everyone sees before they are known."""
        await translate(
            lambda: self.bot.set_my_commands(
                commands=[BotCommand(command=c, description=d[:256]) for c, d in commands]
            )
        )
