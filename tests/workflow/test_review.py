"""A round passes when every dimension agrees; a veto dimension's 不同意 fails it."""

from __future__ import annotations

from workflow.pipeline import ReviewOutcome
from workflow.policy import Policy
from workflow.policy_file import DEFAULT_POLICY_PATH, parse_policy
from workflow.review import Verdict, pending_dimensions, round_result


def all_agree(policy: Policy) -> dict[str, Verdict | None]:
    return {d.id: Verdict.AGREE for d in policy.review_dimensions}


def test_a_round_with_a_pending_dimension_has_no_outcome(policy: Policy):
    verdicts = all_agree(policy) | {"legal_risk": None}
    assert round_result(verdicts, policy) is None
    assert pending_dimensions(verdicts, policy) == ["legal_risk"]


def test_every_dimension_agreeing_or_conditionally_agreeing_passes(policy: Policy):
    verdicts = all_agree(policy) | {"energy": Verdict.CONDITIONAL}
    result = round_result(verdicts, policy)
    assert result is not None and result.outcome is ReviewOutcome.PASSED
    assert result.conditional == ("energy",)


def test_a_disagreement_on_environment_is_a_one_vote_veto(policy: Policy):
    result = round_result(all_agree(policy) | {"environment": Verdict.DISAGREE}, policy)
    assert result is not None and result.outcome is ReviewOutcome.FAILED
    assert result.vetoed_by == ("environment",)


def test_any_other_disagreement_goes_to_the_meeting_flagged(policy: Policy):
    result = round_result(all_agree(policy) | {"technology": Verdict.DISAGREE}, policy)
    assert result is not None and result.outcome is ReviewOutcome.FLAGGED
    assert result.flagged == ("technology",)


def test_a_county_may_make_every_disagreement_fail_the_round():
    strict = parse_policy(
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
            "non_veto_disagreement: flag", "non_veto_disagreement: fail"
        )
    )
    result = round_result(all_agree(strict) | {"technology": Verdict.DISAGREE}, strict)
    assert result is not None and result.outcome is ReviewOutcome.FAILED
