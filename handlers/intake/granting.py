"""An invitation taken: the one way its role is given, whether the invitee opened it or the
office gave it at once to a member already in the app."""

from __future__ import annotations

from handlers.context import Services
from storage.tables import Invitation, PersonRole
from storage.uow import UnitOfWork


def take_invitation(
    s: Services, uow: UnitOfWork, inv: Invitation, person_id: int, actor_id: int | None
) -> None:
    """The person holds the invitation's role for its unit (and dimension), granted by whoever
    made it; the invitation is spent; the audit names `actor_id` as the one who acted."""
    uow.people.grant(
        person_id,
        inv.role,
        unit_id=inv.unit_id,
        dimension_id=inv.dimension_id,
        granted_by=inv.created_by,
    )
    uow.people.use_invitation(inv, person_id, s.clock())
    uow.audit(
        "accept_invitation",
        "person",
        person_id,
        actor_id=actor_id,
        to_value=inv.role,
        note=inv.unit_id,
    )


Offer = tuple[str, str | None, str | None, int | None]


def offer(row: Invitation | PersonRole) -> Offer:
    """What an invitation offers, or a role row gives: the role, the unit, the dimension, and
    for an A/B 岗 the reviewer acted for."""
    return (row.role, row.unit_id, row.dimension_id, row.delegate_of)


def holds(rows: list[PersonRole], inv: Invitation) -> bool:
    """Whether these role rows already give what the invitation offers."""
    return any(offer(r) == offer(inv) for r in rows)
