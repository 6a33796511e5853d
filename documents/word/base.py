"""What the documents' dataclasses share: checked codes and figures per 亩 as printed."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from workflow.screening import per_mu as exact_per_mu


def per_mu(amount: Decimal | None, area_mu: Decimal | None) -> Decimal | None:
    """An amount per 亩 as printed, to two places, or None when either figure is missing."""
    figure = exact_per_mu(amount, area_mu)
    return None if figure is None else figure.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_choice(name: str, value: str | None, allowed: Iterable[str]) -> None:
    """Refuse a code the templates do not know, naming the field."""
    if value is not None and value not in allowed:
        raise ValueError(f"{name}: unknown value {value!r}")
