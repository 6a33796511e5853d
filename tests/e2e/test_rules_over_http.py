"""Over Telegram's HTTP API: a visitor who has not registered reads the member units' published
service items (000 一(三)2(2)), and the office judges a priority condition the documents leave
to it (001 五(八)), with its reasons."""

from __future__ import annotations

from bot.demo import ChatUser
from bot.runtimes import Runtime
from sandbox import SandboxServer
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import OFFICE_ID
from tests.e2e.test_admission_over_http import add_screened_project, labels_of
from tests.e2e.test_review_and_decision import invite, join, newest, press_on
from workflow.policy_file import load_default_policy

POLICY = load_default_policy()
OFFICE = 800
VISITOR = 555
JUDGE = "🟢 认定优先引入第8条"


async def test_a_visitor_reads_a_units_published_service_items(
    sandbox: SandboxServer, bot: Runtime
):
    sandbox.add_user(VISITOR, "访客")
    visitor = ChatUser(sandbox, VISITOR, "访客")
    listing = await visitor.say("/services")
    assert "000 一(三)2(2)" in listing["text"]
    page = await visitor.press("环保局")
    assert "区环境保护局" in page["text"] and "办事时限" in page["text"]


def add_expansion(uow_factory: UnitOfWorkFactory) -> str:
    """A capacity expansion (增资扩产) that meets every basic requirement."""
    plan = {
        "name": "电机壳体增资扩产项目",
        "investor": "广东华锐精密科技股份有限公司",
        "sector": "new_materials",
        "site": "smart_park",
        "land_area": "40",
        "total_investment": "20000",
        "fixed_investment": "16000",
        "annual_output_value": "6",
        "annual_tax": "3500",
        "eco_red_line": "no",
        "automation_rate": "75",
        "expansion": "yes",
        "work_safety": "yes",
        "planning_eia": "yes",
        "environment_negative_list": "no",
        "products": "电机壳体",
    }
    return add_screened_project(uow_factory, plan, "confirmed")[0]


async def test_the_office_judges_a_capacity_expansion_a_priority(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    sb.add_user(OFFICE_ID, "管理员")
    admin = ChatUser(sb, OFFICE_ID, "管理员")
    office = await join(sb, OFFICE, "王主任", await invite(sb, admin, "领导小组办公室"))
    serial = add_expansion(uow_factory)
    await office.say(f"/project {serial}")
    await press_on(sb, office, JUDGE, serial)
    await office.say("新增用地仅20亩，亩均产值、亩均税收均为园区平均水平的两倍以上。")
    await office.press("✅ 提交")
    assert "为优先引入项目" in newest(sb, OFFICE, serial, "已认定")["text"]
    with uow_factory() as uow:
        project = uow.projects.by_serial(serial)
        assert project is not None and project.priority is True
    card = newest(sb, OFFICE, serial, "阶段")  # the card, shown again after the judgement
    assert JUDGE not in labels_of(sb, OFFICE, card["message_id"])  # judged once
