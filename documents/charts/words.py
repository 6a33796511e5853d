"""The charts' words, rendered from `templates/messages/<locale>/charts.j2` as plain text (a
chart is no HTML): what the drawing functions are given."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from documents.charts.assessment import PARTS, UnitRate, UnitRatesTexts
from documents.charts.reports import FILED, ReportStatus, ReportStatusTexts
from documents.charts.stages import COLOURS, FunnelTexts
from templates.renderer import Renderer


def _plain(renderer: Renderer, locale: str, name: str, /, **params: object) -> str:
    return html.unescape(renderer.message(locale, name, **params))


def funnel_texts(
    renderer: Renderer, locale: str, today: date, stages: Sequence[str]
) -> FunnelTexts:
    """The funnel's title, stage names and legend."""
    return FunnelTexts(
        title=_plain(renderer, locale, "charts#funnel_title", today=today),
        stages={s: _plain(renderer, locale, "stages#name", stage=s) for s in stages},
        legend={c: _plain(renderer, locale, "charts#funnel_legend", colour=c) for c in COLOURS},
    )


def report_status_texts(renderer: Renderer, locale: str, data: ReportStatus) -> ReportStatusTexts:
    """The report status chart's title and legend, each status with its count."""
    return ReportStatusTexts(
        title=_plain(renderer, locale, "charts#status_title", period=data.period, due=data.due_on),
        legend={
            f: _plain(renderer, locale, "charts#status_legend", filed=f, count=data.count(f))
            for f in FILED
        },
    )


def unit_rates_texts(
    renderer: Renderer, locale: str, year: int, as_of: date, data: Sequence[UnitRate]
) -> UnitRatesTexts:
    """The assessment chart's title, axis, legend and each unit's figure."""
    return UnitRatesTexts(
        title=_plain(renderer, locale, "charts#rates_title", year=year, as_of=as_of),
        axis=_plain(renderer, locale, "charts#rates_axis"),
        legend={p: _plain(renderer, locale, "charts#rates_legend", part=p) for p in PARTS},
        figures=[_plain(renderer, locale, "charts#rate_figure", rate=u.rate) for u in data],
    )
