"""The office's buttons on a project card: each stage's guarded move, notes, the negotiation
team (洽谈专班), returns to the investor, the city, signing and the agreement's scan."""

from __future__ import annotations

from collections.abc import Callable

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.notes import NEGOTIATION_NOTE, RETURN_COMMENT
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers import forms
from handlers.buttons import PIPELINE_BUTTONS, PLAN_BUTTONS
from handlers.context import Actor, Services
from handlers.decision.city import send_to_city
from handlers.decision.signing import start_scan, start_signing
from handlers.errors import HandlerError, Refused
from handlers.notify import notify
from handlers.pipeline.card import TEAM_ROLES, office_card
from handlers.pipeline.exceptions import start_request
from handlers.pipeline.moves import ASKED_MOVES, Move, transition, undo_action
from handlers.pipeline.priority import record_judgement, start_judgement
from handlers.review.rounds import start_review
from handlers.routing import Pressed
from handlers.stages import check, move
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.pipeline import Stage, is_cross_region
from workflow.roles import Role


def _project(uow: UnitOfWork, data: CallbackData) -> Project:
    project = uow.projects.get(data.arg_int(0))
    if project is None:
        raise HandlerError("common#stale_button")
    return project


def project_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The office's buttons on a project card."""
    project, handler = _checked(uow, actor, data)
    return handler(s, uow, actor, event, project, data)


def pressed_card(s: Services, uow: UnitOfWork, actor: Actor, data: CallbackData) -> Pressed:
    """The project card a press stands on, once the press's checks pass (the move's guard
    too): what a confirmation question is asked on (handlers/confirm.py)."""
    project, _ = _checked(uow, actor, data)
    if data.action in ASKED_MOVES:  # the move's guard, before the question
        check(uow, actor, project, ASKED_MOVES[data.action])
    params = {"project": project, "minutes": s.policy.deadlines.undo_minutes}
    return Pressed(office_card(s, uow, actor, project), params)


def _checked(uow: UnitOfWork, actor: Actor, data: CallbackData) -> tuple[Project, Action]:
    """The project a press names and the action's handler, refused to anyone but the office
    and, for the office's own steps before review, on a cross-region project."""
    if not actor.has(Role.OFFICE):
        raise Refused("common#not_allowed", audit_action=f"refused:pr:{data.action}")
    project = _project(uow, data)
    handler = _HANDLERS.get(data.action)
    if handler is None:
        raise HandlerError("common#stale_button")
    if data.action in _DISTRICT_WORK and is_cross_region(project.plan):
        # The city office accepts and reviews a cross-region application (001 七(二)1(2)).
        raise Refused(
            "pipeline#refused",
            audit_action=f"refused:pr:{data.action}",
            rule="cross_region_is_the_citys",
            citation="001 七(二)1(2)",
            stage=project.stage,
            serial=project.serial,
        )
    return project, handler


_DISTRICT_WORK = frozenset({"talk", "neg", "team", "ret"})
"""The office's own steps before review, which a cross-region project does not take here."""


Action = Move


def _card(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    event: Inbound,
    project: Project,
    data: CallbackData,
) -> Outcome:
    return Outcome([office_card(s, uow, actor, project)])


def _review(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    event: Inbound,
    project: Project,
    data: CallbackData,
) -> Outcome:
    return Outcome(start_review(s, uow, actor, project))


def _open_form(form_id: str) -> Action:
    def act(
        s: Services,
        uow: UnitOfWork,
        actor: Actor,
        event: Inbound,
        project: Project,
        data: CallbackData,
    ) -> Outcome:
        return Outcome(forms.start(s, uow, actor, event.chat_id, form_id, str(project.id)))

    return act


def _team_choices(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    event: Inbound,
    project: Project,
    data: CallbackData,
) -> Outcome:
    members = set(uow.projects.team(project.id or 0))
    people = {
        p.id: p
        for role in TEAM_ROLES
        for p in uow.people.holders(role.value)
        if p.id and uow.people.has_account(p.id)
    }
    if len(data.args) > 1:  # a name was pressed: add or remove them
        picked = data.arg_int(1)
        if picked not in people and picked not in members:
            # Only officials the card offers may join; anyone on the team may leave it.
            raise Refused("common#not_allowed", audit_action="refused:team_member")
        _toggle_member(s, uow, actor, project, picked)
        members ^= {picked}
    buttons = [
        Button(
            ("✓ " if pid in members else "") + p.name,
            PIPELINE_BUTTONS.encode("team", project.id, pid),
        )
        for pid, p in people.items()
    ]
    return Outcome(
        [
            Reply(
                s.renderer.message(actor.locale, "pipeline#team_choose", project=project),
                keyboard(buttons, 3),
                edit=len(data.args) > 1,
            )
        ]
    )


