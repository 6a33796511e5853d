"""Who holds a reviewer's card: the assigned reviewer and the unit's delegates (A/B 岗) named
for them, who may act in their place."""

from __future__ import annotations

from storage.tables import PersonRole, ReviewOpinion
from storage.uow import UnitOfWork
from workflow.roles import Role


def delegate_rows(uow: UnitOfWork, unit_id: str, reviewer_id: int | None) -> list[PersonRole]:
    """The delegate rows of a unit named for one reviewer, oldest first."""
    if reviewer_id is None:
        return []
    rows = uow.people.delegates(Role.REVIEWER.value, unit_id)
    return [r for r in rows if r.delegate_of == reviewer_id]


def card_holders(uow: UnitOfWork, op: ReviewOpinion) -> list[int]:
    """The people who see an opinion's card: its reviewer, then their delegates."""
    if op.reviewer_id is None:
        return []
    delegates = [r.person_id for r in delegate_rows(uow, op.unit_id, op.reviewer_id)]
    return list(dict.fromkeys([op.reviewer_id, *delegates]))


def acts_for(rows: list[PersonRole], op: ReviewOpinion) -> bool:
    """Whether these role rows make their holder a delegate for the opinion's reviewer."""
    return op.reviewer_id is not None and any(
        r.role == Role.REVIEWER.value
        and r.unit_id == op.unit_id
        and r.delegate_of == op.reviewer_id
        for r in rows
    )
