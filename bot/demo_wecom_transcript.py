"""The WeCom demo's transcript: what each member wrote and pressed, and what the app sent them
(texts, template cards with their buttons, card updates, files), in the order it happened,
as one readable text in the deployment's language. It is read from the sandbox's public
accessors (messages, updates, media): the sandbox's own transcript is one member's, in
English."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Final

from sandbox.wecom import SentMessage, WeComSandbox
from sandbox.wecom.state import CardUpdate
from templates.renderer import Renderer

APP: Final = "招商服务助手"
_BOLD: Final = re.compile(r"\*\*(.+?)\*\*")
_FONT: Final = re.compile(r'<font color="\w+">(.*?)</font>')
_LINK: Final = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


@dataclass(frozen=True, slots=True)
class Action:
    """What a member did: wrote `text`, or pressed `label` on a card titled `card`."""

    userid: str
    text: str | None = None
    label: str | None = None
    card: str | None = None


Event = Action | SentMessage | CardUpdate


class Log:
    """The demo's actions, each followed by what the app sent because of it."""

    def __init__(
        self, wx: WeComSandbox, names: dict[str, str], locale: str = "zh-Hans"
    ) -> None:
        self.wx, self.names, self.locale = wx, names, locale
        self.events: list[Event] = []
        self._messages = 0
        self._updates = 0
        self._words = _Words(Renderer(), locale)

    def said(self, userid: str, text: str) -> None:
        """A member wrote a message."""
        self.settled()
        self.events.append(Action(userid, text=text))

    def pressed(self, userid: str, label: str, card: dict[str, Any]) -> None:
        """A member pressed a button of a card."""
        self.settled()
        self.events.append(Action(userid, label=label, card=_title(card)))

    def settled(self) -> None:
        """Take what the app sent since the last action, in the order it reached members."""
        messages, updates = self.wx.messages(), self.wx.updates()
        new: list[SentMessage | CardUpdate] = [
            *(m for m in messages[self._messages :] if not m.dropped),
            *updates[self._updates :],
        ]
        self._messages, self._updates = len(messages), len(updates)
        self.events.extend(sorted(new, key=lambda e: e.at))

    def render(self) -> str:
        """The whole transcript, one paragraph an event."""
        self.settled()
        return "\n\n".join(self._event(e) for e in self.events)

    def _name(self, userid: str) -> str:
        return self.names.get(userid, userid)

    def _event(self, e: Event) -> str:
        w = self._words
        if isinstance(e, Action):
            if e.text is not None:
                return f"👤 {self._name(e.userid)}: {e.text}"
            return f"👤 {self._name(e.userid)} {w.pressed} [ {e.label} ]（{w.on_card}“{e.card}”）"
        to = f"🤖 {APP} → {self._name(e.userid)}"
        if isinstance(e, CardUpdate):
            if e.card is None:
                return f"{to}（{w.updated}）: {w.greyed}「{e.replace_name}」"
            return f"{to}（{w.updated}）: {self._card(e.card)}"
        if e.msgtype in ("text", "markdown"):
            return f"{to}: {_shown(e.content)}"
        if e.msgtype in ("file", "image"):
            media = self.wx.media(e.body[e.msgtype]["media_id"])
            return f"{to}: 📎 {w.file} {media.filename}（{len(media.content):,} {w.bytes}）"
        card = e.card
        return f"{to}: {self._card(card) if card else e.msgtype}"

    def _card(self, card: dict[str, Any]) -> str:
        lines = [f"［{self._words.card}］{_title(card)}"]
        if card.get("sub_title_text"):
            lines.append(str(card["sub_title_text"]))
        buttons = [f"[ {b.get('text')} ]" for b in card.get("button_list") or []]
        if buttons:
            lines.append(" ".join(buttons))
        return "\n".join(lines)


class _Words:
    """The transcript's own words in one locale (templates/messages/*/demo_wecom.j2)."""

    def __init__(self, renderer: Renderer, locale: str) -> None:
        def word(name: str) -> str:
            return html.unescape(renderer.message(locale, f"demo#{name}")) if name == "pressed" else name

        self.pressed = word("pressed")
        self.on_card = "卡片"
        self.updated = "卡片已更新"
        self.greyed = "按钮变为"
        self.file = "文件"
        self.bytes = "字节"
        self.card = "卡片"


def _title(card: dict[str, Any]) -> str:
    return str((card.get("main_title") or {}).get("title") or "")


def _shown(markdown: str) -> str:
    """WeCom's markdown as the member reads it: bold and grey text plain, links as text (url)."""
    text = _BOLD.sub(r"\1", markdown)
    text = _FONT.sub(r"\1", text)
    return _LINK.sub(r"\1 (\2)", text)
