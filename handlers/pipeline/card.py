"""The office's pipeline: the project card and its actions by stage (①–⑥ of 附件8)."""

from __future__ import annotations

from conversations.replies import Button, Reply, keyboard
from handlers.buttons import LIAISON_BUTTONS, PIPELINE_BUTTONS
from handlers.context import Actor, Services
from handlers.decision.filing import agreement_differences, authoriser_of
from handlers.pipeline.admission_view import card_block, card_buttons
from handlers.pipeline.priority import judgement_buttons
from handlers.stages import facts, undo_refusal
from handlers.timeline import timeline
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.pipeline import Stage, available_transitions, is_cross_region
from workflow.roles import Role

OFFICE = frozenset({Role.OFFICE})
TEAM_ROLES = (Role.OFFICE, Role.LEADER, Role.UNIT_HEAD)
"""Who may be on a project's negotiation team (洽谈小组)."""
CARD_EVENTS = 7
"""How many of a project's latest events its card shows (handlers/timeline.py)."""
# Buttons of the office card, by the transition they make (or the form they open).
ACTIONS: dict[str, str] = {
    "confirm": "confirm",
    "negotiate": "talk",  # 🤝 进入洽谈; 📝 洽谈记录 is the note form, "neg"
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
    events = timeline(s, uow, pid, official=True)[-CARD_EVENTS:]  # the latest, in time order
    team = _team(uow, pid)
    agreement = uow.decisions.agreement(pid)
    text = s.renderer.message(
        actor.locale,
        "pipeline#office_card",
        project=project,
        timeline=events,
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
    if undo_refusal(s, uow, actor, project) is None:  # 撤回, within the policy's window
        undo = s.renderer.message(actor.locale, "confirm#btn_undo")
        buttons.append(Button(undo, PIPELINE_BUTTONS.encode("undo", pid)))
    # Two buttons never share callback data (tests/handlers/test_card_buttons.py): a shared
    # one would run the same action under two labels.
    return Reply(text, keyboard(buttons, 2), card=f"pr:{pid}")


def _name(item: object) -> str | None:
    return getattr(item, "name", None)


def _team(uow: UnitOfWork, project_id: int) -> list[str]:
    return [
        p.name for pid in uow.projects.team(project_id) if (p := uow.people.get(pid)) is not None
    ]
