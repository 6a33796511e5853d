"""How far a person is through a form, against a total that never grows as they answer: the
questions answered so far, plus every question that could still be asked given those answers.
A question whose condition reads an answer not yet given counts as possible; a group counts
as one question however often it repeats (its label says which repetition)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from conversations.answers import decoded
from conversations.fields import Field, FormSpec, Kind, Step


class _Reader(Mapping[str, Any]):
    """The answers as a condition sees them, noting which ones it read."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values
        self.read: set[str] = set()
        self.everything = False

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self._values[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read.add(key)
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        self.everything = True
        return iter(self._values)

    def __len__(self) -> int:
        self.everything = True
        return len(self._values)


def possible_questions(spec: FormSpec, answers: Mapping[str, Any]) -> tuple[Field, ...]:
    """The form's questions (a group as one) that are answered or could still be asked."""
    return tuple(f for f, _ in _possible(spec, answers))


def answered_of(spec: FormSpec, answers: Mapping[str, Any]) -> tuple[int, int]:
    """How many of the form's questions are answered, against the same total the chat's
    card shows ("已填写 4/57 项" beside "第 5/57 项")."""
    possible = _possible(spec, answers)
    return sum(1 for _, done in possible if done), len(possible)


def _possible(spec: FormSpec, answers: Mapping[str, Any]) -> list[tuple[Field, bool]]:
    """The possible questions, each with whether it is answered."""
    values = decoded(spec, answers)
    unanswered: set[str] = set()
    out: list[tuple[Field, bool]] = []
    for f in spec.fields:
        if f.compute is not None:
            continue
        if f.condition is not None:
            reader = _Reader(values)
            if not f.condition(reader):
                waits = reader.read & unanswered or (reader.everything and unanswered)
                if not waits:
                    continue
        zero = f.kind is Kind.GROUP and not values.get(f.count_from or "")
        if zero and f.count_from not in unanswered:
            continue  # asked zero times
        open_ = f.id not in values or (f.kind is Kind.GROUP and f.count_from in unanswered)
        out.append((f, not open_))
        if open_:
            unanswered.add(f.id)
    return out


def progress(spec: FormSpec, answers: Mapping[str, Any], step: Step) -> tuple[int, int]:
    """The question's place and the total as the card shows them ("第 17/58 项")."""
    questions = [f.id for f in possible_questions(spec, answers)]
    own = (step.group or step.field).id
    return questions.index(own) + 1, len(questions)


def within_group(answers: Mapping[str, Any], step: Step) -> tuple[int, int] | None:
    """A repeated question's place among its group's questions ("3/8" for the first item of
    the second of two phases of four items), or None outside a group. The count is answered
    before a group is asked, so this total is steady too."""
    if step.group is None:
        return None
    items = [item.id for item in step.group.items]
    count = answers.get(step.group.count_from or "", 0)
    place = (step.index - 1) * len(items) + items.index(step.field.id) + 1
    return place, count * len(items)
