"""The leader's sweep: every router's scheduled work, each in its own transaction, safe to run
as often as wanted (each notice has a deterministic key, so a second run or a restart never
sends it twice)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Final

from handlers import deployment
from handlers.context import Services

QUIET_BEFORE: Final = time(9, 0)
QUIET_AFTER: Final = time(18, 0)


def office_hours(s: Services, now: datetime) -> bool:
    """Reminders go out on working days, in office hours, never at night or on holidays."""
    local = now.astimezone(s.timezone)
    return s.calendar.is_working_day(local.date()) and QUIET_BEFORE <= local.time() < QUIET_AFTER


def run_all(s: Services) -> int:
    """Every sweep of the composed routers. Reminders wait for office hours on working days;
    reports (the monthly aggregate, the weekly digest) go out on their day whatever the hour."""
    deployment.ensure_started(s)  # a database made before `zhaoshang init` recorded it
    quiet = not office_hours(s, s.clock())
    total = 0
    for sweep in s.routes.sweeps:
        if sweep.reminder and quiet:
            continue
        with s.uow() as uow:
            total += sweep.work(s, uow)
            uow.commit()
    return total
