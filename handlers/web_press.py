"""A chat card's button pressed on a Mini App page: the same press chat would take, through the
same dispatcher (the callback data decoded and bound-checked in one place, the action's roles,
the confirmation on the card, 撤回, the handler's own guards, a refusal audited), and then what
the chat must show of it, queued in the outbox in the same unit of work.

A press on a page has no chat message to edit, so:
- a reply that is a card (`Reply.card`) goes to the person's chat as an edit of the card
  where it was last shown (bot/outbox/delivery.py), so the chat card reads as the page does;
- a reply that is a new message (a form's first question, a document, a notice) goes to the
  chat too: a form a press opens is answered in the chat;
- an edit of the pressed message that is no card (a list to pick from) is the page's only.
Everyone else's notifications leave through the outbox as they do for a press in chat."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.inbound import Inbound
from conversations.replies import Outcome, Reply
from handlers.context import Actor, Services
from handlers.dispatch import Dispatcher
from storage.uow import UnitOfWork


@dataclass(slots=True)
class PagePress:
    """What a press on a page gave: the outcome as chat would show it, whether it was taken
    (False: refused, or a problem; the outcome then holds chat's message and nothing changed),
    and how many of its replies were queued for the person's chat."""

    outcome: Outcome
    taken: bool = False
    locale: str | None = None  # the person's, once taken
    queued: list[int] = field(default_factory=list)  # outbox row ids


def press_on_page(s: Services, event: Inbound) -> PagePress:
    """Handle a press made on a page (`event.callback_data`) as chat handles it."""
    result = PagePress(Outcome())

    def to_chat(uow: UnitOfWork, actor: Actor, outcome: Outcome) -> None:
        result.taken = True
        result.locale = actor.locale
        for reply in outcome.replies:
            if reply.edit and reply.card is None:
                continue  # an edit of a message the page stands for
            row = _queue(uow, actor, event, reply)
            if row is not None:
                result.queued.append(row)

    result.outcome = Dispatcher(s).handle(event, then=to_chat)
    return result


def _queue(uow: UnitOfWork, actor: Actor, event: Inbound, reply: Reply) -> int | None:
    """Queue one reply for the person's own chat (a document with its stored bytes)."""
    file_id = None
    if reply.document is not None and reply.document.content is not None:
        doc = reply.document
        file_id = uow.outbox.store_file(doc.filename, doc.content or b"", doc.mime_type).id
    row = uow.outbox.enqueue(
        event.chat_id,
        reply.to_dict(),
        person_id=actor.person.id if actor.person else None,
        file_id=file_id,
        messenger=event.messenger,
    )
    return row.id if row is not None else None
