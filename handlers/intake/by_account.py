"""Invitations that need no link: the office invites a WeCom member by their UserID (the
invitation reaches them in WeCom and is taken at their first message), and a person links
their account on the other messenger to themselves (关联账号, /link), so one person holds a
Telegram id and a WeCom UserID and is notified once."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Final

from conversations.draft import Draft
from conversations.forms.registration import WECOM_INVITEE_FORM
from conversations.inbound import Inbound
from conversations.replies import Outcome, Reply
from handlers import forms
from handlers.actors import link_person
from handlers.context import Actor, Services
from handlers.errors import Refused
from handlers.intake.help import help_reply, say, unit_name
from handlers.intake.invite_links import invite_link, wecom_code
from handlers.notify import message, notify
from storage.tables import ACCOUNT_LINK, Invitation, Person
from storage.uow import UnitOfWork

WECOM: Final = "wecom"
LINK_HOURS: Final = 24


def open_invitation(s: Services, uow: UnitOfWork, actor: Actor, invitation_id: int) -> Invitation:
    """An invitation this office person made, not yet used and not expired."""
    inv = uow.session.get(Invitation, invitation_id)
    if inv is None or inv.created_by != actor.person_id or inv.role == ACCOUNT_LINK:
        raise Refused("common#stale_button", audit_action="refused:invite_wecom")
    if inv.used_at is not None:
        raise Refused("onboarding#invite_used", audit_action="refused:invite_reused")
    if inv.expires_at <= s.clock():
        raise Refused("onboarding#invite_expired", audit_action="refused:invite_expired")
    return inv


def ask_wecom_invitee(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, invitation_id: int
) -> Outcome:
    """按企业微信账号邀请: ask for the member's UserID and name."""
    if WECOM not in s.messengers:
        raise Refused("common#stale_button", audit_action="refused:invite_wecom")
    open_invitation(s, uow, actor, invitation_id)
    return Outcome(
        forms.start(s, uow, actor, event.chat_id, WECOM_INVITEE_FORM.id, str(invitation_id))
    )


def finish_wecom_invitee(
    s: Services, uow: UnitOfWork, actor: Actor, draft: Draft, subject: str
) -> list[Reply]:
    """Send the invitation to the member's WeCom: it is theirs alone, and taken by their first
    message; a member already using the app holds the role at once."""
    inv = open_invitation(s, uow, actor, int(subject))
    userid, name = str(draft.answers["userid"]), str(draft.answers["name"])
    unit = unit_name(s, inv.unit_id)
    inviter = actor.person.name if actor.person else ""
    params = {"name": name, "inviter": inviter, "role": inv.role, "unit": unit}
    account = uow.people.account(WECOM, userid)
    if account is not None:  # already in the app (as an investor, or in another role)
        uow.people.grant(
            account.person_id,
            inv.role,
            unit_id=inv.unit_id,
            dimension_id=inv.dimension_id,
            granted_by=actor.person_id,
        )
        uow.people.use_invitation(inv, account.person_id, s.clock())
        uow.audit("accept_invitation", "person", account.person_id, actor_id=actor.person_id)
        granted = message(s, "onboarding#invite_wecom_granted_notice", **params)
        notify(s, uow, account.person_id, granted)
        done = {"name": name, "userid": userid, "role": inv.role}
        return [say(s, actor, "onboarding#invite_wecom_granted", **done)]
    invitee = uow.people.add(Person(name=name, unit_id=inv.unit_id))
    inv.person_id, inv.messenger, inv.external_id = invitee.id, WECOM, userid
    uow.session.add(inv)
    uow.audit("invite_wecom", "invitation", inv.id, actor_id=actor.person_id, note=userid)
    # Not yet linked: the notice goes to the member's WeCom chat, which is their UserID.
    notice = message(s, "onboarding#invite_wecom_notice", **params)(s.renderer.default_locale)
    uow.outbox.enqueue(userid, notice.to_dict(), person_id=invitee.id, messenger=WECOM)
    sent = {"name": name, "userid": userid, "role": inv.role}
    return [say(s, actor, "onboarding#invite_wecom_sent", **sent)]


def link_command(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """/link (关联账号): a code to send from the other messenger, which links that account to
    this person."""
    others = [m for m in s.messengers if m != event.messenger]
    if not others:
        return Outcome([say(s, actor, "onboarding#link_one_messenger")])
    inv = uow.people.add_invitation(
        Invitation(
            code=secrets.token_urlsafe(12),
            role=ACCOUNT_LINK,
            person_id=actor.person_id,
            created_by=actor.person_id,
            expires_at=s.clock() + timedelta(hours=LINK_HOURS),
        )
    )
    return Outcome(
        [
            say(
                s,
                actor,
                "onboarding#link_code",
                link=invite_link(s, inv) if "telegram" in others else None,
                code=wecom_code(s, inv) if "wecom" in others else None,
                expires=inv.expires_at,
            )
        ]
    )


def link_account(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, inv: Invitation
) -> Outcome:
    """The code of /link, sent from the other messenger: this account is now the person's."""
    target = uow.people.get(inv.person_id) if inv.person_id else None
    if target is None:
        raise Refused("onboarding#invite_unknown", audit_action="refused:invite_code")
    if actor.person is not None and actor.person.id == target.id:
        raise Refused("onboarding#link_same", audit_action="refused:link_same")
    if actor.roles:  # this account is someone's already: it is not taken from them
        raise Refused("onboarding#link_taken", audit_action="refused:link_taken")
    link_person(uow, event, target)
    uow.people.use_invitation(inv, target.id or 0, s.clock())
    uow.audit("link_account", "person", target.id, actor_id=target.id, note=event.messenger)
    actor.person = target
    actor.role_rows = list(uow.people.roles_of(target.id or 0))
    target.last_messenger = event.messenger
    uow.session.add(target)
    return Outcome([say(s, actor, "onboarding#linked", name=target.name), help_reply(s, actor)])


def pending_for(s: Services, uow: UnitOfWork, event: Inbound) -> Invitation | None:
    """The invitation sent to this account (by WeCom UserID), taken at its first contact."""
    return uow.people.invitation_for(event.messenger, event.user_id, s.clock())
