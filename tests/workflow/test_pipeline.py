"""Stages move only through guarded transitions that encode the documents."""

from __future__ import annotations

import pytest

from workflow.pipeline import (
    TRANSITIONS,
    Decision,
    ProjectFacts,
    ReviewOutcome,
    Stage,
    available_transitions,
    check_transition,
    format_serial,
)
from workflow.roles import Role

OFFICE = frozenset({Role.OFFICE})
INVESTOR = frozenset({Role.INVESTOR})
CITY = frozenset({Role.CITY_EXEC_DEPUTY})


@pytest.mark.parametrize(
    ("name", "facts", "roles"),
    [
        ("confirm", ProjectFacts(Stage.LEAD), OFFICE),
        ("negotiate", ProjectFacts(Stage.CONFIRMED), OFFICE),
        ("start_review", ProjectFacts(Stage.NEGOTIATION), OFFICE),
        ("start_review", ProjectFacts(Stage.CONFIRMED), OFFICE),
        ("refer_to_decision", ProjectFacts(Stage.REVIEW, ReviewOutcome.PASSED), OFFICE),
        ("refer_to_decision", ProjectFacts(Stage.REVIEW, ReviewOutcome.FLAGGED), OFFICE),
        ("fail_review", ProjectFacts(Stage.REVIEW, ReviewOutcome.FAILED), OFFICE),
        ("approve", ProjectFacts(Stage.DECISION, ReviewOutcome.PASSED, Decision.APPROVED), OFFICE),
        ("reject", ProjectFacts(Stage.DECISION, ReviewOutcome.PASSED, Decision.REJECTED), OFFICE),
        (
            "city_clear",
            ProjectFacts(Stage.CITY, ReviewOutcome.PASSED, Decision.APPROVED, True),
            CITY,
        ),
        ("city_return", ProjectFacts(Stage.CITY), CITY),
        ("city_recall", ProjectFacts(Stage.CITY), CITY),
        (
            "sign",
            ProjectFacts(Stage.CLEARED, ReviewOutcome.PASSED, Decision.APPROVED, True),
            OFFICE,
        ),
        ("start_landing", ProjectFacts(Stage.SIGNED), OFFICE),
        ("start_construction", ProjectFacts(Stage.LANDING), OFFICE),
        ("start_production", ProjectFacts(Stage.CONSTRUCTION), OFFICE),
        ("withdraw", ProjectFacts(Stage.NEGOTIATION), INVESTOR),
        ("mark_lost", ProjectFacts(Stage.SIGNED), OFFICE),
    ],
)
def test_an_allowed_transition(name: str, facts: ProjectFacts, roles: frozenset[Role]):
    assert check_transition(name, facts, roles) is None


@pytest.mark.parametrize(
    ("name", "facts", "rule", "citation"),
    [
        (
            "refer_to_decision",
            ProjectFacts(Stage.REVIEW, None),
            "no_decision_without_passed_review",
            "000 一(二)2",
        ),
        (
            "refer_to_decision",
            ProjectFacts(Stage.REVIEW, ReviewOutcome.FAILED),
            "no_decision_without_passed_review",
            "000 一(二)2",
        ),
        (
            "refer_to_decision",
            ProjectFacts(Stage.NEGOTIATION),
            "no_decision_without_passed_review",
            "000 一(二)2",
        ),
        (
            "fail_review",
            ProjectFacts(Stage.REVIEW, ReviewOutcome.PASSED),
            "fail_only_failed_review",
            "000 一(二)2",
        ),
        (
            "approve",
            ProjectFacts(Stage.DECISION, ReviewOutcome.PASSED, None),
            "approve_only_by_meeting",
            "000 一(二)2(3)",
        ),
        (
            "approve",
            ProjectFacts(Stage.DECISION, ReviewOutcome.PASSED, Decision.DEFERRED),
            "approve_only_by_meeting",
            "000 一(二)2(3)",
        ),
        (
            "sign",
            ProjectFacts(Stage.DECISION, ReviewOutcome.PASSED, Decision.APPROVED),
            "no_agreement_before_city_clearance",
            "001 七(三)",
        ),
        (
            "sign",
            ProjectFacts(Stage.CITY, ReviewOutcome.PASSED, Decision.APPROVED, False),
            "no_agreement_before_city_clearance",
            "001 七(三)",
        ),
        ("confirm", ProjectFacts(Stage.REVIEW), "confirm_only_leads", "000 三(二)"),
        ("start_landing", ProjectFacts(Stage.CLEARED), "landing_after_signing", "000 三(五)"),
        ("withdraw", ProjectFacts(Stage.SIGNED), "withdraw_before_signing", "000 三"),
        ("mark_lost", ProjectFacts(Stage.REJECTED), "lost_only_active", "000 四"),
    ],
)
def test_a_refused_transition_says_why_in_the_documents_terms(
    name: str, facts: ProjectFacts, rule: str, citation: str
):
    refusal = check_transition(name, facts, OFFICE)
    assert refusal is not None
    assert (refusal.rule, refusal.citation) == (rule, citation)


def test_a_project_that_failed_review_cannot_go_to_the_joint_meeting():
    facts = ProjectFacts(Stage.REVIEW, ReviewOutcome.FAILED)
    assert "refer_to_decision" not in {t.name for t in available_transitions(facts, OFFICE)}
    assert "fail_review" in {t.name for t in available_transitions(facts, OFFICE)}


def test_no_agreement_before_the_city_filing_or_approval():
    facts = ProjectFacts(Stage.CITY, ReviewOutcome.PASSED, Decision.APPROVED, city_cleared=False)
    refusal = check_transition("sign", facts, OFFICE)
    assert refusal is not None and refusal.rule == "no_agreement_before_city_clearance"


def test_each_transition_names_the_roles_that_may_make_it():
    facts = ProjectFacts(Stage.LEAD)
    refusal = check_transition("confirm", facts, INVESTOR)
    assert refusal is not None and refusal.rule == "not_your_role"
    assert all(t.roles for t in TRANSITIONS.values())


def test_the_city_clears_only_when_its_last_approver_has_approved():
    facts = ProjectFacts(Stage.CITY, ReviewOutcome.PASSED, Decision.APPROVED, city_cleared=False)
    refusal = check_transition("city_clear", facts, CITY)
    assert refusal is not None and refusal.rule == "city_clearance"


def test_terminal_stages_end_the_pipeline():
    assert {s for s in Stage if s.terminal} == {
        Stage.PRODUCTION,
        Stage.REJECTED,
        Stage.WITHDRAWN,
        Stage.LOST,
    }
    for stage in (Stage.REJECTED, Stage.WITHDRAWN, Stage.LOST):
        everyone = frozenset(Role)
        assert available_transitions(ProjectFacts(stage), everyone) == []


def test_serial_numbers_look_like_qx_2026_0001():
    assert format_serial("QX", 2026, 1) == "QX-2026-0001"
    assert format_serial("QX", 2026, 12345) == "QX-2026-12345"


def test_a_recalled_project_gets_no_district_round_of_its_own():
    recalled = ProjectFacts(Stage.REVIEW, review_open=False)
    refusal = check_transition("start_review", recalled, OFFICE)
    assert refusal is not None and refusal.rule == "review_after_negotiation"
    running = ProjectFacts(Stage.NEGOTIATION, review_open=True)
    refusal = check_transition("start_review", running, OFFICE)
    assert refusal is not None and refusal.rule == "review_after_negotiation"
