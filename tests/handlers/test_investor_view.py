"""What the investor sees: their figures against the published standards, what is missing and
what happens next; the city routing, the leaders' follow-up, priority and 高层联络 stay with the
officials. And every timeline (the office's card, /project, /my) is in time order."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.timeline import STAGE, Event, in_time_order
from storage.tables import CityAction, CityCase, OutboxMessage
from tests.conftest import TEST_NOW
from tests.handlers.conftest import Clock, person
from tests.handlers.flows import official, person_id, project
from tests.handlers.test_onboarding import register
from tests.handlers.test_plan_screening import fill_plan
from workflow.roles import Role

INTERNAL = ("市常务副组长审批", "跟踪服务", "分头联系", "高层联络", "优先引入")


def test_the_investor_sees_the_park_standards_before_submitting_and_the_office_the_routing(
    services: Services, dispatcher: Dispatcher
):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    inv = person(dispatcher, "101", "李明")
    register(inv)
    summary = "\n".join(fill_plan(inv, services.uow))  # the demo plan: 6.5亿, priority
    assert "对照入园标准和引入要求" in summary
    assert "固定资产投资强度 433.33万元/亩，达到 380万元/亩 的标准" in summary
    assert "提交之后" in summary and "纳入招商项目信息库" in summary
    for internal in INTERNAL:
        assert internal not in summary, internal
    submitted = "\n".join(r.text for r in inv.press("✅ 提交"))
    serial = "QX-2026-0001"
    assert serial in submitted
    for internal in INTERNAL:
        assert internal not in submitted, internal

    with services.uow() as uow:
        told = uow.session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "800"))
        office_notice = "\n".join(m.payload["text"] for m in told)
    assert "市常务副组长审批" in office_notice and "高层联络" in office_notice
    card = person(dispatcher, "800", "办公室王").says(f"/project {serial}")[-1].text
    assert "市常务副组长审批" in card and "区四套班子领导分头联系" in card
    assert "高层联络条件第2条" in card

    mine = inv.says(f"/project {serial}")[-1].text
    assert "初步筛查" not in mine
    for internal in INTERNAL:
        assert internal not in mine, internal
    listing = inv.says("/my")[-1].text
    assert serial in listing and "① 信息收集" in listing


def returned_by_the_city(services: Services, clock: Clock, pid: int) -> None:
    """A project's way, days apart: ① → ② → ④ review → ④ decision → to the city, which
    approves once and then returns it with a comment."""
    for stage, days in (("confirmed", 2), ("review", 5), ("decision", 7), ("city", 3)):
        clock.advance(days=days)
        with services.uow() as uow:
            p = uow.projects.get(pid)
            assert p is not None
            uow.projects.move(p, stage, stage, None)
            uow.commit()
    clock.advance(days=2)
    with services.uow() as uow:
        case = CityCase(project_id=pid, route="two_level")
        uow.decisions.add(case)
        uow.decisions.add(CityAction(case_id=case.id or 0, action="approve"))
        uow.commit()
    clock.advance(days=10)
    with services.uow() as uow:
        p = uow.projects.get(pid)
        assert p is not None
        uow.projects.add_note(pid, "city_return", "请补充节能审查意见", None)
        uow.projects.move(p, "decision", "city_return", None, note="请补充节能审查意见")
        uow.commit()


def test_a_city_return_is_listed_after_the_review_it_followed(
    services: Services, dispatcher: Dispatcher, clock: Clock
):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    official(services, "330", "张国力", Role.LEADER, "district_gov")
    inv = person(dispatcher, "101", "李明")
    register(inv)
    with services.uow() as uow:
        investor = person_id(uow, "101")
    pid = project(services, "QX-2026-0007", 65000, stage="lead", investor_id=investor)
    returned_by_the_city(services, clock, pid)

    card = person(dispatcher, "800", "办公室王").says("/project QX-2026-0007")[-1].text
    order = _in_order(
        card,
        "④ 项目评审",
        "④ 项目决策",
        "报市备案/审批",
        "市领导小组常务副组长同意",
        "市里退回：请补充节能审查意见",
    )
    assert order, card
    assert card.rindex("④ 项目决策") > card.index("市里退回")  # why, then back to the meeting
    detail = person(dispatcher, "330", "张国力").says("/project QX-2026-0007")[-1].text
    assert _in_order(detail, "① 信息收集", "④ 项目评审", "市领导小组常务副组长同意", "市里退回")

    mine = inv.says("/my")[-1].text
    assert _in_order(mine, "① 信息收集", "② 信息确认", "④ 项目评审", "报市备案/审批")
    assert "市里退回" not in mine and "常务副组长" not in mine  # the city's steps are internal


def test_events_at_one_instant_keep_their_order_and_later_ones_follow():
    at = TEST_NOW
    events = [
        Event(at + timedelta(days=1), STAGE, stage="review"),
        Event(at, STAGE, stage="lead"),
        Event(at, "negotiation", text="first"),
        Event(at, "negotiation", text="second"),
    ]
    ordered = in_time_order(events)
    assert [e.stage or e.text for e in ordered] == ["lead", "first", "second", "review"]


def _in_order(text: str, *needles: str) -> bool:
    """Whether every needle is in the text, each first seen after the one before."""
    at = -1
    for needle in needles:
        found = text.find(needle, at + 1)
        if found < 0:
            return False
        at = found
    return True
