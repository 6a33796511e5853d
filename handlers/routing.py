"""Routers: what one capability brings to the bot — its commands, the handlers of its button
prefixes, its forms and its sweeps — as a value, built by a function and composed once in the
composition root. Nothing registers itself at import.

The handler types are spelled with `...` so that this module needs nothing from the modules
that use it (context, forms): routers sit below every use case, and no import cycle, type-only
ones included, runs through them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from conversations.callbacks import ButtonSchema
from conversations.fields import FormSpec
from conversations.replies import Outcome, Reply
from workflow.roles import Role

CommandHandler = Callable[..., Outcome]
"""`(services, uow, actor, event) -> Outcome`"""
ButtonHandler = Callable[..., Outcome]
"""`(services, uow, actor, event, data) -> Outcome`"""
SweepWork = Callable[..., int]
"""`(services, uow) -> notices sent`"""
PressedCard = Callable[..., "Pressed"]
"""`(services, uow, actor, data) -> Pressed`"""


@dataclass(frozen=True)
class Pressed:
    """The card a press stands on, as it is now, and what its confirmation question names
    (the question template's parameters)."""

    card: Reply
    params: Mapping[str, Any] = field(default_factory=dict)


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
    """A button prefix: its typed schema (actions, arguments, roles) and its handler.

    A prefix with an action to confirm (`ButtonAction.confirm`) names `card`: the card a press
    stands on, after the checks the handler makes first (handlers/confirm.py asks on it)."""

    schema: ButtonSchema
    handler: ButtonHandler
    card: PressedCard | None = None

    def __post_init__(self) -> None:
        asks = [a for a, spec in self.schema.actions.items() if spec.confirm is not None]
        if asks and self.card is None:
            raise ValueError(f"{self.schema.prefix}: {asks} ask to confirm, but no card is named")


@dataclass(frozen=True)
class FormDefinition:
    """A form the bot can run: its spec, its run-time choices, what submitting does, and who
    may fill it in (None: anyone, as a visitor registering)."""

    spec: FormSpec
    on_submit: Callable[..., list[Any]]
    """`(services, uow, actor, draft, subject) -> replies`"""
    options: Callable[..., Mapping[str, Any]] = lambda _s: {}
    """`(services) -> choices by field id`"""
    summary_extra: Callable[..., str | None] | None = None
    """`(services, answers, locale) -> text under the summary`"""
    roles: frozenset[Role] | None = None
    page: str | None = None
    """The Mini App page that shows the whole form (a path under `/web/`), offered under every
    question when the Mini App is served."""

    @property
    def id(self) -> str:
        """The form's id (its spec's)."""
        return self.spec.id


@dataclass(frozen=True)
class Sweep:
    """A piece of scheduled work the leader runs on every sweep, in its own transaction.
    A reminder waits for office hours on working days; a report goes out on its day."""

    name: str
    work: SweepWork
    reminder: bool = True


@dataclass(frozen=True)
class Router:
    """One capability's commands, buttons, forms and sweeps."""

    name: str
    commands: tuple[CommandSpec, ...] = ()
    buttons: tuple[ButtonSpec, ...] = ()
    forms: tuple[FormDefinition, ...] = ()
    sweeps: tuple[Sweep, ...] = ()


def command(
    name: str,
    handler: CommandHandler,
    *,
    roles: Iterable[Role] | None = None,
    menu: bool = True,
    needs_registration: bool = True,
) -> CommandSpec:
    """A command for a router."""
    return CommandSpec(
        name, handler, None if roles is None else frozenset(roles), menu, needs_registration
    )


@dataclass(frozen=True)
class Routes:
    """The composed routers: what the dispatcher routes by, and the leader sweeps."""

    commands: Mapping[str, CommandSpec] = field(default_factory=dict)
    buttons: Mapping[str, ButtonSpec] = field(default_factory=dict)
    forms: Mapping[str, FormDefinition] = field(default_factory=dict)
    sweeps: tuple[Sweep, ...] = ()

    def form(self, form_id: str) -> FormDefinition:
        """A form by its id (a stored draft names its form by id)."""
        return self.forms[form_id]

    def commands_for(self, roles: frozenset[Role], registered: bool) -> list[CommandSpec]:
        """The commands a person with these roles may use, in the routers' order."""
        out = []
        for spec in self.commands.values():
            if not spec.menu or (spec.needs_registration and not registered):
                continue
            if spec.roles is None or spec.roles & roles:
                out.append(spec)
        return out


def compose(*routers: Router, menu: Sequence[str] = ()) -> Routes:
    """One table of everything the routers bring; a name claimed twice is a mistake. The
    commands named in `menu` come first, in that order (the order of /help and the menu)."""
    commands: dict[str, CommandSpec] = {}
    buttons: dict[str, ButtonSpec] = {}
    forms: dict[str, FormDefinition] = {}
    sweeps: list[Sweep] = []
    for router in routers:
        for c in router.commands:
            _claim(commands, c.name, c, router)
        for b in router.buttons:
            _claim(buttons, b.schema.prefix, b, router)
        for f in router.forms:
            _claim(forms, f.id, f, router)
        sweeps += router.sweeps
    rank = {name: n for n, name in enumerate(menu)}
    ordered = dict(sorted(commands.items(), key=lambda kv: rank.get(kv[0], len(rank))))
    return Routes(ordered, buttons, forms, tuple(sweeps))


def _claim(table: dict[str, Any], key: str, value: object, router: Router) -> None:
    if key in table:
        raise ValueError(f"router {router.name!r} claims {key!r}, which another router has")
    table[key] = value
