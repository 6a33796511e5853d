"""Messages and cards as the readable lines of a member's transcript."""

from __future__ import annotations

from typing import Any

from sandbox.wecom.state import Media, SentMessage, TranscriptEntry


def describe_card(card: Any) -> str:
    """Return a card as one line: its title, text and buttons."""
    if not isinstance(card, dict):
        return "[card]"
    title = (card.get("main_title") or {}).get("title") or ""
    parts = [f"[card {card.get('card_type')}] {title}".rstrip()]
    if card.get("sub_title_text"):
        parts.append(str(card["sub_title_text"]))
    buttons = [f"[{b.get('text')}]" for b in card.get("button_list") or [] if isinstance(b, dict)]
    if buttons:
        parts.append(" ".join(buttons))
    return " | ".join(parts)


def describe_message(message: SentMessage, media: dict[str, Media]) -> str:
    """Return what a member sees of a message."""
    if message.msgtype in ("text", "markdown"):
        return message.content + (" [truncated]" if message.truncated else "")
    if message.msgtype in ("file", "image"):
        media_id = message.body[message.msgtype]["media_id"]
        item = media.get(media_id)
        name = item.filename if item else media_id
        size = len(item.content) if item else 0
        return f"[{message.msgtype}] {name} ({size} bytes)"
    return describe_card(message.card)


def render(entries: list[TranscriptEntry]) -> str:
    """Return a transcript as text, one line an entry."""
    return "\n".join(f"{e.who}: {e.text}" for e in entries)
