"""Stopping a piece of the bot's work within a grace period, so that a stop never hangs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

log = logging.getLogger(__name__)

STOP_GRACE: Final = 30.0
"""Seconds a stop waits for work under way (an update being handled, the sender's pass)
before it cancels it: nothing is lost, since an update not confirmed is delivered again and an
outbox row taken but not sent is freed by its lease."""


async def finish_or_cancel(task: asyncio.Task[None], what: str, grace: float = STOP_GRACE) -> None:
    """Wait for `task` to end; past `grace` seconds, cancel it and wait for that."""
    try:
        await asyncio.wait_for(asyncio.shield(task), grace)
    except TimeoutError:
        log.warning("%s did not stop within %g s: cancelled", what, grace)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
