"""The Excel workbooks: the office's monthly aggregate of 附件6 and the yearly unit assessment."""

from __future__ import annotations

import io
import time
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from documents.excel import (
    Assessment,
    MonthlyAggregate,
    ProjectFollowUp,
    ReportRow,
    UnitRecord,
    UnitReport,
    annual_assessment,
    monthly_aggregate,
    split_departments,
    xlsx_rows,
    xlsx_tables,
)

# A character outside the Basic Multilingual Plane, to check text survives the round trip.
PROJECT = "𠮷祥新能源汽车电机壳体项目"
DUE = date(2026, 12, 5)


def _monthly() -> MonthlyAggregate:
    return MonthlyAggregate(
        period="2026-11",
        due_on=DUE,
        units=[
            UnitReport(
                "区发展和改革局",
                date(2026, 12, 3),
                rows=[
                    ReportRow(
                        PROJECT,
                        problem="用地指标不足",
                        suggestion="申请调剂用地指标",
                        departments=["区自然资源局", "区住房城乡建设局"],
                        progress="已与区自然资源局对接",
                    ),
                    ReportRow("智能仓储物流项目", problem="环评审批进度慢"),
                ],
            ),
            UnitReport("区财政局", date(2026, 12, 8), nothing_to_report=True),
            UnitReport("区生态环境分局", None),
            UnitReport(
                "太和镇",
                date(2026, 12, 1),
                rows=[
                    ReportRow(
                        f" {PROJECT} ",  # stray spaces still group with the same project
                        problem="施工用电未接通",
                        suggestion="协调供电部门",
                        departments=["区住房城乡建设局", "区住房城乡建设局"],
                    )
                ],
            ),
            UnitReport("区市场监督管理局", None),
        ],
    )


def _assessment() -> Assessment:
    return Assessment(
        year=2026,
        as_of=date(2026, 12, 31),
        units=[
            UnitRecord(
                "区发展和改革局",
                reports_due=12,
                reports_on_time=10,
                reports_late=1,
                review_days=[3, 4, 4],
                overdue_reviews=1,
                projects_followed=4,
                open_problems=2,
                closed_problems=5,
                rating="良好",
            ),
            UnitRecord("区财政局", reports_due=16, reports_on_time=1, reports_late=15),
        ],
        projects=[
            ProjectFollowUp(
                "QX-2026-001",
                PROJECT,
                "区发展和改革局",
                signed_on=date(2026, 3, 1),
                committed_wan=Decimal("30000"),
                actual_wan=Decimal("25000"),
                start_due=date(2026, 6, 1),
                started_on=date(2026, 5, 20),
                production_due=date(2026, 12, 1),
                in_production_on=date(2026, 11, 30),
            ),
            ProjectFollowUp(
                "QX-2026-002",
                "智能仓储物流项目",
                "太和镇",
                signed_on=date(2026, 5, 1),
                committed_wan=Decimal("8000"),
                actual_wan=Decimal("1000"),
                start_due=date(2026, 8, 1),
                started_on=date(2026, 9, 1),
                production_due=date(2027, 8, 1),
            ),
            ProjectFollowUp(
                "QX-2026-003",
                "农产品加工项目",
                "太和镇",
                signed_on=date(2026, 9, 1),
                committed_wan=Decimal("5000"),
                actual_wan=Decimal("0"),
                start_due=date(2027, 3, 1),
            ),
        ],
    )


def _column(rows: list[list[object]], header: str) -> list[object]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def _labelled(rows: list[list[object]]) -> dict[object, object]:
    return {row[0]: row[1] for row in rows if row and row[0] is not None}


# Monthly aggregate


def test_monthly_has_its_four_sheets_in_order():
    assert list(xlsx_rows(monthly_aggregate(_monthly()))) == [
        "汇总",
        "按项目",
        "按协调部门",
        "原始报表",
    ]


def test_summary_counts_units_and_names_those_not_submitted():
    rows = xlsx_rows(monthly_aggregate(_monthly()))["汇总"]
    assert rows[0][0] == "2026年11月招商选资工作情况月报汇总"
    figures = _labelled(rows)
    assert figures["报送期间"] == "2026年11月"
    assert figures["报送截止日期"] == DUE
    assert figures["应报送单位（个）"] == 5
    assert figures["已报送单位（个）"] == 3
    assert figures["其中逾期报送（个）"] == 1
    assert figures["其中本月无需报告事项（个）"] == 1
    assert figures["未报送单位（个）"] == 2
    assert figures["未报送单位名单"] == "区生态环境分局、区市场监督管理局"
    assert figures["逾期报送单位名单"] == "区财政局"
    assert figures["反映问题（条）"] == 3
    assert figures["涉及招商项目（个）"] == 2
    status = {row[0]: row[1] for row in rows if row[1] in {"按时报送", "逾期报送", "未报送"}}
    assert status == {
        "区发展和改革局": "按时报送",
        "区财政局": "逾期报送",
        "区生态环境分局": "未报送",
        "太和镇": "按时报送",
        "区市场监督管理局": "未报送",
    }


