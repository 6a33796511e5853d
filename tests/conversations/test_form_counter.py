"""The counter on every question never raises its total as a person answers (issue 15: 第 1/46
项 → 第 11/47 项 was wrong), the plan is asked and numbered by 附件4's fifteen items with what
screening needs in a part of its own, and the edit picker and a typed number follow that
numbering."""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from form_kit import POLICY, SAMPLE_FORM, TODAY, Driver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.fields import SUMMARY, Field, FormSpec, Kind, Part
from conversations.forms.plan import PLAN_FORM, PLAN_PARTS, plan_options
from conversations.numbering import canonical_number, numbering
from conversations.progress import possible_questions
from conversations.step import FormContext
from conversations.views import View
from templates.renderer import Renderer

COUNTER = re.compile(r"第 (\d+)/(\d+) 项")
PART = re.compile(r"^(?:<b>)?(?:第 (\d+) 部分（共 15 部分）|([A-Z])\. )", re.MULTILINE)
CODES = [p.code for p in PLAN_PARTS]


def card(d: Driver) -> tuple[int, int, str]:
    """The counter and the part's code on the question card just shown."""
    assert d.result is not None
    text = d.result.replies[-1].text
    counter, part = COUNTER.search(text), PART.search(text)
    assert counter and part, text
    return int(counter[1]), int(counter[2]), part[1] or part[2]


