"""The Telegram client on aiogram 3: its types, its download and its errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
from aiogram import Bot
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
    File,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MenuButtonWebApp,
    WebAppInfo,
)

from bot.messenger import FileTooLarge, RetryLater, Transient, Unreachable, bad_request
from bot.telegram.client import BotApiTypes, TelegramClient

T = TypeVar("T")
AIOGRAM_TYPES = BotApiTypes(
    keyboard=InlineKeyboardMarkup,
    button=InlineKeyboardButton,
    command=BotCommand,
    chat_scope=BotCommandScopeChat,
    link_preview=LinkPreviewOptions,
    upload=BufferedInputFile,
    web_app=WebAppInfo,
    menu_web_app=MenuButtonWebApp,
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


class AiogramClient(TelegramClient):
    """MessengerClient on an aiogram `Bot`."""

    types = AIOGRAM_TYPES
    bot: Bot  # the library's own, which the base calls through the Bot API's names

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        return await translate(call)

    async def _fetch(self, found: File, max_bytes: int) -> bytes:
        """Streamed from the download URL, and cut off as soon as it grows past `max_bytes`."""
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
