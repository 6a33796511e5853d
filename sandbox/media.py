"""Messages that are neither text nor a document nor a photo, as the Bot API shapes them:
stickers, voice, audio, video, video notes, animations, locations, contacts, polls, dice."""

from __future__ import annotations

import secrets
from typing import Any, Final

from sandbox.errors import SandboxError
from sandbox.files import FileStore

# Kinds a user can send with `send_media`: each is stored as a downloadable file.
MEDIA_KINDS: Final = ("sticker", "voice", "audio", "video", "video_note", "animation")
# Fields of a Message that say what it carries besides text (for transcripts).
CONTENT_FIELDS: Final = (
    "animation",
    "sticker",
    "video_note",
    "video",
    "voice",
    "audio",
    "venue",
    "location",
    "contact",
    "poll",
    "dice",
)
_MIME: Final = {
    "sticker": ("image/webp", ".webp"),
    "voice": ("audio/ogg", ".oga"),
    "audio": ("audio/mpeg", ".mp3"),
    "video": ("video/mp4", ".mp4"),
    "video_note": ("video/mp4", ".mp4"),
    "animation": ("video/mp4", ".mp4"),
}
DICE_FACES: Final = {"🎲": 6, "🎯": 6, "🎳": 6, "🏀": 5, "⚽": 5, "🎰": 64}


def media_fields(
    files: FileStore,
    kind: str,
    content: bytes,
    *,
    emoji: str = "👍",
    duration: int = 3,
    file_name: str | None = None,
) -> dict[str, Any]:
    """The Message fields of a sticker, voice message, audio, video, video note or animation
    (an animation also sets `document`, as Telegram does for older clients)."""
    if kind not in _MIME:
        raise SandboxError(f"media kind is one of {', '.join(MEDIA_KINDS)}")
    mime_type, suffix = _MIME[kind]
    name = file_name or (f"{kind}{suffix}" if kind in ("audio", "video", "animation") else None)
    stored = files.add_media(content, kind, suffix, mime_type, name)
    ids = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    size = {"file_size": stored.file_size}
    if kind == "sticker":
        sticker = {
            **ids,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "SandboxStickers",
            **size,
        }
        return {"sticker": sticker}
    if kind == "voice":
        return {"voice": {**ids, "duration": duration, "mime_type": mime_type, **size}}
    if kind == "video_note":
        return {"video_note": {**ids, "length": 240, "duration": duration, **size}}
    named = {"file_name": name, "mime_type": mime_type, **size}
    if kind == "audio":
        return {"audio": {**ids, "duration": duration, "title": name, **named}}
    frame = {"width": 320, "height": 240, "duration": duration}
    if kind == "video":
        return {"video": {**ids, **frame, **named}}
    return {"animation": {**ids, **frame, **named}, "document": {**ids, **named}}


def location_fields(
    latitude: float, longitude: float, live_period: int | None = None
) -> dict[str, Any]:
    """The Message fields of a location (a live one when live_period is given)."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise SandboxError("latitude is -90..90 and longitude -180..180")
    location: dict[str, Any] = {"latitude": float(latitude), "longitude": float(longitude)}
    if live_period is not None:
        location["live_period"] = int(live_period)
    return {"location": location}


def contact_fields(
    phone_number: str,
    first_name: str,
    last_name: str | None = None,
    user_id: int | None = None,
) -> dict[str, Any]:
    """The Message fields of a shared contact."""
    if not phone_number or not first_name:
        raise SandboxError("a contact has a phone number and a first name")
    contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
    if last_name:
        contact["last_name"] = last_name
    if user_id is not None:
        contact["user_id"] = int(user_id)
    return {"contact": contact}


def poll_fields(question: str, options: list[str]) -> dict[str, Any]:
    """The Message fields of a new anonymous regular poll (Bot API 9.6: options carry a
    persistent id; a poll says whether votes may change and who may vote)."""
    if not question or not 2 <= len(options) <= 10:
        raise SandboxError("a poll has a question and 2 to 10 options")
    poll = {
        "id": str(5_000_000_000_000_000_000 + secrets.randbelow(10**18)),
        "question": question,
        "options": [
            {"persistent_id": str(n), "text": text, "voter_count": 0}
            for n, text in enumerate(options)
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": True,
        "members_only": False,
    }
    return {"poll": poll}


def dice_fields(emoji: str = "🎲", value: int | None = None) -> dict[str, Any]:
    """The Message fields of a thrown dice (a random face unless value is given)."""
    faces = DICE_FACES.get(emoji)
    if faces is None:
        raise SandboxError(f"dice emoji is one of {' '.join(DICE_FACES)}")
    face = 1 + secrets.randbelow(faces) if value is None else int(value)
    if not 1 <= face <= faces:
        raise SandboxError(f"a {emoji} shows 1 to {faces}")
    return {"dice": {"emoji": emoji, "value": face}}


def content_label(data: dict[str, Any]) -> str | None:
    """A short label of what a message carries besides text ("sticker 👍", "location")."""
    for name in CONTENT_FIELDS:
        if name in data:
            value = data[name]
            if name in ("sticker", "dice"):
                return f"{name} {value.get('emoji', '')}".strip()
            return name
    return None
