"""`zhaoshang demo --runtime wecom`: the WeCom sandbox (sandbox/wecom) and the real WeCom
runtime, with no token and no network, playing a review round (④ 项目评审) on template
cards, and printing it as one transcript of everyone's chats.

The office's 王主任 opens the round on the project's card; each unit's reviewer gives their
opinion on their card (the prohibited categories first, 001 六; one 有条件同意 and one 不同意
on a dimension without a veto, which the policy flags rather than fails, 000 一(二)2); the
office's progress card follows; the review group's 组长 concludes 通过, and the office gets the
result and the 评审意见表."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot import demo_wecom_cast as people
from bot.bootstrap import build_uow_factory, initialise
from bot.clock import utcnow
from bot.demo_wecom_transcript import Log
from bot.settings import Settings
from bot.wecom.runtime import WeComRuntime
from sandbox.wecom import AppConfig, WeComSandbox
from workflow.policy import Policy
from workflow.policy_file import load_policy
from workflow.roles import Role

SETTLE_TIMEOUT: Final = 30.0  # seconds the outbox may take to send what it holds
# The office's progress card is shown anew after every third reviewer: more often, and the
# office would get more than WeCom's 30 messages a minute to one member (the client waits).
OFFICE_SEES_EVERY: Final = 3
NOT_IN: Final = "🟢 不属于"  # a prohibited category the dimension confirms (001 六)
AGREE: Final = "✅ 同意"
CONDITIONAL: Final = "☑️ 有条件同意"
DISAGREE: Final = "❌ 不同意"
SUBMIT: Final = "✅ 提交"
MORE: Final = "更多"  # the button of a card with more than 6 (bot/wecom/render.py)
START_REVIEW: Final = "⚖️ 发起评审"
CONCLUDE: Final = "✅ 通过"  # the 组长's conclusion, asked again on the card (✅ 确认)
CONFIRM: Final = "✅ 确认"
# The opinions given with reasons, by (dimension, unit): the rest agree. A 不同意 where the
# policy lets the round pass all the same (a dimension without a veto, "flag": 000 一(二)2).
WRITTEN: Final[dict[tuple[str, str], tuple[str, str, str]]] = {
    ("environment", "environment"): (
        CONDITIONAL,
        "项目选址位于产业园规划环评范围内，须落实熔炼废气除尘和清洗废水回用措施。",
        "开工前取得环评批复，试生产前完成环保设施验收。",
    ),
    ("economic_benefit", "local_tax"): (
        DISAGREE,
        "亩均税收35万元/亩仅略高于30万元/亩的标准，达产年份税收测算依据不足。",
        "请投资方补充分年度税收测算，并在投资协议中约定亩均税收。",
    ),
}


def free_port() -> int:
    """A port nobody listens on now, on 127.0.0.1 (for the bot's callback URL)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wecom_settings(wx: WeComSandbox, database: Path, port: int) -> Settings:
    """The demo bot's settings: the sandbox's app and address, the demo's database, the
    callback server on 127.0.0.1:`port`."""
    c = wx.config
    return Settings(
        database_url=f"sqlite:///{database}",
        runtime="wecom",
        wecom_corp_id=c.corp_id,
        wecom_agent_id=c.agent_id,
        wecom_secret=c.corp_secret,  # type: ignore[arg-type]
        wecom_token=c.token,  # type: ignore[arg-type]
        wecom_aes_key=c.encoding_aes_key,  # type: ignore[arg-type]
        wecom_api_base_url=wx.url,
        web_listen="127.0.0.1",
        wecom_port=port,
        # The 评审意见表 in Word only: its PDF copy takes LibreOffice seconds, and a machine
        # without LibreOffice would print another transcript.
        pdf_copies=False,
    )


class WeComUser:
    """A member of the sandbox who writes and presses as a person would: each action waits
    until the bot has handled and answered it (`everyone` waits for every notice too)."""

    def __init__(self, wx: WeComSandbox, bot: WeComRuntime, log: Log, userid: str) -> None:
        self.wx, self.bot, self.log, self.userid = wx, bot, log, userid

    async def say(self, text: str) -> None:
        """Write a message."""
        self.log.said(self.userid, text)
        await self.wx.send_text(self.userid, text)
        await self.settle()

    async def press(self, label: str, *needles: str) -> None:
        """Press the button `label` on the newest card that offers it and shows the needles
        (waiting for the outbox when none does yet); through the card's 更多 when the button
        is behind it."""
        found = self._offering(label, needles)
        if found is None:
            await self.everyone()
            found = self._offering(label, needles)
        if found is None:
            more = self._offering(MORE, needles)
            if more is None:
                raise LookupError(f"{self.userid} has no card with [{label}] {needles}")
            await self._press(*more)
            found = self._offering(label, ())
            if found is None:
                raise LookupError(f"{self.userid} has no [{label}] behind [{MORE}]")
        await self._press(*found)

    async def _press(self, task_id: str, key: str, label: str, card: dict[str, Any]) -> None:
        self.log.pressed(self.userid, label, card)
        await self.wx.press(self.userid, task_id, key)
        await self.settle()

    def _offering(
        self, label: str, needles: tuple[str, ...]
    ) -> tuple[str, str, str, dict[str, Any]] | None:
        for m in reversed(self.wx.messages(self.userid)):
            if m.card is None or m.dropped:
                continue
            view = self.wx.card(self.userid, m.card["task_id"])
            shown = view.card
            text = f"{shown['main_title'].get('title', '')}\n{shown.get('sub_title_text', '')}"
            if not view.clickable or not all(n in text for n in needles):
                continue
            for b in shown.get("button_list", []):
                if b.get("text") == label and "key" in b:
                    return view.task_id, str(b["key"]), label, shown
        return None

    async def settle(self) -> None:
        """Wait until the bot has handled the action and answered it; what it queued for
        others goes meanwhile, as people act without waiting for each other's notices (a card
        changed again before its update went is sent once, in its newest state)."""
        assert self.bot.server is not None
        await self.bot.server.drain()
        self.bot.sender.wake()

    async def everyone(self) -> None:
        """Wait until the outbox has sent everything it holds."""
        assert self.bot.server is not None
        for _ in range(3):  # a notice sent may be answered by more (a card shown anew)
            await self.bot.server.drain()
            self.bot.sender.wake()
            await self.bot.sender.drain(timeout=SETTLE_TIMEOUT)


def written(policy: Policy) -> dict[tuple[str, str], tuple[str, str, str]]:
    """The opinions with reasons that still let the round pass under this policy: a 不同意
    only on a dimension without a veto, where the policy flags it rather than failing."""
    flags = policy.review_rules.non_veto_disagreement != "fail"
    return {
        (dim, unit): given
        for (dim, unit), given in WRITTEN.items()
        if given[0] != DISAGREE or (flags and not policy.dimension(dim).veto)
    }


async def play_round(
    wx: WeComSandbox,
    bot: WeComRuntime,
    log: Log,
    policy: Policy,
    serial: str,
    cast: list[people.Member],
) -> None:
    """The office opens the round on the project's card; each reviewer confirms the
    prohibited categories and gives their opinion on each of their cards; the 组长
    concludes."""
    office = WeComUser(wx, bot, log, people.OFFICE.userid)
    await office.say(f"/project {serial}")
    await office.press(START_REVIEW, serial)
    await office.everyone()  # every reviewer has their cards before anyone answers
    site_unit = policy.site_unit(people.SITE)
    reasons = written(policy)
    reviewers = [m for m in cast if m.role is Role.REVIEWER]
    for n, reviewer in enumerate(reviewers, 1):
        user = WeComUser(wx, bot, log, reviewer.userid)
        for dim in policy.review_dimensions:
            if reviewer.unit not in dim.units_for(site_unit):
                continue
            card = f"项目评审 · {dim.name}"
            for _ in policy.confirmations(dim.id):
                await user.press(NOT_IN, card)
            given = reasons.get((dim.id, reviewer.unit))
            if given is None:
                await user.press(AGREE, card)
                continue
            label, opinion, suggestion = given
            await user.press(label, card)
            await user.say(opinion)
            await user.say(suggestion)
            await user.press(SUBMIT)
        if n % OFFICE_SEES_EVERY == 0 or n == len(reviewers):
            await user.everyone()  # the office's progress card, as it changes
    chair = WeComUser(wx, bot, log, people.CHAIR.userid)
    await chair.press(CONCLUDE, serial)
    await chair.press(CONFIRM, serial)
    await chair.everyone()  # the result and the 评审意见表, to the office too


async def run_wecom_demo(database: Path) -> str:
    """Run the WeCom demo and return its transcript."""
    async with WeComSandbox(AppConfig()) as wx:
        port = free_port()
        settings = wecom_settings(wx, database, port)
        initialise(settings)
        policy = load_policy(settings.policy_file)
        uow_factory = build_uow_factory(settings)
        cast = people.cast(policy)
        try:
            ids = {}
            for member in cast:
                wx.add_user(member.userid, member.name)
                ids[member.userid] = people.join(uow_factory, member)
            today = utcnow().astimezone(ZoneInfo(settings.timezone))
            serial = people.add_project(uow_factory, policy, ids[people.OFFICE.userid], today)
            log = Log(wx, {m.userid: m.label(policy) for m in cast})
            bot = WeComRuntime(settings, uow_factory, port=port)
            wx.callback_url = f"http://127.0.0.1:{port}/wecom"
            await bot.start()
            try:
                await play_round(wx, bot, log, policy, serial, cast)
            finally:
                await bot.stop()
        finally:
            uow_factory.engine.dispose()
        return log.render()


def main(database: Path) -> str:
    """Entry for the command line."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    return asyncio.run(run_wecom_demo(database))
