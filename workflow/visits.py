"""The half-year of the district leader's company visits (000 一(三)2(4): "由区政府分管领导牵头,
每半年组织到企业调研"): which half a day falls in, and when its reminder is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class HalfYear:
    """A calendar half-year: January to June, or July to December."""

    year: int
    half: int  # 1 or 2

    @property
    def start(self) -> date:
        """Its first day."""
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> date:
        """The first day after it."""
        return date(self.year, 7, 1) if self.half == 1 else date(self.year + 1, 1, 1)

    @property
    def key(self) -> str:
        """As in a notice's key: 2027-H1."""
        return f"{self.year}-H{self.half}"


def half_year_of(day: date) -> HalfYear:
    """The half-year a day falls in."""
    return HalfYear(day.year, 1 if day.month <= 6 else 2)


def visit_reminder_key(day: date, visited: bool) -> str | None:
    """The key of the reminder due on this day, or None: one reminder in each month of a
    half-year, from its first day, until a visit is recorded for that half-year."""
    if visited:
        return None
    return f"{half_year_of(day).key}:{day:%Y-%m}"
