"""The 招商项目信息库 (000 附件8 ②: every confirmed lead goes into the library) as a
workbook: one row per project of the view the office exported, with the view named above the
table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from documents.excel.base import MONEY, Column, Heading, TableSheet, Words, new_workbook, to_bytes
from documents.texts import Texts
from templates.renderer import Renderer

TEMPLATE: Final = "excel_projects.j2"


@dataclass(frozen=True, slots=True)
class LibraryRow:
    """One project of the library, as the office lists it."""

    serial: str  # 项目编号
    name: str  # 项目名称
    investor: str | None  # 投资方
    sector: str | None  # 行业 (its name in the policy)
    site: str | None  # 项目选址
    total_investment_wan: Decimal | None  # 投资总额（万元）
    land_area_mu: Decimal | None  # 用地面积（亩）
    stage: str  # the stage's id (workflow.pipeline.Stage)
    priority: bool  # 优先引入
    submitted_on: date | None  # 提交日期
    updated_on: date | None  # 最近更新


@dataclass(frozen=True, slots=True)
class ProjectLibrary:
    """The rows of one view of the library: a stage filter (its token, as /pipeline names
    it) or a search's words; `total` is how many the view holds when only the first rows are
    exported."""

    rows: Sequence[LibraryRow]
    as_of: date
    view: str | None = None
    query: str | None = None
    total: int | None = None


def project_library(
    lib: ProjectLibrary, *, renderer: Renderer | None = None, unit: str | None = None
) -> bytes:
    """The view as an .xlsx file; `unit` is who exports it (填报单位), the office."""
    text = Words(Texts(renderer, TEMPLATE))
    wb = new_workbook()
    columns = [
        Column(text("column", key="number"), 6),
        Column(text("column", key="serial"), 14, whole=True),
        Column(text("column", key="name"), 24),
        Column(text("column", key="investor"), 22),
        Column(text("column", key="sector"), 12),
        Column(text("column", key="site"), 12),
        Column(text("column", key="total"), 13, MONEY),
        Column(text("column", key="land"), 11, MONEY),
        Column(text("column", key="stage"), 14, centred=True),
        Column(text("column", key="priority"), 8, centred=True),
        Column(text("column", key="submitted_on"), 14, text("date_format")),
        Column(text("column", key="updated_on"), 14, text("date_format")),
    ]
    sheet = TableSheet(
        wb,
        text("sheet"),
        Heading(
            title=text("title"),
            left=text("unit_line", unit=unit),
            right=text("view_line", view=lib.view, query=lib.query, day=lib.as_of),
            footer=text("footer"),
        ),
        columns,
        missing=text("missing"),
    )
    for number, r in enumerate(lib.rows, start=1):
        sheet.row(
            [
                number,
                r.serial,
                r.name,
                r.investor,
                r.sector,
                r.site,
                r.total_investment_wan,
                r.land_area_mu,
                text("stage", code=r.stage),
                text("yes_no", value=r.priority),
                r.submitted_on,
                r.updated_on,
            ]
        )
    if lib.total is not None and lib.total > len(lib.rows):
        sheet.note(text("truncated", shown=len(lib.rows), total=lib.total))
    sheet.finish()
    return to_bytes(wb)
