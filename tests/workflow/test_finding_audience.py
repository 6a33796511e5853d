"""Who may read a finding: the investor reads their figures against the published standards
and what stops their project; routing, follow-up, priority and liaison are the officials'."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from tests.workflow.test_screening import NEW_MATERIALS_PLANT
from workflow.admission import BLOCKING_CODES
from workflow.findings import (
    TOLD_WHEN_FAILED,
    Audience,
    Finding,
    Status,
    audience_of,
    for_investor,
)
from workflow.policy import Policy
from workflow.screening import screen

INTERNAL = {
    "routing",
    "followup",
    "liaison",
    "liaison_none",
    "priority",
    "priority_withheld",
    "priority_pending",
    "priority_question",
    "priority_none",
    "prohibited_none",
    "investor_category",
    "sector",
    "site",
    "rd_share",
    "power_capacity",
}


def test_an_investor_of_a_6_5_yi_plant_reads_the_land_indicators_but_not_the_city_routing(
    policy: Policy,
):
    plant = replace(NEW_MATERIALS_PLANT, total_investment_wan=D(65000))
    found = screen(plant, policy)
    assert any(f.code == "routing" and f.params["name"] == "市常务副组长审批" for f in found)
    theirs = {f.code for f in for_investor(found)}
    assert {"investment_intensity", "output_per_mu", "tax_per_mu", "automation"} <= theirs
    assert {"planning_eia", "environment_negative_list", "work_safety"} <= theirs
    assert not theirs & INTERNAL


def test_a_plan_below_the_land_indicators_tells_the_investor_it_is_prohibited(policy: Policy):
    # 300 万元/亩 of fixed investment is below 附件2's 380: 禁止引入 六(五), as at submission.
    found = screen(replace(NEW_MATERIALS_PLANT, fixed_asset_wan=D(30000)), policy)
    theirs = for_investor(found)
    assert [f.params["number"] for f in theirs if f.code == "prohibited"] == [5]
    assert any(f.code == "investment_intensity" and f.status is Status.FAIL for f in theirs)


def test_scope_and_prohibited_are_the_investors_only_when_they_stop_the_project():
    assert audience_of("scope", Status.FAIL) is Audience.INVESTOR
    assert audience_of("scope", Status.PASS) is Audience.OFFICIALS
    assert audience_of("prohibited", "fail") is Audience.INVESTOR
    assert TOLD_WHEN_FAILED == BLOCKING_CODES  # the blockers of workflow/admission.py


def test_a_finding_nobody_has_classified_is_the_officials_alone():
    assert Finding("a_new_rule", Status.PASS, "001 九").audience is Audience.OFFICIALS
    assert Finding("routing", Status.INFO, "001 七(二)2").audience is Audience.OFFICIALS
