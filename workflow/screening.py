"""Screening (遴选): findings from a plan's figures, each with a status and the rule it cites.
(Longer than 300 lines: one finding per rule of 001 一–六, kept side by side.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from workflow.policy import Condition, Policy, SectorGroup

TWO_PLACES: Final = Decimal("0.01")
WAN_PER_YI: Final = Decimal(10000)


class Status(StrEnum):
    """How a finding stands."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    INFO = "info"
    UNKNOWN = "unknown"  # 无法评估: the data is missing


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """The figures and answers of a plan that screening reads; None means not given."""

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


@dataclass(frozen=True, slots=True)
class Finding:
    """One screening result: `code` names its template; `params` are plain values."""

    code: str
    status: Status
    citation: str
    params: dict[str, str | int | bool | None] = field(default_factory=dict)


def _q(value: Decimal) -> str:
    text = format(value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def per_mu(amount_wan: Decimal | None, area: Decimal | None) -> Decimal | None:
    """An amount per 亩 (万元/亩), unrounded; None when either figure is missing or no land."""
    if amount_wan is None or area is None or area <= 0:
        return None
    return amount_wan / area


def land_ratios(plan: PlanFigures) -> dict[str, Decimal | None]:
    """The 附件2 per-mu figures in 万元/亩: investment intensity, output and tax."""
    output_wan = None if plan.annual_output_yi is None else plan.annual_output_yi * WAN_PER_YI
    return {
        "investment_intensity": per_mu(plan.fixed_asset_wan, plan.land_area_mu),
        "output_per_mu": per_mu(output_wan, plan.land_area_mu),
        "tax_per_mu": per_mu(plan.annual_tax_wan, plan.land_area_mu),
    }


def screen(plan: PlanFigures, policy: Policy) -> list[Finding]:
    """Every finding for a plan, in the order a reader expects them."""
    ratios = land_ratios(plan)
    out = [*_scope_and_sector(plan, policy), *_indicators(ratios, policy)]
    out.append(_automation(plan, policy))
    out.append(
        _bool_finding("high_tech", plan.high_tech, Status.PASS, Status.INFO, "000 附件2 五")
    )
    out.append(_environment(plan))
    out.append(_site(plan, policy))
    if plan.rd_share is not None:
        out.append(Finding("rd_share", Status.INFO, "001 五(六)", {"value": _q(plan.rd_share)}))
    if plan.transformer_kva is not None:
        out.append(
            Finding(
                "power_capacity",
                Status.INFO,
                "000 一(二)1(8)",
                {"value": _q(plan.transformer_kva)},
            )
        )
    out.append(_investor(plan, policy))
    indicator_failed = any(f.status is Status.FAIL for f in out if f.code in ratios)
    out += _prohibited(plan, policy, indicator_failed)
    out += _conditions("priority", policy.priority_conditions, _priority_matches(plan, policy))
    out += _conditions(
        "liaison", policy.liaison_conditions, _liaison_matches(plan, policy, ratios)
    )
    out += _tiers(plan, policy)
    return out


def _scope_and_sector(plan: PlanFigures, policy: Policy) -> list[Finding]:
    sector = policy.sector(plan.sector) if plan.sector else None
    if sector is None:
        return [
            Finding("scope", Status.UNKNOWN, "001 一"),
            Finding("sector", Status.UNKNOWN, "001 三"),
        ]
    if sector.group is SectorGroup.EXCLUDED:
        scope = Finding("scope", Status.FAIL, sector.source, {"sector": sector.name})
    else:
        scope = Finding("scope", Status.PASS, "001 一", {"sector": sector.name})
    status = {
        SectorGroup.KEY_INDUSTRY: Status.PASS,
        SectorGroup.MODERN_SERVICE: Status.PASS,
        SectorGroup.OTHER_INDUSTRY: Status.WARN,
        SectorGroup.EXCLUDED: Status.FAIL,
    }
    fit = Finding(
        "sector",
        status[sector.group],
        "001 三",
        {
            "sector": sector.name,
            "group": sector.group.value,
            "district_focus": sector.district_focus,
        },
    )
    return [scope, fit]


def _indicators(ratios: dict[str, Decimal | None], policy: Policy) -> list[Finding]:
    out = []
    for ind in policy.land_indicators:
        value = ratios.get(ind.id)
        params: dict[str, str | int | bool | None] = {
            "name": ind.name,
            "unit": ind.unit,
            "threshold": _q(ind.threshold),
        }
        if value is None:
            out.append(Finding(ind.id, Status.UNKNOWN, ind.source, params))
            continue
        status = Status.PASS if value >= ind.threshold else Status.FAIL
        out.append(Finding(ind.id, status, ind.source, {**params, "value": _q(value)}))
    return out


def _automation(plan: PlanFigures, policy: Policy) -> Finding:
    params: dict[str, str | int | bool | None] = {"threshold": _q(policy.automation_rate_min)}
    if plan.automation_rate is None:
        return Finding("automation", Status.UNKNOWN, policy.automation_source, params)
    # 附件2 四 also accepts automated or intelligent main processes, which only a reviewer
    # can judge, so a low robot-substitution rate is a warning, not a failure.
    ok = plan.automation_rate >= policy.automation_rate_min
    return Finding(
        "automation",
        Status.PASS if ok else Status.WARN,
        policy.automation_source,
        {**params, "value": _q(plan.automation_rate)},
    )


def _bool_finding(
    code: str, value: bool | None, yes: Status, no: Status, citation: str
) -> Finding:
    if value is None:
        return Finding(code, Status.UNKNOWN, citation)
    return Finding(code, yes if value else no, citation, {"value": value})


def _environment(plan: PlanFigures) -> Finding:
    if plan.ecological_redline is None:
        return Finding("environmental_entry", Status.UNKNOWN, "001 四(一)")
    status = Status.FAIL if plan.ecological_redline else Status.PASS
    return Finding(
        "environmental_entry", status, "001 四(一)", {"redline": plan.ecological_redline}
    )


def _site(plan: PlanFigures, policy: Policy) -> Finding:
    site = next((s for s in policy.sites if s.id == plan.site), None)
    if site is None:
        return Finding(
            "site",
            Status.UNKNOWN if plan.site is None else Status.WARN,
            "000 一(二)1(3)",
            {"site": plan.site},
        )
    return Finding("site", Status.INFO, site.source, {"site": site.name})


def _investor(plan: PlanFigures, policy: Policy) -> Finding:
    cat = policy.investor_category(plan.investor_category) if plan.investor_category else None
    if cat is None:
        return Finding("investor_category", Status.UNKNOWN, "000 一(二)1(9)")
    return Finding(
        "investor_category",
        Status.INFO,
        cat.source,
        {"category": cat.name, "top_tier": cat.top_tier},
    )


def _prohibited(plan: PlanFigures, policy: Policy, indicator_failed: bool) -> list[Finding]:
    triggered = {
        "below_indicators": indicator_failed,
        "non_compliant": plan.ecological_redline is True,
    }
    out = [
        Finding("prohibited", Status.FAIL, c.source, {"number": c.number, "name": c.name})
        for c in policy.prohibited_conditions
        if triggered.get(c.id)
    ]
    if not out:
        out.append(Finding("prohibited_none", Status.INFO, "001 六"))
    return out


def _priority_matches(plan: PlanFigures, policy: Policy) -> set[str]:
    sector = policy.sector(plan.sector) if plan.sector else None
    cat = policy.investor_category(plan.investor_category) if plan.investor_category else None
    total = plan.total_investment_wan
    matches = {
        "encouraged": plan.encouraged is True,
        "top_investor": plan.encouraged is True and cat is not None and cat.top_tier,
        "big_manufacturing": sector is not None
        and sector.manufacturing
        and total is not None
        and total >= policy.priority_min_manufacturing_wan,
        "headquarters": plan.headquarters is True,
        "brand_hightech": plan.famous_brand is True or plan.high_tech is True,
        "research_strength": plan.phd_lead is True
        or (plan.rd_share is not None and plan.rd_share >= policy.priority_min_rd_share),
        "research_platform": plan.research_platform is True,
        "capacity_expansion": plan.capacity_expansion is True,
    }
    return {k for k, v in matches.items() if v}


def _liaison_matches(
    plan: PlanFigures, policy: Policy, ratios: dict[str, Decimal | None]
) -> set[str]:
    cat = policy.investor_category(plan.investor_category) if plan.investor_category else None
    tax = ratios.get("tax_per_mu")
    tax_floor = next((i.threshold for i in policy.land_indicators if i.id == "tax_per_mu"), None)
    matches = {
        "top_enterprise": cat is not None and cat.top_tier,
        "core_technology": plan.core_technology is True,
        "high_tax": tax is not None and tax_floor is not None and tax > tax_floor,
    }
    return {k for k, v in matches.items() if v}


def _conditions(code: str, conditions: tuple[Condition, ...], matched: set[str]) -> list[Finding]:
    out = [
        Finding(code, Status.PASS, c.source, {"number": c.number, "name": c.name})
        for c in conditions
        if c.id in matched
    ]
    if not out:
        out.append(
            Finding(
                f"{code}_none",
                Status.INFO,
                conditions[0].source.split(" ")[0] + " " + _section(conditions),
            )
        )
    return out


def _section(conditions: tuple[Condition, ...]) -> str:
    # "001 五(一)" -> "五": the section that lists the conditions.
    return conditions[0].source.split(" ", 1)[1].split("(")[0]


def _tiers(plan: PlanFigures, policy: Policy) -> list[Finding]:
    total = plan.total_investment_wan
    if total is None:
        return [
            Finding("routing", Status.UNKNOWN, "001 七(二)2"),
            Finding("followup", Status.UNKNOWN, "000 一(三)2(3)"),
        ]
    route = policy.routing_tier(total)
    follow = policy.followup_tier(total)
    amount = _q(total)
    return [
        Finding(
            "routing",
            Status.INFO,
            route.source,
            {"tier": route.id, "name": route.name, "total": amount},
        ),
        Finding(
            "followup",
            Status.INFO,
            follow.source,
            {"tier": follow.id, "name": follow.name, "total": amount},
        ),
    ]


def findings_for_dimension(findings: list[Finding], codes: tuple[str, ...]) -> list[Finding]:
    """The findings a reviewer of one dimension should see (by the policy's codes)."""
    wanted = set(codes) | {f"{c}_none" for c in codes}
    return [f for f in findings if f.code in wanted]
