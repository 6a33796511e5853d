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


TOKEN_MISSING = (
    "ZHAOSHANG_BOT_TOKEN is not set: get a token from @BotFather, or try `zhaoshang demo`"
)


def settings_problem(settings: Settings) -> str | None:
    """What keeps the chosen runtime from starting with these settings, in one line."""
    if settings.runtime == "wecom":
        from bot.wecom.runtime import settings_problem as wecom_problem  # only when it runs

        return wecom_problem(settings)
    return TOKEN_MISSING if settings.bot_token is None else None


def api_of(settings: Settings) -> str:
    """The messenger API the chosen runtime starts against, for the operator."""
    if settings.runtime == "wecom":
        return f"WeCom's API at {settings.wecom_api_base_url}"
    return f"the Bot API at {settings.api_base_url}"


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
