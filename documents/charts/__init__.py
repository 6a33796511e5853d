"""Charts as PNG, for people who look rather than read: the weekly digest's funnel, the monthly
report status, the yearly assessment per unit. A pure function computes each chart's data and
another draws it, with words rendered from templates; matplotlib loads with the first chart."""

from __future__ import annotations

from documents.charts.assessment import UnitRate, UnitRatesTexts, unit_rates, unit_rates_png
from documents.charts.fonts import ChartFont, cjk_font
from documents.charts.reports import (
    FILED,
    ReportStatus,
    ReportStatusTexts,
    UnitFiling,
    report_status,
    report_status_png,
)
from documents.charts.stages import Funnel, FunnelTexts, StageBar, funnel, funnel_png
from documents.charts.words import funnel_texts, report_status_texts, unit_rates_texts

PNG = "image/png"

__all__ = [
    "FILED",
    "PNG",
    "ChartFont",
    "Funnel",
    "FunnelTexts",
    "ReportStatus",
    "ReportStatusTexts",
    "StageBar",
    "UnitFiling",
    "UnitRate",
    "UnitRatesTexts",
    "cjk_font",
    "funnel",
    "funnel_png",
    "funnel_texts",
    "report_status",
    "report_status_png",
    "report_status_texts",
    "unit_rates",
    "unit_rates_png",
    "unit_rates_texts",
]
