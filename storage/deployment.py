"""When the deployment started, so that no scheduled notice is about a time before it: one
`ScheduledRun` row keyed `deployment:started`, written by `zhaoshang init` (or the first sweep
of a database that has none) and never moved. Its `result` holds the first reporting period
when the office set one (`zhaoshang init --reporting-from YYYY-MM`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import select

from storage.tables import AuditEntry, ScheduledRun
from storage.uow import UnitOfWork

KEY = "deployment:started"
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True, slots=True)
class DeploymentStart:
    """When the deployment started, and the first reporting period the office set, if any."""

    at: datetime
    reporting_from: str | None = None


def deployment_start(uow: UnitOfWork) -> DeploymentStart | None:
    """The recorded start, or None for a database that has none yet."""
    row = uow.session.exec(select(ScheduledRun).where(ScheduledRun.key == KEY)).first()
    if row is None:
        return None
    return DeploymentStart(row.ran_at, row.result or None)


def estimated_start(uow: UnitOfWork, now: datetime) -> datetime:
    """The start of a database with no record: its oldest audit row (a deployment in use since
    before the record existed), else `now`."""
    oldest = uow.session.exec(select(func.min(AuditEntry.at))).one()
    return now if oldest is None else min(now, oldest)


def record_deployment_start(
    uow: UnitOfWork, now: datetime, reporting_from: str | None = None
) -> DeploymentStart:
    """Record the start once (at `now`, or earlier when the database is older); a later call
    keeps the time and only sets the first reporting period when one is given."""
    if reporting_from is not None and not PERIOD.fullmatch(reporting_from):
        raise ValueError(f"a reporting period is YYYY-MM, not {reporting_from!r}")
    row = uow.session.exec(select(ScheduledRun).where(ScheduledRun.key == KEY)).first()
    if row is None:
        row = ScheduledRun(key=KEY, ran_at=estimated_start(uow, now), result=reporting_from)
    elif reporting_from is not None:
        row.result = reporting_from
    uow.session.add(row)
    uow.session.flush()
    return DeploymentStart(row.ran_at, row.result or None)
