"""Bot API methods that send, edit and delete messages, answer callbacks and serve files."""

from __future__ import annotations

import time
from typing import Any

from sandbox.core import Core, Handler
from sandbox.errors import NOT_MODIFIED, QUERY_TOO_OLD, bad_request
from sandbox.files import MAX_DOWNLOAD
from sandbox.formatting import format_text
from sandbox.markup import parse_markup
from sandbox.messages import (
    add_message,
    chat_for_bot,
    fill_mentions,
    replied_message,
    resolve_upload,
)
from sandbox.params import Params
from sandbox.state import StoredMessage


def _send(core: Core, p: Params, media: str | None) -> Any:
    """Validate a send like Telegram, then store the message and return it."""
    state = core.state
    chat = chat_for_bot(state, p.chat_id())
    if media:
        caption = p.get_str("caption")
        text, entities = format_text(
            caption, p.get_str("parse_mode"), p.get_json("caption_entities"), caption=True
        )
    else:
        text, entities = format_text(
            p.get_str("text"), p.get_str("parse_mode"), p.get_json("entities")
        )
    markup = parse_markup(p.get_json("reply_markup"))
    fields: dict[str, Any] = {}
    reply = replied_message(state, chat, p)
    if reply is not None:
        fields["reply_to_message"] = reply
    if media:
        stored_file = resolve_upload(state, p.file(media), media)
        if media == "photo":
            fields["photo"] = stored_file.photo_sizes()
        else:
            fields["document"] = stored_file.document()
        if text:
            fields["caption"] = text
        if entities:
            fields["caption_entities"] = fill_mentions(state, entities)
        if p.get_bool("has_spoiler"):
            fields["has_media_spoiler"] = True
    else:
        fields["text"] = text
        if entities:
            fields["entities"] = fill_mentions(state, entities)
        preview = p.get_json("link_preview_options")
        if isinstance(preview, dict) and preview:
            fields["link_preview_options"] = preview
    if markup.inline:
        fields["reply_markup"] = markup.inline
    stored = add_message(state, chat, "bot", None, fields, keyboard=markup.keyboard)
    return stored.data


def send_message(core: Core, p: Params) -> Any:
    """Send a text message."""
    return _send(core, p, None)


def send_document(core: Core, p: Params) -> Any:
    """Send a document (multipart upload, attach://, or an existing file_id)."""
    return _send(core, p, "document")


def send_photo(core: Core, p: Params) -> Any:
    """Send a photo (PNG, GIF or JPEG upload, or an existing photo file_id)."""
    return _send(core, p, "photo")


def message_to_edit(core: Core, p: Params) -> StoredMessage:
    """Return the bot message an edit targets, or raise Telegram's errors."""
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = chat_for_bot(core.state, p.chat_id())
    message_id = p.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    stored = core.state.message(chat.id, message_id)
    if stored is None:
        raise bad_request("message to edit not found")
    if stored.sender != "bot":
        raise bad_request("message can't be edited")
    return stored


def _apply_edit(core: Core, stored: StoredMessage, new: dict[str, Any]) -> Any:
    keys = ("text", "entities", "caption", "caption_entities", "reply_markup")
    if all(stored.data.get(key) == new.get(key) for key in keys):
        raise bad_request(NOT_MODIFIED)
    new["edit_date"] = int(time.time())
    stored.data = new
    stored.edited = True
    core.state.record_event(stored, "edit")
    return new


def _edited_markup(new: dict[str, Any], p: Params) -> None:
    markup = parse_markup(p.get_json("reply_markup"))
    if markup.keyboard is not None:
        raise bad_request("inline keyboard expected")
    new.pop("reply_markup", None)
    if markup.inline:
        new["reply_markup"] = markup.inline


def edit_message_text(core: Core, p: Params) -> Any:
    """Edit the text (and inline keyboard) of a bot message."""
    stored = message_to_edit(core, p)
    text, entities = format_text(
        p.get_str("text"), p.get_str("parse_mode"), p.get_json("entities")
    )
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    new = {key: value for key, value in stored.data.items() if key != "entities"}
    new["text"] = text
    if entities:
        new["entities"] = fill_mentions(core.state, entities)
    _edited_markup(new, p)
    return _apply_edit(core, stored, new)


def edit_message_caption(core: Core, p: Params) -> Any:
    """Edit the caption (and inline keyboard) of a bot media message."""
    stored = message_to_edit(core, p)
    caption, entities = format_text(
        p.get_str("caption"),
        p.get_str("parse_mode"),
        p.get_json("caption_entities"),
        caption=True,
    )
    if "text" in stored.data:
        raise bad_request("there is no caption in the message to edit")
    new = {k: v for k, v in stored.data.items() if k not in ("caption", "caption_entities")}
    if caption:
        new["caption"] = caption
    if entities:
        new["caption_entities"] = fill_mentions(core.state, entities)
    _edited_markup(new, p)
    return _apply_edit(core, stored, new)


def edit_message_reply_markup(core: Core, p: Params) -> Any:
    """Replace or remove the inline keyboard of a bot message."""
    stored = message_to_edit(core, p)
    new = dict(stored.data)
    _edited_markup(new, p)
    return _apply_edit(core, stored, new)


def _delete(core: Core, chat_id: int, message_id: int) -> bool:
    stored = core.state.message(chat_id, message_id)
    if stored is None:
        return False
    stored.deleted = True
    core.state.record_event(stored, "delete")
    return True


def delete_message(core: Core, p: Params) -> bool:
    """Delete a message."""
    chat = chat_for_bot(core.state, p.chat_id())
    message_id = p.get_int("message_id")
    if message_id is None or not _delete(core, chat.id, message_id):
        raise bad_request("message to delete not found")
    return True


def delete_messages(core: Core, p: Params) -> bool:
    """Delete several messages, skipping the ones that do not exist."""
    chat = chat_for_bot(core.state, p.chat_id())
    ids = p.get_json("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message identifiers are not specified")
    for message_id in ids:
        _delete(core, chat.id, int(message_id))
    return True


def answer_callback_query(core: Core, p: Params) -> bool:
    """Answer a callback query (once; unknown or answered ids are refused)."""
    query = core.state.callback_queries.get(p.get_str("callback_query_id") or "")
    if query is None or query.answered:
        raise bad_request(QUERY_TOO_OLD)
    query.answered = True
    query.answer_text = p.get_str("text")
    query.show_alert = p.get_bool("show_alert")
    query.answer_url = p.get_str("url")
    core.state.changed.notify()
    return True


def get_file(core: Core, p: Params) -> Any:
    """Return the File object of a stored file, with its download path."""
    stored = core.state.files.get(p.get_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.file_object()


def methods() -> dict[str, Handler]:
    """Return the Bot API methods of this module by name."""
    return {
        "sendMessage": send_message,
        "sendDocument": send_document,
        "sendPhoto": send_photo,
        "editMessageText": edit_message_text,
        "editMessageCaption": edit_message_caption,
        "editMessageReplyMarkup": edit_message_reply_markup,
        "deleteMessage": delete_message,
        "deleteMessages": delete_messages,
        "answerCallbackQuery": answer_callback_query,
        "getFile": get_file,
    }
