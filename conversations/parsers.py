"""Parsers for what people type into a form: numbers with units, money, percentages, months,
dates, phone numbers, yes/no and text. Each returns the value or raises `ParseError`."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from conversations.units import MULTIPLIERS, MULTIPLIERS_PATTERN, unit_of


class ParseError(ValueError):
    """An answer that cannot be accepted: `code` names the error message, `params` fill it."""

    def __init__(self, code: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, Any] = dict(params or {})

    def __repr__(self) -> str:
        return f"ParseError({self.code!r}, {self.params!r})"


SHORT_TEXT_MAX: Final = 100
LONG_TEXT_MAX: Final = 2000

_CHINESE_DIGITS: Final = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_NUMBER: Final = re.compile(
    r"^(?P<sign>[+-]?)(?P<num>\d+(?:\.\d+)?|\.\d+|[零一二两三四五六七八九十])"
    rf"(?P<mult>{MULTIPLIERS_PATTERN})?(?P<rest>.*)$"
)
# Hedges people add to an estimate ("约120亩", "3000平方米左右"); the number is what counts.
_HEDGES: Final = re.compile(r"^(?:大约|约为|约)|(?:左右|上下)$")
_YEAR_MONTH: Final = (
    re.compile(r"^(?P<y>\d{4})[-./年](?P<m>\d{1,2})(?:月份|月)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
)
_DATE: Final = (
    re.compile(r"^(?P<y>\d{4})(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)
_TODAY: Final = frozenset({"今天", "今日", "today"})
_YES: Final = frozenset({"是", "是的", "有", "有的", "对", "y", "yes", "true", "ok"})
_NO: Final = frozenset({"否", "不是", "没有", "无", "没", "不", "n", "no", "false", "none"})


# Letters that show as nothing (Hangul fillers, the blank Braille pattern): like format
# characters (zero-width spaces and joiners, the byte-order mark), an answer of them is blank.
_BLANK_LETTERS: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(ch: str) -> bool:
    """Whether a character shows as nothing: a space, a control or format character."""
    return ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) in ("Cc", "Cf")


def clean_text(text: str) -> str:
    """Typed text without control characters (NUL among them: PostgreSQL refuses it in text)
    or lone surrogates; line breaks (as "\\n") and tabs stay."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isprintable():
        return text
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )


def is_blank(text: str) -> bool:
    """Whether text holds nothing a person can see: only spaces, control or format characters
    (a zero-width space, say)."""
    return all(_invisible(ch) for ch in text)


def trim(text: str) -> str:
    """Text without invisible characters (spaces, zero-width ones) at either end."""
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def fold(text: str) -> str:
    """NFKC-normalise (full-width digits, letters, ％ and ，), lower-case and drop spaces and
    invisible characters."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not _invisible(ch)).lower()


def canonical(value: Decimal) -> str:
    """The one string a decimal is stored as: no exponent, no trailing zeros ("12000", "1.2")."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _number(folded: str) -> tuple[Decimal, str, str]:
    """Split "1.2万平方米" into (12000, "万", "平方米"): the value, the multiplier and the rest."""
    text = _HEDGES.sub("", folded.replace(",", ""))
    match = _NUMBER.match(text)
    if not match:
        raise ParseError("not_a_number")
    num = match["num"]
    try:
        value = Decimal(_CHINESE_DIGITS[num]) if num in _CHINESE_DIGITS else Decimal(num)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise ParseError("not_a_number") from exc
    mult = match["mult"] or ""
    value *= MULTIPLIERS.get(mult, 1)
    return (-value if match["sign"] == "-" else value), mult, match["rest"]


def _refuse_rest(rest: str, given: str, expected: str | None) -> None:
    """Refuse a trailing word: naming the expected unit when the word is another unit."""
    if unit_of(rest) is not None and expected is not None:
        raise ParseError("wrong_unit", {"expected": expected, "given": given})
    raise ParseError("not_a_number")


def parse_quantity(text: str, unit: str | None = None, *, integer: bool = False) -> Decimal:
    """A number in `unit` ("120亩" or "120" for mu; "1.2万平方米"); units are keys of units.py."""
    folded = fold(text)
    if not folded:
        raise ParseError("empty")
    value, mult, rest = _number(folded)
    if rest and (unit is None or unit_of(rest) != unit):
        _refuse_rest(rest, mult + rest, unit)
    if integer and value != value.to_integral_value():
        raise ParseError("not_integer")
    return value


