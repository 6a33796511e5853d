"""The investor's 投资项目计划书 (000 附件4) as a Word document, from its labelled answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

from documents.word.templates import WordTemplates, default_templates

TEMPLATE: Final = "plan_sheet"


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One item of the plan as the investor answered it, numbered as 附件4 numbers it."""

    label: str  # 项目, the item's label in the form
    value: str | None  # 填报内容; "（未填）" when None
    number: str | None = None  # 附件4's number ("6", "6.1", "B.3"); None for a computed figure


@dataclass(frozen=True, slots=True)
class PlanSheet:
    """The investor's plan of one project (附件4): the data of the plan_sheet template."""

    serial: str  # 项目编号
    project_name: str  # printed in the title
    rows: list[PlanRow]  # in the form's order
    investor: str | None = None  # 投资方
    submitted_on: date | None = None  # 填报日期; blanks to write on when None
    notes: list[str] = field(
        default_factory=list
    )  # under the table: approved 例外 (001 二, 四(三))


def plan_sheet(sheet: PlanSheet, *, templates: WordTemplates | None = None) -> bytes:
    """The plan as a table of the items the investor answered, with the notes under it."""
    return (templates or default_templates()).render(TEMPLATE, sheet)
