"""The weekly digest for the leading group: the pipeline by stage, new leads, stalled
projects (red / amber / green by the policy's days per stage), overdue reviews, and agreements
whose scan has not reached the city; with the pipeline as a funnel chart beside the text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from conversations.replies import Reply
from documents.charts import PNG, Funnel, funnel, funnel_png, funnel_texts
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


@dataclass(frozen=True, slots=True)
class Standing:
    """An active project: its stage, the days it has stood there, and their colour."""

    project: Project
    stage: str
    days: int
    colour: str


def standings(s: Services, uow: UnitOfWork, today: date) -> list[Standing]:
    """Every active project's standing as of today, stage by stage in the pipeline's order."""
    out = []
    for stage in ACTIVE_STAGES:
        for p in uow.projects.listing(stage=stage.value, limit=1000):
            history = uow.projects.history(p.id or 0)
            since = (history[-1].at if history else p.created_at).astimezone(s.timezone).date()
            days = (today - since).days
            colour = stall_colour(days, s.policy.deadlines.stall_days.get(stage.value))
            out.append(Standing(p, stage.value, days, colour))
    return out


def pipeline_funnel(standing: Sequence[Standing]) -> Funnel:
    """The funnel chart's data: every active stage, its projects by colour."""
    return funnel([st.value for st in ACTIVE_STAGES], ((x.stage, x.colour) for x in standing))


def funnel_file(s: Services, uow: UnitOfWork, today: date, data: Funnel) -> int | None:
    """The funnel drawn in the deployment's language and kept for the outbox; None when it
    cannot be drawn (no CJK font), and the digest goes as text alone."""
    locale = s.renderer.default_locale
    stages = [b.stage for b in data.stages]
    content = funnel_png(data, funnel_texts(s.renderer, locale, today, stages))
    if content is None:
        return None
    name = s.renderer.message(locale, "charts#file_funnel", today=today)
    return uow.outbox.store_file(name, content, PNG).id


def digest_data(
    s: Services, uow: UnitOfWork, today: date, standing: Sequence[Standing] | None = None
) -> dict[str, Any]:
    """What the digest reports, as of today (from the projects' standing, when given)."""
    week_ago = today - timedelta(days=7)
    if standing is None:
        standing = standings(s, uow, today)
    stalled: list[dict[str, Any]] = [
        {"project": x.project, "days": x.days, "colour": x.colour}
        for x in standing
        if x.colour != "green"
    ]
    new = [
        x.project
        for x in standing
        if x.project.created_at.astimezone(s.timezone).date() > week_ago
    ]
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
    standing = standings(s, uow, today)
    data = digest_data(s, uow, today, standing)
    chart = funnel_file(s, uow, today, pipeline_funnel(standing))
    people = [
        p.id for role in (Role.LEADER, Role.OFFICE) for p in uow.people.holders(role.value) if p.id
    ]
    return notify_many(
        s,
        uow,
        people,
        lambda loc: Reply(s.renderer.message(loc, "digest#weekly", **data)),
        dedupe_key=f"digest:{year}-{week}",
        file_id=chart,
    )
