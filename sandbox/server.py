"""SandboxServer: a local stand-in for the Telegram Bot API on 127.0.0.1."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from aiohttp import web

from sandbox.bot_api import TOKEN_PATTERN, add_bot_routes
from sandbox.control import add_control_routes
from sandbox.errors import ApiError, SandboxError, not_found, unauthorized
from sandbox.limits import FaultRule, FaultSet, RateLimiter
from sandbox.observe import ObserveMixin
from sandbox.registry import SERVER_KEY
from sandbox.state import DEFAULT_BOT_ID, SandboxState, WebhookConfig
from sandbox.updates import WebhookSender
from sandbox.users import UserSideMixin

LOCALHOST = "127.0.0.1"


class SandboxServer(UserSideMixin, ObserveMixin):
    """The Telegram Bot API and the people using it, in one local aiohttp server."""

    def __init__(self, token: str | None = None, *, enforce_limits: bool = False) -> None:
        if token is not None and not TOKEN_PATTERN.match(token):
            raise ValueError("a bot token looks like '123456:ABC-def_ghi'")
        self.token = token
        self.enforce_limits = enforce_limits
        self.faults = FaultSet()
        self.limiter = RateLimiter()
        self.state = SandboxState(self._token_bot_id(token))
        self._runner: web.AppRunner | None = None
        self._webhook: WebhookSender | None = None
        self._url: str | None = None

    @staticmethod
    def _token_bot_id(token: str | None) -> int:
        return int(token.split(":", 1)[0]) if token else DEFAULT_BOT_ID

    @property
    def url(self) -> str:
        """Return the base URL, e.g. "http://127.0.0.1:40123"."""
        if self._url is None:
            raise SandboxError("the sandbox is not running; call start() first")
        return self._url

    @property
    def bot_id(self) -> int:
        """Return the bot's user id (the numeric prefix of its token)."""
        return self.state.bot_id

    def check_token(self, token: str) -> ApiError | None:
        """Return the error Telegram gives for a token, or None when it is accepted."""
        if self.token is not None:
            return None if token == self.token else unauthorized()
        if not TOKEN_PATTERN.match(token):
            return not_found()
        self.state.bot_id = self._token_bot_id(token)
        return None

    def build_app(self) -> web.Application:
        """Return the aiohttp application with the bot and control routes."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app[SERVER_KEY] = self
        add_bot_routes(app)
        add_control_routes(app)
        return app

    async def start(self, host: str = LOCALHOST, port: int = 0) -> str:
        """Start listening (port 0 picks a free port) and return the URL."""
        if host != LOCALHOST:
            raise ValueError("the sandbox only binds to 127.0.0.1")
        runner = web.AppRunner(
            self.build_app(), access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound = runner.addresses[0][1]
        self._url = f"http://{host}:{bound}"
        return self._url

    async def stop(self) -> None:
        """Stop the webhook sender, end long polls and close the server."""
        await self._stop_webhook()
        self.state.updates.closed = True
        self.state.updates.wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._url = None

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def reset(self) -> None:
        """Forget everything (users, chats, calls, faults, webhook) but keep the token."""
        await self._stop_webhook()
        old = self.state
        self.state = SandboxState(old.bot_id)
        old.updates.closed = True
        old.updates.wake()
        old.changed.notify()
        self.faults.clear()
        self.limiter = RateLimiter()

    def inject_fault(
        self,
        kind: str | int,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        times: int | None = 1,
        retry_after: int = 5,
        delay: float = 1.0,
    ) -> FaultRule:
        """Add a fault rule: 429, 500, slow, blocked, chat_not_found or disconnect."""
        return self.faults.add(FaultRule(str(kind), method, chat_id, times, retry_after, delay))

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self.faults.clear()

    async def install_webhook(self, config: WebhookConfig) -> None:
        """Set the webhook and start posting updates to it."""
        await self._stop_webhook()
        self.state.webhook = config

        def on_error(message: str) -> None:
            config.last_error_date = int(time.time())
            config.last_error_message = message

        self._webhook = WebhookSender(
            self.state.updates, config.url, config.secret_token, on_error
        )
        self._webhook.start()

    async def remove_webhook(self, drop_pending_updates: bool = False) -> None:
        """Remove the webhook (getUpdates works again)."""
        await self._stop_webhook()
        self.state.webhook = None
        if drop_pending_updates:
            self.state.updates.drop_all()

    async def _stop_webhook(self) -> None:
        if self._webhook is not None:
            await self._webhook.stop()
            self._webhook = None

    def webhook_info(self) -> dict[str, Any] | None:
        """Return the webhook URL and secret the bot set, or None."""
        hook = self.state.webhook
        return None if hook is None else {"url": hook.url, "secret_token": hook.secret_token}
