"""The office's board of the 招商项目信息库, as data for the Mini App: one column per stage in
progress (① to ⑥, the city and the signing stages), each with its count under the filters
and one page of cards; each card coloured by the days it has waited in its stage.

The colours are the weekly digest's (`reporting.digest.stall_colour`): green within the
policy's `stall_days` for the stage, amber past them, red past twice them. The board and the
digest thus call the same projects stalled; a threshold at half the days would paint amber a
project the policy still counts on time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from handlers.context import Actor, Services
from handlers.errors import Refused
from handlers.pipeline.paging import PAGE_SIZE, Page, page_of
from handlers.pipeline.search import MAX_WORDS, sectors_named
from handlers.reporting.digest import stall_colour
from storage.repositories import board as queries
from storage.tables import Project
from storage.uow import UnitOfWork
from workflow.pipeline import ACTIVE_STAGES, Stage
from workflow.roles import Role

BOARD_ROLES: Final = frozenset({Role.OFFICE, Role.LEADER})
"""Who sees the board: the office and the leaders, as /pipeline in chat."""
CARDS_PER_COLUMN: Final = PAGE_SIZE
"""Cards in one page of a column (the page of /pipeline)."""
FILTER_NAMES: Final = ("sector", "site", "category", "tier", "q")


@dataclass(frozen=True, slots=True)
class Filters:
    """The board's filters, each a policy id (or the search words), checked against the
    policy: a value the policy does not know is dropped."""

    sector: str | None = None
    site: str | None = None
    category: str | None = None
    tier: str | None = None  # a city routing band (001 七(二)2(1)): filing, approval, …
    q: str = ""

    def as_dict(self) -> dict[str, str]:
        """The filters in use, by name (for links and the page's form)."""
        values = {name: getattr(self, name) for name in FILTER_NAMES}
        return {k: v for k, v in values.items() if v}


def read_filters(s: Services, raw: Mapping[str, str]) -> Filters:
    """The filters a request names, each kept only when the policy knows its value."""
    p = s.policy

    def known(name: str, ids: set[str]) -> str | None:
        value = (raw.get(name) or "").strip()
        return value if value in ids else None

    return Filters(
        sector=known("sector", {x.id for x in p.sectors}),
        site=known("site", {x.id for x in p.sites}),
        category=known("category", {x.id for x in p.investor_categories}),
        tier=known("tier", {x.id for x in p.routing}),
        q=" ".join((raw.get("q") or "").split())[:MAX_WORDS],
    )


@dataclass(frozen=True, slots=True)
class Card:
    """A project on the board."""

    id: int
    serial: str
    name: str
    investor: str | None
    amount_wan: Decimal | None
    days: int
    colour: str  # green, amber or red


@dataclass(frozen=True, slots=True)
class Column:
    """One stage's column: how many projects the filters show there, and one page."""

    stage: Stage
    count: int
    page: Page
    cards: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class Board:
    """The board as one person may see it today."""

    today: date
    filters: Filters
    columns: tuple[Column, ...]


def check_may_see(actor: Actor) -> None:
    """Refuse anyone but the office and the leaders, as chat refuses /pipeline."""
    if not actor.roles & BOARD_ROLES:
        raise Refused("common#not_allowed", audit_action="refused:web/board")


def board(
    s: Services,
    uow: UnitOfWork,
    actor: Actor,
    filters: Filters,
    *,
    stage: Stage | None = None,
    page: int = 1,
) -> Board:
    """The board under the filters: every column's first page, or the given page of one."""
    check_may_see(actor)
    where = queries.condition(uow.session, _query(s, filters))
    counts = queries.counts(uow.session, where)
    today = s.today()
    columns = []
    for st in ACTIVE_STAGES if stage is None else (stage,):
        count = counts.get(st.value, 0)
        at = page_of(page, count)
        projects = queries.column(
            uow.session, st.value, where, limit=CARDS_PER_COLUMN, offset=at.offset
        )
        columns.append(Column(st, count, at, _cards(s, uow, st, projects, today)))
    return Board(today, filters, tuple(columns))


def _query(s: Services, f: Filters) -> queries.BoardQuery:
    tier = next((t for t in s.policy.routing if t.id == f.tier), None)
    return queries.BoardQuery(
        sector=f.sector,
        site=f.site,
        investor_category=f.category,
        min_wan=tier.min_wan if tier else None,
        max_wan=tier.max_wan if tier else None,
        words=f.q,
        word_sectors=sectors_named(s, f.q) if f.q else (),
    )


def _cards(
    s: Services, uow: UnitOfWork, stage: Stage, projects: Any, today: date
) -> tuple[Card, ...]:
    entered = queries.entered(uow.session, [p.id for p in projects])
    limit = s.policy.deadlines.stall_days.get(stage.value)
    out = []
    for p in projects:
        since = entered.get(p.id, p.created_at).astimezone(s.timezone).date()
        days = max((today - since).days, 0)
        out.append(_card(p, days, stall_colour(days, limit)))
    return tuple(out)


def _card(p: Project, days: int, colour: str) -> Card:
    return Card(
        id=p.id or 0,
        serial=p.serial,
        name=p.name,
        investor=p.investor_name,
        amount_wan=p.total_investment_wan,
        days=days,
        colour=colour,
    )


def board_json(s: Services, locale: str, b: Board) -> dict[str, Any]:
    """The board as JSON: the same data the page shows, stage names in the person's locale."""
    return {
        "today": b.today.isoformat(),
        "filters": b.filters.as_dict(),
        "columns": [
            {
                "stage": c.stage.value,
                "name": s.renderer.message(locale, "stages#name", stage=c.stage.value),
                "count": c.count,
                "page": c.page.number,
                "pages": c.page.pages,
                "cards": [
                    {
                        "id": x.id,
                        "serial": x.serial,
                        "name": x.name,
                        "investor": x.investor,
                        "amount_wan": None if x.amount_wan is None else str(x.amount_wan),
                        "days": x.days,
                        "colour": x.colour,
                    }
                    for x in c.cards
                ],
            }
            for c in b.columns
        ],
    }
