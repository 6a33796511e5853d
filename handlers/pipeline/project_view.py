"""A project's page in chat (/project QX-2026-0001): the office's card with its actions, an
official's read-only detail, or the investor's own project; nobody else learns it exists."""

from __future__ import annotations

from conversations.inbound import Inbound
from conversations.replies import Outcome, Reply
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.pipeline.admission_view import card_block
from handlers.pipeline.card import office_card
from handlers.timeline import timeline
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.roles import OFFICIAL_ROLES, Role


def project_detail(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """A project's detail; an investor sees only their own projects."""
    serial = event.args.strip().split(" ")[0] if event.args.strip() else ""
    if not serial:
        raise HandlerError("projects#project_usage")
    project = viewable(actor, uow.projects.by_serial(serial), serial)
    official = bool(actor.roles & OFFICIAL_ROLES)
    if actor.has(Role.OFFICE):
        return Outcome([office_card(s, uow, actor, project)])
    text = s.renderer.message(
        actor.locale,
        "projects#detail",
        project=project,
        timeline=timeline(s, uow, project.id or 0, official=official),
        official=official,
        sector=sector_name(s, project.sector),
        site=site_name(s, project),
    )
    if official:  # what stops the project, as the office's card says it (001 一, 六)
        text += card_block(s, uow, project, actor.locale)
    return Outcome([Reply(text)])


def viewable(actor: Actor, project: Project | None, asked: str) -> Project:
    """The project a person asked for (`asked`: its serial, or the page's id), if they may see
    it: every official may, an investor only their own. Otherwise the refusal, the same whether
    it exists or not; the attempt is audited."""
    official = bool(actor.roles & OFFICIAL_ROLES)
    investor = project.investor_person_id if project is not None else None
    mine = actor.person is not None and investor == actor.person_id
    if project is None or not (official or mine):
        raise Refused(
            "common#project_not_found", audit_action="refused:view_project", serial=asked
        )
    return project


def sector_name(s: Services, sector_id: str | None) -> str | None:
    """A sector's name in the policy (None when unknown or not given)."""
    sector = s.policy.sector(sector_id) if sector_id else None
    return sector.name if sector else None


def site_name(s: Services, project: Project) -> str | None:
    """Where the project would be built: the policy's site, or what the investor wrote."""
    if project.site == "other":
        return project.plan.get("site_other")
    site = next((x for x in s.policy.sites if x.id == project.site), None)
    return site.name if site else None
