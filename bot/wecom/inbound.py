"""WeCom's decrypted callbacks (接收消息与事件) as the bot's inbound events.

The XML is what `WeComCrypto.decrypt` returns, parsed here without DTDs or entities. Every
callback of a self-built app comes from a member in the app's private chat, so `user_id` and
`chat_id` are both its FromUserName (the member's UserID) and the chat is private.

- Messages (消息格式): `text` is text, or a command when it reads "/cmd args" as on Telegram;
  `image` and `file` carry a `FileRef` whose `file_id` is the MediaId (valid three days, fetched
  with media/get). WeCom documents no `file` message for an app's callbacks (text, image,
  voice, video, location, link): one that comes is read as an image is, with its FileName if
  it has one. Every other kind (voice, video, location, link, …) is `other=<MsgType>`.
- Events (事件格式), named in lower case as WeCom's app callbacks spell them:
  - `enter_agent` (进入应用, every time the member opens the app) is the command "start",
    marked `entered` (the handlers greet only someone they do not know yet);
  - `click` (点击菜单拉取消息) is a command: each of the app menu's buttons has a command
    name as its `key` ("report", or "/report args"). A key that is no command is
    `other="click"`, so a misconfigured menu gets the bot's "not read" line and nothing else;
  - `template_card_event` (模板卡片事件, a button of a `button_interaction` card) and
    `template_card_menu_event` (the card's top-right menu) are a press: `callback_data` is the
    EventKey (the button's `key`, which is the bot's callback data) and `message_id` the TaskId
    (the card's `task_id`); the ResponseCode, CardType and SelectedItems ride beside the
    `Inbound` in `WeComEvent`, for the runtime to update the card in place;
  - every other event (subscribe, view, location, scancode, change_contact, …) is not a thing a
    person said to the bot: no event (`None`). `subscribed()` reads subscribe/unsubscribe.
- `update_id` is the MsgId of a message, and "FromUserName:CreateTime:Event" for an event, as
  WeCom advises for 排重 (a card press adds its TaskId and EventKey, which a retry repeats). An
  id longer than the processed-update record holds is replaced by its SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree as SafeElementTree

from conversations.inbound import FileRef, Inbound, parse_command

MESSENGER: Final = "wecom"
SYSTEM_USER: Final = "sys"
"""The FromUserName of callbacks WeCom makes itself (通讯录变更, 异步任务完成)."""
MAX_USER_ID: Final = 64
"""A UserID is 1 to 64 bytes of letters, digits and _-@. (通讯录 成员)."""
MAX_UPDATE_ID: Final = 74
"""The processed-update record keeps 80 characters, "wecom:" included."""
CARD_EVENTS: Final = frozenset({"template_card_event", "template_card_menu_event"})
FILE_KINDS: Final = frozenset({"image", "file"})


class WeComCallbackError(ValueError):
    """A decrypted callback that is not WeCom's XML (no MsgType, no CreateTime for an event,
    a UserID too long). The message never repeats the body."""


@dataclass(frozen=True, slots=True)
class Selection:
    """One question answered on a vote or multiple-choice card (SelectedItem): its
    QuestionKey and the OptionIds chosen."""

    question_key: str
    option_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Callback:
    """A decrypted callback's XML, read: its simple fields by tag, and the selections of a
    card event (SelectedItems)."""

    fields: Mapping[str, str]
    selected: tuple[Selection, ...] = ()

    def get(self, name: str) -> str:
        """A field's text, stripped; "" when it is absent."""
        return self.fields.get(name, "")

    @property
    def msg_type(self) -> str:
        """MsgType, in lower case: "text", "image", "event", …"""
        return self.get("MsgType").lower()

    @property
    def event(self) -> str:
        """Event, in lower case, for MsgType "event"; "" otherwise."""
        return self.get("Event").lower() if self.msg_type == "event" else ""

    @property
    def user_id(self) -> str:
        """FromUserName: the member's UserID."""
        return self.get("FromUserName")


@dataclass(frozen=True, slots=True)
class WeComEvent:
    """A callback as the bot's inbound event, with what WeCom tells of a card press that
    `Inbound` has no field for: the card's TaskId, its type, the ResponseCode that updates it
    in place once (within 72 hours), and the options chosen on a vote or multiple-choice card."""

    inbound: Inbound
    kind: str  # "text", "image", "file", "enter_agent", "click", a card event, or other MsgType
    agent_id: str | None = None
    task_id: str | None = None
    card_type: str | None = None
    response_code: str | None = None
    selected: tuple[Selection, ...] = field(default=())


def parse_callback(xml: str | bytes) -> WeComEvent | None:
    """A decrypted callback as an inbound event; None when no person said anything to the bot
    (a system callback, an event the bot does not answer). WeComCallbackError when it is not
    WeCom's XML."""
    return to_event(read_callback(xml))