def answer(d: Driver, data: st.DataObject) -> None:
    """Answer the current question as a person might: an example, any option, a skip, a wrong
    answer now and then, another site or no factory, one phase or several."""
    view = View(PLAN_FORM, d.ctx)
    s = view.step(d.draft)
    kind = s.field.kind
    if data.draw(st.integers(0, 9)) == 9:  # shrinks towards answering
        d.text(data.draw(st.sampled_from(["abc", "-5", "2020-01", "１e5", "修改3"])))
    elif not s.field.required and data.draw(st.booleans()):
        d.press(f"f:skip:{s.id}")
    elif kind in (Kind.CHOICE, Kind.YES_NO):
        count = 2 if kind is Kind.YES_NO else len(view.choices(s.field))
        d.press(f"f:c:{s.id}:{data.draw(st.integers(0, count - 1))}")
    elif kind is Kind.FILE:
        d.press(f"f:skip:{s.id}")
    elif s.id == "phase_count":
        d.text(str(data.draw(st.integers(1, 4))))
    elif s.group is not None and s.group.id == "phase_figures":
        d.text("1")  # small enough for any number of phases to stay within the whole
    elif s.id in ("plant_area", "office_area"):
        d.text(data.draw(st.sampled_from(["0", html.unescape(view.field_text("example", s))])))
    else:
        d.text(html.unescape(view.field_text("example", s)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_total_never_grows_and_the_parts_come_in_order(renderer: Renderer, data: Any) -> None:
    d = Driver(PLAN_FORM, FormContext("zh-Hans", renderer, TODAY, plan_options(POLICY)))
    d.cmd("start")
    seen: list[tuple[int, int, str]] = [card(d)]
    for _ in range(400):
        if d.draft.current == SUMMARY:
            break
        answer(d, data)
        if d.draft.current != SUMMARY:
            seen.append(card(d))
    assert d.draft.current == SUMMARY
    for (pos, total, code), (pos2, total2, code2) in itertools.pairwise(seen):
        assert total2 <= total, seen  # never grows
        assert pos <= pos2 <= total2  # never goes back while answering forward
        assert CODES.index(code) <= CODES.index(code2)  # 1, 2, … 15, A, B
    assert seen[0][:2] == (1, len([f for f in PLAN_FORM.fields if not f.compute]))
    assert seen[-1][0] == seen[-1][1]  # the last question is the last one counted


def test_a_total_counts_what_still_waits_on_an_answer(sample: Driver) -> None:
    assert COUNTER.search(sample.out)[2] == "12"  # type: ignore[index]
    sample.text("项目")
    sample.text("12")
    sample.tap("甲")  # not "other": its follow-up question will not come
    assert "第 4/11 项" in sample.out


def test_a_condition_that_reads_an_unanswered_field_counts_as_possible() -> None:
    spec = FormSpec(
        "t",
        (
            Field("a", Kind.YES_NO),
            Field("b", Kind.SHORT_TEXT, condition=lambda v: v.get("a") is True),
            Field("c", Kind.SHORT_TEXT, condition=lambda v: "b" in v),
            Field("d", Kind.SHORT_TEXT, condition=lambda v: False),
        ),
    )
    assert [f.id for f in possible_questions(spec, {})] == ["a", "b", "c"]
    assert [f.id for f in possible_questions(spec, {"a": False})] == ["a"]
    assert [f.id for f in possible_questions(spec, {"a": True, "b": "x"})] == ["a", "b", "c"]


def test_a_group_counts_as_one_question_and_says_which_repetition(plan: Driver) -> None:
    fill(plan, "phases.2.start")
    assert "7.5 二期计划动工建设时间</b>　第 18/" in plan.out and "项（3/4）" in plan.out


def test_the_plan_is_asked_by_annex_4_items_then_the_screening_part(plan: Driver) -> None:
    assert "<b>第 1 部分（共 15 部分）· 投资项目名称</b>" in plan.out
    fill(plan, "fixed_investment")
    assert "第 6 部分（共 15 部分）· 项目投资总额\n<b>6.1 其中固定资产投资</b>" in plan.out
    fill(plan, "sector")
    assert "B. 补充信息（遴选所需）\n<b>B.1 所属行业</b>" in plan.out


def test_the_edit_picker_and_a_typed_number_follow_the_summary(plan: Driver) -> None:
    fill(plan, SUMMARY)
    numbers = [n.number for n in numbering(PLAN_FORM, plan.draft.answers)]
    assert numbers[:6] == ["1", "2", "3", "4", "4.1", "4.2"] and "7" not in numbers
    plan.tap("修改")
    shown = [b.text for row in plan.result.replies[-1].buttons for b in row][:-1]  # type: ignore[union-attr]
    assert shown == numbers
    rows = [[b.text for b in row] for row in plan.result.replies[-1].buttons]  # type: ignore[union-attr]
    assert ["A.1", "A.2", "A.3"] in rows  # a part's numbers keep to their row
    for typed, step in (
        ("修改 6-1", "fixed_investment"),
        ("b1", "sector"),
        ("改4．2", "land_use"),
    ):
        plan.tap("返回汇总") if plan.draft.current != SUMMARY else None
        plan.text(typed)
        assert plan.draft.current == step, typed
        plan.press(f"f:keep:{step}")
        assert plan.draft.current == SUMMARY


@pytest.mark.parametrize(
    ("typed", "canonical"), [("6-1", "6.1"), ("B3", "b.3"), ("b．3", "b.3"), (" 12 ", "12")]
)
def test_a_number_is_read_however_it_is_typed(typed: str, canonical: str) -> None:
    assert canonical_number(typed) == canonical


def test_a_form_refuses_parts_a_person_could_not_walk_in_order() -> None:
    parts = (Part("one", "1"), Part("two", "2"))
    with pytest.raises(ValueError, match="later part"):
        FormSpec(
            "t",
            (Field("a", Kind.SHORT_TEXT, part="two"), Field("b", Kind.SHORT_TEXT, part="one")),
            parts=parts,
        )
    with pytest.raises(ValueError, match="has no field"):
        FormSpec(
            "t", (Field("a", Kind.SHORT_TEXT, part="one"),), parts=(*parts[:1], Part("x", "9"))
        )
    with pytest.raises(ValueError, match="names no part"):
        FormSpec("t", (Field("a", Kind.SHORT_TEXT),), parts=parts[:1])


# -- helpers --------------------------------------------------------------------------------


def fill(d: Driver, stop_at: str) -> None:
    """Answer with examples and first options until the question `stop_at` (or the summary)."""
    view = View(PLAN_FORM, d.ctx)
    for _ in range(200):
        if d.draft.current in (SUMMARY, stop_at):
            return
        s = view.step(d.draft)
        if s.field.kind in (Kind.CHOICE, Kind.YES_NO):
            d.press(f"f:c:{s.id}:0")
        elif s.field.kind is Kind.FILE:
            d.press(f"f:skip:{s.id}")
        else:
            d.text(html.unescape(view.field_text("example", s)))
    raise AssertionError("the form never ended")


@pytest.fixture
def plan(make_ctx: Callable[..., FormContext]) -> Driver:
    """A driver on the plan form, started, in Chinese."""
    d = Driver(PLAN_FORM, make_ctx())
    d.cmd("start")
    return d


_ = SAMPLE_FORM  # the sample fixture's form (tests/conversations/conftest.py)
