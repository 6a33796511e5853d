"""The district's report of signed projects' progress to the city leading group (001 八: "不定期
向市招商引资工作领导小组报告项目进展以及推进过程中遇到的问题和困难")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

from documents.word.templates import WordTemplates, default_templates

TEMPLATE: Final = "city_progress"


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One signed project: what was agreed, where it stands, and what holds it up."""

    serial: str  # 编号
    name: str  # 项目名称
    investor: str | None  # 投资主体
    total_investment_wan: Decimal | None  # 投资总额（万元）
    stage: str  # 目前进展: the stage's name, as people read it
    signed_on: date | None = None  # 签约日期
    committed_start: str | None = None  # 承诺动工, YYYY-MM
    committed_production: str | None = None  # 承诺投产, YYYY-MM
    scan_sent_on: date | None = None  # the agreement's scan to the city office (报市)
    units: list[str] = field(default_factory=list)  # 联络单位
    problems: list[str] = field(default_factory=list)  # 存在问题和困难, with the units named


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """A report of every signed project, as of one day: the data of the city_progress
    template."""

    city: str  # addressed to its 招商引资工作领导小组
    county: str  # the reporting district, in the title
    office: str  # who signs it
    reported_on: date
    rows: list[ProgressRow]  # in serial order
    contact: str | None = None  # 联系人
    contact_phone: str | None = None  # 联系电话


def progress_report(report: ProgressReport, *, templates: WordTemplates | None = None) -> bytes:
    """The report as a .docx file, landscape, one table row per project."""
    return (templates or default_templates()).render(TEMPLATE, report)
