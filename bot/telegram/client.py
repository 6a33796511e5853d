"""The messenger port on Telegram's Bot API, written once for both libraries: each call with
its arguments and limits. An adapter adds its library's types, the download of a file, and the
translation of its errors into the port's."""

from __future__ import annotations

import html
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Final, TypeVar

from bot.messenger import FileTooLarge
from conversations.replies import Document, Keyboard

T = TypeVar("T")

# Bot API values, which both libraries accept as plain strings.
PARSE_MODE: Final = "HTML"
TYPING: Final = "typing"
PRESS_TEXT_LIMIT: Final = 200  # characters of an answer to a button press
COMMAND_DESCRIPTION_LIMIT: Final = 256


@dataclass(frozen=True)
class BotApiTypes:
    """A library's classes for the Bot API objects the client builds; each takes the Bot API's
    field names as keyword arguments."""

    keyboard: Callable[..., Any]  # InlineKeyboardMarkup
    button: Callable[..., Any]  # InlineKeyboardButton
    command: Callable[..., Any]  # BotCommand
    chat_scope: Callable[..., Any]  # BotCommandScopeChat
    link_preview: Callable[..., Any]  # LinkPreviewOptions
    upload: Callable[..., Any]  # a file to upload from bytes and a filename
    web_app: Callable[..., Any]  # WebAppInfo
    menu_web_app: Callable[..., Any]  # MenuButtonWebApp


def markup(types: BotApiTypes, buttons: Keyboard) -> Any:
    """Our keyboard as Telegram's inline keyboard (button labels are plain text)."""
    if not buttons:
        return None
    return types.keyboard(
        inline_keyboard=[
            [
                types.button(
                    text=html.unescape(b.text),
                    callback_data=b.data,
                    url=b.url,
                    web_app=types.web_app(url=b.web_app) if b.web_app else None,
                )
                for b in row
            ]
            for row in buttons
        ]
    )


class TelegramClient(ABC):
    """MessengerClient on a library's `Bot`. Both libraries name every method and argument as
    the Bot API does, so an adapter adds only what differs."""

    types: ClassVar[BotApiTypes]
    toasts = True

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        self._no_preview = self.types.link_preview(is_disabled=True)

    @abstractmethod
    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run a Bot API call, turning the library's errors into the port's."""

    @abstractmethod
    async def _fetch(self, found: Any, max_bytes: int) -> bytes:
        """The bytes of a file that getFile found, FileTooLarge past `max_bytes`."""

    async def send_text(self, chat_id: str, html_text: str, buttons: Keyboard) -> str:
        """Send an HTML message."""
        msg = await self._call(
            lambda: self.bot.send_message(
                chat_id=int(chat_id),
                text=html_text,
                parse_mode=PARSE_MODE,
                reply_markup=markup(self.types, buttons),
                link_preview_options=self._no_preview,
            )
        )
        return str(msg.message_id)

    async def edit_text(
        self, chat_id: str, message_id: str, html_text: str, buttons: Keyboard
    ) -> None:
        """Replace a message's text and buttons."""
        await self._call(
            lambda: self.bot.edit_message_text(
                chat_id=int(chat_id),
                message_id=int(message_id),
                text=html_text,
                parse_mode=PARSE_MODE,
                reply_markup=markup(self.types, buttons),
                link_preview_options=self._no_preview,
            )
        )

    async def edit_buttons(self, chat_id: str, message_id: str, buttons: Keyboard) -> None:
        """Replace a message's inline keyboard (editMessageReplyMarkup); none removes it."""
        await self._call(
            lambda: self.bot.edit_message_reply_markup(
                chat_id=int(chat_id),
                message_id=int(message_id),
                reply_markup=markup(self.types, buttons),
            )
        )

    async def edit_caption(
        self, chat_id: str, message_id: str, html_text: str, buttons: Keyboard
    ) -> None:
        """Replace the caption and buttons of a file or photo message (editMessageCaption)."""
        await self._call(
            lambda: self.bot.edit_message_caption(
                chat_id=int(chat_id),
                message_id=int(message_id),
                caption=html_text,
                parse_mode=PARSE_MODE,
                reply_markup=markup(self.types, buttons),
            )
        )

    def _upload(self, document: Document) -> Any:
        """A file already on Telegram by its id, else its bytes to upload."""
        if document.content is None:
            return document.file_id
        return self.types.upload(document.content, filename=document.filename)

    async def send_document(self, chat_id: str, document: Document, buttons: Keyboard) -> str:
        """Send a file with an HTML caption."""
        payload = self._upload(document)
        msg = await self._call(
            lambda: self.bot.send_document(
                chat_id=int(chat_id),
                document=payload,
                caption=document.caption,
                parse_mode=PARSE_MODE,
                reply_markup=markup(self.types, buttons),
            )
        )
        return str(msg.message_id)

    async def send_photo(self, chat_id: str, document: Document, buttons: Keyboard) -> str:
        """Send an image shown in the chat (sendPhoto), with an HTML caption."""
        payload = self._upload(document)
        msg = await self._call(
            lambda: self.bot.send_photo(
                chat_id=int(chat_id),
                photo=payload,
                caption=document.caption,
                parse_mode=PARSE_MODE,
                reply_markup=markup(self.types, buttons),
            )
        )
        return str(msg.message_id)

    async def answer_press(self, press_id: str, text: str | None, alert: bool) -> None:
        """Answer a callback query."""
        await self._call(
            lambda: self.bot.answer_callback_query(
                callback_query_id=press_id,
                text=text[:PRESS_TEXT_LIMIT] if text else None,
                show_alert=alert,
            )
        )

    async def download_file(self, file_id: str, max_bytes: int) -> bytes:
        """The bytes of a file a person sent: getFile, then its download URL."""
        found = await self._call(lambda: self.bot.get_file(file_id=file_id))
        if found.file_size is not None and found.file_size > max_bytes:
            raise FileTooLarge(f"{found.file_size} bytes")
        return await self._fetch(found, max_bytes)

    async def typing(self, chat_id: str) -> None:
        """Show "typing…"."""
        await self._call(lambda: self.bot.send_chat_action(chat_id=int(chat_id), action=TYPING))

    async def set_chat_commands(
        self, chat_id: str, commands: list[tuple[str, str]], language: str | None
    ) -> None:
        """Set the command menu of one chat."""
        await self._call(
            lambda: self.bot.set_my_commands(
                commands=self._commands(commands),
                scope=self.types.chat_scope(chat_id=int(chat_id)),
                language_code=language,
            )
        )

    async def set_menu_button(self, chat_id: str, text: str, url: str) -> None:
        """Make one chat's menu button open the Mini App at `url`."""
        button = self.types.menu_web_app(
            text=html.unescape(text), web_app=self.types.web_app(url=url)
        )
        await self._call(
            lambda: self.bot.set_chat_menu_button(chat_id=int(chat_id), menu_button=button)
        )

    async def set_default_commands(self, commands: list[tuple[str, str]]) -> None:
        """Set the menu everyone sees before they are known."""
        await self._call(lambda: self.bot.set_my_commands(commands=self._commands(commands)))

    def _commands(self, commands: list[tuple[str, str]]) -> list[Any]:
        return [
            self.types.command(command=c, description=d[:COMMAND_DESCRIPTION_LIMIT])
            for c, d in commands
        ]
