"""An investor fills in the whole 投资项目计划书 through the handlers, as in a real chat.

Wrong answers are refused with a message naming the field; back, skip, an edit from the summary
and a restart in the middle (a new engine on the same database) lose nothing."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from sqlmodel import select

from bot import demo_plan
from conversations.draft import Draft
from handlers.dispatch import Dispatcher
from storage.db import make_engine
from storage.tables import OutboxMessage, Project
from storage.uow import UnitOfWorkFactory
from tests.handlers.conftest import Clock, Person, make_services, person
from tests.handlers.flows import person_id
from tests.handlers.test_onboarding import register
from workflow.policy import Policy

TYPED = demo_plan.TYPED
PRESSED = demo_plan.PRESSED
# Wrong answers the investor gives first, each refused without changing the draft.
WRONG = {
    "land_area": ["一百二十亩", "120平方米"],
    "total_investment": ["很多"],
    "fixed_investment": ["7亿"],  # more than the total investment
    "plant_area": ["100000"],  # more than the floor area
    "phases.1.start": ["2020-01"],  # in the past
    "phases.1.end": ["2027-01"],  # before its start
    "jobs": ["-5"],
    "domestic_share": ["150%"],
    "contact_phone": ["12345"],
    "automation_rate": ["很高"],
}


def current_step(uow_factory: UnitOfWorkFactory, user_id: str) -> str | None:
    with uow_factory() as uow:
        row = uow.drafts.active(person_id(uow, user_id), user_id)
        return None if row is None else Draft.model_validate(row.data).current


def answer(inv: Person, step: str) -> None:
    if step in PRESSED:
        inv.press(PRESSED[step])
    elif step in TYPED:
        inv.says(TYPED[step])
    elif step == "brand":
        inv.press("跳过")
    elif step == "feasibility_report":
        inv.sends_file("可行性研究报告.pdf", "application/pdf", 2_400_000)
    else:
        raise AssertionError(f"no answer for {step}")


def test_an_investor_fills_in_the_whole_plan_and_the_office_is_told(
    tmp_path: Path, policy: Policy, clock: Clock, sqlite_uow_factory: UnitOfWorkFactory
):
    from storage.seed import seed_policy

    with sqlite_uow_factory() as uow:
        seed_policy(uow, policy)
        uow.commit()
    services = make_services(sqlite_uow_factory, policy, clock)
    dispatcher = Dispatcher(services)
    office = person(dispatcher, "900", "办公室")  # an administrator, made office by invitation
    _make_office(office, dispatcher)

    inv = person(dispatcher, "101", "李明")
    register(inv)
    replies = inv.says("/new")
    assert "投资项目计划书" in replies[0].text and "第 1/" in replies[-1].text

    refused = 0
    asked_back = restarted = False
    for _ in range(200):
        step = current_step(services.uow, "101")
        if step == "summary":
            break
        assert step is not None, "the investor has no open plan"
        for wrong in WRONG.pop(step, []):
            before = _draft(services.uow)
            reply = inv.says(wrong)[-1].text
            assert _draft(services.uow) == before, (step, wrong)
            assert "❗" in reply or "不" in reply or "请" in reply, reply
            refused += 1
        answer(inv, step)
        if step == "investor" and not asked_back:
            asked_back = True
            inv.says("/back")
            assert current_step(services.uow, "101") == "investor"
            inv.says(TYPED["investor"])
        if step == "annual_tax" and not restarted:
            # The process restarts: a new engine and dispatcher on the same database.
            restarted = True
            services.uow.engine.dispose()
            factory = UnitOfWorkFactory(make_engine(str(services.uow.engine.url)), clock)
            services = make_services(factory, policy, clock)
            dispatcher = Dispatcher(services)
            inv.dispatcher = dispatcher
            office.dispatcher = dispatcher
            assert current_step(services.uow, "101") == "materials_equipment"
    assert refused >= 10 and restarted and asked_back

    summary = inv.seen[-1].text
    assert "年产30万套新能源汽车电机壳体项目" in summary
    assert "投资强度" in summary or "固定资产投资强度" in summary  # the findings, in plain words

    # An edit from the summary: the land area cannot fall below the phases' 120 亩
    # (遴选办法 四(三)); the second phase gives up 10 亩, and then the land becomes 110 亩.
    inv.press("✏️ 修改")
    inv.says(_field_number(inv, "计划用地面积"))
    too_small = inv.says("110亩")
    assert any(
        "各期用地面积合计 120 亩，超过了计划用地面积（110 亩）" in r.text for r in too_small
    )
    inv.says("120亩")
    inv.press("✏️ 修改")
    inv.says(_field_number(inv, "二期用地面积"))
    inv.says("40亩")
    inv.press("✏️ 修改")
    inv.says(_field_number(inv, "计划用地面积"))
    back_at_summary = inv.says("110亩")
    assert "110" in back_at_summary[-1].text
    assert "二期亩均产值 875万元/亩" in back_at_summary[-1].text  # 3.5亿 on 40 亩
    done = inv.press("✅ 提交")
    assert any("QX-2026-0001" in r.text for r in done)

    with services.uow() as uow:
        project = uow.session.exec(select(Project)).one()
        assert project.stage == "lead"
        assert project.total_investment_wan == Decimal(65000)
        assert project.land_area_mu == Decimal(110)
        assert project.plan["feasibility_report"]["file_name"] == "可行性研究报告.pdf"
        assert "brand" not in project.plan or project.plan["brand"] in (None, "")
        codes = {f["code"]: f for f in project.findings}
        assert codes["investment_intensity"]["params"]["value"] == "472.73"  # 52000 / 110
        assert codes["investment_intensity"]["status"] == "pass"
        assert codes["routing"]["params"]["tier"] == "approval"  # 6.5亿: 常务副组长审批
        assert project.priority  # 鼓励类 + 上市公司, 5亿 manufacturing, high-tech
        told = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "900")).all()
        assert any("QX-2026-0001" in m.payload["text"] for m in told)
        assert project.investor_person_id is not None
        assert uow.drafts.active(project.investor_person_id, "101") is None

    mine = inv.says("/my")[0].text
    assert "QX-2026-0001" in mine and "信息收集" in mine
    other = person(dispatcher, "102", "王五")
    register(other, "另一家公司")
    assert "没有找到" in other.says("/project QX-2026-0001")[0].text


def _draft(uow_factory: UnitOfWorkFactory) -> dict:
    with uow_factory() as uow:
        row = uow.drafts.active(person_id(uow, "101"), "101")
        assert row is not None
        return dict(row.data)


def _field_number(inv: Person, label: str) -> str:
    """The summary's number of an item ("4.1": numbered as 附件4)."""
    for line in inv.seen[-1].text.splitlines() + inv.seen[-2].text.splitlines():
        found = re.match(r"^[\s　]*(?:<b>)?([0-9A-Z]+(?:\.\d+)?)\.? ", line)
        if label in line and found:
            return found[1]
    raise AssertionError(f"{label} not in the summary")


def _make_office(admin: Person, dispatcher) -> None:
    admin.says("/invite")
    admin.press("领导小组办公室")
    link = next(w for w in admin.text.split() if w.startswith("https://t.me/"))
    admin.says(f"/start {link.rsplit('=', 1)[1]}")
