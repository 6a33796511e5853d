"""The investor's 投资项目计划书 (附件4) as a conversation: every item asked, units understood,
the parts never above their wholes, the phases in order, and the summary ready to submit."""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal

import pytest
from form_kit import POLICY, Driver

from conversations.answers import form_values, visible_steps
from conversations.fields import SUMMARY, Choice, Kind
from conversations.forms.plan import PLAN_FORM, plan_options
from conversations.step import FormContext
from conversations.views import View


def answer_with_example(d: Driver) -> None:
    """Answer the current question with its template example or first option; skip a file."""
    view = View(PLAN_FORM, d.ctx)
    s = view.step(d.draft)
    if s.field.kind in (Kind.CHOICE, Kind.YES_NO):
        d.press(f"f:c:{s.id}:0")
    elif s.field.kind is Kind.FILE:
        d.press(f"f:skip:{s.id}")
    else:
        d.text(html.unescape(view.field_text("example", s)))
    assert d.result is not None and d.result.changed, d.out


def fill_with_examples(d: Driver, stop_at: str | None = None) -> None:
    """Answer with examples until the summary, or until the question `stop_at`."""
    for _ in range(200):
        if d.draft.current in (SUMMARY, stop_at):
            return
        answer_with_example(d)
    raise AssertionError("the form never ended")


@pytest.fixture
def plan(make_ctx: Callable[..., FormContext]) -> Driver:
    """A driver on the plan form, started, in Chinese."""
    d = Driver(PLAN_FORM, make_ctx())
    d.cmd("start")
    return d


def test_plan_options_come_from_any_policy_like_object() -> None:
    options = plan_options(POLICY)
    assert options["sites"][0] == Choice("taihe", "太和镇")
    assert [c.label for c in options["sectors"]] == ["汽车零配件", "新材料", "生物医药"]
    assert options["investor_categories"][-1] == Choice("other", "其他")


def test_every_item_of_annex_4_is_asked() -> None:
    asked = {f.id for f in PLAN_FORM.fields}
    annex4 = {
        "name",
        "content",
        "investor",
        "site",
        "land_area",
        "land_use",
        "floor_area",
        "plant_area",
        "office_area",
        "plant_structure",
        "total_investment",
        "fixed_investment",
        "land_investment",
        "plant_investment",
        "equipment_investment",
        "phase_count",
        "construction_months",
        "phases",
        "transformer_kva",
        "daily_water",
        "jobs",
        "brand",
        "products",
        "domestic_share",
        "annual_output",
        "annual_output_value",
        "annual_tax",
        "materials_equipment",
        "process_flow",
        "pollution_treatment",
        "investor_profile",
        "other_info",
        "project_lead",
        "contact_name",
        "contact_phone",
    }
    screening = {
        "sector",
        "investor_category",
        "high_tech",
        "famous_brand",
        "automation_rate",
        "rd_staff_share",
        "phd_lead",
        "rd_platform",
        "headquarters",
        "encouraged_category",
        "expansion",
        "eco_red_line",
        "feasibility_report",
        "phase_figures",
        "plot_ratio",
        "core_technology",
        "single_project",
        "planning_eia",
        "environment_negative_list",
        "work_safety",
    }
    assert annex4 | screening <= asked


def test_filling_the_plan_with_examples_gives_a_summary_to_submit(plan: Driver) -> None:
    fill_with_examples(plan)
    out = plan.out
    assert "<b>1. 投资项目名称</b>：年产50万套新能源汽车零部件生产基地项目" in out
    assert "\n　4.1 计划用地面积：120 亩\n" in out
    assert "<b>6. 项目投资总额</b>：50,000 万元（5 亿元）" in out
    assert "\n　11.5 预计年产值：3.5 亿元\n" in out
    assert "11.3 内销比例：70%\n　　　外销比例（自动计算）：30%" in out
    assert "7.3 一期计划动工建设时间：2027年3月" in out
    assert "7.6 二期计划建成投产时间：2028年6月" in out
    assert "<b>A. 项目负责人及联系人</b>" in out and "A.3 联系电话：13812345678" in out
    assert "<b>B. 补充信息（遴选所需）</b>\n　B.1 所属行业：" in out
    assert "项目可行性研究报告：—" in out
    result = plan.tap("提交")
    assert result.status == "submitted"
    values = form_values(PLAN_FORM, plan.draft.answers)
    assert values["total_investment"] == Decimal(50000)
    assert values["export_share"] == Decimal(30)
    assert values["phases"][1] == {"start": "2027-03", "end": "2028-06"}


def test_every_button_payload_fits_telegrams_limit(plan: Driver) -> None:
    while plan.draft.current != SUMMARY:
        assert all(len(b.data.encode()) <= 64 for b in plan.buttons() if b.data)
        answer_with_example(plan)
    plan.tap("修改")
    assert all(len(b.data.encode()) <= 64 for b in plan.buttons() if b.data)


def test_output_value_is_stored_in_yi_yuan(plan: Driver) -> None:
    fill_with_examples(plan)
    for typed, stored in (("35000万元", "3.5"), ("3.6亿", "3.6"), ("3.5", "3.5")):
        plan.text("修改11.5")  # 附件4 11: 预计年产值
        assert plan.draft.current == "annual_output_value"
        plan.text(typed)
        assert plan.draft.answers["annual_output_value"] == stored


