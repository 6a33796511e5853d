"""Officials join by invitation: the office (or an administrator) picks the role, the unit
and, for a reviewer, the dimension; the bot answers with a single-use link valid for 7 days.
Only an administrator can invite another administrator. An A/B 岗 (a delegate acting for one
reviewer) is invited from /delegate, which /invite also offers."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Final, TypeVar

from conversations.callbacks import CallbackData
from conversations.forms.registration import WORK_PHONE_FORM
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers import forms
from handlers.actors import link_person
from handlers.buttons import DELEGATE_BUTTONS, INVITE_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import Refused
from handlers.intake.by_account import ask_wecom_invitee, link_account
from handlers.intake.delegate_invitation import accept_delegate
from handlers.intake.granting import take_invitation
from handlers.intake.help import help_reply, say, unit_name
from handlers.intake.invite_links import invite_link, wecom_code
from handlers.notify import message, notify
from storage.tables import ACCOUNT_LINK, Invitation
from storage.uow import UnitOfWork
from workflow.policy import ReviewDimension
from workflow.roles import Role

T = TypeVar("T")

INVITE_DAYS: Final = 7
INVITABLE: Final = (
    Role.OFFICE,
    Role.REVIEWER,
    Role.REVIEW_CHAIR,
    Role.UNIT_REPORTER,
    Role.UNIT_HEAD,
    Role.LIAISON,
    Role.LEADER,
    Role.CITY_OFFICE,
    Role.CITY_EXEC_DEPUTY,
    Role.CITY_LEADER,
    Role.CITY_REVIEWER,
    Role.DRC_FILING,
    Role.ADMIN,
)


def invite(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Start an invitation: choose the role."""
    buttons = [
        Button(
            s.renderer.message(actor.locale, "roles#name", role=r.value),
            INVITE_BUTTONS.encode("r", i),
        )
        for i, r in enumerate(INVITABLE)
        if r in invitable_by(actor)
    ]
    if actor.has(Role.OFFICE):  # the A/B 岗 is named for one reviewer: /delegate's path
        label = s.renderer.message(actor.locale, "onboarding#invite_delegate")
        buttons.append(Button(label, DELEGATE_BUTTONS.encode("start")))
    return Outcome(
        [Reply(s.renderer.message(actor.locale, "onboarding#invite_role"), keyboard(buttons, 2))]
    )


def invitable_by(actor: Actor) -> tuple[Role, ...]:
    """The roles this person may invite: only an administrator makes administrators."""
    return tuple(r for r in INVITABLE if r is not Role.ADMIN or actor.has(Role.ADMIN))


def _pick(items: Sequence[T], index: int) -> T:
    """The item a press names by its position; a position the card never showed is stale."""
    if index >= len(items):
        raise Refused("common#stale_button", audit_action="refused:bad_callback")
    return items[index]


def _units_for(s: Services, role: Role) -> list[str]:
    if role in (Role.CITY_OFFICE,):
        return ["city_office"]
    if role in (Role.CITY_EXEC_DEPUTY, Role.CITY_LEADER, Role.CITY_REVIEWER):
        return ["city_group"]
    if role is Role.LEADER:
        return ["district_gov"]
    if role is Role.DRC_FILING:  # 由区发展改革局核准并备案 (000 一(二)2(3))
        filing = s.policy.agreement_filing
        return [filing.unit] if filing else []
    if role in (Role.OFFICE, Role.ADMIN):
        return [s.policy.office().id]
    if role is Role.REVIEWER:
        dims = s.policy.review_dimensions
        return list(dict.fromkeys(u for d in dims for u in s.policy.possible_units(d)))
    if role is Role.REVIEW_CHAIR:  # 附件3: the 组长's and 副组长's units
        chairs = {"review_leader", "review_deputy"}
        return list(dict.fromkeys(e.unit for e in s.policy.roster if chairs & set(e.positions)))
    return [u.id for u in s.policy.units if u.kind not in ("city", "city_office", "government")]


def _dimensions_for(s: Services, role: Role, unit: str) -> list[ReviewDimension]:
    """The dimensions an invitation may name: the unit's, or any for a city reviewer (001 does
    not name the city's review units, so the office assigns one per dimension)."""
    if role is Role.CITY_REVIEWER:
        return list(s.policy.review_dimensions)
    return [d for d in s.policy.review_dimensions if unit in s.policy.possible_units(d)]


