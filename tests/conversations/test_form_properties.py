"""Whatever a person does with the plan form, in whatever order, the draft never holds a value the
form would refuse, and going back then giving the same answer leaves the draft as it was."""

from __future__ import annotations

import html
import unicodedata
from typing import Any

import pytest
from form_kit import POLICY, TODAY, Driver
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conversations.answers import (
    failed_checks,
    get_answer,
    normalize,
    stored_problems,
    visible_steps,
)
from conversations.draft import Draft
from conversations.fields import SUMMARY, Field, Kind, Step
from conversations.files import (
    ACCEPTED,
    FILE_TYPES,
    GENERIC_MIME,
    MAX_FILE_SIZE,
    file_type,
    mime_of,
)
from conversations.forms.plan import PLAN_FORM, plan_options
from conversations.inbound import FileRef
from conversations.parsers import ParseError, parse_phone
from conversations.step import FormContext
from conversations.values import parse_input
from conversations.views import View
from templates.renderer import Renderer

ACTIONS = (
    ["example"] * 8
    + ["valid"] * 3
    + ["invalid", "back", "skip", "keep", "help", "old_button", "pause", "edit", "back_again"]
)
JUNK = [
    "abc",
    "-5",
    "",
    "120平方米",
    "1e5",
    "９９９９９９９９９９",
    "2020-01",
    "百分之200",
    "<b>x</b>",
    "/summary",
    "修改3",
    "/skip",
    "0",
    "2027-13",
    "是",
]
TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=30)


def valid_text(data: st.DataObject, s: Step) -> str:
    """A random answer of the right shape for the field (limits and checks may still refuse)."""
    f = s.field
    if f.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        return data.draw(TEXT)
    if f.kind is Kind.INTEGER:
        n = data.draw(st.integers(int(f.min or 0), int(f.max or 10**6)))
        return f"{n}{data.draw(st.sampled_from(['', ' ']))}"
    if f.kind in (Kind.DECIMAL, Kind.MONEY):
        value = data.draw(st.decimals(0, 200_000, places=2))
        suffix = data.draw(st.sampled_from(["", "万元", "亿"] if f.kind is Kind.MONEY else [""]))
        return f"{value}{suffix}"
    if f.kind is Kind.PERCENT:
        return f"{data.draw(st.integers(0, 100))}%"
    if f.kind is Kind.YEAR_MONTH:
        return f"{data.draw(st.integers(2025, 2030))}年{data.draw(st.integers(1, 12))}月"
    if f.kind is Kind.PHONE:
        return (
            "1"
            + data.draw(st.sampled_from("3456789"))
            + data.draw(st.text("0123456789", min_size=9, max_size=9))
        )
    return data.draw(TEXT)


def same_answer(d: Driver, s: Step) -> None:
    """Give the step the answer it already holds, as a person would (typing, pressing, sending)."""
    raw = get_answer(d.draft.answers, s)
    if raw is None:
        d.press(f"f:skip:{s.id}")
    elif s.field.kind is Kind.YES_NO:
        d.press(f"f:c:{s.id}:{0 if raw else 1}")
    elif s.field.kind is Kind.CHOICE:
        ids = [c.id for c in View(PLAN_FORM, d.ctx).choices(s.field)]
        d.press(f"f:c:{s.id}:{ids.index(raw)}")
    elif s.field.kind is Kind.FILE:
        d.send(
            FileRef(raw["file_id"], raw["file_name"], raw["mime_type"], raw["size"], raw["sha256"])
        )
    else:
        d.text(str(raw))


def assert_sound(d: Driver) -> None:
    """The draft holds only answers the form would accept now, and a consistent position."""
    answers = d.draft.answers
    assert normalize(PLAN_FORM, answers) == answers
    assert list(stored_problems(PLAN_FORM, answers, d.ctx.options, d.ctx.today)) == []
    assert failed_checks(PLAN_FORM, answers) == []
    ids = {s.id for s in visible_steps(PLAN_FORM, answers)}
    assert d.draft.current in ids | {SUMMARY}
    assert set(d.draft.back_stack) <= ids | ({SUMMARY} if d.draft.editing else set())


