"""撤回 of a recent 登记流失 or 建成投产, and a joint meeting's decision corrected by a new one
(issue 15), as workflow's pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflow.pipeline import (
    Decision,
    LastMove,
    ProjectFacts,
    ReviewOutcome,
    Stage,
    check_transition,
    check_undo,
)
from workflow.policy_file import load_default_policy
from workflow.roles import Role

OFFICE = frozenset({Role.OFFICE})
AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)


def lost(by: int = 1, at: datetime = AT, before: Stage = Stage.NEGOTIATION) -> LastMove:
    return LastMove("mark_lost", before, Stage.LOST, by, at)


def test_the_policy_gives_the_window_to_withdraw():
    assert load_default_policy().deadlines.undo_minutes == 10


def test_a_lost_project_may_be_withdrawn_by_who_marked_it_within_the_window():
    assert check_undo(lost(), Stage.LOST, 1, OFFICE, AT + WINDOW, WINDOW) is None


@pytest.mark.parametrize(
    ("last", "stage", "actor", "roles", "now", "rule"),
    [
        (lost(), Stage.LOST, 1, OFFICE, AT + WINDOW + timedelta(seconds=1), "undo_window_passed"),
        (lost(), Stage.LOST, 2, OFFICE, AT, "undo_only_yours"),
        (lost(), Stage.LOST, 1, frozenset({Role.LEADER}), AT, "not_your_role"),
        (lost(), Stage.NEGOTIATION, 1, OFFICE, AT, "undo_nothing"),  # withdrawn already
        (None, Stage.LOST, 1, OFFICE, AT, "undo_nothing"),
        (
            LastMove("sign", Stage.CLEARED, Stage.SIGNED, 1, AT),
            Stage.SIGNED,
            1,
            OFFICE,
            AT,
            "undo_nothing",
        ),
    ],
    ids=["window passed", "not theirs", "not the office", "nothing since", "no move", "signing"],
)
def test_what_cannot_be_withdrawn(
    last: LastMove | None,
    stage: Stage,
    actor: int,
    roles: frozenset[Role],
    now: datetime,
    rule: str,
):
    refusal = check_undo(last, stage, actor, roles, now, WINDOW)
    assert refusal is not None and refusal.rule == rule


def test_a_zero_window_turns_withdrawal_off():
    refusal = check_undo(lost(), Stage.LOST, 1, OFFICE, AT, timedelta(0))
    assert refusal is not None and refusal.rule == "undo_window_passed"


def test_an_approval_is_corrected_to_rejected_only_while_the_city_has_not_acted():
    facts = ProjectFacts(Stage.CITY, ReviewOutcome.PASSED, Decision.REJECTED, city_untouched=True)
    assert check_transition("correct_to_reject", facts, OFFICE) is None
    acted = ProjectFacts(Stage.CITY, ReviewOutcome.PASSED, Decision.REJECTED)
    refusal = check_transition("correct_to_reject", acted, OFFICE)
    assert refusal is not None and refusal.rule == "correct_before_city_acts"


def test_only_a_meetings_rejection_of_a_passed_review_is_corrected_to_approved():
    facts = ProjectFacts(Stage.REJECTED, ReviewOutcome.PASSED, Decision.APPROVED)
    assert check_transition("correct_to_approve", facts, OFFICE) is None
    failed = ProjectFacts(Stage.REJECTED, ReviewOutcome.FAILED, Decision.APPROVED)
    assert check_transition("correct_to_approve", failed, OFFICE) is not None
    blocked = ProjectFacts(
        Stage.REJECTED, ReviewOutcome.PASSED, Decision.APPROVED, blockers=("001 六(一)",)
    )
    refusal = check_transition("correct_to_approve", blocked, OFFICE)
    assert refusal is not None and refusal.rule == "blocked_by_rules"
