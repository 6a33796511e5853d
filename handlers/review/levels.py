"""The level of a review round: the district's own (000 一(二)1) or the city group's
(001 七(二)2(2)). The level says who gets the dimension cards, who runs the round, and where
its outcome takes the project; the round mechanism itself is the same."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from conversations.replies import Reply
from handlers.context import Actor, Services
from handlers.decision.city import send_to_city
from handlers.notify import message, notify_many
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.pipeline import ReviewOutcome, is_cross_region
from workflow.policy import ReviewDimension
from workflow.roles import Role


@dataclass(frozen=True, slots=True)
class Level:
    """Who reviews, who runs the round (progress card, 催办) and who is told of its end."""

    name: str
    reviewer_role: Role
    runners: frozenset[Role]
    told: tuple[Role, ...]  # besides the runners, who gets the 评审意见表


DISTRICT: Final = Level("district", Role.REVIEWER, frozenset({Role.OFFICE}), (Role.LEADER,))
CITY: Final = Level(
    "city",
    Role.CITY_REVIEWER,
    frozenset({Role.CITY_OFFICE}),
    (Role.CITY_EXEC_DEPUTY, Role.CITY_LEADER),  # the district is told by after_city_round
)
LEVELS: Final = {level.name: level for level in (DISTRICT, CITY)}


def level_of(name: str) -> Level:
    """The level a round records (an unknown one reads as the district's)."""
    return LEVELS.get(name, DISTRICT)


def city_reviewer(uow: UnitOfWork, dimension_id: str) -> tuple[str, int] | None:
    """The city reviewer invited for a dimension (else one for every dimension), who can be
    reached first: their unit and person."""
    rows = [
        r
        for r in uow.people.role_rows(Role.CITY_REVIEWER.value)
        if r.delegate_of is None and r.dimension_id in (None, dimension_id)
    ]
    rows.sort(
        key=lambda r: (r.dimension_id != dimension_id, not uow.people.has_account(r.person_id))
    )
    if not rows:
        return None
    return rows[0].unit_id or "city_group", rows[0].person_id


def city_assignment(uow: UnitOfWork, dim: ReviewDimension) -> tuple[str, int | None]:
    """Who gives the city's opinion on a dimension: its invited city reviewer, or nobody yet
    (the city office then sees the dimension unassigned on its progress card)."""
    found = city_reviewer(uow, dim.id)
    return found if found is not None else ("city_group", None)


def runner_ids(uow: UnitOfWork, level: Level, skip: int | None = None) -> list[int]:
    """The people who see a round's live progress card."""
    return [
        p.id
        for role in sorted(level.runners)
        for p in uow.people.holders(role.value)
        if p.id not in (None, skip)
    ]


def told_ids(uow: UnitOfWork, level: Level, skip: int | None = None) -> list[int]:
    """The people who get a closed round's 评审意见表, besides the runners."""
    return [
        p.id
        for role in level.told
        for p in uow.people.holders(role.value)
        if p.id not in (None, skip)
    ]


def outcome_transition(level: Level, project: Project, outcome: ReviewOutcome) -> str:
    """The move a closed round makes: at the district, to the joint meeting or 不予引进; at the
    city, back to its filing or approval (a recalled project), to signing (a cross-region one,
    001 七(三)), or 不予引进."""
    failed = outcome is ReviewOutcome.FAILED
    if level is not CITY:
        return "fail_review" if failed else "refer_to_decision"
    if failed:
        return "city_review_fail"
    return "city_review_clear" if is_cross_region(project.plan) else "city_review_pass"


def after_city_round(
    s: Services, uow: UnitOfWork, actor: Actor, project: Project, transition: str
) -> list[Reply]:
    """What follows the city's own round: a recalled project goes to the city's filing or
    approval again; the district office is told either way."""
    replies: list[Reply] = []
    if transition == "city_review_pass":
        replies += send_to_city(s, uow, actor, project)
    office = [p.id for p in uow.people.holders(Role.OFFICE.value) if p.id]
    moves = len(uow.projects.history(project.id or 0))
    notify_many(
        s,
        uow,
        office,
        message(s, "city#round_outcome_notice", project=project, transition=transition),
        dedupe_key=f"cityround:{project.id}:{moves}",
    )
    return replies
