"""The board's queries: projects per stage under the board's filters, counted with one GROUP
BY and read one column's page at a time (LIMIT on the stage index), and when each of a page's
projects entered its stage (one grouped query on the stage history's project index)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, true
from sqlmodel import Session, col, select

from storage.repositories.search import search_condition
from storage.tables import Project, StageChange


@dataclass(frozen=True, slots=True)
class BoardQuery:
    """What the board is narrowed to: each filter is None (or empty) when unused."""

    sector: str | None = None
    site: str | None = None
    investor_category: str | None = None
    min_wan: Decimal | None = None  # total investment at least this (万元)
    max_wan: Decimal | None = None  # and below this
    words: str = ""
    word_sectors: Sequence[str] = ()  # the sectors the words name


def condition(session: Session, q: BoardQuery) -> ColumnElement[bool]:
    """The condition a project meets when the board's filters show it."""
    parts: list[ColumnElement[bool]] = []
    if q.sector:
        parts.append(col(Project.sector) == q.sector)
    if q.site:
        parts.append(col(Project.site) == q.site)
    if q.investor_category:
        category = Project.__table__.c.plan["investor_category"].as_string()  # type: ignore[attr-defined]
        parts.append(category == q.investor_category)
    if q.min_wan is not None:
        parts.append(col(Project.total_investment_wan) >= q.min_wan)
    if q.max_wan is not None:
        parts.append(col(Project.total_investment_wan) < q.max_wan)
    if q.words.strip():
        parts.append(search_condition(session, q.words, sectors=q.word_sectors))
    return and_(true(), *parts)


def counts(session: Session, where: ColumnElement[bool]) -> dict[str, int]:
    """How many projects the filters show at each stage."""
    stmt = select(Project.stage, func.count()).where(where).group_by(col(Project.stage))
    return {stage: int(n) for stage, n in session.exec(stmt).all()}


def column(
    session: Session, stage: str, where: ColumnElement[bool], *, limit: int, offset: int
) -> Sequence[Project]:
    """One page of one stage's projects under the filters, newest first."""
    stmt = (
        select(Project)
        .where(col(Project.stage) == stage, where)
        .order_by(col(Project.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return session.exec(stmt).all()


def entered(session: Session, project_ids: Sequence[int]) -> dict[int, datetime]:
    """When each of these projects last changed stage (a project with no history: absent)."""
    if not project_ids:
        return {}
    stmt = (
        select(StageChange.project_id, func.max(StageChange.at))
        .where(col(StageChange.project_id).in_(project_ids))
        .group_by(col(StageChange.project_id))
    )
    return {pid: at for pid, at in session.exec(stmt).all() if at is not None}
