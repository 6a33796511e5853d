"""Deadline sweeps on a timer until the scheduler arrives: reminders and escalations are keyed,
so running them often, or in several processes at once, never sends one twice."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError, OperationalError

log = logging.getLogger(__name__)


async def every(
    seconds: float,
    work: Callable[[], object],
    stop: asyncio.Event,
    on_done: Callable[[], None] | None = None,
) -> None:
    """Run blocking `work` in a thread every `seconds` until `stop` is set."""
    while not stop.is_set():
        try:
            await asyncio.to_thread(work)
            if on_done is not None:
                on_done()
        except (IntegrityError, OperationalError) as exc:
            # Another process sent the same keyed notice first, or the database was busy:
            # the next pass picks up whatever is still due.
            log.info("a sweep was pre-empted: %s", exc.__class__.__name__)
        except Exception:
            log.exception("a sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)
