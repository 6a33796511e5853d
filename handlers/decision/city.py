"""City filing or approval by total investment (001 七(二)2): below 3亿 filed with the city
office; from 3亿 approved by the 常务副组长; from 10亿 reviewed by the 常务副组长, then
approved by the 组长. Each may approve, or return with a comment; the city may recall
(handlers/decision/city_round.py). Filing is enough to sign (001 七(三)): the city office's
acknowledgement is recorded when it comes, before or after signing."""

from __future__ import annotations

from decimal import Decimal
from typing import Final, cast

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.replies import Button, Document, Reply, keyboard
from documents.word import CityAction as FormAction
from documents.word import CityFiling, approval_form, filing_form
from documents.word.city import CityActionKind, Position
from documents.word.figures import figure_fields
from handlers.buttons import CITY_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError
from handlers.intake.application_form import application_document, project_figures
from handlers.notify import message, notify_many, notify_role, supersede
from handlers.pipeline.admission_view import document_lines
from handlers.review.sheet import DOCX
from handlers.stages import move
from storage.tables import CityAction, CityCase, Project
from storage.uow import UnitOfWork
from workflow.policy import RouteKind
from workflow.roles import Role

# The role that acts for each position of the city routing.
POSITION_ROLE: Final = {
    "city_office_director": Role.CITY_OFFICE,
    "city_exec_deputy": Role.CITY_EXEC_DEPUTY,
    "city_leader": Role.CITY_LEADER,
}


def _approvers(s: Services, case: CityCase) -> tuple[str, ...]:
    tier = next(t for t in s.policy.routing if t.route.value == case.route)
    return tier.approvers


def city_position(s: Services, case: CityCase) -> str:
    """The city position whose step a case waits for."""
    return _approvers(s, case)[case.step]


def send_to_city(s: Services, uow: UnitOfWork, actor: Actor, project: Project) -> list[Reply]:
    """Open the city case the total investment calls for and send its first card; the card of
    a case the city returned loses its buttons and points to the new one."""
    earlier = uow.decisions.latest_city_case(project.id or 0)
    if earlier is not None and earlier.status == "returned":
        _retire_card(s, uow, earlier, project)
    tier = s.policy.routing_tier(project.total_investment_wan or Decimal(0))
    case = CityCase(project_id=project.id or 0, route=tier.route.value, submitted_at=s.clock())
    uow.decisions.add(case)
    uow.audit(
        "city_submit",
        "city_case",
        case.id,
        actor_id=actor.person_id,
        to_value=tier.route.value,
        note=project.serial,
    )
    _send_card(s, uow, case, project)
    text = s.renderer.message(
        actor.locale, "city#sent", project=project, tier=tier.name, route=case.route
    )
    return [Reply(text)]


def _send_card(s: Services, uow: UnitOfWork, case: CityCase, project: Project) -> None:
    position = _approvers(s, case)[case.step]
    doc = city_form(s, uow, case, project)
    stored = uow.outbox.store_file(doc.filename, doc.content or b"", doc.mime_type)
    rnd = uow.reviews.latest(project.id or 0)
    reviewed = rnd is not None and rnd.level == "city"  # back after the city's own round
    notify_role(
        s,
        uow,
        POSITION_ROLE[position],
        lambda loc: city_card(s, case, project, loc, reviewed),
        dedupe_key=f"city:{case.id}:{case.step}",
        file_id=stored.id,
    )
    # The city receives the 遴选申报表 (001 附件2) with the filing or approval form (001 七(二)1).
    application = application_document(s, project)
    stored = uow.outbox.store_file(
        application.filename, application.content or b"", application.mime_type
    )
    notify_role(
        s,
        uow,
        POSITION_ROLE[position],
        message(s, "application#sent", project=project),
        dedupe_key=f"city:{case.id}:{case.step}:application",
        file_id=stored.id,
    )


def _retire_card(
    s: Services,
    uow: UnitOfWork,
    case: CityCase,
    project: Project,
    note: str = "delivery#card_replaced",
    **params: object,
) -> None:
    """A finished case's card, where it was shown: as it read, without buttons, and a line
    (`note`) saying why: returned, or a newer card replaces it."""
    position = _approvers(s, case)[case.step]
    holders = [p.id for p in uow.people.holders(POSITION_ROLE[position].value) if p.id]
    rnd = uow.reviews.latest(project.id or 0)
    reviewed = rnd is not None and rnd.level == "city"
    build = lambda loc: city_card(s, case, project, loc, reviewed)  # noqa: E731
    supersede(s, uow, holders, city_card_key(case), build, note, **params)


def city_card_key(case: CityCase) -> str:
    """The card key of a case's card (one card per case, edited where it was shown)."""
    return f"cy:{case.id}"


