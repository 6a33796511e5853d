"""Scheduled work: jobs kept in the database under fixed ids, each piece of work done once."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import col

from storage.db import make_engine
from storage.tables import ScheduledRun
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

Primitive = str | int | float | bool | None

RUN_JOB: Final = "bot.scheduler:run_job"
JOB_TABLE: Final = "apscheduler_jobs"
JOB_DEFAULTS: Final[dict[str, Any]] = {
    "coalesce": True,
    "max_instances": 1,
    "misfire_grace_time": 3600,
}
RUNNING: Final = "(running)"  # ScheduledRun.result while the work is under way

# The functions stored jobs call through `run_job`, by name: filled at start-up by the runtime
# with closures over its services, so a pickled job holds only a name and primitive arguments.
# They are blocking functions; the scheduler runs them in a worker thread.
JOB_FUNCTIONS: dict[str, Callable[..., object]] = {}


@dataclass(frozen=True)
class JobSpec:
    """A job to keep scheduled: its fixed id, its trigger, what it calls and with what."""

    id: str  # e.g. "nag:monthly"; the same id always names the same job
    trigger_kwargs: dict[str, Any]  # e.g. {"trigger": "cron", "day": 1, "hour": 9}
    func_ref: str = RUN_JOB  # "module:function", a module-level function
    args: tuple[Primitive, ...] = ()

    def __post_init__(self) -> None:
        if ":" not in self.func_ref:
            raise ValueError(f"{self.id}: func_ref must read 'module:function'")
        for arg in self.args:
            if not isinstance(arg, str | int | float | bool | type(None)):
                raise TypeError(f"{self.id}: job arguments must be primitives, not {arg!r}")

    def fingerprint(self, timezone: str) -> str:
        """The job's id and a digest of everything that defines it."""
        spec = [self.func_ref, list(self.args), self.trigger_kwargs, timezone]
        digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode())
        return f"{self.id}#{digest.hexdigest()[:12]}"


def build_scheduler(url: str, timezone: str) -> AsyncIOScheduler:
    """A scheduler keeping its jobs in the bot's database, in the deployment's time zone."""
    store = SQLAlchemyJobStore(engine=make_engine(url), tablename=JOB_TABLE)
    return AsyncIOScheduler(
        jobstores={"default": store}, job_defaults=dict(JOB_DEFAULTS), timezone=timezone
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
            spec.func_ref,
            id=spec.id,
            name=tag,
            args=spec.args,
            replace_existing=True,
            **spec.trigger_kwargs,
        )
        log.info("scheduled job %s", tag)


def start_scheduler(url: str, timezone: str, specs: Iterable[JobSpec]) -> AsyncIOScheduler:
    """Start a scheduler with these jobs in place (call it on the running event loop)."""
    scheduler = build_scheduler(url, timezone)
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


def run_job(name: str, *args: Primitive) -> object:
    """Call the job function registered under `name`."""
    func = JOB_FUNCTIONS.get(name)
    if func is None:
        log.error("no job function is registered as %r (known: %s)", name, sorted(JOB_FUNCTIONS))
        return None
    return func(*args)


def run_once(
    key: str,
    uow_factory: UnitOfWorkFactory,
    work: Callable[[], str | None],
    *,
    stale_after: timedelta = timedelta(minutes=30),
) -> bool:
    """Do `work` unless the work named `key` was done already; True if it ran now."""
    # The key is claimed in a transaction of its own, committed before the work starts: work
    # that writes through its own units of work would otherwise wait forever on SQLite's one
    # writer. A claim left by a process that died mid-work is taken over once it is stale.
    if not _claim(key, uow_factory, stale_after):
        return False
    try:
        result = work()
    except BaseException:
        _forget(key, uow_factory)
        raise
    with uow_factory() as uow:
        uow.session.exec(  # type: ignore[call-overload]
            update(ScheduledRun)
            .where(col(ScheduledRun.key) == key)
            .values(result=None if result is None else str(result)[:200])
        )
        uow.commit()
    return True


def _claim(key: str, uow_factory: UnitOfWorkFactory, stale_after: timedelta) -> bool:
    with uow_factory() as uow:
        uow.session.add(ScheduledRun(key=key, result=RUNNING))
        try:
            uow.commit()
            return True
        except IntegrityError:
            uow.rollback()
        now = uow.now()
        taken = uow.session.exec(  # type: ignore[call-overload]
            update(ScheduledRun)
            .where(
                col(ScheduledRun.key) == key,
                col(ScheduledRun.result) == RUNNING,
                col(ScheduledRun.ran_at) < now - stale_after,
            )
            .values(ran_at=now)
        )
        uow.commit()
    if taken.rowcount == 1:
        log.warning("took over %s, left unfinished since before %s", key, now - stale_after)
        return True
    return False


def _forget(key: str, uow_factory: UnitOfWorkFactory) -> None:
    try:
        with uow_factory() as uow:
            uow.session.exec(  # type: ignore[call-overload]
                delete(ScheduledRun).where(
                    col(ScheduledRun.key) == key, col(ScheduledRun.result) == RUNNING
                )
            )
            uow.commit()
    except SQLAlchemyError:
        log.exception("could not release %s; it is retried once its claim is stale", key)
