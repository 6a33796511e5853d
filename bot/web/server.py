"""The Mini App's HTTP adapter (aiohttp, already the bot's HTTP stack): each request is
authenticated by the `X-Telegram-Init-Data` header (no cookie, so no CSRF), turned into the
same actor as in chat, and answered with the board as a server-rendered page or as JSON.

- `GET /web/` the shell Telegram opens: no data; its script sends the header and shows
  `/web/board` in place (the launch data lives in the address's fragment, which a browser
  never sends to the server).
- `GET /web/board` the board's page, `GET /web/api/board` the same data as JSON; both take
  the filters (`sector`, `site`, `category`, `tier`, `q`) and one column's page (`stage`,
  `page`) from the query string.

401 for a missing, tampered, expired or malformed initData (audited), 403 with chat's words
for a person whose roles do not allow it (audited as in chat), 503 when the database is away.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from aiohttp import web

from bot.listening import Listening
from bot.web.init_data import InitDataError, WebAppUser, verify
from conversations.inbound import Inbound
from handlers.context import Actor, Services
from handlers.pipeline.board import Board, board, board_json, read_filters
from handlers.web import PageAnswer, record_unauthenticated, serve_page
from storage.errors import StorageUnavailable
from storage.uow import UnitOfWork
from workflow.pipeline import ACTIVE_STAGES, Stage

INIT_DATA_HEADER: Final = "X-Telegram-Init-Data"
TELEGRAM_SCRIPT: Final = "https://telegram.org/js/telegram-web-app.js"
SHUTDOWN_GRACE: Final = 5.0  # seconds the requests under way get on a stop
_STAGES: Final = {s.value: s for s in ACTIVE_STAGES}


class WebApp:
    """The Mini App's routes over the bot's services."""

    def __init__(
        self,
        services: Services,
        bot_token: str,
        *,
        max_age: timedelta,
        script_url: str = TELEGRAM_SCRIPT,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.services = services
        self._token = bot_token
        self.max_age = max_age
        self.script_url = script_url
        self.clock = clock or services.clock
        self._listening = Listening(SHUTDOWN_GRACE)

    def application(self) -> web.Application:
        """The aiohttp application with the Mini App's routes."""
        app = web.Application()
        app.router.add_get("/web/", self.shell)
        app.router.add_get("/web/board", self.board_page)
        app.router.add_get("/web/api/board", self.board_api)
        return app

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port."""
        await self._listening.start(self.application(), host, port)

    async def stop(self) -> None:
        """Stop listening, once the requests under way are answered."""
        await self._listening.stop()

    async def shell(self, request: web.Request) -> web.Response:
        """The page Telegram opens: Telegram's script, and a loader for the board."""
        html = self.services.renderer.env.get_template("web/shell.html").render(
            script_url=self.script_url, header=INIT_DATA_HEADER
        )
        return web.Response(text=html, content_type="text/html")

    async def board_page(self, request: web.Request) -> web.Response:
        """The board as a page in the person's language."""
        answer = await self._board(request)
        if not isinstance(answer, PageAnswer):
            return answer
        if answer.value is None:
            return _refusal(answer)
        s = self.services
        html = s.renderer.page(
            answer.locale, "board", board=answer.value, policy=s.policy, stage_names=_names(s)
        )
        return web.Response(text=html, content_type="text/html")

    async def board_api(self, request: web.Request) -> web.Response:
        """The board's data as JSON."""
        answer = await self._board(request)
        if not isinstance(answer, PageAnswer):
            return answer
        if answer.value is None:
            return _refusal(answer)
        return web.json_response(board_json(self.services, answer.locale, answer.value))

    async def _board(self, request: web.Request) -> PageAnswer[Board] | web.Response:
        user = await self._user(request)
        if isinstance(user, web.Response):
            return user
        s = self.services
        filters = read_filters(s, request.query)
        stage = _STAGES.get(request.query.get("stage", ""))
        page = _page(request.query.get("page"))

        def use_case(s: Services, uow: UnitOfWork, actor: Actor) -> Board:
            return board(s, uow, actor, filters, stage=stage, page=page)

        try:
            return await asyncio.to_thread(serve_page, s, _event(user), request.path, use_case)
        except StorageUnavailable:
            return web.Response(status=503, headers={"Retry-After": "1"})

    async def _user(self, request: web.Request) -> WebAppUser | web.Response:
        """The Telegram user the request's initData proves, or the 401 (audited)."""
        try:
            return verify(
                request.headers.get(INIT_DATA_HEADER, ""),
                self._token,
                now=self.clock,
                max_age=self.max_age,
            )
        except InitDataError as err:
            with contextlib.suppress(StorageUnavailable):  # the 401 stands without its row
                await asyncio.to_thread(
                    record_unauthenticated, self.services, request.path, err.why.value
                )
            return web.json_response({"error": err.why.value}, status=401)


def _event(user: WebAppUser) -> Inbound:
    """The request as chat's inbound event of the same person (their private chat)."""
    return Inbound(
        user_id=str(user.id),
        chat_id=str(user.id),
        display_name=user.display_name,
        username=user.username,
        language_code=user.language_code,
    )


def _refusal(answer: PageAnswer[Any]) -> web.Response:
    return web.json_response(
        {"error": "refused" if answer.refused else "problem", "message": answer.refusal},
        status=403 if answer.refused else 400,
    )


def _page(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 6 else 1


def _names(s: Services) -> Callable[[str, Stage], str]:
    return lambda locale, stage: s.renderer.message(locale, "stages#name", stage=stage.value)
