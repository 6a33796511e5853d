"""A project's routes: `GET /web/project/<id>` the page, `GET /web/project/<id>/file/<kind>` one
of its documents (`<kind>.pdf` its PDF copy, when PDF copies are made), `POST
/web/project/<id>/press` a button of one of the person's chat cards (form field `data`, the
button's callback data), answered with the `#actions` fragment: the replies as chat would show
them, their buttons again as press forms. A refusal is chat's, as JSON (403, or 400 for a
problem), and the section stays as it was."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import replace
from typing import Final
from urllib.parse import quote

from aiohttp import web

from bot.web.pages import Pages, inbound_of, refusal
from bot.web.telegram_html import page_html
from conversations.replies import Document
from documents.pdf import PDF_MIME, pdf_name
from handlers.context import Actor, Services
from handlers.pipeline.project_documents import project_document
from handlers.pipeline.project_page import ProjectPage, project_page
from handlers.web import PageAnswer
from handlers.web_press import press_on_page
from storage.errors import StorageUnavailable
from storage.uow import UnitOfWork

PDF: Final = ".pdf"
MAX_DATA: Final = 64  # bytes: Telegram's limit for callback data


def routes(app: Pages) -> Iterable[web.AbstractRouteDef]:
    """The project's page, its documents and its presses."""

    async def page(request: web.Request) -> web.Response:
        pid = int(request.match_info["id"])

        def use_case(s: Services, uow: UnitOfWork, actor: Actor) -> ProjectPage:
            return project_page(s, uow, actor, pid)

        got = await app.serve(request, use_case)
        if isinstance(got, web.Response):
            return got
        return app.html(got, "project", pdf=app.pdf is not None, tg=page_html)

    async def document(request: web.Request) -> web.Response:
        pid = int(request.match_info["id"])
        kind = request.match_info["kind"]
        as_pdf = kind.endswith(PDF) and app.pdf is not None
        kind = kind.removesuffix(PDF) if as_pdf else kind

        def use_case(s: Services, uow: UnitOfWork, actor: Actor) -> Document:
            return project_document(s, uow, actor, pid, kind)

        got = await app.serve(request, use_case)
        if isinstance(got, web.Response):
            return got
        if got.value is None:
            return refusal(got)
        doc = got.value
        content, name, mime = doc.content or b"", doc.filename, doc.mime_type
        if as_pdf and app.pdf is not None:
            content = await asyncio.to_thread(app.pdf.convert, content)
            name, mime = pdf_name(name), PDF_MIME
        disposition = f"attachment; filename*=UTF-8''{quote(name)}"
        return web.Response(
            body=content, content_type=mime, headers={"Content-Disposition": disposition}
        )

    async def press(request: web.Request) -> web.Response:
        pid = int(request.match_info["id"])
        user = await app.user(request)
        if isinstance(user, web.Response):
            return user
        form = await request.post()
        data = str(form.get("data") or "")[: MAX_DATA * 4]
        event = replace(inbound_of(user), callback_data=data)
        try:
            pressed = await asyncio.to_thread(press_on_page, app.services, event)
        except StorageUnavailable:
            return app.unavailable()
        locale = pressed.locale or app.services.renderer.default_locale
        if not pressed.taken:
            text = "\n".join(r.text for r in pressed.outcome.replies)
            answer: PageAnswer[object] = PageAnswer(
                locale, refusal=text, refused=pressed.outcome.alert
            )
            return refusal(answer)
        html = app.services.renderer.page(
            locale, "project_actions", pressed=pressed, project_id=pid, tg=page_html
        )
        return web.Response(text=html, content_type="text/html")

    return [
        web.get(r"/web/project/{id:\d{1,9}}", page),
        web.get(r"/web/project/{id:\d{1,9}}/file/{kind:[a-z0-9\-.]{1,40}}", document),
        web.post(r"/web/project/{id:\d{1,9}}/press", press),
    ]
