"""What /find looks for: the words a person typed, against serial, project name, investor
(company or registered person) and sector; an investor's search covers only their own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from handlers.context import Actor, Services
from storage.tables import AuditEntry, Project
from storage.uow import UnitOfWork
from workflow.roles import OFFICIAL_ROLES

MAX_WORDS: Final = 40
"""The longest search kept (the audit row holds it for the result's pages)."""
SEARCH_ACTION: Final = "find"


@dataclass(frozen=True, slots=True)
class Search:
    """A search as it was made: its audit row (which the result's buttons name), its words,
    and whose projects it covers (None: every project, for an official)."""

    id: int
    words: str
    investor: int | None


def scope_of(actor: Actor) -> int | None:
    """Whose projects a person's search covers: all for an official, their own for an
    investor (as /project shows them)."""
    return None if actor.roles & OFFICIAL_ROLES else actor.person_id or 0


def record_search(uow: UnitOfWork, actor: Actor, words: str) -> Search:
    """Keep a search in the audit log, so its pages and its export can be asked for later."""
    words = " ".join(words.split())[:MAX_WORDS]
    entry = uow.audit(SEARCH_ACTION, "search", actor_id=actor.person_id, note=words)
    uow.session.flush()
    assert entry.id is not None
    return Search(entry.id, words, scope_of(actor))


def recorded_search(uow: UnitOfWork, actor: Actor, search_id: int) -> Search | None:
    """A search this person made, by its audit row; None for anyone else's or none."""
    entry = uow.session.get(AuditEntry, search_id)
    if entry is None or entry.action != SEARCH_ACTION or entry.actor_id != actor.person_id:
        return None
    return Search(search_id, entry.note or "", scope_of(actor))


def sectors_named(s: Services, words: str) -> list[str]:
    """The policy's sectors whose name contains the words (汽车 → 汽车零配件)."""
    key = words.strip().casefold()
    return [x.id for x in s.policy.sectors if key and key in x.name.casefold()]


def run_search(
    s: Services, uow: UnitOfWork, search: Search, *, limit: int, offset: int = 0
) -> tuple[int, Sequence[Project]]:
    """How many projects a search finds, and one page of them, newest first."""
    return uow.projects.search(
        search.words,
        sectors=sectors_named(s, search.words),
        investor=search.investor,
        limit=limit,
        offset=offset,
    )
