"""Service after signing: liaison assignments and monthly reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, stamped_column


class LiaisonAssignment(SQLModel, table=True):
    """A unit's responsible leader and liaison officer for a signed project (附件7)."""

    __table_args__ = (UniqueConstraint("project_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    unit_id: str = Field(foreign_key="unit.id")
    duties: str | None = Field(default=None, max_length=200)  # 主要负责业务
    leader_id: int | None = Field(default=None, foreign_key="person.id")
    officer_id: int | None = Field(default=None, foreign_key="person.id")
    assigned_at: datetime = Field(default=None, sa_column=stamped_column())


class MonthlyReport(SQLModel, table=True):
    """A member unit's monthly report (附件6) for one period (YYYY-MM)."""

    __table_args__ = (UniqueConstraint("unit_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: str = Field(foreign_key="unit.id", index=True)
    period: str = Field(max_length=7)
    nothing_to_report: bool = False
    submitted_by: int | None = Field(default=None, foreign_key="person.id")
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class MonthlyReportRow(SQLModel, table=True):
    """A row of a monthly report."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="monthlyreport.id", index=True)
    project: str = Field(max_length=200)  # 涉及招商项目
    problem: str | None = None  # 存在问题
    suggestion: str | None = None  # 解决建议
    departments: str | None = Field(default=None, max_length=200)  # 需要协调的部门
    progress: str | None = None  # 解决情况及进度


class ProblemItem(SQLModel, table=True):
    """A problem a liaison officer raised: open for the named units and the office until closed."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    raised_by: int | None = Field(default=None, foreign_key="person.id")
    text: str
    units: str | None = Field(default=None, max_length=300)  # unit ids, comma-separated
    raised_at: datetime = Field(default=None, sa_column=stamped_column())
    closed_by: int | None = Field(default=None, foreign_key="person.id")
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    resolution: str | None = None


class ForumOpinion(SQLModel, table=True):
    """What an investor said at a forum or a visit: about the investment environment and the
    problems they meet (000 一(三)2(4))."""

    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    opinion: str
    problems: str | None = None
    at: datetime = Field(default=None, sa_column=stamped_column())
