"""The webhook written once for both libraries: Telegram's POST is answered only once its
update was handled, so Telegram sends again the one that could not be.

200 when the update was handled (or was nothing for us), 503 when the database could not be
reached (nothing of it was committed; Telegram retries it, and the dispatcher's
processed-update record ignores a retry of one that was handled), 403 for a wrong or missing
secret token (nothing read, nothing changed). A load balancer may spread the POSTs over
several processes: each answers only for what it handled itself."""

from __future__ import annotations

import hmac
import logging
from typing import Final

from aiohttp import web

from bot.listening import Listening
from bot.telegram.polling import Take
from storage.errors import StorageUnavailable

log = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
RETRY_AFTER: Final = "1"  # seconds, for a proxy between Telegram and us; Telegram has its own
SHUTDOWN_GRACE: Final = 10.0  # seconds the POSTs under way get to finish on a stop


class WebhookServer:
    """An HTTP server on the listening address that hands each POSTed update to the runtime."""

    def __init__(self, take: Take, secret: str | None, path: str) -> None:
        self.take = take
        self.secret = secret
        self.path = f"/{path.lstrip('/')}"
        self._listening = Listening(SHUTDOWN_GRACE)

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port."""
        app = web.Application()
        app.router.add_post(self.path, self.receive)
        await self._listening.start(app, host, port)

    async def stop(self) -> None:
        """Stop listening, once the POSTs under way are answered."""
        await self._listening.stop()

    async def receive(self, request: web.Request) -> web.Response:
        """One POST from Telegram: its update handled, then the status that tells the result."""
        if self.secret is not None and not hmac.compare_digest(
            request.headers.get(SECRET_HEADER, "").encode(), self.secret.encode()
        ):
            return web.Response(status=403)
        try:
            update = await request.json()
        except ValueError:
            return web.Response(status=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400)
        try:
            await self.take(update)
        except StorageUnavailable as exc:
            log.warning("update %s refused for now: %s", update["update_id"], exc)
            return web.Response(status=503, headers={"Retry-After": RETRY_AFTER})
        except Exception:
            # A fault in handling is not undone by Telegram sending it again.
            log.exception("update %s failed", update["update_id"])
        return web.Response(status=200)
