"""A round read as the documents lay it out: each dimension's joint verdict from its units'
opinions (000 一(二)1, 附件5), each unit's own opinion, and the prohibited categories its
reviewers confirmed (001 六)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from handlers.context import Services
from storage.tables import ReviewOpinion
from storage.uow import UnitOfWork
from workflow.review import Answer, RoundResult, Verdict, dimension_verdicts, round_result


@dataclass(frozen=True, slots=True)
class ConfirmationRow:
    """One prohibited category a unit's reviewer answered (or not yet)."""

    condition_id: str
    number: int
    name: str
    text: str
    source: str
    answer: str | None  # Answer value, None while pending


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One unit's opinion on a dimension."""

    opinion_id: int
    unit_id: str
    unit: str  # the unit's full name
    short: str
    reviewer: str | None
    verdict: str | None
    opinion: str | None
    suggestion: str | None
    decided_on: date | None
    confirmations: list[ConfirmationRow] = field(default_factory=list)
    recorded_by: str | None = None  # the delegate (A/B 岗) who recorded it for the reviewer


@dataclass(frozen=True, slots=True)
class DimensionRow:
    """A dimension of the round: its joint verdict and each unit's opinion."""

    dimension_id: str
    name: str
    verdict: str | None  # the joint verdict by the policy's unit_combination; None: pending
    veto: bool
    units: list[UnitRow]


def verdict_of(op: ReviewOpinion) -> Verdict | None:
    """The opinion's verdict, if given."""
    return Verdict(op.verdict) if op.verdict else None


def round_outcome(s: Services, opinions: Sequence[ReviewOpinion]) -> RoundResult | None:
    """What the opinions make of the round by the policy; None while any unit is pending."""
    triples = ((o.dimension_id, o.unit_id, verdict_of(o)) for o in opinions)
    return round_result(dimension_verdicts(triples, s.policy), s.policy)


def confirmation_rows(s: Services, op: ReviewOpinion) -> list[ConfirmationRow]:
    """The prohibited categories this opinion's dimension confirms, with the answers given."""
    answers = op.confirmations or {}
    return [
        ConfirmationRow(c.id, c.number, c.name, c.text, c.source, answers.get(c.id))
        for c in s.policy.confirmations(op.dimension_id)
    ]


def unit_row(s: Services, uow: UnitOfWork, op: ReviewOpinion) -> UnitRow:
    """One unit's opinion, with the names a reader needs: the reviewer it was recorded for,
    and the delegate who pressed, when one did."""
    reviewer_id = op.on_behalf_of or op.reviewer_id
    reviewer = uow.people.get(reviewer_id) if reviewer_id else None
    by = uow.people.get(op.decided_by) if op.on_behalf_of and op.decided_by else None
    unit = s.policy.unit(op.unit_id)
    return UnitRow(
        opinion_id=op.id or 0,
        unit_id=op.unit_id,
        unit=unit.name,
        short=unit.short,
        reviewer=reviewer.name if reviewer else None,
        verdict=op.verdict,
        opinion=op.opinion,
        suggestion=op.suggestion,
        decided_on=op.decided_at.astimezone(s.timezone).date() if op.decided_at else None,
        confirmations=confirmation_rows(s, op),
        recorded_by=by.name if by else None,
    )


def dimension_rows(
    s: Services, uow: UnitOfWork, opinions: Sequence[ReviewOpinion]
) -> list[DimensionRow]:
    """Every dimension of the policy in order, with its units' opinions (lead unit first)."""
    verdicts = dimension_verdicts(
        ((o.dimension_id, o.unit_id, verdict_of(o)) for o in opinions), s.policy
    )
    rows = []
    for dim in s.policy.review_dimensions:
        mine = sorted(
            (o for o in opinions if o.dimension_id == dim.id),
            key=lambda o: (o.unit_id != dim.lead_unit, o.id or 0),
        )
        verdict = verdicts.get(dim.id)
        rows.append(
            DimensionRow(
                dimension_id=dim.id,
                name=dim.name,
                verdict=verdict.value if verdict else None,
                veto=dim.veto,
                units=[unit_row(s, uow, o) for o in mine],
            )
        )
    return rows


def found_prohibited(rows: Sequence[DimensionRow]) -> list[ConfirmationRow]:
    """The categories a reviewer answered 属于, once each."""
    seen: dict[str, ConfirmationRow] = {}
    for row in rows:
        for unit in row.units:
            for c in unit.confirmations:
                if c.answer == Answer.IN.value:
                    seen.setdefault(c.condition_id, c)
    return list(seen.values())
