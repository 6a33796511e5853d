"""The weekly digest's funnel (周报): projects by stage in the pipeline's order, each stage's
bar split green / amber / red by how long its projects have stood there."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from documents.charts import fonts
from documents.charts.figure import (
    AMBER,
    FAINT,
    GREEN,
    INK,
    LABEL_SIZE,
    RED,
    axes_beside,
    font,
    legend,
    new_figure,
    plain_axes,
    png,
    tick_font,
    title,
)

COLOURS: Final = ("green", "amber", "red")
_FILL: Final = {"green": GREEN, "amber": AMBER, "red": RED}


@dataclass(frozen=True, slots=True)
class StageBar:
    """One stage: how many of its projects are within the policy's days, past them, or past
    twice them."""

    stage: str
    green: int = 0
    amber: int = 0
    red: int = 0

    @property
    def total(self) -> int:
        """Every project at the stage."""
        return self.green + self.amber + self.red


@dataclass(frozen=True, slots=True)
class Funnel:
    """The pipeline's stages in order, each with its projects by colour."""

    stages: tuple[StageBar, ...]

    @property
    def total(self) -> int:
        """Every project in the funnel."""
        return sum(b.total for b in self.stages)


@dataclass(frozen=True, slots=True)
class FunnelTexts:
    """The funnel's words, rendered from templates: title, stage names, the three colours."""

    title: str
    stages: Mapping[str, str]  # stage code → its name (① 信息收集 …)
    legend: Mapping[str, str]  # "green" / "amber" / "red" → what the colour means


def funnel(order: Sequence[str], projects: Iterable[tuple[str, str]]) -> Funnel:
    """The funnel of projects given as (stage, colour), with every stage of `order` shown,
    empty ones too; a project at a stage outside `order` is left out."""
    counts = {stage: dict.fromkeys(COLOURS, 0) for stage in order}
    for stage, colour in projects:
        if colour not in COLOURS:
            raise ValueError(f"unknown staleness colour {colour!r}")
        if stage in counts:
            counts[stage][colour] += 1
    return Funnel(tuple(StageBar(stage, **counts[stage]) for stage in order))


def funnel_png(data: Funnel, texts: FunnelTexts) -> bytes | None:
    """The funnel as a PNG (about 1020 × 720 px); None when the machine has no CJK font."""
    cjk = fonts.cjk_font()
    if cjk is None:
        return None
    bars = data.stages
    names = [texts.stages.get(b.stage, b.stage) for b in bars]
    fig = new_figure()
    ax = axes_beside(fig, cjk, names)
    widest = max((b.total for b in bars), default=0) or 1
    rows = range(len(bars))
    for colour in COLOURS:
        widths, lefts = [], []
        for b in bars:
            before = sum(getattr(b, c) for c in COLOURS[: COLOURS.index(colour)])
            widths.append(getattr(b, colour))
            lefts.append(-b.total / 2 + before)
        ax.barh(
            rows,
            widths,
            left=lefts,
            height=0.72,
            color=_FILL[colour],
            label=texts.legend[colour],
            edgecolor="white",
            linewidth=0.8,
        )
    number = font(cjk, LABEL_SIZE, bold=True)
    for y, b in zip(rows, bars, strict=True):
        ax.text(
            b.total / 2 + widest * 0.03,
            y,
            str(b.total),
            va="center",
            ha="left",
            color=INK if b.total else FAINT,
            fontproperties=number,
        )
    ax.set_yticks(list(rows), names)
    ax.invert_yaxis()  # the first stage on top, as a funnel narrows downwards
    ax.set_xlim(-widest / 2 - widest * 0.02, widest / 2 + widest * 0.14)
    ax.set_xticks([])
    plain_axes(ax)
    ax.spines["bottom"].set_visible(False)
    tick_font(ax, cjk)
    title(fig, cjk, texts.title)
    legend(fig, cjk, len(COLOURS))
    return png(fig)
