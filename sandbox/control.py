"""The user-side control API under /_sandbox/, for tests that run the sandbox elsewhere."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import partial

from aiohttp import web

from sandbox.control_actions import Action, Body, Target
from sandbox.errors import SandboxError

_dumps = partial(json.dumps, ensure_ascii=False, default=str)


class ControlApi:
    """The control API over HTTP: one JSON action per /_sandbox/{name}."""

    def __init__(self, target: Target, table: Mapping[str, Action]) -> None:
        self._target = target
        self._actions = dict(table)

    def add_routes(self, app: web.Application) -> None:
        """Mount the control API on an application."""
        app.router.add_route("*", "/_sandbox/{action}", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        """Run one control action; the body (or query string) holds its JSON arguments."""
        action = self._actions.get(request.match_info["action"])
        if action is None:
            return web.json_response({"ok": False, "description": "unknown action"}, status=404)
        body: Body = dict(request.query)
        if request.can_read_body:
            try:
                loaded = await request.json()
            except ValueError:
                return web.json_response(
                    {"ok": False, "description": "body is not JSON"}, status=400
                )
            if isinstance(loaded, dict):
                body.update(loaded)
        try:
            result = await action(self._target, body)
        except TimeoutError as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=408)
        except (SandboxError, KeyError, ValueError, TypeError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            return web.json_response({"ok": False, "description": detail}, status=400)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)
