"""The work only one process does (the elected leader): the outbox sender and the scheduler
with its jobs. Every process takes updates; the leader alone sends and runs scheduled work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import partial

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.backup.make import BackupPlan
from bot.leader.jobs import BACKUP_JOB, job_functions, jobs
from bot.leader.scheduler import start_scheduler, stop_scheduler
from bot.outbox.sender import OutboxSender
from handlers.context import Services

log = logging.getLogger(__name__)


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

    async def elected(self) -> None:
        """This process leads: send, and run the scheduled jobs."""
        self._sender_stop = asyncio.Event()
        self._sender_task = asyncio.create_task(self.sender.run(self._sender_stop))
        # Jobs run in worker threads: they wake the sender through the event loop.
        wake = partial(asyncio.get_running_loop().call_soon_threadsafe, self.sender.wake)
        functions = job_functions(self.services, wake, self.url, self.backup)
        specs = jobs(self.sweep_seconds, backup=self.backup is not None)
        self._scheduler = start_scheduler(self.url, self.timezone, specs, functions)
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
