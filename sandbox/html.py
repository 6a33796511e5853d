"""Telegram's HTML parse mode: validation and entity extraction, byte for byte like TDLib."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.links import normalize_url

SIMPLE_TYPES = {
    **dict.fromkeys(("b", "strong"), "bold"),
    **dict.fromkeys(("i", "em"), "italic"),
    **dict.fromkeys(("u", "ins"), "underline"),
    **dict.fromkeys(("s", "strike", "del"), "strikethrough"),
    **dict.fromkeys(("span", "tg-spoiler"), "spoiler"),
}
ALLOWED_TAGS = frozenset(SIMPLE_TYPES) | {"a", "code", "pre", "blockquote", "tg-emoji"}
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_SPACES = frozenset(b" \t\r\n\v\0")
_MAX_CODE_POINT = 0x10FFFF


class HtmlParseError(ValueError):
    """An HTML text Telegram would refuse; the message is Telegram's own wording."""


@dataclass
class _OpenTag:
    tag: str
    argument: str
    utf16_offset: int
    text_begin: int


def utf16_len(text: str) -> int:
    """Return the length of a string in UTF-16 code units, as Telegram counts offsets."""
    return len(text.encode("utf-16-le")) // 2


def decode_entity(data: bytes, pos: int) -> tuple[int, int]:
    """Decode an HTML entity at pos; return (code point or 0, position after it)."""
    n = len(data)

    def at(i: int) -> int:
        return data[i] if i < n else 0

    end = pos + 1
    value = 0
    if at(pos + 1) == ord("#"):
        end += 1
        if at(pos + 2) == ord("x"):
            end += 1
            while chr(at(end)) in "0123456789abcdefABCDEF" and at(end):
                value = value * 16 + int(chr(at(end)), 16)
                end += 1
                if value >= _MAX_CODE_POINT:
                    return 0, pos
        else:
            while ord("0") <= at(end) <= ord("9"):
                value = value * 10 + at(end) - ord("0")
                end += 1
                if value >= _MAX_CODE_POINT:
                    return 0, pos
        if value == 0 or 0xD800 <= value <= 0xDFFF:
            return 0, pos
    else:
        while chr(at(end)).isascii() and chr(at(end)).isalpha():
            end += 1
        name = data[pos + 1 : end]
        if name not in _NAMED_ENTITIES:
            return 0, pos
        value = ord(_NAMED_ENTITIES[name])
    if at(end) == ord(";"):
        end += 1
    return value, end


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into visible text and entities; raise HtmlParseError like Telegram."""
    data = source.encode("utf-8")
    parser = _Parser(data)
    return parser.run()


class _Parser:
    """A one-shot parser over the UTF-8 bytes of a message."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.n = len(data)
        self.i = 0
        self.text = bytearray()
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def at(self, i: int) -> int:
        return self.data[i] if i < self.n else 0

    def skip_spaces(self) -> None:
        while self.i < self.n and self.at(self.i) in _SPACES:
            self.i += 1

    def append_char(self, code_point: int) -> None:
        self.text += chr(code_point).encode("utf-8")
        self.utf16 += 2 if code_point > 0xFFFF else 1

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        while self.i < self.n:
            c = self.data[self.i]
            if c == ord("&"):
                code_point, end = decode_entity(self.data, self.i)
                if code_point:
                    self.append_char(code_point)
                    self.i = end
                    continue
            if c != ord("<"):
                self.text.append(c)
                if c & 0xC0 != 0x80:
                    self.utf16 += 2 if c >= 0xF0 else 1
                self.i += 1
                continue
            begin = self.i
            self.i += 1
            if self.at(self.i) != ord("/"):
                self.open_tag(begin)
            else:
                self.close_tag(begin)
        if self.stack:
            tag = self.stack[-1].tag
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        for entity in self.entities:
            entity.pop("_language", None)
        return self.text.decode("utf-8", errors="replace"), self.entities

    def open_tag(self, begin: int) -> None:
        name_begin = self.i
        while self.at(self.i) not in _SPACES and self.at(self.i) != ord(">"):
            self.i += 1
        if self.i >= self.n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        tag = self.data[name_begin : self.i].decode("utf-8", errors="replace").lower()
        if tag not in ALLOWED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while self.at(self.i) != ord(">"):
            self.skip_spaces()
            if self.at(self.i) == ord(">"):
                break
            name, value = self.read_attribute(tag, begin)
            if value is None:
                argument = "1"
            elif tag == "a" and name == b"href":
                argument = value
            elif tag == "code" and name == b"class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and name == b"class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and name == b"emoji-id":
                argument = value
            elif tag == "blockquote" and name == b"expandable":
                argument = "1"
        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(_OpenTag(tag, argument, self.utf16, len(self.text)))
        self.i += 1

    def read_attribute(self, tag: str, begin: int) -> tuple[bytes, str | None]:
        attribute_begin = self.i
        while self.at(self.i) not in _SPACES and self.at(self.i) not in (ord("="), ord(">")):
            self.i += 1
        name = self.data[attribute_begin : self.i]
        if not name:
            raise HtmlParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        self.skip_spaces()
        if self.at(self.i) != ord("=") and tag == "blockquote" and name == b"expandable":
            return name, None
        if self.at(self.i) != ord("="):
            raise HtmlParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        self.i += 1
        self.skip_spaces()
        if self.i >= self.n:
            raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        quote = self.at(self.i)
        if quote not in (ord("'"), ord('"')):
            token_begin = self.i
            while chr(self.at(self.i)).isascii() and (
                chr(self.at(self.i)).isalnum() or self.at(self.i) in (ord("."), ord("-"))
            ):
                self.i += 1
            value = self.data[token_begin : self.i].decode("utf-8", errors="replace").lower()
            if self.at(self.i) not in _SPACES and self.at(self.i) != ord(">"):
                raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
        else:
            self.i += 1
            raw = bytearray()
            while self.i < self.n and self.at(self.i) != quote:
                if self.at(self.i) == ord("&"):
                    code_point, end = decode_entity(self.data, self.i)
                    if code_point:
                        raw += chr(code_point).encode("utf-8")
                        self.i = end
                        continue
                raw.append(self.at(self.i))
                self.i += 1
            if self.at(self.i) == quote and self.i < self.n:
                self.i += 1
            value = raw.decode("utf-8", errors="replace")
        if self.i >= self.n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        return name, value

    def close_tag(self, begin: int) -> None:
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        self.i += 1
        name_begin = self.i
        while self.at(self.i) not in _SPACES and self.at(self.i) != ord(">"):
            self.i += 1
        if self.i >= self.n:
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        end_name = self.data[name_begin : self.i].decode("utf-8", errors="replace").lower()
        self.skip_spaces()
        if self.at(self.i) != ord(">"):
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        top = self.stack[-1]
        if end_name and end_name != top.tag:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16 > top.utf16_offset:
            self.add_entity(top, self.utf16 - top.utf16_offset)
        self.stack.pop()
        self.i += 1

    def add_entity(self, top: _OpenTag, length: int) -> None:
        offset = top.utf16_offset
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and last["offset"] == offset and last["length"] == length
        if top.tag in SIMPLE_TYPES:
            self.entities.append(
                {"type": SIMPLE_TYPES[top.tag], "offset": offset, "length": length}
            )
        elif top.tag == "a":
            self.add_link(top, offset, length)
        elif top.tag == "pre":
            if same_span and last is not None and last["type"] == "code" and last.get("_language"):
                last["type"] = "pre"
                last["language"] = last.pop("_language")
            else:
                self.entities.append({"type": "pre", "offset": offset, "length": length})
        elif top.tag == "code":
            if same_span and last is not None and last["type"] == "pre" and top.argument:
                last["language"] = top.argument
            else:
                entity = {"type": "code", "offset": offset, "length": length}
                if top.argument:
                    entity["_language"] = top.argument
                self.entities.append(entity)
        elif top.tag == "blockquote":
            kind = "expandable_blockquote" if top.argument == "1" else "blockquote"
            self.entities.append({"type": kind, "offset": offset, "length": length})
        elif top.tag == "tg-emoji":
            if not top.argument.isdigit():
                raise HtmlParseError("Invalid custom emoji identifier specified")
            self.entities.append(
                {
                    "type": "custom_emoji",
                    "offset": offset,
                    "length": length,
                    "custom_emoji_id": top.argument,
                }
            )

    def add_link(self, top: _OpenTag, offset: int, length: int) -> None:
        url = top.argument or self.text[top.text_begin :].decode("utf-8", errors="replace")
        if url.startswith("tg://user?id="):
            user_id = url[len("tg://user?id=") :]
            if user_id.isdigit():
                user = {"id": int(user_id), "is_bot": False, "first_name": ""}
                self.entities.append(
                    {"type": "text_mention", "offset": offset, "length": length, "user": user}
                )
                return
        checked = normalize_url(url)
        if checked is not None:
            self.entities.append(
                {"type": "text_link", "offset": offset, "length": length, "url": checked}
            )
