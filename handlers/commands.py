"""Running a slash command: typed, or pressed on /menu's card. One path, so a command pressed
is checked exactly as the same command typed."""

from __future__ import annotations

from conversations.inbound import Inbound
from conversations.inputs import FORM_COMMANDS, Command
from conversations.replies import Outcome
from handlers import forms
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from storage.uow import UnitOfWork


def run_command(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """The outcome of `event.command`: a form's own command (/cancel, /continue…) goes to the
    person's open form; any other is checked against its registration and roles, then run."""
    name = event.command or ""
    if actor.person is not None and name in FORM_COMMANDS:
        draft = uow.drafts.active(actor.person_id, event.chat_id)
        if draft is not None:
            return forms.feed(s, uow, actor, draft, Command(name, event.args or None))
    spec = s.routes.commands.get(name)
    if spec is None:
        raise HandlerError("common#unknown_command", command=name)
    if spec.needs_registration and not actor.roles:
        return s.routes.commands["start"].handler(s, uow, actor, event)
    if spec.roles is not None and not (spec.roles & actor.roles):
        raise Refused("common#not_allowed", audit_action=f"refused:/{name}")
    return spec.handler(s, uow, actor, event)
