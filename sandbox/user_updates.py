"""The updates a person's actions queue for the bot: messages, edits, presses, blocking."""

from __future__ import annotations

import time
from typing import Any

from sandbox.errors import SandboxError
from sandbox.messages import add_message
from sandbox.state import (
    CallbackQueryRecord,
    SandboxChat,
    SandboxState,
    SandboxUser,
    StoredMessage,
)


def push_message(
    state: SandboxState,
    user: SandboxUser,
    chat: SandboxChat,
    fields: dict[str, Any],
    reply_to: int | None,
) -> dict[str, Any]:
    """Store a message a user wrote (as a reply when reply_to is given) and queue its update."""
    if reply_to is not None:
        target = state.message(chat.id, reply_to)
        if target is None:
            raise SandboxError(f"no message {reply_to} in chat {chat.id}")
        replied = dict(target.data)
        replied.pop("reply_to_message", None)
        fields = {"reply_to_message": replied, **fields}
    if chat.type == "private":
        user.started = True
    stored = add_message(state, chat, "user", user.id, fields)
    state.updates.push("message", stored.data)
    return stored.data


def push_edit(state: SandboxState, stored: StoredMessage, data: dict[str, Any]) -> dict[str, Any]:
    """Store a user's edit of their message and queue its edited_message update."""
    data["edit_date"] = int(time.time())
    stored.data, stored.edited = data, True
    state.updates.push("edited_message", dict(data))
    state.changed.notify()
    return dict(data)


def push_press(
    state: SandboxState,
    user: SandboxUser,
    chat: SandboxChat,
    message: dict[str, Any],
    button: dict[str, Any],
) -> str:
    """Record a press on a button of a message, queue its callback query; return the query id."""
    state.query_count += 1
    query_id = str(4_400_000_000_000_000_000 + state.query_count * 7_919 + user.id % 1000)
    record = CallbackQueryRecord(
        query_id,
        user.id,
        chat.id,
        message["message_id"],
        button["callback_data"],
        button["text"],
        state.next_seq(),
    )
    state.callback_queries[query_id] = record
    chat.timeline.append(("press", query_id))
    payload = {
        "id": query_id,
        "from": user.to_api(),
        "message": dict(message),
        "chat_instance": str(-(abs(chat.id) * 1_000_003 % 9_000_000_000_000_000_000) - 1),
        "data": button["callback_data"],
    }
    state.updates.push("callback_query", payload)
    state.changed.notify()
    return query_id


def push_membership(state: SandboxState, user: SandboxUser, old: str, new: str) -> None:
    """Queue the my_chat_member update of the bot's status changing in a user's private chat."""

    def member(status: str) -> dict[str, Any]:
        found: dict[str, Any] = {"user": state.bot_user(), "status": status}
        if status == "kicked":
            found["until_date"] = 0
        return found

    state.updates.push(
        "my_chat_member",
        {
            "chat": state.chat_api(state.chats[user.id]),
            "from": user.to_api(),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        },
    )
    state.changed.notify()
