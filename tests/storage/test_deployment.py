"""The deployment's start is recorded once, on both backends: a later `init` keeps it, and the
office's first reporting period is kept beside it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.deployment import deployment_start, record_deployment_start
from storage.uow import UnitOfWorkFactory
from tests.conftest import Clock

START = datetime(2026, 10, 23, 2, 0, tzinfo=UTC)


def test_the_start_is_recorded_once(uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
    with uow_factory() as uow:
        assert deployment_start(uow) is None
        record_deployment_start(uow, START)
        uow.commit()
    with uow_factory() as uow:
        record_deployment_start(uow, START + timedelta(days=30))  # `init` again, later
        record_deployment_start(uow, START + timedelta(days=31), reporting_from="2026-09")
        uow.commit()
    with uow_factory() as uow:
        found = deployment_start(uow)
    assert found is not None and (found.at, found.reporting_from) == (START, "2026-09")


def test_a_database_in_use_before_the_record_starts_at_its_first_audit_row(
    uow_factory: UnitOfWorkFactory, clock: Clock
) -> None:
    clock.now = START
    with uow_factory() as uow:
        uow.audit("project_created", "project", 1)
        uow.commit()
    with uow_factory() as uow:
        assert record_deployment_start(uow, START + timedelta(days=40)).at == START
        uow.commit()


def test_a_reporting_period_is_a_month(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow, pytest.raises(ValueError, match="YYYY-MM"):
        record_deployment_start(uow, START, reporting_from="2026-13")
