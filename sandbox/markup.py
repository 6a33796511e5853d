"""Reply markup validation: inline keyboards, reply keyboards and their Telegram errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.errors import bad_request
from sandbox.links import normalize_url

MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_DATA = 64
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


@dataclass
class Markup:
    """A validated reply_markup: the inline keyboard kept on the message, or a chat keyboard."""

    inline: dict[str, Any] | None = None
    keyboard: dict[str, Any] | None = None


def _markup_error() -> Exception:
    return bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or normalize_url(url) is None:
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    if "web_app" in button:
        _check_web_app(button["web_app"])
    return {key: value for key, value in button.items() if value is not None}


LOCAL_HOSTS = ("http://127.0.0.1", "http://localhost")
"""Where a Mini App may be served over plain HTTP: here only (Telegram wants HTTPS)."""


def _check_web_app(info: Any) -> None:
    url = info.get("url") if isinstance(info, dict) else None
    if not isinstance(url, str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "url" must be of type String'
        )
    local = any(url == h or url.startswith((h + ":", h + "/")) for h in LOCAL_HOSTS)
    if not (url.startswith("https://") or local) or normalize_url(url) is None:
        raise bad_request(
            f"inline keyboard button Web App URL '{url}' is invalid: Only HTTPS links are allowed"
        )


def _rows(markup: dict[str, Any], key: str) -> list[list[Any]]:
    rows = markup.get(key)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{key}" must be an Array of Arrays')
    return [row for row in rows if row]


def parse_markup(markup: Any) -> Markup:
    """Validate a decoded reply_markup value the way Telegram does."""
    if markup is None:
        return Markup()
    if not isinstance(markup, dict):
        raise _markup_error()
    if "inline_keyboard" in markup:
        rows = _rows(markup, "inline_keyboard")
        if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
            raise bad_request("reply markup is too long")
        checked = [[_check_inline_button(button) for button in row] for row in rows]
        return Markup(inline={"inline_keyboard": checked} if checked else None)
    if "keyboard" in markup:
        rows = _rows(markup, "keyboard")
        buttons: list[list[dict[str, Any]]] = []
        for row in rows:
            line: list[dict[str, Any]] = []
            for button in row:
                if isinstance(button, str):
                    button = {"text": button}
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )
                line.append(button)
            buttons.append(line)
        return Markup(keyboard={**markup, "keyboard": buttons})
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return Markup(keyboard=dict(markup))
    raise _markup_error()


def inline_buttons(markup: dict[str, Any] | None) -> list[list[dict[str, Any]]]:
    """Return the rows of an inline keyboard (empty when there is none)."""
    if not markup:
        return []
    return [list(row) for row in markup.get("inline_keyboard", [])]
