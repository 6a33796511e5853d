"""What the agreement commits against what the screened plan promised (001 八): the agreement
must hold "与遴选评审时项目方承诺相一致的…动工及投产时间、投资强度、达产产值、税收贡献等指标";
every figure that differs is shown to the office, on the card and in the follow-up figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Final, Literal

from workflow.screening import per_mu

Figure = Literal["start", "production", "intensity", "output", "tax"]
FIGURES: Final[tuple[Figure, ...]] = ("start", "production", "intensity", "output", "tax")
"""The figures 001 八 names, in its order."""

CENT: Final = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Commitments:
    """The committed figures: months as YYYY-MM, intensity in 万元/亩, output in 亿元, tax in
    万元; None where not given."""

    start: str | None = None
    production: str | None = None
    intensity: Decimal | None = None
    output: Decimal | None = None
    tax: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Difference:
    """One figure where the agreement and the screened plan differ."""

    figure: Figure
    screened: str | Decimal | None  # None: the plan gave no figure
    agreed: str | Decimal | None


def _dec(raw: Any) -> Decimal | None:
    if raw is None or raw == "" or isinstance(raw, bool):
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def plan_commitments(plan: Mapping[str, Any]) -> Commitments:
    """What the investor promised in the plan that was screened (附件4's answers).

    The plan gives construction phases, not a production month: construction starts with the
    earliest phase, and production with the completion of the first phase."""
    phases = [p for p in plan.get("phases") or [] if isinstance(p, Mapping)]
    starts = sorted(str(p["start"]) for p in phases if p.get("start"))
    first_end = phases[0].get("end") if phases else None
    return Commitments(
        start=starts[0] if starts else None,
        production=str(first_end) if first_end else None,
        intensity=_cents(per_mu(_dec(plan.get("fixed_investment")), _dec(plan.get("land_area")))),
        output=_dec(plan.get("annual_output_value")),
        tax=_dec(plan.get("annual_tax")),
    )


def _same(a: str | Decimal | None, b: str | Decimal | None) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return _cents(a) == _cents(b)
    return a == b


def differences(screened: Commitments, agreed: Commitments) -> list[Difference]:
    """Every figure of 001 八 where the agreement differs from the screened plan, in its order.
    A figure neither gives is not a difference; one only one of them gives is."""
    out = []
    for name in FIGURES:
        a, b = getattr(screened, name), getattr(agreed, name)
        if (a is not None or b is not None) and not _same(a, b):
            out.append(Difference(name, a, b))
    return out
