"""The units people write after a number, as typed (NFKC-folded, lower case), by unit key.

Unit keys (`mu`, `sqm`, `kva`, …) are what form fields name; how a unit is shown to a person
comes from the `unit` macro of `templates/messages/<locale>/form.j2`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

# Multipliers written between a number and its unit ("1.2万平方米", "3亿元").
MULTIPLIERS: Final[dict[str, Decimal]] = {
    "": Decimal(1),
    "万": Decimal(10_000),
    "百万": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "亿": Decimal(100_000_000),
}
MULTIPLIERS_PATTERN: Final = "千万|百万|万|亿"

ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "mu": ("亩", "mu"),
    "sqm": ("平方米", "平米", "平方", "m2", "sqm", "sq.m", "㎡"),
    "kva": ("kva", "kv·a", "kv.a", "千伏安"),
    "ton": ("吨", "t", "ton", "tons", "吨/天", "吨/日", "吨每天", "t/d", "tons/day"),
    "person": ("人", "名", "位", "个", "people", "persons", "person"),
    "month": ("个月", "月", "months", "month"),
    "phase": ("期",),
    "percent": ("%",),
    "yuan": ("元", "yuan", "rmb", "cny"),
    "wan_yuan": ("万元",),
    "yi_yuan": ("亿元",),
    # Units no field asks for: recognised only to say which unit was expected instead.
    "other": (
        "公顷",
        "ha",
        "平方公里",
        "平方千米",
        "km2",
        "kw",
        "千瓦",
        "mw",
        "兆瓦",
        "kwh",
        "度",
        "立方米",
        "立方",
        "方",
        "m3",
        "年",
        "天",
        "日",
        "周",
        "美元",
        "usd",
        "$",
        "港元",
        "hkd",
        "欧元",
        "eur",
        "斤",
        "公斤",
        "千克",
        "kg",
    ),
}
_BY_ALIAS: Final[dict[str, str]] = {
    alias: unit for unit, aliases in ALIASES.items() for alias in aliases
}


def unit_of(word: str) -> str | None:
    """The unit key a folded word names ("平方米" → "sqm"), or None for a word that is no unit."""
    return _BY_ALIAS.get(word)
