"""`zhaoshang demo --runtime wecom`: the WeCom sandbox and the real WeCom runtime play a review
round, in process, and its transcript reads as the round went: the office opens it on the
project's card, the reviewers press their opinions on template cards, the office's progress
card follows, the 组长 concludes, and the office gets the result and the 评审意见表."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot.demo_wecom import run_wecom_demo
from bot.demo_wecom_cast import CHAIR, OFFICE, reviewer_units
from storage.db import make_engine
from workflow.policy_file import load_default_policy

pytestmark = pytest.mark.e2e
POLICY = load_default_policy()
SERIAL = r"QX-\d{4}-0001"  # the year is the bot's, whichever it is
OPINION = re.compile(r"^👤 (\S+)（(\S+)） 点按 \[ (✅ 同意|☑️ 有条件同意|❌ 不同意) \]", re.M)


def paragraphs(transcript: str, start: str) -> list[str]:
    """The transcript's entries (a message may hold blank lines) that begin with `start`."""
    return [p for p in re.split(r"\n\n(?=👤|🤖)", transcript) if p.startswith(start)]


async def test_the_wecom_demo_plays_a_review_round_to_its_conclusion(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "demo.db"
    with caplog.at_level(logging.ERROR):
        transcript = await run_wecom_demo(database)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    office = OFFICE.label(POLICY)
    to_office = f"🤖 招商服务助手 → {office}"

    # The office asks for the project's card and opens the round on it.
    assert re.search(rf"^👤 {office}: /project {SERIAL}$", transcript, re.M)
    [card] = [p for p in paragraphs(transcript, to_office) if "［卡片］🗂 QX-" in p]
    assert "阶段：② 信息确认" in card and "[ ⚖️ 发起评审 ]" in card
    assert f"👤 {office} 点按 [ ⚖️ 发起评审 ]（卡片“🗂 QX-" in transcript
    assert re.search(rf"^{to_office}: ［卡片］📊 评审进度 0/18 · {SERIAL}", transcript, re.M)

    # Each unit's reviewer gets a card for each dimension their unit reviews, and presses.
    sent = re.findall(
        r"^🤖 \S+ → ([^（]+)（[^）]+）: ［卡片］📝 项目评审 · (\S+)$", transcript, re.M
    )
    assert len(set(sent)) == 18, sent  # a card for each unit of each dimension (附件5)
    presses = OPINION.findall(transcript)
    assert len(presses) == 18 and len({name for name, _, _ in presses}) == 12
    assert {unit for _, unit, _ in presses} == {
        POLICY.unit(u).short for u in reviewer_units(POLICY)
    }
    assert ("钟雪军", "环保局", "☑️ 有条件同意") in presses
    assert ("刘韬", "地税局", "❌ 不同意") in presses
    assert transcript.count("点按 [ 🟢 不属于 ]") == 4  # 产业政策 twice, 法律风险 by two units
    assert "👤 钟雪军（环保局）: 项目选址位于产业园规划环评范围内" in transcript
    assert "您的意见：有条件同意" in transcript and "您的意见：不同意" in transcript

    # The progress card follows; all in, the 组长 concludes 通过 and confirms it.
    assert re.search(r"📊 评审进度 18/18 · " + SERIAL, transcript)
    assert "❌ 经济效益（地税局 · 刘韬）：不同意" in transcript
    chair = CHAIR.label(POLICY)
    [offered] = paragraphs(transcript, f"🤖 招商服务助手 → {chair}: ［卡片］🏁 评审结论")
    assert "[ ✅ 通过 ] [ ❌ 不通过 ]" in offered and "经济效益：不同意" in offered
    assert f"👤 {chair} 点按 [ ✅ 通过 ]" in transcript
    assert f"👤 {chair} 点按 [ ✅ 确认 ]" in transcript
    decision = "评审结论：通过（有单位不同意，意见随评审意见表报领导小组）"
    [notice] = [p for p in paragraphs(transcript, to_office) if decision in p and "🏁 QX-" in p]
    assert "有条件同意：环境影响。" in notice and "《项目评审意见表》见附件。" in notice
    assert re.search(
        rf"^{to_office}: 📎 文件 {SERIAL}-评审意见表-第1轮\.docx（[\d,]+ 字节）$", transcript, re.M
    )
    assert transcript.index(f"👤 {chair} 点按 [ ✅ 确认 ]") < transcript.index(decision)

    # The database the demo leaves: the round concluded, the project on to the decision (⑤).
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as db:
            stage = db.exec_driver_sql("SELECT stage FROM project").scalar_one()
            outcome = db.exec_driver_sql("SELECT outcome FROM reviewround").scalar_one()
    finally:
        engine.dispose()
    assert (stage, outcome) == ("decision", "flagged")
