"""Priority (优先引入, 001 五): "优先引入符合引入基本要求，并具备以下条件之一的投资项目". A
condition counts only once the entry requirements of 001 四 are met and the project is in the
scope of 001 一; the green channel (001 八) follows priority. Where the documents give no
figures (五(八)), or the plan leaves a condition open (五(三) 单体), the office judges."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from workflow.findings import Finding, PlanFigures, Status
from workflow.policy import Condition, Policy

ENTRY_RULE: Final = "001 四"
# The findings that say whether the basic requirements (001 一, 001 四) are met.
ENTRY_CODES: Final = frozenset(
    {
        "scope",
        "environmental_entry",
        "planning_eia",
        "environment_negative_list",
        "work_safety",
        "investment_intensity",
        "output_per_mu",
        "tax_per_mu",
        "site_standard",
        "phase_indicator",
        "phase_total",
        "phase_figures",
    }
)


def entry_standing(findings: Iterable[Finding]) -> Status:
    """FAIL when a basic requirement fails or a prohibited condition is found; UNKNOWN when
    one is still open (missing, unsure, or left to the office); PASS when all are met."""
    found = list(findings)
    if any(f.code == "prohibited" for f in found):
        return Status.FAIL
    entry = [f for f in found if f.code in ENTRY_CODES]
    if any(f.status is Status.FAIL for f in entry):
        return Status.FAIL
    if any(f.status in (Status.UNKNOWN, Status.WARN) for f in entry):
        return Status.UNKNOWN
    return Status.PASS


def priority_findings(plan: PlanFigures, policy: Policy, earlier: list[Finding]) -> list[Finding]:
    """The priority conditions the plan meets, granted only when the entry requirements are;
    otherwise withheld (a requirement fails) or pending (one is still open), and the
    conditions the office must judge."""
    conditions = policy.priority_conditions
    matched = [c for c in conditions if c.id in _matches(plan, policy)]
    questions = [c for c in conditions if c.id in _questions(plan, policy)]
    standing = entry_standing(earlier)
    code = {
        Status.PASS: "priority",
        Status.FAIL: "priority_withheld",
        Status.UNKNOWN: "priority_pending",
    }[standing]
    status = Status.PASS if standing is Status.PASS else Status.WARN
    out = [_finding(code, status, c) for c in matched]
    if standing is not Status.FAIL:
        out += [_finding("priority_question", Status.WARN, c) for c in questions]
    if not out:
        first = conditions[0].source
        out.append(Finding("priority_none", Status.INFO, first.split("(")[0]))
    return out


def _finding(code: str, status: Status, c: Condition) -> Finding:
    return Finding(code, status, c.source, {"number": c.number, "name": c.name})


def _big_manufacturing(plan: PlanFigures, policy: Policy) -> bool:
    sector = policy.sector(plan.sector) if plan.sector else None
    total = plan.total_investment_wan
    return (
        sector is not None
        and sector.manufacturing
        and total is not None
        and total >= policy.priority_min_manufacturing_wan
    )


def _matches(plan: PlanFigures, policy: Policy) -> set[str]:
    cat = policy.investor_category(plan.investor_category) if plan.investor_category else None
    matches = {
        "encouraged": plan.encouraged is True,
        "top_investor": plan.encouraged is True and cat is not None and cat.top_tier,
        "big_manufacturing": _big_manufacturing(plan, policy) and plan.single_project is True,
        "headquarters": plan.headquarters is True,
        "brand_hightech": plan.famous_brand is True or plan.high_tech is True,
        "research_strength": plan.phd_lead is True
        or (plan.rd_share is not None and plan.rd_share >= policy.priority_min_rd_share),
        "research_platform": plan.research_platform is True,
    }
    return {k for k, v in matches.items() if v}


def _questions(plan: PlanFigures, policy: Policy) -> set[str]:
    questions = {
        # 单体 not answered: the figures qualify, whether it is one project is for the office.
        "big_manufacturing": _big_manufacturing(plan, policy) and plan.single_project is None,
        # 新增用地少、单位产值高、税收贡献大: no figures in the documents.
        "capacity_expansion": plan.capacity_expansion is True,
    }
    return {k for k, v in questions.items() if v}


OFFICE_JUDGES: Final = "priority_question"
"""The finding of a priority condition the office judges (001 五(三) 单体, 五(八))."""


def open_questions(stored: Iterable[Mapping[str, Any]], *, ready_only: bool) -> list[int]:
    """The numbers of the priority conditions left to the office's judgement; with
    `ready_only`, none while a basic requirement is still open or failed (001 五)."""
    rows = list(stored)
    numbers = [
        int(r["params"]["number"])
        for r in rows
        if r.get("code") == OFFICE_JUDGES and (r.get("params") or {}).get("number") is not None
    ]
    if ready_only and entry_standing(_read(rows)) is not Status.PASS:
        return []
    return numbers


def judged_priority(stored: Iterable[Mapping[str, Any]], number: int) -> list[dict[str, Any]]:
    """The stored findings once the office judged condition `number` met: its question
    becomes a priority finding, marked as the office's judgement."""
    out: list[dict[str, Any]] = []
    for row in stored:
        params = dict(row.get("params") or {})
        if row.get("code") == OFFICE_JUDGES and params.get("number") == number:
            row = {**row, "code": "priority", "status": Status.PASS.value}
            row["params"] = {**params, "judged_by": "office"}
        out.append(dict(row))
    return out


def _read(rows: Iterable[Mapping[str, Any]]) -> list[Finding]:
    return [
        Finding(r["code"], Status(r["status"]), r["citation"], dict(r.get("params") or {}))
        for r in rows
    ]