def test_fixed_assets_cannot_exceed_the_total(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="fixed_investment")
    result = plan.text("6亿")
    assert not result.changed
    assert "固定资产投资（60,000 万元）不能超过项目投资总额（50,000 万元）" in plan.out


def test_land_plant_and_equipment_cannot_exceed_fixed_assets(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="equipment_investment")
    result = plan.text("30000")
    assert not result.changed
    assert "合计 51,000 万元，超过了固定资产投资（45,000 万元）" in plan.out


def test_lowering_a_whole_below_its_parts_is_refused(plan: Driver) -> None:
    fill_with_examples(plan)
    plan.text("修改6")  # 附件4 6: 项目投资总额
    assert plan.draft.current == "total_investment"
    result = plan.text("1亿")
    assert not result.changed and "不能超过项目投资总额（10,000 万元）" in plan.out


def test_building_parts_cannot_exceed_the_floor_area(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="office_area")
    result = plan.text("20000")
    assert not result.changed
    assert "合计 85,000 平方米，超过了项目建筑面积（80,000 平方米）" in plan.out


def test_phases_are_asked_in_order_and_dates_checked(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="phases.1.end")
    result = plan.text("2027-03")
    assert not result.changed and "一期计划建成投产时间（2027年3月）应晚于" in plan.out
    plan.text("2027-12")
    assert plan.draft.current == "phases.2.start"
    result = plan.text("2027-01")
    assert not result.changed and "不能早于一期计划动工建设时间（2027年3月）" in plan.out


def test_a_start_month_before_this_month_is_refused(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="phases.1.start")
    result = plan.text("2025年12月")
    assert not result.changed and "不能早于本月（2026年1月）" in plan.out


def test_other_site_asks_where_and_no_plant_area_skips_the_structure(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="site")
    plan.tap("其他")
    assert plan.draft.current == "site_other"
    plan.text("太和镇某某村工业地块")
    assert plan.draft.current == "land_area" and "4.2 计划用地面积" in plan.out
    plan.text("120")
    plan.tap("租地")
    plan.text("8000")
    plan.text("0")
    plan.text("8000")
    assert plan.draft.current == "total_investment"
    assert "plant_structure" not in {s.id for s in visible_steps(PLAN_FORM, plan.draft.answers)}


def test_optional_items_can_be_skipped_but_required_ones_cannot(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="brand")
    plan.tap("跳过")
    assert plan.draft.current == "products" and "brand" not in plan.draft.answers
    result = plan.text("/skip")
    assert not result.changed and "必填项" in plan.out


def test_the_plan_reads_well_in_english(make_ctx: Callable[..., FormContext]) -> None:
    d = Driver(PLAN_FORM, make_ctx("en"))
    d.cmd("start")
    fill_with_examples(d)
    assert "<b>6. Total investment</b>: 50,000 × 10,000 CNY (CNY 500 million)" in d.out
    assert "7.6 Phase 2: planned start of production: June 2028" in d.out
    assert "<b>B. Further information (for selection)</b>" in d.out


def test_each_phase_is_asked_its_land_investment_output_and_tax(plan: Driver) -> None:
    fill_with_examples(plan)
    out = plan.out
    assert "一期用地面积：70 亩" in out and "二期用地面积：50 亩" in out
    assert "二期固定资产投资：20,000 万元" in out
    assert "一期达产年产值：2 亿元" in out and "二期达产年税收：1,600 万元" in out
    values = form_values(PLAN_FORM, plan.draft.answers)
    assert values["phase_figures"][0] == {
        "land": Decimal(70),
        "fixed_investment": Decimal(25000),
        "output": Decimal(2),
        "tax": Decimal(2000),
    }


def test_a_project_built_at_once_is_not_asked_phase_figures(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="phase_count")
    plan.text("1")
    steps = {s.id for s in visible_steps(PLAN_FORM, plan.draft.answers)}
    assert "phases.1.start" in steps
    assert not any(s.startswith("phase_figures") for s in steps)


def test_the_phases_land_cannot_exceed_the_planned_land(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="phase_figures.2.land")
    result = plan.text("51")
    assert not result.changed
    assert "各期用地面积合计 121 亩，超过了计划用地面积（120 亩）" in plan.out
    assert plan.text("50").changed


def test_the_phases_fixed_investment_cannot_exceed_the_whole(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="phase_figures.2.fixed_investment")
    result = plan.text("2.1亿")
    assert not result.changed
    assert "各期固定资产投资合计 46,000 万元，超过了固定资产投资（45,000 万元）" in plan.out


def test_lowering_the_land_below_the_phases_is_refused(plan: Driver) -> None:
    fill_with_examples(plan)
    plan.text("修改4.1")  # 附件4 4: 计划用地面积
    result = plan.text("100")
    assert not result.changed and "超过了计划用地面积（100 亩）" in plan.out


def test_the_phase_help_says_what_is_asked_of_each_phase(plan: Driver) -> None:
    fill_with_examples(plan, stop_at="phase_count")
    plan.tap("❓ 为什么要填")
    assert "逐期询问用地、固定资产投资、产值和税收" in plan.out
