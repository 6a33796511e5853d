"""The 工作台's route: `GET /web/home`, the page the menu button opens."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

from bot.web.pages import Pages
from handlers.workbench import workbench


def routes(app: Pages) -> Iterable[web.AbstractRouteDef]:
    """The 工作台 page."""

    async def page(request: web.Request) -> web.Response:
        got = await app.serve(request, workbench)
        return got if isinstance(got, web.Response) else app.html(got, "home")

    return [web.get("/web/home", page)]
