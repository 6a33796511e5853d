"""Message text rules: parse modes, trimming, length limits and command entities."""

from __future__ import annotations

import re
from typing import Any

from sandbox.errors import bad_request
from sandbox.html import HtmlParseError, parse_html, utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")
_TRIM = " \t\n\r\v\f\u00a0\u2028\u2029"


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace and move entities with the text, as Telegram does."""
    stripped = text.strip(_TRIM)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    total = utf16_len(stripped)
    moved: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            moved.append({**entity, "offset": start, "length": end - start})
    return stripped, moved


def format_text(
    text: str | None,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    *,
    caption: bool = False,
) -> tuple[str, list[dict[str, Any]]]:
    """Return the visible text and entities Telegram would store, or raise its ApiError."""
    if text is None or text == "":
        if caption:
            return "", []
        raise bad_request("message text is empty")
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        try:
            visible, found = parse_html(text)
        except HtmlParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode in {"markdown", "markdownv2"}:
        raise bad_request(f"unsupported parse_mode {parse_mode}: the sandbox implements only HTML")
    elif mode:
        raise bad_request("unsupported parse_mode")
    else:
        visible, found = text, [dict(e) for e in entities or [] if isinstance(e, dict)]
    visible, found = _trim(visible, found)
    size = utf16_len(visible)
    if not visible and not caption:
        raise bad_request("message text is empty")
    if caption and size > MAX_CAPTION:
        raise bad_request("message caption is too long")
    if not caption and size > MAX_TEXT:
        raise bad_request("message is too long")
    return visible, found


def command_entities(text: str) -> list[dict[str, Any]]:
    """Return the bot_command entities Telegram attaches to a user's text."""
    entities: list[dict[str, Any]] = []
    for match in _COMMAND.finditer(text):
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    return entities
