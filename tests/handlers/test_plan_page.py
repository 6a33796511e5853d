"""The investor's plan as one page, on the chat's own draft: the same questions under the
same numbers, the same parser and checks with the same refusals, one draft that the chat and
the page both go on with, and one submission with the chat's confirmation."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from sqlmodel import col, select

from bot import demo_plan
from conversations.draft import Draft
from conversations.inbound import Inbound
from handlers.context import Actor, Services
from handlers.dispatch import Dispatcher
from handlers.intake import plan_page
from handlers.intake.plan_page import PlanPage, Question
from handlers.web import PageAnswer, serve_page
from storage.deployment import record_deployment_start
from storage.seed import seed_policy
from storage.tables import AuditEntry, OutboxMessage, Project
from storage.uow import UnitOfWork, UnitOfWorkFactory
from tests.conftest import Clock
from tests.handlers.conftest import Person, make_services, person
from tests.handlers.flows import cards_for, official, person_id, project
from tests.handlers.test_onboarding import register
from workflow.policy import Policy
from workflow.roles import Role

T = TypeVar("T")
INVESTOR = "101"
PAGE_SKIPS = {"brand", "feasibility_report"}  # optional: left empty from the page


@pytest.fixture
def services(uow_factory: UnitOfWorkFactory, policy: Policy, clock: Clock) -> Services:
    """The handlers' services on each backend: the chat and the page share one draft row."""
    with uow_factory() as uow:
        seed_policy(uow, policy)
        record_deployment_start(uow, clock())
        uow.commit()
    return make_services(uow_factory, policy, clock)


def web(s: Services, user_id: str, use_case: Callable[[Services, UnitOfWork, Actor], T]) -> T:
    """A page request of this person (as the Mini App's server runs it); its value."""
    got = serve(s, user_id, use_case)
    assert got.value is not None, got.refusal
    return got.value


def serve(
    s: Services, user_id: str, use_case: Callable[[Services, UnitOfWork, Actor], T]
) -> PageAnswer[T]:
    event = Inbound(user_id=user_id, chat_id=user_id, display_name="某", language_code="zh-hans")
    return serve_page(s, event, "/web/plan", use_case)


def page(s: Services, user_id: str = INVESTOR) -> PlanPage:
    return web(s, user_id, plan_page.plan_page)


def post(s: Services, step_id: str, text: str, user_id: str = INVESTOR) -> PlanPage:
    return web(s, user_id, lambda s, uow, a: plan_page.answer(s, uow, a, step_id, text))


def questions(p: PlanPage) -> dict[str, Question]:
    return {q.id: q for sec in p.sections for q in sec.questions}


def draft_of(s: Services, user_id: str = INVESTOR) -> Draft | None:
    with s.uow() as uow:
        rows = uow.drafts.of_person(person_id(uow, user_id), "plan")
        return Draft.model_validate(rows[0].data) if rows else None


def answer_for(step_id: str) -> str:
    """The demo investor's answer as the page would post it (a choice by its label, which the
    chat's parser reads as it reads a typed option)."""
    if step_id in PAGE_SKIPS:
        return ""
    return demo_plan.TYPED.get(step_id) or demo_plan.PRESSED[step_id]


def investor(dispatcher: Dispatcher, user_id: str = INVESTOR, name: str = "李明") -> Person:
    inv = person(dispatcher, user_id, name)
    register(inv)
    return inv


def test_the_page_shows_the_plan_in_annex_4_order_with_the_chats_texts(
    dispatcher: Dispatcher, services: Services
) -> None:
    inv = investor(dispatcher)
    first = inv.says("/new")[-1].text  # the chat's own first question
    p = page(services)
    codes = [sec.code for sec in p.sections]
    assert codes == [*map(str, range(1, 16)), "A", "B"]
    assert [str(sec.title) for sec in p.sections][:2] == ["投资项目名称", "项目内容"]
    q = questions(p)
    assert str(q["name"].label) in first and str(q["name"].prompt) in first
    assert str(q["name"].example) in first and q["name"].current  # the chat asks it next
    assert q["land_area"].number == "4.1" and str(q["land_area"].unit) == "亩"
    assert "机制附件4" in str(q["land_area"].help)
    assert q["total_investment"].number == "6" and q["total_investment"].lead
    assert [o.label for o in q["land_use"].options] == ["购地", "租地"]
    assert "site_other" not in q  # asked only for 其他
    chats_total = int(re.search(r"第 1/(\d+) 项", first).group(1))  # type: ignore[union-attr]
    assert p.total == chats_total >= len(q)  # the chat's steady total: every question possible
    assert p.answered == 0 and p.projects == ()


