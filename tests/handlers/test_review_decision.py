"""Review and decision through the handlers: reviewers' buttons, the office's progress card,
the joint meeting, the city by amount, signing — and every refusal the documents require."""

from __future__ import annotations

import pytest
from sqlmodel import select

from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.sweeps import run_all
from storage.tables import AuditEntry, OutboxMessage
from tests.handlers.conftest import Clock, Person, person
from tests.handlers.flows import (
    cards_for,
    conclude,
    give_opinions,
    official,
    person_id,
    project,
    project_of,
    review_team,
)
from workflow.roles import Role


@pytest.fixture
def office(services: Services, dispatcher: Dispatcher):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    return person(dispatcher, "800", "办公室王")


@pytest.fixture
def reviewers(services: Services, dispatcher: Dispatcher) -> dict[str, Person]:
    """Every unit's reviewer of every dimension (see flows.review_team), and the 组长."""
    return review_team(services, dispatcher)


def test_each_first_card_of_a_shared_dimension_names_every_unit_reviewing_it(
    services: Services, office, reviewers
):
    """000 一(二)1(3), 附件5: 建设规划 is reviewed by 规划局, 住建局 and the site's unit together;
    each of them sees the others on the very first card."""
    project(services, "QX-2026-0001", 20000)
    office.says("/project QX-2026-0001")
    office.press("⚖️ 发起评审")
    planning = services.policy.dimension("planning")
    names = [
        services.policy.unit(u).name
        for u in planning.units_for(services.policy.site_unit("smart_park"))
    ]
    assert len(names) == 3
    for key, who in reviewers.items():
        if key.startswith("planning"):
            (card,) = cards_for(services, who.user_id)
            assert "本维度共同评审：" + "、".join(names) in card.text


def test_no_two_urge_buttons_on_the_progress_card_read_alike(
    services: Services, office, reviewers
):
    """建设规划 has three units: each of its 催办 buttons names its unit."""
    project(services, "QX-2026-0001", 20000)
    office.says("/project QX-2026-0001")
    (card, *_) = office.press("⚖️ 发起评审")
    labels = [b.text for row in card.buttons for b in row]
    assert len(labels) == len(set(labels)), labels
    assert "🔔 环境影响" in labels, "a dimension of one unit is named alone"
    assert {"🔔 建设规划·规划分局", "🔔 建设规划·住建局"} <= set(labels), labels


def stage(s: Services, pid: int) -> str:
    with s.uow() as uow:
        return project_of(uow, pid).stage


def test_a_review_round_goes_to_each_dimension_and_the_office_sees_progress(
    services: Services, office, reviewers
):
    pid = project(services, "QX-2026-0001", 20000)
    office.says("/project QX-2026-0001")
    replies = office.press("⚖️ 发起评审")
    assert f"评审进度 0/{len(reviewers)}" in replies[0].text
    assert stage(services, pid) == "review"
    with services.uow() as uow:
        cards = uow.session.exec(select(OutboxMessage)).all()
        assert len(
            {c.chat_id for c in cards if (c.payload.get("card") or "").startswith("rv:")}
        ) == len(reviewers)
    env = reviewers["environment"]
    env.seen += cards_for(services, env.user_id)
    env.press("✅ 同意")
    assert "您的意见：同意" in env.text
    with services.uow() as uow:
        progress = [
            c
            for c in uow.session.exec(select(OutboxMessage)).all()
            if c.chat_id == "800" and (c.payload.get("card") or "").startswith("rp:")
        ]
        assert f"1/{len(reviewers)}" in progress[-1].payload["text"]


def test_a_reviewer_cannot_vote_on_another_units_dimension(services: Services, office, reviewers):
    project(services, "QX-2026-0001", 20000)
    office.says("/project QX-2026-0001")
    office.press("⚖️ 发起评审")
    env_card = cards_for(services, reviewers["environment"].user_id)[0]
    data = next(
        b.data for row in env_card.buttons for b in row if (b.data or "").startswith("rv:ok:")
    )
    land = reviewers["land_use"]
    replies = land.press_data(data)
    assert "不是" in replies[0].text
    with services.uow() as uow:
        refused = uow.session.exec(select(AuditEntry).where(AuditEntry.allowed == False)).all()  # noqa: E712
        assert [a.action for a in refused] == ["refused:review_dimension"]


