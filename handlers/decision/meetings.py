"""The joint meeting (联席会议): schedule, agenda of reviewed projects only, invitations,
decisions per project, and the minutes (会议纪要) as a Word document (000 一(二)2)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Final, NamedTuple

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.meeting import MEETING_FORM
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers import forms
from handlers.aftercare.forums import schedule
from handlers.buttons import MEETING_BUTTONS
from handlers.context import Actor, Services
from handlers.decision.minutes import minutes_document
from handlers.errors import HandlerError, Refused
from handlers.notify import message, notify_many
from handlers.stages import check_agenda
from storage.tables import Meeting, MeetingAttendee, MeetingItem, Project
from storage.uow import UnitOfWork
from workflow.pipeline import Decision, Stage
from workflow.roles import Role

CORRECTABLE: Final = frozenset({Decision.APPROVED.value, Decision.REJECTED.value})
"""Decisions the office may correct by a new one (handlers/decision/decisions.py 更正决定)."""


AGENDA_CHOICES: Final = 50
"""The most projects the agenda offers at once, the newest first (a district decides a few
at each meeting)."""


class AgendaRow(NamedTuple):
    """One item of a meeting's agenda with its project, as the card lists it."""

    item: MeetingItem
    project: Project | None


def meeting_card(s: Services, uow: UnitOfWork, meeting: Meeting, locale: str) -> Reply:
    """A meeting as the office sees it: agenda, decisions, and what to do next."""
    assert meeting.id is not None
    items = uow.decisions.items(meeting.id)
    rows = [AgendaRow(i, uow.projects.get(i.project_id)) for i in items]
    label = lambda key, **p: s.renderer.message(locale, f"meetings#btn_{key}", **p)  # noqa: E731
    buttons: list[Button] = []
    if meeting.status == "scheduled":
        buttons.append(Button(label("add"), MEETING_BUTTONS.encode("add", meeting.id)))
        buttons.append(Button(label("invite"), MEETING_BUTTONS.encode("inv", meeting.id)))
        for r in rows:
            item, project = r.item, r.project
            if item.decision in CORRECTABLE and project is not None:  # 更正决定
                buttons.append(
                    Button(
                        label("correct", serial=project.serial),
                        MEETING_BUTTONS.encode("fix", item.id),
                    )
                )
            if item.decision is None and project is not None:
                buttons += [
                    Button(
                        label("approve", serial=project.serial),
                        MEETING_BUTTONS.encode("ok", item.id),
                    ),
                    Button(
                        label("reject", serial=project.serial),
                        MEETING_BUTTONS.encode("no", item.id),
                    ),
                    Button(
                        label("defer", serial=project.serial),
                        MEETING_BUTTONS.encode("defer", item.id),
                    ),
                ]
        if rows and all(r.item.decision for r in rows):
            buttons.append(Button(label("minutes"), MEETING_BUTTONS.encode("min", meeting.id)))
    text = s.renderer.message(
        locale,
        "meetings#card",
        meeting=meeting,
        rows=rows,
        attendees=len(uow.decisions.attendees(meeting.id)),
    )
    return Reply(text, keyboard(buttons, 3), card=f"mt:{meeting.id}")


