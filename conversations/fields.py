"""A form as data: its fields (kind, unit, limits, choices, condition), cross-field checks,
and the steps a person walks through for a given set of answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

SUMMARY: Final = "summary"

Values = Mapping[str, Any]
"""Answers decoded to Python values (Decimal for numbers), keyed by field id."""


class Kind(StrEnum):
    """What sort of answer a field takes, and so how it is parsed, stored and shown."""

    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    PERCENT = "percent"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    YES_NO = "yes_no"
    YEAR_MONTH = "year_month"
    DATE = "date"
    PHONE = "phone"
    FILE = "file"
    GROUP = "group"


CHOICE_KINDS: Final = frozenset({Kind.CHOICE, Kind.MULTI_CHOICE})
NUMBER_KINDS: Final = frozenset({Kind.INTEGER, Kind.DECIMAL, Kind.MONEY, Kind.PERCENT})


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a choice field: a stable id and the label shown on its button."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Field:
    """One question of a form. Its label, prompt, help and example live in the form's template,
    under the field id (`label_<id>`, …; `<group>_<item>` for the items of a group).

    `choices` are static option ids (labels from the template macro `choice_<id>`), shown after
    the run-time options `choices_from` names. `condition` sees the answers to earlier fields.
    A `GROUP` repeats its `items` as many times as the integer field `count_from` says.
    A field with `compute` is never asked: it is derived from the answers and shown in summaries.
    `part` names the part of the document the field belongs to (see `Part`).
    `not_before_today` refuses a past month or date; `not_after_today` a future date (a
    signing date, say).
    """

    id: str
    kind: Kind
    unit: str | None = None
    required: bool = True
    min: Decimal | None = None
    max: Decimal | None = None
    min_exclusive: bool = False
    min_length: int = 1
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    choices_from: str | None = None
    condition: Callable[[Values], bool] | None = None
    items: tuple[Field, ...] = ()
    count_from: str | None = None
    not_before_today: bool = False
    not_after_today: bool = False
    max_size: int | None = None
    compute: Callable[[Values], Any] | None = None
    part: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """A rule across fields that every stored set of answers keeps (`predicate` is True).

    The refusal message is the form template's macro `check_<id>`, called with `params(values)`
    when given, else with the values of `fields` (None where unanswered)."""

    id: str
    fields: tuple[str, ...]
    predicate: Callable[[Values], bool]
    params: Callable[[Values], Mapping[str, Any]] | None = None

    def message_params(self, values: Values) -> dict[str, Any]:
        """The parameters of the refusal message for these values."""
        if self.params is not None:
            return dict(self.params(values))
        return {name: values.get(name) for name in self.fields}


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the paper form a form follows: one of 附件4's numbered items, or a labelled
    part beyond them (the signature block, what screening needs besides). Its title is the
    form template's macro `part_<id>`.

    `code` heads the part's numbers in the summary ("6" → 6, 6.1, 6.2; "B" → B.1, B.2);
    `numbered` says it is one of the paper's own numbered items ("第 6 部分（共 15 部分）");
    `lead` is the field answered on the part's own line (附件4 6 "项目投资总额"), if any."""

    id: str
    code: str
    numbered: bool = True
    lead: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class FormSpec:
    """A whole form: fields in the order they are asked, checks, and its template file.
    With `parts`, every field names its part, the parts are asked in order, and the summary
    numbers the answers by part. Compared by identity: each form is one module-level constant."""

    id: str
    fields: tuple[Field, ...]
    checks: tuple[Check, ...] = ()
    template: str = ""
    parts: tuple[Part, ...] = ()

    def __post_init__(self) -> None:
        seen: dict[str, Field] = {}
        for f in self.fields:
            _check_field(f, seen)
            seen[f.id] = f
        for check in self.checks:
            missing = [name for name in check.fields if name not in seen]
            if missing:
                raise ValueError(f"check {check.id} names unknown fields {missing}")
        _check_parts(self.parts, self.fields)

    def field(self, field_id: str) -> Field:
        """The field with this id."""
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def part_of(self, field_id: str) -> Part | None:
        """The part a field belongs to, or None in a form without parts."""
        name = self.field(field_id).part
        return next((p for p in self.parts if p.id == name), None)


def _check_parts(parts: tuple[Part, ...], fields: tuple[Field, ...]) -> None:
    """Refuse parts that a person could not walk through in order, or a field without one."""
    if not parts:
        if any(f.part for f in fields):
            raise ValueError("a field names a part, but the form has none")
        return
    order = {p.id: n for n, p in enumerate(parts)}
    if len(order) != len(parts) or len({p.code for p in parts}) != len(parts):
        raise ValueError("duplicate part id or code")
    last = 0
    for f in fields:
        if f.part not in order:
            raise ValueError(f"field {f.id} names no part of the form")
        if order[f.part] < last:
            raise ValueError(f"field {f.id} is asked after a later part")
        last = order[f.part]
    for p in parts:
        members = [f for f in fields if f.part == p.id]
        if not members:
            raise ValueError(f"part {p.id} has no field")
        if p.lead is not None and (members[0].id != p.lead or members[0].compute):
            raise ValueError(f"part {p.id}: its lead must be its first, asked field")


def _check_field(f: Field, earlier: Mapping[str, Field]) -> None:
    """Refuse a malformed field declaration at import time rather than in a conversation."""
    if f.id in earlier or not f.id.isidentifier():
        raise ValueError(f"duplicate or malformed field id {f.id!r}")
    if f.kind in CHOICE_KINDS and not (f.choices or f.choices_from):
        raise ValueError(f"choice field {f.id} has no choices")
    if f.not_after_today and f.kind is not Kind.DATE:
        raise ValueError(f"field {f.id}: not_after_today applies to dates only")
    if f.kind is Kind.GROUP:
        count = earlier.get(f.count_from or "")
        if count is None or count.kind is not Kind.INTEGER or not f.items:
            raise ValueError(f"group {f.id} needs items and an earlier integer count_from")
        for item in f.items:
            if item.kind in (Kind.GROUP, Kind.FILE) or item.compute or not item.id.isidentifier():
                raise ValueError(f"group {f.id} has an unsupported item {item.id}")


@dataclass(frozen=True, slots=True)
class Step:
    """One question as asked: a field, or one item of one repetition of a group.

    Step ids are strings ("land_area", "phases.2.start"), so stored drafts survive a form
    whose fields were reordered."""

    id: str
    field: Field
    group: Field | None = None
    index: int = 0

    @property
    def key(self) -> str:
        """The template key of the question ("land_area", "phases_start")."""
        return f"{self.group.id}_{self.field.id}" if self.group else self.field.id


def group_step_id(group: str, index: int, item: str) -> str:
    """The step id of one item of one repetition: ("phases", 2, "start") → "phases.2.start"."""
    return f"{group}.{index}.{item}"
