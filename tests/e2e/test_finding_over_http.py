"""Over Telegram's HTTP API, on both runtimes: finding things in a library of 36 projects —
/pipeline by the stage names and numbers of 附件8, page by page in one message; /find for the
office and for an investor, who sees only their own; /export of the view as Excel — then the
agenda by buttons and 催办 of every pending reviewer, one message each, naming whom it skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.demo import ChatUser
from bot.runtimes import Runtime
from documents.excel.reading import xlsx_tables
from sandbox import SandboxServer
from storage.tables import Meeting, Project
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import bot_today
from tests.e2e.officials import joined
from tests.e2e.test_review_and_decision import newest, press_on, settle
from workflow.roles import Role

OFFICE = 800
INVESTOR = 10001
REVIEWERS = {"environment": (1100, "环保局钟"), "land_use": (1101, "国土局黄")}
UNIT_OF = {"environment": "environment", "land_use": "land"}


def seed(
    uow_factory: UnitOfWorkFactory, stages: list[str], investor: int | None = None
) -> list[str]:
    """Projects at these stages, oldest first, as the library keeps them: their serials."""
    serials = []
    with uow_factory() as uow:
        for n, stage in enumerate(stages):
            serial = uow.projects.next_serial("QX", bot_today().year)
            name = "碳纤维复合材料项目" if n == 0 else f"智能装备项目{n}"
            uow.projects.add(
                Project(
                    serial=serial,
                    name=name,
                    investor_name="广东华锐精密科技股份有限公司" if n == 0 else "清远某某有限公司",
                    stage=stage,
                    sector="new_materials",
                    site="smart_park",
                    total_investment_wan=Decimal(20000),
                    land_area_mu=Decimal(40),
                    plan={"name": name, "site": "smart_park", "sector": "new_materials"},
                    investor_person_id=investor if n == 0 else None,
                )
            )
            serials.append(serial)
        uow.commit()
    return serials


def listed(sb: SandboxServer, chat: int, message_id: int) -> list[str]:
    """The serials a message lists as buttons."""
    entry = next(e for e in sb.transcript(chat) if e.message_id == message_id)
    return [t.split()[0] for row in entry.buttons for t, _ in row if t.startswith("QX-")]


async def toast_of(
    sb: SandboxServer, user: ChatUser, label: str, *needles: str
) -> tuple[str, bool]:
    """Press a button whose answer is a toast (or an alert), and read it."""
    message = newest(sb, user.user_id, *needles, button=label)
    sb.press(user.user_id, user.user_id, message["message_id"], button_text=label)
    await sb.wait_idle(idle_ms=100, timeout=15)
    query = sb.callback_queries()[-1]
    assert query.answered
    return query.answer_text or "", query.show_alert


async def test_the_office_and_an_investor_find_page_and_export_the_library(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    office, _ = joined(sb, uow_factory, OFFICE, Role.OFFICE, "office", name="王主任")
    investor, me = joined(sb, uow_factory, INVESTOR, Role.INVESTOR, name="李明", company="华锐")
    # 15 projects in 洽谈, the oldest the investor's; 20 newer ones that were lost; 1 at ①.
    made = seed(uow_factory, ["negotiation"] * 15 + ["lost"] * 20 + ["lead"], investor=me)
    talks = made[:15]
    by_name = await office.say("/pipeline 洽谈")
    by_number = await office.say("/pipeline ③")
    assert "③ 项目洽谈" in by_name["text"] and "共 15 项" in by_name["text"]
    first = listed(sb, OFFICE, by_name["message_id"])
    assert first == listed(sb, OFFICE, by_number["message_id"]) == talks[:4:-1]
    # ▶ turns the page in the same message; the oldest project in progress is on page 2.
    page = await press_on(sb, office, "下一页 ▶", "第 1/2 页")
    assert page["message_id"] == by_number["message_id"] and "第 2/2 页" in page["text"]
    assert listed(sb, OFFICE, page["message_id"]) == talks[4::-1]
    unknown = await office.say("/pipeline 招商")
    assert "没有“招商”这个阶段" in unknown["text"] and "①–⑥" in unknown["text"]
    # /find: by name, serial and investor, for the office; the investor finds only theirs.
    for words in ("碳纤维", made[20], "华锐"):
        found = await office.say(f"/find {words}")
        assert "🔎" in found["text"], words
    assert listed(sb, OFFICE, newest(sb, OFFICE, "🔎", "华锐")["message_id"]) == [made[0]]
    assert listed(sb, OFFICE, newest(sb, OFFICE, "🔎", made[20])["message_id"]) == [made[20]]
    mine = await investor.say("/find 项目")
    assert "仅限您本人的项目" in mine["text"] and "共 1 项" in mine["text"]
    assert listed(sb, INVESTOR, mine["message_id"]) == [made[0]]
    opened = await investor.press(f"{made[0]} 碳纤维复合材料项目")
    assert made[0] in opened["text"]
    # /export: the rows of the view the office looks at.
    sheet = await office.say("/export 洽谈")
    assert sheet["document"] is not None and sheet["document"]["file_name"].endswith(".xlsx")
    table = xlsx_tables(sb.file_content(sheet["document"]["file_id"]))["招商项目信息库"]
    assert [r[1] for r in table[1:]] == talks[::-1]
    assert {r[table[0].index("当前阶段")] for r in table[1:]} == {"③ 项目洽谈"}


async def test_the_agenda_by_buttons_and_urging_every_pending_reviewer(
    sandbox: SandboxServer, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    office, _ = joined(sb, uow_factory, OFFICE, Role.OFFICE, "office", name="王主任")
    reviewers = {
        d: joined(sb, uow_factory, uid, Role.REVIEWER, UNIT_OF[d], name=name, dimension=d)[0]
        for d, (uid, name) in REVIEWERS.items()
    }
    decided, *confirmed = seed(uow_factory, ["decision", "confirmed", "confirmed"])
    with uow_factory() as uow:
        at = datetime.now(UTC) + timedelta(days=7)
        uow.decisions.add(Meeting(title="第1次联席会议", scheduled_at=at, place="区政府"))
        uow.commit()
    # /agenda: the one meeting's eligible projects as buttons; a press puts one on.
    choices = await office.say("/agenda")
    assert listed(sb, OFFICE, choices["message_id"]) == [decided]
    card = await press_on(sb, office, f"{decided} 碳纤维复合材料项目", "选择要提交")
    assert "第1次联席会议" in card["text"] and decided in card["text"]
    # Two rounds open; then 催办 of everyone: each reviewer gets one message with both cards.
    for serial in confirmed:
        await office.say(f"/project {serial}")
        await press_on(sb, office, "⚖️ 发起评审", serial)
    await settle(sb, bot)
    hour = datetime.now(ZoneInfo("Asia/Shanghai")).hour
    done = await office.say("/urge")
    assert "全部催办" in done["text"] and "已催办 2 人" in done["text"]
    await settle(sb, bot)
    for dimension, reviewer in reviewers.items():
        notices = [
            e
            for e in sb.transcript(reviewer.user_id)
            if e.sender == "bot" and "催办" in (e.text or "")
        ]
        assert len(notices) == 1, dimension
        assert all(serial in (notices[0].text or "") for serial in confirmed)
    env = reviewers["environment"]
    opened = await env.press(f"📝 {confirmed[0]} 环境影响")
    assert "项目评审" in opened["text"] and confirmed[0] in opened["text"]
    # Urged within the hour: the round's 催办全部 sends nothing again, and says to whom.
    text, alert = await toast_of(sb, office, "🔔 催办全部", confirmed[1], "评审进度")
    if datetime.now(ZoneInfo("Asia/Shanghai")).hour != hour:
        pytest.skip("the clock hour turned between the two 催办")
    assert text.startswith("已催办 0 人。另 2 人本小时内已催办，未再发送：环保局钟、国土局黄。")
    assert "尚未加入本系统，无法催办" in text and alert  # the roster's reviewers not yet joined
