"""`zhaoshang run`: migrate, connect, serve until a signal, stop cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.bootstrap import build_uow_factory, initialise
from bot.logs import SecretFilter, secrets_of, setup_logging
from bot.messenger import DeliveryError
from bot.runtimes import api_of, make_runtime
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.web.server import WebApp


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
        raise StartupError(f"cannot reach {api_of(settings, runtime)}: {exc}") from exc
    except Exception as exc:  # the runtime library's own errors (invalid token, network)
        raise StartupError(f"cannot start the bot: {type(exc).__name__}: {exc}") from exc
    web = await _start_web(settings, runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    running = [m if m == "wecom" else f"{m} on {settings.runtime}" for m in settings.messengers()]
    logging.getLogger(__name__).info("zhaoshang is running (%s)", ", ".join(running))
    try:
        await stop.wait()
    finally:
        if web is not None:
            await web.stop()
        await runtime.stop()
        uow_factory.engine.dispose()


async def _start_web(settings: Settings, runtime: object) -> WebApp | None:
    """The Mini App in this process, when its public address is set."""
    core = getattr(runtime, "core", None)
    if not settings.web_url or core is None or settings.bot_token is None:
        return None
    from bot.web.server import WebApp  # aiohttp's server, only when the Mini App is served

    web = WebApp(
        core.services,
        settings.bot_token.get_secret_value(),
        max_age=timedelta(seconds=settings.web_auth_max_age),
        script_url=settings.web_script_url,
        pdf=core.responder.pdf,  # the documents' PDF copies, as chat sends them
    )
    try:
        await web.start(settings.web_listen, settings.web_port)
    except OSError as exc:
        await runtime.stop()  # type: ignore[attr-defined]
        raise StartupError(f"cannot serve the Mini App on {settings.web_port}: {exc}") from exc
    return web


def serve(settings: Settings) -> None:
    """Run the bot until SIGINT or SIGTERM."""
    setup_logging(settings)
    try:
        asyncio.run(_serve(settings))
    except StartupError as exc:  # its text may quote a library's error, URL and all
        raise StartupError(SecretFilter(secrets_of(settings)).redact(str(exc))) from None
