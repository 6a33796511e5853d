"""Excel (.xlsx) workbooks of the mechanism, built from plain data and document templates."""

from __future__ import annotations

from documents.excel.assessment import annual_assessment
from documents.excel.monthly import (
    MonthlyAggregate,
    ReportRow,
    UnitReport,
    monthly_aggregate,
    split_departments,
)
from documents.excel.reading import xlsx_rows, xlsx_tables

# The assessment's records are the domain's (workflow.assessment); the builder takes them as given.
from workflow.assessment import Assessment, ProjectFollowUp, UnitRecord

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
    "xlsx_tables",
]
