"""Over Telegram's HTTP API: a prohibited project stops (001 一, 六), and the documents' own
exception, approved by the city's leading group in chat, lets it go on (001 二)."""

from __future__ import annotations

from decimal import Decimal

from bot.demo import ChatUser
from bot.runtimes import Runtime
from handlers.intake.plans import findings_json, plan_figures
from sandbox import SandboxServer
from storage.tables import Project
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import OFFICE_ID, bot_today
from tests.e2e.test_review_and_decision import invite, join, newest, press_on, settle, stage_of
from workflow.policy_file import load_default_policy
from workflow.screening import screen

POLICY = load_default_policy()
OFFICE = 800
CITY_OFFICE = 700
EXEC_DEPUTY = 701


def add_screened_project(
    uow_factory: UnitOfWorkFactory, plan: dict[str, str], stage: str
) -> tuple[str, int]:
    """A project stored at `stage` with its plan and the plan's screening, as intake keeps
    it; its serial and id."""
    with uow_factory() as uow:
        serial = uow.projects.next_serial("QX", bot_today().year)
        p = uow.projects.add(
            Project(
                serial=serial,
                name=plan["name"],
                investor_name=plan["investor"],
                stage=stage,
                sector=plan["sector"],
                site=plan["site"],
                total_investment_wan=Decimal(plan["total_investment"]),
                land_area_mu=Decimal(plan["land_area"]),
                plan=plan,
                findings=findings_json(screen(plan_figures(plan), POLICY)),
            )
        )
        uow.projects.record_creation(p, None)
        uow.commit()
        assert p.id is not None
        return serial, p.id


def add_blocked_project(uow_factory: UnitOfWorkFactory) -> tuple[str, int]:
    """A lead whose plan puts 16000 万元 of fixed investment on 200 亩: 80 万元/亩, below the
    380 of 附件2, so prohibited by 001 六(五)."""
    plan = {
        "name": "碳纤维复合材料项目",
        "investor": "广东华锐精密科技股份有限公司",
        "sector": "new_materials",
        "site": "smart_park",
        "land_area": "200",
        "total_investment": "20000",
        "fixed_investment": "16000",
        "annual_output_value": "12",
        "annual_tax": "7000",
        "eco_red_line": "no",
        "products": "碳纤维复合材料",
    }
    return add_screened_project(uow_factory, plan, "lead")


def labels_of(sb: SandboxServer, chat: int, message_id: int) -> list[str]:
    entry = next(e for e in sb.transcript(chat) if e.message_id == message_id)
    return [t for row in entry.buttons for t, _ in row]


async def people(sb: SandboxServer) -> tuple[ChatUser, ChatUser, ChatUser]:
    sb.add_user(OFFICE_ID, "管理员")
    admin = ChatUser(sb, OFFICE_ID, "管理员")
    office = await join(sb, OFFICE, "王主任", await invite(sb, admin, "领导小组办公室"))
    city_office = await join(
        sb, CITY_OFFICE, "市办刘科长", await invite(sb, admin, "市领导小组办公室")
    )
    deputy = await join(sb, EXEC_DEPUTY, "市常务副组长", await invite(sb, admin, "市常务副组长"))
    return office, city_office, deputy


async def test_a_prohibited_project_is_stopped_and_the_card_says_why(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    office, _, _ = await people(sb)
    serial, pid = add_blocked_project(uow_factory)
    card = await office.say(f"/project {serial}")
    assert "按规定不能引入" in card["text"] and "001 六(五)" in card["text"]
    labels = labels_of(sb, OFFICE, newest(sb, OFFICE, serial, "按规定不能引入")["message_id"])
    assert "✅ 确认入库" not in labels and "📨 申请例外（报市领导小组）" in labels
    # A forged 确认入库 is refused with the rule, and nothing moves.
    mark = sb.mark()
    sb.forge_press(OFFICE, OFFICE, card["message_id"], f"pr:confirm:{pid}")
    refused = await office._answer(mark)
    assert "该项目属禁止引入" in refused["text"] and "001 六(五)" in refused["text"]
    assert stage_of(uow_factory, serial) == "lead"


async def test_an_exception_approved_by_the_city_lets_the_project_go_on(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    office, city_office, deputy = await people(sb)
    serial, pid = add_blocked_project(uow_factory)
    await office.say(f"/project {serial}")
    await press_on(sb, office, "📨 申请例外（报市领导小组）", serial)
    await office.press("战略性新兴产业项目")
    await office.say("主要产品为高性能碳纤维复合材料，属指导目录3.4.1条。")
    done = await office.press("✅ 提交")
    assert "例外申请" in done["text"]
    await settle(sb, bot)
    card = newest(sb, EXEC_DEPUTY, serial, "例外申请", button="✅ 审核同意")
    assert "碳纤维" in card["text"] and "001 二" in card["text"]
    with uow_factory() as uow:
        [request] = uow.projects.exception_requests(pid)
        request_id = request.id
    # The city office is not the leading group: its forged press is refused.
    mark = sb.mark()
    welcome = sb.last_bot_message(CITY_OFFICE) or {}
    sb.forge_press(CITY_OFFICE, CITY_OFFICE, welcome["message_id"], f"ax:ok:{request_id}")
    refused = await city_office._answer(mark)
    assert "没有权限" in refused["text"]
    await press_on(sb, deputy, "✅ 审核同意", serial)
    await settle(sb, bot)
    assert "已审核同意" in newest(sb, OFFICE, serial, "已审核同意")["text"]
    card = await office.say(f"/project {serial}")
    assert "按规定不能引入" not in card["text"] and "战略性新兴产业项目" in card["text"]
    await press_on(sb, office, "✅ 确认入库", serial)
    assert stage_of(uow_factory, serial) == "confirmed"
