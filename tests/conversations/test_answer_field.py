"""A form answered out of turn, as on a page that shows it whole: the same parser and checks as
a typed answer, with the same refusals; and the draft's place kept where the chat goes on."""

from __future__ import annotations

from form_kit import SAMPLE_FORM, Driver, fill_sample

from conversations.answers import visible_steps
from conversations.draft import Draft
from conversations.engine import answer_field, submit_blockers
from conversations.step import StepResult


def put(d: Driver, step_id: str, text: str) -> StepResult:
    result = answer_field(SAMPLE_FORM, d.draft, step_id, text, d.ctx)
    assert Draft.model_validate_json(result.draft.model_dump_json()) == result.draft
    d.draft = result.draft
    return result


def test_a_refused_answer_changes_nothing_and_reads_as_the_typed_refusal(sample: Driver) -> None:
    before = sample.draft
    refused = put(sample, "size", "120平方米")
    assert not refused.changed and refused.draft == before
    typed = Driver(SAMPLE_FORM, sample.ctx)
    typed.cmd("start")
    typed.text("第一个项目")
    assert refused.replies[0].text == typed.text("120平方米").replies[0].text


def test_a_cross_field_check_refuses_out_of_turn_too(sample: Driver) -> None:
    put(sample, "total", "3000")
    refused = put(sample, "part", "5000")
    assert not refused.changed and "part" not in refused.draft.answers
    assert refused.replies[0].text.startswith("⚠️")


def test_the_current_question_answered_moves_on_past_those_already_answered(
    sample: Driver,
) -> None:
    put(sample, "size", "12")  # a later question: the chat still asks the first
    assert sample.draft.current == "title" and sample.draft.answers["size"] == "12"
    put(sample, "title", "第一个项目")
    assert sample.draft.current == "kind"  # past 面积, answered already
    assert sample.draft.back_stack[-1] == "size"


def test_choices_are_read_by_their_ids_and_a_multiple_choice_as_a_list(sample: Driver) -> None:
    put(sample, "kind", "other")
    assert "kind_other" in _visible(sample)
    put(sample, "colours", "red,blue")
    assert sample.draft.answers["colours"] == ["red", "blue"]
    put(sample, "kind", "a")
    assert "kind_other" not in _visible(sample)


def test_an_empty_answer_leaves_an_optional_question_unanswered(sample: Driver) -> None:
    put(sample, "part", "3000")
    put(sample, "part", "")
    assert "part" not in sample.draft.answers
    refused = put(sample, "title", "")
    assert not refused.changed and "名称" in refused.replies[0].text


def test_at_the_summary_a_required_question_that_appears_is_asked_then_the_summary(
    sample: Driver,
) -> None:
    fill_sample(sample)
    assert sample.draft.current == "summary"
    put(sample, "kind", "other")
    assert sample.draft.current == "kind_other" and sample.draft.editing
    sample.text("丙类")  # the chat's next message answers it and returns to the summary
    assert sample.draft.current == "summary" and not sample.draft.editing


def test_submit_blockers_say_what_is_missing_as_submitting_would(sample: Driver) -> None:
    blocked = submit_blockers(SAMPLE_FORM, sample.draft, sample.ctx)
    assert blocked and "名称" in blocked[0].text
    fill_sample(sample)
    assert submit_blockers(SAMPLE_FORM, sample.draft, sample.ctx) == ()


def test_a_question_not_asked_is_refused(sample: Driver) -> None:
    refused = put(sample, "kind_other", "丙类")
    assert not refused.changed and refused.replies


def _visible(d: Driver) -> set[str]:
    return {s.id for s in visible_steps(SAMPLE_FORM, d.draft.answers)}
