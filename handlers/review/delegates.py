"""A/B 岗 from chat: the head of a unit (单位负责人), or the office for any unit, names a colleague
to act for one of the unit's reviewers, or removes them. /delegate → the unit's reviewers → a
colleague of the same unit with an account (or an invitation for a new one) → 确认. The
delegate gets the reviewer's cards of open rounds, saying for whom they act; the delegate and
the reviewer are told; every change is audited. A removed delegate's cards lose their buttons,
and a press on one is refused."""

from __future__ import annotations

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from handlers.buttons import DELEGATE_BUTTONS
from handlers.context import Actor, Services
from handlers.errors import HandlerError, Refused
from handlers.intake.invitations import create_invitation
from handlers.intake.invite_links import invite_link, wecom_code
from handlers.notify import message, notify
from handlers.review.cards import card_build
from handlers.review.delegated import delegated_cards, send_open_cards
from handlers.review.holders import delegate_rows
from storage.tables import PersonRole
from storage.uow import UnitOfWork
from workflow.roles import Role

_NOT_COLLEAGUES = frozenset({Role.INVESTOR.value})


def delegate_units(s: Services) -> list[str]:
    """The units whose reviewers can have a delegate, in the policy's order."""
    dims = s.policy.review_dimensions
    return list(dict.fromkeys(u for d in dims for u in s.policy.possible_units(d)))


def _units_of(s: Services, actor: Actor) -> list[str]:
    if actor.has(Role.OFFICE):
        return delegate_units(s)
    return [u for u in delegate_units(s) if u in actor.units(Role.UNIT_HEAD)]


def _check_unit(actor: Actor, unit_id: str | None) -> str:
    """The unit, if the actor may name its delegates: the office any, a head only their own."""
    if unit_id is None or not (actor.has(Role.OFFICE) or unit_id in actor.units(Role.UNIT_HEAD)):
        raise Refused("delegates#not_your_unit", audit_action="refused:delegate_unit")
    return unit_id


def _row(uow: UnitOfWork, actor: Actor, row_id: int, delegate: bool) -> PersonRole:
    """A reviewer's own row (or a delegate's), in a unit the actor may manage."""
    row = uow.people.role_row(row_id)
    if row is None or row.role != Role.REVIEWER.value or (row.delegate_of is not None) != delegate:
        # As for a row of another unit: a press cannot tell which ids exist.
        raise Refused("delegates#not_your_unit", audit_action="refused:delegate_row")
    _check_unit(actor, row.unit_id)
    return row


