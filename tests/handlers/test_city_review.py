"""The city group's part through the handlers (001 七): filing is enough to sign; a recall opens
the city's own round for the city's reviewers; a third-party pre-review is kept with its
report; a cross-region project applies to the city office, which accepts and reviews it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from conversations.forms.agreement import AGREEMENT_FORM
from conversations.replies import Reply
from handlers.context import Actor, Services
from handlers.decision.city import send_to_city
from handlers.dispatch import Dispatcher
from handlers.sweeps import run_all
from storage.tables import (
    AuditEntry,
    CityAction,
    Meeting,
    MeetingItem,
    OutboxMessage,
    PreReview,
    StoredFile,
)
from tests.conftest import Clock
from tests.handlers.conftest import Person, person
from tests.handlers.flows import cards_for, official, person_id, project, project_of
from workflow.roles import Role

OFFICE, CITY_OFFICE, DEPUTY = "800", "700", "701"


@pytest.fixture
def office(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, OFFICE, "办公室王", Role.OFFICE, "office")
    return person(dispatcher, OFFICE, "办公室王")


@pytest.fixture
def city(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, CITY_OFFICE, "市办刘", Role.CITY_OFFICE, "city_office")
    official(services, DEPUTY, "市常务副组长", Role.CITY_EXEC_DEPUTY, "city_group")
    return person(dispatcher, CITY_OFFICE, "市办刘")


@pytest.fixture
def city_reviewers(services: Services, dispatcher: Dispatcher) -> dict[str, Person]:
    """One city reviewer per dimension, invited for it (001 names no city units)."""
    team = {}
    for i, dim in enumerate(services.policy.review_dimensions):
        uid = str(3000 + i)
        official(services, uid, f"市级{dim.name}", Role.CITY_REVIEWER, "city_group", dim.id)
        team[dim.id] = person(dispatcher, uid, f"市级{dim.name}")
    return team


@pytest.fixture
def district_reviewer(services: Services, dispatcher: Dispatcher) -> Person:
    dim = services.policy.review_dimensions[0]
    official(services, "1000", "区评审", Role.REVIEWER, dim.lead_unit, dim.id)
    return person(dispatcher, "1000", "区评审")


def decided(s: Services, serial: str, total_wan: int, stage: str = "city") -> int:
    """A project the joint meeting approved (准予落户), sent to the city by the office."""
    pid = project(s, serial, total_wan, stage=stage)
    with s.uow() as uow:
        meeting = Meeting(title="联席会议", scheduled_at=s.clock() - timedelta(days=1))
        uow.session.add(meeting)
        uow.session.flush()
        uow.session.add(
            MeetingItem(
                meeting_id=meeting.id or 0,
                project_id=pid,
                decision="approved",
                decided_at=s.clock(),
            )
        )
        clerk = uow.people.by_account("telegram", OFFICE)
        send_to_city(s, uow, Actor(clerk, None, "zh-Hans"), project_of(uow, pid))
        uow.commit()
    return pid


def stage(s: Services, pid: int) -> str:
    with s.uow() as uow:
        return project_of(uow, pid).stage


def labels(reply: Reply) -> list[str]:
    return [b.text for row in reply.buttons for b in row]


def buttons_of(s: Services, chat: str, prefix: str) -> list[str]:
    return [
        b.data or ""
        for r in cards_for(s, chat)
        for row in r.buttons
        for b in row
        if (b.data or "").startswith(prefix)
    ]


def agreement_open(s: Services, pid: int) -> bool:
    with s.uow() as uow:
        who = person_id(uow, OFFICE)
        return uow.drafts.find(who, OFFICE, AGREEMENT_FORM.id, str(pid)) is not None


def refusals(s: Services) -> list[str]:
    with s.uow() as uow:
        rows = uow.session.exec(select(AuditEntry).where(AuditEntry.allowed == False))  # noqa: E712
        return [r.action for r in rows]


def give_city_opinions(s: Services, team: dict[str, Person], disagree: str | None = None) -> None:
    """Every city reviewer answers the prohibited categories 不属于 and agrees (or, for the
    dimension `disagree`, disagrees with a reason)."""
    for dim_id, reviewer in team.items():
        reviewer.seen += cards_for(s, reviewer.user_id)
        for _ in s.policy.confirmations(dim_id):
            reviewer.press("🟢 不属于")
        if dim_id == disagree:
            reviewer.press("❌ 不同意")
            reviewer.says("不符合生态环境准入要求。")
            reviewer.press("跳过")
            reviewer.press("✅ 提交")
        else:
            reviewer.press("✅ 同意")


def conclude_as_city(s: Services, city: Person, action: str) -> list[Reply]:
    data = buttons_of(s, city.user_id, f"rc:{action}:")
    assert data, "the city office has no conclusion card"
    city.seen += cards_for(s, city.user_id)
    return city.confirms(data[-1])  # 结束评审 is asked first: 确认


# -- filing is enough to sign (001 七(三)) -------------------------------------------------------


def test_a_project_below_3yi_filed_with_the_city_may_sign_before_the_city_acknowledges(
    services: Services, office: Person, city: Person
):
    pid = decided(services, "QX-2026-0001", 29999)
    assert stage(services, pid) == "city"
    office.says("/project QX-2026-0001")
    assert "✍️ 登记签约" in labels(office.seen[-1])
    replies = office.press("✍️ 登记签约")
    assert not any("⛔" in r.text for r in replies)
    assert agreement_open(services, pid)
    with services.uow() as uow:
        assert uow.decisions.latest_city_case(pid).status == "pending"  # type: ignore[union-attr]


def test_the_city_office_receives_the_application_form_with_the_filing_form(
    services: Services, office: Person, city: Person
):
    decided(services, "QX-2026-0001", 29999)
    with services.uow() as uow:
        files = [
            uow.outbox.file(m.file_id).filename  # type: ignore[union-attr]
            for m in uow.session.exec(
                select(OutboxMessage).where(OutboxMessage.chat_id == CITY_OFFICE)
            )
            if m.file_id is not None
        ]
    assert len(files) == 2 and any("申报表" in f for f in files), files


def test_a_project_of_exactly_3yi_cannot_sign_before_the_citys_approval(
    services: Services, office: Person, city: Person
):
    pid = decided(services, "QX-2026-0001", 30000)
    office.says("/project QX-2026-0001")
    assert "✍️ 登记签约" not in labels(office.seen[-1])
    refused = office.press_data(f"pr:sign:{pid}")
    assert "只有经市招商引资工作领导小组评审通过、审批通过或已向领导小组备案" in refused[0].text
    assert not agreement_open(services, pid)
    assert stage(services, pid) == "city"


def test_the_citys_acknowledgement_after_signing_is_only_recorded(
    services: Services, office: Person, city: Person
):
    pid = decided(services, "QX-2026-0001", 20000)
    with services.uow() as uow:
        project_of(uow, pid).stage = "signed"  # the district signed on the filing
        uow.commit()
    city.seen += cards_for(services, CITY_OFFICE)
    replies = city.confirms("✅ 确认收到备案")
    assert "已签约" in replies[0].text
    assert not replies[0].buttons  # no recall once signed
    assert stage(services, pid) == "signed"
    with services.uow() as uow:
        case = uow.decisions.latest_city_case(pid)
        assert case is not None and case.status == "cleared"
        case_id = case.id or 0
        actions = [a.action for a in uow.decisions.city_actions(case_id)]
        assert actions == ["acknowledge"]
    again = city.press_data(f"cy:ack:{case_id}")
    assert "已办结" in again[0].text
    refused = city.press_data(f"cy:recall:{case_id}")
    assert "⛔" in refused[0].text and stage(services, pid) == "signed"


def test_an_acknowledged_filing_may_still_be_recalled_before_signing(
    services: Services, office: Person, city: Person, city_reviewers: dict[str, Person]
):
    pid = decided(services, "QX-2026-0001", 20000)
    city.seen += cards_for(services, CITY_OFFICE)
    acked = city.confirms("✅ 确认收到备案")
    assert stage(services, pid) == "cleared"
    assert "🔁 收回评审" in labels(acked[0])
    city.press("🔁 收回评审")
    assert stage(services, pid) == "review"


# -- the city's own review (001 七(二)2) ----------------------------------------------------------


def test_a_recall_opens_the_citys_round_for_the_citys_reviewers_only(
    services: Services,
    office: Person,
    city: Person,
    city_reviewers: dict[str, Person],
    district_reviewer: Person,
):
    pid = decided(services, "QX-2026-0002", 50000)
    deputy = person(city.dispatcher, DEPUTY, "市常务副组长")
    deputy.seen += cards_for(services, DEPUTY)
    replies = deputy.press("🔁 收回评审")
    assert stage(services, pid) == "review"
    assert any("市级评审已开始" in r.text for r in replies)
    with services.uow() as uow:
        rnd = uow.reviews.latest(pid)
        assert rnd is not None and rnd.level == "city" and rnd.closed_at is None
        round_id = rnd.id or 0
        opinions = uow.reviews.opinions(round_id)
        assert {o.reviewer_id for o in opinions} == {
            person_id(uow, r.user_id) for r in city_reviewers.values()
        }
    for reviewer in city_reviewers.values():
        assert buttons_of(services, reviewer.user_id, "rv:"), reviewer.name
    assert not buttons_of(services, district_reviewer.user_id, "rv:")
    assert any("收回" in r.text for r in cards_for(services, OFFICE))
    assert buttons_of(services, CITY_OFFICE, f"rp:urge:{round_id}")  # the city runs it
    assert not buttons_of(services, OFFICE, "rp:")
    # The district office sees it but does not run it, nor open a round of its own.
    refused = office.press_data(f"rp:urge:{round_id}")
    assert "⛔" in refused[0].text
    office.says("/project QX-2026-0002")
    assert "⚖️ 发起评审" not in labels(office.seen[-1])
    card = cards_for(services, city_reviewers["environment"].user_id)[0]
    assert "⛔" in district_reviewer.press_data(card.buttons[-1][0].data or "")[0].text
    assert "refused:review_level" in refusals(services)


def test_the_citys_round_passed_goes_back_to_the_citys_approval(
    services: Services, office: Person, city: Person, city_reviewers: dict[str, Person]
):
    pid = decided(services, "QX-2026-0002", 50000)  # 5亿: the 常务副组长 approves
    deputy = person(city.dispatcher, DEPUTY, "市常务副组长")
    deputy.seen += cards_for(services, DEPUTY)
    deputy.press("🔁 收回评审")
    give_city_opinions(services, city_reviewers)
    conclude_as_city(services, city, "pass")
    assert stage(services, pid) == "city"
    with services.uow() as uow:
        case = uow.decisions.latest_city_case(pid)
        assert case is not None and case.status == "pending" and case.route == "approval"
        assert uow.reviews.latest(pid).outcome == "passed"  # type: ignore[union-attr]
    deputy_cards = [r for r in cards_for(services, DEPUTY) if "市级评审" in r.text]
    assert deputy_cards and "✅ 同意" in labels(deputy_cards[-1])
    assert any("市级评审通过" in r.text for r in cards_for(services, OFFICE))
    refused = office.press_data(f"pr:sign:{pid}")  # approval, not review, clears it to sign
    assert "⛔" in refused[0].text


def test_the_citys_round_failed_means_not_introduced_and_the_district_is_told(
    services: Services, office: Person, city: Person, city_reviewers: dict[str, Person]
):
    pid = decided(services, "QX-2026-0002", 20000)
    city.seen += cards_for(services, CITY_OFFICE)
    city.press("🔁 收回评审")
    give_city_opinions(services, city_reviewers, disagree="environment")
    conclude_as_city(services, city, "fail")
    assert stage(services, pid) == "rejected"
    assert any("不予引进" in r.text for r in cards_for(services, OFFICE))


def test_the_district_office_cannot_conclude_the_citys_round(
    services: Services, office: Person, city: Person, city_reviewers: dict[str, Person]
):
    pid = decided(services, "QX-2026-0002", 20000)
    city.seen += cards_for(services, CITY_OFFICE)
    city.press("🔁 收回评审")
    give_city_opinions(services, city_reviewers)
    data = buttons_of(services, CITY_OFFICE, "rc:pass:")[-1]
    refused = office.press_data(data)
    assert "⛔" in refused[0].text
    assert stage(services, pid) == "review"


def test_a_third_party_pre_review_is_recorded_with_its_report(
    services: Services, office: Person, city: Person, city_reviewers: dict[str, Person]
):
    pid = decided(services, "QX-2026-0002", 20000)
    city.seen += cards_for(services, CITY_OFFICE)
    city.press("🔁 收回评审")
    city.press("📑 记录第三方预审")
    city.says("广东某某工程咨询有限公司")
    report = b"%PDF-1.4 pre-review report"
    city.sends_file("预审报告.pdf", "application/pdf", len(report), content=report)
    city.says("符合引入基本要求，建议关注用地规模。")
    assert "请核对第三方预审记录" in city.text
    done = city.press("✅ 提交")
    assert any("已记录" in r.text for r in done)
    with services.uow() as uow:
        rows = uow.decisions.pre_reviews(pid)
        assert [(r.body, r.summary) for r in rows] == [
            ("广东某某工程咨询有限公司", "符合引入基本要求，建议关注用地规模。")
        ]
        stored = uow.session.get(StoredFile, rows[0].report_file_id)
        assert stored is not None and services.files.read(stored) == report
        sent = uow.session.exec(
            select(OutboxMessage).where(OutboxMessage.file_id == rows[0].report_file_id)
        ).all()
        assert {m.chat_id for m in sent} == {r.user_id for r in city_reviewers.values()}
        rnd_id = rows[0].round_id
    # Nobody else records one, and not once the round is closed.
    assert "⛔" in office.press_data(f"cr:pre:{rnd_id}")[0].text
    give_city_opinions(services, city_reviewers)
    conclude_as_city(services, city, "pass")
    closed = city.press_data(f"cr:pre:{rnd_id}")
    assert "没有进行中的市级评审" in closed[0].text
    with services.uow() as uow:
        assert len(uow.session.exec(select(PreReview)).all()) == 1


# -- cross-region projects (001 七(二)1(2)) -------------------------------------------------------


def cross_region(s: Services, serial: str) -> int:
    from handlers.decision.city_round import offer_cross_region

    pid = project(s, serial, 20000, stage="lead")
    with s.uow() as uow:
        p = project_of(uow, pid)
        p.plan = {**p.plan, "application_route": "cross_region"}
        uow.session.add(p)
        offer_cross_region(s, uow, p)
        uow.commit()
    return pid


def test_a_cross_region_project_is_accepted_and_reviewed_by_the_city_office(
    services: Services, office: Person, city: Person, city_reviewers: dict[str, Person]
):
    pid = cross_region(services, "QX-2026-0003")
    assert any("跨区域布局项目" in r.text for r in cards_for(services, OFFICE))
    office.says("/project QX-2026-0003")
    assert not {"✅ 确认入库", "↩️ 退回补充", "⚖️ 发起评审"} & set(labels(office.seen[-1]))
    for action in ("confirm", "ret", "neg", "team"):
        refused = office.press_data(f"pr:{action}:{pid}")
        assert "跨区域布局项目向市招商引资工作领导小组办公室申请" in refused[0].text
    assert stage(services, pid) == "lead"
    city.seen += cards_for(services, CITY_OFFICE)
    city.press("✅ 受理")
    assert stage(services, pid) == "confirmed"
    again = city.press_data(f"cr:acc:{pid}")  # a second press changes nothing
    assert "⛔" in again[0].text and stage(services, pid) == "confirmed"
    city.press("⚖️ 组织市级评审")
    assert stage(services, pid) == "review"
    for reviewer in city_reviewers.values():
        assert buttons_of(services, reviewer.user_id, "rv:"), reviewer.name
    give_city_opinions(services, city_reviewers)
    conclude_as_city(services, city, "pass")
    assert stage(services, pid) == "cleared"  # 评审通过 by the city: it may sign
    office.says("/project QX-2026-0003")
    office.press("✍️ 登记签约")
    assert agreement_open(services, pid)


def test_a_district_project_is_not_the_city_offices_to_accept(
    services: Services, office: Person, city: Person
):
    pid = project(services, "QX-2026-0004", 20000, stage="lead")
    refused = city.press_data(f"cr:acc:{pid}")
    assert "⛔" in refused[0].text and stage(services, pid) == "lead"


def test_the_investor_applies_as_cross_region_in_the_plan(
    services: Services, dispatcher: Dispatcher, city: Person
):
    from bot import demo_plan
    from tests.handlers.test_onboarding import register
    from tests.handlers.test_plan_journey import answer, current_step

    investor = person(dispatcher, "101", "李明")
    register(investor)
    investor.says("/new")
    while (step := current_step(services.uow, "101")) != "summary":
        assert step is not None, "the investor has no open plan"
        if step == "application_route":
            assert demo_plan.PRESSED[step] in labels(investor.seen[-1])
            investor.press("跨区域布局项目，向市领导小组办公室申请")
        else:
            answer(investor, step)
    told = investor.press("✅ 提交")[0].text
    assert "清远市招商引资工作领导小组办公室受理" in told  # the investor knows who handles it
    with services.uow() as uow:
        submitted = project_of(uow, 1)
        assert submitted.plan["application_route"] == "cross_region"
    assert buttons_of(services, CITY_OFFICE, "cr:acc:1")


def test_a_city_reviewer_is_invited_for_a_dimension(
    services: Services, dispatcher: Dispatcher, office: Person
):
    office.says("/invite")
    office.press("市级评审人员")
    link = office.press(services.policy.review_dimensions[1].name)
    assert "https://t.me/" in link[0].text
    with services.uow() as uow:
        rows = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "invite")).all()
        assert rows[-1].to_value == "city_reviewer"
        assert rows[-1].note == f"city_group/{services.policy.review_dimensions[1].id}"


def test_city_actions_are_recorded_per_case(services: Services, office: Person, city: Person):
    pid = decided(services, "QX-2026-0001", 20000)
    city.seen += cards_for(services, CITY_OFFICE)
    city.confirms("✅ 确认收到备案")
    with services.uow() as uow:
        assert [a.action for a in uow.session.exec(select(CityAction)).all()] == ["acknowledge"]
    assert stage(services, pid) == "cleared"


def test_an_overdue_opinion_in_the_citys_round_is_told_to_the_city_office_not_the_district(
    services: Services,
    office: Person,
    city: Person,
    city_reviewers: dict[str, Person],
    clock: Clock,
):
    official(services, "600", "环保局温局长", Role.UNIT_HEAD, "environment")
    pid = decided(services, "QX-2026-0002", 50000)
    deputy = person(city.dispatcher, DEPUTY, "市常务副组长")
    deputy.seen += cards_for(services, DEPUTY)
    deputy.press("🔁 收回评审")
    with services.uow() as uow:
        rnd = uow.reviews.latest(pid)
        assert rnd is not None
        deadline = rnd.deadline
    while clock.now.date() <= deadline + timedelta(days=4):  # past it, over a weekend too
        clock.advance(days=1)
        run_all(services)
        run_all(services)

    def overdue(chat: str) -> list[Reply]:
        return [r for r in cards_for(services, chat) if "评审逾期" in r.text]

    assert overdue(CITY_OFFICE)  # each pending city opinion, once
    assert len(overdue(CITY_OFFICE)) == len({r.text for r in overdue(CITY_OFFICE)})
    assert not overdue(OFFICE) and not overdue("600")


def test_the_citys_reviewers_see_every_opinion_once_the_citys_round_is_closed(
    services: Services,
    office: Person,
    city: Person,
    city_reviewers: dict[str, Person],
    district_reviewer: Person,
):
    pid = decided(services, "QX-2026-0002", 50000)
    deputy = person(city.dispatcher, DEPUTY, "市常务副组长")
    deputy.seen += cards_for(services, DEPUTY)
    deputy.press("🔁 收回评审")
    with services.uow() as uow:
        rnd = uow.reviews.latest(pid)
        assert rnd is not None
        opinion = uow.reviews.opinions(rnd.id or 0)[0].id
    reviewer = next(iter(city_reviewers.values()))
    refused = ("⛔", "🔒")
    assert reviewer.press_data(f"rv:all:{opinion}")[0].text.startswith("🔒")  # while open
    assert not city.press_data(f"rv:all:{opinion}")[0].text.startswith(refused)  # it runs it
    give_city_opinions(services, city_reviewers)
    conclude_as_city(services, city, "pass")
    assert not reviewer.press_data(f"rv:all:{opinion}")[0].text.startswith(refused)
    assert district_reviewer.press_data(f"rv:all:{opinion}")[0].text.startswith(refused)
