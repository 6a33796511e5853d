"""The workbooks print as the office's forms: every table cell framed, the form's name and the
reporting unit above the table, A4 landscape fitted to the page's width with the title and
header on every page, frozen headers, number formats for 万元, per cent and dates, and no dash
for an empty value. Checked from the .xlsx, for a district of a hundred units."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from documents.excel import annual_assessment, monthly_aggregate
from documents.excel.base import PAGE_WIDTH
from documents.samples.excel import LONG_PROBLEM, OFFICE, district_aggregate, district_assessment

TABLE_SHEETS = ("按项目", "按协调部门", "原始报表")


def _open(data: bytes) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def monthly() -> Workbook:
    return _open(monthly_aggregate(district_aggregate()))


@pytest.fixture(scope="module")
def assessment() -> Workbook:
    return _open(annual_assessment(district_assessment(), unit=OFFICE))


@pytest.fixture(scope="module")
def workbooks(monthly: Workbook, assessment: Workbook) -> list[Workbook]:
    return [monthly, assessment]


def _header_row(ws: Worksheet) -> int:
    """The table's header row: the last row printed on every page."""
    return int(ws.print_title_rows.split(":")[-1].strip("$"))


def _table(ws: Worksheet) -> Iterator[tuple[int, int]]:
    """Every (row, column) of the sheet's table, header included."""
    for row in range(_header_row(ws), ws.max_row + 1):
        for column in range(1, ws.max_column + 1):
            yield row, column


def _framed(ws: Worksheet, row: int, column: int) -> bool:
    """Whether a cell has thin rules on every side; a merged cell's on the merge's outline."""
    border = ws.cell(row=row, column=column).border
    sides = [border.top, border.bottom]
    merged = next((m for m in ws.merged_cells.ranges if (row, column) in m.cells), None)
    if merged is None or column == merged.min_col:
        sides.append(border.left)
    if merged is None or column == merged.max_col:
        sides.append(border.right)
    return all(side.style == "thin" for side in sides)


def _widths(ws: Worksheet) -> list[float]:
    letters = [openpyxl.utils.get_column_letter(c) for c in range(1, ws.max_column + 1)]
    return [ws.column_dimensions[letter].width for letter in letters]


# The table: framed, fitted, numbers formatted


def test_every_table_cell_is_framed_header_and_body_on_every_sheet(workbooks: list[Workbook]):
    for wb in workbooks:
        for ws in wb.worksheets:
            if ws.title == "总体情况":
                continue  # a list of figures, checked below
            unframed = [(r, c) for r, c in _table(ws) if not _framed(ws, r, c)]
            assert not unframed, (ws.title, unframed[:5])


def test_every_figure_of_a_summary_is_framed_label_and_value(
    monthly: Workbook, assessment: Workbook
):
    for ws, first, last in ((monthly["汇总"], 3, 13), (assessment["总体情况"], 3, 26)):
        assert ws.cell(row=first, column=1).value in {"报送期间", "考核年度"}
        assert ws.cell(row=last + 1, column=1).value is None  # one blank row after the figures
        for row in range(first, last + 1):
            assert all(_framed(ws, row, c) for c in range(1, ws.max_column + 1)), (ws.title, row)


def test_the_summary_units_table_follows_its_figures_and_counts_every_unit(monthly: Workbook):
    ws = monthly["汇总"]
    header = _header_row(ws)
    assert [c.value for c in ws[header]] == [
        "填报单位",
        "报送情况",
        "填表日期",
        "反映问题（条）",
        "备注",
    ]
    assert ws.max_row - header == 100


def test_monthly_table_sheets_print_at_full_size_on_a_landscape_page(monthly: Workbook):
    for ws in monthly.worksheets:
        assert sum(_widths(ws)) <= PAGE_WIDTH, ws.title  # fit-to-width need not shrink them


def test_the_widest_table_shrinks_to_no_less_than_seventy_per_cent(assessment: Workbook):
    for ws in assessment.worksheets:
        assert PAGE_WIDTH / sum(_widths(ws)) >= 0.7, ws.title


def test_a_long_problem_wraps_into_a_taller_row(monthly: Workbook):
    ws = monthly["按项目"]
    problem = [c.value for c in ws[4]].index("存在问题") + 1
    heights = {
        ws.cell(row=r, column=problem).value: ws.row_dimensions[r].height
        for r in range(5, ws.max_row + 1)
    }
    assert ws.cell(row=5, column=problem).alignment.wrap_text
    assert heights[LONG_PROBLEM] >= 3 * 16 > heights["施工用电未接通"]


