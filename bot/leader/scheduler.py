"""The scheduler: jobs kept in the database under fixed ids, each calling a function of the
job table the running process was given."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Final

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_STOPPED

from storage.db import make_engine

log = logging.getLogger(__name__)

Primitive = str | int | float | bool | None

JobTable = Mapping[str, Callable[..., object]]
"""The functions stored jobs call, by name. A process builds its own for its services and
passes it to the scheduler, so a stored job holds only a name and primitive arguments. They are
blocking functions; the scheduler runs them in a worker thread."""

RUN_JOB: Final = "bot.leader.scheduler:run_job"  # what every stored job calls
JOB_TABLE: Final = "apscheduler_jobs"
JOB_DEFAULTS: Final[dict[str, Any]] = {
    "coalesce": True,
    "max_instances": 1,
    "misfire_grace_time": 3600,
}


@dataclass(frozen=True)
class JobSpec:
    """A job to keep scheduled: its fixed id, its trigger, the job function it calls (by its
    name in the job table) and with what."""

    id: str  # e.g. "nag:monthly"; the same id always names the same job
    trigger_kwargs: dict[str, Any]  # e.g. {"trigger": "cron", "day": 1, "hour": 9}
    function: str  # a name in the job table
    args: tuple[Primitive, ...] = ()

    def __post_init__(self) -> None:
        for arg in self.args:
            if not isinstance(arg, str | int | float | bool | type(None)):
                raise TypeError(f"{self.id}: job arguments must be primitives, not {arg!r}")

    @property
    def stored_args(self) -> tuple[Primitive, ...]:
        """The arguments the stored job passes to `run_job`."""
        return (self.function, *self.args)

    def fingerprint(self, timezone: str) -> str:
        """The job's id and a digest of everything that defines it."""
        spec = [RUN_JOB, list(self.stored_args), self.trigger_kwargs, timezone]
        digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode())
        return f"{self.id}#{digest.hexdigest()[:12]}"


def run_job(name: str, *args: Primitive, functions: JobTable | None = None) -> object:
    """Call the job function `name` of `functions`, the job table that the scheduler's
    executor passes."""
    func = None if functions is None else functions.get(name)
    if func is None:
        log.error("no job function is named %r (known: %s)", name, sorted(functions or ()))
        return None
    return func(*args)


class JobTableExecutor(AsyncIOExecutor):
    """Runs each stored job in a worker thread, with the job table of this process."""

    def __init__(self, functions: JobTable) -> None:
        super().__init__()
        self.functions = functions

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        # A copy: the stored job itself must keep pickling to its name and arguments.
        bound = copy.copy(job)  # through Job's own __getstate__ and __setstate__
        bound._scheduler, bound._jobstore_alias = job._scheduler, job._jobstore_alias
        bound.func = partial(job.func, functions=self.functions)
        super()._do_submit_job(bound, run_times)

    def _run_job_error(self, job_id: str, exc: BaseException, traceback: Any = None) -> None:
        # Stopping cancels the future of a job still running in its thread; the thread goes on
        # and finishes the job (work that is done once, by key). That is no error to report.
        if not isinstance(exc, asyncio.CancelledError):
            super()._run_job_error(job_id, exc, traceback)
            return
        with self._lock:
            self._instances[job_id] -= 1
            if self._instances[job_id] == 0:
                del self._instances[job_id]
        log.info("job %s was running as the scheduler stopped; its thread finishes it", job_id)


def build_scheduler(url: str, timezone: str, functions: JobTable) -> AsyncIOScheduler:
    """A scheduler keeping its jobs in the bot's database, in the deployment's time zone, and
    running them with these job functions."""
    store = SQLAlchemyJobStore(engine=make_engine(url), tablename=JOB_TABLE)
    return AsyncIOScheduler(
        jobstores={"default": store},
        executors={"default": JobTableExecutor(functions)},
        job_defaults=dict(JOB_DEFAULTS),
        timezone=timezone,
    )


def schedule_jobs(scheduler: AsyncIOScheduler, specs: Iterable[JobSpec]) -> None:
    """Add or update each job under its id; an unchanged job is left as it is."""
    if scheduler.state == STATE_STOPPED:
        raise RuntimeError("start the scheduler (paused will do) before scheduling its jobs")
    timezone = str(scheduler.timezone)
    for spec in specs:
        tag = spec.fingerprint(timezone)
        try:
            stored = scheduler.get_job(spec.id)
        except Exception:  # stored by an older version, it no longer loads: replace it
            log.warning("job %s no longer loads; replacing it", spec.id, exc_info=True)
            stored = None
        # Replacing a job gives it a fresh next run time, which would drop a run missed while
        # the bot was down; the job's name carries the spec's digest to tell when it changed.
        if stored is not None and stored.name == tag:
            continue
        scheduler.add_job(
            RUN_JOB,
            id=spec.id,
            name=tag,
            args=spec.stored_args,
            replace_existing=True,
            **spec.trigger_kwargs,
        )
        log.info("scheduled job %s", tag)


def start_scheduler(
    url: str, timezone: str, specs: Iterable[JobSpec], functions: JobTable
) -> AsyncIOScheduler:
    """Start a scheduler with these jobs in place and these functions behind them (call it on
    the running event loop)."""
    scheduler = build_scheduler(url, timezone, functions)
    scheduler.start(paused=True)
    schedule_jobs(scheduler, specs)
    scheduler.resume()
    return scheduler


async def stop_scheduler(scheduler: AsyncIOScheduler) -> None:
    """Stop running jobs; one already running in a worker thread finishes on its own."""
    if scheduler.state == STATE_STOPPED:
        return
    scheduler.shutdown(wait=False)
    while scheduler.state != STATE_STOPPED:  # the asyncio scheduler stops on the loop's next turn
        await asyncio.sleep(0)
