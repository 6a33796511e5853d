"""The WeCom demo's transcript: what each member wrote and pressed, and what the app sent them
(texts, template cards with their buttons, card updates, files), in the order it happened,
as one text in the deployment's language. It is read from the sandbox's public accessors
(messages, updates, media); the sandbox's own transcript is one member's, in English.

Two things keep it readable. A card whose text is longer than a card shows comes with the
whole text as a message of its own (bot/wecom/render.py): the two are shown as one, the card's
title, the whole text, its buttons. And a card shown to a member again (updated in place, or
sent anew in a newer state) lists only the lines that changed, "⋯" standing for the others."""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.wecom.render import MARKDOWN_LIMIT, TEXT_LIMIT, utf8_len
from sandbox.wecom import SentMessage, WeComSandbox
from sandbox.wecom.state import CardUpdate
from templates.renderer import Renderer

ELLIPSIS: Final = "…"  # where WeCom's card fields are cut (bot/wecom/render.py)
_BOLD: Final = re.compile(r"\*\*(.+?)\*\*")
_FONT: Final = re.compile(r'<font color="\w+">(.*?)</font>')
_LINK: Final = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_DIGITS: Final = re.compile(r"\d+")
_SLACK: Final = 8  # bytes of blank lines a part may have lost at its ends


@dataclass(frozen=True, slots=True)
class Action:
    """What a member did: wrote `text`, or pressed `label` on a card titled `card`."""

    userid: str
    text: str | None = None
    label: str | None = None
    card: str | None = None


Event = Action | SentMessage | CardUpdate


class Log:
    """The demo's actions, each followed by what the app sent after it, in order."""

    def __init__(self, wx: WeComSandbox, names: dict[str, str], locale: str = "zh-Hans") -> None:
        self.wx, self.names, self.locale = wx, names, locale
        self.events: list[Event] = []
        self._messages = 0
        self._updates = 0

    def said(self, userid: str, text: str) -> None:
        """A member writes a message."""
        self.settled()
        self.events.append(Action(userid, text=text))

    def pressed(self, userid: str, label: str, card: dict[str, Any]) -> None:
        """A member presses a button of a card."""
        self.settled()
        self.events.append(Action(userid, label=label, card=title_of(card)))

    def settled(self) -> None:
        """Take what the app sent since last time, in the order members got it."""
        messages, updates = self.wx.messages(), self.wx.updates()
        new: list[SentMessage | CardUpdate] = [
            *(m for m in messages[self._messages :] if not m.dropped),
            *updates[self._updates :],
        ]
        self._messages, self._updates = len(messages), len(updates)
        ordered = sorted(new, key=_at)
        self.events.extend(ordered)

    def render(self) -> str:
        """The whole transcript: a legend, then one paragraph an event."""
        self.settled()
        words = Words(Renderer(), self.locale)
        body = _Writer(self.wx, self.names, words).write(self.events)
        return "\n\n".join([words.legend, *body])


def _at(e: SentMessage | CardUpdate) -> float:
    return e.at


class Words:
    """The transcript's own words in one locale (templates/messages/*/demo_wecom.j2)."""

    def __init__(self, renderer: Renderer, locale: str) -> None:
        self.renderer, self.locale = renderer, locale
        self.legend = self("legend")
        self.unchanged = self("unchanged")

    def __call__(self, macro: str, /, **params: Any) -> str:
        """One macro of the file, as plain text."""
        return html.unescape(self.renderer.message(self.locale, f"demo_wecom#{macro}", **params))


