"""The documented rules of message/send, template cards, update_template_card and menu/create.

Limits follow WeCom's pages: text content up to 2048 bytes (longer is truncated, as
documented), markdown content up to 2048 bytes (发送应用消息; 4096 is the group robot's
limit, not the app's), button_interaction cards with 1..6 buttons, keys up to 1024 bytes,
task_id of digits, letters and "_-@" up to 128 bytes and unique per app; menus of 1..3
buttons with 1..5 sub-buttons, names up to 16 / 40 bytes, keys up to 128 bytes and URLs up
to 1024 bytes. WeCom documents no errcode of its own for a bad card field; the sandbox
answers 40058 (不合法的参数) with the field named in errmsg.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.wecom import errors
from sandbox.wecom.errors import ApiError

TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 2048
TASK_ID_LIMIT = 128
TASK_ID_PATTERN = re.compile(r"^[0-9A-Za-z_\-@]+$")
BUTTON_LIST_LIMIT = 6
BUTTON_KEY_LIMIT = 1024
BUTTON_TEXT_ADVICE = 10  # characters, "建议不超过10个字": advice, recorded as a warning
MSGTYPES = frozenset({"text", "markdown", "file", "image", "template_card"})
CARD_TYPES = frozenset(
    {
        "text_notice",
        "news_notice",
        "button_interaction",
        "vote_interaction",
        "multiple_interaction",
    }
)
INTERACTIVE = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})
MENU_TYPES = frozenset(
    {
        "click",
        "view",
        "scancode_push",
        "scancode_waitmsg",
        "pic_sysphoto",
        "pic_photo_or_album",
        "pic_weixin",
        "location_select",
        "view_miniprogram",
    }
)


def size(text: str) -> int:
    """Return a string's length in UTF-8 bytes, the unit of WeCom's limits."""
    return len(text.encode("utf-8"))


def truncate(text: str, limit: int) -> str:
    """Cut a string to at most limit UTF-8 bytes without splitting a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def bad(detail: str) -> ApiError:
    """Return the errcode for a field that breaks a documented rule."""
    return ApiError(errors.INVALID_PARAMETER, detail)


def agent_id(value: Any, expected: int) -> None:
    """Check an agentid: present, an integer (整型), and this app's."""
    if value is None or value == "":
        raise ApiError(errors.MISSING_AGENTID)
    if isinstance(value, bool) or not isinstance(value, int) or value != expected:
        raise ApiError(errors.INVALID_AGENTID, f"agentid {value!r}")


def content(body: dict[str, Any], msgtype: str) -> tuple[dict[str, Any], bool]:
    """Return a text or markdown part (text cut to 2048 bytes) and whether it was cut."""
    part = body.get(msgtype)
    text = part.get("content") if isinstance(part, dict) else None
    if not isinstance(part, dict) or not isinstance(text, str) or not text:
        raise ApiError(errors.EMPTY_CONTENT, f"{msgtype}.content")
    if msgtype == "markdown" and size(text) > MARKDOWN_LIMIT:
        raise ApiError(errors.CONTENT_TOO_LONG, f"markdown.content is {size(text)} bytes")
    if msgtype == "text" and size(text) > TEXT_LIMIT:
        return {**part, "content": truncate(text, TEXT_LIMIT)}, True
    return part, False


def media_id(body: dict[str, Any], msgtype: str) -> str:
    """Return the media_id of a file or image message."""
    part = body.get(msgtype)
    value = part.get("media_id") if isinstance(part, dict) else None
    if not isinstance(value, str) or not value:
        raise ApiError(errors.MISSING_MEDIA_ID, f"{msgtype}.media_id")
    return value


def _text_field(card: dict[str, Any], path: str, required: bool) -> None:
    node: Any = card
    for name in path.split("."):
        node = node.get(name) if isinstance(node, dict) else None
    if node is None:
        if required:
            raise bad(f"template_card.{path} is required")
        return
    if not isinstance(node, str):
        raise bad(f"template_card.{path} is a string")


def card(card: Any, task_ids: set[str], *, new_task: bool = True) -> list[str]:
    """Check a template_card; return warnings (advice exceeded) or raise the errcode."""
    if not isinstance(card, dict):
        raise bad("template_card is an object")
    card_type = card.get("card_type")
    if card_type not in CARD_TYPES:
        raise bad(f"template_card.card_type {card_type!r}")
    warnings: list[str] = []
    task_id = card.get("task_id")
    needs_task = card_type in INTERACTIVE or "action_menu" in card
    if needs_task and (not isinstance(task_id, str) or not task_id):
        raise bad("template_card.task_id is required for a card with callbacks")
    if task_id is not None:
        if not isinstance(task_id, str) or not TASK_ID_PATTERN.match(task_id):
            raise bad("template_card.task_id: digits, letters and _-@ only")
        if size(task_id) > TASK_ID_LIMIT:
            raise bad(f"template_card.task_id over {TASK_ID_LIMIT} bytes")
        if new_task and task_id in task_ids:
            raise bad(f"template_card.task_id {task_id!r} was already used by this app")
    if card_type == "button_interaction":
        _text_field(card, "main_title.title", required=True)
        warnings += _buttons(card.get("button_list"))
    for path in ("main_title.desc", "sub_title_text"):
        _text_field(card, path, required=False)
    return warnings


