"""Where use-case modules declare their commands and button prefixes for the dispatcher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from conversations.callbacks import ButtonSchema, CallbackData
from conversations.inbound import Inbound
from conversations.replies import Outcome
from handlers.context import Actor, Services
from storage.uow import UnitOfWork
from workflow.roles import Role

CommandHandler = Callable[[Services, UnitOfWork, Actor, Inbound], Outcome]
ButtonHandler = Callable[[Services, UnitOfWork, Actor, Inbound, CallbackData], Outcome]


@dataclass(frozen=True)
class CommandSpec:
    """A slash command: who may use it (None: anyone registered), and its menu entry key."""

    name: str
    handler: CommandHandler
    roles: frozenset[Role] | None = None
    menu: bool = True
    needs_registration: bool = True


@dataclass(frozen=True)
class ButtonSpec:
    """A button prefix: its typed schema (actions, arguments, roles) and its handler."""

    schema: ButtonSchema
    handler: ButtonHandler


COMMANDS: dict[str, CommandSpec] = {}
BUTTONS: dict[str, ButtonSpec] = {}


def command(
    name: str,
    *,
    roles: set[Role] | None = None,
    menu: bool = True,
    needs_registration: bool = True,
) -> Callable[[CommandHandler], CommandHandler]:
    """Declare a command handler."""

    def wrap(fn: CommandHandler) -> CommandHandler:
        COMMANDS[name] = CommandSpec(
            name, fn, None if roles is None else frozenset(roles), menu, needs_registration
        )
        return fn

    return wrap


def button(schema: ButtonSchema) -> Callable[[ButtonHandler], ButtonHandler]:
    """Declare the handler of a callback-data prefix; the dispatcher reads presses through
    its schema and checks the action's roles before the handler runs."""

    def wrap(fn: ButtonHandler) -> ButtonHandler:
        BUTTONS[schema.prefix] = ButtonSpec(schema, fn)
        return fn

    return wrap


def commands_for(roles: frozenset[Role], registered: bool) -> list[CommandSpec]:
    """The commands a person with these roles may use, in declaration order."""
    out = []
    for spec in COMMANDS.values():
        if not spec.menu or (spec.needs_registration and not registered):
            continue
        if spec.roles is None or spec.roles & roles:
            out.append(spec)
    return out
