"""The server API under /cgi-bin/ (企业微信服务端API): HTTP 200 with errcode, as WeCom answers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from aiohttp import web

from sandbox.wecom import contacts, errors, messages, validate
from sandbox.wecom.core import Core
from sandbox.wecom.errors import ApiError
from sandbox.wecom.state import CallRecord

Handler = Callable[[web.Request, Any], Awaitable[dict[str, Any] | web.StreamResponse]]


class ServerApi:
    """Answers gettoken, message/send, media/upload, media/get, update_template_card, menu,
    user/get."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def add_routes(self, app: web.Application) -> None:
        """Add the /cgi-bin/ routes to an application."""
        routes: list[tuple[str, str, Handler, bool]] = [
            ("GET", "gettoken", self._gettoken, False),
            ("POST", "message/send", self._send, True),
            ("POST", "message/update_template_card", self._update, True),
            ("POST", "media/upload", self._upload, True),
            ("GET", "media/get", self._media_get, True),
            ("POST", "menu/create", self._menu, True),
            ("GET", "user/get", self._user_get, True),
        ]
        for method, api, handler, needs_token in routes:
            app.router.add_route(method, f"/cgi-bin/{api}", self._wrap(api, handler, needs_token))

    def _wrap(
        self, api: str, handler: Handler, needs_token: bool
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def answer(request: web.Request) -> web.StreamResponse:
            query = dict(request.query)
            body: Any = None
            try:
                body = await self._body(request, api)
                if needs_token:
                    self._core.check_token(query.get("access_token"))
                named = messages.recipients(body) or [u for u in [query.get("userid")] if u]
                injected = self._core.faults.take(api, named)
                if injected is not None:
                    raise ApiError(injected, "injected by the test")
                result = await handler(request, body)
            except ApiError as error:
                self._record(api, query, body, error.errcode)
                return web.json_response(error.to_json())
            self._record(api, query, body, 0)
            return result if isinstance(result, web.StreamResponse) else web.json_response(result)

        return answer

    async def _body(self, request: web.Request, api: str) -> Any:
        if request.method != "POST" or api == "media/upload":
            return None
        raw = await request.read()
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise validate.bad("Warning: wrong json format.") from error

    def _record(self, api: str, query: dict[str, str], body: Any, errcode: int) -> None:
        self._core.state.calls.append(CallRecord(api, query, body, errcode, self._core.now()))

    async def _gettoken(self, request: web.Request, body: Any) -> dict[str, Any]:
        corp_id, secret = request.query.get("corpid"), request.query.get("corpsecret")
        if not corp_id:
            raise ApiError(errors.MISSING_CORPID)
        if not secret:
            raise ApiError(errors.MISSING_SECRET)
        if corp_id != self._core.config.corp_id:
            raise ApiError(errors.INVALID_CORPID)
        if secret != self._core.config.corp_secret:
            raise ApiError(errors.INVALID_SECRET)
        token = self._core.issue_token()
        return {
            "errcode": 0,
            "errmsg": "ok",
            "access_token": token.value,
            "expires_in": token.expires_in,
        }

    async def _send(self, request: web.Request, body: Any) -> dict[str, Any]:
        return messages.send(self._core, body)

    async def _update(self, request: web.Request, body: Any) -> dict[str, Any]:
        return messages.update_card(self._core, body)

    async def _upload(self, request: web.Request, body: Any) -> dict[str, Any]:
        if not request.content_type.startswith("multipart/"):
            raise ApiError(errors.EMPTY_MEDIA, "multipart/form-data with a part named media")
        form = await request.post()
        part = form.get("media")
        if not isinstance(part, web.FileField):
            raise ApiError(errors.EMPTY_MEDIA, "no file part named media")
        media = messages.upload(
            self._core,
            request.query.get("type"),
            part.filename,
            part.content_type,
            part.file.read(),
        )
        return {
            "errcode": 0,
            "errmsg": "",
            "type": media.type,
            "media_id": media.media_id,
            "created_at": str(int(media.created_at)),
        }

    async def _media_get(self, request: web.Request, body: Any) -> web.StreamResponse:
        media_id = request.query.get("media_id")
        if not media_id:
            raise ApiError(errors.MISSING_MEDIA_ID)
        media = self._core.state.media.get(media_id)
        if media is None or media.expired(self._core.now()):
            raise ApiError(errors.INVALID_MEDIA_ID)
        ascii_name = media.filename.encode("ascii", "replace").decode().replace('"', "")
        disposition = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(media.filename)}"
        )
        return web.Response(
            body=media.content,
            content_type=media.content_type or "application/octet-stream",
            headers={"Content-disposition": disposition},
        )

    async def _user_get(self, request: web.Request, body: Any) -> dict[str, Any]:
        return contacts.get_member(self._core, request.query.get("userid"))

    async def _menu(self, request: web.Request, body: Any) -> dict[str, Any]:
        agent = request.query.get("agentid")
        if not agent:
            raise ApiError(errors.MISSING_AGENTID)
        if agent != str(self._core.config.agent_id):
            raise ApiError(errors.INVALID_AGENTID, f"agentid {agent!r}")
        validate.menu(body)
        self._core.state.menus[self._core.config.agent_id] = body
        return {"errcode": 0, "errmsg": "ok"}
