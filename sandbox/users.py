"""The user side: what people do in the Telegram app, checked against what the app allows."""

from __future__ import annotations

from typing import Any

from sandbox.core import Core
from sandbox.errors import SandboxError
from sandbox.formatting import command_entities
from sandbox.markup import inline_buttons
from sandbox.media import (
    contact_fields,
    dice_fields,
    location_fields,
    media_fields,
    poll_fields,
)
from sandbox.state import SandboxChat, SandboxState, SandboxUser
from sandbox.user_updates import push_edit, push_membership, push_message, push_press
from sandbox.webapp import open_app


class UserSide:
    """User actions: register people and groups, send messages and files, press buttons, block."""

    def __init__(self, core: Core) -> None:
        self._core = core

    @property
    def state(self) -> SandboxState:
        """Return the sandbox's current state."""
        return self._core.state

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        *,
        started: bool = True,
    ) -> dict[str, Any]:
        """Register a person (and their private chat); started=False: never opened the bot."""
        if user_id <= 0:
            raise SandboxError("user ids are positive")
        user = SandboxUser(user_id, first_name, last_name, username, language_code)
        user.started = started
        self.state.users[user_id] = user
        self.state.chats.setdefault(user_id, SandboxChat(user_id, "private"))
        return user.to_api()

    def add_group(
        self, chat_id: int, title: str, members: list[int], chat_type: str = "group"
    ) -> dict[str, Any]:
        """Create a group chat (negative id) with the bot and the given users in it."""
        if chat_id >= 0:
            raise SandboxError("group chat ids are negative")
        if chat_type not in {"group", "supergroup"}:
            raise SandboxError("chat_type is 'group' or 'supergroup'")
        for member in members:
            self._user(member)
        chat = SandboxChat(chat_id, chat_type, title=title, members=list(members))
        self.state.chats[chat_id] = chat
        return self.state.chat_api(chat)

    def _user(self, user_id: int) -> SandboxUser:
        user = self.state.users.get(user_id)
        if user is None:
            raise SandboxError(f"unknown user {user_id}; call add_user first")
        return user

    def _chat_for_user(self, user_id: int, chat_id: int | None) -> tuple[SandboxUser, SandboxChat]:
        user = self._user(user_id)
        chat = self.state.chats.get(user_id if chat_id is None else chat_id)
        if chat is None:
            raise SandboxError(f"unknown chat {chat_id}")
        if chat.type == "private" and chat.id != user_id:
            raise SandboxError("a user can only write in their own private chat with the bot")
        if chat.type != "private" and user_id not in chat.members:
            raise SandboxError(f"user {user_id} is not a member of chat {chat.id}")
        if chat.type == "private" and user.blocked:
            raise SandboxError(f"user {user_id} blocked the bot; call unblock first")
        return user, chat

    def send_text(
        self, user_id: int, text: str, chat_id: int | None = None, reply_to: int | None = None
    ) -> dict[str, Any]:
        """Send a text as a user ("/cmd args" carries a bot_command entity); return the Message."""
        if not text:
            raise SandboxError("the Telegram app does not send empty messages")
        user, chat = self._chat_for_user(user_id, chat_id)
        fields: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            fields["entities"] = entities
        return push_message(self.state, user, chat, fields, reply_to)

    def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Send a file as a user; it is stored and downloadable by the bot. Return the Message."""
        user, chat = self._chat_for_user(user_id, chat_id)
        stored = self.state.files.add_document(content, filename, mime_type)
        fields: dict[str, Any] = {"document": stored.document()}
        if caption:
            fields["caption"] = caption
        return push_message(self.state, user, chat, fields, None)

    def send_photo(
        self,
        user_id: int,
        content: bytes,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Send a photo (PNG, GIF or JPEG bytes) as a user; return the Message."""
        user, chat = self._chat_for_user(user_id, chat_id)
        stored = self.state.files.add_photo(content)
        if stored is None:
            raise SandboxError("photo content is not a PNG, GIF or JPEG image")
        fields: dict[str, Any] = {"photo": stored.photo_sizes()}
        if caption:
            fields["caption"] = caption
        return push_message(self.state, user, chat, fields, None)

    def send_media(
        self,
        user_id: int,
        kind: str,
        content: bytes = b"sandbox-media",
        caption: str | None = None,
        chat_id: int | None = None,
        emoji: str = "👍",
    ) -> dict[str, Any]:
        """Send a sticker, voice message, audio, video, video note or animation as a user (the
        bytes are stored and downloadable); return the Message."""
        user, chat = self._chat_for_user(user_id, chat_id)
        fields = media_fields(self.state.files, kind, content, emoji=emoji)
        if caption and kind not in ("sticker", "video_note"):
            fields["caption"] = caption
        return push_message(self.state, user, chat, fields, None)

    def send_sticker(
        self, user_id: int, emoji: str = "👍", chat_id: int | None = None
    ) -> dict[str, Any]:
        """Send a sticker as a user; return the Message."""
        return self.send_media(
            user_id, "sticker", b"RIFF\x00\x00\x00\x00WEBP", None, chat_id, emoji
        )

    def send_location(
        self,
        user_id: int,
        latitude: float,
        longitude: float,
        chat_id: int | None = None,
        live_period: int | None = None,
    ) -> dict[str, Any]:
        """Share a location (live when live_period is given) as a user; return the Message."""
        user, chat = self._chat_for_user(user_id, chat_id)
        return push_message(
            self.state, user, chat, location_fields(latitude, longitude, live_period), None
        )

    def send_contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Share a contact as a user; return the Message."""
        user, chat = self._chat_for_user(user_id, chat_id)
        fields = contact_fields(phone_number, first_name, last_name, contact_user_id)
        return push_message(self.state, user, chat, fields, None)

    def send_poll(
        self, user_id: int, question: str, options: list[str], chat_id: int | None = None
    ) -> dict[str, Any]:
        """Send a poll as a user; return the Message."""
        user, chat = self._chat_for_user(user_id, chat_id)
        return push_message(self.state, user, chat, poll_fields(question, options), None)

    def send_dice(
        self, user_id: int, emoji: str = "🎲", chat_id: int | None = None, value: int | None = None
    ) -> dict[str, Any]:
        """Throw a dice as a user; return the Message."""
        user, chat = self._chat_for_user(user_id, chat_id)
        return push_message(self.state, user, chat, dice_fields(emoji, value), None)

    def edit_message(
        self, user_id: int, chat_id: int, message_id: int, text: str
    ) -> dict[str, Any]:
        """Edit the text (or the caption) of a message this user sent, as the Telegram app
        lets one; the bot gets an edited_message update. Return the edited Message."""
        user, chat = self._chat_for_user(user_id, chat_id)
        stored = self.state.message(chat.id, message_id)
        if stored is None or stored.sender != "user" or stored.user_id != user.id:
            raise SandboxError(f"user {user_id} sent no message {message_id} in chat {chat.id}")
        if not text:
            raise SandboxError("the Telegram app does not save an empty edit")
        data = dict(stored.data)  # the update of the original message keeps its words
        if "text" in data:
            data["text"] = text
            data.pop("entities", None)
            entities = command_entities(text)
            if entities:
                data["entities"] = entities
        elif any(k in data for k in ("document", "photo", "audio", "video", "animation", "voice")):
            data["caption"] = text
        else:
            raise SandboxError("only a text or a caption can be edited")
        return push_edit(self.state, stored, data)

    def press(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        callback_data: str | None = None,
        button_text: str | None = None,
    ) -> str:
        """Press an inline button of a bot message by data or text; return the query id."""
        user, chat = self._chat_for_user(user_id, chat_id)
        stored = self.state.message(chat.id, message_id)
        if stored is None or stored.sender != "bot":
            raise SandboxError(f"no bot message {message_id} in chat {chat.id}")
        if callback_data is None and button_text is None:
            raise SandboxError("give callback_data or button_text")
        for row in inline_buttons(stored.data.get("reply_markup")):
            for button in row:
                if callback_data is not None and button.get("callback_data") != callback_data:
                    continue
                if button_text is not None and button.get("text") != button_text:
                    continue
                if "callback_data" not in button:
                    raise SandboxError(f"button {button.get('text')!r} sends no callback query")
                return push_press(self.state, user, chat, stored.data, button)
        shown = [
            [b.get("text") for b in row] for row in inline_buttons(stored.data.get("reply_markup"))
        ]
        raise SandboxError(
            f"message {message_id} has no button data={callback_data!r} "
            f"text={button_text!r}; its buttons are {shown}"
        )

    def forge_press(self, user_id: int, chat_id: int, message_id: int, callback_data: str) -> str:
        """Press with callback data no button of the message carries, as a modified client
        can (Telegram does not check the data against the buttons); return the query id."""
        user, chat = self._chat_for_user(user_id, chat_id)
        stored = self.state.message(chat.id, message_id)
        if stored is None:
            raise SandboxError(f"no message {message_id} in chat {chat.id}")
        return push_press(
            self.state,
            user,
            chat,
            stored.data,
            {"callback_data": callback_data, "text": "(forged)"},
        )

    def open_web_app(
        self,
        user_id: int,
        url: str,
        auth_date: int | None = None,
        start_param: str | None = None,
    ) -> dict[str, str]:
        """Open a Mini App as this user: the signed initData Telegram hands the page and the
        address it opens at (auth_date: seconds since the epoch, now by default)."""
        return open_app(self._core.token, self._user(user_id), url, auth_date, start_param)

    def block(self, user_id: int) -> None:
        """Block the bot: sends to this user get 403 and the bot gets a my_chat_member update."""
        user = self._user(user_id)
        if not user.blocked:
            user.blocked = True
            push_membership(self.state, user, "member", "kicked")

    def unblock(self, user_id: int) -> None:
        """Unblock the bot (the bot gets a my_chat_member update back to member)."""
        user = self._user(user_id)
        if user.blocked:
            user.blocked = False
            push_membership(self.state, user, "kicked", "member")
