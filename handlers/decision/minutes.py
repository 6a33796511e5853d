"""The joint meeting's minutes (会议纪要) as a Word document, from storage."""

from __future__ import annotations

from typing import cast

from conversations.replies import Document
from documents.word import AgendaItem, Attendee, AttendeeGroup, Minutes, meeting_minutes
from documents.word.minutes import Decision, Disagreement
from documents.word.review_sheet import Outcome
from handlers.context import Services
from handlers.pipeline.admission_view import document_lines
from handlers.review.sheet import DOCX
from storage.tables import Meeting
from storage.uow import UnitOfWork
from workflow.review import Verdict
from workflow.roles import Role


def minutes_document(s: Services, uow: UnitOfWork, meeting: Meeting) -> Document:
    """The minutes of a meeting whose every agenda item is decided."""
    items = []
    for item in uow.decisions.items(meeting.id or 0):
        project = uow.projects.get(item.project_id)
        assert project is not None and item.decision is not None
        rnd = uow.reviews.latest(item.project_id)
        opinions = uow.reviews.opinions(rnd.id or 0) if rnd else []
        disagreements = [
            Disagreement(
                s.policy.dimension(o.dimension_id).name, s.policy.unit(o.unit_id).name, o.opinion
            )
            for o in opinions
            if o.verdict == Verdict.DISAGREE.value
        ]
        conditions = [
            f"{s.policy.dimension(o.dimension_id).name}：{o.opinion}"
            for o in opinions
            if o.verdict == Verdict.CONDITIONAL.value and o.opinion
        ]
        if item.conditions:
            conditions.append(item.conditions)
        items.append(
            AgendaItem(
                serial=project.serial,
                project_name=project.name,
                investor=project.investor_name,
                total_investment_wan=project.total_investment_wan,
                outcome=cast(Outcome, rnd.outcome if rnd and rnd.outcome else "passed"),
                decision=cast(Decision, item.decision),
                disagreements=disagreements,
                conditions=conditions,
                veto_dimension=_veto(s, rnd.outcome if rnd else None, disagreements),
                exceptions=document_lines(s, uow, project),
            )
        )  # type: ignore[arg-type]
    groups: dict[str, list[Attendee]] = {}
    for pid in uow.decisions.attendees(meeting.id or 0):
        person = uow.people.get(pid)
        if person is None:
            continue
        unit = s.policy.unit(person.unit_id).name if person.unit_id else ""
        groups.setdefault(unit, []).append(Attendee(person.name, person.title))
    chairs = uow.people.position_holders("leading_group_leader")
    chair = Attendee(chairs[0].name, chairs[0].title) if chairs else Attendee("", None)
    leaders = [p.name for p in uow.people.holders(Role.LEADER.value)]
    minutes = Minutes(
        number=str(meeting.id),
        title=meeting.title,
        held_at=meeting.scheduled_at,
        place=meeting.place or None,
        chair=chair,
        attendees=[AttendeeGroup(u, people) for u, people in groups.items()],
        items=items,
        issuer=s.policy.office().name,
        issued_on=s.today(),
        send_to=[s.policy.unit(u.id).name for u in s.policy.member_units()],
        copy_to=leaders,
        time_zone=s.timezone,
    )
    return Document(
        filename=s.file_name("minutes", number=meeting.id),
        content=meeting_minutes(minutes, templates=s.documents),
        mime_type=DOCX,
    )


def _veto(s: Services, outcome: str | None, disagreements: list[Disagreement]) -> str | None:
    """The veto dimension that failed the round, if one did (001 四(一), 六(三))."""
    if outcome != "failed":
        return None
    veto = {d.name for d in s.policy.review_dimensions if d.veto}
    return next((d.dimension for d in disagreements if d.dimension in veto), None)
