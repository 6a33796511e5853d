"""The answers of a draft as a whole: which steps are visible, dropping answers the form would
no longer ask for, reading and writing one step's answer, and the cross-field checks."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from conversations.fields import Check, FormSpec, Kind, Step, Values, group_step_id
from conversations.parsers import ParseError
from conversations.values import Options, check_stored, decode

Answers = dict[str, Any]
"""Stored answers (JSON values) by field id; a group's answers are a list of dicts."""


@dataclass(frozen=True, slots=True)
class Walk:
    """One pass over the answers in form order: the answers kept, the visible steps and the
    decoded values. Read-only, since one walk is shared by every caller with the same answers."""

    kept: Mapping[str, Any]
    steps: tuple[Step, ...]
    values: Mapping[str, Any]


def _walk(spec: FormSpec, answers: Mapping[str, Any]) -> Walk:
    return _walk_json(spec, json.dumps(answers, sort_keys=True, ensure_ascii=False))


# A step looks at the same answers several times (visibility, checks, the prompt); decoding
# them once per distinct set of answers keeps a step cheap.
@lru_cache(maxsize=256)
def _walk_json(spec: FormSpec, answers_json: str) -> Walk:
    answers = json.loads(answers_json)
    kept: Answers = {}
    steps: list[Step] = []
    values: dict[str, Any] = {}
    for f in spec.fields:
        if f.compute is not None or (f.condition is not None and not f.condition(values)):
            continue
        if f.kind is Kind.GROUP:
            count = kept.get(f.count_from or "", 0)
            item_ids = {item.id: item for item in f.items}
            for n in range(1, count + 1):
                steps.extend(Step(group_step_id(f.id, n, item.id), item, f, n) for item in f.items)
            raw = answers.get(f.id)
            raw_rows = raw[:count] if isinstance(raw, list) else []
            rows = [_kept_row(row, item_ids) for row in raw_rows]
            while rows and not rows[-1][0]:
                rows.pop()
            if rows:
                kept[f.id] = [row for row, _ in rows]
                values[f.id] = [decoded for _, decoded in rows]
            continue
        steps.append(Step(f.id, f))
        if f.id in answers:
            try:
                values[f.id] = decode(f, answers[f.id])
            except ParseError:
                continue  # a malformed stored answer is dropped, and the question asked again
            kept[f.id] = answers[f.id]
    return Walk(MappingProxyType(kept), tuple(steps), MappingProxyType(values))


def _kept_row(row: Any, items: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The well-formed answers of one repetition of a group, stored and decoded."""
    stored: dict[str, Any] = {}
    decoded: dict[str, Any] = {}
    for item_id, item in items.items():
        if isinstance(row, dict) and item_id in row:
            try:
                decoded[item_id] = decode(item, row[item_id])
            except ParseError:
                continue
            stored[item_id] = row[item_id]
    return stored, decoded


def normalize(spec: FormSpec, answers: Mapping[str, Any]) -> Answers:
    """The answers without those the form would not ask for (condition false, beyond a
    group's count, unknown field, malformed)."""
    return json.loads(json.dumps(dict(_walk(spec, answers).kept)))  # a deep copy


def visible_steps(spec: FormSpec, answers: Mapping[str, Any]) -> tuple[Step, ...]:
    """The steps asked for these answers, in order."""
    return _walk(spec, answers).steps


def decoded(spec: FormSpec, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The visible answers as Python values (Decimal for numbers)."""
    return dict(_walk(spec, answers).values)


def form_values(spec: FormSpec, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as Python values, plus the computed fields (None when not computable)."""
    values = decoded(spec, answers)
    for f in spec.fields:
        if f.compute is not None:
            values[f.id] = f.compute(values)
    return values


def get_answer(answers: Mapping[str, Any], step: Step) -> Any:
    """The stored answer of a step, or None."""
    if step.group is None:
        return answers.get(step.id)
    rows = answers.get(step.group.id) or []
    if step.index > len(rows):
        return None
    return rows[step.index - 1].get(step.field.id)


def set_answer(spec: FormSpec, answers: Mapping[str, Any], step: Step, raw: Any) -> Answers:
    """New normalised answers with this step's answer set (None removes it)."""
    new = dict(answers)
    if step.group is None:
        new.pop(step.id, None)
        if raw is not None:
            new[step.id] = raw
        return normalize(spec, new)
    rows = [dict(row) for row in answers.get(step.group.id) or []]
    rows.extend({} for _ in range(step.index - len(rows)))
    rows[step.index - 1].pop(step.field.id, None)
    if raw is not None:
        rows[step.index - 1][step.field.id] = raw
    new[step.group.id] = rows
    return normalize(spec, new)


def failed_checks(spec: FormSpec, answers: Mapping[str, Any]) -> list[tuple[Check, Values]]:
    """The cross-field checks these answers break, each with the values it saw."""
    values = decoded(spec, answers)
    return [(c, values) for c in spec.checks if not c.predicate(values)]


def answered(answers: Mapping[str, Any], step: Step) -> bool:
    """Whether the step has an answer."""
    return get_answer(answers, step) is not None


def missing_required(spec: FormSpec, answers: Mapping[str, Any]) -> list[Step]:
    """Visible required steps without an answer."""
    steps = visible_steps(spec, answers)
    return [s for s in steps if s.field.required and not answered(answers, s)]


def stored_problems(
    spec: FormSpec, answers: Mapping[str, Any], options: Options, today: date
) -> Iterator[tuple[Step, ParseError]]:
    """Stored answers that would be refused if given now (a past month, a withdrawn option)."""
    for s in visible_steps(spec, answers):
        raw = get_answer(answers, s)
        if raw is None:
            continue
        try:
            check_stored(s.field, raw, options, today)
        except ParseError as err:
            yield s, err


def submit_problems(
    spec: FormSpec, answers: Mapping[str, Any], options: Options, today: date
) -> list[tuple[Step, ParseError]]:
    """What keeps the answers from being submitted, in form order: required questions without
    an answer, and answers that would be refused now."""
    order = {s.id: n for n, s in enumerate(visible_steps(spec, answers))}
    found = [(s, ParseError("required")) for s in missing_required(spec, answers)]
    found.extend(stored_problems(spec, answers, options, today))
    return sorted(found, key=lambda item: order[item[0].id])
