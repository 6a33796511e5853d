"""The Mini App's HTTP server (aiohttp, already the bot's HTTP stack): each request is
authenticated by the `X-Telegram-Init-Data` header (no cookie, so no CSRF), turned into the
same actor as in chat, and answered by the same use cases, as a server-rendered page or JSON.

- `GET /web/` the shell Telegram opens: no data; its script sends the header and shows the
  page its `open` query names (`/web/?open=board`, the default `home`) in place (the launch
  data lives in the address's fragment, which a browser never sends to the server).
- Each area's routes live in a module of their own beside this one (`bot/web/board.py`, …),
  each a `routes(pages)` over `bot/web/pages.py`.

401 for a missing, tampered, expired or malformed initData (audited), 403 with chat's words
for a person whose roles do not allow it (audited as in chat), 400 with chat's words for a
problem with what was asked, 503 when the database is away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from types import ModuleType
from typing import Final

from aiohttp import web

from bot.listening import Listening
from bot.outbox.delivery import PdfMaker
from bot.web import board, charts, home, plan, project, reports
from bot.web.pages import INIT_DATA_HEADER, TELEGRAM_SCRIPT, Pages
from handlers.context import Services

__all__ = ["INIT_DATA_HEADER", "TELEGRAM_SCRIPT", "WebApp"]

SHUTDOWN_GRACE: Final = 5.0  # seconds the requests under way get on a stop
MAX_BODY: Final = 64 * 1024  # bytes of a form post; the plan's longest answer is far below
AREAS: Final[tuple[ModuleType, ...]] = (home, board, reports, charts, plan, project)
"""The modules of the Mini App's routes, each with `routes(pages)`."""


class WebApp(Pages):
    """The Mini App's server: its routes over the bot's services, and its listener."""

    def __init__(
        self,
        services: Services,
        bot_token: str,
        *,
        max_age: timedelta,
        script_url: str = TELEGRAM_SCRIPT,
        clock: Callable[[], datetime] | None = None,
        pdf: PdfMaker | None = None,
    ) -> None:
        super().__init__(
            services, bot_token, max_age=max_age, script_url=script_url, clock=clock, pdf=pdf
        )
        self._listening = Listening(SHUTDOWN_GRACE)

    def application(self) -> web.Application:
        """The aiohttp application with the Mini App's routes."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get("/web/", self.shell)
        for area in AREAS:
            routes: Iterable[web.AbstractRouteDef] = area.routes(self)
            app.add_routes(list(routes))
        return app

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port."""
        await self._listening.start(self.application(), host, port)

    async def stop(self) -> None:
        """Stop listening, once the requests under way are answered."""
        await self._listening.stop()

    async def shell(self, request: web.Request) -> web.Response:
        """The page Telegram opens: Telegram's script, and a loader for the page asked for."""
        html = self.services.renderer.env.get_template("web/shell.html").render(
            script_url=self.script_url, header=INIT_DATA_HEADER
        )
        return web.Response(text=html, content_type="text/html")
