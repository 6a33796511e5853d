"""The app's callback URL (接收消息服务器的URL): an HTTP server that takes WeCom's GET (URL
verification) and POSTs (接收消息与事件, encrypted XML) on one path.

- GET: `msg_signature`, `timestamp`, `nonce` and `echostr` checked and decrypted; the plain
  echostr is the answer.
- POST: checked and decrypted (bot/wecom/crypto.py), read (bot/wecom/inbound.py), answered at
  once with an empty 200 (WeCom's 5-second limit: a slow step never makes WeCom retry), and
  handed to the runtime in a task of its own.
- A wrong signature (or another corp's message) gets 403, logged with its reason only, never
  with the body; a body that cannot be read gets 400.

A callback handled in its task and failing there is only logged: WeCom was already answered,
and a retry of one that was handled is ignored by the processed-update record anyway. One the
database could not take (StorageUnavailable: nothing of it was kept) is tried again in its task,
with backoff, until the database is back: WeCom, answered, never sends it again. A stop gives
up on those still waiting (logged), as the Telegram poller leaves its for the next process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Final
from urllib.parse import unquote

from aiohttp import web

from bot.listening import Listening
from bot.stopping import finish_or_cancel
from bot.wecom.crypto import WeComCrypto, WeComCryptoError
from bot.wecom.inbound import Callback, WeComCallbackError, read_callback
from storage.errors import StorageUnavailable

log = logging.getLogger(__name__)

PATH: Final = "/wecom"
SHUTDOWN_GRACE: Final = 10.0  # seconds the requests under way get on a stop
FIRST_RETRY: Final = 0.5  # seconds before a callback the database could not take is tried again
LAST_RETRY: Final = 30.0  # the longest wait between two tries
MAX_BODY: Final = 256 * 1024  # bytes: a callback is a small XML document
FORBIDDEN_REASONS: Final = frozenset({"bad_signature", "wrong_corp_id"})

Handler = Callable[[Callback], Awaitable[None]]


def query_params(raw_query: str) -> dict[str, str]:
    """The query string's parameters, percent-decoded but with "+" kept: WeCom's echostr is
    Base64, whose "+" must not become a space."""
    params: dict[str, str] = {}
    for pair in raw_query.split("&"):
        name, _, value = pair.partition("=")
        if name:
            params.setdefault(unquote(name), unquote(value))
    return params


class CallbackServer:
    """The callback URL on a listening address: each verified callback handed to `handler`.
    `agent_id`, when set, is the only AgentID whose callbacks are taken."""

    def __init__(
        self, crypto: WeComCrypto, handler: Handler, *, agent_id: int | None = None
    ) -> None:
        self.crypto = crypto
        self.handler = handler
        self.agent_id = agent_id
        self._listening = Listening(SHUTDOWN_GRACE)
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self.retries = 0  # tries again of callbacks the database could not take

    def app(self) -> web.Application:
        """The aiohttp application with GET and POST on PATH."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get(PATH, self.verify)
        app.router.add_post(PATH, self.receive)
        return app

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port."""
        await self._listening.start(self.app(), host, port)

    async def stop(self) -> None:
        """Stop listening, then let the callbacks under way finish (or cancel them); those
        waiting for the database give up."""
        await self._listening.stop()
        self._stopping.set()
        await self.drain()

    async def drain(self) -> None:
        """Wait for the callbacks being handled."""
        while self._tasks:
            await finish_or_cancel(next(iter(self._tasks)), "a WeCom callback")

    async def verify(self, request: web.Request) -> web.Response:
        """验证URL有效性: the decrypted echostr, or 403."""
        q = query_params(request.rel_url.raw_query_string)
        try:
            echo = self.crypto.verify_url(
                q.get("msg_signature", ""),
                q.get("timestamp", ""),
                q.get("nonce", ""),
                q.get("echostr", ""),
            )
        except WeComCryptoError as exc:
            log.warning("WeCom URL verification refused: %s", exc.reason)
            return web.Response(status=403 if exc.reason in FORBIDDEN_REASONS else 400)
        return web.Response(text=echo, content_type="text/plain")

    async def receive(self, request: web.Request) -> web.Response:
        """One callback: verified, read, answered with an empty 200, handled in a task."""
        q = query_params(request.rel_url.raw_query_string)
        body = await request.read()
        try:
            plain = self.crypto.decrypt(
                q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""), body
            )
            callback = read_callback(plain)
        except WeComCryptoError as exc:
            log.warning("WeCom callback refused: %s", exc.reason)
            return web.Response(status=403 if exc.reason in FORBIDDEN_REASONS else 400)
        except WeComCallbackError as exc:
            log.warning("WeCom callback not readable: %s", exc)
            return web.Response(status=400)
        agent = callback.get("AgentID")
        if self.agent_id is not None and agent and agent != str(self.agent_id):
            log.warning("WeCom callback for another app (AgentID %s) ignored", agent[:16])
            return web.Response(text="")
        task = asyncio.create_task(self._handle(callback))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.Response(text="")

    async def _handle(self, callback: Callback) -> None:
        wait = FIRST_RETRY
        while True:
            try:
                await self.handler(callback)
                return
            except StorageUnavailable as exc:
                if self._stopping.is_set():
                    log.warning(
                        "a WeCom callback (%s) is lost in the stop: %s", callback.msg_type, exc
                    )
                    return
                log.warning(
                    "a WeCom callback (%s) waits for the database: %s", callback.msg_type, exc
                )
                self.retries += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), wait)
                wait = min(wait * 2, LAST_RETRY)
            except Exception:
                # A fault in handling is not undone by trying again: the callback is done with.
                log.exception("a WeCom callback (%s) failed", callback.msg_type)
                return
