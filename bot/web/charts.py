"""The charts' route: `GET /web/charts`, the office's and the leaders' figures drawn on the
page (projects by stage, investment by sector and by stage, review turnaround, report
punctuality)."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

from bot.web.pages import Pages
from handlers.reporting.charts_page import charts


def routes(app: Pages) -> Iterable[web.AbstractRouteDef]:
    """The charts page."""

    async def page(request: web.Request) -> web.Response:
        got = await app.serve(request, charts)
        return got if isinstance(got, web.Response) else app.html(got, "charts")

    return [web.get("/web/charts", page)]
