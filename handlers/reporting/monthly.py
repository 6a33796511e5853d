"""The member units' monthly report (附件6): filled in chat, nagged on a schedule, aggregated
for the office on the due date (000 一(三)1(2))."""

from __future__ import annotations

from datetime import date

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.monthly import MONTHLY_FORM
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply
from handlers import deployment, forms
from handlers.buttons import MONTHLY_REPORT_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import Refused
from handlers.notify import Build, notify_many
from handlers.reporting.aggregate import send_aggregate
from handlers.sweeps import office_hours
from storage.tables import MonthlyReportRow
from storage.uow import UnitOfWork
from workflow.reporting import (
    ReportWindow,
    live_windows,
    next_window,
    reminder_stages,
    reporting_period,
    unit_owes,
    window,
)
from workflow.roles import Role


def reporting_units(s: Services, actor: Actor) -> list[str]:
    """The member units this person reports for, as their reporter or head, by id."""
    units = actor.units(Role.UNIT_REPORTER) | actor.units(Role.UNIT_HEAD)
    members = {u.id for u in s.policy.member_units()}
    return sorted(units & members)


def _unit_of(s: Services, actor: Actor) -> str:
    mine = reporting_units(s, actor)
    if not mine:
        raise Refused("reports#not_a_member_unit", audit_action="refused:monthly_report")
    return mine[0]


def report(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Fill in (or correct) this period's monthly report of my unit."""
    unit = _unit_of(s, actor)
    period = reporting_period(s.today(), s.policy.deadlines)
    return Outcome(_open(s, uow, actor, event, unit, period))


def report_button(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The 填写月报 button of a reminder."""
    unit = _unit_of(s, actor)
    return Outcome(_open(s, uow, actor, event, unit, data.arg_str(0)))


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


def reporters(uow: UnitOfWork, unit: str) -> list[int]:
    """Who is asked for a unit's report: its reporters, else its heads."""
    people = uow.people.holders(Role.UNIT_REPORTER.value, unit) or uow.people.holders(
        Role.UNIT_HEAD.value, unit
    )
    return [p.id for p in people if p.id]


def monthly_reports(s: Services, uow: UnitOfWork) -> int:
    """Open each period, remind 3 and 1 days before the due date and daily once late, escalate
    to the unit's head, and give the office the aggregate on the due date — each exactly once.
    Only periods from the deployment's first, and a unit only once someone reports for it."""
    now = s.clock()
    today = now.astimezone(s.timezone).date()
    quiet = not office_hours(s, now)
    sent = 0
    windows = live_windows(today, s.policy.deadlines, since=deployment.reporting_since(s, uow))
    joined = {} if quiet or not windows else joined_units(s, uow)
    for w in windows:
        if not quiet:
            for unit in s.policy.member_units():
                if unit_owes(w, joined.get(unit.id)):
                    sent += _nag(s, uow, w, unit.id, today)
        if today >= w.due_on:
            sent += send_aggregate(s, uow, w)
    return sent


def _nag(s: Services, uow: UnitOfWork, w: ReportWindow, unit: str, today: date) -> int:
    report_row = uow.reports.get(unit, w.period)
    if report_row is not None and report_row.submitted_at is not None:
        return 0
    key = f"mr:{unit}:{w.period}"
    stages: tuple[int, ...] = ()
    if today >= w.escalate_on:
        heads = [p.id for p in uow.people.holders(Role.UNIT_HEAD.value, unit) if p.id]
        notify_many(
            s, uow, heads, _message(s, "reports#escalation", w, unit), dedupe_key=f"{key}:escalate"
        )
    if today > w.due_on:
        if today >= next_window(w, s.policy.deadlines).opens_on:
            return 0  # the next month's report has opened: the head has been told
        kind, dedupe = "reports#late", f"{key}:late:{today}"
    elif stages := reminder_stages(w, today, s.calendar.is_working_day):
        # Stages moved onto one working day (before a weekend or holiday) go out as one
        # message that says so, keyed by the latest; each stage is recorded as done.
        kind, dedupe = "reports#reminder", f"{key}:d{stages[-1]}"
        if len(stages) > 1:
            together = "+".join(f"d{n}" for n in stages)
            for n in stages:
                uow.first_run(f"{key}:d{n}", result=f"sent together: {together}")
    else:
        kind, dedupe = "reports#opening", f"{key}:open"
    return notify_many(
        s,
        uow,
        reporters(uow, unit),
        _message(s, kind, w, unit, merged=stages if len(stages) > 1 else ()),
        dedupe_key=dedupe,
    )


def joined_units(s: Services, uow: UnitOfWork) -> dict[str, date | None]:
    """Per member unit, the first day someone who reports for it could be reached (None
    while nobody can be: the reminders then ask no one)."""
    out: dict[str, date | None] = {}
    for unit in s.policy.member_units():
        people = reporters(uow, unit.id)  # its reporters, else its heads
        out[unit.id] = deployment.earliest_joined(
            s, uow, people, Role.UNIT_REPORTER, unit.id
        ) or deployment.earliest_joined(s, uow, people, Role.UNIT_HEAD, unit.id)
    return out


def _message(
    s: Services, template: str, w: ReportWindow, unit: str, merged: tuple[int, ...] = ()
) -> Build:
    name = s.policy.unit(unit).name
    extra = {"merged": list(merged)} if merged else {}

    def build(locale: str) -> Reply:
        text = s.renderer.message(
            locale, template, period=w.period, unit=name, due=w.due_on, **extra
        )
        label = s.renderer.message(locale, "reports#btn_fill")
        return Reply(text, ((Button(label, MONTHLY_REPORT_BUTTONS.encode("fill", w.period)),),))

    return build
