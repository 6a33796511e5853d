"""The investor's 投资项目计划书 (000 附件4): the answers in the form's order, numbered."""

from __future__ import annotations

from docx.oxml.ns import qn

from documents.samples.plan import plan, sparse_plan
from documents.word import docx_text, plan_sheet
from documents.word.layout import layout_problems
from tests.documents.docx_helpers import as_read as _plain
from tests.documents.docx_helpers import mm as _mm
from tests.documents.docx_helpers import open_docx, table_rows
from tests.documents.docx_helpers import row_has as _has


def test_the_plan_is_titled_with_the_project_and_heads_its_serial_and_investor():
    data = plan_sheet(plan())
    first, title = open_docx(data).paragraphs[:2]
    assert first.text == "附件4"
    assert title.text == "清新智能装备制造基地项目\n投资项目计划书"
    assert all(run.bold for run in title.runs)
    head = table_rows(open_docx(data).tables[0])
    assert [_plain(cell) for cell in head[0]] == [
        "项目编号",
        "QX-2026-0001",
        "填报日期",
        "2026年10月20日",
    ]
    assert head[1] == ["投资方", "广东华锐精密科技股份有限公司"]


def test_the_answers_follow_the_form_numbered_and_computed_figures_unnumbered():
    rows = table_rows(open_docx(plan_sheet(plan())).tables[1])
    assert rows[0] == ["序号", "项目", "填报内容"]
    assert rows[1] == ["1", "投资项目名称", "清新智能装备制造基地项目"]
    land = rows.index(["8", "计划用地面积", "120亩"])
    assert rows[land + 1] == ["", "亩均投资强度", "541.67万元/亩"]
    assert rows[-1] == ["43", "是否属于行业环境准入负面清单", "否"]
    numbers = [int(row[0]) for row in rows[1:] if row[0]]
    assert numbers == list(range(1, 44))


def test_the_approved_exceptions_are_printed_under_the_table():
    text = docx_text(plan_sheet(plan()))
    assert text.rstrip().endswith("以税收贡献承诺替代。")
    assert "例外情形办理（001 四(三)）" in text


def test_an_unanswered_item_is_marked_unfilled_never_with_a_dash():
    data = plan_sheet(sparse_plan())
    text = docx_text(data)
    assert "—" not in text
    rows = table_rows(open_docx(data).tables[1])
    assert rows[2] == ["2", "投资方", "（未填）"]
    assert rows[4] == ["", "亩均投资强度", "（未填）"]
    head = table_rows(open_docx(data).tables[0])
    assert head[1] == ["投资方", "（未填）"]
    assert "".join(head[0][3].split()) == "年月日"  # a date to write in by hand


def test_the_serial_cannot_break_inside_a_line():
    text = docx_text(plan_sheet(plan()))
    assert "QX-2026-0001" not in text and "QX-2026-0001" in _plain(text)


def test_no_row_of_the_plan_splits_and_its_header_repeats_on_each_page():
    for sample in (plan(), sparse_plan()):
        data = plan_sheet(sample)
        assert layout_problems(data) == []
        doc = open_docx(data)
        for table in doc.tables:
            for row in table.rows:
                assert _has(row, "cantSplit")
        assert _has(doc.tables[1].rows[0], "tblHeader")


def test_the_plan_is_a4_in_chinese_fonts():
    doc = open_docx(plan_sheet(plan()))
    section = doc.sections[0]
    assert [_mm(section.page_width), _mm(section.page_height)] == [210, 297]
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
