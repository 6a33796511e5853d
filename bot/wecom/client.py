"""The messenger port (bot/messenger.py) on a WeCom self-built app (自建应用): each call of the
port as 发送应用消息, 更新模版卡片消息, 上传临时素材 and 获取临时素材.
(Longer than 300 lines: one method per call of the port, beside the cards' codes and the
per-member limit they share.)

A chat is a member: its id is the member's UserID. A text is sent as text or markdown (split
at WeCom's byte limits); a text with buttons as a `button_interaction` template card, whose
message id is its task_id. A card can be edited in place only with a `response_code` (from
its send, or from the member's latest press on it), valid once and for 72 hours: the client
remembers each card's code with its time, and an edit without a usable one raises
MessageGone, so that the delivery code (bot/outbox/delivery.py) sends a new card instead.
Other messages (text, markdown, files) cannot be edited at all in WeCom: MessageGone too.

The codes are kept in this process only: after a restart every older card is sent anew.

WeCom has no toast for a press, no "typing…" and no per-chat command menu: a press's answer
comes as a text message when nothing else shows it (bot/respond.py), `typing` does nothing,
and the per-app menu (创建菜单) is set from the default commands, once for everyone; its
功能菜单 (/menu) shows each member their own commands as a card.

WeCom drops, without an errcode, messages past 30 a minute or 1000 an hour to one member
(每应用对同一个成员不可超过30次/分钟，1000次/小时): the client counts them and raises RetryLater
before a call would be dropped, which the outbox sender waits out."""

from __future__ import annotations

import html as html_lib
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from bot.messenger import DeliveryError, MessageGone, RetryLater, Transient
from bot.wecom.api import WeComApi
from bot.wecom.errors import WeComError
from bot.wecom.render import (
    MORE_TEXT,
    SUB_TITLE_LIMIT,
    Card,
    messages,
    new_task_id,
    plain_text,
    render_card,
    shown_buttons,
    utf8_len,
)
from conversations.replies import Button, Document, Keyboard

log = logging.getLogger(__name__)

RESPONSE_CODE_SECONDS: Final = 72 * 3600  # a response_code updates its card once, in 72 h
MORE_PREFIX: Final = "wecom-more:"  # the key of a card's "更多" button: the runtime's own
RETIRED_TEXT: Final = "已更新"  # the grey button of an older copy of a card (按钮替换文案)
DONE_TEXT: Final = "已处理"  # the grey button of a card whose last state has no buttons
# 每应用对同一个成员不可超过30次/分钟，1000次/小时 (past them WeCom drops, with no errcode).
USER_LIMITS: Final = ((60.0, 30), (3600.0, 1000))
MENU_BUTTONS: Final = 3  # 一级菜单数组，个数应为1~3个
MENU_NAME_BYTES: Final = 16  # 菜单的名字 … 不超过16个字节

Clock = Callable[[], float]


@dataclass
class ShownCard:
    """A template card this process sent: to whom, what it shows, and the response_code that
    can update it once (None when spent), with the time it was given."""

    user_id: str
    html: str
    buttons: Keyboard
    response_code: str | None
    code_at: float
    hidden: tuple[Button, ...] = ()
    title: str = ""

    def usable_code(self, now: float) -> str | None:
        """The response_code, if it is unspent and younger than 72 hours."""
        if self.response_code is None or now - self.code_at >= RESPONSE_CODE_SECONDS:
            return None
        return self.response_code


@dataclass
class _UserWindow:
    """The calls to one member in the last hour, to keep within WeCom's per-member limits."""

    sent: deque[float] = field(default_factory=deque)

    def wait(self, now: float, count: int = 1) -> float:
        """Seconds until `count` more messages may go (0: now)."""
        longest = max(seconds for seconds, _ in USER_LIMITS)
        while self.sent and now - self.sent[0] >= longest:
            self.sent.popleft()
        wait = 0.0
        for seconds, limit in USER_LIMITS:
            recent = [t for t in self.sent if now - t < seconds]
            over = len(recent) + min(count, limit) - limit
            if over > 0:  # the `over` oldest of the window must have left it
                wait = max(wait, recent[over - 1] + seconds - now)
        return wait


