"""The bot's update queue: long polling with getUpdates and in-order webhook delivery."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import aiohttp

DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    """Pending updates, confirmed by offset like Telegram's getUpdates."""

    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.allowed: list[str] | None = None
        self.delivered_upto = 0
        self.poll_generation = 0
        self.closed = False
        self._wakeup: list[asyncio.Future[None]] = []

    def kind_allowed(self, kind: str) -> bool:
        """Return True when updates of this kind reach the bot under allowed_updates."""
        if self.allowed:
            return kind in self.allowed
        return kind not in DEFAULT_EXCLUDED

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update for the bot; return it, or None when allowed_updates drops it."""
        if not self.kind_allowed(kind):
            return None
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.pending.append(update)
        self.wake()
        return update

    def wake(self) -> None:
        """Wake long polls and the webhook sender."""
        waiters, self._wakeup = self._wakeup, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self, timeout: float) -> None:
        """Sleep until the queue changes or the timeout passes."""
        if timeout <= 0:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._wakeup.append(waiter)
        try:
            await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            pass
        finally:
            with contextlib.suppress(ValueError):
                self._wakeup.remove(waiter)

    def confirm(self, offset: int) -> None:
        """Forget updates below offset (or keep only the last -offset ones when negative)."""
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Return up to limit pending updates without confirming them."""
        batch = self.pending[:limit]
        if batch:
            self.delivered_upto = max(self.delivered_upto, batch[-1]["update_id"])
        return batch

    def drop_all(self) -> None:
        """Drop every pending update."""
        self.pending = []

    def has_undelivered(self) -> bool:
        """Return True when some update was never handed to the bot."""
        return any(u["update_id"] > self.delivered_upto for u in self.pending)


class WebhookSender:
    """Posts pending updates to the webhook in order, retrying with backoff while it fails."""

    def __init__(
        self,
        queue: UpdateQueue,
        url: str,
        secret_token: str | None,
        on_error: Callable[[str], None],
    ) -> None:
        self.queue = queue
        self.url = url
        self.secret_token = secret_token
        self.on_error = on_error
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start delivering."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop delivering and close the HTTP session."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        headers = {"Content-Type": "application/json"}
        if self.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret_token
        failures = 0
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                if not self.queue.pending:
                    await self.queue.wait(1.0)
                    continue
                update = self.queue.pending[0]
                self.queue.delivered_upto = max(self.queue.delivered_upto, update["update_id"])
                error = await self._post(session, update, headers)
                if error is None:
                    failures = 0
                    if self.queue.pending and self.queue.pending[0] is update:
                        self.queue.pending.pop(0)
                    self.queue.wake()
                    continue
                self.on_error(error)
                failures += 1
                await asyncio.sleep(min(0.05 * 2 ** (failures - 1), 2.0))

    async def _post(
        self, session: aiohttp.ClientSession, update: dict[str, Any], headers: dict[str, str]
    ) -> str | None:
        try:
            async with session.post(self.url, json=update, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return f"Connection failed: {type(exc).__name__}"
