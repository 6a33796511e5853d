"""Joint meetings and their decisions, city cases, agreements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.tables import (
    Agreement,
    CityAction,
    CityCase,
    ForumOpinion,
    Meeting,
    MeetingAttendee,
    MeetingItem,
    PreReview,
)
from storage.types import Clock


class DecisionRepository:
    """Queries and changes on meetings, city cases and agreements."""

    def __init__(self, session: Session, now: Clock) -> None:
        self.session = session
        self.now = now

    def add(
        self,
        row: Meeting
        | MeetingItem
        | MeetingAttendee
        | CityCase
        | CityAction
        | Agreement
        | ForumOpinion
        | PreReview,
    ) -> None:
        """Store a new row and give it an id."""
        self.session.add(row)
        self.session.flush()

    def meeting(self, meeting_id: int) -> Meeting | None:
        """A meeting by id."""
        return self.session.get(Meeting, meeting_id)

    def upcoming_meetings(self, kind: str = "joint") -> Sequence[Meeting]:
        """Meetings of a kind not yet held, soonest first."""
        stmt = (
            select(Meeting)
            .where(Meeting.status == "scheduled", Meeting.kind == kind)
            .order_by(col(Meeting.scheduled_at))
        )
        return self.session.exec(stmt).all()

    def meetings_between(self, kind: str, start: datetime, end: datetime) -> Sequence[Meeting]:
        """Meetings of a kind scheduled from `start` (inclusive) to `end` (exclusive), not
        cancelled, soonest first."""
        stmt = (
            select(Meeting)
            .where(
                Meeting.kind == kind,
                Meeting.status != "cancelled",
                col(Meeting.scheduled_at) >= start,
                col(Meeting.scheduled_at) < end,
            )
            .order_by(col(Meeting.scheduled_at))
        )
        return self.session.exec(stmt).all()

    def items(self, meeting_id: int) -> Sequence[MeetingItem]:
        """A meeting's agenda, in the order added."""
        stmt = (
            select(MeetingItem)
            .where(MeetingItem.meeting_id == meeting_id)
            .order_by(col(MeetingItem.id))
        )
        return self.session.exec(stmt).all()

    def item(self, item_id: int) -> MeetingItem | None:
        """An agenda item by id."""
        return self.session.get(MeetingItem, item_id)

    def item_for(self, meeting_id: int, project_id: int) -> MeetingItem | None:
        """A project's place on a meeting's agenda."""
        stmt = select(MeetingItem).where(
            MeetingItem.meeting_id == meeting_id, MeetingItem.project_id == project_id
        )
        return self.session.exec(stmt).first()

    def latest_decision(self, project_id: int) -> MeetingItem | None:
        """The most recent decided agenda item of a project."""
        stmt = (
            select(MeetingItem)
            .where(MeetingItem.project_id == project_id, col(MeetingItem.decision).is_not(None))
            .order_by(col(MeetingItem.decided_at).desc(), col(MeetingItem.id).desc())
            .limit(1)
        )
        return self.session.exec(stmt).first()

    def forum_opinions(self, meeting_id: int) -> Sequence[ForumOpinion]:
        """What was said at a forum or a visit."""
        stmt = (
            select(ForumOpinion)
            .where(ForumOpinion.meeting_id == meeting_id)
            .order_by(col(ForumOpinion.id))
        )
        return self.session.exec(stmt).all()

    def meetings_due_for_reminder(self, kind: str) -> Sequence[Meeting]:
        """Scheduled meetings of a kind (the caller picks those whose day is near)."""
        return self.upcoming_meetings(kind)

    def attendees(self, meeting_id: int) -> list[int]:
        """The people invited to a meeting."""
        stmt = select(MeetingAttendee.person_id).where(MeetingAttendee.meeting_id == meeting_id)
        return list(self.session.exec(stmt).all())

    def city_case(self, case_id: int) -> CityCase | None:
        """A city case by id."""
        return self.session.get(CityCase, case_id)

    def latest_city_case(self, project_id: int) -> CityCase | None:
        """A project's most recent city case."""
        stmt = (
            select(CityCase)
            .where(CityCase.project_id == project_id)
            .order_by(col(CityCase.id).desc())
            .limit(1)
        )
        return self.session.exec(stmt).first()

    def city_actions(self, case_id: int) -> Sequence[CityAction]:
        """What the city did on a case, in order."""
        stmt = select(CityAction).where(CityAction.case_id == case_id).order_by(col(CityAction.id))
        return self.session.exec(stmt).all()

    def pre_reviews(self, project_id: int) -> Sequence[PreReview]:
        """The third-party pre-reviews recorded for a project's city reviews, in order."""
        stmt = select(PreReview).where(PreReview.project_id == project_id)
        return self.session.exec(stmt.order_by(col(PreReview.id))).all()

    def agreement(self, project_id: int) -> Agreement | None:
        """A project's agreement."""
        stmt = select(Agreement).where(Agreement.project_id == project_id)
        return self.session.exec(stmt).first()

    def agreements(self) -> Sequence[Agreement]:
        """Every agreement, oldest first."""
        return self.session.exec(select(Agreement).order_by(col(Agreement.id))).all()

    def agreements_awaiting_scan(self) -> Sequence[Agreement]:
        """Signed agreements whose scan has not been uploaded."""
        stmt = select(Agreement).where(col(Agreement.scan_uploaded_at).is_(None))
        return self.session.exec(stmt.order_by(col(Agreement.id))).all()
