"""The weekly digest for the leading group: the pipeline by stage, new leads, stalled
projects (red / amber / green by the policy's days per stage), overdue reviews, and agreements
whose scan has not reached the city."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from conversations.replies import Reply
from handlers.context import Services
from handlers.decision.signing import scan_due
from handlers.notify import notify_many
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.pipeline import ACTIVE_STAGES
from workflow.roles import Role

DIGEST_WEEKDAY = 0  # Monday


def stall_colour(days: int, limit: int | None) -> str:
    """Green within the policy's days for the stage, amber past them, red past twice them."""
    if limit is None or days <= limit:
        return "green"
    return "amber" if days <= 2 * limit else "red"


def digest_data(s: Services, uow: UnitOfWork, today: date) -> dict[str, Any]:
    """What the digest reports, as of today."""
    week_ago = today - timedelta(days=7)
    stalled: list[dict[str, Any]] = []
    new: list[Project] = []
    for stage in ACTIVE_STAGES:
        for p in uow.projects.listing(stage=stage.value, limit=1000):
            history = uow.projects.history(p.id or 0)
            since = (history[-1].at if history else p.created_at).astimezone(s.timezone).date()
            days = (today - since).days
            colour = stall_colour(days, s.policy.deadlines.stall_days.get(stage.value))
            if colour != "green":
                stalled.append({"project": p, "days": days, "colour": colour})
            if p.created_at.astimezone(s.timezone).date() > week_ago:
                new.append(p)
    stalled.sort(key=lambda x: (x["colour"] != "red", -x["days"]))
    overdue = []
    for rnd in uow.reviews.open_rounds():
        if today > rnd.deadline:
            pending = [o for o in uow.reviews.opinions(rnd.id or 0) if not o.verdict]
            overdue.append(
                {
                    "project": uow.projects.get(rnd.project_id),
                    "deadline": rnd.deadline,
                    "pending": len(pending),
                }
            )
    scans = [
        {"project": uow.projects.get(a.project_id), "due": scan_due(s, a)}
        for a in uow.decisions.agreements_awaiting_scan()
    ]
    return {
        "today": today,
        "counts": uow.projects.count_by_stage(),
        "new": new,
        "stalled": stalled,
        "overdue": overdue,
        "scans": scans,
    }


def weekly_digest(s: Services, uow: UnitOfWork) -> int:
    """Once a week (the first pass on a Monday), the digest to the leaders and the office."""
    today = s.clock().astimezone(s.timezone).date()
    if today.weekday() != DIGEST_WEEKDAY:
        return 0
    year, week, _ = today.isocalendar()
    if not uow.first_run(f"digest:{year}-W{week:02d}"):
        return 0
    data = digest_data(s, uow, today)
    people = [
        p.id for role in (Role.LEADER, Role.OFFICE) for p in uow.people.holders(role.value) if p.id
    ]
    return notify_many(
        s,
        uow,
        people,
        lambda loc: Reply(s.renderer.message(loc, "digest#weekly", **data)),
        dedupe_key=f"digest:{year}-{week}",
    )