def parse_money(text: str, unit: str = "wan_yuan") -> Decimal:
    """An amount of money in `unit` (万元 or 亿元): "1.2亿", "12000万元", "5000000元", "12,000"."""
    folded = fold(text).removeprefix("人民币").removeprefix("rmb").removeprefix("¥")
    if not folded:
        raise ParseError("empty")
    value, mult, rest = _number(folded)
    rest_unit = unit_of(rest) if rest else None
    if rest and rest_unit not in ("yuan", "wan_yuan", "yi_yuan"):
        _refuse_rest(rest, mult + rest, unit)
    if rest_unit is not None:
        value *= MULTIPLIERS[{"yuan": "", "wan_yuan": "万", "yi_yuan": "亿"}[rest_unit]]
    elif not mult:
        return value  # a bare number is in the field's own unit
    return value / MULTIPLIERS["亿" if unit == "yi_yuan" else "万"]


def parse_percent(text: str) -> Decimal:
    """A percentage 0–100: "35", "35%", "35％", "百分之35"."""
    folded = fold(text)
    if not folded:
        raise ParseError("empty")
    folded = folded.removeprefix("百分之")
    value, mult, rest = _number(folded)
    if mult or (rest and rest != "%"):
        _refuse_rest(rest, mult + rest, "percent")
    if not Decimal(0) <= value <= Decimal(100):
        raise ParseError("percent_range")
    return value


def parse_year_month(text: str) -> str:
    """A month as "YYYY-MM": "2027-03", "2027年3月", "2027.3", "2027/3", "202703"."""
    folded = fold(text)
    if not folded:
        raise ParseError("empty")
    for pattern in _YEAR_MONTH:
        match = pattern.match(folded)
        if match:
            year, month = int(match["y"]), int(match["m"])
            if not 1 <= month <= 12:
                raise ParseError("bad_month", {"month": month})
            if not 1990 <= year <= 2100:
                raise ParseError("bad_year", {"year": year})
            return f"{year:04d}-{month:02d}"
    raise ParseError("bad_year_month")


def parse_date(text: str, today: date) -> date:
    """A day: "2026-11-20", "2026/11/20", "2026.11.20", "20261120", "2026年11月20日", "今天"."""
    folded = fold(text)
    if not folded:
        raise ParseError("empty")
    if folded in _TODAY:
        return today
    for pattern in _DATE:
        match = pattern.match(folded)
        if match:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            if not 1 <= month <= 12:
                raise ParseError("bad_month", {"month": month})
            if not 1990 <= year <= 2100:
                raise ParseError("bad_year", {"year": year})
            if not 1 <= day <= calendar.monthrange(year, month)[1]:
                raise ParseError("bad_day", {"year": year, "month": month, "day": day})
            return date(year, month, day)
    raise ParseError("bad_date")


def parse_phone(text: str) -> str:
    """A phone number. Mainland: mobile "13812345678" (an optional +86 or 0086 first), landline
    "0763-1234567", "400-123-4567". Elsewhere, with its country code: "+852 9123 4567" or
    "00852 91234567" is kept as "+85291234567" (E.164), never read as a mainland number."""
    folded = fold(text)
    if not folded:
        raise ParseError("empty")
    if not re.fullmatch(r"\+?[0-9\-()]+", folded):  # ASCII digits (NFKC made full-width ones so)
        raise ParseError("bad_phone")
    digits = re.sub(r"\D", "", folded)
    international = folded.startswith(("+", "00"))  # no mainland number begins with 00
    if international:
        digits = digits if folded.startswith("+") else digits[2:]
        if not digits.startswith("86"):
            return _foreign_phone(digits)
        digits = digits[2:]
    elif len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    if re.fullmatch(r"[48]00\d{7}", digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if international and not digits.startswith("0"):
        digits = "0" + digits  # "+86 763 1234567" drops the trunk prefix
    if digits.startswith("0"):
        area_len = 3 if digits[1:2] in ("1", "2") else 4
        area, local = digits[:area_len], digits[area_len:]
        if len(area) == area_len and re.fullmatch(r"[1-9]\d{6,7}", local):
            return f"{area}-{local}"
    raise ParseError("bad_phone")


def _foreign_phone(digits: str) -> str:
    """A number outside the mainland, country code first: "+" and 7 to 15 digits (E.164)."""
    if not re.fullmatch(r"[1-9]\d{6,14}", digits):
        raise ParseError("bad_phone")
    return f"+{digits}"


def parse_yes_no(text: str) -> bool:
    """Yes or no: 是/否, 有/没有, y/n, yes/no."""
    folded = fold(text).rstrip("。.!！")
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ParseError("bad_yes_no")


def parse_text(
    text: str, *, min_length: int = 1, max_length: int = SHORT_TEXT_MAX, single_line: bool = True
) -> str:
    """Free text, trimmed; one line unless `single_line` is False; length in characters.
    Control characters are removed; text of only invisible characters is empty."""
    text = clean_text(text)
    value = trim(" ".join(text.split()) if single_line else text)
    if not value or is_blank(value):
        raise ParseError("empty")
    if len(value) < min_length:
        raise ParseError("too_short", {"min": min_length, "length": len(value)})
    if len(value) > max_length:
        raise ParseError("too_long", {"max": max_length, "length": len(value)})
    return value
