"""A difference a user could see between the two runtimes is a bug: the demo journey's
transcripts on python-telegram-bot and on aiogram must match, message for message and button
for button."""

from __future__ import annotations

import re
from pathlib import Path

from bot.demo import run_demo
from tests.e2e.conftest import this_years_serial

TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")  # when a step happened may differ by a minute


async def test_the_demo_journey_reads_the_same_on_both_runtimes(tmp_path: Path):
    ptb = await run_demo(tmp_path / "ptb.db", "ptb")
    aiogram = await run_demo(tmp_path / "aiogram.db", "aiogram")
    assert "[ ✅ 提交 ]" in ptb and this_years_serial(1) in ptb
    left, right = TIME.sub("<time>", ptb).splitlines(), TIME.sub("<time>", aiogram).splitlines()
    assert len(left) == len(right)
    for n, (a, b) in enumerate(zip(left, right, strict=True), 1):
        assert a == b, f"line {n} differs:\n ptb:     {a}\n aiogram: {b}"
