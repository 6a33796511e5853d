"""Keyed work done once: a piece of scheduled work claimed under its key before it runs, so a
job run twice, or by a new leader, does it once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Final

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import col

from storage.tables import ScheduledRun
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

RUNNING: Final = "(running)"  # ScheduledRun.result while the work is under way


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
