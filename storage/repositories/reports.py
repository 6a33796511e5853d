"""Monthly reports of the member units and their rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.tables import MonthlyReport, MonthlyReportRow
from storage.types import Clock


class ReportRepository:
    """Queries and changes on monthly reports."""

    def __init__(self, session: Session, now: Clock) -> None:
        self.session = session
        self.now = now

    def get(self, unit_id: str, period: str) -> MonthlyReport | None:
        """A unit's report for a period."""
        stmt = select(MonthlyReport).where(
            MonthlyReport.unit_id == unit_id, MonthlyReport.period == period
        )
        return self.session.exec(stmt).first()

    def submit(
        self,
        unit_id: str,
        period: str,
        person_id: int | None,
        at: datetime,
        rows: Sequence[MonthlyReportRow],
        nothing_to_report: bool,
    ) -> MonthlyReport:
        """Store a unit's report; a later submission in the same period replaces the rows."""
        report = self.get(unit_id, period) or MonthlyReport(unit_id=unit_id, period=period)
        report.nothing_to_report, report.submitted_by, report.submitted_at = (
            nothing_to_report,
            person_id,
            at,
        )
        self.session.add(report)
        self.session.flush()
        self.session.exec(
            delete(MonthlyReportRow).where(  # type: ignore[call-overload]
                col(MonthlyReportRow.report_id) == report.id
            )
        )
        for row in rows:
            row.report_id = report.id or 0
            self.session.add(row)
        self.session.flush()
        return report

    def of_period(self, period: str) -> Sequence[MonthlyReport]:
        """Every report of a period."""
        stmt = select(MonthlyReport).where(MonthlyReport.period == period)
        return self.session.exec(stmt.order_by(col(MonthlyReport.unit_id))).all()

    def of_periods(
        self, periods: Sequence[str], unit_ids: Sequence[str] | None = None
    ) -> Sequence[MonthlyReport]:
        """Every report of these periods (of these units only, when given), in one query."""
        stmt = select(MonthlyReport).where(col(MonthlyReport.period).in_(list(periods)))
        if unit_ids is not None:
            stmt = stmt.where(col(MonthlyReport.unit_id).in_(list(unit_ids)))
        return self.session.exec(stmt.order_by(col(MonthlyReport.id))).all()

    def rows(self, report_id: int) -> Sequence[MonthlyReportRow]:
        """A report's rows, in order."""
        stmt = (
            select(MonthlyReportRow)
            .where(MonthlyReportRow.report_id == report_id)
            .order_by(col(MonthlyReportRow.id))
        )
        return self.session.exec(stmt).all()
