"""The work only one process does (the elected leader): the outbox sender and the scheduler
with its jobs. Every process takes updates; the leader alone sends and runs scheduled work."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Final

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import delete

from bot.scheduler import JOB_FUNCTIONS, JobSpec, start_scheduler, stop_scheduler
from bot.sender import OutboxSender
from handlers.context import Services
from handlers.sweeps import run_all
from storage.tables import ProcessedUpdate

log = logging.getLogger(__name__)
KEEP_UPDATES: Final = timedelta(days=7)


def jobs(sweep_seconds: float) -> tuple[JobSpec, ...]:
    """The scheduled jobs, with deterministic ids so a restart never duplicates one."""
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
    )


def prune_updates(services: Services) -> int:
    """Forget handled update ids older than a week (Telegram redelivers for a day at most)."""
    with services.uow() as uow:
        cutoff = services.clock() - KEEP_UPDATES
        result = uow.session.exec(  # type: ignore[call-overload]
            delete(ProcessedUpdate).where(ProcessedUpdate.at < cutoff)
        )  # type: ignore[arg-type]
        uow.commit()
        return int(result.rowcount or 0)


class LeaderWork:
    """Starts the sender and the scheduler when this process is elected, stops them when not."""

    def __init__(
        self,
        services: Services,
        sender: OutboxSender,
        url: str,
        timezone: str,
        sweep_seconds: float = 60.0,
    ) -> None:
        self.services = services
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

    async def elected(self) -> None:
        """This process leads: send, and run the scheduled jobs."""
        self._sender_stop = asyncio.Event()
        self._sender_task = asyncio.create_task(self.sender.run(self._sender_stop))
        self._scheduler = start_scheduler(self.url, self.timezone, jobs(self.sweep_seconds))
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
