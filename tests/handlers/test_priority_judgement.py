"""Priority conditions the documents leave to the office (001 五(三) 单体 when the plan does not
say, 五(八) with no figures): the office judges them on the card, with its reasons, and only
once the project meets the basic requirements (001 五, "符合引入基本要求")."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.intake.plans import findings_json, findings_of
from storage.tables import AuditEntry, ProjectNote
from tests.handlers.conftest import Person, person
from tests.handlers.flows import official, project, project_of
from workflow.roles import Role

OFFICE = "800"
EXPANSION = "🟢 认定优先引入第8条"


@pytest.fixture
def office(services: Services, dispatcher: Dispatcher) -> Person:
    official(services, OFFICE, "办公室王", Role.OFFICE, "office")
    return person(dispatcher, OFFICE, "办公室王")


def expansion(s: Services, serial: str, **answers: str) -> int:
    """A capacity expansion (增资扩产) whose entry questions are all answered yes."""
    pid = project(s, serial, 20000)
    with s.uow() as uow:
        p = project_of(uow, pid)
        plan: dict[str, Any] = {
            **p.plan,
            "expansion": "yes",
            "work_safety": "yes",
            "planning_eia": "yes",
            "environment_negative_list": "no",
            **answers,
        }
        p.plan, p.findings = plan, findings_json(findings_of(s, plan))
        uow.session.add(p)
        uow.commit()
    return pid


def labels(person: Person) -> list[str]:
    return [b.text for row in person.seen[-1].buttons for b in row]


def test_the_office_judges_a_capacity_expansion_a_priority_with_its_reasons(
    services: Services, office: Person
):
    pid = expansion(services, "QX-2026-0001")
    office.says("/project QX-2026-0001")
    assert EXPANSION in labels(office)
    office.press(EXPANSION)
    office.says("新增用地仅20亩，亩均产值、亩均税收均为园区平均水平的两倍以上。")
    replies = office.press("✅ 提交")
    assert any("已认定 QX-2026-0001" in r.text for r in replies)
    with services.uow() as uow:
        p = project_of(uow, pid)
        assert p.priority is True
        judged = [f for f in p.findings if f["code"] == "priority"]
        assert [f["params"]["number"] for f in judged] == [8]
        assert not [f for f in p.findings if f["code"] == "priority_question"]
        notes = uow.session.exec(select(ProjectNote).where(ProjectNote.kind == "priority"))
        assert [n.text[:4] for n in notes] == ["新增用地"]
        audit = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "priority_judged"))
        assert len(list(audit)) == 1
    assert EXPANSION not in labels(office)  # judged once; the card no longer asks


def test_no_priority_is_judged_while_a_basic_requirement_is_open(
    services: Services, office: Person
):
    pid = expansion(services, "QX-2026-0001", planning_eia="unsure")
    office.says("/project QX-2026-0001")
    assert EXPANSION not in labels(office)
    refused = office.press_data(f"pr:prio:{pid}:8")
    assert "引入基本要求尚未全部核实达到" in refused[0].text
    with services.uow() as uow:
        assert project_of(uow, pid).priority is False


def test_a_project_below_the_indicators_is_never_judged_a_priority(
    services: Services, office: Person
):
    pid = project(services, "QX-2026-0001", 20000, land_mu=200)  # 80 万元/亩: prohibited
    with services.uow() as uow:
        p = project_of(uow, pid)
        plan = {**p.plan, "expansion": "yes"}
        p.plan, p.findings = plan, findings_json(findings_of(services, plan))
        uow.session.add(p)
        uow.commit()
    office.says("/project QX-2026-0001")
    assert EXPANSION not in labels(office)
    assert "不能认定为优先引入" in office.press_data(f"pr:prio:{pid}:8")[0].text


def test_a_condition_that_is_not_open_or_a_second_judgement_is_refused(
    services: Services, office: Person
):
    pid = expansion(services, "QX-2026-0001")
    assert "没有待办公室研判的优先引入第3条" in office.press_data(f"pr:prio:{pid}:3")[0].text
    office.press_data(f"pr:prio:{pid}:8")
    office.says("新增用地仅20亩，亩均产值、亩均税收均为园区平均水平的两倍以上。")
    office.press("✅ 提交")
    assert "已是优先引入项目" in office.press_data(f"pr:prio:{pid}:8")[0].text