def meetings(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Upcoming joint meetings, and scheduling a new one."""
    upcoming = uow.decisions.upcoming_meetings()
    buttons = [Button(m.title, MEETING_BUTTONS.encode("card", m.id)) for m in upcoming]
    buttons.append(
        Button(
            s.renderer.message(actor.locale, "meetings#btn_new"), MEETING_BUTTONS.encode("new", 0)
        )
    )
    return Outcome(
        [
            Reply(
                s.renderer.message(actor.locale, "meetings#list", meetings=upcoming),
                keyboard(buttons, 1),
            )
        ]
    )


def agenda(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Put a project on a meeting's agenda: /agenda offers the meetings, then the projects
    that may go on (as buttons); /agenda <meeting id> offers that meeting's; /agenda <meeting
    id> <serial> puts one on."""
    parts = event.args.split()
    if len(parts) > 2 or (parts and not parts[0].isdigit()):
        raise HandlerError("meetings#agenda_usage")
    if not parts:
        upcoming = uow.decisions.upcoming_meetings()
        if not upcoming:
            raise HandlerError("meetings#no_meeting")
        if len(upcoming) > 1:
            buttons = [Button(m.title, MEETING_BUTTONS.encode("add", m.id)) for m in upcoming]
            text = s.renderer.message(actor.locale, "meetings#choose_meeting")
            return Outcome([Reply(text, keyboard(buttons, 1))])
        return _candidates(s, uow, actor, upcoming[0])
    meeting = uow.decisions.meeting(int(parts[0]))
    if meeting is None:
        raise HandlerError("meetings#agenda_usage")
    if len(parts) == 1:
        return _candidates(s, uow, actor, meeting)
    project = uow.projects.by_serial(parts[1])
    if project is None:
        raise HandlerError("meetings#agenda_usage")
    put_on_agenda(uow, actor, meeting, project)
    return Outcome([meeting_card(s, uow, meeting, actor.locale)])


def put_on_agenda(uow: UnitOfWork, actor: Actor, meeting: Meeting, project: Project) -> None:
    """Only a project whose review passed (000 一(二)2), and that nothing the documents forbid
    stops (001 一, 六), may go on the agenda."""
    if meeting.status != "scheduled":
        raise HandlerError("meetings#already_held")
    check_agenda(uow, project)
    if uow.decisions.item_for(meeting.id or 0, project.id or 0) is None:
        uow.decisions.add(MeetingItem(meeting_id=meeting.id or 0, project_id=project.id or 0))
        uow.audit(
            "agenda_add", "meeting", meeting.id, actor_id=actor.person_id, to_value=project.serial
        )


def meeting_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The office's buttons on meeting cards (decisions: handlers/decision/decisions.py)."""
    if not actor.has(Role.OFFICE):
        raise Refused("common#not_allowed", audit_action=f"refused:mt:{data.action}")
    if data.action == "new":
        return Outcome(forms.start(s, uow, actor, event.chat_id, MEETING_FORM.id))
    meeting = uow.decisions.meeting(data.arg_int(0))
    if meeting is None:
        raise HandlerError("common#stale_button")
    if data.action == "put":
        project = uow.projects.get(data.arg_int(1))
        if project is None:
            raise HandlerError("common#stale_button")
        put_on_agenda(uow, actor, meeting, project)
    elif data.action == "add":
        return _candidates(s, uow, actor, meeting)
    elif data.action == "inv":
        invite(s, uow, actor, meeting)
    elif data.action == "min":
        return Outcome([minutes(s, uow, actor, meeting)])
    return Outcome([meeting_card(s, uow, meeting, actor.locale).as_edit()])


def _candidates(s: Services, uow: UnitOfWork, actor: Actor, meeting: Meeting) -> Outcome:
    """The projects that may go on this meeting's agenda, as buttons: reviewed and passed,
    nothing the documents forbid stopping them (stages.check_agenda), not on it yet."""
    if meeting.status != "scheduled":
        raise HandlerError("meetings#already_held")
    waiting = uow.projects.listing(stage=Stage.DECISION.value, limit=AGENDA_CHOICES)
    eligible = [
        p
        for p in waiting
        if _may_go_on(uow, p) and uow.decisions.item_for(meeting.id or 0, p.id or 0) is None
    ]
    if not eligible:
        raise HandlerError("meetings#nothing_to_decide")
    buttons = [
        Button(f"{p.serial} {p.name[:16]}", MEETING_BUTTONS.encode("put", meeting.id, p.id))
        for p in eligible
    ]
    text = s.renderer.message(actor.locale, "meetings#choose_project", meeting=meeting)
    return Outcome([Reply(text, keyboard(buttons, 1))])


def _may_go_on(uow: UnitOfWork, project: Project) -> bool:
    try:
        check_agenda(uow, project)
    except Refused:
        return False
    return True


def invite(s: Services, uow: UnitOfWork, actor: Actor, meeting: Meeting) -> int:
    """Invite the leading group: leaders, member units' heads, the office."""
    people = {
        p.id
        for role in (Role.LEADER, Role.UNIT_HEAD, Role.OFFICE)
        for p in uow.people.holders(role.value)
        if p.id
    }
    known = set(uow.decisions.attendees(meeting.id or 0))
    for pid in sorted(people - known):
        uow.decisions.add(MeetingAttendee(meeting_id=meeting.id or 0, person_id=pid))
    projects = [uow.projects.get(i.project_id) for i in uow.decisions.items(meeting.id or 0)]
    uow.audit(
        "meeting_invite",
        "meeting",
        meeting.id,
        actor_id=actor.person_id,
        note=f"{len(people)} people",
    )
    return notify_many(
        s,
        uow,
        sorted(people - {actor.person_id}),
        lambda loc: Reply(
            s.renderer.message(loc, "meetings#invitation", meeting=meeting, projects=projects)
        ),
        dedupe_key=f"meeting:{meeting.id}:invite:{len(projects)}",
    )


def finish_meeting_form(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """A meeting was scheduled."""
    if subject:  # the same form schedules investors' forums and company visits
        return schedule(s, uow, actor, draft, subject)
    a = draft.answers
    day = datetime.fromisoformat(a["date"]).date()
    at = datetime.combine(day, time(int(a["time"][:2]), int(a["time"][2:])), s.timezone)
    number = len(uow.decisions.upcoming_meetings()) + 1
    title = s.renderer.message(actor.locale, "meetings#title", date=day, number=number)
    meeting = Meeting(title=title, scheduled_at=at, place=a["place"], created_by=actor.person_id)
    uow.decisions.add(meeting)
    uow.audit(
        "meeting_schedule",
        "meeting",
        meeting.id,
        actor_id=actor.person_id,
        to_value=at.isoformat(),
    )
    return [meeting_card(s, uow, meeting, actor.locale)]


def finish_deferral(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """暂缓, with the conditions to meet before the project comes back."""
    item = uow.decisions.item(int(subject))
    meeting = uow.decisions.meeting(item.meeting_id) if item else None
    if item is None or meeting is None or item.decision is not None:
        raise HandlerError("common#stale_button")
    item.decision, item.conditions = Decision.DEFERRED.value, draft.answers["conditions"]
    item.decided_at = s.clock()
    uow.session.add(item)
    uow.audit(
        "meeting_decision",
        "project",
        item.project_id,
        actor_id=actor.person_id,
        to_value=item.decision,
        note=item.conditions,
    )
    return [meeting_card(s, uow, meeting, actor.locale)]


def minutes(s: Services, uow: UnitOfWork, actor: Actor, meeting: Meeting) -> Reply:
    """Generate the minutes, send them to the attendees and the leading group."""
    items = uow.decisions.items(meeting.id or 0)
    if not items or any(i.decision is None for i in items):
        raise HandlerError("meetings#minutes_not_ready")
    doc = minutes_document(s, uow, meeting)
    meeting.status = "held"
    uow.session.add(meeting)
    stored = uow.outbox.store_file(doc.filename, doc.content or b"", doc.mime_type)
    people = set(uow.decisions.attendees(meeting.id or 0))
    people |= {p.id for p in uow.people.holders(Role.LEADER.value) if p.id}
    uow.audit("meeting_minutes", "meeting", meeting.id, actor_id=actor.person_id)
    caption = message(s, "meetings#minutes_caption", meeting=meeting)
    notify_many(
        s,
        uow,
        sorted(people - {actor.person_id}),
        caption,
        dedupe_key=f"minutes:{meeting.id}",
        file_id=stored.id,
    )
    return Reply(caption(actor.locale).text, document=doc)
