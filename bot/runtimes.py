"""Choosing the messenger runtime from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.settings import Settings
from storage.uow import UnitOfWorkFactory

if TYPE_CHECKING:
    from bot.telegram.runtime import TelegramRuntime


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
    """What keeps the messengers these settings name from starting, in one line."""
    for messenger in settings.messengers():
        if messenger == "wecom":
            from bot.wecom.runtime import settings_problem as wecom_problem  # only when it runs

            problem = wecom_problem(settings)
            if problem:
                return problem
        elif settings.bot_token is None:
            return TOKEN_MISSING
    return None


def api_of(settings: Settings, runtime: object = None) -> str:
    """The messenger API the runtime starts against (the one it was starting, when it runs
    two), for the operator."""
    api = getattr(runtime, "api", None)
    if isinstance(api, str):
        return api
    if settings.messengers() == ("wecom",):
        return f"WeCom's API at {settings.wecom_api_base_url}"
    return f"the Bot API at {settings.api_base_url}"


def make_runtime(settings: Settings, uow_factory: UnitOfWorkFactory) -> Runtime:
    """The runtime of the messengers the settings name: Telegram (on the library
    `settings.runtime` names), WeCom, or both in one process."""
    messengers = settings.messengers()
    if messengers == ("wecom",):
        from bot.wecom.runtime import WeComRuntime  # WeCom's adapter, only when it runs

        return WeComRuntime(settings, uow_factory)
    both = "wecom" in messengers
    telegram = _telegram(settings, uow_factory, leads=not both)
    if not both:
        return telegram
    from bot.both import BothRuntime
    from bot.wecom.runtime import WeComRuntime  # as above

    return BothRuntime(settings, telegram, WeComRuntime(settings, uow_factory, leads=False))


def _telegram(
    settings: Settings, uow_factory: UnitOfWorkFactory, *, leads: bool
) -> TelegramRuntime:
    if settings.runtime == "aiogram":
        # Only the library in use is loaded: each one is slow to import.
        from bot.telegram.aiogram.runtime import AiogramRuntime

        return AiogramRuntime(settings, uow_factory, leads=leads)
    from bot.telegram.ptb.runtime import PtbRuntime  # only the library in use, as above

    return PtbRuntime(settings, uow_factory, leads=leads)
