"""The number a person sees for each question of a form: 1, 2, 3 … in a form without parts;
by the paper form's parts in one with them (附件4: 6, 6.1, 6.2 …, then B.1 for what screening
needs), so the summary, the edit picker and a typed "修改6.1" all agree."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from conversations.answers import visible_steps
from conversations.fields import FormSpec, Part, Step

# "6.1", "6-1", "6．1", "b3", "B.3": a number as a person may type it.
_SEPARATORS: Final = re.compile(r"[．。、\-_/]")
_LETTER_FIRST: Final = re.compile(r"^([a-z])\.?(\d+)$")


@dataclass(frozen=True, slots=True)
class Numbered:
    """A visible step with its number in the summary; `lead` when it answers its part's own
    line (附件4 6 "项目投资总额" is numbered 6, the items under it 6.1, 6.2 …)."""

    number: str
    step: Step
    part: Part | None = None
    lead: bool = False


def numbering(spec: FormSpec, answers: Mapping[str, Any]) -> tuple[Numbered, ...]:
    """The visible steps, in order, each with its number."""
    steps = visible_steps(spec, answers)
    if not spec.parts:
        return tuple(Numbered(str(n), s) for n, s in enumerate(steps, start=1))
    out: list[Numbered] = []
    subs: dict[str, int] = {}
    for s in steps:
        part = spec.part_of((s.group or s.field).id)
        if part is None:  # FormSpec refuses a field without a part
            raise ValueError(f"step {s.id} has no part")
        if s.group is None and part.lead == s.id:
            out.append(Numbered(part.code, s, part, lead=True))
            continue
        subs[part.id] = subs.get(part.id, 0) + 1
        out.append(Numbered(f"{part.code}.{subs[part.id]}", s, part))
    return tuple(out)


def canonical_number(typed: str) -> str:
    """A typed item number in the form the summary prints it ("6-1" → "6.1", "b3" → "b.3"),
    lower-cased."""
    text = unicodedata.normalize("NFKC", typed).strip().lower()
    text = _SEPARATORS.sub(".", re.sub(r"\s+", "", text))
    letter = _LETTER_FIRST.match(text)
    return f"{letter[1]}.{letter[2]}" if letter else text


def find(numbered: Sequence[Numbered], typed: str) -> Step | None:
    """The step whose number a person typed, or None."""
    wanted = canonical_number(typed)
    return next((n.step for n in numbered if n.number.lower() == wanted), None)


def part_ordinal(spec: FormSpec, part: Part) -> tuple[int, int] | None:
    """A numbered part's place among the paper's numbered items, and how many there are
    ((6, 15) for 附件4 item 6); None for a part beyond them."""
    numbered = [p.id for p in spec.parts if p.numbered]
    if part.id not in numbered:
        return None
    return numbered.index(part.id) + 1, len(numbered)


def example_number(numbered: Sequence[Numbered]) -> str:
    """A number to show in "修改…": one under a part where the form has parts ("4.1"), else
    the seventh (or last) item's."""
    numbers = [n.number for n in numbered]
    under = [n for n in numbers if "." in n]
    return under[0] if under else numbers[min(7, len(numbers)) - 1] if numbers else "1"