def test_with_no_draft_the_page_starts_one_as_the_chats_new_does(
    dispatcher: Dispatcher, services: Services
) -> None:
    inv = investor(dispatcher)
    assert draft_of(services) is None
    page(services)
    started = draft_of(services)
    assert started is not None and started.current == "name" and not started.answers
    with services.uow() as uow:
        row = uow.drafts.active(person_id(uow, INVESTOR), INVESTOR)
        assert row is not None and row.form_id == "plan"
    # The chat's next message answers the page's draft.
    inv.says(demo_plan.TYPED["name"])
    assert (draft_of(services) or Draft(form_id="plan")).answers["name"] == demo_plan.TYPED["name"]


def test_a_wrong_answer_is_refused_beside_its_field_with_the_chats_message(
    dispatcher: Dispatcher, services: Services
) -> None:
    inv = investor(dispatcher)
    inv.says("/new")
    before = draft_of(services)
    p = post(services, "land_area", "120平方米")
    q = questions(p)["land_area"]
    assert q.error is not None and q.value == "120平方米"
    assert draft_of(services) == before  # nothing changed
    assert sum(1 for x in questions(p).values() if x.error) == 1
    for name in ("name", "content", "investor"):
        inv.says(demo_plan.TYPED[name])
    inv.press(demo_plan.PRESSED["site"])
    chat = inv.says("120平方米")  # the chat's own refusal of the same answer
    assert str(q.error) == chat[0].text
    assert "亩" in str(q.error) and "计划用地面积" in str(q.error)


def test_a_cross_field_check_refuses_on_the_page_as_in_the_chat(
    dispatcher: Dispatcher, services: Services
) -> None:
    investor(dispatcher).says("/new")
    post(services, "total_investment", "6.5亿")
    before = draft_of(services)
    refused = questions(post(services, "fixed_investment", "7亿"))["fixed_investment"]
    assert refused.error is not None and "项目投资总额" in str(refused.error)
    assert draft_of(services) == before
    assert questions(post(services, "fixed_investment", "5.2亿"))["fixed_investment"].error is None
    assert (draft_of(services) or Draft(form_id="plan")).answers["fixed_investment"] == "52000"


def test_a_question_appears_and_disappears_as_the_answers_change(
    dispatcher: Dispatcher, services: Services
) -> None:
    investor(dispatcher).says("/new")
    p = post(services, "site", "other")  # the option's id, as the page's select posts it
    assert "site_other" in questions(p) and questions(p)["site"].picked == {"other"}
    p = post(services, "site_other", "太和镇某某村工业地块")
    p = post(services, "site", "smart_park")
    assert "site_other" not in questions(p)
    assert "site_other" not in (draft_of(services) or Draft(form_id="plan")).answers
    p = post(services, "phase_count", "2")
    assert {"phases.2.end", "phase_figures.2.tax"} <= set(questions(p))


def test_answered_in_chat_and_on_the_page_the_chat_asks_the_next_unanswered_one(
    dispatcher: Dispatcher, services: Services
) -> None:
    inv = investor(dispatcher)
    inv.says("/new")
    for name in ("name", "content", "investor"):  # three in the chat
        inv.says(demo_plan.TYPED[name])
    assert (draft_of(services) or Draft(form_id="plan")).current == "site"
    post(services, "land_area", "120")  # two on the page, the later one first
    assert (draft_of(services) or Draft(form_id="plan")).current == "site"
    p = post(services, "site", "smart_park")
    assert (draft_of(services) or Draft(form_id="plan")).current == "land_use"
    assert questions(p)["land_use"].current and p.chat_question == "4.2"
    asked = inv.says("/continue")[-1].text  # the chat goes on at the next unanswered one
    assert "用地性质" in asked
    inv.press("购地")
    d = draft_of(services) or Draft(form_id="plan")
    assert d.answers["land_use"] == "purchase" and d.answers["land_area"] == "120"
    assert d.current == "floor_area"


def test_started_in_chat_continued_on_the_page_and_submitted_in_chat(
    dispatcher: Dispatcher, services: Services
) -> None:
    inv = investor(dispatcher)
    inv.says("/new")
    for name in ("name", "content", "investor"):
        inv.says(demo_plan.TYPED[name])
    fill_on_page(services, until="contact_phone")
    d = draft_of(services) or Draft(form_id="plan")
    assert d.current == "sector"  # the page answered up to the screening part
    assert "所属行业" in inv.says("/continue")[-1].text  # back in the chat: where it goes on
    for _ in range(60):  # the rest in the chat
        d = draft_of(services) or Draft(form_id="plan")
        if d.current == "summary":
            break
        step = d.current
        if step in demo_plan.PRESSED:
            inv.press(demo_plan.PRESSED[step])
        elif step == "feasibility_report":
            inv.press("跳过")
        else:
            inv.says(demo_plan.TYPED[step])
    done = inv.press("✅ 提交")
    assert any("QX-2026-0001" in r.text for r in done)
    with services.uow() as uow:
        made = uow.session.exec(select(Project)).one()
        assert made.plan["land_area"] == "120" and made.plan["name"] == demo_plan.TYPED["name"]
        assert made.investor_person_id == person_id(uow, INVESTOR)


