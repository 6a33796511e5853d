"""The leader's scheduled jobs: their specs under fixed ids, the module-level functions they
call, and the job table that binds those functions to this process's services."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Final

from sqlalchemy import delete
from sqlmodel import col

from bot.backup.layout import BackupError
from bot.backup.make import BackupPlan, scheduled_backup
from bot.leader.once import run_once
from bot.leader.scheduler import JobSpec, JobTable
from handlers.context import Services
from handlers.sweeps import run_all
from storage.tables import ProcessedUpdate

log = logging.getLogger(__name__)

SWEEP_JOB: Final = "sweep:deadlines"
PRUNE_JOB: Final = "prune:updates"
BACKUP_JOB: Final = "backup:daily"
KEEP_UPDATES: Final = timedelta(days=7)
BACKUP_STALE: Final = timedelta(hours=6)  # a backup still "running" after this has died


def jobs(sweep_seconds: float, *, backup: bool = False) -> tuple[JobSpec, ...]:
    """The scheduled jobs, with deterministic ids so a restart never duplicates one; the daily
    backup when a backup folder is set."""
    daily = JobSpec(BACKUP_JOB, {"trigger": "cron", "hour": 2, "minute": 15}, BACKUP_JOB)
    return (
        # Every sweep is keyed (reminders, escalations, the monthly aggregate, the weekly
        # digest, check-ins): running it often sends each notice once and skips none.
        JobSpec(SWEEP_JOB, {"trigger": "interval", "seconds": sweep_seconds}, SWEEP_JOB),
        JobSpec(PRUNE_JOB, {"trigger": "cron", "hour": 3, "minute": 30}, PRUNE_JOB),
        *((daily,) if backup else ()),
    )


def job_functions(
    services: Services, wake_sender: Callable[[], object], url: str, backup: BackupPlan | None
) -> JobTable:
    """The functions behind the jobs' names, bound to this process's services."""
    return {
        SWEEP_JOB: partial(sweep_deadlines, services, wake_sender),
        PRUNE_JOB: partial(prune_updates, services),
        BACKUP_JOB: partial(daily_backup, services, url, backup),
    }


def sweep_deadlines(services: Services, wake_sender: Callable[[], object]) -> int:
    """Run every sweep, then have the sender look at what they queued."""
    sent = run_all(services)
    wake_sender()
    return sent


def prune_updates(services: Services) -> int:
    """Forget handled update ids older than a week (Telegram redelivers for a day at most)."""
    with services.uow() as uow:
        cutoff = services.clock() - KEEP_UPDATES
        result = uow.session.exec(  # type: ignore[call-overload]
            delete(ProcessedUpdate).where(col(ProcessedUpdate.at) < cutoff)
        )
        uow.commit()
        return int(result.rowcount or 0)


def daily_backup(services: Services, url: str, plan: BackupPlan | None) -> bool:
    """Back up once per day of the deployment's calendar (a job run twice, or by a new leader
    the same day, writes no second copy) and keep the newest `plan.keep`; False if it did not
    run now."""
    if plan is None:
        return False
    try:
        return run_once(
            f"backup:{services.today().isoformat()}",
            services.uow,
            lambda: scheduled_backup(url, plan, services.clock()),
            stale_after=BACKUP_STALE,
        )
    except BackupError as exc:  # e.g. pg_dump missing: one line, and tried again next day
        log.error("the daily backup failed: %s", exc)
        return False
