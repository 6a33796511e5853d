"""The conclusion of a review round (000 一(二)1: "项目评审工作小组组织召开项目评审会，评审会
通过后，由组织单位形成评审意见表"): once every unit has given its opinion, the review group's
组长/副组长 get a card with each dimension's joint verdict and each unit's opinion, and
conclude 通过 or 不通过; the office is told that the round waits for them."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.replies import Button, Reply
from handlers.buttons import CONCLUSION_BUTTONS
from handlers.context import Services
from handlers.errors import HandlerError
from handlers.notify import message, notify_many
from handlers.review.levels import level_of, runner_ids
from handlers.review.summary import (
    DimensionRow,
    dimension_rows,
    found_prohibited,
    round_outcome,
)
from storage.tables import ReviewRound
from storage.uow import UnitOfWork
from workflow.pipeline import ReviewOutcome
from workflow.review import RoundResult, concluding_roles


def conclusion_card_key(round_id: int) -> str:
    """The conclusion card of a round, one per leader's chat."""
    return f"rc:{round_id}"


def concluder_ids(uow: UnitOfWork, rnd: ReviewRound) -> list[int]:
    """The people who conclude a round of its level."""
    return [
        p.id
        for role in sorted(concluding_roles(rnd.level))
        for p in uow.people.holders(role.value)
        if p.id is not None
    ]


def conclusion_card(s: Services, uow: UnitOfWork, rnd: ReviewRound, locale: str) -> Reply:
    """Each dimension's verdict and each unit's opinion; 通过 / 不通过 while the round is open."""
    assert rnd.id is not None
    project = uow.projects.get(rnd.project_id)
    opinions = uow.reviews.opinions(rnd.id)
    rows = dimension_rows(s, uow, opinions)
    result = round_outcome(s, opinions)
    concluder = uow.people.get(rnd.concluded_by) if rnd.concluded_by else None
    vetoes = [s.policy.dimension(d) for d in result.vetoed_by] if result else []
    text = s.renderer.message(
        locale,
        "review#conclusion_card",
        project=project,
        round=rnd,
        rows=rows,
        result=result,
        vetoes=vetoes,
        prohibited=found_prohibited(rows),
        closed=rnd.closed_at is not None,
        concluder=concluder.name if concluder else None,
        fail_rule=s.policy.review_rules.non_veto_disagreement == "fail",
    )
    if rnd.closed_at is not None or result is None:
        return Reply(text, card=conclusion_card_key(rnd.id))
    fail = Button(
        s.renderer.message(locale, "review#btn_conclude_fail"),
        CONCLUSION_BUTTONS.encode("fail", rnd.id),
    )
    if pass_refusal(s, rows, result) is not None:  # 通过 is not open to them: only 不通过
        return Reply(text, ((fail,),), card=conclusion_card_key(rnd.id))
    passed = Button(
        s.renderer.message(locale, "review#btn_conclude_pass"),
        CONCLUSION_BUTTONS.encode("pass", rnd.id),
    )
    return Reply(text, ((passed, fail),), card=conclusion_card_key(rnd.id))


def offer_conclusion(s: Services, uow: UnitOfWork, rnd: ReviewRound, urge: bool = False) -> int:
    """Send (or refresh) the conclusion card to whoever concludes, once every opinion is in;
    the first time, tell the office the round waits for them. Returns how many were sent."""
    if round_outcome(s, uow.reviews.opinions(rnd.id or 0)) is None:
        return 0
    people = concluder_ids(uow, rnd)
    key = f"concl:{rnd.id}:{s.clock().strftime('%Y%m%d%H')}" if urge else None
    sent = notify_many(
        s, uow, people, lambda loc: conclusion_card(s, uow, rnd, loc), dedupe_key=key
    )
    if rnd.closed_at is None and not urge:
        project = uow.projects.get(rnd.project_id)
        notify_many(
            s,
            uow,
            runner_ids(uow, level_of(rnd.level)),
            message(
                s, "review#awaiting_conclusion", project=project, round=rnd, found=bool(people)
            ),
            dedupe_key=f"concl:offered:{rnd.id}",
        )
    return sent


def pass_refusal(
    s: Services, rows: Sequence[DimensionRow], result: RoundResult
) -> HandlerError | None:
    """Why the leader may not conclude 通过, if so: a reviewer confirmed the project falls in a
    prohibited category (001 六), a veto dimension disagreed, or the policy fails a round on
    any 不同意."""
    prohibited = found_prohibited(rows)
    if prohibited:
        first = prohibited[0]
        return HandlerError(
            "review#prohibited_cannot_pass", name=first.name, citation=first.source
        )
    if result.outcome is ReviewOutcome.FAILED:
        return cannot_pass(s, result)
    return None


def cannot_pass(s: Services, result: RoundResult) -> HandlerError:
    """Why 通过 is not open: a veto dimension disagreed (its citation), or the policy fails a
    round on any 不同意."""
    if result.vetoed_by:
        dim = s.policy.dimension(result.vetoed_by[0])
        return HandlerError(
            "review#veto_cannot_pass", dimension=dim.name, citation=dim.veto_source or dim.source
        )
    return HandlerError("review#disagreement_cannot_pass", citation=s.policy.review_rules.source)
