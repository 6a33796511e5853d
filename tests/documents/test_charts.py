"""The charts people look at rather than read: drawn in a CJK font this machine has (no tofu
boxes), phone-sized PNGs, and their data computed apart from the drawing."""

from __future__ import annotations

import logging
import struct
import warnings
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from documents import charts
from documents.charts import fonts
from templates.renderer import LOCALES, Renderer
from workflow.assessment import UnitRecord
from workflow.pipeline import ACTIVE_STAGES

STAGES = [s.value for s in ACTIVE_STAGES]
UNITS = [
    "清新工业园管委会",
    "区府办公室",
    "区发展改革局",
    "区经济和信息化局",
    "市国土资源局清新分局",
    "区环境保护局",
    "区住房城乡建设局",
    "市城乡规划局清新分局",
    "区贸促会",
    "区国税局",
    "区地税局",
    "太和镇",
    "太平镇",
]
DUE = date(2026, 12, 5)
RENDERER = Renderer()


def png_size(content: bytes) -> tuple[int, int]:
    """The width and height in a PNG's header (IHDR), after checking the signature."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert content[12:16] == b"IHDR"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


@pytest.fixture(autouse=True)
def glyphs_must_exist() -> Iterator[None]:
    """matplotlib warns "Glyph … missing from font": here that fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def a_busy_pipeline() -> list[tuple[str, str]]:
    """Thirty-odd projects the way a county's library holds them: many leads, a few stalled."""
    spread = {
        "lead": ("green",) * 9 + ("amber",) * 3 + ("red",) * 2,
        "confirmed": ("green",) * 6 + ("amber",) * 2,
        "negotiation": ("green",) * 4 + ("red",),
        "review": ("green", "green", "amber"),
        "decision": ("green",),
        "signed": ("green", "green", "amber"),
        "construction": ("green",) * 4,
    }
    return [(stage, colour) for stage, colours in spread.items() for colour in colours]


def a_months_filings() -> list[tuple[str, date | None]]:
    """Thirteen member units: most on time, two on the day after, two never."""
    late = {"区经济和信息化局": date(2026, 12, 7), "区地税局": date(2026, 12, 6)}
    missing = {"区发展改革局", "区住房城乡建设局"}
    return [
        (u, None if u in missing else late.get(u, date(2026, 12, 3 if i % 2 else 5)))
        for i, u in enumerate(UNITS)
    ]


def a_years_records() -> list[UnitRecord]:
    """Eleven reports due per unit, kept well or badly; one unit that joined too late to owe."""
    kept = [(11, 0), (10, 1), (9, 0), (8, 2), (11, 0), (7, 3), (6, 1), (10, 0), (9, 2), (11, 0)]
    out = [UnitRecord(u, 11, on, late) for u, (on, late) in zip(UNITS, kept, strict=False)]
    out += [UnitRecord(u, 11, 5, 0) for u in UNITS[len(kept) : -1]]
    return [*out, UnitRecord(UNITS[-1], 0, 0, 0)]


def test_the_machine_has_a_cjk_font_with_every_glyph_the_charts_use() -> None:
    from matplotlib import font_manager

    found = charts.cjk_font()
    assert found is not None, "no CJK font: install fonts-noto-cjk (.ci/run does)"
    assert Path(found.path).is_file()
    face = font_manager.get_font(
        font_manager.findfont(font_manager.FontProperties(family=found.family))
    )
    words: list[str] = list(UNITS)
    for locale in LOCALES:
        words += charts.funnel_texts(RENDERER, locale, DUE, STAGES).stages.values()
        words += charts.funnel_texts(RENDERER, locale, DUE, STAGES).legend.values()
        status = charts.report_status("2026-11", DUE, a_months_filings())
        texts = charts.report_status_texts(RENDERER, locale, status)
        words += [texts.title, *texts.legend.values()]
        rates = charts.unit_rates(a_years_records())
        r = charts.unit_rates_texts(RENDERER, locale, 2026, DUE, rates)
        words += [r.title, r.axis, *r.legend.values(), *r.figures]
    lacking = {c for w in words for c in w if not c.isspace() and not face.get_char_index(ord(c))}
    assert not lacking


def test_a_font_without_chinese_is_no_cjk_font() -> None:
    from matplotlib import font_manager

    latin = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    assert fonts._register(Path(latin)) is None  # what fc-match offers on a machine without


