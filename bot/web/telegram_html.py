"""Chat's replies shown on a page: their text is Telegram's HTML (b, i, u, s, code, pre, a,
blockquote, tg-spoiler), rendered from our templates with every value escaped. On a page it is
passed through an allow-list all the same: those tags are kept (a link only to http, https or
tg), any other tag or attribute is dropped and its text kept, escaped."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from typing import Final

from markupsafe import Markup

KEPT: Final = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-spoiler": "span",
    "a": "a",
}
SCHEMES: Final = ("http://", "https://", "tg://")


class _Filter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = KEPT.get(tag)
        if kept is None:
            return
        if kept == "a":
            href = dict(attrs).get("href") or ""
            if not href.startswith(SCHEMES):
                return
            self.out.append(f'<a href="{escape(href)}" rel="noopener" target="_blank">')
        elif tag == "tg-spoiler":
            self.out.append('<span class="spoiler">')
        else:
            self.out.append(f"<{kept}>")
        self.open.append(kept)

    def handle_endtag(self, tag: str) -> None:
        kept = KEPT.get(tag)
        if kept is not None and kept in self.open:
            while self.open:  # close what was left open inside it too
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == kept:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))


def page_html(text: str) -> Markup:
    """A reply's Telegram HTML as safe markup for a page."""
    parser = _Filter()
    parser.feed(text)
    parser.close()
    parser.out.extend(f"</{tag}>" for tag in reversed(parser.open))
    return Markup("".join(parser.out))
