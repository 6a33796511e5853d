"""What the investor sees, over Telegram's HTTP API on both runtimes: the summary of a 6.5亿
plan shows their figures against 附件2 and what happens next, not the city routing, the
leaders' follow-up, priority or 高层联络, which the office's card shows; and a project's
timeline, on the office's card and in /my, is in time order after a city return."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.demo import ChatUser
from bot.runtimes import Runtime
from handlers.dispatch import Dispatcher
from sandbox import SandboxServer
from storage.uow import UnitOfWorkFactory
from tests.conftest import Clock
from tests.e2e.conftest import bot_today, this_years_serial
from tests.e2e.test_review_and_decision import settle
from tests.handlers.conftest import make_services, person
from tests.handlers.flows import official, person_id, project
from tests.handlers.test_investor_view import returned_by_the_city
from tests.handlers.test_onboarding import register
from tests.handlers.test_plan_screening import fill_plan
from workflow.policy_file import load_default_policy
from workflow.roles import Role

INVESTOR = 10001
OFFICE = 800
INTERNAL = ("市常务副组长审批", "跟踪服务", "分头联系", "高层联络", "优先引入")
RETURN = "市里退回：请补充节能审查意见"


def _in_order(text: str, *needles: str) -> bool:
    """Whether every needle is in the text, each found after the one before."""
    at = -1
    for needle in needles:
        at = text.find(needle, at + 1)
        if at < 0:
            return False
    return True


def _prepare(uow_factory: UnitOfWorkFactory) -> str:
    """Through the handlers, on the bot's database: the investor registered with the demo
    plan filled up to its summary, the office, and an older project of the investor's that
    went to the city, was approved once and returned. The older project's serial."""
    clock = Clock(datetime.now(UTC) - timedelta(days=40))
    services = make_services(uow_factory, load_default_policy(), clock)
    dispatcher = Dispatcher(services)
    official(services, str(OFFICE), "王主任", Role.OFFICE, "office")
    investor = person(dispatcher, str(INVESTOR), "李明")
    register(investor)
    with services.uow() as uow:
        investor_id = person_id(uow, str(INVESTOR))
    serial = f"QX-{bot_today().year - 1}-0042"
    pid = project(services, serial, 65000, stage="lead", investor_id=investor_id)
    returned_by_the_city(services, clock, pid)
    fill_plan(investor, services.uow)  # the demo plan: 6.5亿, 120 亩, priority, 高层联络
    return serial


async def test_the_investor_reads_the_standards_and_the_office_the_routing_in_time_order(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    sb.add_user(INVESTOR, "李明")
    sb.add_user(OFFICE, "王主任")
    older = _prepare(uow_factory)

    mark = sb.mark()
    sb.send_text(INVESTOR, "/continue")  # back to the plan's summary
    await sb.wait_for_bot_message(INVESTOR, since=mark, timeout=15)
    await sb.wait_idle(idle_ms=100, timeout=15)
    summary = sb.render_transcript(INVESTOR)
    assert "对照入园标准和引入要求" in summary
    assert "固定资产投资强度 433.33万元/亩，达到 380万元/亩 的标准" in summary
    assert "提交之后" in summary
    for internal in INTERNAL:
        assert internal not in summary, internal

    investor = ChatUser(sb, INVESTOR, "李明")
    await investor.press("✅ 提交")
    mine = await investor.say("/my")
    assert this_years_serial(1) in mine["text"] and older in mine["text"]
    assert _in_order(mine["text"], "① 信息收集", "④ 项目评审", "报市备案/审批", "④ 项目决策")
    assert "市里退回" not in mine["text"] and "常务副组长" not in mine["text"]
    for internal in INTERNAL:
        assert internal not in sb.render_transcript(INVESTOR), internal

    await settle(sb, bot)
    office = ChatUser(sb, OFFICE, "王主任")
    card = (await office.say(f"/project {this_years_serial(1)}"))["text"]
    assert "市常务副组长审批" in card and "区四套班子领导分头联系" in card
    assert "高层联络条件第2条" in card
    card = (await office.say(f"/project {older}"))["text"]
    assert _in_order(card, "④ 项目评审", "报市备案/审批", "市领导小组常务副组长同意", RETURN)
    assert card.rindex("④ 项目决策") > card.index(RETURN)  # back to the joint meeting
