"""Whatever a person does with the plan form, in whatever order, the draft never holds a value the
form would refuse, and going back then giving the same answer leaves the draft as it was."""

from __future__ import annotations

import html
from typing import Any

from form_kit import POLICY, TODAY, Driver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.answers import (
    failed_checks,
    get_answer,
    normalize,
    stored_problems,
    visible_steps,
)
from conversations.events import FileInput, FormContext
from conversations.fields import SUMMARY, Kind, Step
from conversations.forms.plan import PLAN_FORM, plan_options
from conversations.views import View
from templates.renderer import Renderer

ACTIONS = (
    ["example"] * 8 + ["valid"] * 3
    + ["invalid", "back", "skip", "keep", "help", "old_button", "pause", "edit", "back_again"]
)
JUNK = ["abc", "-5", "", "120平方米", "1e5", "９９９９９９９９９９", "2020-01", "百分之200",
        "<b>x</b>", "/summary", "修改3", "/skip", "0", "2027-13", "是"]
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
        return "1" + data.draw(st.sampled_from("3456789")) + data.draw(
            st.text("0123456789", min_size=9, max_size=9))
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
        d.send(FileInput(raw["file_id"], raw["file_name"], raw["mime_type"], raw["size"]))
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
            d.send(FileInput("file-1", data.draw(TEXT), "application/pdf", size))
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
    elif action == "back_again" and not (d.draft.paused or d.draft.submitted) \
            and d.draft.back_stack and d.draft.back_stack[-1] != SUMMARY:
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
