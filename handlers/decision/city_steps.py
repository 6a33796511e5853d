"""A city official's steps on a case's card (001 七(二)2): approve (or acknowledge a filing),
passing the case to the next approver or clearing it, and return — each asked on the card
first (handlers/confirm.py); and the withdrawal of a pending case whose district decision was
corrected to 不予引进 before the city acted."""

from __future__ import annotations

from conversations.callbacks import CallbackData
from conversations.forms.notes import CITY_COMMENT
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers import forms
from handlers.buttons import CITY_BUTTONS
from handlers.context import Actor, Services
from handlers.decision.city import (
    POSITION_ROLE,
    _approvers,
    _send_card,
    act,
    case_and_project,
    city_card,
    city_card_key,
    tell_office,
)
from handlers.errors import HandlerError, Refused
from handlers.notify import message, notify_many, supersede
from handlers.routing import Pressed
from handlers.stages import move
from storage.tables import CityCase, Project
from storage.uow import UnitOfWork
from workflow.pipeline import Stage
from workflow.policy import RouteKind
from workflow.roles import CITY_ROLES


def city_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """A city official's buttons: acknowledge or approve, return (the recall is
    city_round.py's, which opens the city's own round). Each is asked on the card first."""
    case, project = _checked(s, uow, actor, data)
    if data.action == "ret":
        return Outcome(forms.start(s, uow, actor, event.chat_id, CITY_COMMENT.id, str(case.id)))
    if data.action in ("ok", "ack"):
        return _approve(s, uow, actor, case, project)
    raise HandlerError("common#stale_button")


def city_pressed(s: Services, uow: UnitOfWork, actor: Actor, data: CallbackData) -> Pressed:
    """The city card a press stands on, once the press's checks pass: what its confirmation
    question is asked on (handlers/confirm.py)."""
    case, project = _checked(s, uow, actor, data)
    rnd = uow.reviews.latest(project.id or 0)
    reviewed = rnd is not None and rnd.level == "city"
    card = city_card(s, case, project, actor.locale, reviewed)
    return Pressed(card, {"project": project, "route": case.route})


def _checked(
    s: Services, uow: UnitOfWork, actor: Actor, data: CallbackData
) -> tuple[CityCase, Project]:
    """The pending case a press names; approving or acknowledging is the step's official's."""
    case, project = case_and_project(uow, data)
    if case.status != "pending":
        raise HandlerError("city#closed", serial=project.serial)
    position = _approvers(s, case)[case.step]
    if data.action in ("ok", "ack") and not actor.has(POSITION_ROLE[position]):
        raise Refused("city#not_your_step", audit_action="refused:city_approve", position=position)
    if data.action == "ret" and not (actor.roles & CITY_ROLES):
        raise Refused("common#not_allowed", audit_action=f"refused:city_{data.action}")
    return case, project


def withdraw_city_case(s: Services, uow: UnitOfWork, actor: Actor, project: Project) -> None:
    """The district corrected its decision to 不予引进 before the city acted: the pending case
    is withdrawn, audited, and the official whose step it was is told; their card loses its
    buttons (a press on an old copy is refused: the case is closed)."""
    case = uow.decisions.latest_city_case(project.id or 0)
    if case is None or case.status != "pending":
        return
    case.status, case.closed_at = "withdrawn", s.clock()
    uow.session.add(case)
    uow.audit("city_withdrawn", "city_case", case.id, actor_id=actor.person_id)
    position = _approvers(s, case)[case.step]
    holders = [p.id for p in uow.people.holders(POSITION_ROLE[position].value) if p.id]
    build = lambda loc: city_card(s, case, project, loc)  # noqa: E731
    supersede(s, uow, holders, city_card_key(case), build, "confirm#city_card_withdrawn")
    notify_many(s, uow, holders, message(s, "confirm#city_withdrawn", project=project))


def _approve(
    s: Services, uow: UnitOfWork, actor: Actor, case: CityCase, project: Project
) -> Outcome:
    approvers = _approvers(s, case)
    act(s, uow, actor, case, "acknowledge" if case.route == RouteKind.FILING.value else "approve")
    if case.step + 1 < len(approvers):  # 10亿 and above: the 组长 approves next
        case.step += 1
        uow.session.add(case)
        _send_card(s, uow, case, project)
        text = s.renderer.message(
            actor.locale, "city#passed_on", project=project, position=approvers[case.step]
        )
        return Outcome([Reply(text, edit=True)])
    case.status, case.closed_at = "cleared", s.clock()
    uow.session.add(case)
    uow.session.flush()
    if project.stage == Stage.CITY.value:
        move(s, uow, actor, project, "city_clear", roles=actor.roles)
    # A filed project may have signed already (001 七(三)): the acknowledgement is only recorded.
    tell_office(s, uow, project, "city#cleared_notice", route=case.route, stage=project.stage)
    text = s.renderer.message(
        actor.locale, "city#cleared", project=project, route=case.route, stage=project.stage
    )
    return Outcome([Reply(text, recall_keyboard(s, case, project, actor.locale), edit=True)])


def recall_keyboard(
    s: Services, case: CityCase, project: Project, locale: str
) -> tuple[tuple[Button, ...], ...]:
    """The recall button, kept on a filed or approved case until the project is signed."""
    if project.stage not in (Stage.CITY.value, Stage.CLEARED.value):
        return ()
    label = s.renderer.message(locale, "city#btn_recall")
    return keyboard([Button(label, CITY_BUTTONS.encode("recall", case.id))], 1)
