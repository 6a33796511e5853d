"""The office's pipeline: the project card and its actions by stage (①–⑥ of 附件8)."""

from __future__ import annotations

from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers.buttons import LIAISON_BUTTONS, PIPELINE_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError
from handlers.stages import facts
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.pipeline import ACTIVE_STAGES, Stage, available_transitions
from workflow.roles import Role

OFFICE = frozenset({Role.OFFICE})
TEAM_ROLES = (Role.OFFICE, Role.LEADER, Role.UNIT_HEAD)
"""Who may be on a project's negotiation team (洽谈小组)."""
# Buttons of the office card, by the transition they make (or the form they open).
ACTIONS: dict[str, str] = {
    "confirm": "confirm",
    "negotiate": "neg",
    "start_review": "review",
    "approve": "city",
    "sign": "sign",
    "start_landing": "land",
    "start_construction": "build",
    "start_production": "prod",
    "mark_lost": "lost",
}


def office_card(s: Services, uow: UnitOfWork, actor: Actor, project: Project) -> Reply:
    """A project as the office sees it, with what can be done next."""
    assert project.id is not None
    pid = project.id
    history = uow.projects.history(pid)
    notes = uow.projects.notes(pid)
    team = _team(uow, pid)
    agreement = uow.decisions.agreement(pid)
    text = s.renderer.message(
        actor.locale,
        "pipeline#office_card",
        project=project,
        history=history,
        notes=notes,
        team=team,
        agreement=agreement,
        sector=_name(s.policy.sector(project.sector or "")),
    )
    label = lambda key: s.renderer.message(actor.locale, f"pipeline#btn_{key}")  # noqa: E731
    moves = {t.name for t in available_transitions(facts(uow, project), OFFICE)}
    buttons = [
        Button(label(a), PIPELINE_BUTTONS.encode(a, pid)) for t, a in ACTIONS.items() if t in moves
    ]
    stage = Stage(project.stage)
    if stage in (Stage.CONFIRMED, Stage.NEGOTIATION):
        buttons.append(Button(label("note"), PIPELINE_BUTTONS.encode("neg", pid)))
        buttons.append(Button(label("team"), PIPELINE_BUTTONS.encode("team", pid)))
    if stage in (Stage.LEAD, Stage.CONFIRMED, Stage.NEGOTIATION) and not project.awaiting_investor:
        buttons.append(Button(label("return"), PIPELINE_BUTTONS.encode("ret", pid)))
    if stage in (Stage.SIGNED, Stage.LANDING, Stage.CONSTRUCTION):
        buttons.append(Button(label("liaison"), LIAISON_BUTTONS.encode("card", pid)))
    if agreement is not None and agreement.scan_uploaded_at is None:
        buttons.append(Button(label("scan"), PIPELINE_BUTTONS.encode("scan", pid)))
    if agreement is not None and agreement.drc_filed_on is None:
        buttons.append(Button(label("drc"), PIPELINE_BUTTONS.encode("drc", pid)))
    unique = list({b.data: b for b in buttons}.values())
    return Reply(text, keyboard(unique, 2), card=f"pr:{pid}")


def _name(item: object) -> str | None:
    return getattr(item, "name", None)


def _team(uow: UnitOfWork, project_id: int) -> list[str]:
    return [
        p.name for pid in uow.projects.team(project_id) if (p := uow.people.get(pid)) is not None
    ]


def pipeline(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """The pipeline at a glance: counts by stage and the projects to act on."""
    counts = uow.projects.count_by_stage()
    stage = event.args.strip() or None
    if stage is not None and stage not in {x.value for x in Stage}:
        raise HandlerError("pipeline#unknown_stage", stage=stage)
    projects = [
        p
        for p in uow.projects.listing(stage=stage, limit=30)
        if stage or Stage(p.stage) in ACTIVE_STAGES
    ]
    buttons = [
        Button(f"{p.serial} {p.name[:16]}", PIPELINE_BUTTONS.encode("card", p.id))
        for p in projects
    ]
    return Outcome(
        [
            Reply(
                s.renderer.message(
                    actor.locale,
                    "pipeline#overview",
                    counts=counts,
                    projects=projects,
                    stage=stage,
                ),
                keyboard(buttons, 1),
            )
        ]
    )
