"""The form engine on a small test form: filling in, going back, skipping, pausing, editing from
the summary, conditions, groups, multiple choice, stale presses, checks and submitting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from form_kit import SAMPLE_FORM, SHA, Driver, fill_sample

from conversations.draft import Draft
from conversations.engine import step
from conversations.fields import Field, FormSpec, Kind
from conversations.files import FILE_TYPES, MAX_FILE_SIZE
from conversations.inputs import TextInput
from conversations.step import FormContext


def test_the_first_prompt_shows_progress_label_prompt_and_example(sample: Driver) -> None:
    # Twelve questions could be asked: "kind_other" and the rounds wait on answers to come.
    assert "第 1/12 项" in sample.out
    assert "名称" in sample.out and "请填写名称。" in sample.out and "示例：某某项目" in sample.out
    assert [b.data for b in sample.buttons()] == ["f:help:title", "f:pause"]


def test_a_prompt_names_its_unit_and_offers_back(sample: Driver) -> None:
    sample.text("项目")
    assert "单位：亩" in sample.out and "示例：120" in sample.out
    assert "« 上一项" in [b.text for b in sample.buttons()]
    assert "跳过" not in [b.text for b in sample.buttons()]


def test_filling_in_reaches_a_numbered_summary_with_units(sample: Driver) -> None:
    fill_sample(sample)
    assert sample.draft.current == "summary"
    out = sample.out
    assert "1. 名称：第一个项目" in out
    assert "2. 面积：12 亩" in out
    assert "3. 类型：甲" in out
    assert "4. 颜色：红" in out
    assert "5. 总额：12,000 万元（1.2 亿元）" in out
    assert "6. 其中部分：3,000 万元" in out
    assert "7. 是否同意：是" in out
    assert "9. 第1轮开始：2026年3月" in out and "10. 第1轮结束：2027年1月" in out
    assert "11. 电话：—" in out
    assert {"f:submit", "f:edit"} <= {b.data for b in sample.buttons()}


def test_bad_input_names_the_field_the_problem_and_an_example(sample: Driver) -> None:
    sample.text("项目")
    before = sample.draft
    result = sample.text("120平方米")
    assert not result.changed and sample.draft == before
    assert "“面积”未能保存" in sample.out and "单位应为亩" in sample.out
    assert "示例：120" in sample.out
    sample.text("0")
    assert "数值应大于 0 亩" in sample.out and sample.draft == before
    sample.text("2000")
    assert "不能超过 1,000 亩" in sample.out and sample.draft == before


def test_back_shows_the_earlier_answer_and_the_same_answer_restores_the_draft(
    sample: Driver,
) -> None:
    sample.text("项目")
    sample.text("12")
    at_kind = sample.draft
    sample.tap("« 上一项")
    assert sample.draft.current == "size"
    assert "当前填写：12 亩" in sample.out
    sample.text("１２亩")
    assert sample.draft == at_kind


def test_keeping_an_answer_moves_on_without_retyping(sample: Driver) -> None:
    sample.text("项目")
    sample.text("12")
    at_kind = sample.draft
    sample.cmd("back")
    sample.tap("保持原答案")
    assert sample.draft == at_kind


def test_back_on_the_first_question_says_so(sample: Driver) -> None:
    result = sample.text("/back")
    assert not result.changed and "已经是第一项了" in sample.out


def test_a_required_question_cannot_be_skipped(sample: Driver) -> None:
    result = sample.text("/skip")
    assert not result.changed
    assert "本项为必填项，不能跳过" in sample.out and sample.draft.current == "title"


def test_skipping_an_optional_question_clears_it_and_moves_on(
    make_ctx: Callable[..., FormContext],
) -> None:
    d = Driver(SAMPLE_FORM, make_ctx())
    d.cmd("start")
    fill_sample(d)
    d.text("修改6")
    assert d.draft.current == "part"
    d.tap("跳过")
    assert d.draft.current == "summary" and "part" not in d.draft.answers


def test_pause_keeps_the_draft_and_continue_resumes_at_the_same_question(sample: Driver) -> None:
    sample.text("项目")
    result = sample.text("/cancel")
    assert result.status == "paused" and sample.draft.paused
    assert "已暂停" in sample.out
    result = sample.text("12")
    assert not result.changed and "size" not in sample.draft.answers
    assert "/continue" in sample.out
    result = sample.text("/continue")
    assert result.status == "open" and sample.draft.current == "size"
    assert "第 2/12 项" in sample.out


def test_pause_and_resume_buttons(sample: Driver) -> None:
    sample.tap("暂停")
    assert sample.draft.paused
    sample.tap("继续填写")
    assert not sample.draft.paused and "第 1/12 项" in sample.out


def test_help_cites_the_source_and_repeats_the_question(sample: Driver) -> None:
    result = sample.tap("为什么要填")
    assert not result.changed
    assert "依据：测试表 第1项" in result.replies[0].text
    assert "请填写名称" in result.replies[-1].text


def test_editing_from_the_summary_returns_to_it(sample: Driver) -> None:
    fill_sample(sample)
    at_summary = sample.draft
    sample.tap("修改")
    assert sample.result is not None and sample.result.replies[-1].edit
    sample.tap("2")
    assert sample.draft.current == "size" and "当前填写：12 亩" in sample.out
    sample.text("15")
    assert sample.draft.current == "summary" and "2. 面积：15 亩" in sample.out
    assert sample.draft.back_stack == at_summary.back_stack and not sample.draft.editing


def test_a_typed_number_at_the_summary_edits_that_field(sample: Driver) -> None:
    fill_sample(sample)
    for typed in ("7", "修改 7", "改7", "edit 7", "／edit 7".replace("／", "/")):
        sample.text(typed)
        assert sample.draft.current == "agree", typed
        sample.cmd("back")
        assert sample.draft.current == "summary"
    sample.text("99")
    assert sample.draft.current == "summary" and "1–12" in sample.out


def test_an_edit_that_reveals_a_required_question_asks_it_before_the_summary(
    sample: Driver,
) -> None:
    fill_sample(sample)
    sample.text("3")
    sample.tap("其他")
    assert sample.draft.current == "kind_other"
    sample.text("丙类")
    assert sample.draft.current == "summary" and "4. 其他类型：丙类" in sample.out


def test_answers_whose_condition_became_false_are_dropped(sample: Driver) -> None:
    fill_sample(sample)
    sample.text("3")
    sample.tap("其他")
    sample.text("丙类")
    assert sample.draft.answers["kind_other"] == "丙类"
    sample.text("3")
    sample.tap("乙")
    assert "kind_other" not in sample.draft.answers
    assert "其他类型" not in sample.out


def test_a_repeated_group_asks_each_repetition_and_drops_extra_ones(sample: Driver) -> None:
    fill_sample(sample)
    sample.text("8")
    sample.text("2")
    assert sample.draft.current == "rounds.2.start" and "第2轮开始" in sample.out
    sample.text("2026年6月")
    sample.text("2026年12月")
    assert sample.draft.answers["rounds"] == [
        {"start": "2026-03", "end": "2027-01"},
        {"start": "2026-06", "end": "2026-12"},
    ]
    assert sample.draft.current == "summary"
    sample.text("8")
    sample.text("1")
    assert sample.draft.answers["rounds"] == [{"start": "2026-03", "end": "2027-01"}]
    sample.text("8")
    sample.text("0")
    assert "rounds" not in sample.draft.answers


def test_an_edit_skips_answered_questions_and_back_retraces_them(sample: Driver) -> None:
    fill_sample(sample)
    sample.text("8")
    sample.text("3")
    assert sample.draft.current == "rounds.2.start"  # round 1 is answered already
    sample.text("2026-05")
    sample.text("2026-09")
    at_round_3 = sample.draft
    sample.cmd("back")
    sample.cmd("back")
    assert sample.draft.current == "rounds.2.start"
    sample.text("2026-05")
    sample.tap("保持原答案")
    assert sample.draft == at_round_3
    sample.cmd("back")
    sample.text("2026-10")
    assert sample.draft.current == "rounds.3.start"


def test_a_group_month_before_today_is_refused(sample: Driver) -> None:
    fill_sample(sample)
    sample.text("9")
    result = sample.text("2025-12")
    assert not result.changed and "不能早于本月（2026年1月）" in sample.out


def test_multiple_choice_toggles_in_place_and_done_confirms(sample: Driver) -> None:
    sample.text("项目")
    sample.text("12")
    sample.tap("甲")
    result = sample.tap("蓝")
    assert result.replies[-1].edit and "✓ 蓝" in [b.text for b in sample.buttons()]
    sample.tap("红")
    assert sample.draft.answers["colours"] == ["red", "blue"]
    sample.tap("✓ 蓝")
    assert sample.draft.answers["colours"] == ["red"]
    sample.tap("完成")
    assert sample.draft.current == "total"


def test_multiple_choice_needs_one_option_when_required(sample: Driver) -> None:
    sample.text("项目")
    sample.text("12")
    sample.tap("甲")
    result = sample.tap("完成")
    assert not result.changed and "请至少选择一项" in sample.out


def test_multiple_choice_can_be_typed(sample: Driver) -> None:
    sample.text("项目")
    sample.text("12")
    sample.tap("甲")
    sample.text("蓝、1")
    assert sample.draft.answers["colours"] == ["red", "blue"] and sample.draft.current == "total"


def test_a_press_on_an_old_card_or_a_second_press_changes_nothing(sample: Driver) -> None:
    sample.text("项目")
    sample.text("12")
    choice = sample.button("甲")
    sample.press(choice)
    after = sample.draft
    result = sample.press(choice)
    assert not result.changed and sample.draft == after
    assert result.toast and "已作答" in result.toast
    assert "已作答" in sample.out and "请选择颜色" in sample.out
    for stale in ("f:back:title", "f:skip:size", "f:help:kind", "f:submit", "f:edit:title"):
        assert not sample.press(stale).changed


def test_a_cross_field_check_names_both_fields_and_values(sample: Driver) -> None:
    fill_sample(sample)
    sample.text("6")
    result = sample.text("2亿")
    assert not result.changed
    assert "其中部分（20,000 万元）不能超过总额（12,000 万元）" in sample.out
    sample.cmd("back")
    sample.text("5")
    result = sample.text("2000")
    assert not result.changed and "其中部分（3,000 万元）" in sample.out


def test_files_are_kept_by_id_and_refused_where_text_is_asked(sample: Driver) -> None:
    result = sample.file()
    assert not result.changed and "需要文字回答" in sample.out
    fill_sample(sample)
    sample.text("12")
    result = sample.text("附件")
    assert not result.changed and "需要上传文件" in sample.out
    result = sample.file(size=4096)
    assert not result.changed and "文件超过" in sample.out
    sample.file("计划书.pdf", 512)
    assert sample.draft.answers["doc"] == {
        "file_id": "FILE-ID-1",
        "file_name": "计划书.pdf",
        "mime_type": "application/pdf",
        "size": 512,
        "sha256": SHA,
    }
    assert "📎 计划书.pdf（1 KB）" in sample.out


def test_a_file_question_names_the_accepted_types(sample: Driver) -> None:
    fill_sample(sample)
    sample.text("12")
    assert (
        "可接受的格式：pdf、doc、docx、wps、xls、xlsx、et、ppt、pptx、zip、rar、7z、jpg、png"
        in sample.out
    )


def test_a_program_or_a_disguised_file_is_refused_naming_the_accepted_types(
    sample: Driver,
) -> None:
    fill_sample(sample)
    sample.text("12")
    for name, mime in (
        ("setup.exe", "application/x-msdownload"),
        ("setup.exe", "application/octet-stream"),
        ("setup.exe", "application/pdf"),  # the MIME type does not make a program a document
        ("报告.pdf", "application/x-msdownload"),  # nor the name
        ("run.sh", None),
        ("notes.txt", "text/plain"),
        ("page.html", "text/html"),
        ("README", "application/octet-stream"),
    ):
        result = sample.file(name, 100, mime)
        assert not result.changed, name
        assert "“附件”未能保存：不接受这类文件" in sample.out, name
        assert "、".join(FILE_TYPES) in sample.out


def test_documents_archives_and_scans_are_accepted(sample: Driver) -> None:
    fill_sample(sample)
    for name, mime in (
        ("可行性研究报告.PDF", "application/pdf"),
        ("报告.wps", "application/octet-stream"),  # phones rarely know WPS's own types
        ("报表.et", None),
        ("扫描件.jpeg", "image/jpeg"),
        ("材料.7z", "application/x-7z-compressed"),
        ("协议.docx", "application/zip"),
        (None, "application/pdf"),  # no name: the MIME type alone decides
    ):
        sample.text("12")
        result = sample.file(name, 100, mime)  # type: ignore[arg-type]
        assert result.changed and sample.draft.current == "summary", name
        assert sample.draft.answers["doc"]["file_name"] == name


def test_sizes_under_a_megabyte_are_shown_in_kilobytes(sample: Driver) -> None:
    fill_sample(sample)
    sample.text("12")
    sample.file("报告.pdf", 300)
    assert "📎 报告.pdf（1 KB）" in sample.out
    sample.text("12")
    sample.file("报告.pdf", 1000)
    assert "📎 报告.pdf（1 KB）" in sample.out


def test_sizes_of_a_megabyte_and_more_are_shown_in_megabytes(sample: Driver) -> None:
    only_a_file = FormSpec(
        id="file_only",
        template="forms/sample",
        fields=(Field("doc", Kind.FILE, max_size=MAX_FILE_SIZE),),
    )
    driver = Driver(only_a_file, sample.ctx)
    driver.cmd("start")
    driver.file("报告.pdf", 3 * 1024 * 1024 + 200 * 1024)
    assert "📎 报告.pdf（3.2 MB）" in driver.out
    driver.cmd("back")
    driver.file("报告.pdf", 1024 * 1024 - 1)
    assert "📎 报告.pdf（1,023 KB）" in driver.out


def test_a_file_that_could_not_be_fetched_is_refused_and_asked_again(sample: Driver) -> None:
    fill_sample(sample)
    sample.text("12")
    result = sample.file("报告.pdf", 100, received=False)
    assert not result.changed
    assert "文件未能接收完整，本项没有改动，请重新发送该文件" in sample.out
    assert "请上传附件。" in sample.out  # the question is asked again
    assert sample.file("报告.pdf", 100).changed


def test_submit_happens_once(sample: Driver) -> None:
    fill_sample(sample)
    result = sample.tap("提交")
    assert result.status == "submitted" and result.changed and "已提交" in sample.out
    again = sample.press("f:submit")
    assert again.status == "closed" and not again.changed


def test_submit_is_refused_when_a_stored_month_has_passed(
    sample: Driver, make_ctx: Callable[..., FormContext]
) -> None:
    fill_sample(sample)
    sample.ctx = make_ctx(today=date(2026, 5, 1))
    result = sample.tap("提交")
    assert result.status == "open" and not result.changed
    assert "9. 第1轮开始：时间不能早于本月（2026年5月）" in sample.out


def test_submit_and_edit_are_only_offered_at_the_summary(sample: Driver) -> None:
    result = sample.text("/submit")
    assert not result.changed and "请先填完全部项目" in sample.out


def test_the_summary_command_shows_answers_so_far_without_moving(sample: Driver) -> None:
    sample.text("项目")
    result = sample.text("/summary")
    assert not result.changed
    assert "1. 名称：项目" in sample.out and "2. 面积：（未填）" in sample.out
    assert "请填写面积" in result.replies[-1].text


def test_an_unknown_command_is_named(sample: Driver) -> None:
    result = sample.text("/foo")
    assert not result.changed and "/foo" in sample.out


def test_summary_extra_is_appended(make_ctx: Callable[..., FormContext]) -> None:
    d = Driver(SAMPLE_FORM, make_ctx(extra="<b>筛查结果：符合</b>"))
    d.cmd("start")
    fill_sample(d)
    assert "<b>筛查结果：符合</b>" in d.out


def test_typed_html_is_escaped(sample: Driver) -> None:
    sample.text("<b>项目</b> & 公司")
    sample.cmd("back")
    assert "&lt;b&gt;项目&lt;/b&gt; &amp; 公司" in sample.out


def test_an_outdated_draft_is_repaired(make_ctx: Callable[..., FormContext]) -> None:
    stored = Draft(
        form_id="sample",
        answers={"title": "项目", "gone": 1, "size": "abc"},
        current="gone",
        back_stack=("title", "gone"),
    )
    result = step(SAMPLE_FORM, stored, TextInput("/continue"), make_ctx())
    assert result.changed
    assert result.draft.answers == {"title": "项目"}
    assert result.draft.current == "size" and result.draft.back_stack == ("title",)


def test_the_english_locale_renders_the_same_flow(make_ctx: Callable[..., FormContext]) -> None:
    d = Driver(SAMPLE_FORM, make_ctx("en"))
    d.cmd("start")
    assert "Item 1/12 · Title" in d.out
    d.text("Project")
    d.text("12 sqm")
    assert "the unit should be mu" in d.out
