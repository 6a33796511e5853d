"""The project page's queries: everything recorded about one project, each list in the order
it happened (its review rounds, its places on meetings' agendas, its city cases, its problems,
closed ones too)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.tables import CityCase, Meeting, MeetingItem, ProblemItem, ReviewRound


def rounds(session: Session, project_id: int) -> Sequence[ReviewRound]:
    """A project's review rounds, first round first."""
    stmt = select(ReviewRound).where(ReviewRound.project_id == project_id)
    return session.exec(stmt.order_by(col(ReviewRound.number), col(ReviewRound.id))).all()


def agenda_items(session: Session, project_id: int) -> Sequence[tuple[MeetingItem, Meeting]]:
    """A project's places on meetings' agendas, with their meeting, in the meetings' order."""
    stmt = (
        select(MeetingItem, Meeting)
        .join(Meeting, col(Meeting.id) == col(MeetingItem.meeting_id))
        .where(MeetingItem.project_id == project_id)
        .order_by(col(Meeting.scheduled_at), col(MeetingItem.id))
    )
    return session.exec(stmt).all()


def city_cases(session: Session, project_id: int) -> Sequence[CityCase]:
    """A project's cases at the city, oldest first."""
    stmt = select(CityCase).where(CityCase.project_id == project_id)
    return session.exec(stmt.order_by(col(CityCase.id))).all()


def problems(session: Session, project_id: int) -> Sequence[ProblemItem]:
    """A project's problems, open and closed, oldest first."""
    stmt = select(ProblemItem).where(ProblemItem.project_id == project_id)
    return session.exec(stmt.order_by(col(ProblemItem.id))).all()