def invite_step(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """Role, then unit, then (for a reviewer) the dimension; then the link."""
    if not actor.has(Role.ADMIN, Role.OFFICE):
        raise Refused("common#not_allowed", audit_action="refused:invite")
    if data.action == "w":
        return ask_wecom_invitee(s, uow, actor, event, data.arg_int(0))
    role = _pick(INVITABLE, data.arg_int(0))
    if role not in invitable_by(actor):
        raise Refused("common#not_allowed", audit_action="refused:invite_role")
    units = _units_for(s, role)
    if data.action == "r" and len(units) > 1:
        buttons = [
            Button(s.policy.unit(u).short, INVITE_BUTTONS.encode("u", data.args[0], i))
            for i, u in enumerate(units)
        ]
        return Outcome(
            [
                Reply(
                    s.renderer.message(actor.locale, "onboarding#invite_unit", role=role.value),
                    keyboard(buttons, 3),
                    edit=True,
                )
            ]
        )
    unit = _pick(units, data.arg_int(1)) if data.action in ("u", "d") else units[0]
    # A city reviewer has the single unit city_group, so the dimension follows the role.
    city = role is Role.CITY_REVIEWER and data.action in ("r", "u")
    if (role is Role.REVIEWER and data.action == "u") or city:
        dims = _dimensions_for(s, role, unit)
        unit_index = data.args[1] if data.action == "u" else "0"
        buttons = [
            Button(d.name, INVITE_BUTTONS.encode("d", data.args[0], unit_index, i))
            for i, d in enumerate(dims)
        ]
        return Outcome(
            [
                Reply(
                    s.renderer.message(
                        actor.locale, "onboarding#invite_dimension", unit=s.policy.unit(unit).name
                    ),
                    keyboard(buttons, 2),
                    edit=True,
                )
            ]
        )
    dimension = None
    if data.action == "d":
        dimension = _pick(_dimensions_for(s, role, unit), data.arg_int(2)).id
    inv = create_invitation(s, uow, actor, role, unit, dimension)
    code = wecom_code(s, inv)
    by_account = (
        ((Button(_label(s, actor, "btn_invite_wecom"), INVITE_BUTTONS.encode("w", inv.id)),),)
        if code
        else ()
    )
    return Outcome(
        [
            Reply(
                s.renderer.message(
                    actor.locale,
                    "onboarding#invite_link",
                    role=role.value,
                    unit=s.policy.unit(unit).name,
                    dimension=s.policy.dimension(dimension).name if dimension else None,
                    link=invite_link(s, inv),
                    code=code,
                    expires=inv.expires_at,
                ),
                by_account,
                edit=True,
            )
        ]
    )


def _label(s: Services, actor: Actor, name: str) -> str:
    return s.renderer.message(actor.locale, f"onboarding#{name}")


def create_invitation(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    role: Role,
    unit: str,
    dimension: str | None,
    delegate_of: int | None = None,
) -> Invitation:
    """A single-use invitation valid for seven days; with `delegate_of`, to act for that
    reviewer of the unit (A/B 岗)."""
    inv = uow.people.add_invitation(
        Invitation(
            code=secrets.token_urlsafe(12),
            role=role.value,
            unit_id=unit,
            dimension_id=dimension,
            delegate_of=delegate_of,
            created_by=actor.person.id if actor.person else None,
            expires_at=s.clock() + timedelta(days=INVITE_DAYS),
        )
    )
    uow.audit(
        "invite",
        "invitation",
        inv.id,
        actor_id=inv.created_by,
        to_value=role.value,
        note=f"{unit}/{dimension or ''}" + (f" for:{delegate_of}" if delegate_of else ""),
    )
    return inv


def accept_invitation(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, code: str
) -> Outcome:
    """Bind whoever opened a valid invitation to its role and unit."""
    inv = uow.people.invitation(code)
    if inv is None:
        raise Refused("onboarding#invite_unknown", audit_action="refused:invite_code")
    if inv.used_at is not None:
        raise Refused("onboarding#invite_used", audit_action="refused:invite_reused")
    if inv.expires_at <= s.clock():
        raise Refused("onboarding#invite_expired", audit_action="refused:invite_expired")
    # Bound to a WeCom UserID, which WeCom matches in any case (the office may type "zhangsan").
    if inv.external_id is not None and (inv.messenger, inv.external_id.lower()) != (
        event.messenger,
        event.user_id.lower(),
    ):
        raise Refused("onboarding#invite_not_yours", audit_action="refused:invite_not_yours")
    if inv.role == ACCOUNT_LINK:
        return link_account(s, uow, actor, event, inv)
    person = actor.person
    if person is None:
        roster = uow.people.get(inv.person_id) if inv.person_id else None
        person = actor.person = link_person(uow, event, roster, inv.unit_id)
    if person.unit_id is None:
        person.unit_id = inv.unit_id
        uow.session.add(person)
    if inv.delegate_of is not None and inv.unit_id is not None:
        return accept_delegate(s, uow, actor, event, inv)
    take_invitation(s, uow, inv, actor.person_id, actor.person_id)
    actor.role_rows = list(uow.people.roles_of(actor.person_id))
    if inv.created_by:
        notify(
            s,
            uow,
            inv.created_by,
            message(s, "onboarding#invite_accepted_notice", name=person.name, role=inv.role),
        )
    replies = [
        say(
            s,
            actor,
            "onboarding#invite_welcome",
            name=person.name,
            role=inv.role,
            unit=unit_name(s, inv.unit_id),
        ),
        help_reply(s, actor),
    ]
    if not person.phone:  # an official's work phone, for the liaison table (附件7)
        replies += forms.start(s, uow, actor, event.chat_id, WORK_PHONE_FORM.id)
    return Outcome(replies)
