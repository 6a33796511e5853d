"""The bot-side HTTP routes: /bot{token}/{method} and /file/bot{token}/{path}."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from collections.abc import Mapping
from functools import partial
from typing import Any

from aiohttp import web

from sandbox.core import Core, Handler
from sandbox.errors import (
    ApiError,
    bot_blocked,
    chat_not_found,
    internal_error,
    not_found,
    too_many_requests,
)
from sandbox.limits import SEND_METHODS, FaultRule, RateLimiter
from sandbox.params import Params, read_params
from sandbox.state import CallRecord, SandboxState

_LOGGER = logging.getLogger(__name__)
_dumps = partial(json.dumps, ensure_ascii=False)


def _respond(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


def _fault_error(rule: FaultRule) -> ApiError:
    if rule.kind == "429":
        return too_many_requests(rule.retry_after)
    if rule.kind == "blocked":
        return bot_blocked()
    if rule.kind == "chat_not_found":
        return chat_not_found()
    return internal_error()


def _limit(state: SandboxState, limiter: RateLimiter, method: str, params: Params) -> None:
    """Answer 429 when enforce_limits is on and the bot sends too fast."""
    if method not in SEND_METHODS:
        return
    chat_id = params.chat_id()
    chat = state.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is None:
        return
    retry = limiter.check(chat.id, chat.type == "private", time.monotonic())
    if retry is not None:
        raise too_many_requests(retry)


class BotApi:
    """The bot's side of the sandbox over HTTP: a table of Bot API methods, and the files."""

    def __init__(self, core: Core, *groups: Mapping[str, Handler]) -> None:
        self._core = core
        self._methods: dict[str, tuple[str, Handler]] = {}
        for group in groups:
            for name, handler in group.items():
                if name.lower() in self._methods:
                    raise ValueError(f"the Bot API method {name} is defined twice")
                self._methods[name.lower()] = (name, handler)

    def method_names(self) -> list[str]:
        """Return the names of the Bot API methods this sandbox answers."""
        return [name for name, _ in self._methods.values()]

    def add_routes(self, app: web.Application) -> None:
        """Mount the bot-side routes on an application."""
        app.router.add_route("*", "/bot{token}/{method}", self.handle_call)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)

    async def handle_call(self, request: web.Request) -> web.StreamResponse:
        """Answer one Bot API call the way Telegram would."""
        core = self._core
        state = core.state
        token = request.match_info["token"]
        name = request.match_info["method"]
        record = CallRecord(name, {}, None, time.monotonic(), time.time())
        auth_error = core.check_token(token)
        entry = self._methods.get(name.lower())
        long_poll = name.lower() == "getupdates"
        if not long_poll:
            state.in_flight += 1
        try:
            if auth_error is not None:
                raise auth_error
            if entry is None:
                raise not_found()
            record.method, handler = entry
            params = await read_params(request)
            record.params = params.decoded()
            record.chat_id = params.chat_id()
            rule = core.faults.take(record.method, record.chat_id)
            if rule is not None:
                record.fault = rule.kind
                if rule.kind == "slow":
                    await asyncio.sleep(rule.delay)
                elif rule.kind == "disconnect":
                    state.calls.append(record)
                    if request.transport is not None:
                        request.transport.abort()
                    raise asyncio.CancelledError
                else:
                    raise _fault_error(rule)
            if core.enforce_limits:
                _limit(state, core.limiter, name.lower(), params)
            result = handler(core, params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as exc:
            record.status = exc.code
            record.description = exc.description
            state.calls.append(record)
            return _respond(exc.to_json(), exc.code)
        except Exception as exc:  # a sandbox bug: answer like Telegram's 500, keep the details
            _LOGGER.exception("sandbox failed on %s", record.method)
            error = ApiError(500, f"Internal Server Error: sandbox failed: {exc!r}")
            record.status = 500
            record.description = error.description
            state.calls.append(record)
            return _respond(error.to_json(), 500)
        finally:
            if not long_poll:
                state.in_flight -= 1
                state.last_activity = time.monotonic()
            state.changed.notify()
        record.status = 200
        record.result = result
        state.calls.append(record)
        return _respond({"ok": True, "result": result})

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        """Serve a stored file at /file/bot{token}/{file_path}."""
        error = self._core.check_token(request.match_info["token"])
        if error is not None:
            return _respond(error.to_json(), error.code)
        stored = self._core.state.files.by_path(request.match_info["path"])
        if stored is None:
            return _respond(not_found().to_json(), 404)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.content, content_type=content_type)
