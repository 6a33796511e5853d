"""A difference a user could see between the two runtimes is a bug: the demo journey's
transcripts on python-telegram-bot and on aiogram must match, message for message and button
for button."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from bot.demo import run_demo
from tests.e2e.conftest import this_years_serial

# When a step happened may differ by a minute ("2026年12月1日 14:30"; ISO in English).
TIME = re.compile(r"(?:\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日) \d{2}:\d{2}")


async def test_the_demo_journey_reads_the_same_on_both_runtimes(tmp_path: Path):
    ptb = await run_demo(tmp_path / "ptb.db", "ptb")
    aiogram = await run_demo(tmp_path / "aiogram.db", "aiogram")
    assert "[ ✅ 提交 ]" in ptb and this_years_serial(1) in ptb
    left, right = TIME.sub("<time>", ptb).splitlines(), TIME.sub("<time>", aiogram).splitlines()
    assert len(left) == len(right)
    for n, (a, b) in enumerate(zip(left, right, strict=True), 1):
        assert a == b, f"line {n} differs:\n ptb:     {a}\n aiogram: {b}"


FIXTURE = Path(__file__).parent / "fixtures" / "demo_transcript.txt"
SERIAL_YEAR = re.compile(r"QX-\d{4}-")


def normalised(transcript: str) -> str:
    """A transcript without what depends on the day it ran: the times, the serial's year, and
    the next two years, when the demo's investor plans to build (bot/demo_plan.py)."""
    year = date.today().year
    plain = SERIAL_YEAR.sub("QX-<year>-", TIME.sub("<time>", transcript))
    return plain.replace(str(year + 2), "<next year + 1>").replace(str(year + 1), "<next year>")


async def test_the_demo_reads_as_it_did_before_the_redesign(tmp_path: Path):
    # Kept from before the layout's redesign: moving code must not change a line people read.
    ptb = normalised(await run_demo(tmp_path / "ptb.db", "ptb")).splitlines()
    expected = FIXTURE.read_text(encoding="utf-8").splitlines()
    for n, (a, b) in enumerate(zip(ptb, expected, strict=True), 1):
        assert a == b, f"line {n} differs:\n now:    {a}\n before: {b}"