class _Writer:
    """The events as paragraphs, remembering what each member last saw of each card."""

    def __init__(self, wx: WeComSandbox, names: dict[str, str], words: Words) -> None:
        self.wx, self.names, self.w = wx, names, words
        self.seen: dict[tuple[str, str], list[str]] = {}  # (member, card) -> its lines
        self.cards: dict[tuple[str, str], str] = {}  # (member, task_id) -> which card

    def write(self, events: Sequence[Event]) -> list[str]:
        """One paragraph an event, a card's whole text shown with it."""
        wholes = _whole_texts(events)
        shown_with_a_card = {j for parts in wholes.values() for j in parts}
        out = []
        for i, e in enumerate(events):
            if i in shown_with_a_card:
                continue
            parts = wholes.get(i)
            whole = "\n".join(_content(events[j]) for j in parts) if parts else None
            out.append(self._event(e, whole))
        return out

    def _name(self, userid: str) -> str:
        return self.names.get(userid, userid)

    def _event(self, e: Event, whole: str | None) -> str:
        w, who = self.w, self._name(e.userid)
        if isinstance(e, Action):
            if e.text is not None:
                return w("said", who=who, text=e.text)
            return w("pressed", who=who, label=e.label, card=e.card)
        to = w("to", who=who, updated=isinstance(e, CardUpdate)) + " "
        if isinstance(e, CardUpdate):
            if e.card is None:
                shown = self.wx.card(e.userid, e.task_id).card
                return to + w("retired", title=title_of(shown), text=e.replace_name)
            return to + self._card(e.userid, e.task_id, e.card, whole)
        if e.msgtype in ("file", "image"):
            media = self.wx.media(e.body[e.msgtype]["media_id"])
            return to + w("file", name=media.filename, size=f"{len(media.content):,}")
        if e.card is not None:
            return to + self._card(e.userid, e.card["task_id"], e.card, whole)
        return to + self._text(e.userid, shown_text(e.content))

    def _text(self, userid: str, text: str) -> str:
        """A message; one that shows a card's last state (its buttons gone) as its changes."""
        lines = text.split("\n")
        before = self.seen.get((userid, _DIGITS.sub("#", lines[0])))
        if before is None:
            return text
        self.seen[(userid, _DIGITS.sub("#", lines[0]))] = lines
        return "\n".join([lines[0], *_changed(before[1:], lines[1:], self.w.unchanged)])

    def _card(self, userid: str, task_id: str, card: dict[str, Any], whole: str | None) -> str:
        title = title_of(card)
        if whole is not None:
            lines = shown_text(whole).split("\n")
        else:
            lines = [title, *str(card.get("sub_title_text") or "").split("\n")]
        which = self.cards.setdefault((userid, task_id), _DIGITS.sub("#", lines[0]))
        before = self.seen.get((userid, which))
        self.seen[(userid, which)] = lines
        if before is None or whole is None:
            body = lines[1:]
        else:
            body = _changed(before[1:], lines[1:], self.w.unchanged)
        buttons = " ".join(f"[ {b.get('text')} ]" for b in card.get("button_list") or [])
        # With its whole text, the card is named by the text's first line (its title may be cut).
        head = self.w("card", title=lines[0] if whole is not None else title)
        return "\n".join([head, *body, buttons]).rstrip()


def _changed(before: list[str], after: list[str], unchanged: str) -> list[str]:
    """The lines of `after` that are not in `before`, each run of unchanged ones as one
    `unchanged` line."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            if any(line.strip() for line in after[j1:j2]) and (not out or out[-1] != unchanged):
                out.append(unchanged)
        elif tag != "delete":
            out.extend(line for line in after[j1:j2] if line.strip())
    return out or [unchanged]


def _whole_texts(events: Sequence[Event]) -> dict[int, list[int]]:
    """Each card that came with its whole text as messages, and those messages: the parts
    just before a card sent, or just after a card updated, to the same member (a text is cut
    into parts of at most 2048 bytes at line ends, bot/wecom/render.py)."""
    found: dict[int, list[int]] = {}
    taken: set[int] = set()
    for i, e in enumerate(events):
        card = e.card if isinstance(e, SentMessage | CardUpdate) else None
        if card is None:
            continue
        parts = _parts(events, i, e.userid, 1 if isinstance(e, CardUpdate) else -1)
        whole = "\n".join(_content(events[j]) for j in parts)
        if parts and not taken & set(parts) and _is_whole(shown_text(whole), card):
            found[i] = parts
            taken |= set(parts)
    return found


def _parts(events: Sequence[Event], i: int, userid: str, step: int) -> list[int]:
    """The run of texts to `userid` next to event i (after it: step 1, before it: -1) that
    make one text: each part but the last was full, so the next part's first line did not
    fit in it. In the order they were sent."""
    run: list[int] = []
    j = i + step
    while 0 <= j < len(events):
        e = events[j]
        if e.userid == userid:
            if not (isinstance(e, SentMessage) and e.msgtype in ("text", "markdown")):
                break
            if run:
                first, second = (run[-1], j) if step > 0 else (j, run[-1])
                if not _continued(_content(events[first]), _content(events[second])):
                    break
            run.append(j)
        j += step
    return run if step > 0 else run[::-1]


def _continued(part: str, next_part: str) -> bool:
    """Whether `next_part` goes on from `part`: its first line would not have fitted."""
    line = next_part.split("\n", 1)[0]
    return utf8_len(part) + 1 + utf8_len(line) > min(TEXT_LIMIT, MARKDOWN_LIMIT) - _SLACK


def _content(e: Event) -> str:
    return e.content if isinstance(e, SentMessage) else ""


def _is_whole(text: str, card: dict[str, Any]) -> bool:
    """Whether the text is the card's whole text: it starts as the card's title and holds
    its sub-title, both maybe cut with "…"."""
    title = title_of(card).removesuffix(ELLIPSIS)
    sub = str(card.get("sub_title_text") or "").removesuffix(ELLIPSIS)
    return text.startswith(title) and sub in text


def title_of(card: dict[str, Any]) -> str:
    """A card's main title."""
    return str((card.get("main_title") or {}).get("title") or "")


def shown_text(markdown: str) -> str:
    """WeCom's markdown as a member reads it: bold and grey text plain, a link as text (url)."""
    text = _BOLD.sub(r"\1", markdown)
    text = _FONT.sub(r"\1", text)
    return _LINK.sub(r"\1 (\2)", text)
