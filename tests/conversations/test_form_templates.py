"""Every text of the forms renders in both locales: the same macros on both sides, every macro
renders with StrictUndefined, every field has its texts, and every example is a valid answer."""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from form_kit import TODAY
from jinja2.runtime import Macro

import conversations.forms
from conversations.fields import FormSpec, Kind, Step
from conversations.files import FILE_TYPES
from conversations.forms.plan import PLAN_FORM
from conversations.units import ALIASES
from conversations.values import parse_input
from templates.renderer import LOCALES, Renderer


def all_forms() -> list[FormSpec]:
    """Every form declared in conversations/forms/."""
    forms: list[FormSpec] = []
    for info in pkgutil.iter_modules(conversations.forms.__path__):
        module = importlib.import_module(f"conversations.forms.{info.name}")
        forms.extend(v for v in vars(module).values() if isinstance(v, FormSpec))
    return forms


FORMS = all_forms()
TEMPLATES = ("form", *(f.template for f in FORMS))
CONVERSATIONS = Path(__file__).parents[2] / "conversations"

_ROW = {"depth": 0, "lead": False, "heading": None}
ROWS = [
    {**_ROW, "n": "1", "label": "名称", "value": "<i>x</i>", "required": True},
    {**_ROW, "n": "2", "label": "面积", "value": None, "required": True},
    {**_ROW, "n": None, "label": "外销", "value": None, "required": False},
    {**_ROW, "n": "6", "label": "投资总额", "value": "1", "required": True, "lead": True},
    {**_ROW, "n": "6.1", "label": "固定资产", "value": None, "required": True, "depth": 1},
    {**_ROW, "n": None, "label": "强度", "value": None, "required": False, "depth": 1},
    {
        **_ROW,
        "n": "B.1",
        "label": "行业",
        "value": "新材料",
        "required": True,
        "depth": 1,
        "heading": {"code": "B", "title": "补充信息"},
    },
]
PART = {"code": "6", "title": "项目投资总额", "ordinal": 6, "count": 15, "lead": False}
# Sample arguments by parameter name; a field id stands for an amount (check messages).
ARGS: dict[str, Any] = {
    "n": 2,
    "u": "mu",
    "unit": "mu",
    "max": 100,
    "min": 1,
    "length": 120,
    "expected": "mu",
    "given": "平方米",
    "exclusive": True,
    "month": 13,
    "year": 1800,
    "earliest": "2026-01",
    "count": 3,
    "size": 512 * 1024,
    "number": "6.1",
    "part": PART,
    "within": (3, 8),
    "name": "foo",
    "total": Decimal(12),
    "whole": Decimal(10),
    "label": "标签",
    "text": "文字",
    "prompt": "提问",
    "title": "请核对",
    "reason": "原因",
    "example": "120",
    "reasons": ["原因"],
    "rows": ROWS,
    "extra": "<b>筛查</b>",
    "final": True,
    "on": True,
    "pos": 7,
    "current": "x",
    "required": False,
    "kind": "decimal",
    "start": "2027-03",
    "end": "2027-01",
    "previous": "2027-05",
    "problem": "end_not_after_start",
    "day": 31,
    "latest": "2026-11-23",
    "types": FILE_TYPES,
}
VALUES: list[tuple[str, Any, str | None]] = [
    ("money", Decimal(12000), "wan_yuan"),
    ("money", Decimal(500), "wan_yuan"),
    ("money", Decimal("3.5"), "yi_yuan"),
    ("percent", Decimal(35), None),
    ("integer", 300, "person"),
    ("decimal", Decimal("12.5"), "mu"),
    ("yes_no", True, None),
    ("yes_no", False, None),
    ("choice", ["甲"], None),
    ("multi_choice", ["甲", "乙"], None),
    ("file", {"file_id": "x", "file_name": "a.pdf", "mime_type": None, "size": 2_000_000}, None),
    ("file", {"file_id": "x", "file_name": None, "mime_type": None, "size": None}, None),
    ("file", {"file_id": "x", "file_name": "b.png", "mime_type": None, "size": 300}, None),
    ("long_text", "第一行\n" + "字" * 100, None),
    ("short_text", "<b>", None),
    ("phone", "13812345678", None),
    ("year_month", "2027-03", None),
    ("date", date(2026, 11, 20), None),
]


def macros(renderer: Renderer, locale: str, path: str) -> dict[str, Macro]:
    """The macros a message template defines."""
    module = renderer.env.get_template(f"messages/{locale}/{path}.j2").make_module(
        {"locale": locale}
    )
    return {k: v for k, v in vars(module).items() if isinstance(v, Macro)}


