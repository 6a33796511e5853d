"""The board's routes: `GET /web/board` the page, `GET /web/api/board` the same data as JSON;
both take the filters (`sector`, `site`, `category`, `tier`, `q`) and one column's page
(`stage`, `page`) from the query string."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from aiohttp import web

from bot.web.pages import Pages, page_number, refusal
from handlers.context import Actor, Services
from handlers.pipeline.board import Board, board, board_json, read_filters
from handlers.web import PageAnswer
from storage.uow import UnitOfWork
from workflow.pipeline import ACTIVE_STAGES

_STAGES: Final = {s.value: s for s in ACTIVE_STAGES}


def routes(app: Pages) -> Iterable[web.AbstractRouteDef]:
    """The board's page and its JSON."""

    async def answer(request: web.Request) -> PageAnswer[Board] | web.Response:
        filters = read_filters(app.services, request.query)
        stage = _STAGES.get(request.query.get("stage", ""))
        page = page_number(request.query.get("page"))

        def use_case(s: Services, uow: UnitOfWork, actor: Actor) -> Board:
            return board(s, uow, actor, filters, stage=stage, page=page)

        return await app.serve(request, use_case)

    async def page(request: web.Request) -> web.Response:
        got = await answer(request)
        return got if isinstance(got, web.Response) else app.html(got, "board")

    async def api(request: web.Request) -> web.Response:
        got = await answer(request)
        if isinstance(got, web.Response):
            return got
        if got.value is None:
            return refusal(got)
        return web.json_response(board_json(app.services, got.locale, got.value))

    return [web.get("/web/board", page), web.get("/web/api/board", api)]
