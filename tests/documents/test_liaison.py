"""项目建设联络表 (附件7): the units' liaison leaders and officers for a signed project."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from documents.samples.liaison import liaison, sparse_liaison
from documents.word import docx_text, liaison_table
from documents.word.layout import layout_problems
from documents.word.liaison import Contact, LiaisonRow, LiaisonTable
from tests.documents.docx_helpers import as_read as _plain
from tests.documents.docx_helpers import row_has as _has

# A character outside the Basic Multilingual Plane, to check text survives the round trip.
PROJECT = "𠮷祥新能源汽车电机壳体项目"
HEADINGS = [
    ["序号"],
    ["部门"],
    ["主要负责业务"],
    ["联络领导", "（电话）"],
    ["联络办事员", "（电话）"],
]


def _table(**changes: Any) -> LiaisonTable:
    table = LiaisonTable(
        serial="QX-2026-001",
        project_name=PROJECT,
        investor="广东𠮷祥汽车零部件有限公司",
        total_investment_wan=Decimal("8000"),
        dated=date(2026, 11, 20),
        followed_by="unit_heads",
        rows=[
            LiaisonRow(
                "区发展和改革局",
                "项目立项、备案",
                Contact("张伟", "0763-5812345"),
                Contact("李娜", "13800138000"),
            ),
            LiaisonRow("区自然资源局", "用地报批、规划许可", Contact("王强"), None),
        ],
    )
    return replace(table, **changes)


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def test_liaison_table_has_title_date_and_project_head():
    text = _plain(docx_text(liaison_table(_table()))).splitlines()
    assert text[0] == "项目建设联络表"
    assert text[1] == "2026年11月20日"
    for expected in ("项目编号", "QX-2026-001", "投资总额", "8,000万元", "项目名称", PROJECT):
        assert expected in text
    assert "广东𠮷祥汽车零部件有限公司" in text


def test_liaison_rows_follow_the_annex_columns():
    doc = _open(liaison_table(_table()))
    body = doc.tables[1]
    headings = [[p.text for p in cell.paragraphs] for cell in body.rows[0].cells]
    assert headings == HEADINGS
    rows = [[cell.text for cell in row.cells] for row in body.rows[1:]]
    assert rows == [
        [
            "1",
            "区发展和改革局",
            "项目立项、备案",
            "张伟\n0763-5812345",
            "李娜\n13800138000",
        ],
        ["2", "区自然资源局", "用地报批、规划许可", "王强", ""],
    ]
    tr_pr = body.rows[0]._tr.trPr
    assert tr_pr is not None
    assert tr_pr.find(qn("w:tblHeader")) is not None  # repeats on each page


def test_projects_below_100_million_are_followed_by_the_units_heads():
    text = docx_text(liaison_table(_table()))
    assert "1亿元以下，由各责任单位主要领导负责跟踪服务" in text
    assert "区四套班子" not in text
    assert "指定一名责任领导和一名业务骨干作为联络员" in text


def test_projects_from_100_million_are_linked_to_district_leaders():
    table = _table(
        total_investment_wan=Decimal("30000"),
        followed_by="district_leaders",
        district_leaders=["陈明", "刘洋"],
    )
    text = docx_text(liaison_table(table))
    assert "30,000万元" in text
    assert "由区四套班子领导陈明、刘洋分头联系，各责任单位负责做好跟踪服务工作" in text
    assert "主要领导负责跟踪服务" not in text


def test_the_follow_up_line_comes_from_the_field_not_the_amount():
    text = docx_text(liaison_table(_table(followed_by="district_leaders")))
    assert "由区四套班子领导分头联系" in text


def test_a_form_without_a_date_leaves_it_blank_for_the_units():
    text = docx_text(liaison_table(_table(dated=None))).splitlines()
    assert "".join(text[1].split()) == "年月日"


def test_an_unknown_follow_up_is_refused():
    with pytest.raises(ValueError, match="followed_by"):
        _table(followed_by="city_leaders")


def test_liaison_table_is_a4_in_chinese_fonts():
    doc = _open(liaison_table(_table()))
    section = doc.sections[0]
    width, height = section.page_width, section.page_height
    assert width is not None and height is not None
    assert [round(length.mm) for length in (width, height)] == [210, 297]
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"


def test_the_serial_cannot_break_and_nothing_missing_prints_as_a_dash():
    text = docx_text(liaison_table(sparse_liaison()))
    assert "QX-2026-0004" not in text and "QX-2026-0004" in _plain(text)
    assert "—" not in text
    head = _open(liaison_table(sparse_liaison())).tables[0]
    cells = [[c.text for c in row.cells] for row in head.rows]
    assert cells[0][3] == "（未填）"  # 投资总额
    assert cells[2][1] == "（未填）"  # 投资方


def test_no_row_of_the_liaison_table_splits_and_its_header_repeats():
    for sample in (liaison(), sparse_liaison()):
        data = liaison_table(sample)
        assert layout_problems(data) == []
        doc = _open(data)
        for table in doc.tables:
            for row in table.rows:
                assert _has(row, "cantSplit")
        assert _has(doc.tables[1].rows[0], "tblHeader")


def test_eight_units_are_numbered_in_order():
    rows = _open(liaison_table(liaison())).tables[1].rows[1:]
    assert [row.cells[0].text for row in rows] == [str(n) for n in range(1, 9)]
    assert rows[-1].cells[1].text == "清新智能制造产业园管委会"
