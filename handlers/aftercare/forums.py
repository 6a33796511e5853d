"""Investor forums (投资企业座谈会, by the office) and the half-yearly company visits (by the
district leader in charge): schedule, invite, remind, collect opinions, and send the summary
to the leading group (000 一(三)2(4))."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.forum import FORUM_OPINION_FORM
from conversations.forms.meeting import FORUM_FORM, VISIT_FORM
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers import deployment, forms
from handlers.buttons import FORUM_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.notify import Build, message, notify_many
from storage.tables import ForumOpinion, Meeting, MeetingAttendee
from storage.uow import UnitOfWork
from workflow.notices import day_before_reminder_due, may_fire
from workflow.pipeline import Stage
from workflow.roles import Role

SIGNED = (Stage.SIGNED, Stage.LANDING, Stage.CONSTRUCTION, Stage.PRODUCTION)
ORGANISERS = frozenset({Role.OFFICE, Role.LEADER})
LEADING_GROUP = ("leading_group_leader", "leading_group_deputy", "leading_group_member")
"""The roster positions of the district's leading group (000 附件1)."""


def forum(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Schedule an investors' forum."""
    return Outcome(forms.start(s, uow, actor, event.chat_id, FORUM_FORM.id, "forum"))


def visit(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Schedule a visit to a signed company: choose the company first."""
    projects = [p for st in SIGNED for p in uow.projects.listing(stage=st.value, limit=100)]
    if not projects:
        raise HandlerError("forums#no_company")
    buttons = [
        Button(
            f"{p.serial} {(p.investor_name or p.name)[:18]}", FORUM_BUTTONS.encode("company", p.id)
        )
        for p in projects
    ]
    return Outcome(
        [Reply(s.renderer.message(actor.locale, "forums#choose_company"), keyboard(buttons, 1))]
    )


def schedule(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """A forum or a visit was scheduled: invite the people concerned."""
    a = draft.answers
    day = datetime.fromisoformat(a["date"]).date()
    at = datetime.combine(day, time(int(a["time"][:2]), int(a["time"][2:])), s.timezone)
    kind, _, project_id = subject.partition(":")
    project = uow.projects.get(int(project_id)) if project_id else None
    title = s.renderer.message(
        actor.locale,
        f"forums#title_{kind}",
        date=day,
        company=project.investor_name if project else None,
    )
    meeting = Meeting(
        title=title,
        scheduled_at=at,
        place=a["place"],
        kind=kind,
        project_id=project.id if project else None,
        created_by=actor.person_id,
    )
    uow.decisions.add(meeting)
    if project is not None and project.investor_person_id:
        investors = [project.investor_person_id]
    else:
        investors = sorted(
            {
                p.investor_person_id
                for st in SIGNED
                for p in uow.projects.listing(stage=st.value, limit=1000)
                if p.investor_person_id
            }
        )
    organisers = [p.id for role in ORGANISERS for p in uow.people.holders(role.value) if p.id]
    for pid in dict.fromkeys(investors + organisers):
        uow.decisions.add(MeetingAttendee(meeting_id=meeting.id or 0, person_id=pid))
    uow.audit(
        f"{kind}_schedule",
        "meeting",
        meeting.id,
        actor_id=actor.person_id,
        note=f"{len(investors)} investor(s)",
    )
    notify_many(
        s,
        uow,
        [i for i in investors if i != actor.person_id],
        _invitation(s, meeting),
        dedupe_key=f"fo:{meeting.id}:invite",
    )
    return [forum_card(s, uow, meeting, actor.locale)]


def _invitation(
    s: Services, meeting: Meeting, template: str = "forums#invitation", **params: object
) -> Build:
    def build(locale: str) -> Reply:
        label = s.renderer.message(locale, "forums#btn_opinion")
        return Reply(
            s.renderer.message(locale, template, meeting=meeting, **params),
            ((Button(label, FORUM_BUTTONS.encode("op", meeting.id)),),),
        )

    return build


def forum_card(s: Services, uow: UnitOfWork, meeting: Meeting, locale: str) -> Reply:
    """A forum or visit as its organiser sees it: invitees, opinions so far, the summary."""
    opinions = uow.decisions.forum_opinions(meeting.id or 0)
    text = s.renderer.message(
        locale,
        "forums#card",
        meeting=meeting,
        invited=len(uow.decisions.attendees(meeting.id or 0)),
        opinions=len(opinions),
    )
    buttons = (
        ()
        if meeting.status != "scheduled"
        else (
            (
                Button(
                    s.renderer.message(locale, "forums#btn_summary"),
                    FORUM_BUTTONS.encode("sum", meeting.id),
                ),
            ),
        )
    )
    return Reply(text, buttons, card=f"fo:{meeting.id}")


def forum_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """Choose the company to visit; give an opinion; send the summary."""
    if data.action == "company":
        if not actor.roles & ORGANISERS:
            raise Refused("common#not_allowed", audit_action="refused:visit")
        project = uow.projects.get(data.arg_int(0))
        if project is None:
            raise HandlerError("common#stale_button")
        return Outcome(
            forms.start(s, uow, actor, event.chat_id, VISIT_FORM.id, f"visit:{project.id}")
        )
    meeting = uow.decisions.meeting(data.arg_int(0))
    if meeting is not None and meeting.kind not in ("forum", "visit"):
        meeting = None
    if data.action == "op":
        # An investor learns nothing of meetings they were not invited to.
        if meeting is None or actor.person_id not in uow.decisions.attendees(meeting.id or 0):
            raise Refused("common#not_allowed", audit_action="refused:forum_opinion")
        return Outcome(
            forms.start(s, uow, actor, event.chat_id, FORUM_OPINION_FORM.id, str(meeting.id))
        )
    if data.action == "sum":
        if not actor.roles & ORGANISERS:
            raise Refused("common#not_allowed", audit_action="refused:forum_summary")
        if meeting is None:
            raise HandlerError("common#stale_button")
        return Outcome([summary(s, uow, actor, meeting)])
    raise HandlerError("common#stale_button")


def finish_opinion(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """Keep what the investor said (a second opinion replaces the first)."""
    meeting_id = int(subject)
    old = next(
        (o for o in uow.decisions.forum_opinions(meeting_id) if o.person_id == actor.person_id),
        None,
    )
    if old is not None:
        uow.session.delete(old)
        uow.session.flush()
    uow.decisions.add(
        ForumOpinion(
            meeting_id=meeting_id,
            person_id=actor.person_id,
            opinion=draft.answers["opinion"],
            problems=draft.answers.get("problems"),
            at=s.clock(),
        )
    )
    return [Reply(s.renderer.message(actor.locale, "forums#thanks"))]


def summary(s: Services, uow: UnitOfWork, actor: Actor, meeting: Meeting) -> Reply:
    """The opinions collected, to the leading group; the forum or visit is then closed."""
    rows = []
    for o in uow.decisions.forum_opinions(meeting.id or 0):
        person = uow.people.get(o.person_id)
        rows.append(
            {
                "name": person.name if person else "",
                "company": person.company if person else None,
                "opinion": o.opinion,
                "problems": o.problems,
            }
        )
    meeting.status = "held"
    uow.session.add(meeting)
    uow.audit(
        "forum_summary",
        "meeting",
        meeting.id,
        actor_id=actor.person_id,
        note=f"{len(rows)} opinion(s)",
    )
    build = message(s, "forums#summary", meeting=meeting, rows=rows)
    notify_many(s, uow, summary_readers(uow, actor), build, dedupe_key=f"fo:{meeting.id}:summary")
    return build(actor.locale)


def summary_readers(uow: UnitOfWork, actor: Actor) -> list[int]:
    """Who gets a forum's or a visit's summary, whoever closed it: the office and the leading
    group (its 组长, 副组长 and members of 附件1, and the district leaders), but the closer."""
    people = [p for role in (Role.OFFICE, Role.LEADER) for p in uow.people.holders(role.value)]
    people += [p for pos in LEADING_GROUP for p in uow.people.position_holders(pos)]
    return [pid for pid in dict.fromkeys(p.id for p in people if p.id) if pid != actor.person_id]


def reminders(s: Services, uow: UnitOfWork) -> int:
    """The day before a forum or a visit, remind those invited (once). When that day is not a
    working day (a Monday's forum, one after a holiday), the reminder goes out on the last
    working day before."""
    today = s.today()
    started = deployment.started_on(s, uow)
    sent = 0
    for kind in ("forum", "visit"):
        for m in uow.decisions.upcoming_meetings(kind):
            day = m.scheduled_at.astimezone(s.timezone).date()
            if not may_fire(day, started) or not day_before_reminder_due(
                day, today, s.calendar.is_working_day
            ):
                continue
            sent += notify_many(
                s,
                uow,
                uow.decisions.attendees(m.id or 0),
                _invitation(s, m, "forums#reminder", tomorrow=day == today + timedelta(days=1)),
                dedupe_key=f"fo:{m.id}:remind",
            )
    return sent
