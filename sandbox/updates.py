"""The bot's update queue: long polling with getUpdates, and webhook delivery in order per chat."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Hashable
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
            # asyncio.wait, not wait_for: on Python 3.11 wait_for swallows a cancellation that
            # comes as the waiter is woken, and the webhook sender's loop would never stop.
            await asyncio.wait({waiter}, timeout=timeout)
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
    """Posts pending updates to the webhook as Telegram does: up to `max_connections` at once,
    one at a time per chat so a chat's updates arrive in order, each retried with backoff
    while the webhook fails, refuses (non-2xx) or times out."""

    def __init__(
        self,
        queue: UpdateQueue,
        url: str,
        secret_token: str | None,
        on_error: Callable[[str], None],
        max_connections: int = 40,
        timeout: float = 10.0,
    ) -> None:
        self.queue = queue
        self.url = url
        self.secret_token = secret_token
        self.on_error = on_error
        self.max_connections = max(1, max_connections)
        self.timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._posts: dict[int, asyncio.Task[None]] = {}  # update_id -> its POST in flight
        self._failures: dict[int, int] = {}
        self._retry_at: dict[int, float] = {}

    def start(self) -> None:
        """Start delivering."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop delivering (POSTs in flight are abandoned, their updates stay pending) and
        close the HTTP session."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        headers = {"Content-Type": "application/json"}
        if self.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret_token
        connector = aiohttp.TCPConnector(limit=0)  # _launch keeps to max_connections
        async with aiohttp.ClientSession(connector=connector) as session:
            try:
                while True:
                    self._launch(session, headers)
                    await self.queue.wait(self._next_retry_in())
            finally:
                posts = list(self._posts.values())
                for post in posts:
                    post.cancel()
                await asyncio.gather(*posts, return_exceptions=True)

    def _launch(self, session: aiohttp.ClientSession, headers: dict[str, str]) -> None:
        """Post the oldest pending update of each chat that has none in flight or backing off."""
        now = time.monotonic()
        pending = self.queue.pending
        ids = {u["update_id"] for u in pending}
        for gone in [i for i in self._retry_at if i not in ids]:  # dropped or confirmed
            self._retry_at.pop(gone)
            self._failures.pop(gone, None)
        seen: set[Hashable] = set()
        for update in pending:
            if len(self._posts) >= self.max_connections:
                return
            key = chat_key(update)
            if key in seen:
                continue  # a later update of a chat waits for the earlier one
            seen.add(key)
            update_id = update["update_id"]
            if update_id in self._posts or self._retry_at.get(update_id, 0.0) > now:
                continue
            self._retry_at.pop(update_id, None)
            self.queue.delivered_upto = max(self.queue.delivered_upto, update_id)
            post = asyncio.get_running_loop().create_task(self._deliver(session, update, headers))
            self._posts[update_id] = post

    def _next_retry_in(self) -> float:
        if not self._retry_at:
            return 1.0
        # Never 0: a retry that is due but finds every connection busy waits for a free one.
        return min(1.0, max(0.005, min(self._retry_at.values()) - time.monotonic()))

    async def _deliver(
        self, session: aiohttp.ClientSession, update: dict[str, Any], headers: dict[str, str]
    ) -> None:
        update_id = update["update_id"]
        try:
            error = await self._post(session, update, headers)
        finally:
            self._posts.pop(update_id, None)
        if error is None:
            self._failures.pop(update_id, None)
            with contextlib.suppress(ValueError):
                self.queue.pending.remove(update)
        else:
            self.on_error(error)
            failures = self._failures.get(update_id, 0) + 1
            self._failures[update_id] = failures
            self._retry_at[update_id] = time.monotonic() + min(0.05 * 2 ** (failures - 1), 2.0)
        self.queue.wake()

    async def _post(
        self, session: aiohttp.ClientSession, update: dict[str, Any], headers: dict[str, str]
    ) -> str | None:
        try:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            post = session.post(self.url, json=update, headers=headers, timeout=timeout)
            async with post as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return f"Connection failed: {type(exc).__name__}"


def chat_key(update: dict[str, Any]) -> Hashable:
    """What orders an update: its chat (a press: its message's chat), else its sender, else
    nothing (the update goes whenever a connection is free)."""
    for kind, payload in update.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", chat["id"])
        sender = payload.get("from") or payload.get("user")
        if isinstance(sender, dict) and "id" in sender:
            return ("user", sender["id"])
    return ("update", update["update_id"])
