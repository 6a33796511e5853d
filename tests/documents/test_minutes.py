"""The joint meeting's minutes (联席会议纪要), laid out as GB/T 9704 lays out a 纪要."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from docx.oxml.ns import qn
from docx.shared import Pt

from documents.samples.minutes import minutes as full_minutes
from documents.samples.minutes import short_minutes, sparse_minutes
from documents.word import (
    AgendaItem,
    Attendee,
    AttendeeGroup,
    Minutes,
    docx_text,
    meeting_minutes,
)
from documents.word.layout import layout_problems
from documents.word.minutes import Disagreement
from tests.documents.docx_helpers import PROJECT, open_docx
from tests.documents.docx_helpers import as_read as _plain
from tests.documents.docx_helpers import assert_title as _assert_title
from tests.documents.docx_helpers import mm as _mm
from tests.documents.docx_helpers import row_has as _has


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


def _slip(data: bytes):  # type: ignore[no-untyped-def]
    """The 版记: the document's last table."""
    return open_docx(data).tables[-1]


# 联席会议纪要


def test_minutes_record_each_project_decision_and_conditions():
    data = meeting_minutes(_minutes())
    _assert_title(open_docx(data), "招商选资工作协调联席会议纪要")
    lines = _plain(docx_text(data)).split("\n")
    assert lines[1] == "2026年第3期"
    assert lines[2] == "区招商选资工作领导小组办公室\t2026年11月21日"
    assert "时间：2026年11月20日 09:30" in lines  # stored in UTC, printed in Beijing time
    assert "地点：区政府三楼会议室" in lines
    assert "主持：张仁建（区委副书记、区长）" in lines
    assert "区发展改革局：卢梓星（局长）、曾卫坤" in lines
    assert "区经济和信息化局：张庆忠（局长）" in lines
    assert "记录：吴惠红" in lines
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
        "投资方：（未填）；投资总额：20,000万元。",  # never a dash, which reads as 一
        "评审结论：通过。",
        "会议决定：暂缓。",
        "有关要求：",
        "（一）补充用地选址论证材料",
    ]


def test_a_serial_cannot_break_inside_a_heading():
    text = docx_text(meeting_minutes(_minutes()))
    for serial in ("QX-2026-0001", "QX-2026-0002", "QX-2026-0003"):
        assert serial not in text  # no plain hyphen a line may break at
        assert f"（项目编号：{serial}）" in _plain(text)


def test_a_missing_value_is_marked_unfilled_never_with_a_dash():
    text = docx_text(meeting_minutes(sparse_minutes()))
    assert "—" not in text and "－" not in text
    assert "投资方：（未填）；投资总额：（未填）。" in text
    assert "地点：（未填）" in text
    assert "主持：张仁建" in text.split("\n")
    assert "第4期" in text.split("\n")


def test_minutes_close_with_the_mechanism_rules():
    text = docx_text(meeting_minutes(_minutes()))
    assert "由区长或区长授权区政府分管相关工作的领导签订正式投资合同（协议）" in text
    assert "由区发展改革局核准并备案" in text
    assert "各有关部门应在相关行政许可规定的时间内办完相关手续，不得拖延或拒绝办理" in text
    assert "未通过会议决策的项目，一律不予以引进。" in text
    assert "暂缓决策的项目" in text


def test_the_distribution_is_the_imprint_at_the_foot_of_the_last_page():
    data = meeting_minutes(_minutes())
    slip = _slip(data)
    assert [[c.text for c in row.cells] for row in slip.rows] == [
        ["发送：区招商选资工作领导小组各成员单位。"] * 2,
        ["抄送：区委办公室，区人大常委会办公室。"] * 2,
        ["区招商选资工作领导小组办公室", "2026年11月21日印发"],
    ]
    tbl_pr = slip._tbl.tblPr
    position = tbl_pr.find(qn("w:tblpPr"))
    assert position is not None  # floating, so it sits at the foot whatever the text's length
    assert position.get(qn("w:vertAnchor")) == "margin"
    assert position.get(qn("w:tblpYSpec")) == "bottom"
    assert tbl_pr.find(qn("w:tblOverlap")).get(qn("w:val")) == "never"
    # Nothing follows it but the paragraph Word needs after a table.
    body = open_docx(data).element.body
    assert [el.tag for el in body][-3:] == [qn("w:tbl"), qn("w:p"), qn("w:sectPr")]


def test_the_imprint_has_thick_first_and_last_rules_and_thin_ones_between():
    borders = _slip(meeting_minutes(_minutes()))._tbl.tblPr.find(qn("w:tblBorders"))
    size = {side: borders.find(qn(f"w:{side}")) for side in ("top", "bottom", "insideH")}
    thick, thin = int(size["top"].get(qn("w:sz"))), int(size["insideH"].get(qn("w:sz")))
    assert int(size["bottom"].get(qn("w:sz"))) == thick > thin > 0
    for side in ("left", "right", "insideV"):
        assert borders.find(qn(f"w:{side}")).get(qn("w:val")) == "nil"


def test_the_imprint_leaves_out_what_the_meeting_did_not_send():
    minutes = _minutes()
    only_approved = replace(minutes, items=minutes.items[:1], send_to=[], copy_to=[])
    data = meeting_minutes(only_approved)
    text = docx_text(data)
    assert "一律不予以引进" not in text
    assert "暂缓决策的项目" not in text
    assert "发送" not in text and "抄送" not in text
    rows = [[c.text for c in row.cells] for row in _slip(data).rows]
    assert rows == [["区招商选资工作领导小组办公室", "2026年11月21日印发"]]


def test_minutes_without_an_issue_date_leave_blanks_to_write_on():
    rows = _slip(meeting_minutes(sparse_minutes())).rows
    (issued,) = [c.text for c in rows[-1].cells][1:]
    assert "".join(issued.split()) == "年月日印发"


def test_a_bare_meeting_number_is_printed_as_an_issue():
    assert docx_text(meeting_minutes(replace(_minutes(), number="3"))).split("\n")[1] == "第3期"


def test_the_time_is_printed_in_the_deployments_time_zone():
    urumqi = replace(_minutes(), time_zone=ZoneInfo("Asia/Urumqi"))
    assert "时间：2026年11月20日 07:30" in docx_text(meeting_minutes(urumqi)).split("\n")
    naive = replace(_minutes(), held_at=datetime(2026, 11, 20, 1, 30))  # as storage keeps it
    assert "时间：2026年11月20日 09:30" in docx_text(meeting_minutes(naive)).split("\n")


def test_minutes_are_set_in_sanhao_fangsong_on_the_official_type_area():
    doc = open_docx(meeting_minutes(_minutes()))
    assert doc.styles["Normal"].font.size == Pt(16)  # 三号
    assert doc.paragraphs[0].runs[0].font.size == Pt(22)  # 二号 title
    section = doc.sections[0]
    margins = (
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    assert [_mm(m) for m in margins] == [37, 35, 28, 26]  # 版心 156 × 225 mm


def test_minutes_number_their_pages():
    footer = open_docx(meeting_minutes(_minutes())).sections[0].footer.paragraphs[0]
    assert footer.text.startswith("— ")
    fields = footer._p.findall(qn("w:fldSimple"))
    assert [f.get(qn("w:instr")) for f in fields] == ["PAGE"]


def test_no_row_of_the_minutes_splits_across_pages():
    for sample in (full_minutes(), short_minutes(), sparse_minutes()):
        data = meeting_minutes(sample)
        assert layout_problems(data) == []
        for table in open_docx(data).tables:
            for row in table.rows:
                assert _has(row, "cantSplit")