def test_summary_says_none_when_every_unit_submitted():
    report = MonthlyAggregate("2026-11", DUE, [UnitReport("区财政局", DUE, True)])
    figures = _labelled(xlsx_rows(monthly_aggregate(report))["汇总"])
    assert figures["未报送单位（个）"] == 0
    assert figures["未报送单位名单"] == "无"


def test_by_project_groups_rows_of_one_project_from_several_units():
    rows = xlsx_tables(monthly_aggregate(_monthly()))["按项目"]
    assert rows[0] == [
        "涉及招商项目",
        "填报单位",
        "存在问题",
        "解决建议",
        "需要协调的部门",
        "解决情况及进度",
    ]
    assert [row[:3] for row in rows[1:]] == [
        [PROJECT, "区发展和改革局", "用地指标不足"],
        [PROJECT, "太和镇", "施工用电未接通"],  # next to its project, though reported later
        ["智能仓储物流项目", "区发展和改革局", "环评审批进度慢"],
    ]
    assert rows[1][4] == "区自然资源局、区住房城乡建设局"
    assert rows[2][4] == "区住房城乡建设局"  # named twice, listed once


def test_by_department_lists_a_row_under_each_department_it_names():
    rows = xlsx_tables(monthly_aggregate(_monthly()))["按协调部门"]
    assert rows[0] == [
        "协调部门",
        "涉及招商项目",
        "填报单位",
        "存在问题",
        "解决建议",
        "解决情况及进度",
        "同时需协调的部门",
    ]
    assert [(row[0], row[2], row[3], row[6]) for row in rows[1:]] == [
        ("区自然资源局", "区发展和改革局", "用地指标不足", "区住房城乡建设局"),
        ("区住房城乡建设局", "区发展和改革局", "用地指标不足", "区自然资源局"),
        ("区住房城乡建设局", "太和镇", "施工用电未接通", None),
        ("（未注明协调部门）", "区发展和改革局", "环评审批进度慢", None),
    ]


def test_raw_sheet_keeps_every_row_as_sent_with_unit_date_and_remarks():
    rows = xlsx_tables(monthly_aggregate(_monthly()))["原始报表"]
    assert rows[0] == [
        "填报单位",
        "填表日期",
        "涉及招商项目",
        "存在问题",
        "解决建议",
        "需要协调的部门",
        "解决情况及进度",
        "备注",
    ]
    assert _column(rows, "填报单位") == ["区发展和改革局", "区发展和改革局", "区财政局", "太和镇"]
    assert rows[1][1] == date(2026, 12, 3)
    assert rows[3] == [
        "区财政局",
        date(2026, 12, 8),
        None,
        None,
        None,
        None,
        None,
        "本月无需报告事项；逾期报送",
    ]
    assert rows[4][2] == f" {PROJECT} "  # as submitted


def test_table_sheets_have_a_bold_frozen_header_widths_and_wrapped_cells():
    wb = openpyxl.load_workbook(io.BytesIO(monthly_aggregate(_monthly())))
    for name in ("按项目", "按协调部门", "原始报表"):
        ws = wb[name]
        assert ws.freeze_panes == "A5"  # under 附件6, the title, the unit's line and the header
        assert all(cell.font.b for cell in ws[4])
        assert ws.column_dimensions["A"].width >= 14
        assert ws.cell(row=5, column=3).alignment.wrap_text
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A4:")
    assert "年" in wb["原始报表"]["B5"].number_format  # 2026年12月3日, still a date


def test_split_departments_reads_a_stored_cell():
    assert split_departments("区自然资源局、区住建局，区自然资源局;\n太和镇 ") == [
        "区自然资源局",
        "区住建局",
        "太和镇",
    ]
    assert split_departments(None) == []


def test_monthly_refuses_inconsistent_reports():
    with pytest.raises(ValueError, match="period"):
        MonthlyAggregate("2026-13", DUE, [])
    with pytest.raises(ValueError, match="not submitted"):
        UnitReport("区财政局", None, rows=[ReportRow("项目")])
    with pytest.raises(ValueError, match="nothing to report"):
        UnitReport("区财政局", DUE, True, [ReportRow("项目")])