def read_callback(xml: str | bytes) -> Callback:
    """The fields of a decrypted callback; WeComCallbackError when it is not XML rooted at
    <xml> with a MsgType."""
    try:
        root = SafeElementTree.fromstring(xml, forbid_dtd=True)
    except (ParseError, ValueError):  # defusedxml's refusals are ValueErrors
        raise WeComCallbackError("the callback is not well-formed XML") from None
    if root.tag != "xml":
        raise WeComCallbackError("the callback's root is not <xml>")
    fields = {child.tag: (child.text or "").strip() for child in root if len(child) == 0}
    callback = Callback(fields, _selections(root.find("SelectedItems")))
    if not callback.msg_type:
        raise WeComCallbackError("the callback has no MsgType")
    return callback


def to_event(callback: Callback) -> WeComEvent | None:
    """A read callback as an inbound event (see the module's docstring for each kind)."""
    user = callback.user_id
    if not user or user == SYSTEM_USER:
        return None
    if len(user) > MAX_USER_ID:
        raise WeComCallbackError("the callback's FromUserName is longer than a UserID")
    base: dict[str, Any] = {
        "user_id": user,
        "chat_id": user,
        "messenger": MESSENGER,
        "chat_type": "private",
        "update_id": update_id(callback),
    }
    agent = callback.get("AgentID") or None
    kind = callback.msg_type
    if kind == "event":
        return _event(callback, base, agent)
    if kind == "text":
        return WeComEvent(_text(base, callback.get("Content")), kind, agent)
    if kind in FILE_KINDS:
        file = _file(callback)
        return WeComEvent(Inbound(**base, file=file), kind, agent)
    return WeComEvent(Inbound(**base, other=kind), kind, agent)


def subscribed(callback: Callback) -> bool | None:
    """True when a member joined the app's visible range (subscribe), False when they left it
    or were disabled (unsubscribe): the runtime records it as Telegram's blocked/unblocked."""
    return {"subscribe": True, "unsubscribe": False}.get(callback.event)


def update_id(callback: Callback) -> str:
    """The id that recognises a retried callback: MsgId for a message, and
    "FromUserName:CreateTime:Event" for an event (plus TaskId:EventKey for a card press)."""
    if callback.msg_type != "event" and callback.get("MsgId"):
        return _bounded(callback.get("MsgId"))
    created = callback.get("CreateTime")
    if not created:
        raise WeComCallbackError("the callback has neither a MsgId nor a CreateTime")
    kind = callback.event or callback.msg_type
    parts = [callback.user_id, created, kind]
    if kind in CARD_EVENTS:
        parts += [callback.get("TaskId"), callback.get("EventKey")]
    return _bounded(":".join(parts))


def _event(callback: Callback, base: dict[str, Any], agent: str | None) -> WeComEvent | None:
    event = callback.event
    if event == "enter_agent":
        opened = Inbound(**base, text="/start", command="start", entered=True)
        return WeComEvent(opened, event, agent)
    if event == "click":
        return WeComEvent(_menu(base, callback.get("EventKey")), event, agent)
    if event in CARD_EVENTS:
        press = Inbound(
            **base,
            callback_data=callback.get("EventKey"),
            message_id=callback.get("TaskId") or None,
        )
        return WeComEvent(
            press,
            event,
            agent,
            task_id=callback.get("TaskId") or None,
            card_type=callback.get("CardType") or None,
            response_code=callback.get("ResponseCode") or None,
            selected=callback.selected,
        )
    return None


def _text(base: dict[str, Any], text: str) -> Inbound:
    command = parse_command(text)
    if command is not None:
        return Inbound(**base, text=text, command=command[0], args=command[1])
    return Inbound(**base, text=text)


def _menu(base: dict[str, Any], key: str) -> Inbound:
    typed = key if key.startswith("/") else f"/{key}"
    command = parse_command(typed)
    if command is None:
        return Inbound(**base, other="click")
    return Inbound(**base, text=typed, command=command[0], args=command[1])


def _file(callback: Callback) -> FileRef:
    # WeCom names no image: it gets a name as Telegram's photos do, so its type is known
    # (an image is a JPG or PNG; media/get's Content-Type tells which).
    media = callback.get("MediaId")
    msg_id = callback.get("MsgId") or callback.get("CreateTime")
    if callback.msg_type == "image":
        return FileRef(media, f"image_{msg_id}.jpg")
    return FileRef(media, callback.get("FileName") or None)


def _selections(node: Any) -> tuple[Selection, ...]:
    if node is None:
        return ()
    return tuple(
        Selection(
            (item.findtext("QuestionKey") or "").strip(),
            tuple((o.text or "").strip() for o in item.iterfind("OptionIds/OptionId")),
        )
        for item in node.iterfind("SelectedItem")
    )


def _bounded(raw: str) -> str:
    if len(raw) <= MAX_UPDATE_ID:
        return raw
    return "sha256:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()
