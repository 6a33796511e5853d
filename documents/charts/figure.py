"""What the charts share: a phone-sized figure, the colours of the traffic light, the CJK font
on every text, and the PNG. matplotlib's object API only (no pyplot, no global state), imported
when the first chart is drawn."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from documents.charts.fonts import ChartFont

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

WIDTH: Final = 6.8  # inches: 1020 px at DPI, the width of a phone screen's photo
HEIGHT: Final = 4.8  # 720 px
DPI: Final = 150
GREEN: Final = "#2f9e44"
AMBER: Final = "#f08c00"
RED: Final = "#e03131"
INK: Final = "#212529"
FAINT: Final = "#868e96"
TITLE_SIZE: Final = 15.0
LABEL_SIZE: Final = 12.0
SMALL_SIZE: Final = 11.0
# Inches kept for the title above the axes, the legend below, and between labels and bars.
TITLE_ROOM: Final = 0.6
LEGEND_ROOM: Final = 0.5
GAP: Final = 0.18


def new_figure(height: float = HEIGHT) -> Figure:
    """A blank white figure of the charts' width."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def font(cjk: ChartFont, size: float = LABEL_SIZE, *, bold: bool = False) -> FontProperties:
    """The CJK font at a size."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=cjk.family, size=size, weight="bold" if bold else "normal")


def text_width(cjk: ChartFont, text: str, size: float = LABEL_SIZE) -> float:
    """How wide a line of text is drawn, in inches."""
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(text, font(cjk, size), ismath=False)
    return float(width) / 72


def axes_beside(
    fig: Figure,
    cjk: ChartFont,
    labels: Iterable[str] = (),
    *,
    bottom: float = LEGEND_ROOM,
    right: float = GAP,
) -> Axes:
    """Axes filling the figure between the title and the legend, with room on the left for
    the widest label (a fixed layout: measuring every text, as matplotlib's layout engines do,
    doubles the time a chart takes)."""
    width, height = fig.get_size_inches()
    left = max((text_width(cjk, t) for t in labels), default=0.0) + 2 * GAP
    return fig.add_axes(
        (
            left / width,
            bottom / height,
            1 - (left + right) / width,
            1 - (bottom + TITLE_ROOM) / height,
        )
    )


def title(fig: Figure, cjk: ChartFont, text: str) -> None:
    """The chart's title across its top."""
    height = fig.get_size_inches()[1]
    fig.suptitle(
        text,
        y=1 - GAP / height,
        va="top",
        fontproperties=font(cjk, TITLE_SIZE, bold=True),
        color=INK,
        wrap=True,
    )


def legend(
    fig: Figure, cjk: ChartFont, columns: int, handles: Sequence[Any] | None = None
) -> None:
    """The legend in one row along the foot of the chart."""
    height = fig.get_size_inches()[1]
    fig.legend(
        **({"handles": handles} if handles is not None else {}),
        loc="lower center",
        bbox_to_anchor=(0.5, 0.06 / height),
        ncols=columns,
        frameon=False,
        prop=font(cjk, SMALL_SIZE),
    )


def plain_axes(ax: Axes) -> None:
    """No frame but the baseline: the bars carry the numbers."""
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(FAINT)
    ax.tick_params(axis="y", length=0, colors=INK)
    ax.tick_params(axis="x", colors=FAINT)


def tick_font(ax: Axes, cjk: ChartFont, size: float = LABEL_SIZE) -> None:
    """Every tick label in the CJK font."""
    prop = font(cjk, size)
    for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
        label.set_fontproperties(prop)


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes, at the figure's own size."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()
