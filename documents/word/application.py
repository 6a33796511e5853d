"""清远市招商项目遴选申报表 (001 附件2): what the investor's plan says, laid out for the review
body that accepts it (001 七(二)1). The text of 001 names the form without its fields; these
follow 001 三 to 六 and the plan of 000 附件4."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from documents.word.figures import Phase, ProjectFigures
from documents.word.templates import WordTemplates, default_templates

TEMPLATE: Final = "application_form"


@dataclass(frozen=True, slots=True, kw_only=True)
class Application(ProjectFigures):
    """A project as the investor applies for selection (遴选申报), with the plan's figures."""

    city: str  # 清远市
    county: str  # 受理单位: the district, or the city office for a cross-region project
    serial: str  # 项目编号
    project_name: str
    investor: str | None  # 投资主体
    cross_region: bool = False  # 跨区域布局项目: applied to the city office (001 七(二)1(2))
    investor_profile: str | None = None  # 投资方简介
    applied_on: date | None = None  # 申报日期


def application_form(form: Application, *, templates: WordTemplates | None = None) -> bytes:
    """The 遴选申报表 as a .docx file, in the look of the 备案表 and 审批表."""
    return (templates or default_templates()).render(TEMPLATE, form)


__all__ = ["Application", "Phase", "application_form"]
