"""One field's answer: parsed from what was typed or sent, checked against the field's limits,
and stored in the draft as JSON (decimals as canonical strings, dates as "YYYY-MM-DD")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from conversations.fields import Choice, Field, Kind
from conversations.files import FILE_TYPES, file_type
from conversations.inbound import FileRef
from conversations.parsers import (
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    ParseError,
    canonical,
    clean_text,
    fold,
    is_blank,
    parse_date,
    parse_money,
    parse_percent,
    parse_phone,
    parse_quantity,
    parse_text,
    parse_year_month,
    parse_yes_no,
)

Options = Mapping[str, Sequence[Choice]]


def choice_ids(f: Field, options: Options) -> list[str]:
    """The option ids of a choice field: the run-time ones, then the static ones."""
    dynamic = [c.id for c in options.get(f.choices_from, ())] if f.choices_from else []
    return dynamic + list(f.choices)


def parse_input(f: Field, text: str, choices: Sequence[Choice], today: date) -> Any:
    """Parse typed text for `f` and check it against the field's limits. Control characters
    (NUL among them) are dropped first; text of only invisible characters is empty."""
    value: Any
    text = clean_text(text)
    if is_blank(text) and f.kind is not Kind.FILE:
        raise ParseError("empty")
    match f.kind:
        case Kind.SHORT_TEXT | Kind.LONG_TEXT:
            value = _parse_text(f, text)
        case Kind.INTEGER:
            value = int(parse_quantity(text, f.unit, integer=True))
        case Kind.DECIMAL:
            value = parse_quantity(text, f.unit)
        case Kind.MONEY:
            value = parse_money(text, f.unit or "wan_yuan")
        case Kind.PERCENT:
            value = parse_percent(text)
        case Kind.CHOICE:
            value = _parse_choice(text, choices)
        case Kind.MULTI_CHOICE:
            parts = re.split(r"[,、;/]+", unicodedata.normalize("NFKC", text).strip())
            picked = {_parse_choice(part, choices) for part in parts if part.strip()}
            value = [c.id for c in choices if c.id in picked]
        case Kind.YES_NO:
            value = parse_yes_no(text)
        case Kind.YEAR_MONTH:
            value = parse_year_month(text)
        case Kind.DATE:
            value = parse_date(text, today)
        case Kind.PHONE:
            value = parse_phone(text)
        case _:
            raise ParseError("expected_file" if f.kind is Kind.FILE else "not_asked")
    validate(f, value, [c.id for c in choices], today)
    return value


def file_answer(f: Field, file: FileRef) -> dict[str, Any]:
    """The stored answer for a file sent to a file field: refused unless it is one of the
    accepted types (conversations/files.py), within the field's size, and received (its
    bytes were fetched from the messenger: `sha256` names them)."""
    if f.kind is not Kind.FILE:
        raise ParseError("expected_text")
    name = clean_text(file.file_name) if file.file_name else None
    mime = clean_text(file.mime_type) if file.mime_type else None
    if file_type(name, mime) is None:
        raise ParseError("file_type", {"types": FILE_TYPES})
    value = {
        "file_id": file.file_id,
        "file_name": name,
        "mime_type": mime,
        "size": file.size,
        "sha256": file.sha256,
    }
    validate(f, value, [], date.min)
    if file.sha256 is None:
        raise ParseError("file_not_received")
    return value


def validate(f: Field, value: Any, ids: Sequence[str], today: date) -> None:
    """Check a parsed value against the field's limits; raises ParseError."""
    if f.kind in (Kind.INTEGER, Kind.DECIMAL, Kind.MONEY, Kind.PERCENT):
        if f.min is not None and (value <= f.min if f.min_exclusive else value < f.min):
            raise ParseError("too_small", {"min": f.min, "exclusive": f.min_exclusive})
        if f.max is not None and value > f.max:
            raise ParseError("too_large", {"max": f.max})
    elif f.kind is Kind.CHOICE and value not in ids:
        raise ParseError("unknown_choice")
    elif f.kind is Kind.MULTI_CHOICE:
        if not value:
            raise ParseError("nothing_chosen")
        if any(v not in ids for v in value) or len(set(value)) != len(value):
            raise ParseError("unknown_choice")
    elif f.kind is Kind.YEAR_MONTH and f.not_before_today:
        earliest = f"{today.year:04d}-{today.month:02d}"
        if value < earliest:
            raise ParseError("month_in_past", {"earliest": earliest})
    elif f.kind is Kind.DATE:
        if f.not_before_today and value < today:
            raise ParseError("date_in_past", {"earliest": today.isoformat()})
        if f.not_after_today and value > today:
            raise ParseError("date_in_future", {"latest": today.isoformat()})
    elif f.kind is Kind.FILE and f.max_size is not None and (value["size"] or 0) > f.max_size:
        raise ParseError("file_too_large", {"size": f.max_size})


