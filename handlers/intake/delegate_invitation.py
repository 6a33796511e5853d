"""An invitation to an A/B 岗 (made from /delegate): whoever opens it acts for the invitation's
reviewer in its unit."""

from __future__ import annotations

from conversations.forms.registration import WORK_PHONE_FORM
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply
from handlers import forms
from handlers.buttons import DELEGATE_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import Refused
from handlers.intake.help import help_reply, unit_name
from handlers.notify import message, notify
from storage.tables import Invitation
from storage.uow import UnitOfWork


def accept_delegate(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, inv: Invitation
) -> Outcome:
    """An A/B 岗 joins: they act for the invitation's reviewer in its unit; the reviewer and
    whoever invited them are told, and the welcome offers the reviewer's open cards."""
    assert inv.delegate_of is not None and inv.unit_id is not None
    if actor.person_id == inv.delegate_of:
        raise Refused("onboarding#invite_delegate_self", audit_action="refused:delegate_self")
    row = uow.people.name_delegate(
        actor.person_id, inv.role, inv.unit_id, inv.delegate_of, inv.created_by
    )
    uow.people.use_invitation(inv, actor.person_id, s.clock())
    uow.audit(
        "name_delegate",
        "person_role",
        row.id,
        actor_id=actor.person_id,
        to_value=actor.person_id,
        note=f"{inv.unit_id} for:{inv.delegate_of} invitation:{inv.id}",
    )
    actor.role_rows = list(uow.people.roles_of(actor.person_id))
    reviewer = uow.people.get(inv.delegate_of)
    params = {
        "name": actor.person.name if actor.person else "—",
        "reviewer": reviewer.name if reviewer else "—",
        "unit": unit_name(s, inv.unit_id),
    }
    for pid in dict.fromkeys(p for p in (inv.delegate_of, inv.created_by) if p):
        notify(s, uow, pid, message(s, "onboarding#delegate_accepted_notice", **params))
    welcome = Reply(
        s.renderer.message(actor.locale, "onboarding#invite_delegate_welcome", **params),
        (
            (
                Button(
                    s.renderer.message(actor.locale, "onboarding#btn_delegated_cards"),
                    DELEGATE_BUTTONS.encode("mine"),
                ),
            ),
        ),
    )
    replies = [welcome, help_reply(s, actor)]
    if actor.person is not None and not actor.person.phone:
        replies += forms.start(s, uow, actor, event.chat_id, WORK_PHONE_FORM.id)
    return Outcome(replies)