def city_card(
    s: Services, case: CityCase, project: Project, locale: str, city_reviewed: bool = False
) -> Reply:
    """The card of the official who acts now: approve (or acknowledge), return, recall."""
    label = lambda k: s.renderer.message(locale, f"city#btn_{k}")  # noqa: E731
    first = "ack" if case.route == RouteKind.FILING.value else "ok"
    buttons = keyboard(
        [
            Button(label(first), CITY_BUTTONS.encode(first, case.id)),
            Button(label("return"), CITY_BUTTONS.encode("ret", case.id)),
            Button(label("recall"), CITY_BUTTONS.encode("recall", case.id)),
        ],
        3,
    )
    text = s.renderer.message(
        locale,
        "city#card",
        project=project,
        case=case,
        position=_approvers(s, case)[case.step],
        city_reviewed=city_reviewed,
    )
    return Reply(text, buttons, card=city_card_key(case))


def city_form(s: Services, uow: UnitOfWork, case: CityCase, project: Project) -> Document:
    """The 备案表 (filing) or 遴选、评审审批表 (approval) of a case."""
    rnd = uow.reviews.latest(project.id or 0)
    item = uow.decisions.latest_decision(project.id or 0)
    actions = []
    for a in uow.decisions.city_actions(case.id or 0):
        person = uow.people.get(a.actor_id) if a.actor_id else None
        position = _position_of(s, uow, a.actor_id)
        if position:
            actions.append(
                FormAction(
                    position=cast(Position, position),
                    name=person.name if person else None,
                    action=cast(CityActionKind, a.action),
                    comment=a.note,
                    acted_on=a.at.astimezone(s.timezone).date(),
                )
            )
    form = CityFiling(
        **figure_fields(project_figures(s, project)),
        city=s.policy.city,
        county=s.policy.name,
        serial=project.serial,
        project_name=project.name,
        investor=project.investor_name,
        route=case.route,  # type: ignore[arg-type]
        review_outcome=rnd.outcome if rnd else None,  # type: ignore[arg-type]
        reviewed_on=rnd.closed_at.astimezone(s.timezone).date() if rnd and rnd.closed_at else None,
        city_reviewed=rnd is not None and rnd.level == "city",
        decision=item.decision if item else None,  # type: ignore[arg-type]
        decided_on=item.decided_at.astimezone(s.timezone).date()
        if item and item.decided_at
        else None,
        actions=actions,
        submitted_on=case.submitted_at.astimezone(s.timezone).date(),
        exceptions=document_lines(s, uow, project),
    )
    build = filing_form if case.route == RouteKind.FILING.value else approval_form
    return Document(
        filename=s.file_name("city_form", serial=project.serial, route=case.route),
        content=build(form, templates=s.documents),
        mime_type=DOCX,
    )


def _position_of(s: Services, uow: UnitOfWork, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    roles = {r.role for r in uow.people.roles_of(person_id)}
    return next((p for p, role in POSITION_ROLE.items() if role.value in roles), None)


def case_and_project(uow: UnitOfWork, data: CallbackData) -> tuple[CityCase, Project]:
    """The case a city button names, and its project."""
    case = uow.decisions.city_case(data.arg_int(0))
    project = uow.projects.get(case.project_id) if case else None
    if case is None or project is None:
        raise HandlerError("common#stale_button")
    return case, project


def act(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    case: CityCase,
    action: str,
    note: str | None = None,
) -> None:
    """Record what a city official did on a case, with its audit row."""
    uow.decisions.add(
        CityAction(
            case_id=case.id or 0, actor_id=actor.person_id, action=action, note=note, at=s.clock()
        )
    )
    uow.audit(f"city_{action}", "city_case", case.id, actor_id=actor.person_id, note=note)


def finish_city_comment(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """Returned with a comment: back to the office, at the decision stage."""
    case = uow.decisions.city_case(int(subject))
    project = uow.projects.get(case.project_id) if case else None
    if case is None or project is None or case.status != "pending":
        raise HandlerError("common#stale_button")
    comment = draft.answers["city_comment"]
    case.status, case.closed_at = "returned", s.clock()
    uow.session.add(case)
    act(s, uow, actor, case, "return", comment)
    _retire_card(s, uow, case, project, "city#card_returned", comment=comment)
    uow.projects.add_note(project.id or 0, "city_return", comment, actor.person_id)
    move(s, uow, actor, project, "city_return", note=comment, roles=actor.roles)
    tell_office(s, uow, project, "city#returned_notice", comment=comment)
    return [Reply(s.renderer.message(actor.locale, "city#returned", project=project))]


def tell_office(
    s: Services, uow: UnitOfWork, project: Project, template: str, **params: object
) -> None:
    """Tell the district office what the city did."""
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id]
    notify_many(
        s,
        uow,
        office,
        lambda loc: Reply(s.renderer.message(loc, template, project=project, **params)),
    )