def delegate_command(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """/delegate: the unit's reviewers and their A/B 岗 (the office, or a head of several
    units, picks the unit first)."""
    return Outcome([_start(s, uow, actor)])


def _start(s: Services, uow: UnitOfWork, actor: Actor) -> Reply:
    units = _units_of(s, actor)
    if not units:
        raise HandlerError("delegates#no_units")
    if len(units) == 1:
        return unit_card(s, uow, actor, units[0])
    order = delegate_units(s)
    buttons = [
        Button(s.policy.unit(u).short, DELEGATE_BUTTONS.encode("u", order.index(u))) for u in units
    ]
    text = s.renderer.message(actor.locale, "delegates#choose_unit")
    return Reply(text, keyboard(buttons, 3))


def unit_card(
    s: Services, uow: UnitOfWork, actor: Actor, unit_id: str, notice: str | None = None
) -> Reply:
    """A unit's reviewers by dimension, each with their delegates, and the buttons to name or
    remove one."""
    own = [r for r in uow.people.role_rows(Role.REVIEWER.value, unit_id) if r.delegate_of is None]
    first: dict[int, PersonRole] = {}
    for r in own:
        first.setdefault(r.person_id, r)
    entries, buttons = [], []
    for person_id, row in first.items():
        person = uow.people.get(person_id)
        dims = [r.dimension_id for r in own if r.person_id == person_id]
        delegates = delegate_rows(uow, unit_id, person_id)
        names = [_name(uow, d.person_id) for d in delegates]
        entries.append(
            {
                "name": person.name if person else "—",
                "dimensions": None
                if None in dims
                else [s.policy.dimension(d).name for d in dims if d],
                "delegates": names,
            }
        )
        label = s.renderer.message(actor.locale, "delegates#btn_name", name=entries[-1]["name"])
        buttons.append(Button(label, DELEGATE_BUTTONS.encode("r", row.id)))
        for d, name in zip(delegates, names, strict=True):
            label = s.renderer.message(
                actor.locale, "delegates#btn_remove", name=name, reviewer=entries[-1]["name"]
            )
            buttons.append(Button(label, DELEGATE_BUTTONS.encode("x", d.id)))
    text = s.renderer.message(
        actor.locale,
        "delegates#unit_card",
        unit=s.policy.unit(unit_id).name,
        entries=entries,
        notice=notice,
    )
    return Reply(text, keyboard(buttons, 1))


def _name(uow: UnitOfWork, person_id: int | None) -> str:
    person = uow.people.get(person_id) if person_id else None
    return person.name if person else "—"


def delegate_action(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """A press on the A/B 岗 card: authority over the unit first, on every press."""
    if data.action == "mine":
        return delegated_cards(s, uow, actor)
    if data.action == "start":
        return Outcome([_start(s, uow, actor).as_edit()])
    if data.action == "u":
        units = delegate_units(s)
        index = data.arg_int(0)
        unit = _check_unit(actor, units[index] if index < len(units) else None)
        return Outcome([unit_card(s, uow, actor, unit).as_edit()])
    if data.action in ("x", "xok"):
        row = _row(uow, actor, data.arg_int(0), delegate=True)
        if data.action == "x":
            return Outcome([_confirm_removal(s, uow, actor, row)])
        return _remove(s, uow, actor, row)
    if data.action == "c":  # back to the unit's list, from either kind of row
        any_row = uow.people.role_row(data.arg_int(0))
        unit = _check_unit(actor, any_row.unit_id if any_row else None)
        return Outcome([unit_card(s, uow, actor, unit).as_edit()])
    row = _row(uow, actor, data.arg_int(0), delegate=False)
    if data.action == "r":
        return Outcome([_colleagues(s, uow, actor, row)])
    if data.action == "inv":
        return Outcome([_invitation(s, uow, actor, row)])
    if data.arg_int(1) in {
        d.person_id for d in delegate_rows(uow, row.unit_id or "", row.person_id)
    }:
        notice = s.renderer.message(actor.locale, "delegates#already")  # a second press
        return Outcome([unit_card(s, uow, actor, row.unit_id or "", notice).as_edit()])
    colleague = _colleague(uow, row, data.arg_int(1))
    if data.action == "p":
        return Outcome([_confirm_naming(s, uow, actor, row, colleague)])
    if data.action == "ok":
        return _name_delegate(s, uow, actor, row, colleague)
    raise HandlerError("common#stale_button")


def _candidates(uow: UnitOfWork, row: PersonRole) -> list[int]:
    """The reviewer's colleagues who can act for them: officials of the same unit, reachable,
    not the reviewer and not already their delegate."""
    assert row.unit_id is not None
    taken = {row.person_id, *(d.person_id for d in delegate_rows(uow, row.unit_id, row.person_id))}
    members = uow.people.unit_members(row.unit_id, _NOT_COLLEAGUES)
    return [p.id for p in members if p.id is not None and p.id not in taken]


def _colleague(uow: UnitOfWork, row: PersonRole, person_id: int) -> int:
    if person_id not in _candidates(uow, row):
        raise Refused("delegates#not_a_colleague", audit_action="refused:delegate_person")
    return person_id


def _colleagues(s: Services, uow: UnitOfWork, actor: Actor, row: PersonRole) -> Reply:
    buttons = [
        Button(_name(uow, pid), DELEGATE_BUTTONS.encode("p", row.id, pid))
        for pid in _candidates(uow, row)
    ]
    text = s.renderer.message(
        actor.locale,
        "delegates#choose_colleague",
        reviewer=_name(uow, row.person_id),
        found=bool(buttons),
    )
    buttons.append(Button(_label(s, actor, "btn_invite"), DELEGATE_BUTTONS.encode("inv", row.id)))
    buttons.append(Button(_label(s, actor, "btn_back"), DELEGATE_BUTTONS.encode("c", row.id)))
    return Reply(text, keyboard(buttons, 2), edit=True)


def _label(s: Services, actor: Actor, name: str) -> str:
    return s.renderer.message(actor.locale, f"delegates#{name}")


def _confirm_naming(
    s: Services, uow: UnitOfWork, actor: Actor, row: PersonRole, colleague: int
) -> Reply:
    text = s.renderer.message(
        actor.locale,
        "delegates#confirm_name",
        name=_name(uow, colleague),
        reviewer=_name(uow, row.person_id),
        unit=s.policy.unit(row.unit_id or "").name,
    )
    buttons = (
        Button(_label(s, actor, "btn_confirm"), DELEGATE_BUTTONS.encode("ok", row.id, colleague)),
        Button(_label(s, actor, "btn_cancel"), DELEGATE_BUTTONS.encode("c", row.id)),
    )
    return Reply(text, (buttons,), edit=True)


def _confirm_removal(s: Services, uow: UnitOfWork, actor: Actor, row: PersonRole) -> Reply:
    text = s.renderer.message(
        actor.locale,
        "delegates#confirm_remove",
        name=_name(uow, row.person_id),
        reviewer=_name(uow, row.delegate_of),
    )
    buttons = (
        Button(_label(s, actor, "btn_confirm"), DELEGATE_BUTTONS.encode("xok", row.id)),
        Button(_label(s, actor, "btn_cancel"), DELEGATE_BUTTONS.encode("c", row.id)),
    )
    return Reply(text, (buttons,), edit=True)


def _name_delegate(
    s: Services, uow: UnitOfWork, actor: Actor, row: PersonRole, colleague: int
) -> Outcome:
    unit = row.unit_id or ""
    made = uow.people.name_delegate(
        colleague, Role.REVIEWER.value, unit, row.person_id, actor.person_id
    )
    uow.audit(
        "name_delegate",
        "person_role",
        made.id,
        actor_id=actor.person_id,
        to_value=colleague,
        note=f"{unit} for:{row.person_id}",
    )
    params = _told(s, uow, actor, unit, colleague, row.person_id)
    cards = len(uow.reviews.open_opinions_of(row.person_id, unit))
    notify(s, uow, colleague, message(s, "delegates#named_notice", cards=cards, **params))
    send_open_cards(s, uow, made)
    notify(s, uow, row.person_id, message(s, "delegates#named_reviewer_notice", **params))
    notice = s.renderer.message(actor.locale, "delegates#named", cards=cards, **params)
    return Outcome([unit_card(s, uow, actor, unit, notice).as_edit()])


def _told(
    s: Services, uow: UnitOfWork, actor: Actor, unit: str, delegate: int, reviewer: int
) -> dict[str, str | None]:
    """What the notices of a naming or a removal say: who, for whom, in which unit, by whom."""
    return {
        "name": _name(uow, delegate),
        "reviewer": _name(uow, reviewer),
        "unit": s.policy.unit(unit).name,
        "by": actor.person.name if actor.person else "—",
    }


def _remove(s: Services, uow: UnitOfWork, actor: Actor, row: PersonRole) -> Outcome:
    unit, person, reviewer = row.unit_id or "", row.person_id, row.delegate_of or 0
    uow.people.revoke(row)
    uow.audit(
        "remove_delegate",
        "person_role",
        row.id,
        actor_id=actor.person_id,
        from_value=person,
        note=f"{unit} for:{reviewer}",
    )
    params = _told(s, uow, actor, unit, person, reviewer)
    notify(s, uow, person, message(s, "delegates#removed_notice", **params))
    for op in uow.reviews.open_opinions_of(reviewer, unit):  # their copies lose the buttons
        notify(s, uow, person, card_build(s, uow, op, person))
    notify(s, uow, reviewer, message(s, "delegates#removed_reviewer_notice", **params))
    notice = s.renderer.message(actor.locale, "delegates#removed", **params)
    return Outcome([unit_card(s, uow, actor, unit, notice).as_edit()])


def _invitation(s: Services, uow: UnitOfWork, actor: Actor, row: PersonRole) -> Reply:
    unit = row.unit_id or ""
    inv = create_invitation(s, uow, actor, Role.REVIEWER, unit, None, delegate_of=row.person_id)
    text = s.renderer.message(
        actor.locale,
        "delegates#invite_link",
        reviewer=_name(uow, row.person_id),
        unit=s.policy.unit(unit).name,
        link=invite_link(s, inv),
        code=wecom_code(s, inv),
        expires=inv.expires_at,
    )
    back = Button(_label(s, actor, "btn_back"), DELEGATE_BUTTONS.encode("c", row.id))
    return Reply(text, ((back,),), edit=True)
