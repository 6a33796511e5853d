"""The handler application: every use case registered, one dispatcher."""

from __future__ import annotations

from handlers import onboarding, projects  # noqa: F401  (they register their commands)
from handlers.context import Services
from handlers.dispatch import Dispatcher


def build_dispatcher(services: Services) -> Dispatcher:
    """The dispatcher with every use case of the bot."""
    return Dispatcher(services)