def encode(f: Field, value: Any) -> Any:
    """The JSON form of a parsed value, as stored in the draft."""
    if f.kind in (Kind.DECIMAL, Kind.MONEY, Kind.PERCENT):
        return canonical(value)
    if f.kind is Kind.DATE:
        return value.isoformat()
    return value


def decode(f: Field, raw: Any) -> Any:
    """The parsed value of a stored answer; raises ParseError("invalid_stored") if malformed."""
    if f.kind in (Kind.DECIMAL, Kind.MONEY, Kind.PERCENT):
        try:
            value = Decimal(raw) if isinstance(raw, str) else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or canonical(value) != raw:
            raise ParseError("invalid_stored")
        return value
    if f.kind is Kind.DATE:
        try:
            day = date.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            day = None
        # fromisoformat also takes "20261120" and "2026-W47-5"; only the stored form is valid
        if day is None or day.isoformat() != raw:
            raise ParseError("invalid_stored")
        return day
    if _shape_ok(f, raw):
        return raw
    raise ParseError("invalid_stored")


def check_stored(f: Field, raw: Any, options: Options, today: date) -> None:
    """Check a stored answer as if it had just been given; raises ParseError."""
    value = decode(f, raw)
    if f.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT) and _parse_text(f, value) != value:
        raise ParseError("invalid_stored")
    if f.kind in (Kind.PHONE, Kind.YEAR_MONTH):
        reparse = parse_phone if f.kind is Kind.PHONE else parse_year_month
        if reparse(value) != value:
            raise ParseError("invalid_stored")
    if f.kind is Kind.DATE and parse_date(raw, today) != value:
        raise ParseError("invalid_stored")
    validate(f, value, choice_ids(f, options), today)


def _shape_ok(f: Field, raw: Any) -> bool:
    """Whether a stored JSON value has the type the field's kind stores."""
    match f.kind:
        case Kind.INTEGER:
            return isinstance(raw, int) and not isinstance(raw, bool)
        case Kind.YES_NO:
            return isinstance(raw, bool)
        case Kind.MULTI_CHOICE:
            return isinstance(raw, list) and all(isinstance(v, str) for v in raw)
        case Kind.FILE:
            return (
                isinstance(raw, dict)
                and set(raw) == {"file_id", "file_name", "mime_type", "size", "sha256"}
                and isinstance(raw["file_id"], str)
                and all(isinstance(raw[k], str | None) for k in ("file_name", "mime_type"))
                and (raw["size"] is None or isinstance(raw["size"], int))
                and isinstance(raw["sha256"], str)
                and re.fullmatch(r"[0-9a-f]{64}", raw["sha256"]) is not None
                and file_type(raw["file_name"], raw["mime_type"]) is not None
            )
        case Kind.GROUP:
            return False
        case _:
            return isinstance(raw, str)


def _parse_text(f: Field, text: str) -> str:
    long = f.kind is Kind.LONG_TEXT
    limit = f.max_length or (LONG_TEXT_MAX if long else SHORT_TEXT_MAX)
    return parse_text(text, min_length=f.min_length, max_length=limit, single_line=not long)


def _parse_choice(text: str, choices: Sequence[Choice]) -> str:
    """A choice typed as its label or its number in the list."""
    folded = fold(text)
    for c in choices:
        if folded in (fold(c.label), fold(c.id)):
            return c.id
    if folded.isdigit() and 1 <= int(folded) <= len(choices):
        return choices[int(folded) - 1].id
    raise ParseError("bad_choice", {"count": len(choices)})
