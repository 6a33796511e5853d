"""Bot API methods about the bot itself and chats: getMe, commands, menu button, getChat."""

from __future__ import annotations

import re
from typing import Any

from sandbox.core import Core, Handler
from sandbox.errors import bad_request
from sandbox.messages import chat_for_bot, find_chat
from sandbox.params import Params
from sandbox.state import SandboxState

CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
SCOPES = frozenset(
    [
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    ]
)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
ScopeKey = tuple[str, int | None, int | None, str]


def get_me(core: Core, p: Params) -> dict[str, Any]:
    """Return the bot's User object."""
    return {
        **core.state.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def log_out(core: Core, p: Params) -> bool:
    """Pretend to log the bot out of the cloud Bot API server."""
    return True


def close(core: Core, p: Params) -> bool:
    """Pretend to close the bot instance."""
    return True


def scope_key(core: Core, p: Params) -> ScopeKey:
    """Return the storage key for a commands scope and language."""
    scope = p.get_json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = str(scope["type"])
    chat_id: int | None = None
    user_id: int | None = None
    if kind in {"chat", "chat_administrators", "chat_member"}:
        chat_id = find_chat(core.state, scope.get("chat_id")).id
    if kind == "chat_member":
        if scope.get("user_id") is None:
            raise bad_request("user not found")
        user_id = int(scope["user_id"])
    return kind, chat_id, user_id, (p.get_str("language_code") or "").lower()


def set_my_commands(core: Core, p: Params) -> bool:
    """Store the command list for a scope and language."""
    commands = p.get_json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    checked: list[dict[str, Any]] = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name = str(command.get("command", "")).lstrip("/").lower()
        description = str(command.get("description", ""))
        if not _COMMAND.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": name, "description": description})
    key = scope_key(core, p)
    if checked:
        core.state.commands[key] = checked
    else:
        core.state.commands.pop(key, None)
    return True


def get_my_commands(core: Core, p: Params) -> list[dict[str, Any]]:
    """Return the command list stored for exactly this scope and language."""
    return list(core.state.commands.get(scope_key(core, p), []))


def delete_my_commands(core: Core, p: Params) -> bool:
    """Remove the command list of a scope and language."""
    core.state.commands.pop(scope_key(core, p), None)
    return True


def effective_commands(
    state: SandboxState, chat_id: int, user_id: int | None = None
) -> list[dict[str, Any]]:
    """Return the commands a user sees in a chat, following Telegram's scope fallback order."""
    chat = state.chats[chat_id]
    user = state.users.get(user_id if user_id is not None else chat_id)
    language = (user.language_code or "").lower() if user else ""
    if chat.type == "private":
        order: list[tuple[str, int | None, int | None]] = [
            ("chat", chat.id, None),
            ("all_private_chats", None, None),
        ]
    else:
        order = [
            ("chat_member", chat.id, user_id),
            ("chat", chat.id, None),
            ("all_group_chats", None, None),
        ]
    order.append(("default", None, None))
    for kind, scope_chat, scope_user in order:
        for lang in (language, ""):
            found = state.commands.get((kind, scope_chat, scope_user, lang))
            if found:
                return list(found)
    return []


def send_chat_action(core: Core, p: Params) -> bool:
    """Accept a chat action ("typing", ...) for a chat the bot can write to."""
    chat_for_bot(core.state, p.chat_id())
    if p.get_str("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def set_chat_menu_button(core: Core, p: Params) -> bool:
    """Set the menu button of a private chat, or the default one."""
    button = p.get_json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in {
        "default",
        "commands",
        "web_app",
    }:
        raise bad_request("can't parse menu button JSON object")
    if p.chat_id() is None:
        core.state.default_menu_button = button
    else:
        find_chat(core.state, p.chat_id()).menu_button = button
    return True


def get_chat_menu_button(core: Core, p: Params) -> dict[str, Any]:
    """Return the menu button of a chat, or the default one."""
    if p.chat_id() is None:
        return core.state.default_menu_button
    chat = find_chat(core.state, p.chat_id())
    return chat.menu_button or {"type": "default"}


def get_chat(core: Core, p: Params) -> dict[str, Any]:
    """Return the ChatFullInfo of a known chat."""
    chat = find_chat(core.state, p.chat_id())
    gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
    return {
        **core.state.chat_api(chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {**dict.fromkeys(gifts, False), "gifts_from_channels": False},
    }


def get_chat_member(core: Core, p: Params) -> dict[str, Any]:
    """Return a user's membership in a chat."""
    state = core.state
    chat = find_chat(state, p.chat_id())
    user_id = p.get_int("user_id")
    if user_id == state.bot_id:
        return {"status": "member", "user": state.bot_user()}
    user = state.users.get(user_id or 0)
    if user is None:
        raise bad_request("user not found")
    member = chat.id == user.id if chat.type == "private" else user.id in chat.members
    return {"status": "member" if member else "left", "user": user.to_api()}


def _bot_text(kind: str, field: str) -> dict[str, Handler]:
    """Return the set/get methods of the bot's name, description or short description."""

    def setter(core: Core, p: Params) -> bool:
        language = (p.get_str("language_code") or "").lower()
        core.state.bot_texts[(field, language)] = p.get_str(field) or ""
        return True

    def getter(core: Core, p: Params) -> dict[str, str]:
        language = (p.get_str("language_code") or "").lower()
        return {field: core.state.bot_texts.get((field, language), "")}

    return {f"setMy{kind}": setter, f"getMy{kind}": getter}


def methods() -> dict[str, Handler]:
    """Return the Bot API methods of this module by name."""
    return {
        "getMe": get_me,
        "logOut": log_out,
        "close": close,
        "setMyCommands": set_my_commands,
        "getMyCommands": get_my_commands,
        "deleteMyCommands": delete_my_commands,
        "sendChatAction": send_chat_action,
        "setChatMenuButton": set_chat_menu_button,
        "getChatMenuButton": get_chat_menu_button,
        "getChat": get_chat,
        "getChatMember": get_chat_member,
        **_bot_text("Name", "name"),
        **_bot_text("Description", "description"),
        **_bot_text("ShortDescription", "short_description"),
    }
