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
    """The runtime the settings name (ValueError, in one line, when one it needs is missing)."""
    if settings.runtime == "wecom":
        from bot.wecom.runtime import WeComRuntime  # WeCom's adapter, only when it runs

        return WeComRuntime(settings, uow_factory)
    if settings.runtime == "aiogram":
        # Only the library in use is loaded: each one is slow to import.
        from bot.telegram.aiogram.runtime import AiogramRuntime

        return AiogramRuntime(settings, uow_factory)
    from bot.telegram.ptb.runtime import PtbRuntime  # only the library in use, as above

    return PtbRuntime(settings, uow_factory)
