"""What every area of the Mini App uses: the authenticated request run as one use case for
its person (`Pages.serve`: initData checked, 401 audited, one unit of work off the event
loop, a refusal audited as in chat), the page rendered in their language (`Pages.html`), and
the refusal as JSON (403 for who the person is, 400 for what was asked, in chat's words)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final, TypeVar

from aiohttp import web

from bot.outbox.delivery import PdfMaker
from bot.web.init_data import InitDataError, WebAppUser, verify
from conversations.inbound import Inbound
from handlers.context import Actor, Services
from handlers.web import PageAnswer, record_unauthenticated, serve_page
from storage.errors import StorageUnavailable
from storage.uow import UnitOfWork

T = TypeVar("T")
INIT_DATA_HEADER: Final = "X-Telegram-Init-Data"
TELEGRAM_SCRIPT: Final = "https://telegram.org/js/telegram-web-app.js"


class Pages:
    """The Mini App's requests over the bot's services, as its areas answer them."""

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
        self.services = services
        self.pdf = pdf  # makes a Word document's PDF copy for download; None: Word only
        self.token = bot_token
        self.max_age = max_age
        self.script_url = script_url
        self.clock = clock or services.clock

    async def serve(
        self,
        request: web.Request,
        use_case: Callable[[Services, UnitOfWork, Actor], T],
        *,
        event: Callable[[Inbound], Inbound] | None = None,
    ) -> PageAnswer[T] | web.Response:
        """Authenticate the request and run one use case for its person in one unit of
        work (off the event loop); the 401 or 503 as a response. `event` may add to the
        inbound event (a press's callback data, …) before the use case sees it."""
        user = await self.user(request)
        if isinstance(user, web.Response):
            return user
        inbound = _event(user)
        if event is not None:
            inbound = event(inbound)
        try:
            return await asyncio.to_thread(
                serve_page, self.services, inbound, request.path, use_case
            )
        except StorageUnavailable:
            return self.unavailable()

    def unavailable(self) -> web.Response:
        """The database is away: 503, in words the shell shows, and nothing was changed."""
        message = self.services.renderer.message(None, "common#web_unavailable")
        return web.json_response(
            {"error": "unavailable", "message": message}, status=503, headers={"Retry-After": "1"}
        )

    def html(self, answer: PageAnswer[Any], name: str, /, **params: Any) -> web.Response:
        """The page `web/<locale>/<name>.html` for the answer's value (as `value`, with the
        policy and the stage names), or its refusal."""
        if answer.value is None:
            return refusal(answer)
        s = self.services
        html = s.renderer.page(
            answer.locale,
            name,
            value=answer.value,
            policy=s.policy,
            stage_names=self.names,
            **params,
        )
        return web.Response(text=html, content_type="text/html")

    def names(self, locale: str, stage: Any) -> str:
        """A stage's name in a locale (as chat names it)."""
        value = getattr(stage, "value", stage)
        return self.services.renderer.message(locale, "stages#name", stage=value)

    async def user(self, request: web.Request) -> WebAppUser | web.Response:
        """The Telegram user the request's initData proves, or the 401 (audited)."""
        try:
            return verify(
                request.headers.get(INIT_DATA_HEADER, ""),
                self.token,
                now=self.clock,
                max_age=self.max_age,
            )
        except InitDataError as err:
            with contextlib.suppress(StorageUnavailable):  # the 401 stands without its row
                await asyncio.to_thread(
                    record_unauthenticated, self.services, request.path, err.why.value
                )
            message = self.services.renderer.message(None, "common#web_unauthenticated")
            return web.json_response({"error": err.why.value, "message": message}, status=401)


def _event(user: WebAppUser) -> Inbound:
    """The request as chat's inbound event of the same person (their private chat)."""
    return Inbound(
        user_id=str(user.id),
        chat_id=str(user.id),
        display_name=user.display_name,
        username=user.username,
        language_code=user.language_code,
    )


def inbound_of(user: WebAppUser) -> Inbound:
    """The request as chat's inbound event of the same person (their private chat), for an
    area that hands it to the dispatcher itself (a press on a page)."""
    return _event(user)


def refusal(answer: PageAnswer[Any]) -> web.Response:
    """A refusal (403) or a problem with what was asked (400), in chat's words, as JSON."""
    return web.json_response(
        {"error": "refused" if answer.refused else "problem", "message": answer.refusal},
        status=403 if answer.refused else 400,
    )


def page_number(raw: str | None) -> int:
    """A page number from the query string (1 when absent or not a small number)."""
    return int(raw) if raw and raw.isdigit() and len(raw) < 6 else 1
