"""The handler application: every use case registered, one dispatcher."""

from __future__ import annotations

from handlers import (  # noqa: F401  (each module registers its commands and buttons)
    assessment,
    city,
    forums,
    liaison,
    meetings,
    onboarding,
    pipeline,
    projects,
    reports,
    review,
    signing,
)
from handlers.context import Services
from handlers.dispatch import Dispatcher


def build_dispatcher(services: Services) -> Dispatcher:
    """The dispatcher with every use case of the bot."""
    return Dispatcher(services)
