"""The commands that steer whatever form a person has open or paused: /continue and /cancel
(an open form takes /cancel itself; these answer when none is open)."""

from __future__ import annotations

from conversations.inbound import Inbound
from conversations.inputs import Command
from conversations.replies import Outcome
from handlers import forms
from handlers.context import Actor, Services
from handlers.errors import HandlerError
from handlers.routing import Router, command
from storage.uow import UnitOfWork


def continue_form(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Go on with the form paused most recently."""
    rows = [r for r in uow.drafts.of_person(actor.person_id) if r.chat_id == event.chat_id]
    if not rows:
        raise HandlerError("projects#nothing_to_continue")
    return forms.feed(s, uow, actor, rows[0], Command("resume"))


def cancel(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Nothing is open to pause (an open form takes /cancel itself)."""
    raise HandlerError("projects#nothing_to_cancel")


def router() -> Router:
    """/continue and /cancel, for any form."""
    return Router(
        "drafts",
        commands=(command("continue", continue_form), command("cancel", cancel)),
    )
