"""The dispatcher: one event, one unit of work; an open draft gets the event first."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

from conversations.callbacks import EVERYONE, CallbackDataError, decode
from conversations.inbound import Inbound
from conversations.inputs import ButtonInput, Command, TextInput
from conversations.replies import Outcome, Reply, plain_words
from conversations.views import FORM_BUTTONS
from handlers import chats, forms
from handlers.actors import resolve_actor
from handlers.commands import run_command
from handlers.confirm import confirmed_press
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused, audit_refusal
from handlers.web_links import menu_button
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

Then = Callable[[UnitOfWork, Actor, Outcome], None]
"""What runs in a handled event's unit of work after its use case (Dispatcher.handle)."""


class Dispatcher:
    """Routes inbound events to use cases; every event is one transaction."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def handle(self, event: Inbound, *, then: Then | None = None) -> Outcome:
        """Handle one event and return the replies for the person who acted. `then`, when
        given, runs once the event is handled and before its unit of work commits (not on a
        refusal): the Mini App queues there what the chat must show of a press on a page."""
        s = self.services
        with s.uow() as uow:
            key = f"{event.messenger}:{event.update_id}" if event.update_id else None
            if key is not None and not uow.first_time(key):
                log.info("update %s was handled before; not taken again", key)
                return self._redelivered(uow, event)
            if not event.private or event.edited or event.other is not None:
                return self._not_routed(uow, event)
            actor = resolve_actor(s, uow, event)
            before = (actor.roles, actor.locale)
            try:
                outcome = self._route(uow, actor, event)
                if then is not None:
                    then(uow, actor, outcome)
                uow.commit()
                if (actor.roles, actor.locale) != before or event.command == "start":
                    outcome.menu = self.menu(actor)
                    outcome.menu_button = menu_button(s, actor)
                return outcome
            except HandlerError as err:
                uow.rollback()
                if key is not None:
                    uow.first_time(key)
                target = event.callback_data or event.command or "text"
                audit_refusal(uow, err, actor, event, "event", target)
                uow.commit()
                text = s.renderer.message(actor.locale, err.message, **err.params)
                return Outcome(
                    [Reply(text)], toast=_first_line(text), alert=isinstance(err, Refused)
                )

    def _redelivered(self, uow: UnitOfWork, event: Inbound) -> Outcome:
        """An update handled before has come again: its process may have died after the
        answer was kept and before the reply went out. In a private chat with a form open the
        person gets the form's question again, so no reply is lost for good (a question shown
        twice is the price); anything else is not answered twice."""
        if not event.private or event.edited or event.other is not None:
            return Outcome()
        actor = resolve_actor(self.services, uow, event)
        draft = uow.drafts.active(actor.person_id, event.chat_id) if actor.person else None
        if draft is None:
            return Outcome()
        outcome = forms.feed(self.services, uow, actor, draft, Command("resume"))
        uow.commit()
        return outcome

    def _not_routed(self, uow: UnitOfWork, event: Inbound) -> Outcome:
        """Groups, edits and kinds of message the bot does not read: one line, and no change
        (before the actor is resolved, so no account is linked to a group's chat)."""
        s = self.services
        if event.private:
            outcome = chats.not_read(s, uow, resolve_actor(s, uow, event), event)
        else:
            outcome = chats.outside_private(s, uow, event)
        uow.commit()  # the update's id, and what resolving the actor records
        return outcome

    def menu(self, actor: Actor) -> list[tuple[str, str]]:
        """The command menu for this actor, in their language."""
        r = self.services.renderer
        return [
            (c.name, html.unescape(r.message(actor.locale, "commands#describe", command=c.name)))
            for c in self.services.routes.commands_for(actor.roles, bool(actor.roles))
        ]

    def account_blocked(self, messenger: str, user_id: str, blocked: bool) -> None:
        """Record that a person blocked (or unblocked) the bot."""
        with self.services.uow() as uow:
            account = uow.people.account(messenger, user_id)
            if account is None:
                return
            account.blocked_at = self.services.clock() if blocked else None
            uow.session.add(account)
            uow.audit(
                "blocked_bot" if blocked else "unblocked_bot",
                "account",
                account.id,
                actor_id=account.person_id,
                actor_external=user_id,
            )
            uow.commit()

    def _route(self, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
        s = self.services
        if event.callback_data is not None:
            return self._button(uow, actor, event)
        if event.command is not None:
            return self._command(uow, actor, event)
        draft = uow.drafts.active(actor.person_id, event.chat_id) if actor.person else None
        if draft is not None:
            if event.file is not None:
                return forms.feed(s, uow, actor, draft, event.file)
            return forms.feed(s, uow, actor, draft, TextInput(event.text or ""))
        if not actor.roles:
            return s.routes.commands["start"].handler(s, uow, actor, event)
        return Outcome([Reply(s.renderer.message(actor.locale, "common#unknown_text"))])

    def _command(self, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
        return run_command(self.services, uow, actor, event)

    def _button(self, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
        """A press: read through its prefix's schema, check the action's roles, then route."""
        s = self.services
        try:
            raw = decode(event.callback_data or "")
        except CallbackDataError:
            raise Refused("common#stale_button", audit_action="refused:bad_callback") from None
        spec = s.routes.buttons.get(raw.prefix)
        schema = spec.schema if spec is not None else None
        if raw.prefix == FORM_BUTTONS.prefix:
            schema = FORM_BUTTONS
        action = schema.action(raw.action) if schema else None
        if schema is None or action is None:
            raise Refused("common#stale_button", audit_action="refused:unknown_button")
        if not action.allows(actor.roles, bool(actor.roles)):
            raise Refused("common#not_allowed", audit_action=f"refused:{raw.prefix}:{raw.action}")
        try:
            data = schema.read(raw)
        except CallbackDataError:
            raise Refused("common#stale_button", audit_action="refused:bad_callback") from None
        if spec is None:  # a form's button belongs to the presser's open draft
            draft = uow.drafts.active(actor.person_id, event.chat_id) if actor.person else None
            if draft is None:
                raise Refused("common#form_not_open", audit_action="refused:form_button")
            return forms.feed(s, uow, actor, draft, ButtonInput(data))
        if actor.person is None and action.roles is not EVERYONE:
            raise Refused("common#not_allowed", audit_action=f"refused:{raw.prefix}")
        if action.confirm is not None:  # asked on the same card first (handlers/confirm.py)
            return confirmed_press(s, uow, actor, event, spec, action, data)
        return spec.handler(s, uow, actor, event, data)


def _first_line(text: str) -> str:
    plain = plain_words(text).strip().splitlines()
    return (plain[0] if plain else "")[:190]
