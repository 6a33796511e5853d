"""A project as one page of the Mini App: what chat's /project shows this person, and the
rest that chat spreads over cards and documents. The plan (numbered as the chat's summary
numbers it), the screening findings this person may read (workflow/findings.py), the timeline;
for officials the review rounds with each unit's opinion (as far as they may read them), the
meetings' decisions, the city's steps, the agreement, the liaison and the problems; the
documents the bot makes for the project; and the buttons of the chat cards this person has
for it. Authority is chat's: the same guards, the same refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from conversations.draft import Draft
from conversations.fields import SUMMARY
from conversations.forms.plan import PLAN_FORM, plan_options
from conversations.replies import Keyboard
from conversations.step import FormContext
from conversations.views import View
from handlers.context import Actor, Services
from handlers.decision.city import POSITION_ROLE, city_card, city_position
from handlers.decision.filing import agreement_differences, authoriser_of, drc_card
from handlers.pipeline.admission_view import card_block
from handlers.pipeline.card import office_card
from handlers.pipeline.project_documents import DocumentLink, document_links
from handlers.pipeline.project_view import sector_name, site_name, viewable
from handlers.review.cards import progress_card, reviewer_card
from handlers.review.conclusion import conclusion_card
from handlers.review.opinions import can_act, may_read_opinions
from handlers.review.summary import DimensionRow, dimension_rows
from handlers.timeline import Event, timeline
from storage.repositories import project_page as queries
from storage.tables import (
    Agreement,
    CityAction,
    CityCase,
    Meeting,
    MeetingItem,
    Project,
    ReviewRound,
)
from storage.uow import UnitOfWork
from workflow.findings import Audience, audience_of
from workflow.roles import OFFICIAL_ROLES, Role


@dataclass(frozen=True, slots=True)
class RoundView:
    """A review round with each dimension's joint verdict and its units' opinions."""

    round: ReviewRound
    dimensions: list[DimensionRow]


@dataclass(frozen=True, slots=True)
class CityCaseView:
    """A case at the city and what the city did on it, with who did it."""

    case: CityCase
    actions: list[tuple[CityAction, str | None]]


@dataclass(frozen=True, slots=True)
class LiaisonRow:
    """Who follows the signed project for one unit (附件7)."""

    unit: str
    leader: str | None
    officer: str | None


@dataclass(frozen=True, slots=True)
class ProblemRow:
    """A problem raised for the project, and how it was closed."""

    text: str
    units: list[str]
    raised_at: datetime
    closed_at: datetime | None
    resolution: str | None


@dataclass(frozen=True, slots=True)
class ActionCard:
    """The buttons of one of this person's chat cards for the project: the office's card
    (`office`) or its round's progress (`progress`), a reviewer's card for one dimension
    (`reviewer`, with the dimension's and the unit's names), the conclusion (`conclusion`),
    a city step (`city`) or 发改局's filing (`drc`)."""

    kind: str
    buttons: Keyboard
    dimension: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectPage:
    """Everything the page shows this person of one project."""

    project: Project
    official: bool
    sector: str | None
    site: str | None
    plan: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    timeline: list[Event]
    rounds: list[RoundView]
    decisions: list[tuple[MeetingItem, Meeting]]
    city: list[CityCaseView]
    agreement: Agreement | None
    agreement_text: str  # chat's lines on the agreement (signing#card_block), "" without one
    blocks: str  # chat's lines on what stops the project (admission#card_block), or ""
    liaison: list[LiaisonRow]
    problems: list[ProblemRow]
    documents: list[DocumentLink]
    cards: list[ActionCard]


def project_page(s: Services, uow: UnitOfWork, actor: Actor, project_id: int) -> ProjectPage:
    """The page of a project; an investor sees only their own projects, as in chat."""
    project = viewable(actor, uow.projects.get(project_id), str(project_id))
    pid = project.id or 0
    official = bool(actor.roles & OFFICIAL_ROLES)
    audience = {Audience.INVESTOR} if not official else set(Audience)
    agreement = uow.decisions.agreement(pid) if official else None
    return ProjectPage(
        project=project,
        official=official,
        sector=sector_name(s, project.sector),
        site=site_name(s, project),
        plan=plan_rows(s, project, actor.locale),
        findings=[f for f in project.findings if audience_of(f["code"], f["status"]) in audience],
        timeline=timeline(s, uow, pid, official=official),
        rounds=_rounds(s, uow, actor, pid) if official else [],
        decisions=list(queries.agenda_items(uow.session, pid)) if official else [],
        city=_city(uow, pid) if official else [],
        agreement=agreement,
        agreement_text=_agreement_text(s, uow, actor, project, agreement),
        blocks=card_block(s, uow, project, actor.locale).strip() if official else "",
        liaison=_liaison(s, uow, pid) if official else [],
        problems=_problems(s, uow, pid) if official else [],
        documents=document_links(s, uow, actor, project),
        cards=action_cards(s, uow, actor, project),
    )


