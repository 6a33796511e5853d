"""Telegram updates as inbound events, written once for both libraries: their `Message`,
`User` and `CallbackQuery` carry the Bot API's field names, so they are read alike here."""

from __future__ import annotations

from typing import Any, Final

from conversations.inbound import FileRef, Inbound, parse_command

# Kinds of message the bot does not read, by their Bot API field names, in the order they are
# looked for: an animation also carries a `document`, and a venue a `location`.
OTHER_KINDS: Final = (
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
    "game",
    "story",
)


def person(user: Any, chat_id: int, chat_type: str, update_id: int) -> dict[str, Any]:
    """Who wrote, where, in which update: the fields every inbound event starts from."""
    return {
        "update_id": str(update_id),
        "user_id": str(user.id),
        "chat_id": str(chat_id),
        "chat_type": str(chat_type),
        "display_name": user.full_name,
        "username": user.username,
        "language_code": user.language_code,
    }


def message_to_inbound(
    message: Any,
    update_id: int,
    bot_username: str | None,
    bot_id: int | None = None,
    *,
    edited: bool = False,
) -> Inbound | None:
    """A message (or an edit of one), from either library, as an inbound event; None if it
    is nothing we handle."""
    user = message.from_user
    if user is None or user.is_bot:
        return None
    base = person(user, message.chat.id, message.chat.type, update_id)
    return message_event(
        base,
        message.text,
        message.caption,
        attached_file(message),
        bot_username,
        other=other_kind(message),
        reply_to_bot=replies_to(message, bot_id),
        edited=edited,
    )


def press_to_inbound(query: Any, update_id: int) -> Inbound | None:
    """A button press, from either library, as an inbound event; None for a bot's press or
    a press on no message (inline mode)."""
    if query.from_user.is_bot or query.message is None:
        return None
    chat = query.message.chat
    base = person(query.from_user, chat.id, chat.type, update_id)
    return Inbound(
        **base, callback_data=query.data or "", message_id=str(query.message.message_id)
    )


def attached_file(message: Any) -> FileRef | None:
    """The document, or the largest size of the photo, a message carries."""
    if message.document is not None:
        d = message.document
        return FileRef(d.file_id, d.file_name, d.mime_type, d.file_size)
    if message.photo:
        p = message.photo[-1]
        return FileRef(p.file_id, f"photo_{message.message_id}.jpg", "image/jpeg", p.file_size)
    return None


def other_kind(message: Any) -> str | None:
    """What a message is when it is none of text, a document or a photo (a sticker, a
    location, a voice message, …), from either library's Message; None otherwise."""
    return next((kind for kind in OTHER_KINDS if getattr(message, kind, None)), None)


def replies_to(message: Any, bot_id: int | None) -> bool:
    """Whether a message (either library's) replies to one of the bot's messages."""
    replied = getattr(message, "reply_to_message", None)
    author = getattr(replied, "from_user", None)
    return bot_id is not None and author is not None and author.id == bot_id


def message_event(
    base: dict[str, Any],
    text: str | None,
    caption: str | None,
    file: FileRef | None,
    bot_username: str | None,
    *,
    other: str | None = None,
    reply_to_bot: bool = False,
    edited: bool = False,
) -> Inbound | None:
    """A message as an inbound event: a file, a command, text, another kind of message, or an
    edit of what a person wrote; None for anything else."""
    said = text if text is not None else caption
    mentioned = bool(bot_username and said and f"@{bot_username}".lower() in said.lower())
    base = {**base, "addressed": reply_to_bot or mentioned}
    if edited:
        # Only an edit of written words is answered: a live location edits itself every
        # few seconds.
        return Inbound(**base, text=said, edited=True) if said and other is None else None
    if other is not None:
        return Inbound(**base, text=caption, other=other)
    if file is not None:
        return Inbound(**base, text=caption, file=file)
    if text is None:
        return None
    command = parse_command(text, bot_username)
    if command is not None:
        return Inbound(**base, text=text, command=command[0], args=command[1])
    return Inbound(**base, text=text)