class WeComClient:
    """MessengerClient on one WeCom app. `clock` is wall seconds (time.time by default), the
    clock of the response codes' 72 hours and of the per-member limits."""

    toasts = False  # a press is answered only by what is sent to the member

    def __init__(
        self,
        api: WeComApi,
        clock: Clock = time.time,
        *,
        body_limit: int = SUB_TITLE_LIMIT,
        more_text: str = MORE_TEXT,
    ) -> None:
        self.api = api
        self.clock = clock
        self.body_limit = body_limit
        self.more_text = more_text
        self.cards: dict[str, ShownCard] = {}  # by task_id
        self._windows: dict[str, _UserWindow] = {}

    # -- what the runtime tells the client ------------------------------------------------

    def pressed(self, user_id: str, task_id: str | None, response_code: str | None) -> None:
        """A member pressed a button of card `task_id`: its ResponseCode is the card's new
        code (the press's code replaces the send's, and is valid once for 72 hours). Only the
        card's own member's press counts: another's event naming it changes nothing."""
        if task_id is None or not response_code:
            return
        shown = self._own(user_id, task_id)
        if shown is not None:
            shown.response_code, shown.code_at = response_code, self.clock()

    async def show_more(self, chat_id: str, key: str) -> str | None:
        """The "更多" button of a card pressed (its key starts with MORE_PREFIX): the buttons
        that did not fit, as a new card; its task_id, None when the card is unknown or is
        another member's (its title and buttons are theirs)."""
        shown = self._own(chat_id, key.removeprefix(MORE_PREFIX))
        if shown is None or not shown.hidden:
            return None
        rows = tuple((b,) for b in shown.hidden)
        return await self.send_text(chat_id, html_lib.escape(shown.title or "…"), rows)

    # -- the port --------------------------------------------------------------------------

    async def send_text(self, chat_id: str, html: str, buttons: Keyboard) -> str:
        """Send text or markdown, or a template card when there are buttons; returns the last
        message's msgid, or the card's task_id."""
        if not _has_buttons(buttons):
            return await self._send_messages(chat_id, html)
        task_id = new_task_id()
        card = self._card(html, buttons, task_id)
        if card.overflow:  # the whole text first: the card shows only its start
            # Room for the text and its card, or neither goes: a RetryLater between the two
            # would have the text sent again with the card when the outbox retries.
            self._room(chat_id, len(messages(html)) + 1)
            await self._send_messages(chat_id, html)
        await self._send_card(chat_id, card, html, buttons)
        return task_id

    async def edit_text(self, chat_id: str, message_id: str, html: str, buttons: Keyboard) -> None:
        """Update a card in place with its response_code; MessageGone when the message is no
        card of ours, or its code is spent or older than 72 hours (the delivery code then
        sends a new card). A text longer than the card shows follows it as a message."""
        shown = self._editable(message_id)
        if not _has_buttons(buttons):
            # A last state: the card's buttons become one grey button, and the text follows
            # as a message (a button_interaction card cannot be updated without buttons).
            await self._spend(
                shown, lambda code: self.api.update_buttons([chat_id], code, DONE_TEXT)
            )
            await self._send_messages(chat_id, html)
            return
        card = self._card(html, buttons, message_id)
        await self._spend(shown, lambda code: self.api.update_card([chat_id], code, card.card))
        shown.html, shown.buttons, shown.hidden = html, buttons, card.hidden
        shown.title = card.card["main_title"]["title"]
        if card.overflow:  # the card shows the start; the whole text follows, as on a send
            await self._send_messages(chat_id, html)

    async def edit_buttons(self, chat_id: str, message_id: str, buttons: Keyboard) -> None:
        """Replace a card's buttons, its text kept; none: its buttons become one grey button
        (an older copy of a card, now shown anew)."""
        shown = self._editable(message_id)
        if not _has_buttons(buttons):
            await self._spend(
                shown, lambda code: self.api.update_buttons([chat_id], code, RETIRED_TEXT)
            )
            return
        await self.edit_text(chat_id, message_id, shown.html, buttons)

    async def edit_caption(
        self, chat_id: str, message_id: str, html: str, buttons: Keyboard
    ) -> None:
        """WeCom files have no caption: a file's caption is the card sent after it, edited
        as a card."""
        await self.edit_text(chat_id, message_id, html, buttons)

    async def send_document(self, chat_id: str, document: Document, buttons: Keyboard) -> str:
        """Upload a file and send it, then its caption (a card when there are buttons);
        returns the card's task_id, else the file message's msgid."""
        return await self._send_media(chat_id, document, buttons, "file")

    async def send_photo(self, chat_id: str, document: Document, buttons: Keyboard) -> str:
        """Upload an image and send it as an image message, then its caption."""
        return await self._send_media(chat_id, document, buttons, "image")

    async def answer_press(self, press_id: str, text: str | None, alert: bool) -> None:
        """WeCom has no toast: the answer's text, when there is one, is sent to the member
        (`press_id` is their UserID) as a text message (bot/respond.py sends it only when
        nothing else the press shows says it)."""
        if text:
            await self._send(press_id, {"msgtype": "text", "text": {"content": plain_text(text)}})

    async def download_file(self, file_id: str, max_bytes: int) -> bytes:
        """获取临时素材: the bytes of a file a member sent (its MediaId)."""
        return await self.api.download(file_id, max_bytes)

    async def typing(self, chat_id: str) -> None:
        """WeCom shows no "typing…": nothing."""

    async def set_chat_commands(
        self, chat_id: str, commands: list[tuple[str, str]], language: str | None
    ) -> None:
        """WeCom's menu is per app, not per member: nothing (see set_default_commands)."""

    async def set_menu_button(self, chat_id: str, text: str, url: str) -> None:
        """WeCom has no per-member menu button: nothing."""

    async def set_default_commands(self, commands: list[tuple[str, str]]) -> None:
        """创建菜单: the app's menu, one click button per command (at most 3), whose key is
        the command (a click comes back as that command, bot/wecom/inbound.py)."""
        buttons = [
            {"type": "click", "name": _clip_bytes(d or c, MENU_NAME_BYTES), "key": c}
            for c, d in commands[:MENU_BUTTONS]
        ]
        if not buttons:
            return
        try:
            await self.api.create_menu({"button": buttons})
        except DeliveryError as exc:  # the bot works without its menu
            log.warning("the WeCom app menu was not set: %s", exc)

    # -- helpers ---------------------------------------------------------------------------

    def _own(self, user_id: str, task_id: str) -> ShownCard | None:
        """The card `task_id` if this process sent it to `user_id` (UserIDs in any case)."""
        shown = self.cards.get(task_id)
        return shown if shown is not None and shown.user_id.lower() == user_id.lower() else None

    def _card(self, html: str, buttons: Keyboard, task_id: str) -> Card:
        return render_card(
            html,
            buttons,
            task_id=task_id,
            more_key=MORE_PREFIX + task_id,
            more_text=self.more_text,
            body_limit=self.body_limit,
        )

    def _editable(self, message_id: str) -> ShownCard:
        shown = self.cards.get(message_id)
        if shown is None:
            raise MessageGone("not a card this process sent: WeCom messages cannot be edited")
        return shown

    async def _spend(self, shown: ShownCard, update: Callable[[str], Any]) -> None:
        """Run an update with the card's code, which is spent by it (and by a refusal: WeCom
        refuses a spent or expired code with a plain errcode). Network errors and flood
        control keep the code, since the update may not have reached WeCom."""
        code = shown.usable_code(self.clock())
        if code is None:
            raise MessageGone("the card's response_code is spent or older than 72 hours")
        try:
            await update(code)
        except (Transient, RetryLater):
            raise
        except WeComError as exc:
            shown.response_code = None
            raise MessageGone(f"the card could not be updated: {exc}") from None
        shown.response_code = None

    async def _send_card(self, chat_id: str, card: Card, html: str, buttons: Keyboard) -> None:
        result = await self._send(
            chat_id, {"msgtype": "template_card", "template_card": card.card}
        )
        self.cards[card.task_id] = ShownCard(
            user_id=chat_id,
            html=html,
            buttons=buttons,
            response_code=result,
            code_at=self.clock(),
            hidden=card.hidden,
            title=card.card["main_title"]["title"],
        )

    async def _send_messages(self, chat_id: str, html: str) -> str:
        msgid = ""
        for part in messages(html):
            content = part[part["msgtype"]].get("content", "")
            if not str(content).strip():
                continue
            msgid = await self._send_msgid(chat_id, part)
        return msgid

    async def _send_media(
        self, chat_id: str, document: Document, buttons: Keyboard, kind: str
    ) -> str:
        if document.content is not None:
            content_type = document.mime_type if kind == "image" else "application/octet-stream"
            media_id = await self.api.upload(
                document.filename, document.content, kind, content_type
            )
        elif document.file_id:
            media_id = document.file_id
        else:
            raise DeliveryError("a document needs content or a file_id")
        msgid = await self._send_msgid(chat_id, {"msgtype": kind, kind: {"media_id": media_id}})
        caption = document.caption or ""
        if _has_buttons(buttons):
            return await self.send_text(
                chat_id, caption or html_lib.escape(document.filename), buttons
            )
        if caption.strip():
            await self._send_messages(chat_id, caption)
        return msgid

    async def _send(self, chat_id: str, message: dict[str, Any]) -> str | None:
        """One message/send; returns its response_code (a card's)."""
        await self._pace(chat_id)
        result = await self.api.send(chat_id, message)
        return result.response_code

    async def _send_msgid(self, chat_id: str, message: dict[str, Any]) -> str:
        await self._pace(chat_id)
        result = await self.api.send(chat_id, message)
        return result.msgid

    async def _pace(self, chat_id: str) -> None:
        """Count a call to a member, RetryLater when it would pass WeCom's per-member limits."""
        self._room(chat_id, 1)
        self._windows[chat_id.lower()].sent.append(self.clock())

    def _room(self, chat_id: str, count: int) -> None:
        """RetryLater unless `count` messages may go to a member now."""
        window = self._windows.setdefault(chat_id.lower(), _UserWindow())
        wait = window.wait(self.clock(), count)
        if wait > 0:
            raise RetryLater(wait, f"WeCom's limit of messages to one member: {wait:.0f} s")


def _has_buttons(buttons: Keyboard) -> bool:
    return any(shown_buttons(row) for row in buttons)


def _clip_bytes(text: str, limit: int) -> str:
    """Plain `text` within `limit` UTF-8 bytes, cut between characters."""
    text = plain_text(text).strip()
    while utf8_len(text) > limit:
        text = text[:-1]
    return text


__all__: Sequence[str] = ("MORE_PREFIX", "ShownCard", "WeComClient")
