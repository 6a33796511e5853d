"""The work only one process does (the elected leader): the outbox senders (one a messenger
the process runs) and the scheduler with its jobs. Every process takes updates; the leader
alone sends and runs scheduled work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from functools import partial
from typing import Final

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.backup.make import BackupPlan
from bot.leader.election import Leadership
from bot.leader.jobs import BACKUP_JOB, job_functions, jobs
from bot.leader.scheduler import start_scheduler, stop_scheduler
from bot.outbox.sender import OutboxSender
from bot.stopping import finish_or_cancel
from handlers.context import Services

log = logging.getLogger(__name__)

LEADER_RETRY_SECONDS: Final = 2.0  # how soon a standby takes over from a dead leader


class LeaderWork:
    """Starts the senders and the scheduler when this process is elected, stops them when not."""

    def __init__(
        self,
        services: Services,
        senders: Sequence[OutboxSender],
        url: str,
        timezone: str,
        sweep_seconds: float = 60.0,
        backup: BackupPlan | None = None,
    ) -> None:
        self.services = services
        self.backup = backup
        self.sweep_seconds = sweep_seconds
        self.senders = tuple(senders)
        self.url = url
        self.timezone = timezone
        self._scheduler: AsyncIOScheduler | None = None
        self._sender_stop: asyncio.Event | None = None
        self._sender_tasks: list[asyncio.Task[None]] = []

    def wake(self) -> None:
        """Tell every sender something was queued (a job's notices may be for any messenger)."""
        for sender in self.senders:
            sender.wake()

    async def elected(self) -> None:
        """This process leads: send, and run the scheduled jobs."""
        stop = self._sender_stop = asyncio.Event()
        self._sender_tasks = [asyncio.create_task(s.run(stop)) for s in self.senders]
        # Jobs run in worker threads: they wake the senders through the event loop.
        wake = partial(asyncio.get_running_loop().call_soon_threadsafe, self.wake)
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
        tasks, self._sender_tasks = self._sender_tasks, []
        await asyncio.gather(*tasks)


class Leading:
    """Competing, in the background, to be the process that does a LeaderWork."""

    def __init__(self, url: str, work: LeaderWork) -> None:
        self.url = url
        self.work = work
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start competing for leadership (the work starts once elected)."""
        leadership = Leadership(self.url, retry_seconds=LEADER_RETRY_SECONDS)
        self._task = asyncio.create_task(
            leadership.acquire_loop(self.work.elected, self.work.lost, self._stop)
        )

    async def stop(self) -> None:
        """Stop leading (the senders finish their pass first)."""
        self._stop.set()
        if self._task is not None:
            await finish_or_cancel(self._task, "the leader's work")
            self._task = None
