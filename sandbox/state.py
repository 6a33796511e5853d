"""The sandbox's data model: users, chats, messages, callback queries, calls and events."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from sandbox.files import FileStore
from sandbox.updates import UpdateQueue

BOT_USERNAME = "zhaoshang_sandbox_bot"
BOT_FIRST_NAME = "Zhaoshang Sandbox"
DEFAULT_BOT_ID = 1234567890


class Notifier:
    """Wakes every waiter when something changes (one event loop, no locks needed)."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        """Wake all current waiters."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self, timeout: float) -> bool:
        """Wait for the next notify; return False when the timeout passed first."""
        if timeout <= 0:
            return False
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            # asyncio.wait, not wait_for: on Python 3.11 wait_for swallows a cancellation that
            # comes as the waiter is woken.
            await asyncio.wait({waiter}, timeout=timeout)
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)
        return waiter.done()


@dataclass
class SandboxUser:
    """A person using Telegram."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "zh-hans"
    blocked: bool = False
    started: bool = True

    def to_api(self) -> dict[str, Any]:
        """Return the Telegram User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass
class StoredMessage:
    """One message of a chat with its current content (edits applied)."""

    chat_id: int
    message_id: int
    sender: str
    user_id: int | None
    data: dict[str, Any]
    keyboard: dict[str, Any] | None = None
    edited: bool = False
    deleted: bool = False
    seq: int = 0


@dataclass
class CallbackQueryRecord:
    """A press on an inline button and the bot's answer to it."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    button_text: str
    seq: int
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    answer_url: str | None = None


@dataclass
class SandboxChat:
    """A private chat or a group, with its messages and its timeline of events."""

    id: int
    type: str
    title: str | None = None
    members: list[int] = field(default_factory=list)
    last_message_id: int = 0
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    timeline: list[tuple[str, int | str]] = field(default_factory=list)
    menu_button: dict[str, Any] | None = None


@dataclass
class CallRecord:
    """One Bot API call as the sandbox saw and answered it."""

    method: str
    params: dict[str, Any]
    chat_id: int | str | None
    monotonic: float
    wall_time: float
    status: int | None = None
    result: Any = None
    description: str | None = None
    fault: str | None = None

    @property
    def ok(self) -> bool:
        """Return True when the call succeeded."""
        return self.status == 200

    @property
    def text(self) -> str | None:
        """Return the text or caption of the message the call returned, if any."""
        if isinstance(self.result, dict):
            return self.result.get("text", self.result.get("caption"))
        return None


@dataclass
class BotEvent:
    """A bot action on a message (send, edit or delete), for waiting in tests."""

    seq: int
    chat_id: int
    message_id: int
    kind: str
    message: dict[str, Any]


@dataclass
class WebhookConfig:
    """The webhook the bot set."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    timeout: float = 10.0  # seconds the sandbox waits for the webhook's answer before retrying
    last_error_date: int | None = None
    last_error_message: str | None = None


class SandboxState:
    """Everything the sandbox knows; replaced as a whole by reset()."""

    def __init__(self, bot_id: int = DEFAULT_BOT_ID) -> None:
        self.bot_id = bot_id
        self.users: dict[int, SandboxUser] = {}
        self.chats: dict[int, SandboxChat] = {}
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.calls: list[CallRecord] = []
        self.events: list[BotEvent] = []
        self.commands: dict[tuple[str, int | None, int | None, str], list[dict[str, Any]]] = {}
        self.default_menu_button: dict[str, Any] = {"type": "commands"}
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.webhook: WebhookConfig | None = None
        self.changed = Notifier()
        self.seq = 0
        self.query_count = 0
        self.in_flight = 0
        self.last_activity = time.monotonic()

    def next_seq(self) -> int:
        """Return the next position on the sandbox's global timeline."""
        self.seq += 1
        return self.seq

    def bot_user(self) -> dict[str, Any]:
        """Return the bot as a Telegram User object (the "from" of its messages)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME,
        }

    def chat_api(self, chat: SandboxChat) -> dict[str, Any]:
        """Return the Telegram Chat object of a chat."""
        if chat.type == "private":
            user = self.users[chat.id]
            info: dict[str, Any] = {"id": chat.id, "first_name": user.first_name}
            if user.last_name:
                info["last_name"] = user.last_name
            if user.username:
                info["username"] = user.username
            info["type"] = "private"
            return info
        return {"id": chat.id, "title": chat.title or "", "type": chat.type}

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """Return a message that exists and is not deleted."""
        chat = self.chats.get(chat_id)
        stored = chat.messages.get(message_id) if chat else None
        if stored is None or stored.deleted:
            return None
        return stored

    def record_event(self, stored: StoredMessage, kind: str) -> None:
        """Log a bot action on a message and wake waiters."""
        snapshot = dict(stored.data)
        self.events.append(
            BotEvent(self.next_seq(), stored.chat_id, stored.message_id, kind, snapshot)
        )
        self.changed.notify()
