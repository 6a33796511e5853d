"""The yearly assessment of member units (000 四) and the follow-up figures of signed projects
(履约率, 资金到位率, 成功率, 000 一(三)2(3)), as an Excel file for the office; then each unit's
on-time rate as a chart, its numbers in the text."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from conversations.inbound import Inbound
from conversations.replies import Document, Outcome, Reply
from documents.charts import PNG, unit_rates, unit_rates_png, unit_rates_texts
from documents.excel import Assessment, ProjectFollowUp, UnitRecord, annual_assessment
from handlers import deployment
from handlers.context import Actor, Services
from handlers.decision.filing import agreement_differences
from handlers.errors import HandlerError
from handlers.reporting.aggregate import submitted_on
from handlers.stages import withdrawn_moves
from storage.uow import UnitOfWork
from workflow.assessment import ProblemRecord
from workflow.reporting import periods_due, submitted_late

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month_end(ym: str | None) -> date | None:
    if not ym:
        return None
    year, month = (int(x) for x in ym.split("-"))
    return date(year, month, calendar.monthrange(year, month)[1])


def unit_records(
    s: Services, uow: UnitOfWork, year: int, as_of: date, *, since: str
) -> list[UnitRecord]:
    """Each member unit's reports, review opinions and follow-up service in the year; reports
    count only from `since`, the first period the bot asked for."""
    out = []
    local = lambda dt: dt.astimezone(s.timezone).date()  # noqa: E731
    windows = periods_due(year, as_of, s.policy.deadlines, since=since)
    for unit in s.policy.member_units():
        due = on_time = late = 0
        for w in windows:
            due += 1
            filed_on = submitted_on(s, uow.reports.get(unit.id, w.period))
            if filed_on is not None:
                if submitted_late(filed_on, w.due_on):
                    late += 1
                else:
                    on_time += 1
        days, overdue = [], 0
        for rnd in uow.reviews.rounds_opened_in(year):
            for op in uow.reviews.opinions(rnd.id or 0):
                if op.unit_id != unit.id:
                    continue
                opened = local(rnd.opened_at)
                if op.decided_at is not None:
                    decided = local(op.decided_at)
                    days.append(max(0, s.calendar.working_days_between(opened, decided)))
                    overdue += decided > rnd.deadline
                elif as_of > rnd.deadline:
                    overdue += 1
        followed = sum(1 for a in uow.service.assignments() if a.unit_id == unit.id)
        problems = [
            p for p in uow.service.problems_of_year(year) if unit.id in (p.units or "").split(",")
        ]
        out.append(
            UnitRecord(
                unit=unit.name,
                reports_due=due,
                reports_on_time=on_time,
                reports_late=late,
                review_days=days,
                overdue_reviews=overdue,
                projects_followed=followed,
                open_problems=sum(1 for p in problems if p.closed_at is None),
                closed_problems=sum(1 for p in problems if p.closed_at is not None),
            )
        )
    return out


def problem_records(s: Services, uow: UnitOfWork, year: int) -> list[ProblemRecord]:
    """The year's problems that name a member unit, each once however many units it names."""
    members = {u.id for u in s.policy.member_units()}
    out = []
    for p in uow.service.problems_of_year(year):
        units = tuple(u for u in (p.units or "").split(",") if u in members)
        if units:
            out.append(ProblemRecord(units=units, closed=p.closed_at is not None))
    return out


def follow_ups(s: Services, uow: UnitOfWork) -> list[ProjectFollowUp]:
    """Every signed project's commitments against what happened."""
    out = []
    for agreement in uow.decisions.agreements():
        project = uow.projects.get(agreement.project_id)
        if project is None:
            continue
        history = uow.projects.history(project.id or 0)
        withdrawn = withdrawn_moves(history)  # a 建成投产 withdrawn (撤回) never happened
        moved = {
            h.transition: h.at.astimezone(s.timezone).date()
            for h in history
            if h.id not in withdrawn
        }
        units = [a.unit_id for a in uow.service.assignments(project.id)]
        out.append(
            ProjectFollowUp(
                serial=project.serial,
                name=project.name,
                unit=s.policy.unit(units[0]).name if units else "",
                signed_on=agreement.signed_on,
                committed_wan=project.total_investment_wan or Decimal(0),
                actual_wan=project.invested_wan or Decimal(0),
                start_due=_month_end(agreement.committed_start),
                started_on=moved.get("start_construction"),
                production_due=_month_end(agreement.committed_production),
                in_production_on=moved.get("start_production"),
                lost=project.stage == "lost",
                differs_from_screening=tuple(
                    d.figure for d in agreement_differences(project, agreement)
                ),
            )
        )
    return out


def assessment(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """The year's assessment of the member units and the follow-up figures, as Excel."""
    today = s.today()
    arg = event.args.strip()
    if arg and not (arg.isdigit() and 2000 <= int(arg) <= today.year):
        raise HandlerError("assessment#usage")
    year = int(arg) if arg else today.year
    as_of = min(today, date(year, 12, 31))
    since = deployment.reporting_since(s, uow)
    data = Assessment(
        year=year,
        as_of=as_of,
        units=unit_records(s, uow, year, as_of, since=since),
        projects=follow_ups(s, uow),
        reports_from=since if since > f"{year:04d}-01" else None,
        problems=problem_records(s, uow, year),
    )
    content = annual_assessment(data, renderer=s.renderer, unit=s.policy.office().name)
    uow.audit("assessment", "year", year, actor_id=actor.person_id)
    return Outcome(
        [
            Reply(
                s.renderer.message(actor.locale, "assessment#caption", year=year, as_of=as_of),
                document=Document(s.file_name("assessment", year=year), content, mime_type=XLSX),
            ),
            rates_reply(s, actor.locale, data),
        ]
    )


def rates_reply(s: Services, locale: str, data: Assessment) -> Reply:
    """Each member unit's on-time rate: the numbers as text, with their chart when a CJK
    font is there to draw it."""
    rates = unit_rates(data.units)
    text = s.renderer.message(
        locale, "charts#rates_caption", year=data.year, as_of=data.as_of, units=rates
    )
    words = unit_rates_texts(s.renderer, locale, data.year, data.as_of, rates)
    content = unit_rates_png(rates, words)
    if content is None:
        return Reply(text)
    name = s.renderer.message(locale, "charts#file_rates", year=data.year)
    return Reply(text, document=Document(name, content, mime_type=PNG))