def act(d: Driver, data: st.DataObject, action: str, seen: list[str]) -> None:
    """Perform one random action of a person filling in the form."""
    view = View(PLAN_FORM, d.ctx)
    at_question = d.draft.current != SUMMARY and not (d.draft.paused or d.draft.submitted)
    s = view.step(d.draft) if at_question else None
    if action in ("example", "valid") and s is not None:
        if s.field.kind in (Kind.CHOICE, Kind.YES_NO):
            count = 2 if s.field.kind is Kind.YES_NO else len(view.choices(s.field))
            d.press(f"f:c:{s.id}:{data.draw(st.integers(0, count - 1))}")
        elif s.field.kind is Kind.FILE:
            size = data.draw(st.integers(0, 30 * 1024 * 1024))
            name = data.draw(TEXT) + data.draw(st.sampled_from(["", ".pdf", ".exe", ".PNG"]))
            sha = data.draw(st.sampled_from([None, "a" * 64, "b" * 64]))
            d.send(FileRef("file-1", name, "application/pdf", size, sha))
        elif action == "example":
            d.text(html.unescape(view.field_text("example", s)))
        else:
            d.text(valid_text(data, s))
    elif action == "invalid":
        d.text(data.draw(st.sampled_from(JUNK)))
    elif action == "back":
        d.cmd("back")
    elif action == "skip" and s is not None:
        d.press(f"f:skip:{s.id}")
    elif action == "keep" and s is not None:
        d.press(f"f:keep:{s.id}")
    elif action == "help" and s is not None:
        d.press(f"f:help:{s.id}")
    elif action == "old_button" and seen:
        d.press(data.draw(st.sampled_from(seen)))
    elif action == "pause":
        d.text(data.draw(st.sampled_from(["/cancel", "/continue"])))
    elif action in ("edit", "example") and d.draft.current == SUMMARY and not d.draft.paused:
        total = len(visible_steps(PLAN_FORM, d.draft.answers))
        d.text(f"修改{data.draw(st.integers(1, total))}")
    elif action == "valid" and d.draft.current == SUMMARY and not d.draft.paused:
        d.press("f:submit")
    elif (
        action == "back_again"
        and not (d.draft.paused or d.draft.submitted)
        and d.draft.back_stack
        and d.draft.back_stack[-1] != SUMMARY
    ):
        before = d.draft
        d.cmd("back")
        same_answer(d, view.step(d.draft))
        assert d.draft == before, d.out
    else:
        d.text("/continue")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_use_never_stores_an_invalid_answer(renderer: Renderer, data: Any) -> None:
    ctx = FormContext("zh-Hans", renderer, TODAY, plan_options(POLICY))
    d = Driver(PLAN_FORM, ctx)
    d.cmd("start")
    if data.draw(st.booleans()):  # half the runs start from the summary, to exercise edits
        while d.draft.current != SUMMARY:
            act(d, data, "example", [])
    seen: list[str] = []
    for _ in range(data.draw(st.integers(20, 100))):
        act(d, data, data.draw(st.sampled_from(ACTIONS)), seen)
        assert_sound(d)
        assert d.result is not None
        seen.extend(b.data for r in d.result.replies for row in r.buttons for b in row if b.data)
        del seen[:-40]


# -- typed answers and files: what a person sends is never stored in a form it should not be ---

INVISIBLE = st.text(
    st.sampled_from(
        "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e\u3164\x00\x01\x1f\x7f \t\n\r\u3000"
    ),
    min_size=1,
    max_size=20,
)
TYPED_KINDS = (
    Kind.SHORT_TEXT,
    Kind.LONG_TEXT,
    Kind.INTEGER,
    Kind.DECIMAL,
    Kind.MONEY,
    Kind.PERCENT,
    Kind.CHOICE,
    Kind.MULTI_CHOICE,
    Kind.YES_NO,
    Kind.YEAR_MONTH,
    Kind.DATE,
    Kind.PHONE,
)
TYPED_FIELDS = [f for f in PLAN_FORM.fields if f.kind in TYPED_KINDS]


