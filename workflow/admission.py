"""Admission (引入): what stops a project — a 禁止引入 finding (001 六) or a sector outside
001 一's scope — and the documents' own exceptions that let the city's leading group lift it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Final

from workflow.policy import AdmissionException, Policy
from workflow.screening import Finding, Status

BLOCKING_CODES: Final = frozenset({"prohibited", "scope"})
"""Finding codes that stop a project when they fail."""

SCOPE: Final = "scope"
"""The blocker id of a sector outside 001 一 (the others are prohibited conditions' ids)."""


class ExceptionStatus(StrEnum):
    """Where an exception request stands."""

    REQUESTED = "requested"  # the office recorded it; the city's leading group decides
    APPROVED = "approved"  # 审核同意
    REFUSED = "refused"  # 不同意: the project stays blocked


def blocking_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a project: a failed 禁止引入 or 适用范围 finding."""
    return [f for f in findings if f.code in BLOCKING_CODES and f.status is Status.FAIL]


def stored_findings(rows: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Findings as stored with a project (see handlers.intake.plans.findings_json), read back."""
    return [
        Finding(r["code"], Status(r["status"]), r["citation"], dict(r.get("params") or {}))
        for r in rows
    ]


def blocker_id(finding: Finding, policy: Policy) -> str:
    """Which blocker a blocking finding is: "scope", or the prohibited condition's id."""
    if finding.code == SCOPE:
        return SCOPE
    number = finding.params.get("number")
    for condition in policy.prohibited_conditions:
        if condition.number == number:
            return condition.id
    return str(number)


def applicable_exceptions(
    blockers: Iterable[Finding], policy: Policy
) -> tuple[AdmissionException, ...]:
    """The exceptions that would lift every one of these blockers (none if any is unliftable)."""
    ids = {blocker_id(f, policy) for f in blockers}
    if not ids:
        return ()
    return tuple(e for e in policy.admission_exceptions if ids <= set(e.lifts))


def blocker_key(finding: Finding) -> str:
    """How an exception request names a blocker it lifts: its code and citation."""
    return f"{finding.code}:{finding.citation}"


def lifted_keys(
    blockers: Iterable[Finding], kind: AdmissionException, policy: Policy
) -> tuple[str, ...]:
    """The keys of the blockers that this exception lifts once approved."""
    return tuple(blocker_key(f) for f in blockers if blocker_id(f, policy) in kind.lifts)


def open_blockers(blockers: Iterable[Finding], lifted: Iterable[str]) -> list[Finding]:
    """The blockers that no approved exception lifted (by key)."""
    done = set(lifted)
    return [f for f in blockers if blocker_key(f) not in done]


def exception(policy: Policy, exception_id: str) -> AdmissionException | None:
    """The policy's exception with this id, or None."""
    return next((e for e in policy.admission_exceptions if e.id == exception_id), None)