def _files_for(s: Services, chat: str) -> list[int]:
    with s.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == chat))
        return [m.file_id for m in rows if m.file_id]


def vote_all(services: Services, reviewers: dict, overrides: dict[str, str] | None = None) -> None:
    give_opinions(services, reviewers, overrides)


def test_a_vetoed_review_is_rejected_and_cannot_go_to_the_meeting(
    services: Services, office, reviewers
):
    # Not in the red line (that is prohibited, 001 六(三), and stops the project before
    # review): the environment reviewer's 不同意 is the veto here.
    pid = project(services, "QX-2026-0003", 30000)
    office.says("/project QX-2026-0003")
    office.press("⚖️ 发起评审")
    vote_all(services, reviewers, {"environment": "❌ 不同意"})
    replies = conclude(services, office.dispatcher, "❌ 不通过")
    assert stage(services, pid) == "rejected"
    assert any("一票否决" in r.text for r in replies)
    assert any(r.document and r.document.filename.endswith(".docx") for r in replies)
    office.says("/meeting")
    office.press("➕ 安排新的联席会议")
    office.says("2026-12-03")
    office.press("14:30")
    office.says("区政府第一会议室")
    office.press("✅ 提交")
    refused = office.says("/agenda 1 QX-2026-0003")
    assert "未经评审或评审未通过的项目不提交领导决策" in refused[0].text


def test_no_agreement_before_the_city_filing(services: Services, office, reviewers, clock: Clock):
    pid = project(services, "QX-2026-0001", 20000)
    city = official(services, "700", "市办刘", Role.CITY_OFFICE, "city_office")
    assert city
    office.says("/project QX-2026-0001")
    office.press("⚖️ 发起评审")
    vote_all(services, reviewers)
    conclude(services, office.dispatcher)
    assert stage(services, pid) == "decision"
    office.says("/meeting")
    office.press("➕ 安排新的联席会议")
    office.says("2026-12-03")
    office.press("14:30")
    office.says("区政府第一会议室")
    office.press("✅ 提交")
    refused = office.press_data(f"pr:sign:{pid}")  # not yet filed with the city
    assert "只有经市招商引资工作领导小组评审通过、审批通过或已向领导小组备案" in refused[0].text
    office.says("/agenda 1 QX-2026-0001")
    office.press("✅ QX-2026-0001 准予落户")
    assert stage(services, pid) == "city"
    # Filed below 3亿: the district may sign before the city acknowledges (001 七(三)).
    office.says("/project QX-2026-0001")
    assert any("登记签约" in b.text for row in office.seen[-1].buttons for b in row)
    city_user = person(office.dispatcher, "700", "市办刘")
    city_user.seen += cards_for(services, "700")
    assert _files_for(services, "700")  # the 备案表 goes with it
    city_user.confirms("✅ 确认收到备案")
    assert stage(services, pid) == "cleared"
    office.says("/project QX-2026-0001")
    office.press("✍️ 登记签约")
    for answer in (
        "2026-11-23",
        None,
        "张国力 副区长",
        "2027-03",
        "2028-06",
        "420",
        "8.5亿",
        "4200万元",
        None,  # 退出机制
        None,  # 违约责任
        None,  # 监管责任
    ):
        if answer is None:
            office.press(office.seen[-1].buttons[0][0].text)
        else:
            office.says(answer)
    office.press("✅ 提交")
    assert stage(services, pid) == "signed"
    clock.advance(days=11)
    run_all(services)
    run_all(services)  # a second run sends nothing twice
    with services.uow() as uow:
        reminders = [
            m
            for m in uow.session.exec(select(OutboxMessage)).all()
            if (m.dedupe_key or "").startswith("scan:remind")
        ]
        assert len(reminders) == 1


