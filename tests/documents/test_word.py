"""The Word documents: 附件5's review sheet, the joint meeting's minutes, the city's forms."""

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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from documents.word import (
    AgendaItem,
    Attendee,
    AttendeeGroup,
    CityAction,
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
from documents.word.city import SIGNATURE_ROWS
from documents.word.minutes import Disagreement
from documents.word.review_sheet import Confirmation, UnitOpinion, Verdict
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
# A character outside the Basic Multilingual Plane, to check text survives the round trip.
PROJECT = "𠮷祥新能源汽车电机壳体项目"


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


def _table_rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Each row's distinct cells (a merged cell once), as text."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[object] = set()
        for cell in row.cells:
            if cell._tc not in seen:
                seen.add(cell._tc)
                cells.append(cell.text)
        rows.append(cells)
    return rows


def _label_value(table, label: str) -> str:  # type: ignore[no-untyped-def]
    for row in _table_rows(table):
        if label in row:
            return row[row.index(label) + 1]
    raise AssertionError(f"no row labelled {label}: {_table_rows(table)}")


def _assert_title(doc: Document, expected: str) -> None:
    first = doc.paragraphs[0]
    assert first.text == expected
    assert first.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in first.runs)
    rpr = first.runs[0]._r.rPr
    assert rpr is not None
    fonts = rpr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"


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
        "评审人：评审人0    2026年11月2日",
    ]
    assert rows[2][2].startswith("不同意\n环境影响审查意见第一行")
    assert rows[10][3] == "项目法律风险评审建议"
    assert _label_value(head, "项目编号") == "QX-2026-0001"
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
        "评审人：曾卫坤    2026年11月3日",
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
    assert "日期：    年  月  日" in docx_text(review_opinion_sheet(sheet))


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


# 联席会议纪要


def test_minutes_record_each_project_decision_and_conditions():
    data = meeting_minutes(_minutes())
    doc = _open(data)
    _assert_title(doc, "招商选资工作协调联席会议纪要")
    lines = docx_text(data).split("\n")
    assert lines[1] == "2026年第3期"
    assert "时间：2026年11月20日 09:30" in lines  # stored in UTC, printed in Beijing time
    assert "地点：区政府三楼会议室" in lines
    assert "主持：张仁建（区委副书记、区长）" in lines
    assert "区发展改革局：卢梓星（局长）、曾卫坤" in lines
    assert "区经济和信息化局：张庆忠（局长）" in lines
    assert "会议议定事项" in lines
    first = lines.index(f"一、{PROJECT}（项目编号：QX-2026-0001）")
    assert lines[first + 1 : first + 7] == [
        "投资方：广东华锐精密科技股份有限公司；投资总额：65,000万元。",
        "评审结论：通过。",
        "会议决定：准予落户。",
        "落户条件：",
        "（一）2027年6月前动工建设",
        "（二）达产后亩均税收不低于30万元",
    ]
    second = lines.index("二、电镀加工项目（项目编号：QX-2026-0002）")
    assert lines[second + 1 : second + 5] == [
        "投资方：清远某电镀有限公司；投资总额：8,000.5万元。",
        "评审结论：通过（有单位不同意，见评审意见）。",  # never "有条件通过"
        "不同意意见：建设规划（市城乡规划局清新分局）：选址不符合园区规划",
        "会议决定：不予引进。",
    ]
    assert "有条件通过" not in docx_text(data)
    assert (
        "对经项目评审小组评审的3个项目（其中1个项目有评审单位不同意，意见如实列明）"
        in docx_text(data)
    )
    third = lines.index("三、冷链物流项目（项目编号：QX-2026-0003）")
    assert lines[third + 1 : third + 6] == [
        "投资方：—；投资总额：20,000万元。",
        "评审结论：通过。",
        "会议决定：暂缓。",
        "有关要求：",
        "（一）补充用地选址论证材料",
    ]


def test_minutes_close_with_the_mechanism_rules_and_the_distribution():
    text = docx_text(meeting_minutes(_minutes()))
    assert "由区长或区长授权区政府分管相关工作的领导签订正式投资合同（协议）" in text
    assert "由区发展改革局核准并备案" in text
    assert "各有关部门应在相关行政许可规定的时间内办完相关手续，不得拖延或拒绝办理" in text
    assert "未通过会议决策的项目，一律不予以引进。" in text
    assert "暂缓决策的项目" in text
    assert text.endswith(
        "发送：区招商选资工作领导小组各成员单位。\n抄送：区委办公室，区人大常委会办公室。"
    )


def test_minutes_state_only_the_rules_their_decisions_call_for():
    minutes = _minutes()
    only_approved = replace(minutes, items=minutes.items[:1], send_to=[], copy_to=[])
    text = docx_text(meeting_minutes(only_approved))
    assert "一律不予以引进" not in text
    assert "暂缓决策的项目" not in text
    assert "发送" not in text


def test_a_bare_meeting_number_is_printed_as_an_issue():
    assert docx_text(meeting_minutes(replace(_minutes(), number="3"))).split("\n")[1] == "第3期"


def test_minutes_number_their_pages():
    footer = _open(meeting_minutes(_minutes())).sections[0].footer.paragraphs[0]
    assert footer.text.startswith("— ")
    fields = footer._p.findall(qn("w:fldSimple"))
    assert [f.get(qn("w:instr")) for f in fields] == ["PAGE"]


# 市备案表, 遴选、评审审批表