# Yearly assessment


def test_assessment_has_overview_units_and_projects():
    sheets = list(xlsx_rows(annual_assessment(_assessment())))
    assert sheets == ["总体情况", "成员单位考核", "项目跟踪"]


def test_unit_rows_carry_counts_and_rates():
    rows = xlsx_tables(annual_assessment(_assessment()))["成员单位考核"]
    assert rows[0][:7] == [
        "序号",
        "成员单位",
        "应报月报",
        "按时报送",
        "逾期报送",
        "未报送",
        "按时报送率",
    ]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["成员单位"] == "区发展和改革局"
    assert first["未报送"] == 1
    assert first["按时报送率"] == pytest.approx(0.833)  # 10 of 12 → 83.3%
    assert first["出具评审意见"] == 3
    assert first["平均评审用时（工作日）"] == pytest.approx(3.7)  # 11 / 3
    assert first["逾期评审"] == 1
    assert first["跟踪联络项目"] == 4
    assert (first["未解决问题"], first["已解决问题"]) == (2, 5)
    assert first["问题解决率"] == pytest.approx(0.714)
    assert first["初步评定"] == "良好"
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["按时报送率"] == pytest.approx(0.063)  # 1 of 16 = 6.25 → 6.3, half up
    assert second["平均评审用时（工作日）"] is None  # no opinions: nothing to average, left blank
    assert second["问题解决率"] is None


def test_rates_are_numbers_shown_as_percentages():
    wb = openpyxl.load_workbook(io.BytesIO(annual_assessment(_assessment())))
    ws = wb["成员单位考核"]
    headers = [cell.value for cell in ws[3]]  # under the title and the unit's line
    cell = ws.cell(row=4, column=headers.index("按时报送率") + 1)
    assert isinstance(cell.value, float)
    assert cell.number_format == "0.0%"
    assert ws.freeze_panes == "A4"
    assert all(c.font.b for c in ws[3])


def test_projects_show_funding_commitments_kept_and_status():
    rows = xlsx_tables(annual_assessment(_assessment()))["项目跟踪"]
    assert rows[0] == [
        "项目编号",
        "项目名称",
        "责任单位",
        "签约日期",
        "协议投资额（万元）",
        "实际到位资金（万元）",
        "资金到位率",
        "约定开工日期",
        "实际开工日期",
        "按期开工",
        "约定投产日期",
        "实际投产日期",
        "按期投产",
        "履约",
        "项目状态",
        "协议指标与遴选承诺不一致（遴选办法 八）",
    ]
    assert _column(rows, "资金到位率") == pytest.approx([0.833, 0.125, 0.0])
    assert _column(rows, "按期开工") == ["是", "否", "未到期"]
    assert _column(rows, "按期投产") == ["是", "未到期", None]  # no production date agreed
    assert _column(rows, "履约") == ["是", "否", "未到期"]
    assert _column(rows, "项目状态") == ["已投产（成功）", "在建", "已签约未开工"]
    assert _column(rows, "协议指标与遴选承诺不一致（遴选办法 八）") == ["一致"] * 3
    assert _column(rows, "实际开工日期") == [date(2026, 5, 20), date(2026, 9, 1), None]
    assert rows[1][1] == PROJECT


def test_overview_totals_the_year():
    figures = _labelled(xlsx_rows(annual_assessment(_assessment()))["总体情况"])
    assert figures["统计截止日期"] == date(2026, 12, 31)
    assert figures["应报月报（份）"] == 28
    assert figures["未报送（份）"] == 1
    assert figures["月报按时报送率"] == pytest.approx(0.393)  # 11 of 28
    assert figures["平均评审用时（工作日）"] == pytest.approx(3.7)
    assert figures["协议投资额（万元）"] == 43000
    assert figures["资金到位率"] == pytest.approx(0.605)  # 26000 of 43000 = 60.47 → 60.5
    assert figures["承诺期限已到的项目（个）"] == 2
    assert figures["按期履约项目（个）"] == 1
    assert figures["履约率"] == pytest.approx(0.5)
    assert figures["已投产项目（个）"] == 1
    assert figures["项目成功率"] == pytest.approx(0.333)


# Both workbooks


def test_workbooks_are_generated_quickly():
    for build in (lambda: monthly_aggregate(_monthly()), lambda: annual_assessment(_assessment())):
        build()  # the first call loads templates
        start = time.perf_counter()
        build()
        assert time.perf_counter() - start < 1.0  # a sanity bound
