"""The office's pipeline: the project card and its actions by stage (①–⑥ of 附件8)."""

from __future__ import annotations

from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers.buttons import LIAISON_BUTTONS, PIPELINE_BUTTONS
from handlers.context import Actor, Services
from handlers.decision.filing import agreement_differences, authoriser_of
from handlers.errors import HandlerError
from handlers.pipeline.admission_view import card_block, card_buttons
from handlers.pipeline.priority import judgement_buttons
from handlers.stages import facts
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.pipeline import ACTIVE_STAGES, Stage, available_transitions, is_cross_region
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
    if agreement is not None:
        text += s.renderer.message(
            actor.locale,
            "signing#card_block",
            agreement=agreement,
            authoriser=authoriser_of(uow, agreement),
            differences=agreement_differences(project, agreement),
        )
    text += card_block(s, uow, project, actor.locale)  # why it is blocked (001 一, 六)
    label = lambda key: s.renderer.message(actor.locale, f"pipeline#btn_{key}")  # noqa: E731
    moves = {t.name for t in available_transitions(facts(uow, project), OFFICE)}
    buttons = [
        Button(label(a), PIPELINE_BUTTONS.encode(a, pid)) for t, a in ACTIONS.items() if t in moves
    ]
    stage = Stage(project.stage)
    district = not is_cross_region(project.plan)  # else the city office runs it (001 七(二)1(2))
    if stage in (Stage.CONFIRMED, Stage.NEGOTIATION) and district:
        buttons.append(Button(label("note"), PIPELINE_BUTTONS.encode("neg", pid)))
        buttons.append(Button(label("team"), PIPELINE_BUTTONS.encode("team", pid)))
    early = (Stage.LEAD, Stage.CONFIRMED, Stage.NEGOTIATION)
    if stage in early and not project.awaiting_investor and district:
        buttons.append(Button(label("return"), PIPELINE_BUTTONS.encode("ret", pid)))
    if stage in (Stage.SIGNED, Stage.LANDING, Stage.CONSTRUCTION):
        buttons.append(Button(label("liaison"), LIAISON_BUTTONS.encode("card", pid)))
    if agreement is not None and agreement.scan_uploaded_at is None:
        buttons.append(Button(label("scan"), PIPELINE_BUTTONS.encode("scan", pid)))
    if agreement is not None and agreement.drc_returned_at is not None:
        # 发改局 returned it: the office registers it again (000 一(二)2(3)).
        amend = s.renderer.message(actor.locale, "signing#btn_amend")
        buttons.append(Button(amend, PIPELINE_BUTTONS.encode("sign", pid)))
    buttons += card_buttons(s, uow, project, actor.locale)
    buttons += judgement_buttons(s, uow, project, actor.locale)
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