def calls(path: str, name: str, macro: Macro) -> list[dict[str, Any]]:
    """The argument sets to render a macro with."""
    spec = next((f for f in FORMS if f.template == path), PLAN_FORM)
    if name == "value":
        return [{"kind": k, "v": v, "unit": u} for k, v, u in VALUES]
    if name == "unit_name":
        return [{"u": u} for u in ALIASES if u != "other"]
    if name.startswith("choice_"):
        return [{"c": c} for c in spec.field(name.removeprefix("choice_")).choices]
    if name == "submit_blocked":
        return [
            {"rows": [{"n": n, "label": "类型", "reason": "本项为必填项"} for n in ("3", "6.1")]}
        ]
    if name == "card":
        lead, beyond = {**PART, "lead": True}, {**PART, "ordinal": None, "code": "B"}
        base = {a: ARGS[a] for a in macro.arguments}
        plain = {**base, "number": None, "part": None, "within": None}
        return [base, plain, {**base, "part": lead}, {**base, "part": beyond}]
    field_ids = {f.id for f in spec.fields}
    args: dict[str, Any] = {}
    for arg in macro.arguments:
        if arg in field_ids:
            args[arg] = Decimal(100)
        else:
            assert arg in ARGS, f"{path}#{name}: add a sample for {arg!r} to ARGS"
            args[arg] = ARGS[arg]
    if name == "summary":
        return [args, {**args, "final": False, "extra": ""}]
    if name == "check_phase_dates":
        return [{**args, "problem": p} for p in ("end_not_after_start", "start_before_previous")]
    return [args]


@pytest.mark.parametrize("path", TEMPLATES)
def test_both_locales_define_the_same_macros(renderer: Renderer, path: str) -> None:
    zh, en = (macros(renderer, loc, path) for loc in LOCALES)
    assert set(zh) == set(en)
    for name in zh:
        assert zh[name].arguments == en[name].arguments, name


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("path", TEMPLATES)
def test_every_macro_renders(renderer: Renderer, locale: str, path: str) -> None:
    for name, macro in macros(renderer, locale, path).items():
        for args in calls(path, name, macro):
            macro(**args)


def asked_steps(spec: FormSpec) -> list[Step]:
    """One step per question of a form (the first repetition of a group)."""
    steps: list[Step] = []
    for f in spec.fields:
        if f.kind is Kind.GROUP:
            steps.extend(Step(f"{f.id}.1.{i.id}", i, f, 1) for i in f.items)
        elif f.compute is None:
            steps.append(Step(f.id, f))
    return steps


def text(renderer: Renderer, locale: str, spec: FormSpec, aspect: str, s: Step) -> str:
    """A field text of a form, as plain text."""
    params = {"n": s.index} if s.group else {}
    name = f"{spec.template}#{aspect}_{s.key}"
    return html.unescape(renderer.message(locale, name, **params))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("spec", FORMS, ids=lambda f: f.id)
def test_every_field_has_its_texts(renderer: Renderer, locale: str, spec: FormSpec) -> None:
    defined = set(macros(renderer, locale, spec.template))
    for s in asked_steps(spec):
        assert {f"{a}_{s.key}" for a in ("label", "prompt", "help", "example")} <= defined
        if s.field.choices:
            assert f"choice_{s.field.id}" in defined
    assert {f"label_{f.id}" for f in spec.fields if f.compute} <= defined
    assert {f"check_{c.id}" for c in spec.checks} <= defined


@pytest.mark.parametrize("locale", LOCALES)
def test_every_help_of_the_plan_cites_its_source(renderer: Renderer, locale: str) -> None:
    source = "依据：" if locale == "zh-Hans" else "Source:"
    for s in asked_steps(PLAN_FORM):
        assert source in text(renderer, locale, PLAN_FORM, "help", s), s.key


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("spec", FORMS, ids=lambda f: f.id)
def test_every_example_is_a_valid_answer(renderer: Renderer, locale: str, spec: FormSpec) -> None:
    for s in asked_steps(spec):
        example = text(renderer, locale, spec, "example", s)
        if s.field.kind in (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.YES_NO, Kind.FILE):
            assert example == "", s.key  # answered by buttons or a file
        else:
            parse_input(s.field, example, [], TODAY)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_refusal_the_code_can_raise_has_a_message(renderer: Renderer, locale: str) -> None:
    source = "\n".join(p.read_text() for p in CONVERSATIONS.rglob("*.py"))
    codes = set(re.findall(r'ParseError\(\s*"(\w+)"', source))
    codes |= set(re.findall(r'raise ParseError\("(\w+)" if .* else "(\w+)"\)', source)[0])
    assert {"wrong_unit", "required", "month_in_past", "nothing_chosen"} <= codes
    defined = set(macros(renderer, locale, "form"))
    assert {f"error_{c}" for c in codes} <= defined
