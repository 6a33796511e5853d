"""Projects: serial numbers, the library, the stage history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from storage.repositories.search import search_condition
from storage.tables import (
    AdmissionExceptionRequest,
    CityAction,
    CityCase,
    NegotiationTeamMember,
    PlanVersion,
    Project,
    ProjectNote,
    SerialCounter,
    StageChange,
)
from storage.types import Clock
from workflow.pipeline import format_serial


class ProjectRepository:
    """Queries and changes on projects, always by index."""

    def __init__(self, session: Session, now: Clock) -> None:
        self.session = session
        self.now = now

    def next_serial(self, prefix: str, year: int) -> str:
        """Issue the next serial number of the year, safely under concurrency."""
        bump = (
            update(SerialCounter)
            .where(col(SerialCounter.prefix) == prefix, col(SerialCounter.year) == year)
            .values(last=col(SerialCounter.last) + 1)
        )
        if self.session.exec(bump).rowcount == 0:  # type: ignore[call-overload]
            try:
                with self.session.begin_nested():
                    self.session.add(SerialCounter(prefix=prefix, year=year, last=1))
                return format_serial(prefix, year, 1)
            except IntegrityError:  # another process issued the year's first number meanwhile
                self.session.exec(bump)  # type: ignore[call-overload]
        counter = self.session.get(SerialCounter, (prefix, year))
        assert counter is not None
        self.session.refresh(counter)
        return format_serial(prefix, year, counter.last)

    def add(self, project: Project) -> Project:
        """Store a new project and give it an id."""
        self.session.add(project)
        self.session.flush()
        return project

    def get(self, project_id: int) -> Project | None:
        """A project by id."""
        return self.session.get(Project, project_id)

    def by_serial(self, serial: str) -> Project | None:
        """A project by its serial number."""
        return self.session.exec(select(Project).where(Project.serial == serial.upper())).first()

    def of_investor(self, person_id: int) -> Sequence[Project]:
        """An investor's own projects, newest first."""
        stmt = (
            select(Project)
            .where(Project.investor_person_id == person_id)
            .order_by(col(Project.id).desc())
        )
        return self.session.exec(stmt).all()

    def listing(
        self,
        stage: str | None = None,
        sector: str | None = None,
        limit: int = 50,
        offset: int = 0,
        *,
        stages: Sequence[str] | None = None,
    ) -> Sequence[Project]:
        """Projects filtered by stage (or any of `stages`) and sector, newest first; the
        filter runs in the query, before the page is cut."""
        ids = select(Project.id)
        if stage:
            ids = ids.where(Project.stage == stage)
        if stages is not None:
            ids = ids.where(col(Project.stage).in_(stages))
        if sector:
            ids = ids.where(Project.sector == sector)
        # The page's ids come from the index alone; only its rows (with their plans) are read.
        page = self.session.exec(ids.order_by(col(Project.id).desc()).limit(limit).offset(offset))
        return self._by_ids([i for i in page.all() if i is not None])

    def _by_ids(self, ids: Sequence[int]) -> Sequence[Project]:
        if not ids:
            return []
        stmt = select(Project).where(col(Project.id).in_(ids)).order_by(col(Project.id).desc())
        return self.session.exec(stmt).all()

    def count(self, stages: Sequence[str] | None = None) -> int:
        """How many projects stand at any of `stages` (all projects when None), by the index."""
        stmt = select(func.count()).select_from(Project)
        if stages is not None:
            stmt = stmt.where(col(Project.stage).in_(stages))
        return int(self.session.exec(stmt).one())

    def search(
        self,
        words: str,
        *,
        sectors: Sequence[str] = (),
        investor: int | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> tuple[int, Sequence[Project]]:
        """What /find finds (storage/repositories/search.py): how many, and one page, newest
        first; the page's ids are read alone, then only its rows."""
        where = search_condition(self.session, words, sectors=sectors, investor=investor)
        total = self.session.exec(select(func.count()).select_from(Project).where(where)).one()
        ids = select(Project.id).where(where).order_by(col(Project.id).desc())
        page = self.session.exec(ids.limit(limit).offset(offset)).all()
        return int(total), self._by_ids([i for i in page if i is not None])

    def count_by_stage(self) -> dict[str, int]:
        """How many projects stand at each stage."""
        stmt = select(Project.stage, func.count()).group_by(col(Project.stage))
        return {stage: n for stage, n in self.session.exec(stmt).all()}

    def move(
        self,
        project: Project,
        to_stage: str,
        transition: str,
        actor_id: int | None,
        note: str | None = None,
    ) -> StageChange:
        """Change a project's stage and record it in the history (guards are the caller's)."""
        now = self.now()
        change = StageChange(
            project_id=project.id or 0,
            from_stage=project.stage,
            to_stage=to_stage,
            transition=transition,
            actor_id=actor_id,
            note=note,
            at=now,
        )
        project.stage = to_stage
        project.updated_at = now
        self.session.add(project)
        self.session.add(change)
        return change

    def record_creation(
        self, project: Project, actor_id: int | None, at: datetime | None = None
    ) -> StageChange:
        """The first entry of a new project's history."""
        change = StageChange(
            project_id=project.id or 0,
            from_stage=None,
            to_stage=project.stage,
            transition="submit",
            actor_id=actor_id,
            at=at or self.now(),
        )
        self.session.add(change)
        return change

    def history(self, project_id: int) -> Sequence[StageChange]:
        """A project's stage history, oldest first."""
        stmt = (
            select(StageChange)
            .where(StageChange.project_id == project_id)
            .order_by(col(StageChange.id))
        )
        return self.session.exec(stmt).all()

    def city_steps(self, project_id: int) -> list[tuple[CityCase, CityAction]]:
        """What the city's officials did on each of a project's city cases, oldest first
        (for the timeline; handlers/timeline.py merges it with the history and the notes)."""
        stmt = (
            select(CityCase, CityAction)
            .join(CityAction, col(CityAction.case_id) == col(CityCase.id))
            .where(CityCase.project_id == project_id)
            .order_by(col(CityAction.id))
        )
        return [(case, action) for case, action in self.session.exec(stmt).all()]

    def add_note(
        self, project_id: int, kind: str, text: str, author_id: int | None
    ) -> ProjectNote:
        """Add a dated note to a project."""
        note = ProjectNote(project_id=project_id, kind=kind, text=text, author_id=author_id)
        self.session.add(note)
        self.session.flush()
        return note

    def notes(self, project_id: int, kind: str | None = None) -> Sequence[ProjectNote]:
        """A project's notes, oldest first."""
        stmt = select(ProjectNote).where(ProjectNote.project_id == project_id)
        if kind:
            stmt = stmt.where(ProjectNote.kind == kind)
        return self.session.exec(stmt.order_by(col(ProjectNote.id))).all()

    def keep_version(self, project: Project) -> PlanVersion:
        """Keep the plan as it stands before the investor changes it."""
        last = self.session.exec(
            select(func.max(PlanVersion.version)).where(PlanVersion.project_id == project.id)
        ).one()
        version = PlanVersion(
            project_id=project.id or 0, version=(last or 0) + 1, plan=dict(project.plan)
        )
        self.session.add(version)
        return version

    def versions(self, project_id: int) -> Sequence[PlanVersion]:
        """Earlier versions of a project's plan."""
        stmt = (
            select(PlanVersion)
            .where(PlanVersion.project_id == project_id)
            .order_by(col(PlanVersion.version))
        )
        return self.session.exec(stmt).all()

    def team(self, project_id: int) -> list[int]:
        """The people of a project's special negotiation team."""
        stmt = (
            select(NegotiationTeamMember.person_id)
            .where(NegotiationTeamMember.project_id == project_id)
            .order_by(col(NegotiationTeamMember.id))
        )
        return list(self.session.exec(stmt).all())

    def toggle_team_member(self, project_id: int, person_id: int) -> bool:
        """Add a person to the team, or remove them; True when added."""
        row = self.session.exec(
            select(NegotiationTeamMember).where(
                NegotiationTeamMember.project_id == project_id,
                NegotiationTeamMember.person_id == person_id,
            )
        ).first()
        if row is not None:
            self.session.delete(row)
            return False
        self.session.add(NegotiationTeamMember(project_id=project_id, person_id=person_id))
        return True

    def add_exception_request(
        self, request: AdmissionExceptionRequest
    ) -> AdmissionExceptionRequest:
        """Record an exception request (it gets its id)."""
        self.session.add(request)
        self.session.flush()
        return request

    def exception_request(self, request_id: int) -> AdmissionExceptionRequest | None:
        """An exception request by id."""
        return self.session.get(AdmissionExceptionRequest, request_id)

    def pending_exception_requests(self) -> Sequence[AdmissionExceptionRequest]:
        """Exception requests that wait for the city's answer, oldest first."""
        stmt = (
            select(AdmissionExceptionRequest)
            .where(AdmissionExceptionRequest.status == "requested")
            .order_by(col(AdmissionExceptionRequest.id))
        )
        return self.session.exec(stmt).all()

    def exception_requests(self, project_id: int) -> Sequence[AdmissionExceptionRequest]:
        """A project's exception requests, oldest first."""
        stmt = (
            select(AdmissionExceptionRequest)
            .where(AdmissionExceptionRequest.project_id == project_id)
            .order_by(col(AdmissionExceptionRequest.id))
        )
        return self.session.exec(stmt).all()
