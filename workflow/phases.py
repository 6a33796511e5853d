"""Phased projects (001 四(三)): "分期建设的项目，单期投入产出也须符合以下要求". Each phase is
screened against the same indicators as the whole, and the phases must add up to the whole."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from workflow.findings import Finding, Params, PlanFigures, Status, quantized, ratios_of
from workflow.policy import LandIndicator

PHASE_RULE: Final = "001 四(三)"
PHASE_CODES: Final = ("phase_indicator", "phase_total", "phase_figures")


def is_phased(plan: PlanFigures) -> bool:
    """Whether the plan is built in more than one phase."""
    return plan.phase_count is not None and plan.phase_count > 1


def phase_findings(plan: PlanFigures, indicators: Sequence[LandIndicator] | None) -> list[Finding]:
    """Per phase, each indicator's finding (which phase falls short), then whether the phases'
    land and fixed investment add up to the whole. `indicators` None: the site's standard is
    not set, so no phase is held to one."""
    if not is_phased(plan):
        return []
    count = plan.phase_count or 0
    out: list[Finding] = []
    if len(plan.phases) < count or any(_missing(p) for p in plan.phases[:count]):
        out.append(Finding("phase_figures", Status.UNKNOWN, PHASE_RULE, {"count": count}))
    for n, phase in enumerate(plan.phases[:count], start=1):
        ratios = ratios_of(
            phase.land_area_mu, phase.fixed_asset_wan, phase.annual_output_yi, phase.annual_tax_wan
        )
        for ind in indicators or ():
            value = ratios.get(ind.id)
            params: Params = {
                "phase": n,
                "indicator": ind.id,
                "name": ind.name,
                "unit": ind.unit,
                "threshold": quantized(ind.threshold),
                "indicator_source": ind.source,
            }
            if value is None:
                out.append(Finding("phase_indicator", Status.UNKNOWN, PHASE_RULE, params))
                continue
            status = Status.PASS if value >= ind.threshold else Status.FAIL
            out.append(
                Finding(
                    "phase_indicator", status, PHASE_RULE, {**params, "value": quantized(value)}
                )
            )
    phases = plan.phases[:count]
    out += _total("land", [p.land_area_mu for p in phases], plan.land_area_mu, count)
    out += _total(
        "fixed_investment", [p.fixed_asset_wan for p in phases], plan.fixed_asset_wan, count
    )
    return out


def phase_sum(parts: Sequence[Decimal | None]) -> Decimal:
    """The answered parts added up."""
    return sum((p for p in parts if p is not None), Decimal(0))


def _missing(phase: object) -> bool:
    return any(
        getattr(phase, name) is None
        for name in ("land_area_mu", "fixed_asset_wan", "annual_output_yi", "annual_tax_wan")
    )


def _total(
    measure: str, parts: Sequence[Decimal | None], whole: Decimal | None, count: int
) -> list[Finding]:
    if whole is None or len(parts) < count or any(p is None for p in parts):
        return []
    total = phase_sum(parts)
    return [
        Finding(
            "phase_total",
            Status.PASS if total == whole else Status.WARN,
            PHASE_RULE,
            {"measure": measure, "total": quantized(total), "whole": quantized(whole)},
        )
    ]
