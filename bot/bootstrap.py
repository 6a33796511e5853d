"""The composition root: settings, engine, unit-of-work factory, policy, renderer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.settings import Settings
from handlers.context import Services
from storage.db import make_engine, migrate
from storage.seed import SeedReport, seed_policy
from storage.types import utcnow
from storage.uow import UnitOfWorkFactory
from templates.renderer import Renderer
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


def build_services(
    settings: Settings,
    uow_factory: UnitOfWorkFactory,
    bot_username: str,
    clock: Callable[[], datetime] = utcnow,
) -> Services:
    """The services every handler receives, from the settings."""
    return Services(
        uow=uow_factory,
        policy=load_policy(settings.policy_file),
        renderer=Renderer(settings.default_locale, settings.timezone),
        clock=clock,
        timezone=ZoneInfo(settings.timezone),
        admins=frozenset(settings.admins),
        bot_username=bot_username,
    )