def test_filing_form_carries_the_figures_and_the_office_row():
    data = filing_form(_filing())
    doc = _open(data)
    _assert_title(doc, "清远市招商项目备案表")
    table = doc.tables[0]
    assert doc.paragraphs[1].text.startswith("申报单位（盖章）：清新区")
    assert _label_value(table, "项目名称") == PROJECT
    assert _label_value(table, "投资主体") == "广东华锐精密科技股份有限公司"
    assert _label_value(table, "投资总额（万元）") == "25,000"
    assert _label_value(table, "固定资产投资（万元）") == "19,000"
    assert _label_value(table, "用地面积（亩）") == "40"
    assert _label_value(table, "所属行业") == "汽车零配件"
    assert _label_value(table, "项目选址") == "清新智能制造产业园"
    assert _label_value(table, "主要产品") == "新能源汽车电机壳体"
    assert _label_value(table, "预计年产值（万元）") == "24,000"
    assert _label_value(table, "预计年税收（万元）") == "1,300"
    assert _label_value(table, "亩均指标").split("\n") == [
        "固定资产投资强度：475万元/亩",
        "亩均产值：600万元/亩",
        "亩均税收：32.5万元/亩",
    ]
    assert _label_value(table, "优先引入情形").startswith("（五）投资主体是驰名商标企业")
    assert _label_value(table, "本地评审结论") == "通过"
    assert _label_value(table, "评审日期") == "2026年11月6日"
    assert _label_value(table, "联席会议决策") == "准予落户"
    assert _label_value(table, "决策日期") == "2026年11月20日"
    office = _label_value(table, "市招商引资工作领导小组办公室备案意见")
    assert office.endswith("签名：            年  月  日")
    assert "审批意见" not in docx_text(data)
    assert "联系人及电话：王明 0763-5812345" in docx_text(data)


def test_filing_form_shows_the_office_acknowledgement():
    acted = CityAction("city_office_director", "陈立", "acknowledge", None, date(2026, 11, 25))
    table = _open(filing_form(_filing(actions=[acted]))).tables[0]
    office = _label_value(table, "市招商引资工作领导小组办公室备案意见").split("\n")
    assert office[0] == "予以备案"
    assert office[-1] == "签名：陈立        2026年11月25日"


def test_missing_figures_print_as_dashes():
    form = _filing(fixed_asset_wan=None, land_area_mu=None, priority=[], industry=None)
    table = _open(filing_form(form)).tables[0]
    assert _label_value(table, "固定资产投资（万元）") == "—"
    assert _label_value(table, "所属行业") == "—"
    assert _label_value(table, "亩均指标").startswith("固定资产投资强度：—万元/亩")
    assert _label_value(table, "优先引入情形") == "无"


def test_approval_form_from_3yi_has_the_executive_deputy_row():
    form = _filing(route="approval", total_investment_wan=Decimal(30000))
    doc = _open(approval_form(form))
    _assert_title(doc, "清远市招商项目遴选、评审审批表")
    labels = [row[0] for row in _table_rows(doc.tables[0])]
    assert "市招商引资工作领导小组常务副组长审批意见" in labels
    assert "市招商引资工作领导小组组长审批意见" not in labels
    assert "市招商引资工作领导小组办公室备案意见" not in labels


def test_approval_form_from_10yi_has_preliminary_and_leader_rows_filled_when_known():
    deputy = CityAction(
        "city_exec_deputy", "李文", "approve", "同意，报组长审批", date(2026, 12, 1)
    )
    form = _filing(route="two_level", total_investment_wan=Decimal(120000), actions=[deputy])
    table = _open(approval_form(form)).tables[0]
    labels = [row[0] for row in _table_rows(table)]
    first = labels.index("市招商引资工作领导小组常务副组长初审意见")
    assert labels[first + 1] == "市招商引资工作领导小组组长审批意见"
    assert _label_value(table, "投资总额（万元）") == "120,000"
    assert _label_value(table, "市招商引资工作领导小组常务副组长初审意见").split("\n") == [
        "同意",
        "同意，报组长审批",
        "签名：李文        2026年12月1日",
    ]
    leader = _label_value(table, "市招商引资工作领导小组组长审批意见")
    assert leader.split("\n") == ["", "", "签名：            年  月  日"]


def test_the_latest_action_of_an_official_is_shown():
    returned = CityAction("city_exec_deputy", "李文", "return", "补充能耗材料", date(2026, 12, 1))
    approved = CityAction("city_exec_deputy", "李文", "approve", None, date(2026, 12, 8))
    table = _open(approval_form(_filing(route="approval", actions=[returned, approved]))).tables[0]
    row = _label_value(table, "市招商引资工作领导小组常务副组长审批意见").split("\n")
    assert row[0] == "同意"
    assert row[-1].endswith("2026年12月8日")


def test_forms_refuse_the_wrong_route_or_a_stray_official():
    with pytest.raises(ValueError):
        filing_form(_filing(route="approval"))
    with pytest.raises(ValueError):
        approval_form(_filing())
    with pytest.raises(ValueError, match="city_leader"):
        approval_form(_filing(route="approval", actions=[CityAction("city_leader")]))
    with pytest.raises(ValueError, match="route"):
        _filing(route="city")


def test_signature_rows_follow_the_policy_routing(policy: Policy):
    for tier in policy.routing:
        positions = [position for position, _ in SIGNATURE_ROWS[tier.route]]
        assert positions == list(tier.approvers)


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
