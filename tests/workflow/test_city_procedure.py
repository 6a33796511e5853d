"""The city group's part (001 七): filing is enough to sign, its own review after a recall,
and cross-region projects that apply to the city office directly."""

from __future__ import annotations

from workflow.pipeline import (
    Decision,
    ProjectFacts,
    ReviewOutcome,
    Stage,
    available_transitions,
    check_transition,
    is_cross_region,
)
from workflow.roles import Role

OFFICE = frozenset({Role.OFFICE})
CITY_OFFICE = frozenset({Role.CITY_OFFICE})
DECIDED = {"review_outcome": ReviewOutcome.PASSED, "decision": Decision.APPROVED}


def test_a_filed_project_may_sign_before_the_city_acknowledges():
    filed = ProjectFacts(Stage.CITY, city_filed=True, **DECIDED)  # type: ignore[arg-type]
    assert check_transition("sign", filed, OFFICE) is None


def test_a_project_awaiting_approval_may_not_sign():
    pending = ProjectFacts(Stage.CITY, city_filed=False, **DECIDED)  # type: ignore[arg-type]
    refusal = check_transition("sign", pending, OFFICE)
    assert refusal is not None
    assert (refusal.rule, refusal.citation) == ("no_agreement_before_city_clearance", "001 七(三)")


def test_a_filed_project_still_needs_the_joint_meetings_approval():
    filed = ProjectFacts(Stage.CITY, ReviewOutcome.PASSED, Decision.DEFERRED, city_filed=True)
    assert check_transition("sign", filed, OFFICE) is not None


def test_the_city_may_recall_a_cleared_project_but_not_a_signed_one():
    assert check_transition("city_recall", ProjectFacts(Stage.CLEARED), CITY_OFFICE) is None
    refusal = check_transition("city_recall", ProjectFacts(Stage.SIGNED), CITY_OFFICE)
    assert refusal is not None and refusal.rule == "city_recall_only_pending"


def test_the_city_round_is_concluded_by_the_city_not_the_district():
    passed = ProjectFacts(Stage.REVIEW, ReviewOutcome.PASSED, city_round=True)
    refusal = check_transition("refer_to_decision", passed, OFFICE)
    assert refusal is not None and refusal.rule == "city_round_is_the_citys"
    assert check_transition("city_review_pass", passed, CITY_OFFICE) is None
    failed = ProjectFacts(Stage.REVIEW, ReviewOutcome.FAILED, city_round=True)
    assert check_transition("city_review_fail", failed, CITY_OFFICE) is None
    refusal = check_transition("fail_review", failed, OFFICE)
    assert refusal is not None and refusal.rule == "city_round_is_the_citys"


def test_the_city_does_not_conclude_a_district_round():
    passed = ProjectFacts(Stage.REVIEW, ReviewOutcome.PASSED, city_round=False)
    assert check_transition("city_review_pass", passed, CITY_OFFICE) is not None
    assert check_transition("city_review_fail", passed, CITY_OFFICE) is not None


def test_a_cross_region_project_is_accepted_and_reviewed_by_the_city_office_only():
    lead = ProjectFacts(Stage.LEAD, cross_region=True)
    refusal = check_transition("confirm", lead, OFFICE)
    assert refusal is not None
    assert (refusal.rule, refusal.citation) == ("cross_region_is_the_citys", "001 七(二)1(2)")
    assert check_transition("city_accept", lead, CITY_OFFICE) is None
    assert check_transition("city_accept", ProjectFacts(Stage.LEAD), CITY_OFFICE) is not None
    confirmed = ProjectFacts(Stage.CONFIRMED, cross_region=True)
    assert {t.name for t in available_transitions(confirmed, OFFICE)} <= {"withdraw", "mark_lost"}
    assert check_transition("city_start_review", confirmed, CITY_OFFICE) is None


def test_a_cross_region_project_passed_by_the_city_may_sign_without_a_joint_meeting():
    passed = ProjectFacts(Stage.REVIEW, ReviewOutcome.PASSED, cross_region=True, city_round=True)
    assert check_transition("city_review_clear", passed, CITY_OFFICE) is None
    assert check_transition("city_review_pass", passed, CITY_OFFICE) is not None
    cleared = ProjectFacts(Stage.CLEARED, ReviewOutcome.PASSED, cross_region=True, city_round=True)
    assert check_transition("sign", cleared, OFFICE) is None


def test_a_recalled_project_passed_by_the_city_still_needs_its_approval():
    back = ProjectFacts(Stage.CITY, city_round=True, **DECIDED)  # type: ignore[arg-type]
    assert check_transition("sign", back, OFFICE) is not None


def test_the_application_route_is_read_from_the_plan():
    assert is_cross_region({"application_route": "cross_region"})
    assert not is_cross_region({"application_route": "local"})
    assert not is_cross_region({})
