"""Telling the office about notifications that can never be delivered."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.replies import Reply
from handlers.context import Services
from handlers.notify import notify_role
from storage.tables import OutboxMessage
from storage.uow import UnitOfWork
from workflow.roles import Role

REPORT_KEY = "undeliverable"


def report_undeliverable(
    services: Services, uow: UnitOfWork, rows: Sequence[OutboxMessage]
) -> None:
    """One message to the office listing who could not be reached and why."""
    # A report that itself fails is not reported again, or a blocked office would loop.
    rows = [r for r in rows if not (r.dedupe_key or "").startswith(REPORT_KEY)]
    if not rows:
        return
    items = []
    for row in rows:
        person = uow.people.get(row.person_id) if row.person_id else None
        items.append(
            {
                "name": person.name if person else row.chat_id,
                "unit": _unit(services, person.unit_id if person else None),
                "error": row.error or "",
                "text": (row.payload.get("text") or "")[:80],
            }
        )
    uow.audit("undeliverable", "outbox", rows[0].id, note=f"{len(rows)} row(s)")
    notify_role(
        services,
        uow,
        Role.OFFICE,
        lambda loc: Reply(services.renderer.message(loc, "delivery#undeliverable", items=items)),
        dedupe_key=f"{REPORT_KEY}:{rows[0].id}",
    )


def _unit(services: Services, unit_id: str | None) -> str | None:
    if unit_id is None:
        return None
    try:
        return services.policy.unit(unit_id).short
    except KeyError:
        return unit_id
