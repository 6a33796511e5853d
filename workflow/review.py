"""A review round's outcome from its opinions, by the policy's rules (000 一(二), 附件5): each
unit's opinion, a dimension's joint verdict, the prohibited categories reviewers confirm, and
the review group leader's conclusion."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final, TypeVar

from workflow.pipeline import ReviewOutcome
from workflow.policy import Condition, Policy
from workflow.roles import Role

T = TypeVar("T", bound=date)  # a day, or a moment (a datetime is a date)


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


class Answer(StrEnum):
    """A reviewer's answer to a prohibited category that cannot be computed (001 六)."""

    NOT_IN = "no"  # 不属于
    IN = "yes"  # 属于


class Conclusion(StrEnum):
    """What the review group's leader or deputy concludes (000 一(二)1: 评审会通过)."""

    PASS = "pass"  # 通过
    FAIL = "fail"  # 不通过


CONCLUDING_ROLES: Final[Mapping[str, frozenset[Role]]] = {
    "district": frozenset({Role.REVIEW_CHAIR}),  # 项目评审小组组长、副组长 (附件3)
    "city": frozenset({Role.CITY_OFFICE}),  # 市招商引资工作领导小组办公室 (001 七(二)1(2))
}
"""Who concludes a round, by the round's level."""


def concluding_roles(level: str) -> frozenset[Role]:
    """The roles that conclude a round of this level (通过 or 不通过)."""
    return CONCLUDING_ROLES.get(level, CONCLUDING_ROLES["district"])


def combine_units(verdicts: Iterable[Verdict | None], policy: Policy) -> Verdict | None:
    """A dimension's verdict from its units' verdicts (lead unit first), by the policy's
    `unit_combination`; None while any unit has not given one."""
    given = list(verdicts)
    if not given or any(v is None for v in given):
        return None
    if policy.review_rules.unit_combination == "lead_unit_decides":
        return given[0]
    if Verdict.DISAGREE in given:
        return Verdict.DISAGREE
    return Verdict.CONDITIONAL if Verdict.CONDITIONAL in given else Verdict.AGREE


def dimension_decided_at(opinions: Iterable[tuple[str, T | None]]) -> dict[str, T]:
    """When each dimension of a round had its verdict, from (dimension, when the unit gave
    its opinion or None) pairs of the round's opinions: when the last of its units gave theirs,
    as `combine_units` waits for every unit; a dimension still waiting is left out."""
    times: dict[str, list[T | None]] = {}
    for dimension_id, at in opinions:
        times.setdefault(dimension_id, []).append(at)
    return {
        d: max(given)
        for d, ats in times.items()
        if (given := [at for at in ats if at is not None]) and len(given) == len(ats)
    }


def dimension_verdicts(
    opinions: Iterable[tuple[str, str, Verdict | None]], policy: Policy
) -> dict[str, Verdict | None]:
    """Each dimension's verdict from (dimension, unit, verdict) triples of a round's opinions;
    a dimension no unit was asked about stays pending."""
    by_dimension: dict[str, list[tuple[str, Verdict | None]]] = {}
    for dimension_id, unit_id, verdict in opinions:
        by_dimension.setdefault(dimension_id, []).append((unit_id, verdict))
    out: dict[str, Verdict | None] = {}
    for dim in policy.review_dimensions:
        rows = sorted(by_dimension.get(dim.id, []), key=lambda r: r[0] != dim.lead_unit)
        out[dim.id] = combine_units((v for _, v in rows), policy)
    return out


def allowed_verdicts(
    answers: Mapping[str, str], conditions: Iterable[Condition]
) -> frozenset[Verdict]:
    """The verdicts a reviewer may give once the confirmations are answered: none while one
    is pending; only 不同意 when the project falls in a prohibited category (001 六)."""
    given = [answers.get(c.id) for c in conditions]
    if any(a is None for a in given):
        return frozenset()
    if Answer.IN.value in given:
        return frozenset({Verdict.DISAGREE})
    return frozenset(Verdict)


def concluded_outcome(result: RoundResult, conclusion: Conclusion) -> ReviewOutcome | None:
    """The round's outcome when the leader concludes it; None when the conclusion is not open
    to them: 通过 over a veto (001 四(一), 六(三)) or over a 不同意 the policy makes fail."""
    if conclusion is Conclusion.FAIL:
        return ReviewOutcome.FAILED
    if result.outcome is ReviewOutcome.FAILED:
        return None
    return result.outcome


def kept_on_rescreening(
    old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A re-screened plan's stored findings, keeping the prohibited findings reviewers
    confirmed in a round (001 六(一)(二)(四)): no screening computes them, so none clears them."""
    confirmed = [f for f in old if (f.get("params") or {}).get("confirmed_by")]
    return [*new, *(f for f in confirmed if f not in new)]
