"""The charts page's queries, each one grouped statement whatever the number of projects: when
every project in progress entered its stage, the planned investment summed by a column, and
when each review opinion was asked for and given."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.tables import Project, ReviewOpinion, ReviewRound, StageChange


@dataclass(frozen=True, slots=True)
class Sum:
    """How many projects share a value of a column, and their planned investment (万元)."""

    key: str | None
    count: int
    wan: Decimal


@dataclass(frozen=True, slots=True)
class DimensionTime:
    """One dimension of a round: when the round opened, how many units were asked for an
    opinion and how many gave it, and when the last given was given (None: none yet)."""

    round_id: int
    dimension_id: str
    opened_at: datetime
    asked: int
    given: int
    last_given_at: datetime | None


def stall_counts(
    session: Session, stages: Mapping[str, tuple[datetime, datetime] | None]
) -> dict[str, tuple[int, int, int]]:
    """How many projects at each of these stages entered it (their last stage change, else
    their creation) since its first cut-off, between its two, and before its second: the
    green, amber and red of a stage with stall days; a stage without (None) is all green.
    Counted in one grouped query, never project by project."""
    last = (
        select(StageChange.project_id, func.max(StageChange.at).label("at"))
        .group_by(col(StageChange.project_id))
        .subquery()
    )
    since = func.coalesce(last.c.at, col(Project.created_at))
    stage = col(Project.stage)
    amber = [sa.and_(stage == st, since < cut[0]) for st, cut in stages.items() if cut]
    red = [sa.and_(stage == st, since < cut[1]) for st, cut in stages.items() if cut]
    stmt = (
        sa.select(  # four columns: more than sqlmodel's select types
            stage,
            func.count(),
            func.sum(sa.case((sa.or_(sa.false(), *amber), 1), else_=0)),
            func.sum(sa.case((sa.or_(sa.false(), *red), 1), else_=0)),
        )
        .outerjoin(last, last.c.project_id == Project.id)
        .where(stage.in_(list(stages)))
        .group_by(stage)
    )
    counts = {}
    for st, n, late, later in session.execute(stmt).all():
        late, later = int(late or 0), int(later or 0)
        counts[st] = (int(n) - late, late - later, later)
    return counts


def investment(
    session: Session, by: Literal["sector", "stage"], stages: Collection[str]
) -> list[Sum]:
    """The projects at these stages grouped by their sector or their stage: how many, and
    their planned total investment (a project without a figure counts as none)."""
    key = col(Project.sector) if by == "sector" else col(Project.stage)
    stmt = (
        select(key, func.count(), func.sum(Project.total_investment_wan))
        .where(col(Project.stage).in_(list(stages)))
        .group_by(key)
    )
    return [Sum(k, int(n), total or Decimal(0)) for k, n, total in session.exec(stmt).all()]


def dimension_times(session: Session, opened_since: datetime) -> list[DimensionTime]:
    """Each dimension of the rounds opened since then, its units' opinions counted in one
    grouped query (and the rounds' openings in another: grouping by a timestamp is slow)."""
    recent = col(ReviewRound.opened_at) >= opened_since
    opened = dict(session.exec(select(ReviewRound.id, ReviewRound.opened_at).where(recent)).all())
    decided = col(ReviewOpinion.decided_at)
    stmt = (
        sa.select(  # five columns: more than sqlmodel's select types
            col(ReviewOpinion.round_id),
            col(ReviewOpinion.dimension_id),
            func.count(),
            func.count(decided),
            func.max(decided),
        )
        .join(ReviewRound, col(ReviewRound.id) == ReviewOpinion.round_id)
        .where(recent)
        .group_by(col(ReviewOpinion.round_id), col(ReviewOpinion.dimension_id))
    )
    return [
        DimensionTime(r, d, opened[r], int(n), int(g), t)
        for r, d, n, g, t in session.execute(stmt).all()
        if r in opened
    ]
