"""Every Mini App page exists in both locales, each locale's page sets its own texts over one
shared layout, and no page loads anything from another site (the shell alone loads Telegram's
own script)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "templates" / "web"
LOCALES = ("zh-Hans", "en")


def pages(locale: str) -> set[str]:
    return {p.name for p in (WEB / locale).glob("*.html")}


def test_every_page_exists_in_both_locales() -> None:
    assert pages("zh-Hans") == pages("en")
    assert {"home.html", "board.html", "project.html", "plan.html", "reports.html"} <= pages("en")
    assert "charts.html" in pages("en")


@pytest.mark.parametrize("locale", LOCALES)
def test_a_locales_pages_hold_only_texts_and_include_the_shared_layout(locale: str) -> None:
    for page in sorted((WEB / locale).glob("*.html")):
        if page.name.startswith("_"):
            continue  # a locale's texts, imported by its pages
        source = page.read_text(encoding="utf-8")
        assert re.search(r'{%\s*(include|extends)\s*"web/_', source), page.name
        assert "<html" not in source, page.name


def test_no_page_loads_a_script_style_or_font_from_another_site() -> None:
    for path in WEB.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        external = re.findall(r'(?:src|href)="(https?:)?//', source)
        assert not external, path.name
        assert "@import" not in source and "url(http" not in source, path.name
