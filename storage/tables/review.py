"""Review rounds and opinions, joint meetings and decisions, city cases, agreements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import Fixed2, UTCDateTime, stamped_column


class ReviewRound(SQLModel, table=True):
    """A review round (评审) of one project, over every review dimension."""

    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    number: int = 1
    level: str = Field(default="district", max_length=10)  # district, or city (recalled)
    opened_by: int | None = Field(default=None, foreign_key="person.id")
    opened_at: datetime = Field(default=None, sa_column=stamped_column())
    deadline: date
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    outcome: str | None = Field(default=None, max_length=10)
    concluded_by: int | None = Field(default=None, foreign_key="person.id")  # 组长 / 副组长


class ReviewOpinion(SQLModel, table=True):
    """One unit's opinion on one dimension of a round (附件5 row): who reviews it, the opinion
    recorded, and its answers to the prohibited categories it confirms (001 六)."""

    __table_args__ = (UniqueConstraint("round_id", "dimension_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="reviewround.id", index=True)
    dimension_id: str = Field(max_length=40)
    unit_id: str = Field(foreign_key="unit.id")
    reviewer_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    verdict: str | None = Field(default=None, max_length=20)  # agree, conditional, disagree
    opinion: str | None = None  # 评审意见
    suggestion: str | None = None  # 相关建议
    confirmations: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )  # prohibited condition id -> "no" (不属于) or "yes" (属于)
    decided_by: int | None = Field(default=None, foreign_key="person.id")  # who pressed
    # The assigned reviewer a delegate (A/B 岗) recorded the opinion for; None when the
    # reviewer recorded it themselves.
    on_behalf_of: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Meeting(SQLModel, table=True):
    """A joint meeting (联席会议)."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    scheduled_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    place: str | None = Field(default=None, max_length=200)
    status: str = Field(default="scheduled", max_length=20)  # scheduled, held, cancelled
    kind: str = Field(default="joint", max_length=10)  # joint (联席会议), forum (座谈会), visit
    project_id: int | None = Field(default=None, foreign_key="project.id")  # a visit's company
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default=None, sa_column=stamped_column())


class MeetingItem(SQLModel, table=True):
    """A project on a meeting's agenda and the decision taken on it."""

    __table_args__ = (UniqueConstraint("meeting_id", "project_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    decision: str | None = Field(default=None, max_length=20)  # approved, rejected, deferred
    conditions: str | None = None
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class MeetingAttendee(SQLModel, table=True):
    """A person invited to a meeting."""

    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    person_id: int = Field(foreign_key="person.id")


class CityCase(SQLModel, table=True):
    """A project sent to the city group: filing (备案) or approval (审批) by amount."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    route: str = Field(max_length=20)  # filing, approval, two_level
    step: int = 0  # index into the route's approvers
    status: str = Field(default="pending", max_length=20)  # pending, cleared, returned, recalled
    submitted_at: datetime = Field(default=None, sa_column=stamped_column())
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class CityAction(SQLModel, table=True):
    """What a city official did on a case, with their comment."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citycase.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=20)  # acknowledge, approve, return, recall
    note: str | None = None
    at: datetime = Field(default=None, sa_column=stamped_column())


class PreReview(SQLModel, table=True):
    """A third-party professional body's pre-review of a project for the city's own review
    (第三方专业机构预审, 001 七(二)2(2)), with its report."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="reviewround.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    body: str = Field(max_length=200)
    report_file_id: int = Field(foreign_key="storedfile.id")
    summary: str
    recorded_by: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime = Field(default=None, sa_column=stamped_column())


class Agreement(SQLModel, table=True):
    """The formal investment agreement (正式投资协议书) and its committed figures."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", unique=True)
    signed_on: date
    signer: str = Field(max_length=100)
    # 由区长或区长授权区政府分管相关工作的领导签订 (000 一(二)2(3)): in which capacity, and for an
    # authorised leader the 区长 who authorised them.
    signer_capacity: str | None = Field(default=None, max_length=20)  # district_head, …
    authorised_by: int | None = Field(default=None, foreign_key="person.id")
    committed_start: str | None = Field(default=None, max_length=7)  # YYYY-MM
    committed_production: str | None = Field(default=None, max_length=7)
    committed_intensity: Decimal | None = Field(default=None, sa_column=Column(Fixed2()))
    committed_output_yi: Decimal | None = Field(default=None, sa_column=Column(Fixed2()))
    committed_tax_wan: Decimal | None = Field(default=None, sa_column=Column(Fixed2()))
    exit_mechanism: bool = False  # 退出机制
    breach_liability: bool = False  # 违约责任
    supervision_duty: bool = False  # 监管责任
    scan_file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    scan_uploaded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    drc_filed_on: date | None = None  # 发改局核准备案
    drc_filed_by: int | None = Field(default=None, foreign_key="person.id")
    drc_returned_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    drc_return_reason: str | None = None  # why 发改局 sent it back to the office
    green_channel: bool = False
    recorded_by: int | None = Field(default=None, foreign_key="person.id")
