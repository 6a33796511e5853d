"""A delegate's cards (A/B 岗): the cards of their reviewer's open rounds, sent once when they
are named, and listed again on request (the button under an invited delegate's welcome)."""

from __future__ import annotations

from conversations.replies import Outcome, Reply
from handlers.context import Actor, Services
from handlers.notify import notify
from handlers.review.cards import card_build, reviewer_card
from storage.tables import PersonRole
from storage.uow import UnitOfWork
from workflow.roles import Role


def send_open_cards(s: Services, uow: UnitOfWork, row: PersonRole) -> int:
    """Queue to a delegate the cards of their reviewer's opinions in open rounds, once each."""
    sent = 0
    for op in uow.reviews.open_opinions_of(row.delegate_of or 0, row.unit_id or ""):
        sent += notify(
            s,
            uow,
            row.person_id,
            card_build(s, uow, op, row.person_id),
            dedupe_key=f"dgcard:{op.id}:{row.id}",
        )
    return sent


def delegated_cards(s: Services, uow: UnitOfWork, actor: Actor) -> Outcome:
    """A delegate's 待审 cards: every open card of the reviewers they act for (the button an
    invitation to an A/B 岗 leaves under its welcome)."""
    rows = [r for r in actor.role_rows if r.role == Role.REVIEWER.value and r.delegate_of]
    cards = [
        reviewer_card(s, uow, op, actor.locale, actor.person_id)
        for r in rows
        for op in uow.reviews.open_opinions_of(r.delegate_of or 0, r.unit_id or "")
    ]
    if not cards:
        return Outcome([Reply(s.renderer.message(actor.locale, "delegates#no_cards"))])
    return Outcome(cards)
