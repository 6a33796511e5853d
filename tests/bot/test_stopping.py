"""A stop never hangs: work under way gets a grace period, then it is cancelled."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.stopping import finish_or_cancel


async def test_work_that_ends_within_the_grace_period_is_waited_for():
    done = asyncio.Event()

    async def work() -> None:
        await asyncio.sleep(0.05)
        done.set()

    await finish_or_cancel(asyncio.create_task(work()), "work", grace=5)
    assert done.is_set()


async def test_work_that_never_ends_is_cancelled_after_the_grace_period(
    caplog: pytest.LogCaptureFixture,
):
    task = asyncio.create_task(asyncio.Event().wait())
    with caplog.at_level(logging.WARNING):
        await finish_or_cancel(task, "the sender's pass", grace=0.1)  # type: ignore[arg-type]
    assert task.cancelled()
    assert "the sender's pass did not stop within 0.1 s" in caplog.text
