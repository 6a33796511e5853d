"""The runtime-neutral reply (conversations/replies.py) as WeCom message bodies: the dicts
发送应用消息 takes, without `touser` and `agentid` (bot/wecom/api.py adds them).
(Longer than 300 lines: the HTML parser and the cutting to byte limits that text, markdown
and cards share.)

- A reply without buttons is a `text` message when its HTML has no formatting (tags dropped,
  entities unescaped, a link as "text (url)"), else a `markdown` message in the subset WeCom
  supports (**bold**, [text](url), `code`, > quote, <font color="comment"> for italics, which
  WeCom's markdown lacks). Either is cut at line ends into parts of at most 2048 UTF-8 bytes,
  the documented limit of `text.content` and of an app's `markdown.content` (4096 is the
  group robot's, not an app's). Formatting never spans lines, so every part stands alone.
- A reply with buttons is a `template_card` of card_type `button_interaction`: its first line
  the main title, the rest the sub-title text, its buttons the button list, a button's
  callback data the button's `key` (what WeCom sends back as EventKey). A card holds at most 6
  buttons: past that, 5 and a "更多" button whose key (or Mini App url) the caller gives; the
  rest come back as `Rendered.hidden`. A text too long for the card goes before it, whole, as
  text or markdown, and the card shows its beginning.
- A document is uploaded by the runtime (`Upload` in the parts), then sent as a `file` (an
  image as an `image`), followed by its caption as above.

The card fields' limits are WeCom's recommendations (建议不超过): main title 36 characters,
sub-title text 160, button text 10; a longer value is cut with "…". `task_id` (unique per app,
at most 128 bytes of [0-9A-Za-z_-@]) is the caller's, or made from `Reply.card` and 16 random
hex digits, so that a card is never sent twice under one task id.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Any, Final, TypeAlias

from conversations.replies import Button, Document, Keyboard, Reply

TEXT_LIMIT: Final = 2048  # bytes of text.content
MARKDOWN_LIMIT: Final = 2048  # bytes of markdown.content (发送应用消息)
TITLE_LIMIT: Final = 36  # characters of main_title.title
SUB_TITLE_LIMIT: Final = 160  # characters of sub_title_text
BUTTON_LIMIT: Final = 6  # buttons in button_list
BUTTON_TEXT_LIMIT: Final = 10  # characters of a button's text
KEY_LIMIT: Final = 1024  # bytes of a button's key
TASK_ID_LIMIT: Final = 128  # bytes of task_id
MORE_TEXT: Final = "更多"
ELLIPSIS: Final = "…"

_TASK_ID = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")
_NOT_TASK_ID = re.compile(r"[^0-9A-Za-z_\-@]+")


@dataclass(frozen=True, slots=True)
class Upload:
    """A file the runtime uploads (上传临时素材) before sending it: `message(media_id)` is then
    the body to send in its place."""

    filename: str
    content: bytes
    kind: str = "file"  # "file", or "image" for a picture shown in the chat
    content_type: str = "application/octet-stream"

    def message(self, media_id: str) -> dict[str, Any]:
        """The file (or image) message for the uploaded file."""
        return media_message(self.kind, media_id)


# One thing to send: a message body, or a file to upload and then send.
Part: TypeAlias = dict[str, Any] | Upload


@dataclass(frozen=True, slots=True)
class Rendered:
    """A reply as WeCom messages, in sending order. `card` is the template card (also the
    last part's `template_card`), the body 更新模版卡片消息 takes to edit it; `task_id` its
    task id; `hidden` the buttons behind its "更多" button; `overflow` whether the text did
    not fit the card and went before it as a message of its own."""

    parts: tuple[Part, ...]
    card: dict[str, Any] | None = None
    task_id: str | None = None
    hidden: tuple[Button, ...] = ()
    overflow: bool = False


def media_message(kind: str, media_id: str) -> dict[str, Any]:
    """A `file` or `image` message for a media_id."""
    return {"msgtype": kind, kind: {"media_id": media_id}}


def render(
    reply: Reply,
    *,
    more_key: str | None = None,
    more_url: str | None = None,
    more_text: str = MORE_TEXT,
    task_id: str | None = None,
    body_limit: int = SUB_TITLE_LIMIT,
) -> Rendered:
    """A reply as the messages to send: its document first (to upload), then its text as
    text or markdown, or as a card when it has buttons. `more_key` (callback data) or
    `more_url` (the Mini App page) is the "更多" button of a card with more than 6 buttons."""
    parts: list[Part] = []
    text = reply.text
    if reply.document is not None:
        parts.append(_document_part(reply.document))
        text = reply.text or reply.document.caption or ""
    if not _flat(reply.buttons):
        parts.extend(messages(text))
        return Rendered(parts=tuple(parts))
    card = render_card(
        text,
        reply.buttons,
        more_key=more_key,
        more_url=more_url,
        more_text=more_text,
        task_id=task_id or new_task_id(reply.card),
        body_limit=body_limit,
    )
    if card.overflow:
        parts.extend(messages(text))
    parts.append({"msgtype": "template_card", "template_card": card.card})
    return Rendered(
        parts=tuple(parts),
        card=card.card,
        task_id=card.task_id,
        hidden=card.hidden,
        overflow=card.overflow,
    )


# -- text and markdown ------------------------------------------------------------------------


def messages(html: str) -> list[dict[str, Any]]:
    """Telegram HTML as `text` messages, or `markdown` ones when it has formatting, each
    within its byte limit."""
    lines = _lines(html)
    if _has_formatting(lines):
        return [
            {"msgtype": "markdown", "markdown": {"content": p}}
            for p in _split(lines, _markdown_run, MARKDOWN_LIMIT)
        ]
    return [
        {"msgtype": "text", "text": {"content": p}} for p in _split(lines, _plain_run, TEXT_LIMIT)
    ]


def plain_text(html: str) -> str:
    """Telegram HTML as plain text: tags dropped, entities unescaped, a link as
    "text (url)"."""
    lines = _lines(html, plain=True)
    return "\n".join(_render_line(line, _plain_run) for line in lines).strip("\n")


def to_markdown(html: str) -> str:
    """Telegram HTML in WeCom's markdown subset."""
    return "\n".join(_render_line(line, _markdown_run) for line in _lines(html)).strip("\n")


def utf8_len(text: str) -> int:
    """A text's length as WeCom counts it: UTF-8 bytes."""
    return len(text.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class _Run:
    """A stretch of text in one style, within one line."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    quote: bool = False
    href: str | None = None

    def style(self) -> tuple[bool, bool, bool, bool, str | None]:
        return (self.bold, self.italic, self.code, self.quote, self.href)


_BOLD = {"b", "strong"}
_ITALIC = {"i", "em"}
_CODE = {"code", "pre"}


class _Parser(HTMLParser):
    """Telegram's HTML subset into styled runs (unknown tags keep their text, unstyled)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[_Run] = []
        self._open: list[tuple[str, str | None]] = []  # (tag, href)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.handle_data("\n")
            return
        href = dict(attrs).get("href") if tag == "a" else None
        self._open.append((tag, href))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i]
                return

    def handle_data(self, data: str) -> None:
        tags = {t for t, _ in self._open}
        hrefs = [h for t, h in self._open if t == "a" and h]
        self.runs.append(
            _Run(
                data,
                bold=bool(tags & _BOLD),
                italic=bool(tags & _ITALIC),
                code=bool(tags & _CODE),
                quote="blockquote" in tags,
                href=hrefs[-1] if hrefs else None,
            )
        )


def _lines(html: str, *, plain: bool = False) -> list[list[_Run]]:
    """The HTML's lines, each a list of runs, adjacent runs of one style merged (`plain`:
    every style but the link dropped first)."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    lines: list[list[_Run]] = [[]]
    for found in parser.runs:
        run = _Run(found.text, href=found.href) if plain else found
        pieces = run.text.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                lines.append([])
            if not piece:
                continue
            line = lines[-1]
            if line and line[-1].style() == run.style():
                line[-1] = replace(line[-1], text=line[-1].text + piece)
            else:
                line.append(replace(run, text=piece))
    return lines


def _has_formatting(lines: Sequence[Sequence[_Run]]) -> bool:
    return any(r.bold or r.italic or r.code or r.quote for line in lines for r in line)


def _plain_run(run: _Run) -> str:
    if run.href and run.href != run.text.strip():
        return f"{run.text} ({run.href})"
    return run.text


def _markdown_run(run: _Run) -> str:
    core = run.text.strip()
    if not core:
        return run.text
    lead = run.text[: len(run.text) - len(run.text.lstrip())]
    trail = run.text[len(run.text.rstrip()) :]
    if run.code:
        core = f"`{core}`"
    if run.href:
        core = f"[{core}]({run.href})"
    if run.italic:
        core = f'<font color="comment">{core}</font>'
    if run.bold:
        core = f"**{core}**"
    return lead + core + trail


def _prefix(line: Sequence[_Run], render_run: Callable[[_Run], str]) -> str:
    quoted = render_run is _markdown_run and any(r.quote for r in line)
    return "> " if quoted else ""


def _render_line(line: Sequence[_Run], render_run: Callable[[_Run], str]) -> str:
    return _prefix(line, render_run) + "".join(render_run(r) for r in line)


def _split(
    lines: Sequence[Sequence[_Run]], render_run: Callable[[_Run], str], limit: int
) -> list[str]:
    """The lines joined into parts of at most `limit` bytes, cut at line ends (a line longer
    than the limit is cut between characters); blank lines at a part's ends dropped."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        for piece in _fit(line, render_run, limit):
            width = utf8_len(piece) + (1 if current else 0)
            if current and size + width > limit:
                parts.append("\n".join(current))
                current, size = [], 0
                width = utf8_len(piece)
            current.append(piece)
            size += width
    parts.append("\n".join(current))
    return [p.strip("\n") for p in parts if p.strip()]


def _fit(line: Sequence[_Run], render_run: Callable[[_Run], str], limit: int) -> Iterator[str]:
    """One line as pieces of at most `limit` bytes each (one piece when it fits)."""
    prefix = _prefix(line, render_run)
    whole = _render_line(line, render_run)
    if utf8_len(whole) <= limit:
        yield whole
        return
    pieces: list[str] = []
    size = utf8_len(prefix)
    for run in line:
        overhead = utf8_len(render_run(replace(run, text="x"))) - 1
        text = run.text
        while text:
            take = _within(text, limit - size - overhead)
            if not take:
                if not pieces:
                    raise ValueError(f"a limit of {limit} bytes cannot hold any text")
                yield prefix + "".join(pieces)
                pieces, size = [], utf8_len(prefix)
                continue
            pieces.append(render_run(replace(run, text=take)))
            size += overhead + utf8_len(take)
            text = text[len(take) :]
    if pieces:
        yield prefix + "".join(pieces)


def _within(text: str, room: int) -> str:
    """The longest start of `text` of at most `room` UTF-8 bytes."""
    if room <= 0:
        return ""
    return text.encode("utf-8")[:room].decode("utf-8", errors="ignore")


# -- template cards --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Card:
    """A `button_interaction` template card, and what did not fit on it."""

    card: dict[str, Any]
    task_id: str
    hidden: tuple[Button, ...] = ()
    overflow: bool = False
    keys: tuple[str, ...] = ()


def new_task_id(card: str | None = None) -> str:
    """A task id no card has had: the card's name in the allowed characters, and 16 random
    hex digits."""
    base = _NOT_TASK_ID.sub("-", card or "card").strip("-")[:64] or "card"
    return f"{base}-{secrets.token_hex(8)}"


def render_card(
    html: str,
    buttons: Keyboard,
    *,
    task_id: str,
    more_key: str | None = None,
    more_url: str | None = None,
    more_text: str = MORE_TEXT,
    replace_text: str | None = None,
    body_limit: int = SUB_TITLE_LIMIT,
) -> Card:
    """The text and buttons as a `button_interaction` card. Without buttons (a card's last
    state, for 更新模版卡片消息) `replace_text` is required: WeCom shows it as one grey,
    unclickable button (按钮替换文案)."""
    if not _TASK_ID.match(task_id) or utf8_len(task_id) > TASK_ID_LIMIT:
        raise ValueError(f"task_id {task_id!r}: at most 128 bytes of [0-9A-Za-z_-@]")
    text = plain_text(html)
    title, body, overflow = _title_and_body(text, body_limit)
    card: dict[str, Any] = {
        "card_type": "button_interaction",
        "main_title": {"title": title},
        "task_id": task_id,
    }
    if body:
        card["sub_title_text"] = body
    shown, hidden = _buttons(_flat(buttons), more_key, more_url, more_text)
    if shown:
        card["button_list"] = shown
    elif replace_text is None:
        raise ValueError("a card without buttons needs replace_text")
    if replace_text is not None:
        card["replace_text"] = _clip(replace_text, BUTTON_TEXT_LIMIT)
    keys = tuple(b["key"] for b in shown if "key" in b)
    return Card(card=card, task_id=task_id, hidden=hidden, overflow=overflow, keys=keys)


def _title_and_body(text: str, body_limit: int) -> tuple[str, str, bool]:
    """The main title (the first line), the sub-title text (the rest) and whether the text
    was cut to fit."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return ELLIPSIS, "", False
    title_line = lines[first].strip()
    if len(title_line) <= TITLE_LIMIT:
        title = title_line
        rest = "\n".join(lines[first + 1 :]).strip("\n")
    else:  # the title is cut, so the body starts again with the whole first line
        title = _clip(title_line, TITLE_LIMIT)
        rest = "\n".join(lines[first:]).strip("\n")
    rest = re.sub(r"\n{3,}", "\n\n", rest)
    # A cut title loses nothing: the body holds its whole line. Only a cut body does.
    overflow = len(rest) > body_limit
    return title, _clip(rest, body_limit), overflow


def _clip(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut with "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def _flat(buttons: Keyboard) -> list[Button]:
    return [b for row in buttons for b in shown_buttons(row)]


def shown_buttons(buttons: Sequence[Button]) -> list[Button]:
    """The buttons a WeCom card can offer: callback data and links. A Mini App button
    (`web_app`) is not one: the Mini App signs in with Telegram's initData, which a page opened
    from WeCom does not have, so it would open on a refusal."""
    return [b for b in buttons if b.data or b.url]


def _button(b: Button) -> dict[str, Any]:
    text = _clip(plain_text(b.text), BUTTON_TEXT_LIMIT)
    if b.data is None and b.url:
        return {"type": 1, "text": text, "url": b.url}
    key = b.data or ""
    if utf8_len(key) > KEY_LIMIT:
        raise ValueError(f"a button's key is at most {KEY_LIMIT} bytes")
    return {"type": 0, "text": text, "key": key}


def _buttons(
    buttons: list[Button], more_key: str | None, more_url: str | None, more_text: str
) -> tuple[list[dict[str, Any]], tuple[Button, ...]]:
    """The button list (keys unique: a repeated callback data keeps its first button) and the
    buttons put behind "更多"."""
    unique: list[Button] = []
    seen: set[str] = set()
    for b in buttons:
        if b.data is not None:
            if b.data in seen:
                continue
            seen.add(b.data)
        unique.append(b)
    if len(unique) <= BUTTON_LIMIT:
        return [_button(b) for b in unique], ()
    if more_key is None and more_url is None:
        raise ValueError(f"more than {BUTTON_LIMIT} buttons need more_key or more_url")
    shown = [_button(b) for b in unique[: BUTTON_LIMIT - 1]]
    if more_key is not None:
        if more_key in seen:
            raise ValueError("more_key repeats a button's callback data")
        shown.append(_button(Button(more_text, data=more_key)))
    else:
        shown.append(_button(Button(more_text, url=more_url)))
    return shown, tuple(unique[BUTTON_LIMIT - 1 :])


def _document_part(document: Document) -> Part:
    kind = "image" if document.mime_type.startswith("image/") else "file"
    if document.content is None:
        if not document.file_id:
            raise ValueError("a document needs content or a file_id")
        return media_message(kind, document.file_id)
    content_type = document.mime_type if kind == "image" else "application/octet-stream"
    return Upload(document.filename, document.content, kind, content_type)