def test_without_a_cjk_font_no_chart_is_drawn_and_that_is_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fonts.cjk_font.cache_clear()
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    try:
        with caplog.at_level(logging.WARNING, logger=fonts.__name__):
            data = charts.funnel(STAGES, a_busy_pipeline())
            texts = charts.funnel_texts(RENDERER, "zh-Hans", DUE, STAGES)
            assert charts.funnel_png(data, texts) is None
            assert charts.funnel_png(data, texts) is None
        assert len([r for r in caplog.records if "CJK" in r.getMessage()]) == 1
    finally:
        fonts.cjk_font.cache_clear()


def test_the_funnel_shows_every_active_stage_in_order_split_by_staleness() -> None:
    data = charts.funnel(STAGES, [*a_busy_pipeline(), ("rejected", "green")])
    assert [b.stage for b in data.stages] == STAGES  # city and cleared too, though empty
    lead = data.stages[0]
    assert (lead.green, lead.amber, lead.red, lead.total) == (9, 3, 2, 14)
    assert next(b for b in data.stages if b.stage == "city").total == 0
    assert data.total == 38  # the rejected project is no longer in the pipeline
    with pytest.raises(ValueError, match="purple"):
        charts.funnel(STAGES, [("lead", "purple")])


def test_the_funnel_is_a_phone_sized_png(tmp_path: Path) -> None:
    data = charts.funnel(STAGES, a_busy_pipeline())
    for locale in LOCALES:
        content = charts.funnel_png(data, charts.funnel_texts(RENDERER, locale, DUE, STAGES))
        assert content is not None
        assert png_size(content) == (1020, 720)
        (tmp_path / f"funnel-{locale}.png").write_bytes(content)


def test_a_glyph_the_font_lacks_fails_the_chart() -> None:
    data = charts.funnel(STAGES, a_busy_pipeline())
    texts = charts.funnel_texts(RENDERER, "zh-Hans", DUE, STAGES)
    emoji = charts.FunnelTexts("🗞 " + texts.title, texts.stages, texts.legend)
    with pytest.raises(UserWarning, match="missing from font"):
        charts.funnel_png(data, emoji)


def test_the_report_status_counts_the_due_day_as_on_time_and_the_day_after_as_late() -> None:
    status = charts.report_status("2026-11", DUE, a_months_filings())
    assert [status.count(f) for f in charts.FILED] == [9, 2, 2]
    filed = {u.unit: u.filed for u in status.units}
    assert filed["清新工业园管委会"] == "on_time"  # on 5 December, the due day
    assert filed["区地税局"] == "late"  # on the 6th
    assert filed["区发展改革局"] == "missing"
    assert [u.unit for u in status.units] == UNITS  # the policy's order, month after month


def test_the_report_status_is_a_phone_sized_png() -> None:
    status = charts.report_status("2026-11", DUE, a_months_filings())
    for locale in LOCALES:
        texts = charts.report_status_texts(RENDERER, locale, status)
        assert "9" in texts.legend["on_time"]  # the legend carries the counts
        content = charts.report_status_png(status, texts)
        assert content is not None
        assert png_size(content) == (1020, 720)


def test_the_yearly_rates_put_the_best_unit_first_and_those_that_owed_nothing_last() -> None:
    rates = charts.unit_rates(a_years_records())
    assert rates[0].rate == Decimal("100.0") and rates[0].unit == UNITS[0]
    assert [u.rate for u in rates[:3]] == [Decimal("100.0")] * 3  # in the policy's order
    assert [u.unit for u in rates[:3]] == [UNITS[0], UNITS[4], UNITS[9]]
    assert rates[-1].unit == "太平镇" and rates[-1].rate is None
    worst = next(u for u in rates if u.unit == "区住房城乡建设局")
    assert (worst.on_time, worst.late, worst.missing) == (6, 1, 4)


def test_the_yearly_rates_chart_grows_with_the_units_and_names_each_figure() -> None:
    rates = charts.unit_rates(a_years_records())
    for locale in LOCALES:
        texts = charts.unit_rates_texts(RENDERER, locale, 2026, DUE, rates)
        assert texts.figures[0] == "100%"
        assert texts.figures[-1] in ("无应报月报", "none due")
        content = charts.unit_rates_png(rates, texts)
        assert content is not None
        width, height = png_size(content)
        assert width == 1020 and 720 < height < 1000  # thirteen bars, still one phone screen
    few = charts.unit_rates(a_years_records()[:3])
    content = charts.unit_rates_png(few, charts.unit_rates_texts(RENDERER, "en", 2026, DUE, few))
    assert content is not None and png_size(content) == (1020, 720)
    with pytest.raises(ValueError, match="figures"):
        charts.unit_rates_png(rates, charts.UnitRatesTexts("t", "a", {}, ["1"]))
