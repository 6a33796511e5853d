"""Review rounds and their opinions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlmodel import Session, col, func, select

from storage.tables import ReviewOpinion, ReviewRound
from storage.types import Clock


class ReviewRepository:
    """Queries and changes on review rounds, always by index."""

    def __init__(self, session: Session, now: Clock) -> None:
        self.session = session
        self.now = now

    def open_round(
        self, project_id: int, deadline: date, opened_by: int | None, level: str = "district"
    ) -> ReviewRound:
        """Start the project's next round."""
        last = self.session.exec(
            select(func.max(ReviewRound.number)).where(ReviewRound.project_id == project_id)
        ).one()
        rnd = ReviewRound(
            project_id=project_id,
            number=(last or 0) + 1,
            deadline=deadline,
            opened_by=opened_by,
            level=level,
        )
        self.session.add(rnd)
        self.session.flush()
        return rnd

    def add_opinion(self, opinion: ReviewOpinion) -> ReviewOpinion:
        """Assign one dimension of a round."""
        self.session.add(opinion)
        self.session.flush()
        return opinion

    def round(self, round_id: int) -> ReviewRound | None:
        """A round by id."""
        return self.session.get(ReviewRound, round_id)

    def opinion(self, opinion_id: int) -> ReviewOpinion | None:
        """An opinion (one dimension of a round) by id."""
        return self.session.get(ReviewOpinion, opinion_id)

    def opinions(self, round_id: int) -> Sequence[ReviewOpinion]:
        """Every dimension of a round."""
        stmt = (
            select(ReviewOpinion)
            .where(ReviewOpinion.round_id == round_id)
            .order_by(col(ReviewOpinion.id))
        )
        return self.session.exec(stmt).all()

    def open_opinions_of(self, reviewer_id: int, unit_id: str) -> Sequence[ReviewOpinion]:
        """A reviewer's opinions for a unit in rounds still open (what a delegate takes on)."""
        stmt = (
            select(ReviewOpinion)
            .join(ReviewRound, col(ReviewRound.id) == ReviewOpinion.round_id)
            .where(
                ReviewOpinion.reviewer_id == reviewer_id,
                ReviewOpinion.unit_id == unit_id,
                col(ReviewRound.closed_at).is_(None),
            )
            .order_by(col(ReviewOpinion.id))
        )
        return self.session.exec(stmt).all()

    def latest(self, project_id: int) -> ReviewRound | None:
        """The project's most recent round."""
        stmt = (
            select(ReviewRound)
            .where(ReviewRound.project_id == project_id)
            .order_by(col(ReviewRound.number).desc())
            .limit(1)
        )
        return self.session.exec(stmt).first()

    def open_rounds(self) -> Sequence[ReviewRound]:
        """Rounds not closed yet (for reminders)."""
        stmt = select(ReviewRound).where(col(ReviewRound.closed_at).is_(None))
        return self.session.exec(stmt.order_by(col(ReviewRound.id))).all()

    def rounds_opened_in(self, year: int) -> Sequence[ReviewRound]:
        """Rounds opened in a calendar year (UTC bounds; a day's slack either way is harmless
        for a yearly figure)."""
        start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        stmt = select(ReviewRound).where(
            col(ReviewRound.opened_at) >= start, col(ReviewRound.opened_at) < end
        )
        return self.session.exec(stmt.order_by(col(ReviewRound.id))).all()

    def close(self, rnd: ReviewRound, outcome: str, at: datetime) -> None:
        """Close a round with its outcome."""
        rnd.outcome = outcome
        rnd.closed_at = at
        self.session.add(rnd)
