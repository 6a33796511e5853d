"""The joint meeting's decisions on its agenda (000 一(二)2(3)): 准予落户, 不予引进 (asked on the
card first), 暂缓 with its conditions, and 更正决定 — a decision taken is never withdrawn, it is
corrected by a new, audited one while the minutes are not yet out."""

from __future__ import annotations

from typing import Final

from conversations.callbacks import CallbackData
from conversations.forms.notes import DEFER_CONDITIONS
from conversations.inbound import Inbound
from conversations.replies import Outcome
from handlers import forms
from handlers.context import Actor, Services
from handlers.decision.city import send_to_city
from handlers.decision.city_steps import withdraw_city_case
from handlers.decision.meetings import meeting_action, meeting_card
from handlers.errors import HandlerError, Refused
from handlers.routing import Pressed
from handlers.stages import move
from storage.tables import Meeting, MeetingItem, Project
from storage.uow import UnitOfWork
from workflow.pipeline import Decision
from workflow.roles import Role

CORRECTIONS: Final[dict[str | None, Decision]] = {
    Decision.APPROVED.value: Decision.REJECTED,
    Decision.REJECTED.value: Decision.APPROVED,
}
"""更正决定: the decision a taken one is corrected to."""

_DECISIONS: Final = frozenset({"ok", "no", "defer", "fix"})


def meeting_buttons(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The office's buttons on meeting cards: the decisions here, the rest in meetings.py."""
    if data.action not in _DECISIONS:
        return meeting_action(s, uow, actor, event, data)
    item, meeting, project = _checked(uow, actor, data)
    if data.action == "fix":
        return _correct(s, uow, actor, item, meeting, project)
    if data.action == "defer":
        return Outcome(
            forms.start(s, uow, actor, event.chat_id, DEFER_CONDITIONS.id, str(item.id))
        )
    return _decide(s, uow, actor, item, meeting, project, data.action == "ok")


def meeting_pressed(s: Services, uow: UnitOfWork, actor: Actor, data: CallbackData) -> Pressed:
    """The meeting card a decision's press stands on, once the press's checks pass: what its
    confirmation question is asked on (handlers/confirm.py)."""
    item, meeting, project = _checked(uow, actor, data)
    params = {"project": project, "decision": CORRECTIONS.get(item.decision, item.decision)}
    return Pressed(meeting_card(s, uow, meeting, actor.locale), params)


def _checked(
    uow: UnitOfWork, actor: Actor, data: CallbackData
) -> tuple[MeetingItem, Meeting, Project]:
    """The agenda item a decision's press names: the office's, undecided (or, to correct it,
    decided, at a meeting whose minutes are not yet out)."""
    if not actor.has(Role.OFFICE):
        raise Refused("common#not_allowed", audit_action=f"refused:mt:{data.action}")
    item = uow.decisions.item(data.arg_int(0))
    meeting = uow.decisions.meeting(item.meeting_id) if item else None
    project = uow.projects.get(item.project_id) if item else None
    if item is None or meeting is None or project is None:
        raise HandlerError("common#stale_button")
    if data.action == "fix":
        if meeting.status != "scheduled":  # the minutes record it: a later meeting decides
            raise HandlerError("meetings#already_held")
        if item.decision not in CORRECTIONS:
            raise HandlerError("common#stale_button")
    elif item.decision is not None:
        raise HandlerError("meetings#already_decided", serial=project.serial)
    return item, meeting, project


def _decide(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    item: MeetingItem,
    meeting: Meeting,
    project: Project,
    approved: bool,
) -> Outcome:
    """准予落户 (the project goes to the city) or 不予引进 (it ends)."""
    item.decision = (Decision.APPROVED if approved else Decision.REJECTED).value
    item.decided_at = s.clock()
    uow.session.add(item)
    uow.session.flush()
    uow.audit(
        "meeting_decision",
        "project",
        project.id,
        actor_id=actor.person_id,
        to_value=item.decision,
        note=f"meeting {meeting.id}",
    )
    replies = [meeting_card(s, uow, meeting, actor.locale).as_edit()]
    if approved:
        move(s, uow, actor, project, "approve", note=f"meeting {meeting.id}")
        replies += send_to_city(s, uow, actor, project)
    else:
        move(s, uow, actor, project, "reject", note=f"meeting {meeting.id}")
    return Outcome(replies)


def _correct(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    item: MeetingItem,
    meeting: Meeting,
    project: Project,
) -> Outcome:
    """更正决定: a new decision replaces the one taken; the old one stays in the audit log and
    the project's history. The project moves by workflow's guards: 准予落户 becomes 不予引进
    only while the city has not acted on its case, which is withdrawn (its card then refuses
    presses); 不予引进 becomes 准予落户 and goes to the city as any approval does."""
    before, corrected = item.decision, CORRECTIONS[item.decision]
    item.decision, item.decided_at = corrected.value, s.clock()
    uow.session.add(item)
    uow.session.flush()
    uow.audit(
        "meeting_decision_corrected",
        "project",
        project.id,
        actor_id=actor.person_id,
        from_value=before,
        to_value=item.decision,
        note=f"meeting {meeting.id}",
    )
    replies = [meeting_card(s, uow, meeting, actor.locale).as_edit()]
    if corrected is Decision.REJECTED:
        move(s, uow, actor, project, "correct_to_reject", note=f"meeting {meeting.id}")
        withdraw_city_case(s, uow, actor, project)
    else:
        move(s, uow, actor, project, "correct_to_approve", note=f"meeting {meeting.id}")
        replies += send_to_city(s, uow, actor, project)
    toast = s.renderer.message(actor.locale, "confirm#corrected", decision=item.decision)
    return Outcome(replies, toast=toast)
