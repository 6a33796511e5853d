"""Invitations that need no link: the office invites a WeCom member by their UserID (the
invitation reaches them in WeCom and is taken at their first message), and a person links
their account on the other messenger to themselves (关联账号, /link), so one person holds a
Telegram id and a WeCom UserID and is notified once."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Final

from conversations.draft import Draft
from conversations.forms.registration import REGISTRATION_FORM, WECOM_INVITEE_FORM
from conversations.inbound import Inbound
from conversations.replies import Outcome, Reply
from handlers import forms
from handlers.actors import link_person
from handlers.context import Actor, Services
from handlers.errors import Refused
from handlers.intake.granting import holds, offer, take_invitation
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
    message; a member already using the app holds the role at once. A member who holds the
    role already, or has an invitation still open, is not invited again: the office is told."""
    inv = open_invitation(s, uow, actor, int(subject))
    userid, name = str(draft.answers["userid"]), str(draft.answers["name"])
    account = uow.people.account(WECOM, userid, any_case=True)
    if account is not None:  # already in the app (as an investor, or in another role)
        return [_grant_at_once(s, uow, actor, inv, account.person_id, name, userid)]
    pending = uow.people.invitation_for(WECOM, userid, s.clock())
    if pending is not None:
        return [_pending(s, uow, actor, pending, inv, userid)]
    unit = unit_name(s, inv.unit_id)
    inviter = actor.person.name if actor.person else ""
    params = {"name": name, "inviter": inviter, "role": inv.role, "unit": unit}
    # Invited before, and the invitation lapsed: the same person is invited again.
    invitee = uow.people.invitee(WECOM, userid)
    if invitee is None:
        invitee = uow.people.add(Person(name=name, unit_id=inv.unit_id))
    else:
        invitee.name, invitee.unit_id = name, inv.unit_id
        uow.session.add(invitee)
    inv.person_id, inv.messenger, inv.external_id = invitee.id, WECOM, userid
    uow.session.add(inv)
    uow.audit("invite_wecom", "invitation", inv.id, actor_id=actor.person_id, note=userid)
    # Not yet linked: the notice goes to the member's WeCom chat, which is their UserID.
    notice = message(s, "onboarding#invite_wecom_notice", **params)(s.renderer.default_locale)
    uow.outbox.enqueue(userid, notice.to_dict(), person_id=invitee.id, messenger=WECOM)
    sent = {"name": name, "userid": userid, "role": inv.role}
    return [say(s, actor, "onboarding#invite_wecom_sent", **sent)]


def _grant_at_once(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    inv: Invitation,
    person_id: int,
    name: str,
    userid: str,
) -> Reply:
    """A member already in the app holds the invitation's role at once and is told; one who
    holds it already is left as they are, and the office is told who they joined as."""
    if holds(list(uow.people.roles_of(person_id)), inv):
        person = uow.people.get(person_id)
        joined = person.name if person else name
        return say(
            s,
            actor,
            "onboarding#invite_wecom_joined",
            userid=userid,
            name=joined,
            **_offer_params(s, inv),
        )
    take_invitation(s, uow, inv, person_id, actor.person_id)
    inviter = actor.person.name if actor.person else ""
    params = {
        "name": name,
        "inviter": inviter,
        "role": inv.role,
        "unit": unit_name(s, inv.unit_id),
    }
    notify(s, uow, person_id, message(s, "onboarding#invite_wecom_granted_notice", **params))
    done = {"name": name, "userid": userid, "role": inv.role}
    return say(s, actor, "onboarding#invite_wecom_granted", **done)


def _pending(
    s: Services, uow: UnitOfWork, actor: Actor, pending: Invitation, asked: Invitation, userid: str
) -> Reply:
    """The member has an invitation still open: nothing new is made, and the office is told
    what it offers, and whether it is what they asked for now."""
    invitee = uow.people.get(pending.person_id) if pending.person_id else None
    inviter = uow.people.get(pending.created_by) if pending.created_by else None
    params = {
        "name": invitee.name if invitee else userid,
        "userid": userid,
        "inviter": inviter.name if inviter else None,
        "expires": pending.expires_at,
        **_offer_params(s, pending),
    }
    if offer(pending) == offer(asked):
        return say(s, actor, "onboarding#invite_wecom_pending", **params)
    asked_params = {f"asked_{k}": v for k, v in _offer_params(s, asked).items()}
    return say(s, actor, "onboarding#invite_wecom_pending_other", **params, **asked_params)


def _offer_params(s: Services, inv: Invitation) -> dict[str, object]:
    """The role, unit and dimension of an invitation, as its messages name them."""
    return {
        "role": inv.role,
        "unit": unit_name(s, inv.unit_id),
        "dimension": s.policy.dimension(inv.dimension_id).name if inv.dimension_id else None,
    }


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
    """The code of /link, sent from the other messenger: this account is now the person's.
    The provisional person a first message from it made is folded into them (its audit rows
    kept, naming them); an account whose person has a role or records of their own is not
    taken from them."""
    target = uow.people.get(inv.person_id) if inv.person_id else None
    if target is None:
        raise Refused("onboarding#invite_unknown", audit_action="refused:invite_code")
    provisional = actor.person
    if provisional is not None and provisional.id == target.id:
        raise Refused("onboarding#link_same", audit_action="refused:link_same")
    if actor.roles or (provisional is not None and uow.people.records(provisional)):
        raise Refused("onboarding#link_taken", audit_action="refused:link_taken")
    link_person(uow, event, target)
    uow.people.use_invitation(inv, target.id or 0, s.clock())
    uow.audit("link_account", "person", target.id, actor_id=target.id, note=event.messenger)
    if provisional is not None:
        # Registering would make the person an investor under a new name: that draft goes.
        for draft in uow.drafts.of_person(provisional.id or 0, REGISTRATION_FORM.id):
            uow.drafts.delete(draft)
        uow.people.merge(provisional, target)
        uow.audit(
            "merge_person", "person", target.id, actor_id=target.id, from_value=provisional.id
        )
    actor.person = target
    actor.role_rows = list(uow.people.roles_of(target.id or 0))
    target.last_messenger = event.messenger
    uow.session.add(target)
    return Outcome([say(s, actor, "onboarding#linked", name=target.name), help_reply(s, actor)])


def pending_for(s: Services, uow: UnitOfWork, event: Inbound) -> Invitation | None:
    """The invitation sent to this account (by WeCom UserID), taken at its first contact."""
    return uow.people.invitation_for(event.messenger, event.user_id, s.clock())
