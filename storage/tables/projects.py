"""Projects, their serial numbers, stage history, and conversation drafts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import Fixed2, UTCDateTime, stamped_column


class Project(SQLModel, table=True):
    """A project in the 招商项目信息库: queried fields as columns, the rest of the plan as JSON."""

    __table_args__ = (Index("ix_project_stage_updated", "stage", "updated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    serial: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=200)
    investor_name: str | None = Field(default=None, max_length=200)
    investor_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    stage: str = Field(max_length=20, index=True)
    sector: str | None = Field(default=None, max_length=40, index=True)
    site: str | None = Field(default=None, max_length=40)
    total_investment_wan: Decimal | None = Field(default=None, sa_column=Column(Fixed2()))
    land_area_mu: Decimal | None = Field(default=None, sa_column=Column(Fixed2()))
    priority: bool = False
    awaiting_investor: bool = False
    invested_wan: Decimal | None = Field(default=None, sa_column=Column(Fixed2()))  # 到位资金
    plan: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    findings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default=None, sa_column=stamped_column())
    updated_at: datetime = Field(default=None, sa_column=stamped_column())


class SerialCounter(SQLModel, table=True):
    """The last serial number issued per prefix and year."""

    prefix: str = Field(primary_key=True, max_length=6)
    year: int = Field(primary_key=True)
    last: int = 0


class StageChange(SQLModel, table=True):
    """One move of a project between stages (the stage history)."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    from_stage: str | None = Field(default=None, max_length=20)
    to_stage: str = Field(max_length=20)
    transition: str = Field(max_length=30)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    note: str | None = None
    at: datetime = Field(default=None, sa_column=stamped_column())


class FormDraft(SQLModel, table=True):
    """A form being filled in, keyed by person, chat and form, so a restart loses nothing."""

    __table_args__ = (
        UniqueConstraint("person_id", "chat_id", "form_id", "subject"),
        Index("ix_formdraft_actor", "person_id", "chat_id", "active"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    chat_id: str = Field(max_length=64)
    form_id: str = Field(max_length=30)
    subject: str = Field(default="", max_length=40)  # e.g. the project a plan re-edits
    active: bool = True  # the draft that gets this chat's next message
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default=None, sa_column=stamped_column())


class ProjectNote(SQLModel, table=True):
    """A dated note on a project: negotiation notes, a return for more material, a comment."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    kind: str = Field(max_length=20)  # negotiation, returned, resubmitted, city_return, ...
    text: str
    author_id: int | None = Field(default=None, foreign_key="person.id")
    at: datetime = Field(default=None, sa_column=stamped_column())


class PlanVersion(SQLModel, table=True):
    """A plan as it stood before the investor changed it, so the history is kept."""

    __table_args__ = (UniqueConstraint("project_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    version: int
    plan: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default=None, sa_column=stamped_column())


class NegotiationTeamMember(SQLModel, table=True):
    """A member of a large project's special negotiation team (专门的洽谈小组, 000 三(三))."""

    __table_args__ = (UniqueConstraint("project_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    lead: bool = False


class AdmissionExceptionRequest(SQLModel, table=True):
    """The office's request that the city's leading group lift a project's blocker under one
    of the documents' exceptions (001 二, 001 四(三)), and the city's answer."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    kind: str = Field(max_length=40)  # the policy's admission_exceptions id
    reason: str
    # The blockers (workflow.admission.blocker_key) that approval lifts, fixed when recorded.
    lifts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="requested", max_length=12)  # workflow.admission.ExceptionStatus
    requested_by: int | None = Field(default=None, foreign_key="person.id")
    requested_at: datetime = Field(default=None, sa_column=stamped_column())
    decided_by: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    decision_note: str | None = None
