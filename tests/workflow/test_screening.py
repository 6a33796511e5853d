"""Screening turns a plan's figures into findings, each citing its rule."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from workflow.policy import Policy
from workflow.screening import (
    Finding,
    PlanFigures,
    Status,
    findings_for_dimension,
    land_ratios,
    screen,
)


def by_code(findings: list[Finding], code: str) -> Finding:
    return next(f for f in findings if f.code == code)


def codes(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


NEW_MATERIALS_PLANT = PlanFigures(
    land_area_mu=D(100),
    total_investment_wan=D(52000),
    fixed_asset_wan=D(42000),
    annual_output_yi=D(6),
    annual_tax_wan=D(3500),
    automation_rate=D(75),
    rd_share=D(32),
    transformer_kva=D(8000),
    sector="new_materials",
    site="smart_park",
    investor_category="listed",
    high_tech=True,
    encouraged=True,
    ecological_redline=False,
    single_project=True,
    work_safety=True,
    planning_eia=True,
    environment_negative_list=False,
)


def test_a_good_new_materials_plant_passes_every_land_indicator(policy: Policy):
    f = screen(NEW_MATERIALS_PLANT, policy)
    assert by_code(f, "investment_intensity").status is Status.PASS
    assert by_code(f, "investment_intensity").params["value"] == "420"
    assert by_code(f, "output_per_mu").params["value"] == "600"
    assert by_code(f, "tax_per_mu").params["value"] == "35"
    assert by_code(f, "automation").status is Status.PASS
    assert by_code(f, "scope").status is Status.PASS
    assert by_code(f, "sector").params["district_focus"] is True
    assert {p.params["number"] for p in codes(f, "priority")} == {1, 2, 3, 5, 6}
    # A listed company is not named by liaison condition 1 (500强, 龙头, 关键配套企业).
    assert {p.params["number"] for p in codes(f, "liaison")} == {4}
    assert by_code(f, "routing").params["tier"] == "approval"
    assert by_code(f, "followup").params["tier"] == "district_leaders"
    assert codes(f, "prohibited") == []


@pytest.mark.parametrize(("fixed", "status"), [("37999", Status.FAIL), ("38000", Status.PASS)])
def test_investment_intensity_boundary_379_99_and_380(policy: Policy, fixed: str, status: Status):
    plan = PlanFigures(land_area_mu=D(100), fixed_asset_wan=D(fixed))
    assert by_code(screen(plan, policy), "investment_intensity").status is status


def test_379_99_wan_per_mu_fails_the_intensity_standard(policy: Policy):
    plan = PlanFigures(land_area_mu=D(1), fixed_asset_wan=D("379.99"))
    finding = by_code(screen(plan, policy), "investment_intensity")
    assert (finding.status, finding.params["value"]) == (Status.FAIL, "379.99")


def test_a_failing_indicator_raises_the_fifth_prohibited_condition(policy: Policy):
    plan = PlanFigures(
        land_area_mu=D(100),
        fixed_asset_wan=D(20000),
        annual_output_yi=D(6),
        annual_tax_wan=D(3500),
    )
    prohibited = codes(screen(plan, policy), "prohibited")
    assert [p.params["number"] for p in prohibited] == [5]
    assert prohibited[0].citation == "001 六(五)"


def test_a_project_on_the_ecological_red_line_fails_environmental_entry(policy: Policy):
    f = screen(PlanFigures(ecological_redline=True), policy)
    assert by_code(f, "environmental_entry").status is Status.FAIL
    assert 3 in [p.params["number"] for p in codes(f, "prohibited")]


def test_pure_real_estate_is_outside_the_scope(policy: Policy):
    f = screen(PlanFigures(sector="real_estate"), policy)
    assert by_code(f, "scope").status is Status.FAIL
    assert by_code(f, "scope").citation == "001 一"


def test_a_sector_outside_the_guidance_is_a_warning(policy: Policy):
    assert (
        by_code(screen(PlanFigures(sector="other_manufacturing"), policy), "sector").status
        is Status.WARN
    )


def test_missing_figures_give_cannot_assess_never_an_exception(policy: Policy):
    f = screen(PlanFigures(), policy)
    for code in (
        "investment_intensity",
        "output_per_mu",
        "tax_per_mu",
        "automation",
        "scope",
        "sector",
        "routing",
        "followup",
        "environmental_entry",
        "investor_category",
    ):
        assert by_code(f, code).status is Status.UNKNOWN, code
    assert by_code(f, "priority_none").status is Status.INFO


def test_a_zero_land_area_cannot_be_assessed_rather_than_divided_by(policy: Policy):
    assert land_ratios(PlanFigures(land_area_mu=D(0), fixed_asset_wan=D(100))) == {
        "investment_intensity": None,
        "output_per_mu": None,
        "tax_per_mu": None,
    }


@pytest.mark.parametrize(
    ("total", "tier"),
    [("29999", "filing"), ("30000", "approval"), ("99999", "approval"), ("100000", "two_level")],
)
def test_the_routing_finding_follows_the_amount(policy: Policy, total: str, tier: str):
    f = screen(PlanFigures(total_investment_wan=D(total)), policy)
    assert by_code(f, "routing").params["tier"] == tier


@pytest.mark.parametrize(
    ("total", "tier"), [("9999", "unit_heads"), ("10000", "district_leaders")]
)
def test_the_followup_finding_follows_the_amount(policy: Policy, total: str, tier: str):
    f = screen(PlanFigures(total_investment_wan=D(total)), policy)
    assert by_code(f, "followup").params["tier"] == tier


@pytest.mark.parametrize(("total", "priority"), [("49999", False), ("50000", True)])
def test_a_single_manufacturing_project_from_5_yi_is_a_priority(
    policy: Policy, total: str, priority: bool
):
    plan = replace(NEW_MATERIALS_PLANT, total_investment_wan=D(total), sector="auto_parts")
    f = screen(plan, policy)
    assert (3 in [p.params["number"] for p in codes(f, "priority")]) is priority


def test_a_big_logistics_park_is_not_a_manufacturing_priority(policy: Policy):
    plan = replace(NEW_MATERIALS_PLANT, total_investment_wan=D(80000), sector="logistics")
    f = screen(plan, policy)
    assert 3 not in [p.params["number"] for p in codes(f, "priority")]


def test_tax_per_mu_exactly_at_the_standard_does_not_qualify_for_liaison(policy: Policy):
    at = screen(PlanFigures(land_area_mu=D(10), annual_tax_wan=D(300)), policy)
    above = screen(PlanFigures(land_area_mu=D(10), annual_tax_wan=D(301)), policy)
    assert codes(at, "liaison") == []
    assert [p.params["number"] for p in codes(above, "liaison")] == [4]


def test_every_finding_cites_a_rule_of_a_known_document(policy: Policy):
    for plan in (NEW_MATERIALS_PLANT, PlanFigures(), PlanFigures(sector="agriculture")):
        for finding in screen(plan, policy):
            assert finding.citation.split(" ")[0] in policy.documents


def test_a_reviewer_sees_the_findings_of_their_dimension(policy: Policy):
    f = screen(NEW_MATERIALS_PLANT, policy)
    land = findings_for_dimension(f, policy.dimension("land_use").findings)
    assert [x.code for x in land] == ["investment_intensity"]
    env = findings_for_dimension(f, policy.dimension("environment").findings)
    assert {x.code for x in env} == {
        "environmental_entry",
        "planning_eia",
        "environment_negative_list",
        "prohibited_none",
    }
