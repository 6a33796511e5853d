"""The 组长/副组长's press on the conclusion card: 通过 or 不通过 (000 一(二)1), refused to
anyone who does not conclude rounds of that level, and to a second press."""

from __future__ import annotations

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Outcome
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.review.rounds import close_round
from storage.uow import UnitOfWork
from workflow.review import Conclusion, concluding_roles

CONCLUSION_OF_ACTION = {"pass": Conclusion.PASS, "fail": Conclusion.FAIL}


def conclude_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """Conclude a complete round by the leader's press."""
    rnd = uow.reviews.round(data.arg_int(0))
    if rnd is None:
        raise HandlerError("common#stale_button")
    if not actor.roles & concluding_roles(rnd.level):
        raise Refused("common#not_allowed", audit_action="refused:review_conclusion")
    if rnd.closed_at is not None:
        raise HandlerError("review#round_closed")
    return close_round(s, uow, actor, rnd, CONCLUSION_OF_ACTION[data.action])
