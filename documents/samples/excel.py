"""Realistic data for the workbooks: a district of a hundred units' monthly reports, and a
year's assessment of fifteen units and forty signed projects, some figures missing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from documents.excel.monthly import MonthlyAggregate, ReportRow, UnitReport
from workflow.assessment import Assessment, ProjectFollowUp, UnitRecord

OFFICE: Final = "区招商选资工作领导小组办公室"
LONG_PROBLEM: Final = (
    "项目用地报批进度滞后：农用地转用指标尚未下达，林地占用审批仍在市局审核，"
    "企业已完成场地平整，若本月仍未批复将影响项目按协议约定时间动工。"
)


def district_aggregate(*, units: int = 100, unit: str | None = OFFICE) -> MonthlyAggregate:
    """November's reports of `units` member units: most with rows, some late, some absent,
    some with nothing to report; `unit` is who aggregates them."""
    reports = []
    for i in range(units):
        name = f"清新区第{i + 1}成员单位"
        if i % 10 == 3:
            reports.append(UnitReport(name, None))
        elif i % 10 == 5:
            reports.append(UnitReport(name, date(2026, 12, 8), nothing_to_report=True))
        else:
            rows = [
                ReportRow(
                    f"QX-2026-{(i + j) % 30 + 1:04d} 新能源汽车电机壳体项目",
                    problem=LONG_PROBLEM if j == 0 else "施工用电未接通",
                    suggestion="建议区自然资源局加快组卷报批，争取市局优先安排指标。",
                    departments=["市国土资源局清新分局", "区住房城乡建设局"][: j % 3],
                    progress="已与市局对接，预计下月下达指标。" if j else None,
                )
                for j in range(i % 4)
            ]
            day = date(2026, 12, 2 + i % 5)
            reports.append(UnitReport(name, day, nothing_to_report=not rows, rows=rows))
    return MonthlyAggregate(
        "2026-11", date(2026, 12, 5), reports, unit=unit, made_on=date(2026, 12, 7)
    )


def district_assessment() -> Assessment:
    """A year of fifteen member units and forty signed projects, some not yet started."""
    units = [
        UnitRecord(
            f"清新区第{i + 1}成员单位",
            reports_due=12,
            reports_on_time=10 - i % 3,
            reports_late=i % 2,
            review_days=[3, 4, 2 + i % 5] if i % 4 else [],
            overdue_reviews=i % 2,
            projects_followed=i % 5,
            open_problems=i % 3,
            closed_problems=i % 6,
            rating="良好" if i % 2 else None,
        )
        for i in range(15)
    ]
    projects = [
        ProjectFollowUp(
            f"QX-2026-{i + 1:04d}",
            f"智能仓储物流及冷链配送中心项目（第{i + 1}期）",
            "区经济和信息化局",
            signed_on=date(2026, 3, 1),
            committed_wan=Decimal(30000 + i * 1234),
            actual_wan=Decimal(2000 * i),
            start_due=date(2026, 6, 1),
            started_on=date(2026, 5, 20) if i % 2 else None,
            production_due=date(2027, 12, 1) if i % 3 else None,
        )
        for i in range(40)
    ]
    return Assessment(2026, date(2026, 12, 31), units, projects, reports_from="2026-03")
