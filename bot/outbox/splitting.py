"""A long HTML message cut into parts Telegram takes: lengths in UTF-16 code units, cuts at
line ends where possible, every tag open at a cut closed there and opened again after."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

TEXT_LIMIT: Final = 4096

_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|[^<&]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def utf16_len(text: str) -> int:
    """A text's length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_html(html: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut an HTML message into parts of at most `limit` characters, at line ends where
    possible, with every tag open at a cut closed there and opened again in the next part."""
    if utf16_len(html) <= limit:
        return [html]
    parts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, the opening tag as written)
    current = ""
    for piece in _pieces(html, limit // 2):
        after = _track(open_tags, piece)
        if current and utf16_len(current + piece + _closing(after)) > limit:
            parts.append(current.rstrip("\n") + _closing(open_tags))
            current = "".join(tag for _, tag in open_tags)
        current += piece
        open_tags = after
    parts.append(current)
    return [p for p in parts if _TAG.sub("", p).strip()]


def _pieces(html: str, size: int) -> Iterator[str]:
    """Lines, with a line longer than `size` cut between tags, entities and characters."""
    for line in _LINE.findall(html):
        if utf16_len(line) <= size:
            yield line
            continue
        chunk, length = "", 0
        for token in _TOKEN.findall(line):
            for unit in [token] if token[0] in "<&" else token:
                width = utf16_len(unit)
                if chunk and length + width > size:
                    yield chunk
                    chunk, length = "", 0
                chunk, length = chunk + unit, length + width
        if chunk:
            yield chunk


def _track(open_tags: list[tuple[str, str]], piece: str) -> list[tuple[str, str]]:
    """The tags still open after `piece`."""
    stack = list(open_tags)
    for match in _TAG.finditer(piece):
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            stack.append((name, match.group(0)))
            continue
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i]
                break
    return stack


def _closing(open_tags: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(open_tags))
