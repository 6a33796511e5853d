"""The port every runtime implements: send, edit, answer, upload; with neutral errors."""

from __future__ import annotations

from typing import Protocol

from conversations.replies import Document, Keyboard


class DeliveryError(Exception):
    """A messenger call failed."""


class RetryLater(DeliveryError):
    """Flood control (HTTP 429): try again after `seconds`."""

    def __init__(self, seconds: float, description: str = "") -> None:
        super().__init__(description or f"retry after {seconds}")
        self.seconds = seconds


class Transient(DeliveryError):
    """A network error or a 5xx: try again with backoff."""


class Unreachable(DeliveryError):
    """The chat can never be reached (bot blocked, chat not found, user deactivated)."""


class NotModified(DeliveryError):
    """An edit that changes nothing (harmless)."""


class MessageGone(DeliveryError):
    """The message to edit no longer exists (or cannot be edited)."""


class NoText(MessageGone):
    """The message to edit has no text: a file or a photo, whose caption is edited instead."""


class FileTooLarge(DeliveryError):
    """A file larger than the caller would fetch (or than the messenger lets a bot fetch)."""


class MessengerClient(Protocol):
    """What the delivery code needs from a messenger runtime (python-telegram-bot, aiogram,
    WeCom)."""

    toasts: bool
    """Whether a press's answer shows over the chat (Telegram's toast and alert). Without them
    (WeCom) the answer goes as a message, and only when nothing else the press shows says it."""

    async def send_text(self, chat_id: str, html: str, buttons: Keyboard) -> str:
        """Send an HTML message; returns the new message id."""
        ...

    async def edit_text(self, chat_id: str, message_id: str, html: str, buttons: Keyboard) -> None:
        """Replace a message's text and buttons."""
        ...

    async def edit_buttons(self, chat_id: str, message_id: str, buttons: Keyboard) -> None:
        """Replace a message's buttons only, its text kept (none: the buttons are removed)."""
        ...

    async def edit_caption(
        self, chat_id: str, message_id: str, html: str, buttons: Keyboard
    ) -> None:
        """Replace the caption and buttons of a file or photo message."""
        ...

    async def send_document(self, chat_id: str, document: Document, buttons: Keyboard) -> str:
        """Send a file (with an HTML caption); returns the new message id."""
        ...

    async def send_photo(self, chat_id: str, document: Document, buttons: Keyboard) -> str:
        """Send an image to be seen in the chat (a chart), with an HTML caption; returns the
        new message id."""
        ...

    async def answer_press(self, press_id: str, text: str | None, alert: bool) -> None:
        """Answer a button press (every press must be answered): a toast, or with `alert` a
        notice that stays until it is read; without `toasts`, a message with `text`."""
        ...

    async def download_file(self, file_id: str, max_bytes: int) -> bytes:
        """The bytes of a file a person sent (Bot API: getFile, then the file's download URL);
        FileTooLarge for one over `max_bytes`."""
        ...

    async def typing(self, chat_id: str) -> None:
        """Show that the bot is working."""
        ...

    async def set_chat_commands(
        self, chat_id: str, commands: list[tuple[str, str]], language: str | None
    ) -> None:
        """Set the command menu of one chat."""
        ...

    async def set_menu_button(self, chat_id: str, text: str, url: str) -> None:
        """Make one chat's menu button open a web page inside the messenger."""
        ...


def bad_request(description: str) -> DeliveryError:
    """The port's error for a Bot API "Bad Request", whichever library reported it."""
    text = description.lower()
    if "not modified" in text:
        return NotModified(description)
    # A card sent with a file has a caption, not a text: its caption is edited instead.
    if "no text in the message to edit" in text:
        return NoText(description)
    if any(
        k in text
        for k in (
            "message to edit not found",
            "message can't be edited",
        )
    ):
        return MessageGone(description)
    return Unreachable(description)
