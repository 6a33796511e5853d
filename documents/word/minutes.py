"""招商选资工作协调联席会议纪要: the joint meeting's decisions on the projects it discussed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal

from docx.enum.text import WD_ALIGN_PARAGRAPH

from documents.texts import Texts
from documents.word.base import (
    PAGE_MARK,
    check_choice,
    local_time,
    new_document,
    page_number_footer,
    paragraph,
    title,
    to_bytes,
)
from documents.word.review_sheet import OUTCOMES, Outcome
from templates.renderer import Renderer

Decision = Literal["approved", "rejected", "deferred"]
DECISIONS: Final = ("approved", "rejected", "deferred")
TEMPLATE: Final = "meeting_minutes.j2"


@dataclass(frozen=True, slots=True)
class Attendee:
    """A person at the meeting, with the title printed after the name."""

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

    serial: str
    project_name: str
    investor: str | None
    total_investment_wan: Decimal | None
    outcome: Outcome  # of the review round that brought it to the meeting
    decision: Decision
    flags: list[str] = field(default_factory=list)  # what the review flagged for the meeting
    conditions: list[str] = field(default_factory=list)
    remarks: str | None = None
    veto_dimension: str | None = None
    disagreements: list[Disagreement] = field(default_factory=list)  # named, never relabelled
    exceptions: list[str] = field(default_factory=list)  # approved 例外 (001 二, 四(三)), printed

    def __post_init__(self) -> None:
        check_choice("outcome", self.outcome, OUTCOMES)
        check_choice("decision", self.decision, DECISIONS)


@dataclass(frozen=True, slots=True)
class Minutes:
    """One joint meeting (联席会议) and its decisions."""

    number: str  # printed under the title: "3" as 第3期, anything else as given
    title: str
    held_at: datetime  # naive values are UTC, as in storage
    place: str
    chair: Attendee
    attendees: list[AttendeeGroup]
    items: list[AgendaItem]
    recorder: str | None = None
    issuer: str | None = None  # who issues the minutes
    issued_on: date | None = None
    send_to: list[str] = field(default_factory=list)  # 发送
    copy_to: list[str] = field(default_factory=list)  # 抄送


def meeting_minutes(minutes: Minutes, *, renderer: Renderer | None = None) -> bytes:
    """The minutes of a joint meeting as a .docx file."""
    text = Texts(renderer, TEMPLATE)
    # GB/T 9704 official document page: 三号 仿宋 body, wider top and left margins.
    doc = new_document(body_size=16, margins_mm=(37, 35, 28, 26))
    page_number_footer(doc, text("page_footer", page=PAGE_MARK))
    title(doc, text("title"), size=22)
    paragraph(doc, text("number", value=minutes.number), align=WD_ALIGN_PARAGRAPH.CENTER)
    if minutes.issuer or minutes.issued_on:
        paragraph(
            doc,
            text("issuer", name=minutes.issuer, issued_on=minutes.issued_on),
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
    paragraph(doc)

    held_at = local_time(minutes.held_at, text.renderer)
    for line in text.lines("meta", m=minutes, held_at=held_at):
        paragraph(doc, line)
    paragraph(doc, text("attendees_heading"))
    for group in minutes.attendees:
        paragraph(doc, text("attendee_group", group=group), indent=True)
    if minutes.recorder:
        paragraph(doc, text("recorder", name=minutes.recorder))

    paragraph(doc)
    paragraph(doc, text("agenda_heading"), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    dissent = sum(1 for item in minutes.items if item.disagreements)
    paragraph(doc, text("intro", count=len(minutes.items), dissent=dissent), indent=True)
    for index, item in enumerate(minutes.items, start=1):
        heading, *body = text.lines("item", index=index, it=item)
        paragraph(doc, heading, bold=True, indent=True)
        for line in [*body, *item.exceptions]:
            paragraph(doc, line, indent=True)
    decisions = sorted({item.decision for item in minutes.items})
    for line in text.lines("closing", decisions=decisions):
        paragraph(doc, line, indent=True)

    distribution = text.lines("distribution", send_to=minutes.send_to, copy_to=minutes.copy_to)
    if distribution:
        paragraph(doc)
    for line in distribution:
        paragraph(doc, line)
    return to_bytes(doc)
