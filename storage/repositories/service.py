"""Liaison assignments of signed projects and the problems their officers raise."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from storage.tables import LiaisonAssignment, ProblemItem
from storage.types import Clock


class ServiceRepository:
    """Queries and changes on liaison assignments and open problems."""

    def __init__(self, session: Session, now: Clock) -> None:
        self.session = session
        self.now = now

    def assignment(self, project_id: int, unit_id: str) -> LiaisonAssignment | None:
        """A unit's liaison assignment for a project."""
        stmt = select(LiaisonAssignment).where(
            LiaisonAssignment.project_id == project_id, LiaisonAssignment.unit_id == unit_id
        )
        return self.session.exec(stmt).first()

    def assignment_by_id(self, assignment_id: int) -> LiaisonAssignment | None:
        """A liaison assignment by id."""
        return self.session.get(LiaisonAssignment, assignment_id)

    def assign(self, project_id: int, unit_id: str) -> LiaisonAssignment:
        """The unit's assignment for the project, created when missing."""
        row = self.assignment(project_id, unit_id)
        if row is None:
            row = LiaisonAssignment(project_id=project_id, unit_id=unit_id)
            self.session.add(row)
            self.session.flush()
        return row

    def assignments(self, project_id: int | None = None) -> Sequence[LiaisonAssignment]:
        """The assignments of a project (or of every project)."""
        stmt = select(LiaisonAssignment)
        if project_id is not None:
            stmt = stmt.where(LiaisonAssignment.project_id == project_id)
        return self.session.exec(stmt.order_by(col(LiaisonAssignment.id))).all()

    def raise_problem(self, item: ProblemItem) -> ProblemItem:
        """Open a problem item."""
        self.session.add(item)
        self.session.flush()
        return item

    def problem(self, item_id: int) -> ProblemItem | None:
        """A problem item by id."""
        return self.session.get(ProblemItem, item_id)

    def open_problems(self, project_id: int | None = None) -> Sequence[ProblemItem]:
        """Problems not yet closed, oldest first."""
        stmt = select(ProblemItem).where(col(ProblemItem.closed_at).is_(None))
        if project_id is not None:
            stmt = stmt.where(ProblemItem.project_id == project_id)
        return self.session.exec(stmt.order_by(col(ProblemItem.id))).all()

    def problems_of_year(self, year: int) -> Sequence[ProblemItem]:
        """Problems raised in a calendar year."""
        start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        stmt = select(ProblemItem).where(
            col(ProblemItem.raised_at) >= start, col(ProblemItem.raised_at) < end
        )
        return self.session.exec(stmt.order_by(col(ProblemItem.id))).all()
