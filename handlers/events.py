"""Inbound events: what a runtime adapter makes of a messenger update."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file a person sent; the messenger keeps the bytes."""

    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a person did: typed text, a command, a button press, or a file."""

    user_id: str
    chat_id: str
    messenger: str = "telegram"
    chat_type: str = "private"
    display_name: str = ""
    username: str | None = None
    language_code: str | None = None
    text: str | None = None
    command: str | None = None  # without the slash, lower case
    args: str = ""
    callback_data: str | None = None
    message_id: str | None = None  # the message whose button was pressed
    file: FileRef | None = None
    update_id: str | None = None  # the messenger's update id, to recognise a redelivery

    @property
    def private(self) -> bool:
        """Whether this happened in a private chat with the bot."""
        return self.chat_type == "private"


def parse_command(text: str, bot_username: str | None = None) -> tuple[str, str] | None:
    """Split "/cmd@bot args" into ("cmd", "args"); None when the text is no command for us."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    name, _, mention = head.partition("@")
    if mention and bot_username and mention.lower() != bot_username.lower():
        return None
    if not name or not all(c.isalnum() or c == "_" for c in name):
        return None
    return name.lower(), rest.strip()
