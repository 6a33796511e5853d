"""What every part of the sandbox shares: the state, the token rule, faults, limits, webhook."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.errors import ApiError, not_found, unauthorized
from sandbox.limits import FaultRule, FaultSet, RateLimiter
from sandbox.params import Params
from sandbox.state import DEFAULT_BOT_ID, SandboxState, WebhookConfig
from sandbox.updates import WebhookSender

TOKEN_PATTERN = re.compile(r"^\d+:[\w-]+$")


def token_bot_id(token: str | None) -> int:
    """Return the bot's user id: the numeric prefix of its token."""
    return int(token.split(":", 1)[0]) if token else DEFAULT_BOT_ID


class Core:
    """The sandbox's current state and its switches, outliving reset() (which renews the state)."""

    def __init__(self, token: str | None = None, *, enforce_limits: bool = False) -> None:
        if token is not None and not TOKEN_PATTERN.match(token):
            raise ValueError("a bot token looks like '123456:ABC-def_ghi'")
        self.token = token
        self.enforce_limits = enforce_limits
        self.faults = FaultSet()
        self.limiter = RateLimiter()
        self.state = SandboxState(token_bot_id(token))
        self._webhook: WebhookSender | None = None

    def check_token(self, token: str) -> ApiError | None:
        """Return the error Telegram gives for a token, or None when it is accepted."""
        if self.token is not None:
            return None if token == self.token else unauthorized()
        if not TOKEN_PATTERN.match(token):
            return not_found()
        self.state.bot_id = token_bot_id(token)
        return None

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
        # Set again with the same URL and secret (another process of the bot starting),
        # delivery goes on, as on Telegram: the POSTs under way are not abandoned and resent.
        old = self.state.webhook
        same = old is not None and (old.url, old.secret_token) == (config.url, config.secret_token)
        if self._webhook is not None and old is not None and same:
            config.last_error_date = old.last_error_date
            config.last_error_message = old.last_error_message
            self.state.webhook = config
            self._webhook.max_connections = max(1, config.max_connections)
            self._webhook.timeout = config.timeout
            return
        await self.stop_webhook()
        self.state.webhook = config

        def on_error(message: str) -> None:
            hook = self.state.webhook
            if hook is not None:
                hook.last_error_date = int(time.time())
                hook.last_error_message = message

        self._webhook = WebhookSender(
            self.state.updates,
            config.url,
            config.secret_token,
            on_error,
            config.max_connections,
            config.timeout,
        )
        self._webhook.start()

    async def remove_webhook(self, drop_pending_updates: bool = False) -> None:
        """Remove the webhook (getUpdates works again)."""
        await self.stop_webhook()
        self.state.webhook = None
        if drop_pending_updates:
            self.state.updates.drop_all()

    async def stop_webhook(self) -> None:
        """Stop posting updates to the webhook, keeping its settings."""
        if self._webhook is not None:
            await self._webhook.stop()
            self._webhook = None

    def webhook_info(self) -> dict[str, Any] | None:
        """Return the webhook URL and secret the bot set, or None."""
        hook = self.state.webhook
        return None if hook is None else {"url": hook.url, "secret_token": hook.secret_token}

    async def close(self) -> None:
        """Stop the webhook sender and end the long polls."""
        await self.stop_webhook()
        self.state.updates.closed = True
        self.state.updates.wake()

    async def reset(self) -> None:
        """Forget everything (users, chats, calls, faults, webhook) but keep the token."""
        await self.stop_webhook()
        old = self.state
        self.state = SandboxState(old.bot_id)
        old.updates.closed = True
        old.updates.wake()
        old.changed.notify()
        self.faults.clear()
        self.limiter = RateLimiter()


# A Bot API method: what it does with the core, given the call's parameters.
Handler = Callable[[Core, Params], Any | Awaitable[Any]]
