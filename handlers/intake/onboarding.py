"""/start and an investor's own registration (the person becomes an investor once the
registration form is submitted, with their consent recorded)."""

from __future__ import annotations

from conversations.draft import Draft
from conversations.forms.registration import REGISTRATION_FORM
from conversations.inbound import Inbound
from conversations.inputs import Command
from conversations.replies import Outcome, Reply
from handlers import forms
from handlers.actors import link_person
from handlers.context import Actor, Services
from handlers.intake.by_account import pending_for
from handlers.intake.help import help_reply, say
from handlers.intake.invitations import accept_invitation
from handlers.intake.invite_links import INVITE_PREFIX
from storage.uow import UnitOfWork
from workflow.roles import Role


def start(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Welcome; a deep link may carry an invitation; a newcomer registers as an investor.
    Opening the app (WeCom's enter_agent, every time a member enters it) greets only someone
    the bot does not know yet: an official opens it many times a day."""
    if event.entered and actor.person is not None:
        return Outcome()
    payload = event.args.strip() if event.command == "start" else ""
    if payload.startswith(INVITE_PREFIX):
        return accept_invitation(s, uow, actor, event, payload.removeprefix(INVITE_PREFIX))
    pending = pending_for(s, uow, event) if actor.person is None else None
    if pending is not None:  # invited by their WeCom UserID: their first message takes it
        return accept_invitation(s, uow, actor, event, pending.code)
    if actor.roles and actor.person is not None:
        return Outcome(
            [
                say(s, actor, "onboarding#welcome_back", name=actor.person.name),
                help_reply(s, actor),
            ]
        )
    replies = [] if actor.person else [say(s, actor, "onboarding#welcome")]
    replies += _registration(s, uow, actor, event)
    return Outcome(replies)


def _registration(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> list[Reply]:
    # A visitor has no person yet: a provisional one holds the registration draft, so the
    # answers survive a restart like any other draft.
    if actor.person is None:
        actor.person = link_person(uow, event)
    row = uow.drafts.find(actor.person_id, event.chat_id, REGISTRATION_FORM.id)
    if row is not None:
        return list(forms.feed(s, uow, actor, row, Command("resume")).replies)
    return forms.start(
        s,
        uow,
        actor,
        event.chat_id,
        REGISTRATION_FORM.id,
        answers={"name": event.display_name} if event.display_name else None,
    )


def finish_registration(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, _subject: str
) -> list[Reply]:
    """The registration form was submitted: the person becomes an investor."""
    person = actor.person
    assert person is not None
    a = draft.answers
    person.name = a["name"]
    person.company = a.get("company")
    person.phone = a.get("phone")
    person.consent_at = s.clock()
    uow.session.add(person)
    uow.people.grant(actor.person_id, Role.INVESTOR.value)
    uow.audit(
        "register",
        "person",
        actor.person_id,
        actor_id=actor.person_id,
        to_value=Role.INVESTOR.value,
    )
    actor.role_rows = list(uow.people.roles_of(actor.person_id))
    return [say(s, actor, "onboarding#registered", name=person.name), help_reply(s, actor)]


def finish_work_phone(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, _subject: str
) -> list[Reply]:
    """An official gave their work phone: the liaison table prints it under their name."""
    person = actor.person
    assert person is not None
    person.phone = draft.answers["work_phone"]
    uow.session.add(person)
    uow.audit("work_phone", "person", actor.person_id, actor_id=actor.person_id)
    return [say(s, actor, "onboarding#work_phone_saved", phone=person.phone)]
