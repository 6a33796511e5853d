"""The workbooks as LibreOffice prints them: the summary's title whole on the first page, the
title and header again on every page, A4, and type no smaller than 70 % of its 11 pt.

They need LibreOffice (with Calc) and poppler's pdftotext: without them they are skipped,
except in CI (CI set), where their absence fails them."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from documents.excel import annual_assessment, monthly_aggregate
from documents.pdf import find_soffice
from documents.samples.excel import OFFICE, district_aggregate, district_assessment

SOFFICE = find_soffice()
PDFTOTEXT = shutil.which("pdftotext")
BODY_PT = 11
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" [^>]*>([^<]*)</word>')

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        (SOFFICE is None or PDFTOTEXT is None) and not os.environ.get("CI"),
        reason="LibreOffice or pdftotext is not installed",
    ),
]


def _pdf(tmp_path: Path, name: str, content: bytes) -> Path:
    assert SOFFICE is not None, "LibreOffice is required in CI"
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(content)
    profile = (tmp_path / "profile").as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return tmp_path / f"{name}.pdf"


def _pages(pdf: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages]


def _word_widths(pdf: Path, page: int) -> dict[str, float]:
    """The printed width, in points, of each word on a page (1-based)."""
    assert PDFTOTEXT is not None, "pdftotext is required in CI"
    out = subprocess.run(
        [PDFTOTEXT, "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {m[3]: float(m[2]) - float(m[1]) for m in WORD.finditer(out)}


def _first_page(pages: list[str], has: Callable[[str], bool]) -> int:
    return next(i for i, text in enumerate(pages, start=1) if has(text))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("excel_pdf")


@pytest.fixture(scope="module")
def monthly_pdf(folder: Path) -> Path:
    return _pdf(folder, "monthly", monthly_aggregate(district_aggregate()))


@pytest.fixture(scope="module")
def assessment_pdf(folder: Path) -> Path:
    return _pdf(folder, "assessment", annual_assessment(district_assessment(), unit=OFFICE))


def test_the_aggregate_of_a_hundred_units_opens_with_its_whole_title(monthly_pdf: Path):
    first = _pages(monthly_pdf)[0]
    assert "2026年11月招商选资工作情况月报汇总" in first  # not cut across two pages
    assert f"填报单位：{OFFICE}" in first
    assert "未报送单位名单" in first and "涉及招商项目（个）" in first


def test_every_printed_page_repeats_the_title_or_the_header(monthly_pdf: Path):
    pages = _pages(monthly_pdf)
    tables = _first_page(pages, lambda text: "附件6" in text)
    assert tables > 1  # the summary first, on pages of its own
    for number, text in enumerate(pages[1 : tables - 1], start=2):
        assert "报送情况" in text and "填表日期" in text, number  # the units' header again
    for number, text in enumerate(pages[tables - 1 :], start=tables):
        assert "附件6" in text and "招商选资工作情况月报表（" in text, number
        assert "填报单位：" in text and "涉及招商项目" in text, number


def test_every_page_is_a4_tables_on_their_side(monthly_pdf: Path, assessment_pdf: Path):
    for pdf in (monthly_pdf, assessment_pdf):
        reader = pypdf.PdfReader(io.BytesIO(pdf.read_bytes()))
        for page in reader.pages:
            width, height = sorted((float(page.mediabox.width), float(page.mediabox.height)))
            assert (round(width), round(height)) == (595, 842)
    overview = pypdf.PdfReader(io.BytesIO(assessment_pdf.read_bytes())).pages[0]
    assert float(overview.mediabox.width) < float(overview.mediabox.height)  # the figures


def test_table_pages_print_their_type_at_seventy_per_cent_or_more(
    monthly_pdf: Path, assessment_pdf: Path
):
    pages = _pages(monthly_pdf)
    by_project = _first_page(pages, lambda text: "按项目汇总" in text)
    # A four-character header word at 11 pt is 44 pt wide at full size. LibreOffice measures
    # column widths in the digits of Calibri, the workbook's default font: without Carlito,
    # its metric twin (fonts-crosextra-carlito), a wider stand-in shrinks every page.
    assert _word_widths(monthly_pdf, by_project)["存在问题"] >= 4 * BODY_PT * 0.95, "Carlito?"
    pages = _pages(assessment_pdf)
    projects = _first_page(pages, lambda text: "签约项目跟踪服务情况表" in text)
    assert _word_widths(assessment_pdf, projects)["项目编号"] >= 4 * BODY_PT * 0.7
