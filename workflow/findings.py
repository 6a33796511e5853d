"""What screening reads (a plan's figures and answers) and what it gives (findings), with the
per-mu arithmetic of 附件2 that several screening modules share, and who may read each
finding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

TWO_PLACES: Final = Decimal("0.01")
WAN_PER_YI: Final = Decimal(10000)

Params = dict[str, str | int | bool | None]


class Status(StrEnum):
    """How a finding stands."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    INFO = "info"
    UNKNOWN = "unknown"  # 无法评估: the data is missing


@dataclass(frozen=True, slots=True)
class PhaseFigures:
    """One construction phase's own input and output (001 四(三)); None means not given."""

    land_area_mu: Decimal | None = None
    fixed_asset_wan: Decimal | None = None
    annual_output_yi: Decimal | None = None
    annual_tax_wan: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """The figures and answers of a plan that screening reads; None means not given.

    `phases` holds each phase's figures when the project is built in more than one phase
    (`phase_count` > 1); a single-phase project's figures are the whole plan's."""

    land_area_mu: Decimal | None = None
    total_investment_wan: Decimal | None = None
    fixed_asset_wan: Decimal | None = None
    annual_output_yi: Decimal | None = None
    annual_tax_wan: Decimal | None = None
    automation_rate: Decimal | None = None
    rd_share: Decimal | None = None
    transformer_kva: Decimal | None = None
    sector: str | None = None
    site: str | None = None
    investor_category: str | None = None
    high_tech: bool | None = None
    famous_brand: bool | None = None
    phd_lead: bool | None = None
    research_platform: bool | None = None
    headquarters: bool | None = None
    encouraged: bool | None = None
    capacity_expansion: bool | None = None
    ecological_redline: bool | None = None
    core_technology: bool | None = None
    single_project: bool | None = None  # 五(三) 单体
    work_safety: bool | None = None  # 001 四(二)
    planning_eia: bool | None = None  # 附件2 三: 符合规划环评
    environment_negative_list: bool | None = None  # 附件2 三: True when on the negative list
    plot_ratio: Decimal | None = None  # 容积率, as the investor plans it
    phase_count: int | None = None
    phases: tuple[PhaseFigures, ...] = ()


class Audience(StrEnum):
    """Who may read a finding."""

    INVESTOR = "investor"  # the investor who filed the plan, and every official
    OFFICIALS = "officials"  # officials only: the government's internal screening


# The investor reads their figures against the published standards: 附件2 (the park's land
# indicators, 容积率, environmental entry, automation, high-tech), which standard holds their
# site, the entry requirements they answered for (001 四: red line, work safety, each phase).
# Routing to the city (001 七(二)2), the leaders' follow-up (000 一(三)2(3)), priority
# (001 五), liaison (000 一(二)1), the office's and reviewers' notes are internal. A code not
# named here is the officials' alone, so a new finding is never shown to an investor by chance.
INVESTOR_CODES: Final = frozenset(
    {
        "investment_intensity",
        "output_per_mu",
        "tax_per_mu",
        "plot_ratio",
        "automation",
        "high_tech",
        "environmental_entry",
        "planning_eia",
        "environment_negative_list",
        "work_safety",
        "site_standard",
        "phase_indicator",
        "phase_total",
        "phase_figures",
    }
)
# What stops the project (001 一, 六; workflow/admission.py's blockers): the investor is told
# when it fails, as they are at submission, and not otherwise.
TOLD_WHEN_FAILED: Final = frozenset({"scope", "prohibited"})


def audience_of(code: str, status: Status | str) -> Audience:
    """Who may read a finding with this code and status."""
    if code in INVESTOR_CODES or (code in TOLD_WHEN_FAILED and status == Status.FAIL):
        return Audience.INVESTOR
    return Audience.OFFICIALS


@dataclass(frozen=True, slots=True)
class Finding:
    """One screening result: `code` names its template; `params` are plain values."""

    code: str
    status: Status
    citation: str
    params: Params = field(default_factory=dict)

    @property
    def audience(self) -> Audience:
        """Who may read this finding."""
        return audience_of(self.code, self.status)


def for_investor(findings: Iterable[Finding]) -> list[Finding]:
    """The findings the investor may read, in their order."""
    return [f for f in findings if f.audience is Audience.INVESTOR]


def quantized(value: Decimal) -> str:
    """A figure as findings print it: two places at most, no trailing zeros."""
    text = format(value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def per_mu(amount_wan: Decimal | None, area: Decimal | None) -> Decimal | None:
    """An amount per 亩 (万元/亩), unrounded; None when either figure is missing or no land."""
    if amount_wan is None or area is None or area <= 0:
        return None
    return amount_wan / area


def ratios_of(
    land: Decimal | None, fixed: Decimal | None, output_yi: Decimal | None, tax: Decimal | None
) -> dict[str, Decimal | None]:
    """The 附件2 per-mu figures in 万元/亩: investment intensity, output and tax."""
    output_wan = None if output_yi is None else output_yi * WAN_PER_YI
    return {
        "investment_intensity": per_mu(fixed, land),
        "output_per_mu": per_mu(output_wan, land),
        "tax_per_mu": per_mu(tax, land),
    }
