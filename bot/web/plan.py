"""The investor's plan as one page: `GET /web/plan` the form on the chat's draft (started as
the chat's /new starts one when there is none), `POST /web/plan/answer` one answer (`field`,
the question's step id, and `value`; several `value`s for a multiple choice), `POST
/web/plan/submit` the chat's 提交. Both posts answer with the whole page, whose first element
is the form's wrapper (`#plan-form`), so a form posting with `data-target="#plan-form"`
replaces only it: the questions that the answer made appear or disappear come and go."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

from bot.web.pages import Pages
from handlers.context import Actor, Services
from handlers.intake import plan_page
from storage.uow import UnitOfWork


def routes(app: Pages) -> Iterable[web.AbstractRouteDef]:
    """The plan page, its answers and its submission."""

    async def page(request: web.Request) -> web.Response:
        got = await app.serve(request, plan_page.plan_page)
        return got if isinstance(got, web.Response) else app.html(got, "plan")

    async def answer(request: web.Request) -> web.Response:
        posted = await request.post()
        raw_id = posted.get("field")
        step_id = raw_id if isinstance(raw_id, str) else ""
        text = ",".join(v for v in posted.getall("value", []) if isinstance(v, str))

        def use_case(s: Services, uow: UnitOfWork, actor: Actor) -> plan_page.PlanPage:
            return plan_page.answer(s, uow, actor, step_id, text)

        got = await app.serve(request, use_case)
        return got if isinstance(got, web.Response) else app.html(got, "plan")

    async def submit(request: web.Request) -> web.Response:
        got = await app.serve(request, plan_page.submit)
        return got if isinstance(got, web.Response) else app.html(got, "plan")

    return [
        web.get("/web/plan", page),
        web.post("/web/plan/answer", answer),
        web.post("/web/plan/submit", submit),
    ]
