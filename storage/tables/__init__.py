"""Every table, imported so that SQLModel.metadata knows them all."""

from storage.tables.org import Appointment, Invitation, MessengerAccount, Person, PersonRole, Unit
from storage.tables.projects import (
    FormDraft,
    NegotiationTeamMember,
    PlanVersion,
    Project,
    ProjectNote,
    SerialCounter,
    StageChange,
)
from storage.tables.review import (
    Agreement,
    CityAction,
    CityCase,
    Meeting,
    MeetingAttendee,
    MeetingItem,
    ReviewOpinion,
    ReviewRound,
)
from storage.tables.service import (
    ForumOpinion,
    LiaisonAssignment,
    MonthlyReport,
    MonthlyReportRow,
    ProblemItem,
)
from storage.tables.system import (
    AuditEntry,
    CardMessage,
    OutboxMessage,
    ProcessedUpdate,
    ScheduledRun,
    StoredFile,
)

__all__ = [
    "Agreement",
    "Appointment",
    "AuditEntry",
    "CardMessage",
    "CityAction",
    "CityCase",
    "FormDraft",
    "ForumOpinion",
    "Invitation",
    "LiaisonAssignment",
    "Meeting",
    "MeetingAttendee",
    "MeetingItem",
    "MessengerAccount",
    "MonthlyReport",
    "MonthlyReportRow",
    "NegotiationTeamMember",
    "OutboxMessage",
    "Person",
    "PersonRole",
    "PlanVersion",
    "ProblemItem",
    "ProcessedUpdate",
    "Project",
    "ProjectNote",
    "ReviewOpinion",
    "ReviewRound",
    "ScheduledRun",
    "SerialCounter",
    "StageChange",
    "StoredFile",
    "Unit",
]
