"""The office's monthly aggregate of the member units' reports: a chat summary and an Excel
file, ready for the joint meeting (000 一(三)1(2)); then who filed on time, late or not at
all, as a chart with its numbers in the text."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from conversations.replies import Reply
from documents.charts import (
    FILED,
    PNG,
    ReportStatus,
    report_status,
    report_status_png,
    report_status_texts,
)
from documents.excel import MonthlyAggregate, ReportRow, UnitReport, monthly_aggregate
from handlers.context import Services
from handlers.notify import notify_many
from storage.tables import MonthlyReport
from storage.uow import UnitOfWork
from workflow.reporting import ReportWindow, departments
from workflow.roles import Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def submitted_on(s: Services, report: MonthlyReport | None) -> date | None:
    """The day, in the deployment's time zone, a report was submitted; None when it has not
    been (a report begun and never sent is not filed). Whether that day was late is
    `workflow.reporting.submitted_late`: the aggregate, the grid and the assessment agree."""
    if report is None or report.submitted_at is None:
        return None
    return report.submitted_at.astimezone(s.timezone).date()


def report_rows(uow: UnitOfWork, report: MonthlyReport | None) -> list[ReportRow]:
    """What a filed report said, row by row, each with the departments it names; none for a
    report not filed."""
    if report is None or report.submitted_at is None:
        return []
    return [
        ReportRow(
            project=r.project,
            problem=r.problem,
            suggestion=r.suggestion,
            departments=departments(r.departments),
            progress=r.progress,
        )
        for r in uow.reports.rows(report.id or 0)
    ]


def aggregate_data(s: Services, uow: UnitOfWork, w: ReportWindow) -> MonthlyAggregate:
    """Every member unit's report of a period (or its absence)."""
    units = []
    for unit in s.policy.member_units():
        report = uow.reports.get(unit.id, w.period)
        filed_on = submitted_on(s, report)
        rows = report_rows(uow, report)
        units.append(
            UnitReport(
                unit=unit.name,
                submitted_on=filed_on,
                nothing_to_report=bool(report and report.nothing_to_report),
                rows=rows,
            )
        )
    return MonthlyAggregate(
        period=w.period,
        due_on=w.due_on,
        units=units,
        unit=s.policy.office().name,
        made_on=s.today(),
    )


def aggregate_workbook(s: Services, data: MonthlyAggregate) -> tuple[str, bytes]:
    """The aggregate's Excel file (附件6 汇总) as the office gets it: its name and bytes."""
    return s.file_name("monthly", period=data.period), monthly_aggregate(data, renderer=s.renderer)


def summary_params(data: MonthlyAggregate) -> dict[str, Any]:
    """What the chat summary shows: who reported, who did not, rows by project and department."""
    by_project: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_department: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for u in data.units:
        for r in u.rows:
            row = {"unit": u.unit, "problem": r.problem, "project": r.project}
            by_project[r.project].append(row)
            for d in r.departments:
                by_department[d].append(row)
    return {
        "period": data.period,
        "due": data.due_on,
        "submitted": [u.unit for u in data.units if u.submitted_on],
        "missing": [u.unit for u in data.units if not u.submitted_on],
        "by_project": dict(by_project),
        "by_department": dict(by_department),
    }


def send_aggregate(s: Services, uow: UnitOfWork, w: ReportWindow) -> int:
    """Send the aggregate to the office once, on (or after) the due date."""
    if not uow.first_run(f"mr:aggregate:{w.period}"):
        return 0
    data = aggregate_data(s, uow, w)
    stored = uow.outbox.store_file(*aggregate_workbook(s, data), XLSX)
    params = summary_params(data)
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id]
    uow.audit(
        "monthly_aggregate",
        "period",
        w.period,
        note=f"{len(params['submitted'])} submitted, {len(params['missing'])} missing",
    )
    sent = notify_many(
        s,
        uow,
        office,
        lambda loc: Reply(s.renderer.message(loc, "reports#aggregate", **params)),
        dedupe_key=f"mr:aggregate:{w.period}",
        file_id=stored.id,
    )
    return sent + send_status_chart(s, uow, status_of(data), office)


def status_of(data: MonthlyAggregate) -> ReportStatus:
    """The report status chart's data: each member unit on time, late or not filed."""
    return report_status(data.period, data.due_on, ((u.unit, u.submitted_on) for u in data.units))


def send_status_chart(
    s: Services, uow: UnitOfWork, status: ReportStatus, office: list[int]
) -> int:
    """The report status to the office, after the aggregate: the chart (when a CJK font is
    there to draw it) with its numbers as the text."""
    locale = s.renderer.default_locale
    content = report_status_png(status, report_status_texts(s.renderer, locale, status))
    file_id = None
    if content is not None and office:
        name = s.renderer.message(locale, "charts#file_status", period=status.period)
        file_id = uow.outbox.store_file(name, content, PNG).id
    units = {f: [u.unit for u in status.units if u.filed == f] for f in FILED}
    return notify_many(
        s,
        uow,
        office,
        lambda loc: Reply(
            s.renderer.message(
                loc, "charts#status_caption", period=status.period, due=status.due_on, **units
            )
        ),
        dedupe_key=f"mr:status:{status.period}",
        file_id=file_id,
    )
