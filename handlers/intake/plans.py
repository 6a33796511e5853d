"""From a plan's stored answers to the figures screening reads, and the findings block."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup

from handlers.context import Services
from workflow.findings import for_investor
from workflow.pipeline import is_cross_region
from workflow.screening import Finding, PhaseFigures, PlanFigures, Status, screen


def _dec(answers: Mapping[str, Any], key: str) -> Decimal | None:
    raw = answers.get(key)
    if raw is None or raw == "":
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def _flag(answers: Mapping[str, Any], key: str) -> bool | None:
    raw = answers.get(key)
    if isinstance(raw, bool):
        return raw
    return {"yes": True, "no": False}.get(str(raw)) if raw is not None else None


def _phase_count(answers: Mapping[str, Any]) -> int | None:
    raw = answers.get("phase_count")
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def _phases(answers: Mapping[str, Any]) -> tuple[PhaseFigures, ...]:
    rows = answers.get("phase_figures")
    if not isinstance(rows, list):
        return ()
    return tuple(
        PhaseFigures(
            land_area_mu=_dec(row, "land"),
            fixed_asset_wan=_dec(row, "fixed_investment"),
            annual_output_yi=_dec(row, "output"),
            annual_tax_wan=_dec(row, "tax"),
        )
        for row in rows
        if isinstance(row, Mapping)
    )


def plan_figures(answers: Mapping[str, Any]) -> PlanFigures:
    """The figures of a plan form's answers, None where not given."""
    site = answers.get("site")
    return PlanFigures(
        land_area_mu=_dec(answers, "land_area"),
        total_investment_wan=_dec(answers, "total_investment"),
        fixed_asset_wan=_dec(answers, "fixed_investment"),
        annual_output_yi=_dec(answers, "annual_output_value"),
        annual_tax_wan=_dec(answers, "annual_tax"),
        automation_rate=_dec(answers, "automation_rate"),
        rd_share=_dec(answers, "rd_staff_share"),
        transformer_kva=_dec(answers, "transformer_kva"),
        sector=answers.get("sector"),
        site=None if site in (None, "other") else site,
        investor_category=answers.get("investor_category"),
        high_tech=_flag(answers, "high_tech"),
        famous_brand=_flag(answers, "famous_brand"),
        phd_lead=_flag(answers, "phd_lead"),
        research_platform=_flag(answers, "rd_platform"),
        headquarters=_flag(answers, "headquarters"),
        encouraged=_flag(answers, "encouraged_category"),
        capacity_expansion=_flag(answers, "expansion"),
        ecological_redline=_flag(answers, "eco_red_line"),
        core_technology=_flag(answers, "core_technology"),
        single_project=_flag(answers, "single_project"),
        work_safety=_flag(answers, "work_safety"),
        planning_eia=_flag(answers, "planning_eia"),
        environment_negative_list=_flag(answers, "environment_negative_list"),
        plot_ratio=_dec(answers, "plot_ratio"),
        phase_count=_phase_count(answers),
        phases=_phases(answers),
    )


def findings_of(services: Services, answers: Mapping[str, Any]) -> list[Finding]:
    """Screen a plan's answers against the policy."""
    return screen(plan_figures(answers), services.policy)


def findings_json(findings: list[Finding]) -> list[dict[str, Any]]:
    """Findings as stored with the project."""
    return [{**asdict(f), "status": f.status.value} for f in findings]


def findings_block(services: Services, findings: list[dict[str, Any]], locale: str) -> str:
    """The findings as an HTML block in the reader's language."""
    return services.renderer.message(locale, "findings#block", findings=findings)


def summary_findings(services: Services, answers: Mapping[str, Any], locale: str) -> str:
    """What the investor reads under the plan's summary before submitting: their figures
    against the published standards, what is still missing, and what happens next. Routing,
    follow-up, priority and liaison are the officials' (workflow.findings.INVESTOR_CODES)."""
    shown = findings_json(for_investor(findings_of(services, answers)))
    missing = [f for f in shown if f["status"] == Status.UNKNOWN]
    city = services.policy.city_office().name if is_cross_region(answers) else None
    return Markup(
        services.renderer.message(
            locale,
            "projects#summary_screening",
            findings=[f for f in shown if f["status"] != Status.UNKNOWN],
            missing=missing,
            city_office=city,
        )
    )
