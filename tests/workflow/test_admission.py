"""What the documents forbid stops a project (001 一, 六); their own exceptions (001 二,
001 四(三)) are the only ways past, and they lift only what they name."""

from __future__ import annotations

from decimal import Decimal

import pytest

from workflow.admission import (
    applicable_exceptions,
    blocker_id,
    blocker_key,
    blocking_findings,
    lifted_keys,
    open_blockers,
    stored_findings,
)
from workflow.pipeline import BLOCKED_RULE, ProjectFacts, Stage, check_transition
from workflow.policy import Policy
from workflow.policy_file import DEFAULT_POLICY_PATH, PolicyFileError, parse_policy
from workflow.roles import Role
from workflow.screening import Finding, PlanFigures, Status, screen

OFFICE = frozenset({Role.OFFICE})
DEFAULT_TEXT = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")


def plan(**kw: object) -> PlanFigures:
    base: dict[str, object] = {
        "land_area_mu": Decimal(40),
        "total_investment_wan": Decimal(20000),
        "fixed_asset_wan": Decimal(16000),
        "annual_output_yi": Decimal(6),
        "annual_tax_wan": Decimal(3500),
        "sector": "new_materials",
        "ecological_redline": False,
    }
    return PlanFigures(**{**base, **kw})  # type: ignore[arg-type]


def test_a_plan_that_meets_the_indicators_has_no_blocker(policy: Policy):
    assert blocking_findings(screen(plan(), policy)) == []


def test_an_intensity_just_below_380_is_prohibited_and_380_itself_is_not(policy: Policy):
    below = blocking_findings(screen(plan(fixed_asset_wan=Decimal("15199.6")), policy))
    assert [(f.code, f.citation) for f in below] == [("prohibited", "001 六(五)")]
    assert blocking_findings(screen(plan(fixed_asset_wan=Decimal(15200)), policy)) == []


def test_a_sector_outside_001_one_is_blocked_and_no_exception_applies(policy: Policy):
    blockers = blocking_findings(screen(plan(sector="real_estate"), policy))
    assert [blocker_id(f, policy) for f in blockers] == ["scope"]
    assert applicable_exceptions(blockers, policy) == ()


def test_the_red_line_is_prohibited_by_law_and_no_exception_lifts_it(policy: Policy):
    blockers = blocking_findings(screen(plan(ecological_redline=True), policy))
    assert {blocker_id(f, policy) for f in blockers} == {"non_compliant"}
    assert applicable_exceptions(blockers, policy) == ()


def test_both_exceptions_of_the_documents_lift_the_indicators_only(policy: Policy):
    blockers = blocking_findings(screen(plan(land_area_mu=Decimal(200)), policy))
    kinds = applicable_exceptions(blockers, policy)
    assert [(k.id, k.source) for k in kinds] == [
        ("strategic_emerging", "001 二"),
        ("special_circumstances", "001 四(三)"),
    ]
    assert all(set(k.approver_roles) == {"city_leader", "city_exec_deputy"} for k in kinds)
    keys = lifted_keys(blockers, kinds[0], policy)
    assert keys == ("prohibited:001 六(五)",)
    assert open_blockers(blockers, keys) == []
    # Indicators and the red line together: the exception cannot lift the red line.
    both = blocking_findings(
        screen(plan(land_area_mu=Decimal(200), ecological_redline=True), policy)
    )
    assert applicable_exceptions(both, policy) == ()


def test_stored_findings_read_back_as_screened(policy: Policy):
    findings = screen(plan(land_area_mu=Decimal(200)), policy)
    rows = [
        {"code": f.code, "status": f.status.value, "citation": f.citation, "params": f.params}
        for f in findings
    ]
    assert stored_findings(rows) == findings


@pytest.mark.parametrize(
    ("transition", "stage"),
    [
        ("confirm", Stage.LEAD),
        ("start_review", Stage.CONFIRMED),
        ("refer_to_decision", Stage.REVIEW),
        ("sign", Stage.CLEARED),
    ],
)
def test_a_blocker_refuses_the_move_and_cites_the_rule(transition: str, stage: Stage):
    refusal = check_transition(transition, ProjectFacts(stage, blockers=("001 六(五)",)), OFFICE)
    assert refusal is not None
    assert (refusal.rule, refusal.citation) == (BLOCKED_RULE, "001 六(五)")


def test_a_blocker_does_not_hide_the_stage_rule_of_a_wrong_stage():
    refusal = check_transition("confirm", ProjectFacts(Stage.SIGNED, blockers=("001 一",)), OFFICE)
    assert refusal is not None and refusal.rule == "confirm_only_leads"


def test_an_exception_naming_an_unknown_blocker_or_role_is_refused():
    text = DEFAULT_TEXT.replace(
        "lifts: [below_indicators]\n    approver_roles: [city_leader, city_exec_deputy]",
        "lifts: [nothing_like_it]\n    approver_roles: [city_mayor]",
        1,
    )
    with pytest.raises(PolicyFileError) as caught:
        parse_policy(text)
    messages = " ".join(str(e) for e in caught.value.errors)
    assert "'nothing_like_it' is not a blocker" in messages
    assert "'city_mayor' is not a role" in messages


def test_an_unapproved_key_lifts_nothing():
    f = Finding("prohibited", Status.FAIL, "001 六(五)", {"number": 5})
    assert open_blockers([f], ["prohibited:001 六(三)"]) == [f]
    assert blocker_key(f) == "prohibited:001 六(五)"
