"""A review round's outcome from its opinions, by the policy's rules (000 一(二), 附件5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from workflow.pipeline import ReviewOutcome
from workflow.policy import Policy


class Verdict(StrEnum):
    """A reviewer's opinion on one dimension (评审意见)."""

    AGREE = "agree"  # 同意
    CONDITIONAL = "conditional"  # 有条件同意
    DISAGREE = "disagree"  # 不同意


@dataclass(frozen=True, slots=True)
class RoundResult:
    """The outcome of a complete round, and which dimensions decided it."""

    outcome: ReviewOutcome
    vetoed_by: tuple[str, ...] = ()  # veto dimensions that disagreed (一票否决)
    flagged: tuple[str, ...] = ()  # other dimensions that disagreed
    conditional: tuple[str, ...] = ()  # dimensions that agreed with conditions


def pending_dimensions(verdicts: Mapping[str, Verdict | None], policy: Policy) -> list[str]:
    """The dimensions of the policy without a verdict yet, in the policy's order."""
    return [d.id for d in policy.review_dimensions if verdicts.get(d.id) is None]


def round_result(verdicts: Mapping[str, Verdict | None], policy: Policy) -> RoundResult | None:
    """The outcome once every dimension has a verdict; None while any is pending.

    It passes when every dimension agrees (同意 or 有条件同意); a 不同意 on a veto dimension
    fails it; any other 不同意 is flagged for the joint meeting, or fails the round when the
    policy's review rules say so."""
    if pending_dimensions(verdicts, policy):
        return None
    dims = policy.review_dimensions
    vetoed = tuple(d.id for d in dims if d.veto and verdicts[d.id] is Verdict.DISAGREE)
    others = tuple(d.id for d in dims if not d.veto and verdicts[d.id] is Verdict.DISAGREE)
    conditional = tuple(d.id for d in dims if verdicts[d.id] is Verdict.CONDITIONAL)
    if vetoed:
        return RoundResult(ReviewOutcome.FAILED, vetoed, others, conditional)
    if others:
        fail = policy.review_rules.non_veto_disagreement == "fail"
        outcome = ReviewOutcome.FAILED if fail else ReviewOutcome.FLAGGED
        return RoundResult(outcome, (), others, conditional)
    return RoundResult(ReviewOutcome.PASSED, (), (), conditional)
