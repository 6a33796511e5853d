"""The table of Bot API methods the sandbox implements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from sandbox.params import Params
    from sandbox.server import SandboxServer

Handler = Callable[["SandboxServer", "Params"], Any | Awaitable[Any]]
METHODS: dict[str, tuple[str, Handler]] = {}
SERVER_KEY: web.AppKey[SandboxServer] = web.AppKey("sandbox_server")


def bot_method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler under a Bot API method name (looked up case-insensitively)."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register
