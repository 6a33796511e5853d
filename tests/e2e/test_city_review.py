"""The city group's own review over Telegram's HTTP API (001 七(二)2): the city's reviewers join
by invitation, one per dimension; the 常务副组长 recalls a 5亿 project sent for approval, which
opens the city's round at once; the city office records a third-party pre-review with its
report; the city concludes 通过 and the project goes back to the 常务副组长's approval."""

from __future__ import annotations

from datetime import timedelta

from bot.bootstrap import build_services
from bot.demo import ChatUser
from bot.runtimes import Runtime
from bot.settings import Settings
from handlers.context import Actor, Services
from handlers.decision.city import send_to_city
from sandbox import SandboxServer
from storage.tables import Meeting, MeetingItem, Person
from storage.uow import UnitOfWorkFactory
from tests.e2e.conftest import OFFICE_ID
from tests.e2e.test_review_and_decision import (
    OFFICE,
    POLICY,
    add_project,
    confirm_on,
    invite,
    join,
    newest,
    press_on,
    settle,
    stage_of,
)

CITY_OFFICE, DEPUTY = 700, 701
CITY_REVIEWERS = {d.id: 3000 + i for i, d in enumerate(POLICY.review_dimensions)}


def approved_and_sent(settings: Settings, uow_factory: UnitOfWorkFactory) -> str:
    """A 5亿 project the joint meeting approved, sent to the city for approval (the district's
    own review and meeting are test_review_and_decision.py's)."""
    services: Services = build_services(settings, uow_factory, "zhaoshang_e2e_bot")
    with uow_factory() as uow:
        investor = uow.people.add(Person(name="李明"))
        uow.commit()
        investor_id = investor.id or 0
    serial = add_project(uow_factory, investor_id, "高端装备制造项目", 50000)
    with uow_factory() as uow:
        project = uow.projects.by_serial(serial)
        assert project is not None and project.id is not None
        project.stage = "city"
        meeting = Meeting(title="联席会议", scheduled_at=services.clock() - timedelta(days=1))
        uow.session.add(meeting)
        uow.session.flush()
        uow.session.add(
            MeetingItem(
                meeting_id=meeting.id or 0,
                project_id=project.id,
                decision="approved",
                decided_at=services.clock(),
            )
        )
        clerk = uow.people.by_account("telegram", str(OFFICE))
        send_to_city(services, uow, Actor(clerk, None, "zh-Hans"), project)
        uow.commit()
    return serial


async def test_the_city_recalls_a_project_and_runs_its_own_review(
    sandbox: SandboxServer, settings: Settings, bot: Runtime, uow_factory: UnitOfWorkFactory
):
    sb = sandbox
    sb.add_user(OFFICE_ID, "管理员")
    admin = ChatUser(sb, OFFICE_ID, "管理员")
    office = await join(sb, OFFICE, "王主任", await invite(sb, admin, "领导小组办公室"))
    city_office = await join(
        sb, CITY_OFFICE, "市办刘科长", await invite(sb, admin, "市领导小组办公室")
    )
    deputy = await join(sb, DEPUTY, "市常务副组长", await invite(sb, admin, "市常务副组长"))
    reviewers: dict[str, ChatUser] = {}
    for dim in POLICY.review_dimensions:
        code = await invite(sb, admin, "市级评审人员", dim.name)
        reviewers[dim.id] = await join(sb, CITY_REVIEWERS[dim.id], f"市级{dim.name}", code)
    serial = approved_and_sent(settings, uow_factory)
    await settle(sb, bot)

    # The 常务副组长 recalls it: the city's round opens at once, for the city's reviewers.
    await press_on(sb, deputy, "🔁 收回评审", serial)
    await settle(sb, bot)
    assert stage_of(uow_factory, serial) == "review"
    assert "收回" in newest(sb, OFFICE, serial, "市领导小组收回")["text"]
    for dim_id, reviewer in reviewers.items():
        first = "🟢 不属于" if POLICY.confirmations(dim_id) else "✅ 同意"
        newest(sb, reviewer.user_id, serial, button=first)
    newest(sb, CITY_OFFICE, serial, "评审进度", button="🔔 催办全部")

    # The district office sees it but does not run it: its forged 催办 is refused.
    with uow_factory() as uow:
        project = uow.projects.by_serial(serial)
        assert project is not None
        rnd = uow.reviews.latest(project.id or 0)
        assert rnd is not None and rnd.level == "city"
        round_id = rnd.id
    mark = sb.mark()
    sb.forge_press(OFFICE, OFFICE, newest(sb, OFFICE, serial)["message_id"], f"rp:urge:{round_id}")
    assert "⛔" in (await office._answer(mark))["text"]

    # A third-party pre-review, with its report, reaches the city's reviewers.
    await press_on(sb, city_office, "📑 记录第三方预审", serial)
    await city_office.say("广东某某工程咨询有限公司")
    await city_office.send_file("预审报告.pdf", "application/pdf", b"%PDF-1.4 pre-review")
    await city_office.say("符合引入基本要求。")
    await city_office.press("✅ 提交")
    await settle(sb, bot)
    note = newest(sb, CITY_REVIEWERS["environment"], serial, "第三方专业机构预审")
    assert sb.file_content(note["document"]["file_id"]) == b"%PDF-1.4 pre-review"

    # Every city reviewer agrees; the city concludes 通过: back to the 常务副组长's approval.
    for dim_id, reviewer in reviewers.items():
        for _ in POLICY.confirmations(dim_id):
            await press_on(sb, reviewer, "🟢 不属于", serial)
        await press_on(sb, reviewer, "✅ 同意", serial)
    await settle(sb, bot)
    await confirm_on(sb, city_office, "✅ 通过", serial)
    await settle(sb, bot)
    assert stage_of(uow_factory, serial) == "city"
    assert "市级评审通过" in newest(sb, OFFICE, serial, "市级评审通过")["text"]
    await confirm_on(sb, deputy, "✅ 同意", serial, "已通过市领导小组组织的市级评审")
    assert stage_of(uow_factory, serial) == "cleared"
    assert sb.unanswered_callback_queries() == []