def test_reviewers_are_reminded_the_day_before_and_heads_told_when_overdue(
    services: Services, office, reviewers, clock: Clock
):
    official(services, "600", "环保局温局长", Role.UNIT_HEAD, "environment")
    project(services, "QX-2026-0001", 20000)
    office.says("/project QX-2026-0001")
    office.press("⚖️ 发起评审")
    give_opinions(services, {k: r for k, r in reviewers.items() if k != "environment"})
    with services.uow() as uow:
        deadline = uow.reviews.open_rounds()[0].deadline
    assert deadline.isoformat() == "2026-11-30"  # five working days from Monday 23 November
    clock.now = clock.now.replace(day=27)  # Friday: the working day before the deadline
    run_all(services)
    run_all(services)
    reminders = [
        r for r in cards_for(services, reviewers["environment"].user_id) if "评审提醒" in r.text
    ]
    assert len(reminders) == 1 and reminders[0].buttons  # the vote buttons come along
    clock.advance(days=4)  # Tuesday 1 December: the first working day past the deadline
    run_all(services)
    run_all(services)
    assert len([r for r in cards_for(services, "600") if "评审逾期" in r.text]) == 1
    assert len([r for r in cards_for(services, "800") if "评审逾期" in r.text]) == 1
    assert not [
        r for r in cards_for(services, reviewers["land_use"].user_id) if "评审提醒" in r.text
    ]


def test_a_dimension_is_transferred_to_a_colleague_of_the_same_unit(
    services: Services, dispatcher: Dispatcher, office, reviewers
):
    official(services, "1100", "环保局李科长", Role.REVIEWER, "environment")
    project(services, "QX-2026-0001", 20000)
    office.says("/project QX-2026-0001")
    office.press("⚖️ 发起评审")
    env = reviewers["environment"]
    env.seen += cards_for(services, env.user_id)
    env.press("↪️ 转交")
    assert "已转交给 环保局李科长" in env.press("环保局李科长")[0].text
    # The card whose 转交 was pressed loses its buttons and says to whom it went.
    former = cards_for(services, env.user_id)[-1]
    assert former.buttons == () and "已转交 环保局李科长 办理" in former.text
    colleague = person(dispatcher, "1100", "环保局李科长")
    colleague.seen += cards_for(services, "1100")
    colleague.press("☑️ 有条件同意")
    colleague.says("须按规划环评要求落实污染防治措施。")
    colleague.press("跳过")
    done = colleague.press("✅ 提交")
    assert any("有条件同意" in r.text for r in done)
    assert "不是" in env.press_data(env.seen[0].buttons[0][0].data or "")[0].text


def test_a_units_delegate_may_act_for_its_reviewer(
    services: Services, dispatcher: Dispatcher, office, reviewers
):
    with services.uow() as uow:
        principal = person_id(uow, reviewers["environment"].user_id)
    official(services, "1101", "环保局B岗", Role.REVIEWER, "environment", delegate_of=principal)
    project(services, "QX-2026-0001", 20000)
    office.says("/project QX-2026-0001")
    office.press("⚖️ 发起评审")
    card = cards_for(services, reviewers["environment"].user_id)[0]
    delegate = person(dispatcher, "1101", "环保局B岗")
    replies = delegate.press("✅ 同意", card)
    assert "本单位意见：同意</b>（由 环保局B岗 代为填报）" in replies[0].text


