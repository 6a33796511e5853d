"""The Mini App's first page (工作台): what this person may open there, by their roles, as
chat lets them: the board and the charts for the office and the leaders, the monthly reports
for them and for a member unit's reporter or head, the plan form and their own projects for an
investor. Someone the bot does not know yet is pointed to the chat's /start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from handlers.context import Actor, Services
from storage.uow import UnitOfWork
from workflow.roles import Role

BOARD: Final = frozenset({Role.OFFICE, Role.LEADER})
REPORTS: Final = BOARD | {Role.UNIT_REPORTER, Role.UNIT_HEAD}
PLAN: Final = frozenset({Role.INVESTOR})


@dataclass(frozen=True, slots=True)
class OwnProject:
    """One of the investor's own projects."""

    id: int
    serial: str
    name: str
    stage: str


@dataclass(frozen=True, slots=True)
class Workbench:
    """The pages this person may open, and the investor's own projects."""

    name: str
    pages: tuple[str, ...]  # page paths under /web/, in the order shown
    projects: tuple[OwnProject, ...]
    known: bool  # the bot knows the person (registered through the chat's /start)


def workbench(s: Services, uow: UnitOfWork, actor: Actor) -> Workbench:
    """What this person's 工作台 offers."""
    roles = actor.roles
    pages = [
        page
        for page, allowed in (
            ("board", BOARD),
            ("reports", REPORTS),
            ("charts", BOARD),
            ("plan", PLAN),
        )
        if roles & allowed
    ]
    own: tuple[OwnProject, ...] = ()
    if roles & PLAN and actor.person is not None:
        own = tuple(
            OwnProject(p.id or 0, p.serial, p.name, p.stage)
            for p in uow.projects.of_investor(actor.person_id)
        )
    name = actor.person.name if actor.person is not None else ""
    return Workbench(name, tuple(pages), own, actor.person is not None)
