"""/application SERIAL: the 遴选申报表 (001 附件2) generated from the investor's plan, for the
district office and leaders, and for the city once the project has a city case or applied to
the city office directly (001 七(二)1)."""

from __future__ import annotations

from datetime import UTC, datetime

from documents.word import docx_text
from handlers.context import Services
from handlers.decision.city import city_form
from handlers.dispatch import Dispatcher
from handlers.intake.plans import findings_json, findings_of
from storage.tables import CityCase
from tests.handlers.conftest import person
from tests.handlers.flows import official, project
from workflow.roles import Role


def phased(s: Services, serial: str, cross_region: bool = False) -> int:
    pid = project(s, serial, 60000, land_mu=100)
    with s.uow() as uow:
        p = uow.projects.get(pid)
        assert p is not None
        plan = dict(p.plan)
        plan.update(
            investor_category="industry_leader",
            content="建设复合材料生产线及研发中心",
            land_use="purchase",
            jobs="300",
            phase_count="2",
            phases=[
                {"start": "2027-03", "end": "2028-06"},
                {"start": "2028-07", "end": "2029-12"},
            ],
            phase_figures=[
                {"land": "60", "fixed_investment": "30000", "output": "3.6", "tax": "2100"},
                {"land": "40", "fixed_investment": "18000", "output": "2.4", "tax": "1400"},
            ],
            work_safety="yes",
            land_source="existing",
            feasibility_report={"file_id": 1, "name": "可研报告.pdf"},
            contact_name="王明",
            contact_phone="13800138000",
            application_route="cross_region" if cross_region else "local",
        )
        p.plan = plan
        p.findings = findings_json(findings_of(s, plan))
        uow.session.add(p)
        uow.commit()
    return pid


def test_the_office_gets_the_form_filled_from_the_plan(services: Services):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    phased(services, "QX-2026-0007")
    office = person(Dispatcher(services), "800", "办公室王")
    (reply,) = office.says("/application QX-2026-0007")
    assert "001 附件2" in reply.text
    assert reply.document is not None and reply.document.content is not None
    assert reply.document.filename == "QX-2026-0007-遴选申报表.docx"
    text = docx_text(reply.document.content)
    assert text.startswith("清远市招商项目遴选申报表") and "受理单位：清远市清新区" in text
    assert "QX-2026-0007 项目" in text and "\n购地\n" in text
    assert "固定资产投资强度：480万元/亩" in text
    assert "第一期：2027年3月至2028年6月；用地60亩" in text and "年产值36,000万元" in text
    assert "第二期：2028年7月至2029年12月；用地40亩" in text
    assert "环保准入\n【符合】项目选址不涉及生态保护红线。〔001 四(一)〕" in text
    assert "联系人及电话\n王明 13800138000" in text
    assert "—" not in text


def test_the_city_form_restates_the_plan_and_its_screening(services: Services):
    pid = phased(services, "QX-2026-0007")
    with services.uow() as uow:
        case = CityCase(
            project_id=pid, route="approval", submitted_at=datetime(2026, 11, 20, tzinfo=UTC)
        )
        uow.decisions.add(case)
        uow.session.flush()
        lead = uow.projects.get(pid)
        assert lead is not None
        doc = city_form(services, uow, case, lead)
    text = docx_text(doc.content or b"")
    assert text.startswith("清远市招商项目遴选、评审审批表")
    for label, value in (
        ("投资主体类别", "行业龙头企业"),
        ("就业人数（人）", "300"),
        ("项目选址", "清新智能制造产业园"),
        ("计划开工时间", "2027年3月"),
        ("计划投产时间", "2028年6月"),
        ("用地类型", "□新增建设用地　　■盘活存量土地、厂房"),
        ("可行性研究报告", "■有　　□无"),
    ):
        assert f"{label}\n{value}" in text, label
    assert "环保准入\n【符合】项目选址不涉及生态保护红线。〔001 四(一)〕" in text
    assert "安全生产\n【符合】投资方承诺符合安全生产条件" in text
    assert "禁止引入类别\n经初步筛查及评审，不属于" in text
    assert "—" not in text


def test_the_city_sees_it_only_for_a_project_with_a_city_case_or_a_cross_region_one(
    services: Services,
):
    official(services, "900", "市办李", Role.CITY_OFFICE, "city_office")
    local = phased(services, "QX-2026-0007")
    phased(services, "QX-2026-0008", cross_region=True)
    city = person(Dispatcher(services), "900", "市办李")
    (refused,) = city.says("/application QX-2026-0007")
    assert refused.document is None and "QX-2026-0007" in refused.text
    (cross,) = city.says("/application QX-2026-0008")
    assert cross.document is not None and cross.document.content is not None
    text = docx_text(cross.document.content)
    assert "受理单位：清远市招商引资工作领导小组办公室" in text and "跨区域布局项目" in text
    with services.uow() as uow:
        uow.decisions.add(
            CityCase(
                project_id=local, route="approval", submitted_at=datetime(2026, 11, 20, tzinfo=UTC)
            )
        )
        uow.commit()
    (filed,) = city.says("/application QX-2026-0007")
    assert filed.document is not None


def test_no_serial_or_an_unknown_one_gets_a_clear_answer(services: Services):
    official(services, "800", "办公室王", Role.OFFICE, "office")
    office = person(Dispatcher(services), "800", "办公室王")
    (usage,) = office.says("/application")
    assert "/application QX-2026-0001" in usage.text
    (unknown,) = office.says("/application QX-2026-9999")
    assert unknown.document is None and "QX-2026-9999" in unknown.text
