"""Confirmation on the same card (确认…？ with 确认 / 取消), one mechanism for every action that
asks (`ButtonAction.confirm` in handlers/buttons.py).

The first press edits the card in place into the question: the card as it is now, the question
below it, and 确认 / 取消. 取消 puts the card back. 确认 carries the fingerprint of the card the
question stood on; it is taken only while the card reads the same, so a 确认 on a card whose
state has moved since is refused as stale and changes nothing. Every press, the answers too,
passes the dispatcher's checks of roles and arguments, the prefix's checks (its `card`), and
then the handler's own.
"""

from __future__ import annotations

import hashlib

from conversations.callbacks import CANCELLED, CONFIRMED, ButtonAction, CallbackData
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.routing import ButtonSpec, Pressed
from storage.uow import UnitOfWork


def fingerprint(card: Reply) -> str:
    """A short digest of what a card shows: its text and its buttons."""
    shown = [card.text, *(f"{b.text}\x1f{b.data}" for row in card.buttons for b in row)]
    return hashlib.sha256("\x1e".join(shown).encode()).hexdigest()[:8]


def confirmed_press(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    event: Inbound,
    spec: ButtonSpec,
    action: ButtonAction,
    data: CallbackData,
) -> Outcome:
    """A press of an action that asks first: the question, 取消, or the action once confirmed."""
    assert spec.card is not None and action.confirm is not None  # ButtonSpec checks it
    pressed: Pressed = spec.card(s, uow, actor, data)
    if data.answer is None:
        return _ask(s, actor, spec, action, data, pressed)
    if data.answer == CANCELLED:
        return Outcome([pressed.card.as_edit()])
    if data.answer != CONFIRMED + fingerprint(pressed.card):
        raise Refused(
            "common#stale_button",
            audit_action=f"refused:stale_confirm:{data.prefix}:{data.action}",
        )
    outcome = spec.handler(s, uow, actor, event, data)
    if not any(r.edit for r in outcome.replies):
        # The question gives way to the card as it now reads (a form opened under it, say).
        try:
            after = spec.card(s, uow, actor, data).card
        except HandlerError:
            after = Reply(pressed.card.text, card=pressed.card.card)
        outcome.replies.insert(0, after.as_edit())
    return outcome


def _ask(
    s: Services,
    actor: Actor,
    spec: ButtonSpec,
    action: ButtonAction,
    data: CallbackData,
    pressed: Pressed,
) -> Outcome:
    card = pressed.card
    shown = {b.data for row in card.buttons for b in row}
    if spec.schema.encode(data.action, *data.args) not in shown:
        # The card as it is now does not offer this press: it was made on an older one.
        raise Refused("common#stale_button", audit_action=f"refused:stale:{data.prefix}")
    r = s.renderer
    question = r.message(actor.locale, action.confirm or "", **pressed.params)
    yes = spec.schema.answer(data, CONFIRMED + fingerprint(card))
    buttons = (
        (
            Button(r.message(actor.locale, "common#btn_confirm"), yes),
            Button(r.message(actor.locale, "common#btn_cancel"), spec.schema.answer(data, "n")),
        ),
    )
    text = f"{card.text}\n\n{question.strip()}"
    return Outcome([Reply(text, buttons, edit=True, card=card.card)])
