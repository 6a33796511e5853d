"""The rows of a form's summary, numbered as the person sees them (conversations/numbering.py):
each answer under its part, with the figures computed from the answers after the field they
follow. Texts come from the caller, so this module renders nothing itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from conversations.answers import decoded, get_answer
from conversations.fields import Field, FormSpec, Part, Step
from conversations.numbering import Numbered, numbering
from conversations.replies import Button, Keyboard

# Telegram refuses messages over 4096 characters; keep a margin for the entities.
MAX_MESSAGE: Final = 3800

Row = dict[str, Any]
"""One line of the summary: `n` its number (None for a computed figure), `label`, `value`
(None when unanswered), `required`, `depth` (0 on a part's own line or in a form without
parts, 1 under a part), `lead`, and `heading` (the part's code and title, on the first row
of a part whose own line has no answer)."""


def summary_rows(
    spec: FormSpec,
    answers: Mapping[str, Any],
    label: Callable[[Step], Any],
    shown: Callable[[Step, Any], Any],
    computed: Callable[[Field, Any], Any],
    title: Callable[[Part], Any],
) -> list[Row]:
    """The summary's rows; `label`, `shown` (a stored answer), `computed` (a derived figure)
    and `title` (a part's) give the texts."""
    values = decoded(spec, answers)
    derived = derived_after(spec.fields)
    rows: list[Row] = []
    last_part: str | None = None
    for entry in numbering(spec, answers):
        step, part = entry.step, entry.part
        heading = None
        if part is not None and part.id != last_part:
            last_part = part.id
            if not entry.lead:
                heading = {"code": part.code, "title": title(part)}
        depth = 1 if part is not None and not entry.lead else 0
        rows.append(
            {
                "n": entry.number,
                "label": label(step),
                "value": shown(step, get_answer(answers, step)),
                "required": step.field.required,
                "depth": depth,
                "lead": entry.lead,
                "heading": heading,
            }
        )
        for f in derived.get(step.id, ()):
            result = f.compute(values) if f.compute else None
            rows.append(
                {
                    "n": None,
                    "label": label(Step(f.id, f)),
                    "value": None if result is None else computed(f, result),
                    "required": False,
                    "depth": depth,
                    "lead": False,
                    "heading": None,
                }
            )
    return rows


def by_part(numbered: Sequence[Numbered]) -> list[list[Numbered]]:
    """The numbered steps in runs of one part each (one run in a form without parts)."""
    runs: list[list[Numbered]] = []
    for entry in numbered:
        part = entry.part.id if entry.part else None
        if runs and (runs[-1][0].part.id if runs[-1][0].part else None) == part:
            runs[-1].append(entry)
        else:
            runs.append([entry])
    return runs


def pack(runs: Sequence[Sequence[Button]], per_row: int) -> Keyboard:
    """Rows of at most `per_row` buttons, a run (one part's numbers) never split across rows
    unless it is longer than a row; a long run starts a row of its own."""
    rows: list[list[Button]] = []
    for run in runs:
        if rows and len(rows[-1]) + len(run) <= per_row:
            rows[-1].extend(run)
            continue
        rows.extend(list(run[i : i + per_row]) for i in range(0, len(run), per_row))
    return tuple(tuple(row) for row in rows)


def derived_after(fields: Sequence[Field]) -> Mapping[str, list[Field]]:
    """Computed fields by the id of the asked field declared just before them."""
    out: dict[str, list[Field]] = {}
    last = ""
    for f in fields:
        if f.compute is not None:
            out.setdefault(last, []).append(f)
        else:
            last = f.id
    return out


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split a long message at line ends into parts a messenger accepts."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            parts.append(current)
            candidate = line
        current = candidate
    parts.append(current)
    return parts
