"""What the investor's plan and its screening say about a project, as the 遴选申报表 (001 附件2)
states it and the city's 备案表 and 审批表 restate it: the figures, the dates, the land, and
the screening's findings on 引入要求 (001 四) and 禁止引入 (001 六)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Final, Literal

from documents.word.base import check_choice, per_mu

LandUse = Literal["purchase", "lease"]
LandSource = Literal["new", "existing"]
LAND_USES: Final = ("purchase", "lease")
LAND_SOURCES: Final = ("new", "existing")


@dataclass(frozen=True, slots=True)
class Phase:
    """A phase of construction: its months and, for a phased plan, its own figures."""

    start: str | None = None  # YYYY-MM, 计划动工建设
    end: str | None = None  # YYYY-MM, 计划建成投产
    land_area_mu: Decimal | None = None
    fixed_asset_wan: Decimal | None = None
    annual_output_wan: Decimal | None = None
    annual_tax_wan: Decimal | None = None

    @property
    def investment_intensity(self) -> Decimal | None:
        """This phase's 固定资产投资强度, 万元/亩 (001 四(三): each phase must reach it)."""
        return per_mu(self.fixed_asset_wan, self.land_area_mu)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectFigures:
    """A project's plan and screening as the application and the city forms print them;
    None (or an empty list) where the plan does not say."""

    investor_category: str | None = None  # 投资主体类别, as the policy names it
    industry: str | None = None  # 所属行业
    site: str | None = None  # 项目选址 (拟选址)
    content: str | None = None  # 建设内容
    total_investment_wan: Decimal | None = None  # 投资总额
    fixed_asset_wan: Decimal | None = None  # 固定资产投资
    land_area_mu: Decimal | None = None  # 用地面积
    land_use: LandUse | None = None  # 购地 or 租地
    land_source: LandSource | None = None  # 新增建设用地 or 盘活存量土地、厂房 (001 一)
    floor_area_sqm: Decimal | None = None  # 建筑面积
    products: str | None = None  # 主要产品
    annual_output_wan: Decimal | None = None  # 达产年产值
    annual_tax_wan: Decimal | None = None  # 达产年税收
    jobs: int | None = None  # 可安排就业人数
    start_month: str | None = None  # YYYY-MM, 计划动工时间: the earliest phase's start
    production_month: str | None = None  # YYYY-MM, 计划投产时间: the first phase's completion
    phases: list[Phase] = field(default_factory=list)  # 建设进度, for the 申报表
    industry_checks: list[str] = field(default_factory=list)  # 适用范围、产业导向 (001 一、三)
    environment: list[str] = field(default_factory=list)  # 环保准入要求 (001 四(一))
    safety: list[str] = field(default_factory=list)  # 安全生产要求 (001 四(二))
    indicators: list[str] = field(default_factory=list)  # 投入产出要求 (001 四(三))
    prohibited: list[str] = field(default_factory=list)  # 禁止引入 found (001 六)
    prohibited_screened: bool = False  # screened for 禁止引入: none found then reads 不属于
    priority: list[str] = field(default_factory=list)  # 优先引入情形 (001 五)
    feasibility_report: bool = False  # 项目可行性研究报告: 有 or 无 (001 七(二)1 注)
    contact: str | None = None  # 联系人及电话

    def __post_init__(self) -> None:
        check_choice("land_use", self.land_use, LAND_USES)
        check_choice("land_source", self.land_source, LAND_SOURCES)

    @property
    def investment_intensity(self) -> Decimal | None:
        """固定资产投资强度, 万元/亩."""
        return per_mu(self.fixed_asset_wan, self.land_area_mu)

    @property
    def output_per_mu(self) -> Decimal | None:
        """亩均产值, 万元/亩."""
        return per_mu(self.annual_output_wan, self.land_area_mu)

    @property
    def tax_per_mu(self) -> Decimal | None:
        """亩均税收, 万元/亩."""
        return per_mu(self.annual_tax_wan, self.land_area_mu)


def figure_fields(figures: ProjectFigures) -> dict[str, Any]:
    """The figures as keyword arguments, for a form that carries them (`Application(**…)`)."""
    return {f.name: getattr(figures, f.name) for f in fields(ProjectFigures)}