def _buttons(buttons: Any) -> list[str]:
    if not isinstance(buttons, list) or not buttons:
        raise bad("template_card.button_list is required")
    if len(buttons) > BUTTON_LIST_LIMIT:
        raise bad(f"template_card.button_list has {len(buttons)} buttons, at most 6")
    warnings: list[str] = []
    keys: set[str] = set()
    for index, button in enumerate(buttons):
        where = f"template_card.button_list[{index}]"
        if not isinstance(button, dict):
            raise bad(f"{where} is an object")
        text = button.get("text")
        if not isinstance(text, str) or not text:
            raise bad(f"{where}.text is required")
        if len(text) > BUTTON_TEXT_ADVICE:
            warnings.append(f"{where}.text has {len(text)} characters (advised: at most 10)")
        kind = button.get("type", 0)
        if kind not in (0, 1):
            raise bad(f"{where}.type {kind!r}")
        if kind == 1:
            if not isinstance(button.get("url"), str) or not button["url"]:
                raise bad(f"{where}.url is required when type is 1")
            continue
        key = button.get("key")
        if not isinstance(key, str) or not key:
            raise bad(f"{where}.key is required when type is 0")
        if size(key) > BUTTON_KEY_LIMIT:
            raise bad(f"{where}.key over {BUTTON_KEY_LIMIT} bytes")
        if key in keys:
            raise bad(f"{where}.key {key!r} is repeated")
        keys.add(key)
    return warnings


def menu(body: Any) -> None:
    """Check a menu/create body (1..3 buttons, 1..5 sub-buttons) with the menu errcodes."""
    buttons = body.get("button") if isinstance(body, dict) else None
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise ApiError(errors.INVALID_BUTTON_COUNT, "menus have 1 to 3 buttons")
    for button in buttons:
        if not isinstance(button, dict):
            raise ApiError(errors.INVALID_BUTTON_TYPE)
        subs = button.get("sub_button")
        _menu_name(button, 16, errors.INVALID_BUTTON_NAME)
        if subs:
            if not isinstance(subs, list) or len(subs) > 5:
                raise ApiError(errors.INVALID_SUB_BUTTON_COUNT, "sub menus have 1 to 5 buttons")
            for sub in subs:
                if not isinstance(sub, dict):
                    raise ApiError(errors.INVALID_SUB_BUTTON_TYPE)
                if sub.get("sub_button"):
                    raise ApiError(errors.INVALID_SUB_BUTTON_LEVEL)
                _menu_name(sub, 40, errors.INVALID_SUB_BUTTON_NAME)
                _menu_action(sub, sub=True)
        else:
            _menu_action(button, sub=False)


def _menu_name(button: dict[str, Any], limit: int, errcode: int) -> None:
    name = button.get("name")
    if not isinstance(name, str) or not name or size(name) > limit:
        raise ApiError(errcode, f"name up to {limit} bytes")


def _menu_action(button: dict[str, Any], *, sub: bool) -> None:
    kind = button.get("type")
    if kind not in MENU_TYPES:
        raise ApiError(errors.INVALID_SUB_BUTTON_TYPE if sub else errors.INVALID_BUTTON_TYPE)
    if kind == "view":
        url = button.get("url")
        if not isinstance(url, str) or not url or size(url) > 1024:
            raise ApiError(errors.INVALID_SUB_BUTTON_URL if sub else errors.INVALID_BUTTON_URL)
    elif kind != "view_miniprogram":
        key = button.get("key")
        if not isinstance(key, str) or not key or size(key) > 128:
            raise ApiError(errors.INVALID_SUB_BUTTON_KEY if sub else errors.INVALID_BUTTON_KEY)


def menu_keys(menu: dict[str, Any]) -> set[str]:
    """Return the keys of a menu's click-like buttons, at both levels."""
    keys: set[str] = set()
    for button in menu.get("button", []):
        for item in button.get("sub_button") or [button]:
            if isinstance(item.get("key"), str):
                keys.add(item["key"])
    return keys
