"""Checks of a policy file beyond its schema and references: the dimensions the documents
require, stage names, duplicated ids of bands and conditions, the units' published services
and the periods of validity."""

from __future__ import annotations

from workflow.pipeline import Stage
from workflow.policy import Policy

Problem = tuple[tuple[str | int, ...], str]

_ID_GROUPS = (
    "routing",
    "followup",
    "land_indicators",
    "investor_categories",
    "priority_conditions",
    "prohibited_conditions",
    "liaison_conditions",
)


def further_problems(policy: Policy) -> list[Problem]:
    """Every problem of these kinds, with the key path where it is."""
    out: list[Problem] = []
    required = policy.required_dimensions
    if required is not None:
        present = {d.id for d in policy.review_dimensions}
        for i, dim_id in enumerate(required.ids):
            if dim_id not in present:
                out.append(
                    (
                        ("required_dimensions", "ids", i),
                        f"dimension {dim_id!r} is required by {required.source} "
                        "but missing from review_dimensions",
                    )
                )
        out += _cited(policy, ("required_dimensions", "source"), required.source)
    stages = {s.value for s in Stage}
    for key in policy.deadlines.stall_days:
        if key not in stages:
            out.append(
                (
                    ("deadlines", "stall_days", key),
                    f"{key!r} is not a stage; one of: {', '.join(sorted(stages))}",
                )
            )
    for group in _ID_GROUPS:
        seen: set[str] = set()
        for i, item in enumerate(getattr(policy, group)):
            if item.id in seen:
                out.append(((group, i, "id"), f"duplicate id {item.id!r}"))
            seen.add(item.id)
    unit_ids = {u.id for u in policy.units}
    published: set[str] = set()
    for i, entry in enumerate(policy.published_services):
        if entry.unit not in unit_ids:
            out.append((("published_services", i, "unit"), f"{entry.unit!r} is not a unit"))
        elif entry.unit in published:
            out.append((("published_services", i, "unit"), f"{entry.unit!r} is given twice"))
        published.add(entry.unit)
        out += _cited(policy, ("published_services", i, "source"), entry.source)
    if policy.published_services:
        for unit in policy.member_units():
            if unit.id not in published:
                out.append(
                    (("published_services",), f"member unit {unit.id!r} publishes no services")
                )
    for key, doc in policy.documents.items():
        if doc.trial_years is not None and doc.effective_from is None:
            out.append((("documents", key, "trial_years"), "a trial period needs effective_from"))
        if doc.validity_source is not None:
            out += _cited(policy, ("documents", key, "validity_source"), doc.validity_source)
    return out


def _cited(policy: Policy, loc: tuple[str | int, ...], cite: str) -> list[Problem]:
    doc = cite.split(" ", 1)[0]
    if doc in policy.documents:
        return []
    return [(loc, f"citation {cite!r}: document {doc!r} is not in documents")]
