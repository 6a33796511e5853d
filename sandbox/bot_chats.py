"""Bot API methods about the bot itself and chats: getMe, commands, menu button, getChat."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sandbox.errors import bad_request
from sandbox.messages import chat_for_bot, find_chat
from sandbox.params import Params
from sandbox.registry import bot_method
from sandbox.state import SandboxState

if TYPE_CHECKING:
    from sandbox.server import SandboxServer

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


@bot_method("getMe")
def get_me(server: SandboxServer, p: Params) -> dict[str, Any]:
    """Return the bot's User object."""
    return {
        **server.state.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@bot_method("logOut")
def log_out(server: SandboxServer, p: Params) -> bool:
    """Pretend to log the bot out of the cloud Bot API server."""
    return True


@bot_method("close")
def close(server: SandboxServer, p: Params) -> bool:
    """Pretend to close the bot instance."""
    return True


def scope_key(server: SandboxServer, p: Params) -> ScopeKey:
    """Return the storage key for a commands scope and language."""
    scope = p.get_json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = str(scope["type"])
    chat_id: int | None = None
    user_id: int | None = None
    if kind in {"chat", "chat_administrators", "chat_member"}:
        chat_id = find_chat(server.state, scope.get("chat_id")).id
    if kind == "chat_member":
        if scope.get("user_id") is None:
            raise bad_request("user not found")
        user_id = int(scope["user_id"])
    return kind, chat_id, user_id, (p.get_str("language_code") or "").lower()


@bot_method("setMyCommands")
def set_my_commands(server: SandboxServer, p: Params) -> bool:
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
    key = scope_key(server, p)
    if checked:
        server.state.commands[key] = checked
    else:
        server.state.commands.pop(key, None)
    return True


@bot_method("getMyCommands")
def get_my_commands(server: SandboxServer, p: Params) -> list[dict[str, Any]]:
    """Return the command list stored for exactly this scope and language."""
    return list(server.state.commands.get(scope_key(server, p), []))


@bot_method("deleteMyCommands")
def delete_my_commands(server: SandboxServer, p: Params) -> bool:
    """Remove the command list of a scope and language."""
    server.state.commands.pop(scope_key(server, p), None)
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


@bot_method("sendChatAction")
def send_chat_action(server: SandboxServer, p: Params) -> bool:
    """Accept a chat action ("typing", ...) for a chat the bot can write to."""
    chat_for_bot(server.state, p.chat_id())
    if p.get_str("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


@bot_method("setChatMenuButton")
def set_chat_menu_button(server: SandboxServer, p: Params) -> bool:
    """Set the menu button of a private chat, or the default one."""
    button = p.get_json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in {
        "default",
        "commands",
        "web_app",
    }:
        raise bad_request("can't parse menu button JSON object")
    if p.chat_id() is None:
        server.state.default_menu_button = button
    else:
        find_chat(server.state, p.chat_id()).menu_button = button
    return True


@bot_method("getChatMenuButton")
def get_chat_menu_button(server: SandboxServer, p: Params) -> dict[str, Any]:
    """Return the menu button of a chat, or the default one."""
    if p.chat_id() is None:
        return server.state.default_menu_button
    chat = find_chat(server.state, p.chat_id())
    return chat.menu_button or {"type": "default"}


@bot_method("getChat")
def get_chat(server: SandboxServer, p: Params) -> dict[str, Any]:
    """Return the ChatFullInfo of a known chat."""
    chat = find_chat(server.state, p.chat_id())
    gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
    return {
        **server.state.chat_api(chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {**dict.fromkeys(gifts, False), "gifts_from_channels": False},
    }


@bot_method("getChatMember")
def get_chat_member(server: SandboxServer, p: Params) -> dict[str, Any]:
    """Return a user's membership in a chat."""
    state = server.state
    chat = find_chat(state, p.chat_id())
    user_id = p.get_int("user_id")
    if user_id == state.bot_id:
        return {"status": "member", "user": state.bot_user()}
    user = state.users.get(user_id or 0)
    if user is None:
        raise bad_request("user not found")
    member = chat.id == user.id if chat.type == "private" else user.id in chat.members
    return {"status": "member" if member else "left", "user": user.to_api()}


def _bot_text(kind: str, field: str) -> None:
    """Register set/get methods for the bot's name, description and short description."""

    @bot_method(f"setMy{kind}")
    def setter(server: SandboxServer, p: Params) -> bool:
        language = (p.get_str("language_code") or "").lower()
        server.state.bot_texts[(field, language)] = p.get_str(field) or ""
        return True

    @bot_method(f"getMy{kind}")
    def getter(server: SandboxServer, p: Params) -> dict[str, str]:
        language = (p.get_str("language_code") or "").lower()
        return {field: server.state.bot_texts.get((field, language), "")}


_bot_text("Name", "name")
_bot_text("Description", "description")
_bot_text("ShortDescription", "short_description")
