"""`zhaoshang run`: migrate, connect, serve until a signal, stop cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.bootstrap import build_uow_factory, initialise
from bot.logs import SecretFilter, secrets_of, setup_logging
from bot.messenger import DeliveryError
from bot.runtimes import make_runtime
from bot.settings import Settings


class StartupError(Exception):
    """The bot could not start (bad token, unreachable API): one line for the operator."""


async def _serve(settings: Settings) -> None:
    initialise(settings)
    uow_factory = build_uow_factory(settings)
    try:
        runtime = make_runtime(settings, uow_factory)
    except ValueError as exc:
        raise StartupError(str(exc)) from exc
    try:
        await runtime.start()
    except (DeliveryError, OSError) as exc:
        raise StartupError(f"cannot reach the Bot API at {settings.api_base_url}: {exc}") from exc
    except Exception as exc:  # the runtime library's own errors (invalid token, network)
        raise StartupError(f"cannot start the bot: {type(exc).__name__}: {exc}") from exc
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    logging.getLogger(__name__).info("zhaoshang is running (%s)", settings.runtime)
    try:
        await stop.wait()
    finally:
        await runtime.stop()
        uow_factory.engine.dispose()


def serve(settings: Settings) -> None:
    """Run the bot until SIGINT or SIGTERM."""
    setup_logging(settings)
    try:
        asyncio.run(_serve(settings))
    except StartupError as exc:  # its text may quote a library's error, URL and all
        raise StartupError(SecretFilter(secrets_of(settings)).redact(str(exc))) from None
