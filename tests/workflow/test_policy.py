"""The shipped policy encodes both documents, and a county's own file is checked with lines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from workflow.policy import Policy, RouteKind
from workflow.policy_file import DEFAULT_POLICY_PATH, PolicyFileError, parse_policy

DEFAULT_TEXT = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")


def test_the_leading_group_has_thirteen_member_units_and_its_office_sits_in_econ(policy: Policy):
    members = {u.short for u in policy.member_units()}
    assert len(members) == 13
    assert {
        "区府办",
        "发改局",
        "经信局",
        "国土分局",
        "环保局",
        "住建局",
        "规划分局",
        "贸促会",
        "国税局",
        "地税局",
        "太和镇",
        "太平镇",
        "工业园管委会",
    } == members
    assert policy.office().hosted_by == "econ"


def test_the_roster_names_the_leaders_of_annex_1_and_the_review_group_of_annex_3(policy: Policy):
    by_name = {e.name: e for e in policy.roster}
    assert by_name["张仁建"].positions == ("leading_group_leader",)
    assert by_name["张国力"].positions == ("leading_group_deputy",)
    assert "office_director" in by_name["张庆忠"].positions
    assert "review_leader" in by_name["张庆忠"].positions
    assert "office_deputy" in by_name["吴惠红"].positions
    reviewers = [e for e in policy.roster if "review_member" in e.positions]
    assert len(reviewers) == 10  # 附件3 lists ten members besides the leader and deputy


def test_ten_review_dimensions_with_their_units_including_legal_risk(policy: Policy):
    dims = {d.id: d for d in policy.review_dimensions}
    assert len(dims) == 10
    assert dims["legal_risk"].units == ("gov_office", "legal")
    assert dims["economic_benefit"].units == ("econ", "state_tax", "local_tax")
    assert dims["industrial_policy"].lead_unit == "drc"
    assert [d.id for d in policy.review_dimensions if d.veto] == ["environment"]


def test_every_rule_carries_a_citation_of_a_known_document(policy: Policy):
    for loc, cite in policy._citations():
        assert cite.split(" ")[0] in policy.documents, loc


def test_land_indicators_of_annex_2(policy: Policy):
    thresholds = {i.id: i.threshold for i in policy.land_indicators}
    assert thresholds == {"investment_intensity": 380, "output_per_mu": 500, "tax_per_mu": 30}
    assert policy.automation_rate_min == 70


def test_the_city_guidance_lists_seven_key_industries_and_three_modern_services(policy: Policy):
    groups = [s.group.value for s in policy.sectors]
    assert groups.count("key_industry") == 7
    assert groups.count("modern_service") == 3
    assert {s.name for s in policy.sectors if s.group.value == "excluded"} == {
        "农业",
        "纯房地产",
        "政府投资的基础设施和公共设施",
    }
    assert len(policy.priority_conditions) == 10
    assert len(policy.prohibited_conditions) == 5
    assert len(policy.liaison_conditions) == 5


@pytest.mark.parametrize(
    ("wan", "route"),
    [
        ("0", RouteKind.FILING),
        ("29999", RouteKind.FILING),
        ("29999.99", RouteKind.FILING),
        ("30000", RouteKind.APPROVAL),
        ("99999", RouteKind.APPROVAL),
        ("100000", RouteKind.TWO_LEVEL),
        ("5000000", RouteKind.TWO_LEVEL),
    ],
)
def test_city_routing_bounds_are_inclusive_from_3_and_10_yi(
    policy: Policy, wan: str, route: RouteKind
):
    assert policy.routing_tier(Decimal(wan)).route is route


def test_the_ten_yi_tier_is_reviewed_by_the_executive_deputy_then_approved_by_the_leader(
    policy: Policy,
):
    assert policy.routing_tier(Decimal(100000)).approvers == ("city_exec_deputy", "city_leader")
    assert policy.routing_tier(Decimal(30000)).approvers == ("city_exec_deputy",)


@pytest.mark.parametrize(
    ("wan", "by"),
    [("9999", "unit_heads"), ("10000", "district_leaders"), ("9999.99", "unit_heads")],
)
def test_follow_up_by_unit_heads_below_one_yi_and_district_leaders_from_one_yi(
    policy: Policy, wan: str, by: str
):
    assert policy.followup_tier(Decimal(wan)).followed_by == by


def test_deadlines(policy: Policy):
    d = policy.deadlines
    assert (d.agreement_scan_days, d.monthly_report_open_day, d.monthly_report_due_day) == (
        15,
        25,
        5,
    )
    assert d.review_round_working_days > 0


def test_another_county_changes_a_threshold_with_no_code_change():
    text = DEFAULT_TEXT.replace("threshold: 380", "threshold: 300").replace(
        "serial_prefix: QX", "serial_prefix: LZ"
    )
    other = parse_policy(text, "lianzhou.yaml")
    assert other.serial_prefix == "LZ"
    assert other.land_indicators[0].threshold == 300


def test_a_bad_policy_reports_every_error_with_its_key_path_and_line():
    text = DEFAULT_TEXT.replace("threshold: 380", "threshold: lots").replace(
        "serial_prefix: QX", "serial_prefix: qx"
    )
    with pytest.raises(PolicyFileError) as caught:
        parse_policy(text, "bad.yaml")
    errors = {e.path: e for e in caught.value.errors}
    assert errors["land_indicators[0].threshold"].line == _line_of(text, "threshold: lots")
    assert errors["serial_prefix"].line == _line_of(text, "serial_prefix: qx")


def test_dangling_references_are_reported_where_they_are():
    text = DEFAULT_TEXT.replace("units: [drc]", "units: [nowhere]", 1).replace(
        'automation_source: "000 附件2 四"', 'automation_source: "999 一"'
    )
    with pytest.raises(PolicyFileError) as caught:
        parse_policy(text)
    messages = {str(e) for e in caught.value.errors}
    assert any(
        "review_dimensions[0].units" in m
        and "'nowhere' is not a unit" in m
        and f"line {_line_of(text, 'units: [nowhere]')}" in m
        for m in messages
    )
    assert any("automation_source" in m and "'999'" in m for m in messages)


def test_routing_bands_must_leave_no_gap():
    text = DEFAULT_TEXT.replace(
        "min_wan: 30000, max_wan: 100000", "min_wan: 40000, max_wan: 100000"
    )
    with pytest.raises(PolicyFileError) as caught:
        parse_policy(text)
    assert any(
        "ends at 30000 but approval starts at 40000" in e.message for e in caught.value.errors
    )


def test_yaml_syntax_errors_name_the_line():
    with pytest.raises(PolicyFileError) as caught:
        parse_policy("id: x\nunits: [\n", "broken.yaml")
    assert caught.value.errors[0].line is not None


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)
