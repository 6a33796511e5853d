"""The one inbound event type: what a runtime adapter (Telegram, WeCom, the web) makes of an
update, and the one command parser."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file a person sent: the messenger's id for it and what it says of it, and, once the
    runtime has fetched them (bot/respond.py), its bytes and their SHA-256. A file without
    `content` was not fetched (not one we accept, too large, or the download failed)."""

    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    content: bytes | None = field(default=None, repr=False, compare=False)

    def received(self, content: bytes) -> FileRef:
        """The same file with its bytes, their size and their SHA-256."""
        digest = hashlib.sha256(content).hexdigest()
        return replace(self, content=content, size=len(content), sha256=digest)


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a person did: typed text, a command, a button press, or a file; or an edit,
    or a kind of message the bot does not read (`other`)."""

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
    edited: bool = False  # an edit of a message sent earlier (handlers/chats.py)
    other: str | None = None  # a kind of message not read: "sticker", "location", "voice", …
    addressed: bool = False  # the message replies to the bot or mentions it (counts in groups)
    entered: bool = False  # the person opened the app (WeCom's enter_agent): a /start unasked

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