def test_submitted_from_the_page_the_project_is_made_and_the_chat_told(
    dispatcher: Dispatcher, services: Services
) -> None:
    official(services, "900", "办公室", Role.OFFICE, "office")
    investor(dispatcher).says("/new")
    post(services, "name", demo_plan.TYPED["name"])
    early = web(services, INVESTOR, plan_page.submit)
    assert not early.submitted and "暂不能提交" in str(early.notice[0])
    assert "2. 项目内容" in str(early.notice[0])  # numbered as the chat numbers it
    assert questions(early)  # the form stays
    fill_on_page(services)
    d = draft_of(services)
    assert d is not None and d.current == "summary"
    ready = page(services)
    assert ready.screening is not None and "对照入园标准" in str(ready.screening)
    done = web(services, INVESTOR, plan_page.submit)
    assert done.submitted and "QX-2026-0001" in str(done.notice[0])
    assert [x.serial for x in done.projects] == ["QX-2026-0001"]
    assert draft_of(services) is None
    told = cards_for(services, INVESTOR)
    assert any("投资项目计划书已提交" in r.text and "QX-2026-0001" in r.text for r in told)
    assert any("QX-2026-0001" in r.text for r in cards_for(services, "900"))  # the office
    with services.uow() as uow:
        made = uow.session.exec(select(Project)).one()
        assert made.stage == "lead" and made.findings
        rows = uow.session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "submit_plan")
        ).all()
        assert len(rows) == 1


def test_an_investor_sees_only_their_own_projects(
    dispatcher: Dispatcher, services: Services
) -> None:
    investor(dispatcher)
    investor(dispatcher, "102", "王五")
    with services.uow() as uow:
        mine, theirs = person_id(uow, INVESTOR), person_id(uow, "102")
    project(services, "QX-2026-0001", 5000, stage="confirmed", investor_id=mine)
    project(services, "QX-2026-0002", 8000, stage="review", investor_id=theirs)
    project(services, "QX-2026-0003", 9000, stage="lead")
    assert [x.serial for x in page(services).projects] == ["QX-2026-0001"]
    assert [x.serial for x in page(services, "102").projects] == ["QX-2026-0002"]


def test_who_may_not_fill_in_a_plan_in_chat_is_refused_and_audited(
    services: Services,
) -> None:
    official(services, "501", "办公室", Role.OFFICE, "office")
    for use_case in (
        plan_page.plan_page,
        lambda s, uow, a: plan_page.answer(s, uow, a, "name", "x"),
        plan_page.submit,
    ):
        got: PageAnswer[Any] = serve(services, "501", use_case)
        assert got.refused and got.refusal == services.renderer.message(
            "zh-Hans", "common#not_allowed"
        )
    with services.uow() as uow:
        rows = uow.session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "refused:form:plan")
        ).all()
        assert [(r.allowed, r.actor_external) for r in rows] == [(False, "501")] * 3
        assert not uow.session.exec(select(OutboxMessage)).all()


def test_a_paused_plan_stays_paused_and_the_chat_resumes_where_the_page_left_it(
    dispatcher: Dispatcher, services: Services
) -> None:
    inv = investor(dispatcher)
    inv.says("/new")
    inv.says(demo_plan.TYPED["name"])
    inv.says("/cancel")  # paused
    post(services, "content", demo_plan.TYPED["content"])
    d = draft_of(services) or Draft(form_id="plan")
    assert d.paused and d.current == "investor" and "content" in d.answers
    assert "投资方" in inv.says("/continue")[-1].text


def test_the_chats_questions_offer_the_page_when_the_mini_app_is_served(
    dispatcher: Dispatcher, services: Services
) -> None:
    from dataclasses import replace

    inv = investor(dispatcher)
    plain = inv.says("/new")[-1]
    assert not [b for row in plain.buttons for b in row if b.web_app]
    served = Dispatcher(replace(services, web_url="https://bot.example.org/web/"))
    inv.dispatcher = served
    asked = inv.says(demo_plan.TYPED["name"])[-1]
    buttons = [b for row in asked.buttons for b in row if b.web_app]
    assert [(b.text, b.web_app) for b in buttons] == [
        ("📋 在网页中填写", "https://bot.example.org/web/?open=plan")
    ]


def fill_on_page(services: Services, until: str | None = None) -> None:
    """Answer on the page whatever the chat would ask next, up to the summary (or up to and
    including the step `until`)."""
    for _ in range(80):
        d = draft_of(services)
        assert d is not None
        if d.current == "summary":
            return
        step = d.current
        p = post(services, step, answer_for(step))
        assert not any(q.error for q in questions(p).values()), step
        if step == until:
            return
    raise AssertionError("the plan never reached its summary")
