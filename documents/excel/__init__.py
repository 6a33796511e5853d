"""Excel (.xlsx) workbooks of the mechanism, built from plain data and document templates."""

from __future__ import annotations

from templates.excel.assessment import Assessment, ProjectFollowUp, UnitRecord, annual_assessment
from templates.excel.base import xlsx_rows
from templates.excel.monthly import (
    MonthlyAggregate,
    ReportRow,
    UnitReport,
    monthly_aggregate,
    split_departments,
)

__all__ = [
    "Assessment",
    "MonthlyAggregate",
    "ProjectFollowUp",
    "ReportRow",
    "UnitRecord",
    "UnitReport",
    "annual_assessment",
    "monthly_aggregate",
    "split_departments",
    "xlsx_rows",
]
