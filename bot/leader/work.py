"""The work only one process does (the elected leader): the outbox sender and the scheduler
with its jobs. Every process takes updates; the leader alone sends and runs scheduled work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Final

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import delete
from sqlmodel import col

from bot.backup import BackupError, BackupPlan, scheduled_backup
from bot.scheduler import JOB_FUNCTIONS, JobSpec, run_once, start_scheduler, stop_scheduler
from bot.sender import OutboxSender
from handlers.context import Services
from handlers.sweeps import run_all
from storage.tables import ProcessedUpdate

log = logging.getLogger(__name__)
KEEP_UPDATES: Final = timedelta(days=7)
BACKUP_JOB: Final = "backup:daily"
BACKUP_STALE: Final = timedelta(hours=6)  # a backup still "running" after this has died


def jobs(sweep_seconds: float, *, backup: bool = False) -> tuple[JobSpec, ...]:
    """The scheduled jobs, with deterministic ids so a restart never duplicates one; the daily
    backup when a backup folder is set."""
    daily = JobSpec(BACKUP_JOB, {"trigger": "cron", "hour": 2, "minute": 15}, args=(BACKUP_JOB,))
    return (
        # Every sweep is keyed (reminders, escalations, the monthly aggregate, the weekly
        # digest, check-ins): running it often sends each notice once and skips none.
        JobSpec(
            "sweep:deadlines",
            {"trigger": "interval", "seconds": sweep_seconds},
            args=("sweep:deadlines",),
        ),
        JobSpec(
            "prune:updates", {"trigger": "cron", "hour": 3, "minute": 30}, args=("prune:updates",)
        ),
        *((daily,) if backup else ()),
    )


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


class LeaderWork:
    """Starts the sender and the scheduler when this process is elected, stops them when not."""

    def __init__(
        self,
        services: Services,
        sender: OutboxSender,
        url: str,
        timezone: str,
        sweep_seconds: float = 60.0,
        backup: BackupPlan | None = None,
    ) -> None:
        self.services = services
        self.backup = backup
        self.sweep_seconds = sweep_seconds
        self.sender = sender
        self.url = url
        self.timezone = timezone
        self._scheduler: AsyncIOScheduler | None = None
        self._sender_stop: asyncio.Event | None = None
        self._sender_task: asyncio.Task[None] | None = None

    def register_jobs(self) -> None:
        """Jobs are stored by name; the functions behind the names live in this process."""
        loop = asyncio.get_running_loop()

        def sweep() -> int:
            sent = run_all(self.services)
            loop.call_soon_threadsafe(self.sender.wake)  # jobs run in worker threads
            return sent

        JOB_FUNCTIONS["sweep:deadlines"] = sweep
        JOB_FUNCTIONS["prune:updates"] = lambda: prune_updates(self.services)
        JOB_FUNCTIONS[BACKUP_JOB] = lambda: daily_backup(self.services, self.url, self.backup)

    async def elected(self) -> None:
        """This process leads: send, and run the scheduled jobs."""
        self._sender_stop = asyncio.Event()
        self._sender_task = asyncio.create_task(self.sender.run(self._sender_stop))
        specs = jobs(self.sweep_seconds, backup=self.backup is not None)
        self._scheduler = start_scheduler(self.url, self.timezone, specs)
        if self.backup is None:  # backups were switched off: no stored job keeps running
            with contextlib.suppress(JobLookupError):
                self._scheduler.remove_job(BACKUP_JOB)
        log.info("this process leads: sending and running scheduled work")

    async def lost(self) -> None:
        """Leadership ended (or the process stops): stop sending and scheduling."""
        if self._scheduler is not None:
            await stop_scheduler(self._scheduler)
            self._scheduler = None
        if self._sender_stop is not None:
            self._sender_stop.set()
        if self._sender_task is not None:
            await self._sender_task
            self._sender_task = None
