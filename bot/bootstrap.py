"""The composition root: settings, engine, unit-of-work factory, policy, renderer."""

from __future__ import annotations

from bot.settings import Settings
from storage.db import make_engine, migrate
from storage.seed import SeedReport, seed_policy
from storage.uow import UnitOfWorkFactory
from workflow.policy_file import load_policy


def build_uow_factory(settings: Settings) -> UnitOfWorkFactory:
    """The unit-of-work factory on the configured database."""
    return UnitOfWorkFactory(make_engine(settings.database_url))


def initialise(settings: Settings) -> SeedReport:
    """Migrate the database and load the policy and roster into it."""
    policy = load_policy(settings.policy_file)
    migrate(settings.database_url)
    uow_factory = build_uow_factory(settings)
    try:
        with uow_factory() as uow:
            report = seed_policy(uow, policy)
            uow.commit()
    finally:
        uow_factory.engine.dispose()
    return report
