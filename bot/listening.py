"""An aiohttp application listening on an address, written once for the bot's two servers
(the Telegram webhook and the Mini App): no access log, and on a stop the requests under way
get a grace period to be answered."""

from __future__ import annotations

from aiohttp import web


class Listening:
    """One application on one address, started and stopped once."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self._runner: web.AppRunner | None = None

    async def start(self, app: web.Application, host: str, port: int) -> None:
        """Listen on host:port."""
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=self.grace)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()

    async def stop(self) -> None:
        """Stop listening, once the requests under way are answered (or the grace is over)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
