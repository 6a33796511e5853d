"""招商选资工作协调联席会议纪要: the joint meeting's decisions on the projects it discussed, laid
out as GB/T 9704 lays out a 纪要 (the 版记 with 发送 / 抄送 at the foot of its last page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Final, Literal
from zoneinfo import ZoneInfo

from documents.word.base import check_choice
from documents.word.review_sheet import OUTCOMES, Outcome
from documents.word.templates import WordTemplates, default_templates

Decision = Literal["approved", "rejected", "deferred"]
DECISIONS: Final = ("approved", "rejected", "deferred")
TEMPLATE: Final = "meeting_minutes"
BEIJING: Final = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class Attendee:
    """A person at the meeting (出席), with the title printed after the name."""

    name: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class AttendeeGroup:
    """The people one unit sent to the meeting."""

    unit: str
    people: list[Attendee]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A unit's 不同意 in the review that brought a project to the meeting."""

    dimension: str
    unit: str
    opinion: str | None = None


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """A project the meeting discussed and what it decided (000 一(二)2)."""

    serial: str  # 项目编号, printed unbroken
    project_name: str
    investor: str | None  # 投资方; "（未填）" when None
    total_investment_wan: Decimal | None  # 投资总额（万元）
    outcome: Outcome  # 评审结论 of the review round that brought it to the meeting
    decision: Decision  # 会议决定
    flags: list[str] = field(default_factory=list)  # 标注事项: what the review flagged
    conditions: list[str] = field(default_factory=list)  # 落户条件 / 有关要求
    remarks: str | None = None
    veto_dimension: str | None = None  # the dimension whose 不同意 vetoed the round
    disagreements: list[Disagreement] = field(default_factory=list)  # named, never relabelled
    exceptions: list[str] = field(default_factory=list)  # approved 例外 (001 二, 四(三)), printed

    def __post_init__(self) -> None:
        check_choice("outcome", self.outcome, OUTCOMES)
        check_choice("decision", self.decision, DECISIONS)


@dataclass(frozen=True, slots=True)
class Minutes:
    """One joint meeting (联席会议) and its decisions: the data of the 会议纪要 template."""

    number: str  # printed under the title: "3" as 第3期, anything else as given
    title: str  # 会议名称
    held_at: datetime  # 时间; naive values are UTC, as in storage
    place: str | None  # 地点
    chair: Attendee  # 主持
    attendees: list[AttendeeGroup]  # 出席, by unit
    items: list[AgendaItem]  # 会议议定事项, in the agenda's order
    recorder: str | None = None  # 记录
    issuer: str | None = None  # who issues the minutes (印发机关)
    issued_on: date | None = None  # 印发日期; blanks to write on when None
    send_to: list[str] = field(default_factory=list)  # 发送
    copy_to: list[str] = field(default_factory=list)  # 抄送
    time_zone: tzinfo = BEIJING  # the deployment's, in which the time is printed

    @property
    def held_at_local(self) -> datetime:
        """The meeting's time in the deployment's time zone."""
        held = self.held_at if self.held_at.tzinfo else self.held_at.replace(tzinfo=UTC)
        return held.astimezone(self.time_zone)

    @property
    def dissenting(self) -> int:
        """How many projects a reviewing unit disagreed with."""
        return sum(1 for item in self.items if item.disagreements)

    @property
    def decisions(self) -> list[Decision]:
        """The kinds of decision the meeting took, each once, for the closing paragraphs."""
        return sorted({item.decision for item in self.items})


def meeting_minutes(minutes: Minutes, *, templates: WordTemplates | None = None) -> bytes:
    """The minutes of a joint meeting as a .docx file."""
    return (templates or default_templates()).render(TEMPLATE, minutes)
