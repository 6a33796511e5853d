"""Chat transcripts: the chat as a list of entries, and a readable rendering of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.markup import inline_buttons
from sandbox.media import content_label
from sandbox.state import SandboxState


@dataclass
class TranscriptEntry:
    """One message (edits applied) or one button press in a chat, in order."""

    kind: str
    sender: str
    message_id: int
    user_id: int | None = None
    text: str | None = None
    document: str | None = None
    photo: bool = False
    media: str | None = None  # a sticker, a location, a voice message, …: "sticker 👍"
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    keyboard: list[list[str]] = field(default_factory=list)
    edited: bool = False
    deleted: bool = False
    pressed: str | None = None
    callback_data: str | None = None
    answer: str | None = None
    answered: bool = False

    def to_json(self) -> dict[str, Any]:
        """Return the entry as JSON (buttons as lists)."""
        data = dict(self.__dict__)
        data["buttons"] = [[list(button) for button in row] for row in self.buttons]
        return data


def _buttons(data: dict[str, Any]) -> list[list[tuple[str, str]]]:
    rows: list[list[tuple[str, str]]] = []
    for row in inline_buttons(data.get("reply_markup")):
        line: list[tuple[str, str]] = []
        for button in row:
            web_app = button.get("web_app")
            target = button.get("callback_data", button.get("url", ""))
            if isinstance(web_app, dict):
                target = f"web_app:{web_app.get('url', '')}"
            line.append((str(button.get("text", "")), str(target)))
        rows.append(line)
    return rows


def build_transcript(state: SandboxState, chat_id: int) -> list[TranscriptEntry]:
    """Return the chat's messages and presses in the order they happened."""
    chat = state.chats.get(chat_id)
    if chat is None:
        return []
    entries: list[TranscriptEntry] = []
    for kind, key in chat.timeline:
        if kind == "press":
            query = state.callback_queries[str(key)]
            entries.append(
                TranscriptEntry(
                    kind="press",
                    sender="user",
                    message_id=query.message_id,
                    user_id=query.user_id,
                    pressed=query.button_text,
                    callback_data=query.data,
                    answer=query.answer_text,
                    answered=query.answered,
                )
            )
            continue
        stored = chat.messages[int(key)]
        data = stored.data
        document = data.get("document", {}).get("file_name") if "document" in data else None
        keyboard: list[list[str]] = []
        if stored.keyboard and "keyboard" in stored.keyboard:
            keyboard = [[str(b.get("text")) for b in row] for row in stored.keyboard["keyboard"]]
        entries.append(
            TranscriptEntry(
                kind="message",
                sender=stored.sender,
                message_id=stored.message_id,
                user_id=stored.user_id,
                text=data.get("text", data.get("caption")),
                document=document,
                photo="photo" in data,
                media=content_label(data),
                buttons=_buttons(data),
                keyboard=keyboard,
                edited=stored.edited,
                deleted=stored.deleted,
            )
        )
    return entries


def render_entries(
    state: SandboxState, entries: list[TranscriptEntry], names: dict[Any, str] | None = None
) -> str:
    """Render transcript entries as readable text, one block per message or press."""
    names = names or {}

    def name_of(user_id: int | None) -> str:
        if user_id in names:
            return names[user_id]
        user = state.users.get(user_id or 0)
        return user.first_name if user else f"user {user_id}"

    blocks: list[str] = []
    for entry in entries:
        if entry.kind == "press":
            line = f"👤 {name_of(entry.user_id)} pressed [ {entry.pressed} ]"
            if entry.answer:
                line += f"\n🔔 {entry.answer}"
            blocks.append(line)
            continue
        who = (
            f"🤖 {names.get('bot', 'Bot')}"
            if entry.sender == "bot"
            else f"👤 {name_of(entry.user_id)}"
        )
        lines: list[str] = []
        if entry.document:
            lines.append(f"📎 {entry.document}")
        if entry.photo:
            lines.append("🖼 photo")
        if entry.media and not entry.document:
            lines.append(f"🧩 {entry.media}")
        if entry.text:
            lines.append(entry.text)
        body = "\n".join(lines) if lines else ""
        head = f"{who}: {body}" if body else f"{who}:"
        if entry.edited:
            head += " (edited)"
        if entry.deleted:
            head = f"🗑 (deleted) {head}"
        parts = [head]
        parts.extend(" ".join(f"[ {text} ]" for text, _ in row) for row in entry.buttons)
        parts.extend("⌨ " + " ".join(f"[ {text} ]" for text in row) for row in entry.keyboard)
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks)
