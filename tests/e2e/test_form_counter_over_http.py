"""The investor's whole plan over HTTP, on both runtimes: what the person reads on every
question card (a counter whose total never grows, 附件4's parts in order, then the part
screening needs) and on the summary (numbered as 附件4, months as 年月, figures with
thousands separators)."""

from __future__ import annotations

import re

from bot.demo import INVESTOR_ID, play_investor
from bot.runtimes import Runtime
from sandbox import SandboxServer
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import bot_today

COUNTER = re.compile(r"第 (\d+)/(\d+) 项")
PART = re.compile(r"^(?:第 (\d+) 部分（共 15 部分）|([AB])\. )", re.MULTILINE)
ORDER = [str(n) for n in range(1, 16)] + ["A", "B"]


async def test_the_counter_never_grows_and_the_summary_numbers_as_annex_4(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    await play_investor(sandbox, uow_factory)
    texts = [e.text or "" for e in sandbox.transcript(INVESTOR_ID) if e.sender == "bot"]
    start = next(i for i, t in enumerate(texts) if "第 1 部分（共 15 部分）" in t)
    cards = [t for t in texts[start:] if COUNTER.search(t)]
    counters = [tuple(map(int, COUNTER.findall(t)[0])) for t in cards]
    parts = []
    for t in cards:
        found = PART.search(t)
        assert found, t
        parts.append(found[1] or found[2])
    assert len(cards) > 50 and counters[0][0] == 1
    totals = [total for _, total in counters]
    assert totals == sorted(totals, reverse=True), totals  # the total only ever shrinks
    assert [ORDER.index(p) for p in parts] == sorted(ORDER.index(p) for p in parts)
    assert set(parts) == set(ORDER)  # every part of 附件4 asked, then the screening part
    summary = next(t for t in reversed(texts) if "请核对投资项目计划书" in t)
    year = bot_today().year + 1
    for line in (
        "1. 投资项目名称：年产30万套新能源汽车电机壳体项目",
        "　4.1 计划用地面积：120 亩",
        "6. 项目投资总额：65,000 万元（6.5 亿元）",
        "7. 项目实施计划\n　7.1 建设期数：2 期",
        f"　7.3 一期计划动工建设时间：{year}年3月",
        f"　7.6 二期计划建成投产时间：{year + 1}年12月",
        "A. 项目负责人及联系人",
        "B. 补充信息（遴选所需）\n　B.1 所属行业：装备制造（含智能制造）",
        "项目可行性研究报告：📎 可行性研究报告.pdf（1 KB）",
    ):
        assert line in summary, line
    assert not re.search(r"\d{4}-\d{2}\b", summary)  # no "2027-03" left for a month
    assert not re.search(r"\d{5,} 万元", summary)  # every figure has its separators
