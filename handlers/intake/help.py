"""What a person can do and who they are: /help, /menu, /whoami, /lang."""

from __future__ import annotations

from dataclasses import replace

from conversations.callbacks import CallbackData
from conversations.inbound import Inbound
from conversations.replies import Button, Outcome, Reply, keyboard
from conversations.views import plain
from handlers.buttons import LANGUAGE_BUTTONS, MENU_BUTTONS
from handlers.commands import run_command
from handlers.context import Actor, Services
from storage.uow import UnitOfWork


def say(s: Services, actor: Actor, template: str, **params: object) -> Reply:
    """A message from a template, in the actor's language."""
    return Reply(s.renderer.message(actor.locale, template, **params))


def help_command(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """What this person can do."""
    return Outcome([help_reply(s, actor)])


def help_reply(s: Services, actor: Actor) -> Reply:
    """The list of commands open to this person."""
    specs = s.routes.commands_for(actor.roles, bool(actor.roles))
    return Reply(
        s.renderer.message(
            actor.locale, "help", commands=[c.name for c in specs], registered=bool(actor.roles)
        )
    )


def command_menu(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """功能菜单: the commands open to this person, one button each (WeCom's app menu is one for
    every member of the app: its 功能菜单 entry is this, the per-person menu)."""
    specs = s.routes.commands_for(actor.roles, bool(actor.roles))
    specs.sort(key=lambda c: c.roles is None)  # each role's own work first, then everyone's
    if not actor.roles:  # a visitor registers first
        specs = [s.routes.commands["start"], *specs]
    buttons = [
        Button(
            plain(s.renderer.message(actor.locale, "commands#label", command=c.name)),
            MENU_BUTTONS.encode("run", c.name),
        )
        for c in specs
        if c.name != "menu"
    ]
    text = s.renderer.message(actor.locale, "commands#menu", registered=bool(actor.roles))
    return Outcome([Reply(text, keyboard(buttons, per_row=3))])


def run_from_menu(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """A command pressed on the 功能菜单: run as if typed, with nothing after it."""
    name = data.arg_str(0)
    return run_command(
        s, uow, actor, replace(event, command=name, args="", text=f"/{name}", callback_data=None)
    )


def whoami(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Who the bot thinks this person is: name, roles and units, positions."""
    assert actor.person is not None
    roles = [
        {
            "role": r.role,
            "unit": unit_name(s, r.unit_id),
            "dimension": s.policy.dimension(r.dimension_id).name if r.dimension_id else None,
            "acting_for": _name(uow, r.delegate_of),  # an A/B 岗: the reviewer they act for
        }
        for r in actor.role_rows
    ]
    positions = [
        p.name for p in s.policy.positions if p.id in set(uow.people.positions_of(actor.person_id))
    ]
    return Outcome(
        [
            say(
                s,
                actor,
                "onboarding#whoami",
                person=actor.person,
                roles=roles,
                positions=positions,
                admin=actor.is_admin,
            )
        ]
    )


def _name(uow: UnitOfWork, person_id: int | None) -> str | None:
    person = uow.people.get(person_id) if person_id is not None else None
    return person.name if person is not None else None


def unit_name(s: Services, unit_id: str | None) -> str | None:
    """A unit's full name, if it has one."""
    if unit_id is None:
        return None
    try:
        return s.policy.unit(unit_id).name
    except KeyError:
        return unit_id


def lang(s: Services, uow: UnitOfWork, actor: Actor, event: Inbound) -> Outcome:
    """Choose the language of the bot."""
    buttons = keyboard(
        [
            Button(
                s.renderer.message(actor.locale, "onboarding#lang_zh"),
                LANGUAGE_BUTTONS.encode("set", "zh-Hans"),
            ),
            Button(
                s.renderer.message(actor.locale, "onboarding#lang_en"),
                LANGUAGE_BUTTONS.encode("set", "en"),
            ),
        ]
    )
    return Outcome([Reply(s.renderer.message(actor.locale, "onboarding#lang_choose"), buttons)])


def set_lang(
    s: Services, uow: UnitOfWork, actor: Actor, event: Inbound, data: CallbackData
) -> Outcome:
    """Store the language chosen."""
    assert actor.person is not None
    choice = data.arg_str(0)  # one of the schema's locales
    actor.person.locale = choice
    actor.locale = choice
    uow.session.add(actor.person)
    return Outcome([Reply(s.renderer.message(choice, "onboarding#lang_set"), edit=True)])
