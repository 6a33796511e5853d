"""Bot API methods that hand updates to the bot: getUpdates and the webhook methods."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any
from urllib.parse import urlsplit

from sandbox.core import Core, Handler
from sandbox.errors import GET_UPDATES_CONFLICT, POLLING_CONFLICT, ApiError, bad_request
from sandbox.params import Params
from sandbox.state import WebhookConfig

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _seconds(p: Params, name: str) -> float:
    value = p.get_str(name)
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        raise bad_request(f'field "{name}" must be of type Integer') from None


def _set_allowed(core: Core, p: Params) -> None:
    allowed = p.get_json("allowed_updates")
    if isinstance(allowed, list):
        core.state.updates.allowed = [str(kind) for kind in allowed] or None


async def get_updates(core: Core, p: Params) -> list[dict[str, Any]]:
    """Confirm updates below offset and return pending ones, long polling up to timeout."""
    state = core.state
    queue = state.updates
    if state.webhook is not None:
        raise ApiError(409, GET_UPDATES_CONFLICT)
    offset = p.get_int("offset", 0) or 0
    limit = min(max(p.get_int("limit", 100) or 100, 1), 100)
    timeout = _seconds(p, "timeout")
    _set_allowed(core, p)
    queue.confirm(offset)
    queue.poll_generation += 1
    generation = queue.poll_generation
    queue.wake()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if queue.poll_generation != generation:
            raise ApiError(409, POLLING_CONFLICT)
        batch = queue.take(limit)
        if batch or queue.closed or core.state is not state:
            if batch:
                state.last_activity = time.monotonic()
                state.changed.notify()
            return batch
        remaining = deadline - loop.time()
        if remaining <= 0:
            return []
        await queue.wait(remaining)


async def set_webhook(core: Core, p: Params) -> bool:
    """Set (or, with an empty url, remove) the webhook the sandbox posts updates to."""
    url = p.get_str("url") or ""
    drop = p.get_bool("drop_pending_updates")
    if not url:
        await core.remove_webhook(drop)
        return True
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    secret = p.get_str("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    _set_allowed(core, p)
    if drop:
        core.state.updates.drop_all()
    max_connections = p.get_int("max_connections", 40) or 40
    await core.install_webhook(WebhookConfig(url, secret, max_connections))
    return True


async def delete_webhook(core: Core, p: Params) -> bool:
    """Remove the webhook, optionally dropping pending updates."""
    await core.remove_webhook(p.get_bool("drop_pending_updates"))
    return True


def get_webhook_info(core: Core, p: Params) -> dict[str, Any]:
    """Return the WebhookInfo object."""
    state = core.state
    hook = state.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates.pending),
    }
    if hook is None:
        return info
    info["ip_address"] = "127.0.0.1"
    if hook.last_error_date is not None:
        info["last_error_date"] = hook.last_error_date
        info["last_error_message"] = hook.last_error_message
    info["max_connections"] = hook.max_connections
    if state.updates.allowed:
        info["allowed_updates"] = list(state.updates.allowed)
    return info


def methods() -> dict[str, Handler]:
    """Return the Bot API methods of this module by name."""
    return {
        "getUpdates": get_updates,
        "setWebhook": set_webhook,
        "deleteWebhook": delete_webhook,
        "getWebhookInfo": get_webhook_info,
    }