def plan_rows(s: Services, project: Project, locale: str) -> list[dict[str, Any]]:
    """The plan's answers as the chat's summary shows them: numbered by 附件4's parts, each
    under its part, the figures computed from them after the field they follow."""
    view = View(PLAN_FORM, FormContext(locale, s.renderer, s.today(), plan_options(s.policy)))
    return view.rows(Draft(form_id=PLAN_FORM.id, answers=project.plan, current=SUMMARY))


def action_cards(s: Services, uow: UnitOfWork, actor: Actor, project: Project) -> list[ActionCard]:
    """The buttons this person's chat cards for the project carry, as chat gives them: the
    office's project card and, while a round is open, its progress card (催办); the
    reviewer's card of each dimension of the latest round they hold or act for; the review
    group leader's conclusion card of an open round; the card of the city official whose
    step a pending city case waits for; and 发改局's card of an agreement waiting for them."""
    cards = []
    pid = project.id or 0
    if actor.has(Role.OFFICE):
        cards.append(ActionCard("office", office_card(s, uow, actor, project).buttons))
    rnd = uow.reviews.latest(pid)
    open_round = rnd is not None and rnd.closed_at is None
    if rnd is not None and open_round and actor.has(Role.OFFICE):
        cards.append(ActionCard("progress", progress_card(s, uow, rnd, actor.locale).buttons))
    if rnd is not None and actor.person is not None:
        for op in uow.reviews.opinions(rnd.id or 0):
            if can_act(uow, actor, op):
                card = reviewer_card(s, uow, op, actor.locale, actor.person_id)
                dimension = s.policy.dimension(op.dimension_id).name
                unit = s.policy.unit(op.unit_id).short
                cards.append(ActionCard("reviewer", card.buttons, dimension, unit))
    if rnd is not None and open_round and actor.has(Role.REVIEW_CHAIR) and rnd.level != "city":
        cards.append(ActionCard("conclusion", conclusion_card(s, uow, rnd, actor.locale).buttons))
    city_reviewed = rnd is not None and rnd.level == "city"
    for case in queries.city_cases(uow.session, pid):
        if case.status == "pending" and actor.has(POSITION_ROLE[city_position(s, case)]):
            card = city_card(s, case, project, actor.locale, city_reviewed)
            cards.append(ActionCard("city", card.buttons))
    agreement = uow.decisions.agreement(pid)
    drc_done = agreement is None or agreement.drc_filed_on or agreement.drc_returned_at
    if not drc_done and actor.has(Role.DRC_FILING):
        cards.append(ActionCard("drc", drc_card(s, uow, project, actor.locale).buttons))
    return [c for c in cards if c.buttons]


def _rounds(s: Services, uow: UnitOfWork, actor: Actor, project_id: int) -> list[RoundView]:
    """The rounds whose opinions this person may read, each dimension with its units."""
    return [
        RoundView(rnd, dimension_rows(s, uow, uow.reviews.opinions(rnd.id or 0)))
        for rnd in queries.rounds(uow.session, project_id)
        if may_read_opinions(actor, rnd)
    ]


def _agreement_text(
    s: Services, uow: UnitOfWork, actor: Actor, project: Project, agreement: Agreement | None
) -> str:
    if agreement is None:
        return ""
    return s.renderer.message(
        actor.locale,
        "signing#card_block",
        agreement=agreement,
        authoriser=authoriser_of(uow, agreement),
        differences=agreement_differences(project, agreement),
    )


def _city(uow: UnitOfWork, project_id: int) -> list[CityCaseView]:
    return [
        CityCaseView(
            case,
            [(a, _name(uow, a.actor_id)) for a in uow.decisions.city_actions(case.id or 0)],
        )
        for case in queries.city_cases(uow.session, project_id)
    ]


def _liaison(s: Services, uow: UnitOfWork, project_id: int) -> list[LiaisonRow]:
    return [
        LiaisonRow(_unit(s, a.unit_id), _name(uow, a.leader_id), _name(uow, a.officer_id))
        for a in uow.service.assignments(project_id)
    ]


def _problems(s: Services, uow: UnitOfWork, project_id: int) -> list[ProblemRow]:
    return [
        ProblemRow(
            p.text,
            [_unit(s, u) for u in (p.units or "").split(",") if u],
            p.raised_at,
            p.closed_at,
            p.resolution,
        )
        for p in queries.problems(uow.session, project_id)
    ]


def _unit(s: Services, unit_id: str) -> str:
    unit = next((u for u in s.policy.units if u.id == unit_id), None)
    return unit.short if unit is not None else unit_id


def _name(uow: UnitOfWork, person_id: int | None) -> str | None:
    person = uow.people.get(person_id) if person_id else None
    return person.name if person else None