def test_the_office_returns_a_plan_and_the_investor_resubmits_with_history_kept(
    services: Services, dispatcher: Dispatcher, office
):
    from tests.handlers.test_onboarding import register
    from tests.handlers.test_plan_journey import answer, current_step

    investor = person(dispatcher, "101", "李明")
    register(investor)
    investor.says("/new")
    while (step := current_step(services.uow, "101")) != "summary":
        assert step is not None, "the investor has no open plan"
        answer(investor, step)
    investor.press("✅ 提交")
    pid = 1
    office.says("/project QX-2026-0001")
    office.press("↩️ 退回补充")
    office.says("请补充近三年财务报表。")
    office.press("✅ 提交")
    investor.seen += cards_for(services, "101")
    assert "请补充近三年财务报表" in investor.seen[-1].text
    summary = investor.press("✏️ 修改并重新提交")
    assert "请核对投资项目计划书" in summary[-1].text
    investor.press("✅ 提交")
    with services.uow() as uow:
        assert not project_of(uow, pid).awaiting_investor
        assert len(uow.projects.versions(pid)) == 1
        assert [n.kind for n in uow.projects.notes(pid)] == ["returned", "resubmitted"]


def test_negotiation_notes_move_a_confirmed_project_to_negotiation(services: Services, office):
    pid = project(services, "QX-2026-0001", 20000)
    office.says("/project QX-2026-0001")
    office.press("📝 洽谈记录")
    office.says("11月20日在工业园与企业洽谈，推荐A3地块。")
    card = office.press("✅ 提交")
    assert stage(services, pid) == "negotiation"
    assert "推荐A3地块" in card[-1].text


def test_the_city_returns_a_project_with_a_comment(
    services: Services, dispatcher: Dispatcher, office
):
    from handlers.context import Actor
    from handlers.decision.city import send_to_city

    official(services, "701", "市常务副组长", Role.CITY_EXEC_DEPUTY, "city_group")
    pid = project(services, "QX-2026-0001", 50000, stage="city")
    with services.uow() as uow:
        p = project_of(uow, pid)
        clerk = uow.people.by_account("telegram", "800")
        send_to_city(services, uow, Actor(clerk, None, "zh-Hans"), p)
        uow.commit()
    deputy = person(dispatcher, "701", "市常务副组长")
    deputy.seen += cards_for(services, "701")
    deputy.confirms("↩️ 退回")
    deputy.says("请补充项目投资协议书（草案）中的退出机制条款。")
    deputy.press("✅ 提交")
    assert stage(services, pid) == "decision"
    assert any("退出机制" in r.text for r in cards_for(services, "800"))


def test_the_city_may_recall_a_project_for_its_own_review(
    services: Services, dispatcher: Dispatcher, office, reviewers
):
    from handlers.context import Actor
    from handlers.decision.city import send_to_city

    official(services, "700", "市办刘", Role.CITY_OFFICE, "city_office")
    pid = project(services, "QX-2026-0002", 20000, stage="city")
    with services.uow() as uow:
        clerk = uow.people.by_account("telegram", "800")
        send_to_city(services, uow, Actor(clerk, None, "zh-Hans"), project_of(uow, pid))
        uow.commit()
    city = person(dispatcher, "700", "市办刘")
    city.seen += cards_for(services, "700")
    city.press("🔁 收回评审")
    assert stage(services, pid) == "review"
    assert any("收回" in r.text for r in cards_for(services, "800"))
    with services.uow() as uow:
        assert uow.projects.history(pid)[-1].transition == "city_recall"
    # The recall opens the city's own round at once; the district opens none of its own
    # (the city's round itself: tests/handlers/test_city_review.py).
    with services.uow() as uow:
        latest = uow.reviews.latest(pid)
        assert latest is not None and latest.level == "city" and latest.closed_at is None
    office.says("/project QX-2026-0002")
    labels = [b.text for row in office.seen[-1].buttons for b in row]
    assert "⚖️ 发起评审" not in labels
    refused = office.press_data(f"pr:review:{pid}")
    assert "⛔" in refused[0].text


def test_the_office_is_warned_when_a_deadline_falls_in_a_year_the_calendar_lacks(
    services: Services, office, reviewers, clock: Clock
):
    clock.now = clock.now.replace(year=2026, month=12, day=28)
    project(services, "QX-2026-0001", 20000)
    office.says("/project QX-2026-0001")
    replies = office.press("⚖️ 发起评审")
    assert any("2027" in r.text and "周一至周五" in r.text for r in replies)
