"""Reminders that follow from deadlines, safe to run as often as wanted: each notice has a
deterministic key, so a second run (or a restart) never sends it twice."""

from __future__ import annotations

from datetime import date, timedelta

from conversations.replies import Reply
from handlers import deployment
from handlers.context import Services
from handlers.notify import Build, message, notify, notify_many, notify_role
from handlers.review_cards import reviewer_card
from handlers.signing import scan_due
from storage.tables import Project, ReviewOpinion
from storage.uow import UnitOfWork
from workflow.notices import may_fire
from workflow.roles import Role


def review_deadlines(s: Services, uow: UnitOfWork) -> int:
    """Remind pending reviewers before the deadline; escalate to the unit's head when overdue.
    Nothing about a deadline from before the deployment started."""
    today = s.today()
    started = deployment.started_on(s, uow)
    sent = 0
    for rnd in uow.reviews.open_rounds():
        if not may_fire(rnd.deadline, started):
            continue
        project = uow.projects.get(rnd.project_id)
        remind_from = rnd.deadline
        for _ in range(s.policy.deadlines.review_reminder_days_before):
            remind_from = _previous_working_day(s, remind_from)
        for op in uow.reviews.opinions(rnd.id or 0):
            if op.verdict or op.reviewer_id is None:
                continue
            dim = s.policy.dimension(op.dimension_id).name
            if remind_from <= today <= rnd.deadline:
                sent += notify(
                    s,
                    uow,
                    op.reviewer_id,
                    _reminder(s, uow, op, project, dim, rnd.deadline),
                    dedupe_key=f"rv:remind:{op.id}:{rnd.deadline}",
                )
            elif today > rnd.deadline:
                reviewer = uow.people.get(op.reviewer_id)
                build = message(
                    s,
                    "review#overdue",
                    project=project,
                    dimension=dim,
                    unit=s.policy.unit(op.unit_id).name,
                    reviewer=reviewer.name if reviewer else None,
                    deadline=rnd.deadline,
                )
                sent += notify_role(
                    s,
                    uow,
                    Role.UNIT_HEAD,
                    build,
                    unit_id=op.unit_id,
                    dedupe_key=f"rv:overdue:{op.id}",
                )
                sent += notify_role(
                    s, uow, Role.OFFICE, build, dedupe_key=f"rv:overdue:{op.id}:office"
                )
    return sent


def _reminder(
    s: Services,
    uow: UnitOfWork,
    op: ReviewOpinion,
    project: Project | None,
    dimension: str,
    deadline: date,
) -> Build:
    def build(locale: str) -> Reply:
        text = s.renderer.message(
            locale, "review#reminder", project=project, dimension=dimension, deadline=deadline
        )
        return Reply(text, reviewer_card(s, uow, op, locale).buttons)

    return build


def _previous_working_day(s: Services, day: date) -> date:
    d = day - timedelta(days=1)
    while not s.calendar.is_working_day(d):
        d -= timedelta(days=1)
    return d


def agreement_scans(s: Services, uow: UnitOfWork) -> int:
    """From day 10 after signing, remind the office daily of a missing scan; after 15, say
    it is late (once). Nothing for an agreement whose scan was due before the deployment."""
    today = s.today()
    started = deployment.started_on(s, uow)
    start = s.policy.deadlines.agreement_scan_reminder_from_day
    sent = 0
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id]
    for agreement in uow.decisions.agreements_awaiting_scan():
        due = scan_due(s, agreement)
        if not may_fire(due, started):
            continue
        project = uow.projects.get(agreement.project_id)
        day = (today - agreement.signed_on).days
        if today > due:
            sent += notify_many(
                s,
                uow,
                office,
                message(s, "signing#scan_late", project=project, due=due),
                dedupe_key=f"scan:late:{agreement.id}",
            )
        elif day >= start:
            sent += notify_many(
                s,
                uow,
                office,
                message(s, "signing#scan_reminder", project=project, due=due),
                dedupe_key=f"scan:remind:{agreement.id}:{today}",
            )
    return sent


def run_all(s: Services) -> int:
    """Every sweep, each in its own transaction. Reminders wait for office hours on working
    days; the monthly aggregate and the weekly digest are reports, not reminders, and go out
    on their day whatever the hour."""
    from handlers.digest import weekly_digest
    from handlers.forums import reminders as forum_reminders
    from handlers.liaison import checkins
    from handlers.reports import monthly_reports, office_hours

    reminders = (review_deadlines, agreement_scans, checkins, forum_reminders)
    deployment.ensure_started(s)  # a database made before `zhaoshang init` recorded it
    sweeps = (*(reminders if office_hours(s, s.clock()) else ()), monthly_reports, weekly_digest)
    total = 0
    for sweep in sweeps:
        with s.uow() as uow:
            total += sweep(s, uow)
            uow.commit()
    return total
