"""The 组长/副组长's press on the conclusion card: 通过 or 不通过 (000 一(二)1), refused to
anyone who does not conclude rounds of that level, and to a second press. The press is asked
on the same card first (结束评审: handlers/confirm.py)."""

from __future__ import annotations

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Outcome
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.review.conclusion import conclusion_card, pass_refusal
from handlers.review.rounds import close_round
from handlers.review.summary import dimension_rows, round_outcome
from handlers.routing import Pressed
from storage.tables import ReviewRound
from storage.uow import UnitOfWork
from workflow.review import Conclusion, concluding_roles

CONCLUSION_OF_ACTION = {"pass": Conclusion.PASS, "fail": Conclusion.FAIL}


def conclude_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """Conclude a complete round by the leader's press."""
    rnd = _checked(uow, actor, data)
    return close_round(s, uow, actor, rnd, CONCLUSION_OF_ACTION[data.action])


def conclusion_pressed(s: Services, uow: UnitOfWork, actor: Actor, data: CallbackData) -> Pressed:
    """The conclusion card a press stands on, once the press's checks pass: every opinion
    is in, and 通过 is open (no veto, no prohibited category), as close_round checks."""
    rnd = _checked(uow, actor, data)
    opinions = uow.reviews.opinions(rnd.id or 0)
    result = round_outcome(s, opinions)
    if result is None:
        raise HandlerError(
            "review#not_complete", pending=sum(1 for o in opinions if not o.verdict)
        )
    if CONCLUSION_OF_ACTION[data.action] is Conclusion.PASS:
        refusal = pass_refusal(s, dimension_rows(s, uow, opinions), result)
        if refusal is not None:
            raise refusal
    project = uow.projects.get(rnd.project_id)
    return Pressed(conclusion_card(s, uow, rnd, actor.locale), {"project": project})


def _checked(uow: UnitOfWork, actor: Actor, data: CallbackData) -> ReviewRound:
    """The open round a press names, refused to whoever does not conclude its level."""
    rnd = uow.reviews.round(data.arg_int(0))
    if rnd is None:
        raise HandlerError("common#stale_button")
    if not actor.roles & concluding_roles(rnd.level):
        raise Refused("common#not_allowed", audit_action="refused:review_conclusion")
    if rnd.closed_at is not None:
        raise HandlerError("review#round_closed")
    return rnd
