"""The yearly assessment per member unit (000 四): one bar per unit, its monthly reports due
split into on time, late and never sent, with its on-time rate, best first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from documents.charts import fonts
from documents.charts.figure import (
    AMBER,
    FAINT,
    GREEN,
    HEIGHT,
    INK,
    LABEL_SIZE,
    LEGEND_ROOM,
    RED,
    SMALL_SIZE,
    axes_beside,
    font,
    legend,
    new_figure,
    plain_axes,
    png,
    tick_font,
    title,
)
from workflow.assessment import UnitRecord

PARTS: Final = ("on_time", "late", "missing")
_FILL: Final = {"on_time": GREEN, "late": AMBER, "missing": RED}
ROW_HEIGHT: Final = 0.34  # inches per unit
AXIS_ROOM: Final = 0.62  # inches for the scale and its label under the bars


@dataclass(frozen=True, slots=True)
class UnitRate:
    """A unit's reports of the year and its on-time rate (per cent, None when none was due)."""

    unit: str
    due: int
    on_time: int
    late: int
    missing: int
    rate: Decimal | None


@dataclass(frozen=True, slots=True)
class UnitRatesTexts:
    """The chart's words, rendered from templates: the title, the axis, the three parts, and
    each bar's figure (the rate, or that nothing was due) in the order of the data."""

    title: str
    axis: str
    legend: Mapping[str, str]  # "on_time" / "late" / "missing" → its name
    figures: Sequence[str]


def unit_rates(records: Sequence[UnitRecord]) -> tuple[UnitRate, ...]:
    """Each unit's reports and rate, the highest rate first (the policy's order among equals,
    units that owed nothing last)."""
    rates = [
        UnitRate(
            r.unit,
            r.reports_due,
            r.reports_on_time,
            r.reports_late,
            r.reports_missing,
            r.on_time_rate,
        )
        for r in records
    ]
    return tuple(sorted(rates, key=lambda u: (u.rate is None, -(u.rate or 0))))


def unit_rates_png(data: Sequence[UnitRate], texts: UnitRatesTexts) -> bytes | None:
    """The bars as a PNG (about 1020 px wide, taller with more units); None when the machine
    has no CJK font."""
    if len(texts.figures) != len(data):
        raise ValueError(f"{len(texts.figures)} figures for {len(data)} units")
    cjk = fonts.cjk_font()
    if cjk is None:
        return None
    fig = new_figure(max(HEIGHT, 1.6 + ROW_HEIGHT * len(data)))
    ax = axes_beside(fig, cjk, [u.unit for u in data], bottom=LEGEND_ROOM + AXIS_ROOM)
    rows = range(len(data))
    done = [0.0] * len(data)
    for part in PARTS:
        shares = [getattr(u, part) * 100 / u.due if u.due else 0.0 for u in data]
        ax.barh(
            rows,
            shares,
            left=done,
            height=0.7,
            color=_FILL[part],
            label=texts.legend[part],
            edgecolor="white",
            linewidth=0.8,
        )
        done = [d + s for d, s in zip(done, shares, strict=True)]
    figure = font(cjk, LABEL_SIZE, bold=True)
    for y, (u, text) in enumerate(zip(data, texts.figures, strict=True)):
        colour = INK if u.due else FAINT
        ax.text(102, y, text, va="center", ha="left", color=colour, fontproperties=figure)
    ax.set_yticks(list(rows), [u.unit for u in data])
    ax.invert_yaxis()
    ax.set_xlim(0, 122)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(texts.axis, fontproperties=font(cjk, SMALL_SIZE), color=FAINT)
    plain_axes(ax)
    ax.spines["bottom"].set_bounds(0, 100)
    tick_font(ax, cjk, SMALL_SIZE)
    for label in ax.get_yticklabels():
        label.set_fontsize(LABEL_SIZE)
    title(fig, cjk, texts.title)
    legend(fig, cjk, len(PARTS))
    return png(fig)
