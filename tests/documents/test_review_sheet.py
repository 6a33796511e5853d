"""The 项目评审意见表 (000 附件5)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import docx
import pytest
from docx.document import Document

from documents.word import (
    ReviewRow,
    ReviewSheet,
    docx_text,
    review_opinion_sheet,
)
from documents.word.review_sheet import Confirmation, UnitOpinion, Verdict
from tests.documents.docx_helpers import PROJECT, unbroken
from tests.documents.docx_helpers import assert_title as _assert_title
from tests.documents.docx_helpers import label_value as _label_value
from tests.documents.docx_helpers import table_rows as _table_rows
from workflow.policy import Policy

HEADINGS = ["项目内容评审", "主审部门", "评审意见", "相关建议"]
DIMENSIONS = [
    "产业政策",
    "环境影响",
    "建设规划",
    "土地利用",
    "入园条件",
    "经济效益",
    "科技含量",
    "能源消耗评估",
    "投资实力评审",
    "项目法律风险评审",
]


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _rows(policy: Policy) -> list[ReviewRow]:
    units = {unit.id: unit.name for unit in policy.units}
    rows = []
    for index, dim in enumerate(policy.review_dimensions):
        verdict: Verdict = "disagree" if dim.id == "environment" else "agree"
        rows.append(
            ReviewRow(
                label=dim.form_label,
                units=[dim.form_units] if dim.form_units else [units[u] for u in dim.units],
                verdict=verdict,
                opinion=f"{dim.form_label}审查意见第一行\n第二行",
                suggestion=f"{dim.form_label}建议",
                reviewer=f"评审人{index}",
                decided_on=date(2026, 11, 2 + index % 3),
            )
        )
    return rows


def _sheet(policy: Policy, **changes: object) -> ReviewSheet:
    sheet = ReviewSheet(
        serial="QX-2026-0001",
        project_name=PROJECT,
        investor="广东华锐精密科技股份有限公司",
        total_investment_wan=Decimal(65000),
        round_number=2,
        opened_on=date(2026, 11, 2),
        deadline=date(2026, 11, 9),
        closed_on=date(2026, 11, 6),
        outcome="failed",
        veto_dimension="环境影响",
        rows=_rows(policy),
    )
    return replace(sheet, **changes)  # type: ignore[arg-type]


# 项目评审意见表


def test_review_sheet_has_the_title_headings_and_every_dimension_in_order(policy: Policy):
    doc = _open(review_opinion_sheet(_sheet(policy)))
    _assert_title(doc, "项目评审意见表")
    head, table = doc.tables
    rows = _table_rows(table)
    assert rows[0] == HEADINGS
    assert [row[0] for row in rows[1:]] == DIMENSIONS
    assert rows[3][1] == "市城乡规划局清新分局、选址园区"  # as 附件5 prints it
    assert rows[8][1] == "区经济和信息化局"  # 附件5's 能源消耗评估 row
    assert rows[6][1] == "区经济和信息化局、区国税局、区地税局"
    assert rows[10][1] == "区府办公室、区法制局"
    assert rows[1][2].split("\n") == [
        "同意",
        "产业政策审查意见第一行",
        "第二行",
        "评审人：评审人0",
        "2026年11月2日",  # on a line of its own: the date never wraps inside
    ]
    assert rows[2][2].startswith("不同意\n环境影响审查意见第一行")
    assert rows[10][3] == "项目法律风险评审建议"
    assert _label_value(head, "项目编号") == unbroken("QX-2026-0001")  # never broken
    assert _label_value(head, "项目名称") == PROJECT
    assert _label_value(head, "投资总额") == "65,000万元"
    assert _label_value(head, "评审轮次") == "第2轮"
    assert _label_value(head, "评审时间") == "2026年11月2日至2026年11月6日"
    assert _label_value(head, "截止日期") == "2026年11月9日"
    text = docx_text(review_opinion_sheet(_sheet(policy)))
    assert "组织单位：项目评审小组（盖章）\n日期：2026年11月6日" in text


def test_a_failed_sheet_names_the_veto_dimension(policy: Policy):
    head = _open(review_opinion_sheet(_sheet(policy))).tables[0]
    assert _label_value(head, "评审结论") == "不通过（一票否决：环境影响，001 四(一)、六(三)）"


@pytest.mark.parametrize(
    ("outcome", "shown"),
    [
        ("passed", "通过"),
        ("flagged", "通过（有单位不同意，见评审意见）"),  # never "有条件通过"
        ("failed", "不通过"),
        (None, "评审中"),
    ],
)
def test_the_sheet_shows_each_outcome(policy: Policy, outcome: str | None, shown: str):
    sheet = _sheet(policy, outcome=outcome, veto_dimension=None)
    assert _label_value(_open(review_opinion_sheet(sheet)).tables[0], "评审结论") == shown


def test_a_joint_row_shows_each_units_opinion_and_answers_under_the_joint_verdict(
    policy: Policy,
):
    rows = _rows(policy)
    rows[0] = ReviewRow(
        rows[0].label,
        rows[0].units,
        verdict="disagree",
        unit_opinions=[
            UnitOpinion(
                "区发展改革局",
                "disagree",
                "属于禁止类",
                "建议不予引进",
                "曾卫坤",
                date(2026, 11, 3),
                [Confirmation(1, "禁止类项目", "yes"), Confirmation(2, "负面清单", "no")],
            )
        ],
    )
    rows[4] = ReviewRow(
        rows[4].label,
        rows[4].units,
        verdict="conditional",
        unit_opinions=[
            UnitOpinion("区经济和信息化局", "agree"),
            UnitOpinion("区贸促会", "conditional", "须补充", "补充资信证明"),
        ],
    )
    rows[9] = replace(rows[9], added_by="000 一(二)1(10)")
    doc = _open(review_opinion_sheet(_sheet(policy, rows=rows)))
    table = _table_rows(doc.tables[1])
    assert table[1][2].split("\n") == [
        "不同意",
        "区发展改革局：不同意",
        "属于禁止类",
        "禁止引入类别（一）禁止类项目：属于",
        "禁止引入类别（二）负面清单：不属于",
        "评审人：曾卫坤",
        "2026年11月3日",
    ]
    assert table[1][3] == "区发展改革局：建议不予引进"
    assert table[5][2].split("\n") == [
        "有条件同意",
        "区经济和信息化局：同意",
        "区贸促会：有条件同意",
        "须补充",
    ]
    assert table[5][3] == "区贸促会：补充资信证明"
    text = docx_text(review_opinion_sheet(_sheet(policy, rows=rows, concluder="张庆忠")))
    assert "注：“项目法律风险评审”一栏为附件5所未列，按000 一(二)1(10)增列于后。" in text
    assert "评审结论由项目评审小组张庆忠作出。" in text


def test_an_open_round_shows_who_has_not_yet_given_an_opinion(policy: Policy):
    rows = [ReviewRow(row.label, row.units) for row in _rows(policy)]
    rows[0] = replace(_rows(policy)[0], verdict="conditional", suggestion=None)
    sheet = _sheet(policy, rows=rows, outcome=None, veto_dimension=None, closed_on=None)
    doc = _open(review_opinion_sheet(sheet))
    table = _table_rows(doc.tables[1])
    assert table[1][2].startswith("有条件同意\n")
    assert table[1][3] == ""
    assert [row[2] for row in table[2:]] == ["未表态"] * 9
    assert _label_value(doc.tables[0], "评审时间") == "2026年11月2日起（评审中）"
    assert "日期：　　年　　月　　日" in docx_text(review_opinion_sheet(sheet))


def test_an_unknown_verdict_or_outcome_is_refused():
    with pytest.raises(ValueError, match="verdict"):
        ReviewRow("产业政策", ["区发展改革局"], verdict="同意")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="outcome"):
        ReviewSheet(
            "QX-1",
            "x",
            None,
            None,
            1,
            date(2026, 1, 1),
            date(2026, 1, 2),
            outcome="ok",  # type: ignore[arg-type]
        )
