"""The signed agreement's scan (协议扫描件): reminders to the office from day 10 after signing,
and a notice once it is late. Each notice has a deterministic key."""

from __future__ import annotations

from handlers import deployment
from handlers.context import Services
from handlers.decision.signing import scan_due
from handlers.notify import message, notify_many
from storage.uow import UnitOfWork
from workflow.notices import may_fire
from workflow.roles import Role


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
