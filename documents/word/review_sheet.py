"""项目评审意见表 (000 附件5): one row per review dimension, in the policy's order, with each
reviewing unit's opinion; a dimension 附件5 lacks is added after its rows, with a note."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from docx.enum.text import WD_ALIGN_PARAGRAPH

from documents.texts import Texts
from documents.word.base import (
    FormTable,
    check_choice,
    fill_cell,
    new_document,
    paragraph,
    title,
    to_bytes,
)
from templates.renderer import Renderer

Verdict = Literal["agree", "conditional", "disagree"]
Answer = Literal["no", "yes"]
ANSWERS: Final = ("no", "yes")
Outcome = Literal["passed", "flagged", "failed"]
VERDICTS: Final = ("agree", "conditional", "disagree")
OUTCOMES: Final = ("passed", "flagged", "failed")
TEMPLATE: Final = "review_opinion_sheet.j2"


@dataclass(frozen=True, slots=True)
class Confirmation:
    """A prohibited category (001 六) a unit's reviewer answered: "no" 不属于, "yes" 属于."""

    number: int
    name: str
    answer: Answer | None = None  # None: not answered

    def __post_init__(self) -> None:
        check_choice("answer", self.answer, ANSWERS)


@dataclass(frozen=True, slots=True)
class UnitOpinion:
    """One unit's own opinion on a dimension (联合评审: each unit records its own)."""

    unit: str
    verdict: Verdict | None = None
    opinion: str | None = None
    suggestion: str | None = None
    reviewer: str | None = None
    decided_on: date | None = None
    confirmations: list[Confirmation] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_choice("verdict", self.verdict, VERDICTS)


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One review dimension of the round (附件5 row) and the opinion recorded on it: either one
    opinion (the fields below) or each unit's (`unit_opinions`, under the joint `verdict`)."""

    label: str  # 项目内容评审, e.g. 产业政策
    units: list[str]  # 主审部门, names as printed
    verdict: Verdict | None = None  # None: 未表态
    opinion: str | None = None
    suggestion: str | None = None  # 相关建议
    reviewer: str | None = None
    decided_on: date | None = None
    unit_opinions: list[UnitOpinion] = field(default_factory=list)
    added_by: str | None = None  # a row 附件5 lacks: the citation it is added under

    def __post_init__(self) -> None:
        check_choice("verdict", self.verdict, VERDICTS)


@dataclass(frozen=True, slots=True)
class ReviewSheet:
    """A review round of one project, as the organising unit reports it (000 一(二)1)."""

    serial: str
    project_name: str
    investor: str | None
    total_investment_wan: Decimal | None
    round_number: int
    opened_on: date
    deadline: date
    closed_on: date | None = None
    outcome: Outcome | None = None  # None: the round is still open
    veto_dimension: str | None = None  # the label of the dimension whose 不同意 vetoed it
    rows: list[ReviewRow] = field(default_factory=list)
    organizer: str | None = None  # 组织单位; the template names the review group when None
    concluder: str | None = None  # the review group's 组长/副组长 who concluded it

    def __post_init__(self) -> None:
        check_choice("outcome", self.outcome, OUTCOMES)


def review_opinion_sheet(sheet: ReviewSheet, *, renderer: Renderer | None = None) -> bytes:
    """The 项目评审意见表 of a review round as a .docx file."""
    text = Texts(renderer, TEMPLATE)
    doc = new_document(body_size=12)
    title(doc, text("title"), size=18)

    head = FormTable(doc, (16, 34, 16, 34))
    keys = ("serial", "round", "project", "investor", "investment", "period", "deadline")
    label = {key: text("label", key=key) for key in (*keys, "outcome")}
    round_number = text("round_number", number=sheet.round_number)
    head.row([label["serial"], sheet.serial, label["round"], round_number], labels=(0, 2))
    head.row([label["project"], sheet.project_name], spans=(1, 3), labels=(0,))
    investment = text("investment", value=sheet.total_investment_wan)
    head.row([label["investor"], sheet.investor, label["investment"], investment], labels=(0, 2))
    period = text("period", opened=sheet.opened_on, closed=sheet.closed_on)
    deadline = text("day", value=sheet.deadline)
    head.row([label["period"], period, label["deadline"], deadline], labels=(0, 2))
    outcome = text("outcome", code=sheet.outcome, veto=sheet.veto_dimension)
    head.row([label["outcome"], outcome], spans=(1, 3), labels=(0,))

    paragraph(doc)
    body = FormTable(doc, (15, 22, 40, 23))
    body.row(text.lines("columns"), header=True)
    for row in sheet.rows:
        if row.unit_opinions:
            opinion, suggestion = _joint_cells(text, row)
            signed = False
        else:
            opinion = [text("verdict", code=row.verdict), *(row.opinion or "").splitlines()]
            suggestion = [row.suggestion or ""]
            signed = row.reviewer is not None or row.decided_on is not None
            if signed:
                opinion.append(text("signature", reviewer=row.reviewer, decided_on=row.decided_on))
        cells = body.row([row.label, text("units", names=row.units), None, None], labels=(0,))
        fill_cell(cells[2], opinion, first_bold=True, last_right=signed)
        fill_cell(cells[3], suggestion)
    for row in sheet.rows:
        if row.added_by:
            paragraph(doc, text("added_note", label=row.label, citation=row.added_by))

    paragraph(doc)
    closing = text.lines(
        "closing", organizer=sheet.organizer, closed_on=sheet.closed_on, concluder=sheet.concluder
    )
    for line in closing:
        paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return to_bytes(doc)


def _joint_cells(text: Texts, row: ReviewRow) -> tuple[list[str], list[str]]:
    """The opinion cell (the joint verdict, then each unit's opinion, answers and signature)
    and the suggestion cell (each unit's suggestion, named) of a jointly reviewed row."""
    opinion = [text("verdict", code=row.verdict)]
    suggestion: list[str] = []
    for unit in row.unit_opinions:
        opinion.append(text("unit_verdict", unit=unit.unit, code=unit.verdict))
        opinion += (unit.opinion or "").splitlines()
        opinion += [
            text("confirmation", number=c.number, name=c.name, answer=c.answer)
            for c in unit.confirmations
        ]
        if unit.reviewer is not None or unit.decided_on is not None:
            opinion.append(text("signature", reviewer=unit.reviewer, decided_on=unit.decided_on))
        if unit.suggestion:
            suggestion.append(text("unit_suggestion", unit=unit.unit, text=unit.suggestion))
    return opinion, suggestion or [""]
