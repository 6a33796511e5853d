"""The whole of 评审决策 over Telegram's HTTP API: ten reviewers, the office, the city's three
officials and the investor, for three projects — 2亿 filed, 12亿 through both approval levels,
and one vetoed on 环境影响 — with every refusal the documents require."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from bot.demo import ChatUser, play_investor
from bot.runtimes import Runtime
from documents.word import docx_text
from handlers.intake.plans import findings_json
from sandbox import SandboxServer
from storage.tables import Project
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import OFFICE_ID, bot_today, this_years_serial
from tests.handlers.flows import reviewer_key
from workflow.policy_file import load_default_policy
from workflow.screening import PlanFigures, screen

POLICY = load_default_policy()
INVESTOR = 10001
OFFICE = 800
CITY = {"city_office": 700, "city_exec_deputy": 701, "city_leader": 702}
SITE_UNIT = POLICY.site_unit("smart_park")
# Every unit of every dimension reviews (000 一(二)1, 附件5), the site's park too (建设规划).
UNITS = [(d, u) for d in POLICY.review_dimensions for u in d.units_for(SITE_UNIT)]
REVIEWERS = {reviewer_key(d.id, u, d.lead_unit): 1000 + i for i, (d, u) in enumerate(UNITS)}
CHAIR = 1500  # the review group's 组长 (附件3), who concludes each round


def newest(
    sb: SandboxServer, chat: int, *needles: str, button: str | None = None
) -> dict[str, Any]:
    """The newest bot message in a chat that contains every needle (and the button)."""
    for entry in reversed(sb.transcript(chat)):
        if entry.sender != "bot" or entry.deleted:
            continue
        text = entry.text or ""
        labels = [t for row in entry.buttons for t, _ in row]
        if all(n in text for n in needles) and (button is None or button in labels):
            raw = sb.message(chat, entry.message_id) or {}
            return {"message_id": entry.message_id, "text": text, "document": raw.get("document")}
    raise AssertionError(f"no message with {needles} / {button} in chat {chat}")


async def press_on(sb: SandboxServer, user: ChatUser, label: str, *needles: str) -> dict[str, Any]:
    """Press a button on the newest message that mentions the needles."""
    message = newest(sb, user.user_id, *needles, button=label)
    mark = sb.mark()
    sb.press(user.user_id, user.user_id, message["message_id"], button_text=label)
    return await user._answer(mark)


CONFIRM = "✅ 确认"  # the answer to a question "确认…？" asked on a card (handlers/confirm.py)


async def confirm_on(
    sb: SandboxServer, user: ChatUser, label: str, *needles: str
) -> dict[str, Any]:
    """Press a button that asks "确认…？" on the newest message that mentions the needles,
    then 确认 on the same message, which the question was edited into."""
    message = newest(sb, user.user_id, *needles, button=label)
    mark = sb.mark()
    sb.press(user.user_id, user.user_id, message["message_id"], button_text=label)
    await user._answer(mark)
    mark = sb.mark()
    sb.press(user.user_id, user.user_id, message["message_id"], button_text=CONFIRM)
    return await user._answer(mark)


async def settle(sb: SandboxServer, bot: Runtime) -> None:
    """Let the outbox deliver what the last action queued."""
    bot.sender.wake()  # type: ignore[attr-defined]
    await bot.sender.drain(timeout=20)  # type: ignore[attr-defined]
    await sb.wait_idle(idle_ms=150, timeout=20)


async def invite(sb: SandboxServer, admin: ChatUser, *labels: str) -> str:
    await admin.say("/invite")
    for label in labels:
        await admin.press(label)
    text = newest(sb, admin.user_id, "start=inv_")["text"]  # notices may arrive in between
    return next(w for w in text.split() if "start=inv_" in w).split("start=")[1]


async def join(sb: SandboxServer, user_id: int, name: str, code: str) -> ChatUser:
    sb.add_user(user_id, name)
    user = ChatUser(sb, user_id, name)
    await user.say(f"/start {code}")
    return user


def add_project(
    uow_factory: UnitOfWorkFactory, investor_id: int, name: str, total_wan: int
) -> str:
    # 500 万元 of investment per 亩, 80 % of it fixed: 400 万元/亩, above 附件2's 380.
    land = total_wan // 500
    plan = {
        "name": name,
        "investor": "广东华锐精密科技股份有限公司",
        "sector": "new_materials",
        "site": "smart_park",
        "land_area": str(land),
        "total_investment": str(total_wan),
        "fixed_investment": str(total_wan * 8 // 10),
        "annual_output_value": str(max(9, land * 6 // 100)),
        "annual_tax": str(max(5000, land * 35)),
        "eco_red_line": "no",
        "products": "新材料",
    }
    figures = PlanFigures(
        land_area_mu=Decimal(land),
        total_investment_wan=Decimal(total_wan),
        fixed_asset_wan=Decimal(total_wan * 8 // 10),
        annual_output_yi=Decimal(plan["annual_output_value"]),
        annual_tax_wan=Decimal(plan["annual_tax"]),
        sector="new_materials",
    )
    with uow_factory() as uow:
        number = uow.projects.next_serial("QX", bot_today().year)
        p = uow.projects.add(
            Project(
                serial=number,
                name=name,
                investor_name=plan["investor"],
                stage="lead",
                investor_person_id=investor_id,
                sector="new_materials",
                site="smart_park",
                total_investment_wan=Decimal(total_wan),
                land_area_mu=Decimal(land),
                plan=plan,
                findings=findings_json(screen(figures, POLICY)),
            )
        )
        uow.projects.record_creation(p, investor_id)
        uow.commit()
        return number


def stage_of(uow_factory: UnitOfWorkFactory, serial: str) -> str:
    with uow_factory() as uow:
        project = uow.projects.by_serial(serial)
        assert project is not None
        return project.stage


async def test_review_and_decision_for_three_projects(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    sb.add_user(OFFICE_ID, "管理员")
    admin = ChatUser(sb, OFFICE_ID, "管理员")
    office = await join(sb, OFFICE, "王主任", await invite(sb, admin, "领导小组办公室"))
    reviewers: dict[str, ChatUser] = {}
    for dim, unit_id in UNITS:
        unit = POLICY.unit(unit_id).short
        key = reviewer_key(dim.id, unit_id, dim.lead_unit)
        code = await invite(sb, admin, "评审人员", unit, dim.name)
        reviewers[key] = await join(sb, REVIEWERS[key], f"{unit}{dim.name}评审员", code)
    chair = await join(
        sb, CHAIR, "张庆忠", await invite(sb, admin, "评审小组组长/副组长", "经信局")
    )
    city = {
        "city_office": await join(
            sb, CITY["city_office"], "市办刘科长", await invite(sb, admin, "市领导小组办公室")
        ),
        "city_exec_deputy": await join(
            sb, CITY["city_exec_deputy"], "市常务副组长", await invite(sb, admin, "市常务副组长")
        ),
        "city_leader": await join(
            sb, CITY["city_leader"], "市组长", await invite(sb, admin, "市领导小组组长")
        ),
    }

    # The investor submits one plan in chat; two more of theirs are already in the library.
    await play_investor(sb, uow_factory, INVESTOR)
    vetoed = this_years_serial(1)  # 6.5亿, from the form
    with uow_factory() as uow:
        investor = uow.people.by_account("telegram", str(INVESTOR))
        assert investor is not None and investor.id is not None
        investor_id = investor.id
    filed = add_project(uow_factory, investor_id, "新材料二期项目", 20000)  # 2亿
    big = add_project(uow_factory, investor_id, "新能源汽车零部件产业园项目", 120000)  # 12亿
    await settle(sb, bot)
    assert vetoed in newest(sb, OFFICE, "新的投资项目")["text"]

    # A joint meeting is scheduled; an unreviewed project cannot go on its agenda.
    await office.say("/meeting")
    await office.press("➕ 安排新的联席会议")
    await office.say((bot_today() + timedelta(days=10)).isoformat())
    await office.press("14:30")
    await office.say("区政府第一会议室")
    await office.press("✅ 提交")
    refused = await office.say(f"/agenda 1 {filed}")
    assert "未经评审或评审未通过的项目不提交领导决策" in refused["text"]

    # The office confirms each lead and opens a review round.
    for serial in (vetoed, filed, big):
        await office.say(f"/project {serial}")
        await press_on(sb, office, "✅ 确认入库", serial)
        await press_on(sb, office, "⚖️ 发起评审", serial)
    await settle(sb, bot)
    for key, reviewer in reviewers.items():
        dim = POLICY.dimension(key.split("/")[0])
        first = "🟢 不属于" if POLICY.confirmations(dim.id) else "✅ 同意"
        for serial in (vetoed, filed, big):
            newest(sb, reviewer.user_id, serial, dim.name, button=first)

    # A reviewer cannot vote on another unit's dimension, even with forged button data.
    env_card = newest(sb, REVIEWERS["environment"], filed, button="✅ 同意")
    # 产业政策 first confirms the prohibited categories it cannot compute (001 六(一)(二)).
    assert "禁止引入类别确认" in newest(sb, REVIEWERS["industrial_policy"], filed)["text"]
    with uow_factory() as uow:
        filed_project = uow.projects.by_serial(filed)
        assert filed_project is not None and filed_project.id is not None
        rnd = uow.reviews.latest(filed_project.id)
        assert rnd is not None and rnd.id is not None
        env_op = next(
            o.id for o in uow.reviews.opinions(rnd.id) if o.dimension_id == "environment"
        )
    land = reviewers["land_use"]
    mark = sb.mark()
    sb.forge_press(
        land.user_id,
        land.user_id,
        newest(sb, land.user_id, filed)["message_id"],
        f"rv:ok:{env_op}",
    )
    denial = await land._answer(mark)
    assert "不是您负责评审的维度" in denial["text"]
    assert env_card

    # Everyone agrees on two projects; 环境影响 disagrees on the first: a one-vote veto.
    for key, reviewer in reviewers.items():
        for serial in (vetoed, filed, big):
            for _ in POLICY.confirmations(key.split("/")[0]):
                await press_on(sb, reviewer, "🟢 不属于", serial)
        for serial in (filed, big):
            await press_on(sb, reviewer, "✅ 同意", serial)
        if key == "environment":
            await press_on(sb, reviewer, "❌ 不同意", vetoed)
            await reviewer.say("项目选址涉及生态保护红线，不符合“三线一单”要求。")
            await reviewer.say("建议另行选址。")
            await reviewer.press("✅ 提交")
        else:
            await press_on(sb, reviewer, "✅ 同意", vetoed)
    await settle(sb, bot)

    # All opinions in: the office waits; the 组长 concludes (000 一(二)1).
    done = f"评审进度 {len(UNITS)}/{len(UNITS)}"
    for serial in (vetoed, filed, big):
        assert "待评审小组组长/副组长作出结论" in newest(sb, OFFICE, done, serial)["text"]
    assert stage_of(uow_factory, filed) == "review"
    vetoed_card = next(
        e for e in reversed(sb.transcript(CHAIR)) if e.sender == "bot" and vetoed in (e.text or "")
    )
    assert "✅ 通过" not in [t for row in vetoed_card.buttons for t, _ in row]  # 一票否决
    await confirm_on(sb, chair, "❌ 不通过", vetoed)
    await confirm_on(sb, chair, "✅ 通过", filed)
    await confirm_on(sb, chair, "✅ 通过", big)
    await settle(sb, bot)
    assert stage_of(uow_factory, vetoed) == "rejected"
    assert (stage_of(uow_factory, filed), stage_of(uow_factory, big)) == ("decision", "decision")
    sheet = newest(sb, OFFICE, vetoed, "一票否决")
    text = docx_text(sb.file_content(sheet["document"]["file_id"]))
    for needle in (
        "项目评审意见表",
        "项目内容评审",
        "主审部门",
        "评审意见",
        "相关建议",
        "环境影响",
        "区环境保护局",
        "不同意",
        "生态保护红线",
        "建议另行选址",
        "项目法律风险评审",
        "市城乡规划局清新分局、选址园区",
        "清新工业园管委会",
        "区贸促会",
        "禁止引入类别（一）禁止类项目：不属于",
        "张庆忠",
    ):
        assert needle in text, needle

    # The vetoed project is refused at the meeting; the two others are approved.
    refused = await office.say(f"/agenda 1 {vetoed}")
    assert "未经评审或评审未通过的项目不提交领导决策" in refused["text"]
    await office.say(f"/agenda 1 {filed}")
    await office.say(f"/agenda 1 {big}")
    await press_on(sb, office, "📨 通知参会", "联席会议")
    await press_on(sb, office, f"✅ {filed} 准予落户", "联席会议")
    await press_on(sb, office, f"✅ {big} 准予落户", "联席会议")
    assert (stage_of(uow_factory, filed), stage_of(uow_factory, big)) == ("city", "city")

    # No agreement before the city's approval (from 3亿; filing below 3亿 is enough, 001 七(三)).
    with uow_factory() as uow:
        big_row = uow.projects.by_serial(big)
        assert big_row is not None
        big_id = big_row.id
    mark = sb.mark()
    sb.forge_press(
        OFFICE, OFFICE, newest(sb, OFFICE, "联席会议")["message_id"], f"pr:sign:{big_id}"
    )
    denial = await office._answer(mark)
    assert "只有经市招商引资工作领导小组评审通过、审批通过或已向领导小组备案" in denial["text"]

    minutes_msg = await press_on(sb, office, "🧾 生成会议纪要", "联席会议")
    assert minutes_msg
    minutes = newest(sb, OFFICE, "会议纪要")
    text = docx_text(sb.file_content(minutes["document"]["file_id"]))
    text = text.replace("\u2011", "-").replace("\u2060", "")  # serials print unbreakable
    for needle in ("联席会议纪要", filed, big, "准予落户", "区政府第一会议室"):
        assert needle in text, needle
    await settle(sb, bot)

    # Below 3亿: filed with the city office. From 10亿: the 常务副组长, then the 组长.
    assert newest(sb, CITY["city_office"], filed, button="✅ 确认收到备案")["document"]
    await confirm_on(sb, city["city_office"], "✅ 确认收到备案", filed)
    await confirm_on(sb, city["city_exec_deputy"], "✅ 同意", big)
    assert stage_of(uow_factory, big) == "city"  # the 组长 has not approved yet
    await settle(sb, bot)
    await confirm_on(sb, city["city_leader"], "✅ 同意", big)
    assert (stage_of(uow_factory, filed), stage_of(uow_factory, big)) == ("cleared", "cleared")

    # Signing, then the scan goes to the city office.
    await office.say(f"/project {filed}")
    await press_on(sb, office, "✍️ 登记签约", filed)
    for answer in (
        "今天",
        "区长",
        "张仁建 区长",
        f"{bot_today().year + 1}-03",  # construction starts and ends after today
        f"{bot_today().year + 2}-06",
        "400",
        "9亿",
        "5000万元",
        "是",  # 退出机制
        "是",  # 违约责任
        "是",  # 监管责任
    ):
        if answer in ("区长", "是"):
            await office.press(answer)
        else:
            await office.say(answer)
    await office.press("✅ 提交")
    assert stage_of(uow_factory, filed) == "signed"
    await office.say(f"/project {filed}")
    await press_on(sb, office, "📎 上传协议扫描件", filed)
    await office.send_file("投资协议书扫描件.pdf", "application/pdf", b"%PDF-1.4 scan")
    await office.press("✅ 提交")
    await settle(sb, bot)
    assert newest(sb, CITY["city_office"], filed, "扫描件")["document"]

    # The investor follows the stages, and never sees an opinion.
    mine = await ChatUser(sb, INVESTOR, "李明").say("/my")
    assert "已签约" in mine["text"] and "不予引进" in mine["text"]
    investor_chat = sb.render_transcript(INVESTOR)
    assert "生态保护红线，不符合" not in investor_chat and "评审意见" not in investor_chat
    assert sb.unanswered_callback_queries() == []