def _toggle_member(
    s: Services, uow: UnitOfWork, actor: Actor, project: Project, person_id: int
) -> None:
    added = uow.projects.toggle_team_member(project.id or 0, person_id)
    uow.audit(
        "team_add" if added else "team_remove",
        "project",
        project.id,
        actor_id=actor.person_id,
        to_value=person_id,
    )
    if added:
        notify(
            s,
            uow,
            person_id,
            lambda loc: Reply(s.renderer.message(loc, "pipeline#team_added", project=project)),
            dedupe_key=f"team:{project.id}:{person_id}",
        )


def _city(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    event: Inbound,
    project: Project,
    data: CallbackData,
) -> Outcome:
    move(s, uow, actor, project, "approve", note="resubmitted to the city")
    return Outcome(send_to_city(s, uow, actor, project))


Start = Callable[[Services, UnitOfWork, Actor, Inbound, Project], list[Reply]]


def _starts(start: Start) -> Action:
    """A button that opens another capability's form for the project."""

    def action(
        s: Services,
        uow: UnitOfWork,
        actor: Actor,
        event: Inbound,
        project: Project,
        data: CallbackData,
    ) -> Outcome:
        return Outcome(start(s, uow, actor, event, project))

    return action


_HANDLERS: dict[str, Action] = {
    "card": _card,
    "confirm": transition("confirm"),
    "talk": transition("negotiate"),  # 🤝 进入洽谈: ② → ③
    "neg": _open_form(NEGOTIATION_NOTE.id),  # 📝 洽谈记录 (it also moves a confirmed project)
    "review": _review,
    "ret": _open_form(RETURN_COMMENT.id),
    "team": _team_choices,
    "land": transition("start_landing"),
    "build": transition("start_construction"),
    "prod": transition(ASKED_MOVES["prod"]),  # asked first (handlers/buttons.py)
    "lost": transition(ASKED_MOVES["lost"]),  # asked first
    "undo": undo_action,  # 撤回 of either, within the window (handlers/stages.undo)
    "sign": _starts(start_signing),
    "scan": _starts(start_scan),
    "city": _city,
    "exc": _starts(start_request),
    "prio": start_judgement,
}


def finish_priority_judgement(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """The office judged a priority condition met (001 五): told, with the card."""
    project = record_judgement(s, uow, actor, draft, subject)
    done = s.renderer.message(actor.locale, "pipeline#priority_judged", project=project)
    return [Reply(done), office_card(s, uow, actor, project)]


def finish_negotiation_note(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """Negotiation notes recorded; a confirmed project moves to ③ 项目洽谈."""
    project = uow.projects.get(int(subject))
    if project is None:
        raise HandlerError("common#stale_button")
    uow.projects.add_note(
        project.id or 0, "negotiation", draft.answers["negotiation"], actor.person_id
    )
    if project.stage == Stage.CONFIRMED.value:
        move(s, uow, actor, project, "negotiate")
    return [office_card(s, uow, actor, project)]


def finish_return(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """The plan goes back to the investor for more material, with the office's comment."""
    project = uow.projects.get(int(subject))
    if project is None:
        raise HandlerError("common#stale_button")
    comment = draft.answers["return_comment"]
    uow.projects.add_note(project.id or 0, "returned", comment, actor.person_id)
    project.awaiting_investor = True
    uow.session.add(project)
    uow.audit("return_plan", "project", project.id, actor_id=actor.person_id, note=comment)
    if project.investor_person_id:
        notify(
            s,
            uow,
            project.investor_person_id,
            lambda loc: Reply(
                s.renderer.message(
                    loc, "pipeline#returned_to_investor", project=project, comment=comment
                ),
                (
                    (
                        Button(
                            s.renderer.message(loc, "pipeline#btn_fix"),
                            PLAN_BUTTONS.encode("fix", project.id),
                        ),
                    ),
                ),
            ),
            dedupe_key=f"returned:{project.id}:{len(uow.projects.notes(project.id or 0))}",
        )
    return [office_card(s, uow, actor, project)]
