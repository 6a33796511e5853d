"""Shared message operations: resolving chats for the bot, storing messages, replies, files."""

from __future__ import annotations

import time
from typing import Any

from sandbox.errors import ApiError, bad_request, bot_blocked, chat_not_found
from sandbox.files import StoredFile
from sandbox.params import Params, Upload
from sandbox.state import SandboxChat, SandboxState, StoredMessage


def find_chat(state: SandboxState, chat_id: int | str | None) -> SandboxChat:
    """Return a chat the sandbox knows, or raise Telegram's chat errors."""
    if chat_id is None:
        raise bad_request("chat_id is empty")
    if isinstance(chat_id, str):
        name = chat_id.lstrip("@").lower()
        for user in state.users.values():
            if user.username and user.username.lower() == name and user.id in state.chats:
                return state.chats[user.id]
        raise chat_not_found()
    chat = state.chats.get(chat_id)
    if chat is None:
        raise chat_not_found()
    return chat


def chat_for_bot(state: SandboxState, chat_id: int | str | None) -> SandboxChat:
    """Return a chat the bot may write to, or raise chat not found / blocked errors."""
    chat = find_chat(state, chat_id)
    if chat.type == "private":
        user = state.users[chat.id]
        if user.blocked:
            raise bot_blocked()
        if not user.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
    return chat


def add_message(
    state: SandboxState,
    chat: SandboxChat,
    sender: str,
    user_id: int | None,
    fields: dict[str, Any],
    keyboard: dict[str, Any] | None = None,
) -> StoredMessage:
    """Store a new message in a chat (ids are counted per chat) and log it."""
    chat.last_message_id += 1
    author = state.bot_user() if sender == "bot" else state.users[user_id or 0].to_api()
    data: dict[str, Any] = {
        "message_id": chat.last_message_id,
        "from": author,
        "chat": state.chat_api(chat),
        "date": int(time.time()),
        **fields,
    }
    stored = StoredMessage(chat.id, chat.last_message_id, sender, user_id, data, keyboard)
    stored.seq = state.next_seq()
    chat.messages[stored.message_id] = stored
    chat.timeline.append(("message", stored.message_id))
    if sender == "bot":
        state.record_event(stored, "send")
    else:
        state.changed.notify()
    return stored


def replied_message(state: SandboxState, chat: SandboxChat, p: Params) -> dict[str, Any] | None:
    """Return the message a bot send replies to, or raise when it does not exist."""
    options = p.get_json("reply_parameters")
    message_id: int | None = None
    allow = p.get_bool("allow_sending_without_reply")
    if isinstance(options, dict):
        raw_id = options.get("message_id")
        message_id = int(raw_id) if raw_id is not None else None
        allow = allow or bool(options.get("allow_sending_without_reply"))
    if message_id is None:
        message_id = p.get_int("reply_to_message_id")
    if message_id is None:
        return None
    target = state.message(chat.id, message_id)
    if target is None:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    snapshot = dict(target.data)
    snapshot.pop("reply_to_message", None)
    return snapshot


def fill_mentions(state: SandboxState, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Complete text_mention entities with the known user's profile."""
    for entity in entities:
        if entity.get("type") == "text_mention":
            user = state.users.get(int(entity["user"]["id"]))
            if user is not None:
                entity["user"] = user.to_api()
    return entities


def resolve_upload(state: SandboxState, value: Upload | str | None, kind: str) -> StoredFile:
    """Return the stored file for an uploaded file or a file_id, storing new uploads."""
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, Upload):
        if kind == "photo":
            photo = state.files.add_photo(value.content)
            if photo is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            return photo
        return state.files.add_document(value.content, value.filename, value.content_type)
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = state.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return stored
