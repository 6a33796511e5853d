"""What tests look at: the call record, callback queries, transcripts, files, and waiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from sandbox.bot_chats import effective_commands
from sandbox.core import Core
from sandbox.errors import SandboxError
from sandbox.state import BotEvent, CallbackQueryRecord, CallRecord, SandboxState
from sandbox.transcript import TranscriptEntry, build_transcript, render_entries

SENT_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
MessagePredicate = Callable[[dict[str, Any]], bool]


class Observer:
    """What tests look at in the sandbox, and how they wait for the bot."""

    def __init__(self, core: Core) -> None:
        self._core = core

    @property
    def state(self) -> SandboxState:
        """Return the sandbox's current state."""
        return self._core.state

    def calls(self, method: str | None = None) -> list[CallRecord]:
        """Return every Bot API call in order, or only those of one method (case-insensitive)."""
        if method is None:
            return list(self.state.calls)
        return [c for c in self.state.calls if c.method.lower() == method.lower()]

    def sent_messages(self, chat_id: int | None = None) -> list[CallRecord]:
        """Return the successful sendMessage/sendDocument/sendPhoto calls in order."""
        return [
            c
            for c in self.state.calls
            if c.ok
            and c.method in SENT_METHODS
            and (chat_id is None or c.result["chat"]["id"] == chat_id)
        ]

    def callback_queries(self) -> list[CallbackQueryRecord]:
        """Return every button press in order."""
        return sorted(self.state.callback_queries.values(), key=lambda q: q.seq)

    def unanswered_callback_queries(self) -> list[CallbackQueryRecord]:
        """Return the presses the bot never answered with answerCallbackQuery."""
        return [q for q in self.callback_queries() if not q.answered]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Return the current Message object (edits applied), or None if missing or deleted."""
        stored = self.state.message(chat_id, message_id)
        return dict(stored.data) if stored else None

    def last_bot_message(self, chat_id: int) -> dict[str, Any] | None:
        """Return the newest bot message of a chat that is not deleted."""
        chat = self.state.chats.get(chat_id)
        for stored in reversed(list(chat.messages.values()) if chat else []):
            if stored.sender == "bot" and not stored.deleted:
                return dict(stored.data)
        return None

    def transcript(self, chat_id: int) -> list[TranscriptEntry]:
        """Return the chat as entries (messages with edits applied, and presses), in order."""
        return build_transcript(self.state, chat_id)

    def render_transcript(self, chat_id: int, names: dict[Any, str] | None = None) -> str:
        """Return the chat as readable text (names: user id -> name, "bot" -> bot name)."""
        return render_entries(self.state, build_transcript(self.state, chat_id), names)

    def file_content(self, file_id: str) -> bytes:
        """Return the bytes of a stored file."""
        stored = self.state.files.get(file_id)
        if stored is None:
            raise SandboxError(f"unknown file_id {file_id!r}")
        return stored.content

    def effective_commands(self, chat_id: int, user_id: int | None = None) -> list[dict[str, Any]]:
        """Return the command menu a user sees in a chat (Telegram's scope fallback order)."""
        return effective_commands(self.state, chat_id, user_id)

    def mark(self) -> int:
        """Return the current point of the timeline, for wait_for_bot_message(since=...)."""
        return self.state.seq

    def _start_seq(self, chat_id: int, after_message_id: int, since: int | None) -> int:
        start = since or 0
        if after_message_id:
            chat = self.state.chats.get(chat_id)
            stored = chat.messages.get(after_message_id) if chat else None
            if stored is None:
                raise SandboxError(f"no message {after_message_id} in chat {chat_id}")
            start = max(start, stored.seq)
        return start

    async def next_bot_event(
        self,
        chat_id: int,
        after_message_id: int = 0,
        since: int | None = None,
        timeout: float = 10.0,
    ) -> BotEvent:
        """Return the first bot send or edit in the chat after a point; raise TimeoutError."""
        state = self.state
        start = self._start_seq(chat_id, after_message_id, since)
        deadline = time.monotonic() + timeout
        index = 0
        while True:
            events = state.events
            for event in events[index:]:
                if event.seq <= start or event.chat_id != chat_id or event.kind == "delete":
                    continue
                if event.kind == "send" and event.message_id <= after_message_id:
                    continue
                return event
            index = len(events)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no new bot message in chat {chat_id} within {timeout}s")
            await state.changed.wait(remaining)

    async def wait_for_bot_message(
        self,
        chat_id: int,
        predicate: MessagePredicate | None = None,
        after_message_id: int = 0,
        timeout: float = 10.0,
        since: int | None = None,
    ) -> dict[str, Any]:
        """Return the first bot message or edit after a point that satisfies the predicate.

        The point is message after_message_id of the chat (sends of later messages, and edits
        made after it appeared, count), or a mark() taken earlier.
        """
        deadline = time.monotonic() + timeout
        cursor = since
        while True:
            remaining = deadline - time.monotonic()
            try:
                event = await self.next_bot_event(chat_id, after_message_id, cursor, remaining)
            except TimeoutError:
                shown = self.render_transcript(chat_id)
                raise TimeoutError(
                    f"no bot message in chat {chat_id} matched within {timeout}s; "
                    f"the chat so far:\n{shown}"
                ) from None
            if predicate is None or predicate(event.message):
                return event.message
            cursor = event.seq

    def _busy(self) -> bool:
        state = self.state
        if state.in_flight > 0:
            return True
        if state.webhook is not None:
            return bool(state.updates.pending)
        return state.updates.has_undelivered()

    async def wait_idle(self, idle_ms: int = 300, timeout: float = 10.0) -> None:
        """Wait until every update was handed over and the bot made no call for idle_ms."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if not self._busy() and (now - self.state.last_activity) * 1000 >= idle_ms:
                return
            if now >= deadline:
                raise TimeoutError(f"the bot was still busy after {timeout}s")
            await asyncio.sleep(0.02)
