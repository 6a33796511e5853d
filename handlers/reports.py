"""The member units' monthly report (附件6): filled in chat, nagged on a schedule, aggregated
for the office on the due date (000 一(三)1(2))."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from conversations.callbacks import CallbackData, encode
from conversations.draft import Draft
from conversations.forms.monthly import MONTHLY_FORM
from conversations.replies import Button, Outcome, Reply
from handlers import forms
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.events import Inbound
from handlers.notify import Build, notify_many
from handlers.registry import button, command
from storage.tables import MonthlyReportRow
from storage.uow import UnitOfWork
from workflow.reporting import (
    ReportWindow,
    live_windows,
    next_window,
    reporting_period,
    window,
)
from workflow.roles import Role

QUIET_BEFORE, QUIET_AFTER = time(9, 0), time(18, 0)  # reminders only in office hours
DEPARTMENT_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def _unit_of(s: Services, actor: Actor) -> str:
    units = actor.units(Role.UNIT_REPORTER) | actor.units(Role.UNIT_HEAD)
    members = {u.id for u in s.policy.member_units()}
    mine = sorted(units & members)
    if not mine:
        raise Refused("reports#not_a_member_unit", audit_action="refused:monthly_report")
    return mine[0]


@command("report", roles={Role.UNIT_REPORTER, Role.UNIT_HEAD})
def report(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Fill in (or correct) this period's monthly report of my unit."""
    unit = _unit_of(s, actor)
    period = reporting_period(s.today(), s.policy.deadlines)
    return Outcome(_open(s, uow, actor, event, unit, period))


@button("mr")
def report_button(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The 填写月报 button of a reminder."""
    unit = _unit_of(s, actor)
    period = data.args[0] if data.args else ""
    if not re.fullmatch(r"\d{4}-\d{2}", period):
        raise HandlerError("common#stale_button")
    return Outcome(_open(s, uow, actor, event, unit, period))


def _open(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, unit: str, period: str
) -> list[Reply]:
    w = window(period, s.policy.deadlines)
    done = uow.reports.get(unit, period)
    intro = Reply(
        s.renderer.message(
            actor.locale,
            "reports#intro",
            period=period,
            unit=s.policy.unit(unit).name,
            due=w.due_on,
            resubmit=done is not None and done.submitted_at is not None,
        )
    )
    return [intro, *forms.start(s, uow, actor, event.chat_id, MONTHLY_FORM.id, f"{unit}:{period}")]


def finish_report(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """Store the report; a correction before the aggregate replaces it."""
    unit, _, period = subject.partition(":")
    a = draft.answers
    nothing = a.get("content") == "nothing"
    rows = (
        []
        if nothing
        else [
            MonthlyReportRow(
                report_id=0,
                project=r["project"],
                problem=r.get("problem"),
                suggestion=r.get("suggestion"),
                departments=r.get("departments"),
                progress=r.get("progress"),
            )
            for r in a.get("rows", [])
        ]
    )
    uow.reports.submit(unit, period, actor.person_id, s.clock(), rows, nothing)
    uow.audit(
        "monthly_report",
        "unit",
        unit,
        actor_id=actor.person_id,
        to_value=period,
        note=f"{len(rows)} row(s)",
    )
    late = s.today() > window(period, s.policy.deadlines).due_on
    return [
        Reply(
            s.renderer.message(
                actor.locale, "reports#thanks", period=period, rows=len(rows), late=late
            )
        )
    ]


forms.register(forms.FormDefinition(MONTHLY_FORM, finish_report))


def departments(text: str | None) -> list[str]:
    """The departments named in a row's 需要协调的部门."""
    return [d for d in DEPARTMENT_SEPARATORS.split(text or "") if d]


def _reporters(uow: UnitOfWork, unit: str) -> list[int]:
    people = uow.people.holders(Role.UNIT_REPORTER.value, unit) or uow.people.holders(
        Role.UNIT_HEAD.value, unit
    )
    return [p.id for p in people if p.id]


def office_hours(s: Services, now: datetime) -> bool:
    """Reminders go out on working days, in office hours, never at night or on holidays."""
    local = now.astimezone(s.timezone)
    return s.calendar.is_working_day(local.date()) and QUIET_BEFORE <= local.time() < QUIET_AFTER


def monthly_reports(s: Services, uow: UnitOfWork) -> int:
    """Open each period, remind 3 and 1 days before the due date and daily once late, escalate
    to the unit's head, and give the office the aggregate on the due date — each exactly once."""
    now = s.clock()
    today = now.astimezone(s.timezone).date()
    quiet = not office_hours(s, now)
    sent = 0
    for w in live_windows(today, s.policy.deadlines):
        if not quiet:
            for unit in s.policy.member_units():
                sent += _nag(s, uow, w, unit.id, today)
        if today >= w.due_on:
            from handlers.report_aggregate import send_aggregate

            sent += send_aggregate(s, uow, w)
    return sent


def _nag(s: Services, uow: UnitOfWork, w: ReportWindow, unit: str, today: date) -> int:
    report_row = uow.reports.get(unit, w.period)
    if report_row is not None and report_row.submitted_at is not None:
        return 0
    key = f"mr:{unit}:{w.period}"
    if today >= w.escalate_on:
        heads = [p.id for p in uow.people.holders(Role.UNIT_HEAD.value, unit) if p.id]
        notify_many(
            s, uow, heads, _message(s, "reports#escalation", w, unit), dedupe_key=f"{key}:escalate"
        )
    if today > w.due_on:
        if today >= next_window(w, s.policy.deadlines).opens_on:
            return 0  # the next month's report has opened: the head has been told
        kind, dedupe = "reports#late", f"{key}:late:{today}"
    elif today >= _working_day_before(s, w.reminder_on(1)):
        kind, dedupe = "reports#reminder", f"{key}:d1"
    elif today >= _working_day_before(s, w.reminder_on(3)):
        kind, dedupe = "reports#reminder", f"{key}:d3"
    else:
        kind, dedupe = "reports#opening", f"{key}:open"
    return notify_many(
        s, uow, _reporters(uow, unit), _message(s, kind, w, unit), dedupe_key=dedupe
    )


def _working_day_before(s: Services, day: date) -> date:
    """The day itself if it is a working day, else the working day before: a reminder due on
    a quiet day goes out before it, never not at all."""
    while not s.calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _message(s: Services, template: str, w: ReportWindow, unit: str) -> Build:
    name = s.policy.unit(unit).name

    def build(locale: str) -> Reply:
        text = s.renderer.message(locale, template, period=w.period, unit=name, due=w.due_on)
        label = s.renderer.message(locale, "reports#btn_fill")
        return Reply(text, ((Button(label, encode("mr", "fill", w.period)),),))

    return build
