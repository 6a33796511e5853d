"""The district's progress report to the city leading group (001 八): one row per signed
project, what was agreed, where it stands and what holds it up."""

from __future__ import annotations

from dataclasses import replace

from documents.samples.progress import progress, sparse_progress
from documents.word import docx_text
from documents.word.layout import layout_problems
from documents.word.progress import progress_report
from tests.documents.docx_helpers import as_read as _plain
from tests.documents.docx_helpers import mm as _mm
from tests.documents.docx_helpers import open_docx
from tests.documents.docx_helpers import row_has as _has


def _cells(data: bytes) -> list[list[list[str]]]:
    """Each row's cells, each as its paragraphs."""
    table = open_docx(data).tables[0]
    return [[[p.text for p in cell.paragraphs] for cell in row.cells] for row in table.rows]


def test_the_report_is_addressed_to_the_city_leading_group_and_cites_001_eight():
    lines = docx_text(progress_report(progress())).split("\n")
    assert lines[0] == "清远市清新区招商引资项目进展情况报告"
    assert lines[1] == "清远市招商引资工作领导小组："
    assert "不定期向市招商引资工作领导小组报告项目进展以及推进过程中遇到的问题和困难" in lines[2]
    assert "截至2027年1月15日已签订正式项目投资协议书的5个项目" in lines[2]
    assert lines[-3:] == [
        "清新区招商选资工作领导小组办公室",
        "2027年1月15日",
        "联系人及电话：王明　0763-5812345",
    ]


def test_each_project_states_the_agreement_the_stage_and_the_problems():
    rows = _cells(progress_report(progress()))
    assert rows[0] == [
        ["序号"],
        ["项目名称及投资主体"],
        ["协议约定"],
        ["目前进展"],
        ["存在问题和困难"],
    ]
    number, project, agreed, stage, problems = rows[1]
    assert number == ["1"]
    assert [_plain(line) for line in project] == [
        "清新智能装备制造基地项目",
        "编号：QX-2026-0001",
        "投资主体：广东华锐精密科技股份有限公司",
        "投资总额：65,000万元",
    ]
    assert agreed == ["签约日期：2026年12月18日", "承诺动工：2027年3月", "承诺投产：2028年6月"]
    assert stage == [
        "⑤ 项目落地",
        "协议扫描件报市：2026年12月21日",
        "联络单位：发改局、经信局、国土分局、规划分局、环保分局",
    ]
    assert problems[0].startswith("1. 项目用地报批进度滞后")
    assert problems[1].startswith("2. 园区110千伏变电站扩容未完成")
    assert rows[2][3][1] == "协议扫描件报市：尚未报送"
    assert rows[2][4] == ["暂无"]


def test_nothing_recorded_is_marked_unfilled_never_with_a_dash():
    data = progress_report(sparse_progress())
    assert "—" not in docx_text(data)
    _, project, agreed, stage, problems = _cells(data)[1]
    assert project[2:] == ["投资主体：（未填）", "投资总额：（未填）"]
    assert agreed == ["签约日期：（未填）", "承诺动工：（未填）", "承诺投产：（未填）"]
    assert stage[1:] == ["协议扫描件报市：尚未报送", "联络单位：（未填）"]
    assert problems == ["暂无"]
    assert docx_text(data).split("\n")[-1] == "联系人及电话："


def test_the_serials_cannot_break_inside_a_line():
    text = docx_text(progress_report(progress()))
    for serial in ("QX-2026-0001", "QX-2026-0005", "QX-2026-0009"):
        assert serial not in text and f"编号：{serial}" in _plain(text)


def test_no_row_of_the_report_splits_and_its_header_repeats_on_each_page():
    many = replace(progress(), rows=progress().rows * 4)
    for sample in (progress(), sparse_progress(), many):
        data = progress_report(sample)
        assert layout_problems(data) == []
        (table,) = open_docx(data).tables
        for row in table.rows:
            assert _has(row, "cantSplit")
        assert _has(table.rows[0], "tblHeader")


def test_the_report_is_a4_landscape():
    section = open_docx(progress_report(progress())).sections[0]
    assert [_mm(section.page_width), _mm(section.page_height)] == [297, 210]
