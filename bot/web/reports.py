"""The monthly reports' routes: `GET /web/reports` the grid of member units × report months,
`GET /web/reports/unit/<unit-id>` one unit's reports, both over the months the query names
(`months`: 6 or 12, `to`: the last, YYYY-MM); and `GET /web/reports/aggregate?month=YYYY-MM`
the month's aggregate, the Excel file chat sends the office."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from aiohttp import web

from bot.web.pages import Pages, refusal
from handlers.context import Actor, Services
from handlers.reporting.report_grid import (
    AggregateFile,
    ReportGrid,
    UnitReports,
    aggregate_file,
    read_span,
    report_grid,
    unit_reports,
)
from storage.uow import UnitOfWork


def routes(app: Pages) -> Iterable[web.AbstractRouteDef]:
    """The grid, a unit's reports, and the aggregate's download."""

    async def grid(request: web.Request) -> web.Response:
        span = read_span(app.services, request.query)

        def use_case(s: Services, uow: UnitOfWork, actor: Actor) -> ReportGrid:
            return report_grid(s, uow, actor, span)

        got = await app.serve(request, use_case)
        if isinstance(got, web.Response):
            return got
        return app.html(got, "reports", file_name=lambda period: _file_name(app, period))

    async def unit(request: web.Request) -> web.Response:
        span = read_span(app.services, request.query, default=12)
        unit_id = request.match_info["unit"]

        def use_case(s: Services, uow: UnitOfWork, actor: Actor) -> UnitReports:
            return unit_reports(s, uow, actor, unit_id, span)

        got = await app.serve(request, use_case)
        return got if isinstance(got, web.Response) else app.html(got, "report_unit")

    async def aggregate(request: web.Request) -> web.Response:
        month = request.query.get("month", "")

        def use_case(s: Services, uow: UnitOfWork, actor: Actor) -> AggregateFile:
            return aggregate_file(s, uow, actor, month)

        got = await app.serve(request, use_case)
        if isinstance(got, web.Response):
            return got
        return refusal(got) if got.value is None else download(got.value)

    return [
        web.get("/web/reports", grid),
        web.get(r"/web/reports/unit/{unit:[a-z0-9_]{1,40}}", unit),
        web.get("/web/reports/aggregate", aggregate),
    ]


def _file_name(app: Pages, period: str) -> str:
    """The aggregate's file name, as chat names the file it sends."""
    return app.services.file_name("monthly", period=period)


def download(f: AggregateFile) -> web.Response:
    """A generated file as an attachment, named as chat names it."""
    return web.Response(
        body=f.content,
        content_type=f.mime_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(f.name)}"},
    )
