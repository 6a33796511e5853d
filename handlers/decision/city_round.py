"""The city group's own review (001 七(二)2(2)): a recall opens it at once, on the same round
mechanism with the city's reviewers; a cross-region project (001 七(二)1(2)) applies to the
city office, which accepts and reviews it; the office may record a third-party pre-review
with its report."""

from __future__ import annotations

from conversations.callbacks import CallbackData
from conversations.draft import Draft
from conversations.forms.prereview import PRE_REVIEW_FORM
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers import forms
from handlers.buttons import CITY_ROUND_BUTTONS
from handlers.context import Actor, Services
from handlers.decision.city import act, case_and_project, tell_office
from handlers.decision.city_steps import city_action
from handlers.errors import HandlerError, Refused
from handlers.notify import message, notify_many, notify_role
from handlers.review.levels import CITY
from handlers.review.rounds import start_review
from handlers.stages import move
from storage.tables import CityCase, PreReview, Project, ReviewRound
from storage.uow import UnitOfWork
from workflow.pipeline import is_cross_region
from workflow.roles import CITY_ROLES, Role


def city_buttons(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """A city official's buttons on a filing or approval card; the recall is handled here."""
    if data.action != "recall":
        return city_action(s, uow, actor, event, data)
    if not actor.roles & CITY_ROLES:
        raise Refused("common#not_allowed", audit_action="refused:city_recall")
    case, project = case_and_project(uow, data)
    if case.status not in ("pending", "cleared"):
        raise HandlerError("city#not_recallable", serial=project.serial)
    return Outcome(recall(s, uow, actor, case, project))


def recall(
    s: Services, uow: UnitOfWork, actor: Actor, case: CityCase, project: Project
) -> list[Reply]:
    """收回评审: the case ends, and the city's own round opens at once (001 七(二)2(1))."""
    move(s, uow, actor, project, "city_recall", roles=actor.roles)  # refused once signed
    case.status, case.closed_at = "recalled", s.clock()
    uow.session.add(case)
    act(s, uow, actor, case, "recall")
    uow.projects.add_note(project.id or 0, "city_recall", "", actor.person_id)
    tell_office(s, uow, project, "city#recalled_notice")
    opened = start_review(s, uow, actor, project, CITY, transition=None)
    text = s.renderer.message(actor.locale, "city#recalled", project=project)
    if actor.has(Role.CITY_OFFICE):
        return [Reply(text, edit=True), *opened, _pre_review_offer(s, uow, project, actor.locale)]
    # The 常务副组长 or 组长 recalled it: the city office, which runs the round, has its
    # progress card already and gets the pre-review offer.
    notify_role(
        s,
        uow,
        Role.CITY_OFFICE,
        lambda loc: _pre_review_offer(s, uow, project, loc),
        dedupe_key=f"prereview:offer:{project.id}:{len(uow.projects.history(project.id or 0))}",
    )
    return [Reply(text, edit=True)]


def _pre_review_offer(s: Services, uow: UnitOfWork, project: Project, locale: str) -> Reply:
    rnd = uow.reviews.latest(project.id or 0)
    assert rnd is not None
    label = s.renderer.message(locale, "city#btn_pre")
    return Reply(
        s.renderer.message(locale, "city#pre_review_offer", project=project),
        keyboard([Button(label, CITY_ROUND_BUTTONS.encode("pre", rnd.id))], 1),
    )


def offer_cross_region(s: Services, uow: UnitOfWork, project: Project) -> None:
    """A cross-region application goes to the city office to accept (受理); the district
    office is told it is the city's."""
    if not is_cross_region(project.plan):
        return
    notify_role(
        s,
        uow,
        Role.CITY_OFFICE,
        lambda loc: Reply(
            s.renderer.message(loc, "city#cross_region_card", project=project),
            keyboard(
                [
                    Button(
                        s.renderer.message(loc, "city#btn_accept"),
                        CITY_ROUND_BUTTONS.encode("acc", project.id),
                    )
                ],
                1,
            ),
        ),
        dedupe_key=f"crossregion:{project.id}",
    )
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id]
    notify_many(
        s,
        uow,
        office,
        message(s, "city#cross_region_notice", project=project),
        dedupe_key=f"crossregion:{project.id}:office",
    )


def round_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """The city office's buttons: accept a cross-region application, open its city round,
    record a third-party pre-review."""
    if not actor.has(Role.CITY_OFFICE):
        raise Refused("common#not_allowed", audit_action=f"refused:cr:{data.action}")
    if data.action == "pre":
        rnd = _open_city_round(uow, data.arg_int(0))
        return Outcome(forms.start(s, uow, actor, event.chat_id, PRE_REVIEW_FORM.id, str(rnd.id)))
    project = uow.projects.get(data.arg_int(0))
    if project is None:
        raise HandlerError("common#stale_button")
    if data.action == "acc":
        move(s, uow, actor, project, "city_accept", roles=actor.roles)
        tell_office(s, uow, project, "city#accepted_notice")
        label = s.renderer.message(actor.locale, "city#btn_city_review")
        button = Button(label, CITY_ROUND_BUTTONS.encode("rev", project.id))
        text = s.renderer.message(actor.locale, "city#accepted", project=project)
        return Outcome([Reply(text, keyboard([button], 1), edit=True)])
    if data.action == "rev":
        opened = start_review(s, uow, actor, project, CITY, transition="city_start_review")
        tell_office(s, uow, project, "city#city_review_opened")
        text = s.renderer.message(actor.locale, "city#city_review_opened", project=project)
        offer = _pre_review_offer(s, uow, project, actor.locale)
        return Outcome([Reply(text, edit=True), *opened, offer])
    raise HandlerError("common#stale_button")


def _open_city_round(uow: UnitOfWork, round_id: int) -> ReviewRound:
    rnd = uow.reviews.round(round_id)
    project = uow.projects.get(rnd.project_id) if rnd else None
    if rnd is None or project is None or rnd.level != CITY.name:
        raise HandlerError("common#stale_button")
    if rnd.closed_at is not None:
        raise HandlerError("city#pre_review_closed", project=project)
    return rnd


def finish_pre_review(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """Keep the pre-review with its report, and send the report to the city's reviewers."""
    rnd = _open_city_round(uow, int(subject))
    project = uow.projects.get(rnd.project_id)
    assert project is not None
    a = draft.answers
    stored = s.files.find(uow.session, a["report"]["sha256"])  # kept when it was answered
    if stored is None or stored.id is None:
        raise HandlerError("common#stale_button")
    row = PreReview(
        round_id=rnd.id or 0,
        project_id=project.id or 0,
        body=a["body"],
        report_file_id=stored.id,
        summary=a["conclusion"],
        recorded_by=actor.person_id,
        recorded_at=s.clock(),
    )
    uow.decisions.add(row)
    uow.audit("city_pre_review", "pre_review", row.id, actor_id=actor.person_id, note=row.body)
    reviewers = [o.reviewer_id for o in uow.reviews.opinions(rnd.id or 0) if o.reviewer_id]
    notify_many(
        s,
        uow,
        reviewers,
        message(s, "city#pre_review_notice", project=project, body=row.body, summary=row.summary),
        dedupe_key=f"prereview:{row.id}",
        file_id=stored.id,
    )
    return [
        Reply(
            s.renderer.message(
                actor.locale, "city#pre_review_recorded", project=project, body=row.body
            )
        )
    ]
