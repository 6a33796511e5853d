"""The leader's jobs: ids are stable, and old handled-update ids are forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.bootstrap import routes
from bot.leader.jobs import jobs, prune_updates
from handlers.context import Services
from storage.tables import ProcessedUpdate
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
from workflow.policy import Policy


def test_jobs_have_deterministic_ids():
    assert [j.id for j in jobs(60)] == ["sweep:deadlines", "prune:updates"]


def test_handled_update_ids_older_than_a_week_are_forgotten(
    uow_factory: UnitOfWorkFactory, policy: Policy
):
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    with uow_factory() as uow:
        uow.session.add(ProcessedUpdate(key="telegram:1", at=now - timedelta(days=8)))
        uow.session.add(ProcessedUpdate(key="telegram:2", at=now - timedelta(days=1)))
        uow.commit()
    services = Services(
        uow=uow_factory,
        policy=policy,
        renderer=Renderer(),
        clock=lambda: now,
        timezone=ZoneInfo("Asia/Shanghai"),
        routes=routes(),
    )
    assert prune_updates(services) == 1
    with uow_factory() as uow:
        assert [u.key for u in uow.session.exec(select(ProcessedUpdate))] == ["telegram:2"]
