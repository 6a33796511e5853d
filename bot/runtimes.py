"""Choosing the messenger runtime from the settings."""

from __future__ import annotations

from typing import Protocol

from bot.settings import Settings
from storage.uow import UnitOfWorkFactory


class Runtime(Protocol):
    """A running bot: start taking updates, stop cleanly."""

    async def start(self) -> None:
        """Connect and start."""
        ...

    async def stop(self) -> None:
        """Stop and disconnect."""
        ...


def make_runtime(settings: Settings, uow_factory: UnitOfWorkFactory) -> Runtime:
    """The runtime the settings name."""
    if settings.runtime == "aiogram":
        from bot.aiogram_runtime import AiogramRuntime

        return AiogramRuntime(settings, uow_factory)
    from bot.ptb_runtime import PtbRuntime

    return PtbRuntime(settings, uow_factory)
