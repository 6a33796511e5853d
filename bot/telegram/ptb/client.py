"""The messenger port on python-telegram-bot: sending, editing, answering, with neutral errors."""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.messenger import FileTooLarge, RetryLater, Transient, Unreachable, bad_request
from conversations.replies import Document, Keyboard

# Time periods as timedeltas (PTB 22's future default), so 429s raise no deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")

T = TypeVar("T")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    """Our keyboard as Telegram's inline keyboard (button labels are plain text)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(html.unescape(b.text), callback_data=b.data, url=b.url)
                for b in row
            ]
            for row in buttons
        ]
    )


def retry_seconds(exc: RetryAfter) -> float:
    """The retry_after of a 429, whichever type this PTB version gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def translate(call: Callable[[], Awaitable[T]]) -> T:
    """Run a Bot API call, turning python-telegram-bot's errors into the port's."""
    try:
        return await call()
    except RetryAfter as exc:
        raise RetryLater(retry_seconds(exc), str(exc)) from exc
    except Forbidden as exc:
        raise Unreachable(exc.message) from exc
    except BadRequest as exc:
        raise bad_request(exc.message) from exc
    except NetworkError as exc:  # includes TimedOut
        raise Transient(str(exc)) from exc
    except TelegramError as exc:
        raise Transient(str(exc)) from exc


class PtbClient:
    """MessengerClient on a python-telegram-bot `Bot`."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_text(self, chat_id: str, html_text: str, buttons: Keyboard) -> str:
        """Send an HTML message."""
        msg = await translate(
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
            else InputFile(document.content, filename=document.filename)
        )
        msg = await translate(
            lambda: self.bot.send_document(
                chat_id=int(chat_id),
                document=payload,
                filename=document.filename,
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
                press_id, text=text[:200] if text else None, show_alert=alert
            )
        )

    async def download_file(self, file_id: str, max_bytes: int) -> bytes:
        """The bytes of a file a person sent: getFile, then its download URL."""
        found = await translate(lambda: self.bot.get_file(file_id))
        if found.file_size is not None and found.file_size > max_bytes:
            raise FileTooLarge(f"{found.file_size} bytes")
        content = bytes(await translate(found.download_as_bytearray))
        if len(content) > max_bytes:
            raise FileTooLarge(f"{len(content)} bytes")
        return content

    async def typing(self, chat_id: str) -> None:
        """Show "typing…"."""
        await translate(lambda: self.bot.send_chat_action(int(chat_id), ChatAction.TYPING))

    async def set_chat_commands(
        self, chat_id: str, commands: list[tuple[str, str]], language: str | None
    ) -> None:
        """Set the command menu of one chat."""
        await translate(
            lambda: self.bot.set_my_commands(
                [BotCommand(c, d[:256]) for c, d in commands],
                scope=BotCommandScopeChat(int(chat_id)),
                language_code=language,
            )
        )

    async def set_default_commands(self, commands: list[tuple[str, str]]) -> None:
        """Set the menu everyone sees before they are known."""
        await translate(
            lambda: self.bot.set_my_commands([BotCommand(c, d[:256]) for c, d in commands])
        )
