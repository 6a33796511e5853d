"""The city's 备案表 and 遴选、评审审批表 (001 七(二)2): the plan's figures and its screening, the
review and the decision, and one signature row per official of the routing."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace

import pytest
from lxml import etree

from documents.samples.city import city_filing, city_two_level, sparse_approval
from documents.word import CityAction, approval_form, docx_text, filing_form
from documents.word.city import SIGNATURE_ROWS
from documents.word.layout import layout_problems
from tests.documents.docx_helpers import (
    PROJECT,
    assert_title,
    label_value,
    open_docx,
    table_rows,
    unbroken,
)
from workflow.policy import Policy

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OFFICE = "市招商引资工作领导小组办公室备案意见："
DEPUTY_APPROVAL = "市招商引资工作领导小组常务副组长审批意见："
DEPUTY_PRELIMINARY = "市招商引资工作领导小组常务副组长初审意见："
LEADER = "市招商引资工作领导小组组长审批意见："


def _signature(table, heading: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The lines of the signature row that starts with `heading`."""
    for row in table_rows(table):
        if row[0].startswith(heading):
            return row[0].split("\n")
    raise AssertionError(f"no signature row {heading}: {table_rows(table)}")


def test_a_filing_form_carries_the_plan_the_screening_and_the_office_row():
    data = filing_form(replace(city_filing(), project_name=PROJECT))
    doc = open_docx(data)
    assert_title(doc, "清远市招商项目备案表")
    assert doc.paragraphs[1].text.startswith("申报单位（盖章）：清远市清新区")
    assert doc.paragraphs[1].text.endswith("申报日期：2026年11月23日")
    table = doc.tables[0]
    assert label_value(table, "项目名称") == PROJECT
    assert label_value(table, "项目编号") == unbroken("QX-2026-0001")  # never broken
    assert label_value(table, "投资主体") == "广东华锐精密科技股份有限公司"
    assert label_value(table, "投资主体类别") == "行业龙头企业"
    assert label_value(table, "就业人数（人）") == "320"
    assert label_value(table, "投资总额（万元）") == "25,000"
    assert label_value(table, "固定资产投资（万元）") == "19,000"
    assert label_value(table, "用地面积（亩）") == "40"
    assert label_value(table, "用地方式") == "购地"
    assert label_value(table, "用地类型") == "■新增建设用地　　□盘活存量土地、厂房"
    assert label_value(table, "所属行业") == "汽车零配件"
    assert label_value(table, "项目选址") == "清新区智能制造生态产业园（太和片区）"
    assert label_value(table, "预计年产值（万元）") == "24,000"
    assert label_value(table, "预计年税收（万元）") == "1,300"
    assert label_value(table, "亩均指标").split("\n") == [
        "固定资产投资强度：475万元/亩",
        "亩均产值：600万元/亩",
        "亩均税收：32.5万元/亩",
    ]
    assert label_value(table, "计划开工时间") == "2027年3月"
    assert label_value(table, "计划投产时间") == "2028年6月"
    assert label_value(table, "环保准入").split("\n")[0] == (
        "【符合】项目选址不涉及生态保护红线。〔001 四(一)〕"
    )
    assert "安全设施设备与主体工程同时设计" in label_value(table, "安全生产")
    assert label_value(table, "禁止引入类别") == (
        "经初步筛查及评审，不属于《清远市招商引资项目遴选评审办法》第六条所列禁止引入类别"
    )
    assert label_value(table, "优先引入情形") == "驰名商标或高新技术企业"
    assert label_value(table, "可行性研究报告") == "■有　　□无"
    assert label_value(table, "本地评审结论") == "通过　　评审日期：2026年11月6日"
    assert label_value(table, "联席会议决策") == "准予落户　　决策日期：2026年11月20日"
    assert label_value(table, "投资方联系人及电话") == "王明 0763-5812345"
    assert _signature(table, OFFICE) == [
        OFFICE,
        "予以备案",
        "项目符合我市产业导向，予以备案。请督促企业按承诺的动工及投产时间推进建设。",
        "",
        "签名：陈立　　　2026年11月25日",
    ]
    assert "审批意见" not in docx_text(data) and "例外情形" not in docx_text(data)


def test_a_sparse_form_says_what_is_not_filled_in_and_never_prints_a_dash():
    data = approval_form(sparse_approval())
    table = open_docx(data).tables[0]
    for label in ("投资主体", "所属行业", "项目选址", "固定资产投资（万元）", "就业人数（人）"):
        assert label_value(table, label) == "（未填）", label
    assert label_value(table, "计划开工时间") == "（未填）"
    assert label_value(table, "环保准入") == "（未填）"
    assert label_value(table, "禁止引入类别") == "（未填）"  # not screened: nothing to say
    assert label_value(table, "亩均指标").split("\n")[0] == "固定资产投资强度：（未填）"
    assert label_value(table, "用地类型") == "□新增建设用地　　□盘活存量土地、厂房"
    assert label_value(table, "可行性研究报告") == "□有　　■无"
    assert label_value(table, "优先引入情形") == "无"
    assert label_value(table, "本地评审结论").startswith("（未填）")
    assert _signature(table, DEPUTY_APPROVAL)[-1] == "签名：　　　　　　　　　　　年　　月　　日"
    assert "—" not in docx_text(data)