def test_amounts_rates_and_dates_keep_their_formats(assessment: Workbook, monthly: Workbook):
    ws = assessment["项目跟踪"]
    header = [c.value for c in ws[3]]
    first = {h: ws.cell(row=4, column=i) for i, h in enumerate(header, start=1)}
    assert first["协议投资额（万元）"].number_format == "#,##0.00"
    assert first["协议投资额（万元）"].value == 30000
    assert first["资金到位率"].number_format == "0.0%"
    assert isinstance(first["签约日期"].value, datetime)  # a date Excel can sort and filter
    assert first["签约日期"].number_format == "yyyy.mm.dd"
    overview = {r[0].value: r[1] for r in assessment["总体情况"].iter_rows() if r[0].value}
    assert overview["协议投资额（万元）"].number_format == "#,##0.00"
    assert overview["项目成功率"].number_format == "0.0%"
    raw = monthly["原始报表"]
    assert isinstance(raw["B5"].value, datetime)
    assert raw["B5"].number_format == 'yyyy"年"m"月"d"日"'


def test_no_cell_shows_a_dash_for_an_empty_value(workbooks: list[Workbook]):
    for wb in workbooks:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    text = cell.value if isinstance(cell.value, str) else ""
                    assert "—" not in text and text.strip() not in {"-", "–"}, (
                        ws.title,
                        cell.coordinate,
                    )
    projects = workbooks[1]["项目跟踪"]
    started = [c.value for c in projects[3]].index("实际开工日期") + 1
    assert projects.cell(row=4, column=started).value is None  # not started: left blank


# Above the table: the form's name and the reporting unit


def test_table_sheets_carry_the_form_mark_title_and_reporting_unit_of_attachment_6(
    monthly: Workbook,
):
    titles = {
        "按项目": "2026年11月招商选资工作情况月报表（按项目汇总）",
        "按协调部门": "2026年11月招商选资工作情况月报表（按协调部门汇总）",
        "原始报表": "2026年11月招商选资工作情况月报表（各单位报表原文）",
    }
    for name, title in titles.items():
        ws = monthly[name]
        span = ws.max_column
        last = openpyxl.utils.get_column_letter(span)
        assert ws["A1"].value == "附件6"
        assert ws["A2"].value == title
        assert f"A2:{last}2" in {str(r) for r in ws.merged_cells.ranges}  # across the table
        line = [c.value for c in ws[3] if c.value]
        assert line == [f"填报单位：{OFFICE}", "填表日期：2026年12月7日"]


def test_the_summary_has_its_title_and_unit_line_without_the_form_mark(monthly: Workbook):
    ws = monthly["汇总"]
    assert ws["A1"].value == "2026年11月招商选资工作情况月报汇总"
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2] if c.value] == [
        f"填报单位：{OFFICE}",
        "填表日期：2026年12月7日",
    ]


def test_without_a_reporting_unit_the_line_is_left_to_fill_in():
    wb = _open(monthly_aggregate(district_aggregate(unit=None)))
    assert wb["按项目"]["A3"].value == "填报单位："


def test_assessment_sheets_name_the_year_unit_and_cut_off_date(assessment: Workbook):
    titles = {
        "总体情况": "2026年度招商选资工作领导小组成员单位考核总体情况",
        "成员单位考核": "2026年度招商选资工作领导小组成员单位考核表",
        "项目跟踪": "2026年度签约项目跟踪服务情况表",
    }
    for name, title in titles.items():
        ws = assessment[name]
        assert ws["A1"].value == title
        assert [c.value for c in ws[2] if c.value] == [
            f"填报单位：{OFFICE}",
            "统计截止日期：2026年12月31日",
        ]


# The page


def test_every_sheet_is_set_up_for_a4_fitted_to_the_width_and_centred(workbooks: list[Workbook]):
    for wb in workbooks:
        for ws in wb.worksheets:
            setup = ws.page_setup
            assert int(setup.paperSize) == int(ws.PAPERSIZE_A4), ws.title
            # A list of figures stands upright; every table lies on its side.
            expected = "portrait" if ws.title == "总体情况" else "landscape"
            assert setup.orientation == expected, ws.title
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), ws.title
            assert ws.print_options.horizontalCentered, ws.title
            assert ws.page_margins.left == ws.page_margins.right == 0.5
            assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_title_and_header_repeat_on_every_printed_page_and_stay_frozen(
    monthly: Workbook, assessment: Workbook
):
    for name in TABLE_SHEETS:
        assert monthly[name].print_title_rows == "$1:$4"
        assert monthly[name].freeze_panes == "A5"
    for name in ("成员单位考核", "项目跟踪"):
        assert assessment[name].print_title_rows == "$1:$3"
        assert assessment[name].freeze_panes == "A4"
    # The summary's figures print once; its units' header repeats on the pages after.
    summary = monthly["汇总"]
    assert summary.print_title_rows == f"${_header_row(summary)}:${_header_row(summary)}"
    assert assessment["总体情况"].print_title_rows == "$1:$2"


def test_the_filter_sits_on_the_header_row(monthly: Workbook):
    for name in TABLE_SHEETS:
        ws = monthly[name]
        assert (
            ws.auto_filter.ref
            == f"A4:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
        )
