"""项目评审意见表 (000 附件5): one row per review dimension, in the policy's order, with each
reviewing unit's opinion; a dimension 附件5 lacks is added after its rows, with a note."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from documents.word.base import check_choice
from documents.word.templates import WordTemplates, default_templates

Verdict = Literal["agree", "conditional", "disagree"]
Answer = Literal["no", "yes"]
ANSWERS: Final = ("no", "yes")
Outcome = Literal["passed", "flagged", "failed"]
VERDICTS: Final = ("agree", "conditional", "disagree")
OUTCOMES: Final = ("passed", "flagged", "failed")
TEMPLATE: Final = "review_opinion_sheet"


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
    recorded_by: str | None = None  # the A/B 岗 who recorded it for the reviewer (代为填报)

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


def review_opinion_sheet(sheet: ReviewSheet, *, templates: WordTemplates | None = None) -> bytes:
    """The 项目评审意见表 of a review round as a .docx file."""
    return (templates or default_templates()).render(TEMPLATE, sheet)