@settings(max_examples=200, deadline=None)
@given(text=INVISIBLE, f=st.sampled_from(TYPED_FIELDS))
def test_an_answer_of_invisible_characters_is_blank_for_every_kind(
    renderer: Renderer, text: str, f: Field
) -> None:
    choices = View(PLAN_FORM, FormContext("zh-Hans", renderer, TODAY, plan_options(POLICY)))
    with pytest.raises(ParseError) as err:
        parse_input(f, text, choices.choices(f), TODAY)
    assert err.value.code == "empty"


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=120), at=st.lists(st.integers(0, 120), max_size=5))
def test_no_text_answer_keeps_a_nul_or_another_control_character(text: str, at: list[int]) -> None:
    with_nuls = text
    for i in sorted(at, reverse=True):
        with_nuls = with_nuls[:i] + "\x00" + with_nuls[i:]
    for kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        f = Field("x", kind, max_length=10_000)
        try:
            value = parse_input(f, with_nuls, [], TODAY)
        except ParseError as err:
            assert err.code == "empty"
            continue
        assert "\x00" not in value
        assert all(c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs") for c in value)
        assert value == parse_input(f, text, [], TODAY)  # the NULs changed nothing else


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from(["+", "00", "+ ", "＋"]),
    number=st.text("0123456789", min_size=7, max_size=15),
    sep=st.sampled_from(["", " ", "-"]),
)
def test_a_number_with_another_country_code_is_never_read_as_a_mainland_one(
    prefix: str, number: str, sep: str
) -> None:
    assume(not number.startswith("86"))
    text = prefix + number[:3] + sep + number[3:]
    try:
        value = parse_phone(text)
    except ParseError:
        return
    assert value == "+" + number  # kept with its country code, as E.164
    assert parse_phone(value) == value


@settings(max_examples=200, deadline=None)
@given(
    mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    prefix=st.sampled_from(["", "+86", "+86 ", "0086", "0086 ", "86", "＋８６"]),
)
def test_a_mainland_mobile_reads_the_same_with_or_without_its_country_code(
    mobile: str, prefix: str
) -> None:
    assert parse_phone(prefix + mobile) == mobile


EXTENSIONS = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=5)
MIMES = st.sampled_from(
    [
        None,
        "",
        "application/octet-stream",
        "application/pdf",
        "image/png",
        "image/jpeg",
        "application/x-msdownload",
        "text/html",
        "application/zip",
        "application/vnd.ms-excel",
        "application/x-sh",
        "APPLICATION/PDF; charset=binary",
    ]
)


@settings(max_examples=300, deadline=None)
@given(stem=TEXT, ext=EXTENSIONS, upper=st.booleans(), mime=MIMES)
def test_only_the_listed_document_types_are_accepted(
    stem: str, ext: str, upper: bool, mime: str | None
) -> None:
    name = f"{stem}.{ext.upper() if upper else ext}"
    got = file_type(name, mime)
    if ext.isdigit():
        assert got == file_type(None, mime)  # "v1.2": no extension, the MIME type decides
    elif ext not in ACCEPTED:
        assert got is None
    elif mime_of(mime) in GENERIC_MIME:
        assert got == ("jpg" if ext == "jpeg" else ext)  # a generic type: the name decides
    else:
        assert (got is not None) == (mime_of(mime) in ACCEPTED[ext])
    assert got is None or got in FILE_TYPES


@settings(max_examples=100, deadline=None)
@given(
    stem=TEXT,
    ext=EXTENSIONS,
    mime=MIMES,
    size=st.integers(0, 25 * 1024 * 1024),
    received=st.booleans(),
)
def test_a_file_question_keeps_only_accepted_files_it_received(
    renderer: Renderer, stem: str, ext: str, mime: str | None, size: int, received: bool
) -> None:
    ctx = FormContext("zh-Hans", renderer, TODAY, plan_options(POLICY))
    d = Driver(PLAN_FORM, ctx, Draft(form_id=PLAN_FORM.id, current="feasibility_report"))
    name = f"{stem}.{ext}"
    result = d.send(FileRef("file-1", name, mime, size, "c" * 64 if received else None))
    accepted = file_type(name, mime) is not None and size <= MAX_FILE_SIZE and received
    assert result.changed == accepted
    if accepted:
        assert d.draft.answers["feasibility_report"]["sha256"] == "c" * 64
