"""What holds for every Word document: A4, Chinese fonts, quick."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn

from documents.word import (
    AgendaItem,
    Attendee,
    AttendeeGroup,
    CityFiling,
    Minutes,
    ReviewRow,
    ReviewSheet,
    approval_form,
    docx_text,
    filing_form,
    meeting_minutes,
    review_opinion_sheet,
)
from documents.word.minutes import Disagreement
from documents.word.review_sheet import Verdict
from tests.documents.docx_helpers import PROJECT
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


def _minutes() -> Minutes:
    return Minutes(
        number="2026年第3期",
        title="2026年第3次招商选资工作协调联席会议",
        held_at=datetime(2026, 11, 20, 1, 30, tzinfo=UTC),
        place="区政府三楼会议室",
        chair=Attendee("张仁建", "区委副书记、区长"),
        attendees=[
            AttendeeGroup("区发展改革局", [Attendee("卢梓星", "局长"), Attendee("曾卫坤")]),
            AttendeeGroup("区经济和信息化局", [Attendee("张庆忠", "局长")]),
        ],
        items=[
            AgendaItem(
                serial="QX-2026-0001",
                project_name=PROJECT,
                investor="广东华锐精密科技股份有限公司",
                total_investment_wan=Decimal(65000),
                outcome="passed",
                decision="approved",
                conditions=["2027年6月前动工建设", "达产后亩均税收不低于30万元"],
            ),
            AgendaItem(
                serial="QX-2026-0002",
                project_name="电镀加工项目",
                investor="清远某电镀有限公司",
                total_investment_wan=Decimal("8000.5"),
                outcome="flagged",
                decision="rejected",
                disagreements=[
                    Disagreement("建设规划", "市城乡规划局清新分局", "选址不符合园区规划")
                ],
            ),
            AgendaItem(
                serial="QX-2026-0003",
                project_name="冷链物流项目",
                investor=None,
                total_investment_wan=Decimal(20000),
                outcome="passed",
                decision="deferred",
                conditions=["补充用地选址论证材料"],
            ),
        ],
        recorder="吴惠红",
        issuer="区招商选资工作领导小组办公室",
        issued_on=date(2026, 11, 21),
        send_to=["区招商选资工作领导小组各成员单位"],
        copy_to=["区委办公室", "区人大常委会办公室"],
    )


def _filing(**changes: object) -> CityFiling:
    form = CityFiling(
        city="清远市",
        county="清新区",
        serial="QX-2026-0001",
        project_name=PROJECT,
        investor="广东华锐精密科技股份有限公司",
        route="filing",
        total_investment_wan=Decimal(25000),
        fixed_asset_wan=Decimal(19000),
        land_area_mu=Decimal(40),
        industry="汽车零配件",
        site="清新智能制造产业园",
        products="新能源汽车电机壳体",
        annual_output_wan=Decimal(24000),
        annual_tax_wan=Decimal(1300),
        priority=["（五）投资主体是驰名商标企业、国家高新技术企业的项目"],
        review_outcome="passed",
        reviewed_on=date(2026, 11, 6),
        decision="approved",
        decided_on=date(2026, 11, 20),
        contact="王明 0763-5812345",
        submitted_on=date(2026, 11, 23),
    )
    return replace(form, **changes)  # type: ignore[arg-type]


# Every document


def _all_documents(policy: Policy) -> dict[str, Callable[[], bytes]]:
    return {
        "sheet": lambda: review_opinion_sheet(_sheet(policy)),
        "minutes": lambda: meeting_minutes(_minutes()),
        "filing": lambda: filing_form(_filing()),
        "approval": lambda: approval_form(_filing(route="two_level")),
    }


@pytest.mark.parametrize("name", ["sheet", "minutes", "filing", "approval"])
def test_documents_are_a4_with_chinese_fonts_and_round_trip_chinese(policy: Policy, name: str):
    data = _all_documents(policy)[name]()
    doc = _open(data)
    section = doc.sections[0]
    width, height = section.page_width, section.page_height
    assert width is not None and height is not None
    assert [round(length.mm) for length in (width, height)] == [210, 297]
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    assert PROJECT in docx_text(data)


@pytest.mark.parametrize("name", ["sheet", "minutes", "filing", "approval"])
def test_documents_are_generated_quickly(policy: Policy, name: str):
    build = _all_documents(policy)[name]
    build()  # the first call loads templates
    best = min(_timed(build) for _ in range(3))
    assert best < 1.0  # a sanity bound; the 200 ms budget is for the benchmarks


def _timed(build: Callable[[], bytes]) -> float:
    start = time.perf_counter()
    build()
    return time.perf_counter() - start


def test_docx_text_lists_a_merged_cell_once(policy: Policy):
    text = docx_text(review_opinion_sheet(_sheet(policy)))
    assert text.count(PROJECT) == 1
