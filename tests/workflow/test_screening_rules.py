"""The rules screening holds, not only shows: each site's own standard, the special zone,
priority only after the entry requirements (001 五), phases one by one (001 四(三)), work
safety (001 四(二)) and the park's environmental entry standard (附件2 三)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from workflow.policy import LandIndicator, Policy, Site, SiteStandard
from workflow.screening import Finding, PhaseFigures, PlanFigures, Status, screen

# Meets every computable entry requirement: 420 / 600 / 35 per 亩, safe, outside the red line.
GOOD = PlanFigures(
    land_area_mu=D(100),
    total_investment_wan=D(52000),
    fixed_asset_wan=D(42000),
    annual_output_yi=D(6),
    annual_tax_wan=D(3500),
    automation_rate=D(75),
    sector="new_materials",
    site="smart_park",
    investor_category="other",
    ecological_redline=False,
    work_safety=True,
    planning_eia=True,
    environment_negative_list=False,
    single_project=True,
)


def by_code(findings: list[Finding], code: str) -> Finding:
    return next(f for f in findings if f.code == code)


def codes(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def numbers(findings: list[Finding], code: str) -> set[int | str | bool | None]:
    return {f.params["number"] for f in codes(findings, code)}


def two_phases(first: PhaseFigures, second: PhaseFigures) -> PlanFigures:
    return replace(GOOD, phase_count=2, phases=(first, second))


OK_PHASE = PhaseFigures(D(50), D(21000), D(3), D(1750))  # 420 / 600 / 35 per 亩


# -- priority needs the basic requirements first (001 五) ---------------------------------------


def test_a_6_yi_manufacturing_project_failing_the_380_intensity_is_not_a_priority(
    policy: Policy,
):
    plan = replace(GOOD, total_investment_wan=D(60000), fixed_asset_wan=D(37999))
    f = screen(plan, policy)
    assert by_code(f, "investment_intensity").status is Status.FAIL
    assert codes(f, "priority") == []
    withheld = by_code(f, "priority_withheld")
    assert (withheld.params["number"], withheld.status) == (3, Status.WARN)
    assert withheld.citation == "001 五(三)"


@pytest.mark.parametrize(("total", "priority"), [("49999.99", False), ("50000", True)])
def test_a_single_manufacturing_project_of_exactly_5_yi_meeting_the_requirements_is_a_priority(
    policy: Policy, total: str, priority: bool
):
    f = screen(replace(GOOD, total_investment_wan=D(total)), policy)
    assert (3 in numbers(f, "priority")) is priority


def test_whether_a_5_yi_manufacturing_project_is_single_is_a_question_for_the_office(
    policy: Policy,
):
    f = screen(replace(GOOD, single_project=None), policy)
    assert 3 not in numbers(f, "priority")
    assert numbers(f, "priority_question") == {3}
    assert 3 not in numbers(screen(replace(GOOD, single_project=False), policy), "priority")


def test_an_expansion_is_judged_by_the_office_never_a_silent_priority(policy: Policy):
    f = screen(replace(GOOD, capacity_expansion=True, single_project=False), policy)
    assert codes(f, "priority") == []
    question = by_code(f, "priority_question")
    assert (question.params["number"], question.citation) == (8, "001 五(八)")


def test_a_project_with_an_open_requirement_is_only_a_pending_priority(policy: Policy):
    f = screen(replace(GOOD, work_safety=None), policy)
    assert codes(f, "priority") == []
    assert 3 in numbers(f, "priority_pending")


def test_a_project_outside_the_scope_is_never_a_priority(policy: Policy):
    f = screen(replace(GOOD, sector="real_estate", encouraged=True), policy)
    assert codes(f, "priority") == []
    assert 1 in numbers(f, "priority_withheld")


# -- sites with their own standard and the special zone ----------------------------------------


def test_fuli_town_has_no_standard_yet_so_nothing_fails_and_nothing_is_prohibited(
    policy: Policy,
):
    poor = replace(GOOD, site="fuli_town", fixed_asset_wan=D(10000), annual_tax_wan=D(100))
    f = screen(poor, policy)
    for code in ("investment_intensity", "output_per_mu", "tax_per_mu", "automation"):
        assert by_code(f, code).status is Status.INFO, code
        assert by_code(f, code).params["applied"] is False
    assert by_code(f, "investment_intensity").params["value"] == "100"
    standard = by_code(f, "site_standard")
    assert (standard.status, standard.citation) == (Status.WARN, "000 附件2 六")
    assert codes(f, "prohibited") == []
    assert codes(f, "priority") == [] and codes(f, "priority_pending") != []


@pytest.mark.parametrize(
    "site", ["guangqing_park", "guangfo_park", "guangde_park", "airport_city"]
)
def test_a_site_in_the_guangqing_special_zone_follows_other_rules(policy: Policy, site: str):
    f = screen(replace(GOOD, site=site, fixed_asset_wan=D(100)), policy)
    standard = by_code(f, "site_standard")
    assert (standard.status, standard.citation) == (Status.WARN, "001 九(二)")
    chosen = policy.site(site)
    assert chosen is not None and chosen.unit is None  # no district unit receives it
    assert standard.params == {"kind": "zone", "site": chosen.name, "zone": "广清经济特别合作区"}
    assert by_code(f, "investment_intensity").status is Status.INFO
    assert codes(f, "prohibited") == []


def test_the_scope_of_these_rules_does_not_stop_a_project_in_the_special_zone(policy: Policy):
    # 001 九(二): the zone's projects "另行规定"; an excluded sector there is for the office.
    in_zone = screen(replace(GOOD, site="guangqing_park", sector="real_estate"), policy)
    scope = by_code(in_zone, "scope")
    assert (scope.status, scope.citation) == (Status.WARN, "001 九(二)")
    in_park = screen(replace(GOOD, sector="real_estate"), policy)
    assert by_code(in_park, "scope").status is Status.FAIL


def test_a_site_with_its_own_indicator_set_is_held_to_it(policy: Policy):
    own = Site(
        id="own_park",
        name="某园",
        unit="park_committee",
        standard=SiteStandard.OWN,
        indicators=(
            LandIndicator(
                id="investment_intensity",
                name="固定资产投资强度",
                unit="万元/亩",
                threshold=D(300),
                source="000 附件2 六",
            ),
        ),
        source="000 附件2 六",
    )
    custom = policy.model_copy(update={"sites": (*policy.sites, own)})
    at = screen(replace(GOOD, site="own_park", fixed_asset_wan=D(30000)), custom)
    below = screen(replace(GOOD, site="own_park", fixed_asset_wan=D("29999")), custom)
    assert by_code(at, "investment_intensity").status is Status.PASS
    assert by_code(below, "investment_intensity").status is Status.FAIL
    assert numbers(below, "prohibited") == {5}
    assert codes(at, "output_per_mu") == []  # the site's set has no output indicator


@pytest.mark.parametrize(
    ("site", "problem"),
    [
        ({"standard": "own"}, "indicators go with standard: own"),
        ({"standard": "zone", "zone": "nowhere"}, "'nowhere' is not a zone"),
        ({"zone": "guangqing"}, "a zone goes with standard: zone"),
        ({"unit": None}, "needs its unit"),
    ],
)
def test_a_policy_with_a_malformed_site_standard_is_refused(
    policy: Policy, site: dict[str, object], problem: str
):
    data = policy.model_dump(mode="json")
    data["sites"][0].update(site)
    with pytest.raises(ValidationError, match=problem):
        Policy.model_validate(data)


# -- phased projects, phase by phase (001 四(三)) -----------------------------------------------


@pytest.mark.parametrize(("fixed", "status"), [("19000", Status.PASS), ("18999.99", Status.FAIL)])
def test_a_phase_at_the_380_boundary(policy: Policy, fixed: str, status: Status):
    second = PhaseFigures(D(50), D(fixed), D(3), D(1750))
    plan = replace(two_phases(OK_PHASE, second), fixed_asset_wan=D(21000) + D(fixed))
    f = screen(plan, policy)
    phase2 = [
        x
        for x in codes(f, "phase_indicator")
        if x.params["phase"] == 2 and x.params["indicator"] == "investment_intensity"
    ]
    assert [x.status for x in phase2] == [status]
    assert (5 in numbers(f, "prohibited")) is (status is Status.FAIL)


def test_the_findings_say_which_phase_falls_short_even_when_the_whole_passes(policy: Policy):
    weak_first = PhaseFigures(D(50), D(21000), D(2), D(1000))  # 400 output, 20 tax per 亩
    strong_second = PhaseFigures(D(50), D(21000), D(4), D(2500))
    f = screen(two_phases(weak_first, strong_second), policy)
    assert by_code(f, "output_per_mu").status is Status.PASS  # the whole: 600 per 亩
    failed = [
        (x.params["phase"], x.params["indicator"])
        for x in codes(f, "phase_indicator")
        if x.status is Status.FAIL
    ]
    assert failed == [(1, "output_per_mu"), (1, "tax_per_mu")]
    assert numbers(f, "prohibited") == {5}
    assert codes(f, "priority") == [] and codes(f, "priority_withheld") != []


def test_phases_that_do_not_add_up_to_the_whole_are_reported(policy: Policy):
    short = PhaseFigures(D(40), D(16800), D("2.4"), D(1400))
    f = screen(two_phases(OK_PHASE, short), policy)
    totals = {x.params["measure"]: x for x in codes(f, "phase_total")}
    assert totals["land"].status is Status.WARN
    assert (totals["land"].params["total"], totals["land"].params["whole"]) == ("90", "100")
    assert totals["fixed_investment"].status is Status.WARN
    assert codes(f, "priority") == []


def test_phases_that_add_up_pass_and_keep_the_priority(policy: Policy):
    f = screen(two_phases(OK_PHASE, OK_PHASE), policy)
    assert {x.status for x in codes(f, "phase_total")} == {Status.PASS}
    assert {x.status for x in codes(f, "phase_indicator")} == {Status.PASS}
    assert 3 in numbers(f, "priority")


def test_a_phased_plan_without_phase_figures_cannot_be_checked_phase_by_phase(policy: Policy):
    f = screen(replace(GOOD, phase_count=3), policy)
    assert by_code(f, "phase_figures").status is Status.UNKNOWN
    assert codes(f, "priority") == []


def test_a_single_phase_plan_has_no_phase_findings(policy: Policy):
    f = screen(replace(GOOD, phase_count=1), policy)
    assert [x for x in f if x.code.startswith("phase_")] == []


# -- work safety, environment entry, plot ratio ------------------------------------------------


def test_work_safety_is_a_requirement_and_its_failure_is_prohibited(policy: Policy):
    f = screen(replace(GOOD, work_safety=False), policy)
    assert by_code(f, "work_safety").status is Status.FAIL
    assert by_code(f, "work_safety").citation == "001 四(二)"
    assert numbers(f, "prohibited") == {3}
    assert by_code(screen(replace(GOOD, work_safety=None), policy), "work_safety").status is (
        Status.UNKNOWN
    )


@pytest.mark.parametrize("change", [{"planning_eia": False}, {"environment_negative_list": True}])
def test_the_parks_environmental_entry_standard_is_held(policy: Policy, change: dict[str, bool]):
    f = screen(replace(GOOD, **change), policy)  # type: ignore[arg-type]
    code = next(iter(change))
    assert by_code(f, code).status is Status.FAIL
    assert by_code(f, code).citation == "000 附件2 三"
    assert numbers(f, "prohibited") == {3}


def test_the_environment_reviewer_sees_the_entry_standard_findings(policy: Policy):
    from workflow.screening import findings_for_dimension

    f = screen(GOOD, policy)
    env = findings_for_dimension(f, policy.dimension("environment").findings)
    assert {"planning_eia", "environment_negative_list", "environmental_entry"} <= {
        x.code for x in env
    }


def test_the_plot_ratio_is_shown_to_planning_and_land_never_judged(policy: Policy):
    from workflow.screening import findings_for_dimension

    f = screen(replace(GOOD, plot_ratio=D("0.3")), policy)
    ratio = by_code(f, "plot_ratio")
    assert (ratio.status, ratio.params["value"], ratio.citation) == (
        Status.INFO,
        "0.3",
        "000 附件2 一",
    )
    for dim in ("planning", "land_use"):
        seen = findings_for_dimension(f, policy.dimension(dim).findings)
        assert "plot_ratio" in {x.code for x in seen}


# -- investor categories and high-level liaison ------------------------------------------------


def test_a_key_supplier_meets_liaison_condition_1(policy: Policy):
    f = screen(replace(GOOD, investor_category="key_supplier"), policy)
    assert 1 in numbers(f, "liaison")


def test_own_ip_and_core_technology_meets_liaison_condition_2(policy: Policy):
    assert 2 in numbers(screen(replace(GOOD, core_technology=True), policy), "liaison")
    assert 2 not in numbers(screen(replace(GOOD, core_technology=False), policy), "liaison")


@pytest.mark.parametrize("category", ["quasi_high_tech", "growth_sme"])
def test_the_parks_preferred_growing_companies_are_investor_categories(
    policy: Policy, category: str
):
    finding = by_code(
        screen(replace(GOOD, investor_category=category), policy), "investor_category"
    )
    assert finding.params["park_preferred"] is True
    assert finding.citation == "000 附件2 五"
