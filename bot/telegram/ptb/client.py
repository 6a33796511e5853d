"""The Telegram client on python-telegram-bot: its types, its download and its errors."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Final, TypeVar

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    File,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.messenger import FileTooLarge, RetryLater, Transient, Unreachable, bad_request
from bot.telegram.client import BotApiTypes, TelegramClient

# Time periods as timedeltas (PTB 22's future default), so 429s raise no deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")

T = TypeVar("T")
PTB_TYPES = BotApiTypes(
    keyboard=InlineKeyboardMarkup,
    button=InlineKeyboardButton,
    command=BotCommand,
    chat_scope=BotCommandScopeChat,
    link_preview=LinkPreviewOptions,
    upload=InputFile,
    web_app=WebAppInfo,
    menu_web_app=MenuButtonWebApp,
)


_ZERO_RETRY: Final = re.compile(r"'retry_after': 0\b")
"""How PTB words a 429 whose retry_after is 0: unknown parameters, on a NetworkError."""


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
        zero = _ZERO_RETRY.search(exc.message)
        if zero:  # a 429 with retry_after 0, which PTB does not raise as RetryAfter
            raise RetryLater(0.0, str(exc)) from exc
        raise Transient(str(exc)) from exc
    except TelegramError as exc:
        raise Transient(str(exc)) from exc


class PtbClient(TelegramClient):
    """MessengerClient on a python-telegram-bot `Bot`."""

    types = PTB_TYPES
    bot: Bot  # the library's own, which the base calls through the Bot API's names

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        return await translate(call)

    async def _fetch(self, found: File, max_bytes: int) -> bytes:
        content = bytes(await translate(found.download_as_bytearray))
        if len(content) > max_bytes:
            raise FileTooLarge(f"{len(content)} bytes")
        return content