def test_an_approval_form_from_3yi_has_only_the_executive_deputy_row():
    form = replace(sparse_approval(), actions=[CityAction("city_exec_deputy", "李文", "approve")])
    doc = open_docx(approval_form(form))
    assert_title(doc, "清远市招商项目遴选、评审审批表")
    heads = [row[0].split("\n")[0] for row in table_rows(doc.tables[0])]
    assert DEPUTY_APPROVAL in heads
    assert LEADER not in heads and DEPUTY_PRELIMINARY not in heads and OFFICE not in heads
    assert _signature(doc.tables[0], DEPUTY_APPROVAL)[1] == "同意"


def test_an_approval_form_from_10yi_has_the_preliminary_and_the_leaders_rows():
    data = approval_form(city_two_level())
    table = open_docx(data).tables[0]
    heads = [row[0].split("\n")[0] for row in table_rows(table)]
    assert heads.index(LEADER) == heads.index(DEPUTY_PRELIMINARY) + 1
    assert label_value(table, "投资总额（万元）") == "120,000"
    assert _signature(table, DEPUTY_PRELIMINARY) == [
        DEPUTY_PRELIMINARY,
        "同意",
        "同意。项目属战略性新兴产业，带动作用明显，报组长审批。",
        "",
        "签名：李文　　　2026年12月14日",
    ]
    assert _signature(table, LEADER)[1:3] == ["", ""]  # the 组长 has not acted yet
    assert label_value(table, "用地类型") == "□新增建设用地　　■盘活存量土地、厂房"
    assert (
        label_value(table, "禁止引入类别")
        == "【不符合】触及禁止引入第5条（指标不达标）。〔001 六(五)〕"
    )
    assert label_value(table, "例外情形").startswith("例外情形：战略性新兴产业项目（001 二）")
    assert label_value(table, "优先引入情形").split("\n") == ["优质投资主体", "大型制造业项目"]


def test_the_latest_action_of_an_official_is_shown():
    returned = CityAction("city_exec_deputy", "李文", "return", "补充能耗材料")
    approved = CityAction("city_exec_deputy", "李文", "approve", None, city_filing().submitted_on)
    form = replace(sparse_approval(), actions=[returned, approved])
    lines = _signature(open_docx(approval_form(form)).tables[0], DEPUTY_APPROVAL)
    assert lines[1] == "同意" and lines[2] == ""
    assert lines[-1].endswith("2026年11月23日")


def test_forms_refuse_the_wrong_route_or_a_stray_official():
    with pytest.raises(ValueError):
        filing_form(sparse_approval())
    with pytest.raises(ValueError):
        approval_form(city_filing())
    with pytest.raises(ValueError, match="city_leader"):
        replace(sparse_approval(), actions=[CityAction("city_leader")])
    with pytest.raises(ValueError, match="route"):
        replace(sparse_approval(), route="city")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="land_source"):
        replace(sparse_approval(), land_source="reused")  # type: ignore[arg-type]


def test_signature_rows_follow_the_policy_routing(policy: Policy):
    for tier in policy.routing:
        positions = [position for position, _ in SIGNATURE_ROWS[tier.route]]
        assert positions == list(tier.approvers)


@pytest.mark.parametrize(
    "build",
    [
        lambda: filing_form(city_filing()),
        lambda: approval_form(city_two_level()),
        lambda: approval_form(sparse_approval()),
    ],
    ids=["filing", "two_level", "sparse"],
)
def test_every_row_keeps_together_on_a_page_and_no_dash_is_printed(build):  # type: ignore[no-untyped-def]
    data = build()
    assert layout_problems(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    rows = list(body.iter(f"{W}tr"))
    assert rows and all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)
    assert "—" not in docx_text(data)
    serial = re.search(r"Q\u2060X[\u2060\d-]+", docx_text(data))
    assert serial is not None, "the serial prints with a word joiner between its characters"
    assert serial.group() == unbroken(serial.group().replace("\u2060", ""))


def test_every_label_fits_on_one_line_of_its_column():
    """A label column holds ten characters of 小四 (12 pt): 固定资产投资（万元） on one line."""
    doc = open_docx(filing_form(city_filing()))
    table = doc.tables[0]
    widths = [cell.width for cell in table.rows[0].cells]
    ten_characters = 10 * 12 * 635 * 20  # EMU: 10 em of 12 pt
    margins = 2 * 108 * 635  # the cells' left and right margins (108 twips each)
    assert widths[0] >= ten_characters + margins and widths[2] >= ten_characters + margins
    rows = table_rows(table)
    labels = [row[0] for row in rows if len(row) > 1] + [row[2] for row in rows if len(row) == 4]
    longest = max(labels, key=len)
    assert len(longest) <= 10, longest
