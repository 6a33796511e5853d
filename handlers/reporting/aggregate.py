"""The office's monthly aggregate of the member units' reports: a chat summary and an Excel
file, ready for the joint meeting (000 一(三)1(2))."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from conversations.replies import Reply
from documents.excel import MonthlyAggregate, ReportRow, UnitReport, monthly_aggregate
from handlers.context import Services
from handlers.notify import notify_many
from storage.uow import UnitOfWork
from workflow.reporting import ReportWindow, departments
from workflow.roles import Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def aggregate_data(s: Services, uow: UnitOfWork, w: ReportWindow) -> MonthlyAggregate:
    """Every member unit's report of a period (or its absence)."""
    units = []
    for unit in s.policy.member_units():
        report = uow.reports.get(unit.id, w.period)
        submitted = report is not None and report.submitted_at is not None
        rows = (
            [
                ReportRow(
                    project=r.project,
                    problem=r.problem,
                    suggestion=r.suggestion,
                    departments=departments(r.departments),
                    progress=r.progress,
                )
                for r in uow.reports.rows(report.id or 0)
            ]
            if submitted and report
            else []
        )
        units.append(
            UnitReport(
                unit=unit.name,
                submitted_on=report.submitted_at.astimezone(s.timezone).date()
                if submitted and report and report.submitted_at
                else None,
                nothing_to_report=bool(report and report.nothing_to_report),
                rows=rows,
            )
        )
    return MonthlyAggregate(period=w.period, due_on=w.due_on, units=units)


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
    stored = uow.outbox.store_file(
        s.file_name("monthly", period=w.period),
        monthly_aggregate(data, renderer=s.renderer),
        XLSX,
    )
    params = summary_params(data)
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id]
    uow.audit(
        "monthly_aggregate",
        "period",
        w.period,
        note=f"{len(params['submitted'])} submitted, {len(params['missing'])} missing",
    )
    return notify_many(
        s,
        uow,
        office,
        lambda loc: Reply(s.renderer.message(loc, "reports#aggregate", **params)),
        dedupe_key=f"mr:aggregate:{w.period}",
        file_id=stored.id,
    )
