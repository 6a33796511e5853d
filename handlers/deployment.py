"""Since when scheduled notices may concern anyone: the deployment's start, its first
reporting period, and the day a person joined in a role (workflow.notices has the rules)."""

from __future__ import annotations

from datetime import date

from handlers.context import Services
from storage.deployment import (
    DeploymentStart,
    deployment_start,
    estimated_start,
    record_deployment_start,
)
from storage.uow import UnitOfWork
from workflow.reporting import first_period
from workflow.roles import Role


def start(s: Services, uow: UnitOfWork) -> DeploymentStart:
    """The recorded start; for a database without one, its estimate (nothing is written)."""
    found = deployment_start(uow)
    return found or DeploymentStart(estimated_start(uow, s.clock()))


def started_on(s: Services, uow: UnitOfWork) -> date:
    """The day the deployment started, in its time zone."""
    return start(s, uow).at.astimezone(s.timezone).date()


def reporting_since(s: Services, uow: UnitOfWork) -> str:
    """The first period the units are asked to report on."""
    began = start(s, uow)
    return first_period(
        began.at.astimezone(s.timezone).date(), s.policy.deadlines, began.reporting_from
    )


def ensure_started(s: Services) -> None:
    """Record the start on the first sweep of a database that has no record (one made before
    `zhaoshang init` wrote it); a no-op afterwards."""
    with s.uow() as uow:
        if deployment_start(uow) is None:
            record_deployment_start(uow, s.clock())
            uow.commit()


def joined_on(
    s: Services, uow: UnitOfWork, person_id: int, role: Role, unit: str | None = None
) -> date | None:
    """The day a person could first be reached in a role (for a unit, when given): the later of
    the role's grant and the first link of a messenger account; None while unreachable."""
    grants = [
        r.granted_at
        for r in uow.people.role_rows(role.value, unit)
        if r.person_id == person_id and r.granted_at is not None
    ]
    links = [a.linked_at for a in uow.people.accounts_of(person_id) if a.linked_at is not None]
    if not grants or not links:
        return None
    return max(min(grants), min(links)).astimezone(s.timezone).date()


def earliest_joined(
    s: Services, uow: UnitOfWork, person_ids: list[int], role: Role, unit: str | None = None
) -> date | None:
    """The first day any of these people could be reached in the role."""
    days = [d for p in person_ids if (d := joined_on(s, uow, p, role, unit)) is not None]
    return min(days, default=None)
