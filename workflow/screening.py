"""Screening (遴选): findings from a plan's figures, each with a status and the rule it cites.
(Longer than 300 lines: one finding per rule of 001 一–六 and 附件2, kept side by side.)

Phases are screened in workflow/phases.py, priority in workflow/priority.py."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from workflow.findings import (
    TWO_PLACES,
    WAN_PER_YI,
    Finding,
    Params,
    PhaseFigures,
    PlanFigures,
    Status,
    per_mu,
    quantized,
    ratios_of,
)
from workflow.phases import phase_findings
from workflow.policy import Condition, LandIndicator, Policy, SectorGroup, Site, SiteStandard
from workflow.priority import priority_findings

__all__ = [
    "TWO_PLACES",
    "WAN_PER_YI",
    "Finding",
    "PhaseFigures",
    "PlanFigures",
    "Status",
    "findings_for_dimension",
    "land_ratios",
    "per_mu",
    "screen",
]

_q = quantized


def land_ratios(plan: PlanFigures) -> dict[str, Decimal | None]:
    """The 附件2 per-mu figures in 万元/亩: investment intensity, output and tax."""
    return ratios_of(
        plan.land_area_mu, plan.fixed_asset_wan, plan.annual_output_yi, plan.annual_tax_wan
    )


def applicable_indicators(site: Site | None, policy: Policy) -> tuple[LandIndicator, ...] | None:
    """The land indicators a site's projects are held to; None when its standard is not set
    (另行制定) or other rules apply (a special zone)."""
    if site is None or site.standard is SiteStandard.DISTRICT:
        return policy.land_indicators
    if site.standard is SiteStandard.OWN:
        return site.indicators
    return None


def screen(plan: PlanFigures, policy: Policy) -> list[Finding]:
    """Every finding for a plan, in the order a reader expects them."""
    ratios = land_ratios(plan)
    site = policy.site(plan.site) if plan.site else None
    indicators = applicable_indicators(site, policy)
    park_rules = indicators is not None  # 附件2 holds the site's projects
    out = [
        *_scope_and_sector(plan, policy, site),
        *_indicators(ratios, indicators, policy),
    ]
    out.append(_automation(plan, policy, park_rules))
    out.append(
        _bool_finding("high_tech", plan.high_tech, Status.PASS, Status.INFO, "000 附件2 五")
    )
    out += _environment(plan, park_rules)
    out.append(_safety(plan))
    out += _site(plan, policy, site)
    out += _plot_ratio(plan)
    out += phase_findings(plan, indicators)
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
    out += _prohibited(plan, policy, out)
    out += priority_findings(plan, policy, out)
    out += _conditions(
        "liaison", policy.liaison_conditions, _liaison_matches(plan, policy, ratios)
    )
    out += _tiers(plan, policy)
    return out


def _scope_and_sector(plan: PlanFigures, policy: Policy, site: Site | None) -> list[Finding]:
    sector = policy.sector(plan.sector) if plan.sector else None
    if sector is None:
        return [
            Finding("scope", Status.UNKNOWN, "001 一"),
            Finding("sector", Status.UNKNOWN, "001 三"),
        ]
    zone = site is not None and site.standard is SiteStandard.ZONE
    if sector.group is SectorGroup.EXCLUDED and zone:
        # 001 九(二): the zone's projects "另行规定", so these rules' scope does not stop one;
        # the office checks it against the zone's own rules.
        scope = Finding("scope", Status.WARN, "001 九(二)", {"sector": sector.name})
    elif sector.group is SectorGroup.EXCLUDED:
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


def _indicators(
    ratios: dict[str, Decimal | None],
    indicators: Sequence[LandIndicator] | None,
    policy: Policy,
) -> list[Finding]:
    out = []
    # A site without a standard of its own yet is still shown the figures, unjudged.
    applied = indicators is not None
    for ind in indicators if indicators is not None else policy.land_indicators:
        value = ratios.get(ind.id)
        params: Params = {
            "name": ind.name,
            "unit": ind.unit,
            "threshold": _q(ind.threshold),
            "applied": applied,
        }
        if value is None:
            status = Status.UNKNOWN if applied else Status.INFO
            out.append(Finding(ind.id, status, ind.source, params))
            continue
        status = Status.PASS if value >= ind.threshold else Status.FAIL
        out.append(
            Finding(
                ind.id,
                status if applied else Status.INFO,
                ind.source,
                {**params, "value": _q(value)},
            )
        )
    return out


def _automation(plan: PlanFigures, policy: Policy, park_rules: bool) -> Finding:
    params: Params = {"threshold": _q(policy.automation_rate_min), "applied": park_rules}
    if plan.automation_rate is None:
        status = Status.UNKNOWN if park_rules else Status.INFO
        return Finding("automation", status, policy.automation_source, params)
    # 附件2 四 also accepts automated or intelligent main processes, which only a reviewer
    # can judge, so a low robot-substitution rate is a warning, not a failure.
    ok = plan.automation_rate >= policy.automation_rate_min
    status = (Status.PASS if ok else Status.WARN) if park_rules else Status.INFO
    return Finding(
        "automation",
        status,
        policy.automation_source,
        {**params, "value": _q(plan.automation_rate)},
    )


def _bool_finding(
    code: str, value: bool | None, yes: Status, no: Status, citation: str
) -> Finding:
    if value is None:
        return Finding(code, Status.UNKNOWN, citation)
    return Finding(code, yes if value else no, citation, {"value": value})


def _environment(plan: PlanFigures, park_rules: bool) -> list[Finding]:
    """The red line (001 四(一)), and the park's entry standard (附件2 三): 规划环评 and the
    industry's environmental negative list. Where 附件2 does not hold the site, its own
    standard decides, so a park answer is shown for the environment bureau, not judged."""
    if plan.ecological_redline is None:
        out = [Finding("environmental_entry", Status.UNKNOWN, "001 四(一)")]
    else:
        status = Status.FAIL if plan.ecological_redline else Status.PASS
        out = [
            Finding(
                "environmental_entry",
                status,
                "001 四(一)",
                {"redline": plan.ecological_redline},
            )
        ]
    for code, value, bad in (
        ("planning_eia", plan.planning_eia, False),
        ("environment_negative_list", plan.environment_negative_list, True),
    ):
        params: Params = {"value": value, "applied": park_rules}
        if value is None:
            out.append(Finding(code, Status.UNKNOWN, "000 附件2 三", params))
        elif not park_rules:
            out.append(
                Finding(code, Status.WARN if value is bad else Status.INFO, "000 附件2 三", params)
            )
        else:
            out.append(
                Finding(code, Status.FAIL if value is bad else Status.PASS, "000 附件2 三", params)
            )
    return out


def _safety(plan: PlanFigures) -> Finding:
    """001 四(二): the 安全生产条件, and safety installations 同时设计、同时施工、同时投入使用."""
    if plan.work_safety is None:
        return Finding("work_safety", Status.UNKNOWN, "001 四(二)")
    status = Status.PASS if plan.work_safety else Status.FAIL
    return Finding("work_safety", status, "001 四(二)", {"value": plan.work_safety})


def _site(plan: PlanFigures, policy: Policy, site: Site | None) -> list[Finding]:
    if site is None:
        return [
            Finding(
                "site",
                Status.UNKNOWN if plan.site is None else Status.WARN,
                "000 一(二)1(3)",
                {"site": plan.site},
            )
        ]
    out = [Finding("site", Status.INFO, site.source, {"site": site.name})]
    if site.standard is SiteStandard.SEPARATE:
        out.append(
            Finding(
                "site_standard",
                Status.WARN,
                site.source,
                {"kind": "separate", "site": site.name, "zone": None},
            )
        )
    elif site.standard is SiteStandard.ZONE:
        zone = policy.zone(site.zone) if site.zone else None
        out.append(
            Finding(
                "site_standard",
                Status.WARN,
                zone.source if zone else site.source,
                {"kind": "zone", "site": site.name, "zone": zone.name if zone else None},
            )
        )
    elif site.standard is SiteStandard.OWN:
        out.append(
            Finding("site_standard", Status.INFO, site.source, {"kind": "own", "site": site.name})
        )
    return out


def _plot_ratio(plan: PlanFigures) -> list[Finding]:
    # 附件2 一: 容积率严格遵守所在园区控规要求; the control plan gives the figure, not the policy.
    if plan.plot_ratio is None:
        return []
    return [Finding("plot_ratio", Status.INFO, "000 附件2 一", {"value": _q(plan.plot_ratio)})]


def _investor(plan: PlanFigures, policy: Policy) -> Finding:
    cat = policy.investor_category(plan.investor_category) if plan.investor_category else None
    if cat is None:
        return Finding("investor_category", Status.UNKNOWN, "000 一(二)1(9)")
    return Finding(
        "investor_category",
        Status.INFO,
        cat.source,
        {"category": cat.name, "top_tier": cat.top_tier, "park_preferred": cat.park_preferred},
    )


_INDICATOR_CODES = frozenset({"investment_intensity", "output_per_mu", "tax_per_mu"})
_NON_COMPLIANT_CODES = frozenset(
    {"environmental_entry", "planning_eia", "environment_negative_list", "work_safety"}
)


def _prohibited(plan: PlanFigures, policy: Policy, earlier: list[Finding]) -> list[Finding]:
    """六(五) when an indicator fails for the whole or for any phase; 六(三) when the red line,
    the park's environmental standard or work safety fails."""
    failed = {f.code for f in earlier if f.status is Status.FAIL}
    triggered = {
        "below_indicators": bool(failed & (_INDICATOR_CODES | {"phase_indicator"})),
        "non_compliant": bool(failed & _NON_COMPLIANT_CODES),
    }
    out = [
        Finding("prohibited", Status.FAIL, c.source, {"number": c.number, "name": c.name})
        for c in policy.prohibited_conditions
        if triggered.get(c.id)
    ]
    if not out:
        out.append(Finding("prohibited_none", Status.INFO, "001 六"))
    return out


def _liaison_matches(
    plan: PlanFigures, policy: Policy, ratios: dict[str, Decimal | None]
) -> set[str]:
    cat = policy.investor_category(plan.investor_category) if plan.investor_category else None
    tax = ratios.get("tax_per_mu")
    tax_floor = next((i.threshold for i in policy.land_indicators if i.id == "tax_per_mu"), None)
    matches = {
        "top_enterprise": cat is not None and cat.liaison_leader,
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
