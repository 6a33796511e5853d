"""The documents the bot makes for a project, as its page offers them for download: each made
now from what is recorded, by the same builders chat sends them with, to the people chat sends
them to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from conversations.replies import Document
from handlers.aftercare.liaison import table_document
from handlers.context import Actor, Services
from handlers.decision.city import city_form
from handlers.decision.minutes import minutes_document
from handlers.errors import Refused
from handlers.intake.application_form import application_document, may_see_application
from handlers.intake.plan_document import plan_document
from handlers.pipeline.admission_view import document_lines
from handlers.pipeline.project_view import viewable
from handlers.review.opinions import may_read_opinions
from handlers.review.sheet import review_sheet_document
from handlers.review.summary import round_outcome
from storage.repositories import project_page as queries
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.review import ReviewOutcome
from workflow.roles import OFFICIAL_ROLES, Role


@dataclass(frozen=True, slots=True)
class DocumentLink:
    """A document the bot makes for the project: its key in the page's address, and the name
    it is saved under."""

    kind: str
    filename: str


Builder = Callable[[], Document]
"""Makes one document from what is recorded now."""


def document_links(
    s: Services, uow: UnitOfWork, actor: Actor, project: Project
) -> list[DocumentLink]:
    """The documents of a project this person may download."""
    return [DocumentLink(kind, name) for kind, name, _ in _documents(s, uow, actor, project)]


def project_document(
    s: Services, uow: UnitOfWork, actor: Actor, project_id: int, kind: str
) -> Document:
    """One of the project's documents, made now from what is recorded, if this person may
    have it (the page lists only those); the download is audited."""
    project = viewable(actor, uow.projects.get(project_id), str(project_id))
    for found, _, build in _documents(s, uow, actor, project):
        if found == kind:
            uow.audit("web_document", "project", project.id, actor_id=actor.person_id, note=kind)
            return build()
    raise Refused("common#not_allowed", audit_action="refused:web_document")


def _documents(
    s: Services, uow: UnitOfWork, actor: Actor, project: Project
) -> list[tuple[str, str, Builder]]:
    """The documents this person may have, each as (kind, file name, builder), by the rules
    chat sends them by: the plan (附件4) to officials; the 遴选申报表 and the city's forms as
    /application allows; a closed round's 评审意见表 (附件5) to whoever may read its
    opinions; a meeting's minutes to the office, the leaders and its attendees; the liaison
    table (附件7) to the office."""
    if not actor.roles & OFFICIAL_ROLES:
        return []
    pid, serial = project.id or 0, project.serial
    out: list[tuple[str, str, Builder]] = [
        (
            "plan",
            s.file_name("plan", serial=serial),
            lambda: plan_document(s, project, document_lines(s, uow, project)),
        )
    ]
    if may_see_application(uow, actor, project):
        out.append(
            (
                "application",
                s.file_name("application", serial=serial),
                lambda: application_document(s, project),
            )
        )
        for case in queries.city_cases(uow.session, pid):
            out.append(
                (
                    f"city-{case.id}",
                    s.file_name("city_form", serial=serial, route=case.route),
                    partial(city_form, s, uow, case, project),
                )
            )
    for rnd in queries.rounds(uow.session, pid):
        opinions = uow.reviews.opinions(rnd.id or 0)
        result = round_outcome(s, opinions)
        if rnd.outcome is None or result is None or not may_read_opinions(actor, rnd):
            continue
        result = replace(result, outcome=ReviewOutcome(rnd.outcome))
        out.append(
            (
                f"review-{rnd.id}",
                s.file_name("review_sheet", serial=serial, number=rnd.number),
                partial(review_sheet_document, s, uow, rnd, project, result),
            )
        )
    minutes_readers = actor.has(Role.OFFICE, Role.LEADER)
    for _, meeting in queries.agenda_items(uow.session, pid):
        items = uow.decisions.items(meeting.id or 0)
        if not items or any(i.decision is None for i in items):
            continue  # the minutes are made once every item is decided
        attendees = uow.decisions.attendees(meeting.id or 0)
        if minutes_readers or (actor.person is not None and actor.person_id in attendees):
            out.append(
                (
                    f"minutes-{meeting.id}",
                    s.file_name("minutes", number=meeting.id),
                    partial(minutes_document, s, uow, meeting),
                )
            )
    if actor.has(Role.OFFICE) and uow.service.assignments(pid):
        out.append(
            (
                "liaison",
                s.file_name("liaison", serial=serial),
                lambda: table_document(s, uow, project),
            )
        )
    return out
