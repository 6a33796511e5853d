"""The monthly report status (附件6 报送情况): each member unit filed on time, late, or not at
all, as a tile per unit in the traffic light's colours."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final, Literal

from documents.charts import fonts
from documents.charts.figure import (
    AMBER,
    GREEN,
    HEIGHT,
    INK,
    LABEL_SIZE,
    RED,
    axes_beside,
    font,
    legend,
    new_figure,
    png,
    title,
)
from workflow.reporting import submitted_late

if TYPE_CHECKING:
    from matplotlib.patches import FancyBboxPatch

Filed = Literal["on_time", "late", "missing"]
FILED: Final[tuple[Filed, ...]] = ("on_time", "late", "missing")
_FILL: Final = {"on_time": GREEN, "late": AMBER, "missing": RED}
_TEXT: Final = {"on_time": "white", "late": INK, "missing": "white"}
ROW_HEIGHT: Final = 0.62  # inches per row of tiles


@dataclass(frozen=True, slots=True)
class UnitFiling:
    """How one member unit filed the period's report."""

    unit: str
    filed: Filed


@dataclass(frozen=True, slots=True)
class ReportStatus:
    """Every member unit's filing of one period's report, in the policy's order."""

    period: str  # YYYY-MM
    due_on: date
    units: tuple[UnitFiling, ...]

    def count(self, filed: Filed) -> int:
        """How many units filed so."""
        return sum(u.filed == filed for u in self.units)


@dataclass(frozen=True, slots=True)
class ReportStatusTexts:
    """The chart's words, rendered from templates: the title, and each status with its
    count."""

    title: str
    legend: Mapping[Filed, str]


def report_status(
    period: str, due_on: date, units: Iterable[tuple[str, date | None]]
) -> ReportStatus:
    """The status of units given as (unit, the day it filed or None)."""
    filings = []
    for unit, filed_on in units:
        if filed_on is None:
            filed: Filed = "missing"
        else:
            filed = "late" if submitted_late(filed_on, due_on) else "on_time"
        filings.append(UnitFiling(unit, filed))
    return ReportStatus(period, due_on, tuple(filings))


def report_status_png(data: ReportStatus, texts: ReportStatusTexts) -> bytes | None:
    """The tiles as a PNG (about 1020 px wide); None when the machine has no CJK font."""
    cjk = fonts.cjk_font()
    if cjk is None:
        return None
    units = data.units
    columns = 3 if len(units) > 6 else 2
    rows = max(1, math.ceil(len(units) / columns))
    fig = new_figure(max(HEIGHT, 1.7 + rows * ROW_HEIGHT))
    ax = axes_beside(fig, cjk)
    ax.set_xlim(0, columns)
    ax.set_ylim(rows, 0)
    ax.set_axis_off()
    name = font(cjk, LABEL_SIZE)
    for i, u in enumerate(units):
        x, y = i % columns, i // columns
        ax.add_patch(_tile(x, y, _FILL[u.filed]))
        ax.text(
            x + 0.5,
            y + 0.5,
            u.unit,
            ha="center",
            va="center",
            color=_TEXT[u.filed],
            fontproperties=name,
        )
    handles = [_tile(0, 0, _FILL[f], label=texts.legend[f]) for f in FILED]
    legend(fig, cjk, len(FILED), handles)
    title(fig, cjk, texts.title)
    return png(fig)


def _tile(x: float, y: float, colour: str, label: str | None = None) -> FancyBboxPatch:
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch(
        (x + 0.04, y + 0.08),
        0.92,
        0.84,
        boxstyle="round,pad=0,rounding_size=0.08",
        facecolor=colour,
        edgecolor="none",
        label=label,
    )
