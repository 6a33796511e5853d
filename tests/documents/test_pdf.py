"""Every Word document the bot sends, also as PDF: LibreOffice converts it with the CJK fonts,
on A4, on the pages the form takes; the converter runs LibreOffice on a private profile, at most
two at a time, within a timeout, converts the same bytes once and leaves no file behind.

The conversions of the real documents need LibreOffice: without it they are skipped, except in
CI (CI set), where its absence fails them."""

from __future__ import annotations

import io
import os
import stat
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

from documents.pdf import PdfConverter, PdfError, find_soffice, is_word, pdf_name
from documents.word.catalog import DOCUMENTS
from documents.word.templates import WordTemplates

SOFFICE = find_soffice()
A4 = (595, 842)  # points, portrait

# A stand-in for LibreOffice with its command line: writes the "PDF" where soffice would, or
# fails, or hangs with a child process, as the document's bytes say.
FAKE_SOFFICE = """#!{python}
import os, pathlib, subprocess, sys, threading
pause = threading.Event().wait  # not time.sleep: under faketime that fails (tests/conftest.py)
args = sys.argv[1:]
out = pathlib.Path(args[args.index("--outdir") + 1])
source = pathlib.Path(args[-1])
profile = next(a for a in args if a.startswith("-env:UserInstallation="))
with open(os.environ["FAKE_SOFFICE_LOG"], "a") as log:
    log.write(profile.split("=", 1)[1] + "\\n")
content = source.read_bytes()
if b"hang" in content:
    child = subprocess.Popen(
        [sys.executable, "-c", "import threading; threading.Event().wait(600)"]
    )
    pathlib.Path(os.environ["FAKE_SOFFICE_CHILD"]).write_text(str(child.pid))
    pause(600)
if b"slow" in content:
    pause(0.3)
if b"broken" in content:
    sys.exit(1)
(out / (source.stem + ".pdf")).write_bytes(b"%PDF-1.4 " + content)
"""


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    program = tmp_path / "soffice"
    program.write_text(FAKE_SOFFICE.format(python=sys.executable))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(tmp_path / "runs.log"))
    monkeypatch.setenv("FAKE_SOFFICE_CHILD", str(tmp_path / "child.pid"))
    return program


def runs(tmp_path: Path) -> list[str]:
    """The profile of each run of the fake LibreOffice, in order."""
    log = tmp_path / "runs.log"
    return log.read_text().splitlines() if log.exists() else []


# --- The converter -------------------------------------------------------------------------


def test_a_word_document_comes_back_as_pdf_made_on_a_private_profile(
    fake_soffice: Path, tmp_path: Path
):
    converter = PdfConverter(str(fake_soffice))
    assert converter.convert(b"docx one") == b"%PDF-1.4 docx one"
    [profile] = runs(tmp_path)
    assert profile.startswith("file:///") and "zhaoshang-pdf-" in profile
    root = converter._root
    assert root is not None and not [p for p in root.iterdir() if p.name.startswith("job-")]
    converter.close()
    assert not root.exists()


def test_the_same_document_sent_to_ten_people_is_converted_once(
    fake_soffice: Path, tmp_path: Path
):
    converter = PdfConverter(str(fake_soffice))
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(converter.convert(b"slow minutes")))
        for _ in range(10)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [b"%PDF-1.4 slow minutes"] * 10
    assert converter.convert(b"slow minutes") == b"%PDF-1.4 slow minutes"
    assert converter.conversions == 1 and len(runs(tmp_path)) == 1
    converter.close()


def test_the_cache_keeps_the_newest_conversions_only(fake_soffice: Path):
    converter = PdfConverter(str(fake_soffice), cache_size=2)
    for content in (b"a", b"b", b"a", b"c", b"a", b"b"):
        converter.convert(content)
    assert converter.conversions == 4  # b was pushed out by c; a stayed, used last
    converter.close()


def test_a_document_libreoffice_cannot_convert_fails_once_and_is_not_tried_again(
    fake_soffice: Path,
):
    converter = PdfConverter(str(fake_soffice))
    for _ in range(3):
        with pytest.raises(PdfError, match="no PDF"):
            converter.convert(b"broken docx")
    assert converter.conversions == 1
    converter.close()


def test_a_conversion_that_hangs_is_killed_with_its_children_after_the_timeout(
    fake_soffice: Path, tmp_path: Path
):
    converter = PdfConverter(str(fake_soffice), timeout=1.0)
    started = time.monotonic()
    with pytest.raises(PdfError, match="longer than 1 s"):
        converter.convert(b"hang")
    assert time.monotonic() - started < 10
    child = int((tmp_path / "child.pid").read_text())
    assert _gone(child), "LibreOffice's child process outlived the timeout"
    converter.close()


def test_at_most_two_conversions_run_at_once_each_on_its_own_profile(
    fake_soffice: Path, tmp_path: Path
):
    converter = PdfConverter(str(fake_soffice), parallel=2)
    threads = [
        threading.Thread(target=converter.convert, args=(f"slow {n}".encode(),)) for n in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert converter.conversions == 6
    root = converter._root
    assert root is not None
    assert set(runs(tmp_path)) == {(root / f"profile-{n}").as_uri() for n in range(2)}
    converter.close()


def test_a_program_that_cannot_be_started_is_a_conversion_error(tmp_path: Path):
    converter = PdfConverter(str(tmp_path / "no-such-soffice"))
    with pytest.raises(PdfError, match="could not be started"):
        converter.convert(b"docx")
    converter.close()


def test_libreoffice_is_found_by_name_or_path_and_not_invented(fake_soffice: Path, tmp_path: Path):
    assert find_soffice(str(fake_soffice)) == str(fake_soffice)
    assert find_soffice(str(tmp_path / "missing")) is None
    assert find_soffice("no-such-office-suite") is None


def test_the_pdf_copy_keeps_the_word_documents_name():
    assert pdf_name("评审意见表-QX-2026-0001.docx") == "评审意见表-QX-2026-0001.pdf"
    assert pdf_name("会议纪要.DOCX") == "会议纪要.pdf"
    assert pdf_name("report") == "report.pdf"
    assert is_word("a.docx", "application/octet-stream")
    assert not is_word("汇总.xlsx", "application/vnd.ms-excel")


def _gone(pid: int) -> bool:
    """Whether a process has ended (a zombie nobody reaps has ended too)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


# --- The documents, converted by LibreOffice ------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice() -> Iterator[PdfConverter]:
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) must be installed in CI: .ci/run installs it")
        pytest.skip("LibreOffice is not installed")
    converter = PdfConverter(SOFFICE, timeout=120)
    yield converter
    converter.close()


def as_pdf(converter: PdfConverter, docx: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(converter.convert(docx)))


def text_of(pdf: pypdf.PdfReader) -> str:
    text = "".join((page.extract_text() or "") for page in pdf.pages)
    return text.replace(" ", "").replace("\n", "")


def fonts_of(pdf: pypdf.PdfReader) -> set[str]:
    names = set()
    for page in pdf.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        for ref in (fonts.get_object() if fonts is not None else {}).values():
            names.add(str(ref.get_object().get("/BaseFont")).split("+")[-1])
    return names


def assert_printable(pdf: pypdf.PdfReader, *needles: str, landscape: bool = False) -> None:
    """A4, the CJK text set in a CJK font (never boxes), and the given texts in it."""
    for page in pdf.pages:
        size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        assert size == (A4[::-1] if landscape else A4), size
    cjk = {f for f in fonts_of(pdf) if "CJK" in f or "Song" in f or "Fang" in f or "Hei" in f}
    assert cjk, f"no CJK font embedded: {fonts_of(pdf)}"
    text = text_of(pdf)
    for needle in needles:
        assert needle.replace(" ", "") in text


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    ("template", "sample", "pages", "needles"),
    [
        # Ten dimensions (and one 附件5 lacks) with long opinions: three a page, none split.
        ("review_opinion_sheet", "review_sheet", 3, ("项目评审意见表", "法律风险评估")),
        # Three projects, the 版记 at the foot of the last page.
        ("meeting_minutes", "minutes", 4, ("纪要", "会议议定事项", "印发")),
        ("meeting_minutes", "short_minutes", 1, ("纪要", "印发")),
        ("city_filing", "city_filing", 2, ("清远市招商项目备案表", "办公室备案意见")),
        ("city_approval", "city_two_level", 2, ("遴选、评审审批表", "组长审批意见")),
        ("application_form", "application", 2, ("遴选申报表", "受理意见")),
        ("plan_sheet", "plan", 2, ("投资项目计划书", "可安排就业人数")),
        ("liaison_table", "liaison", 1, ("项目建设联络表", "联络办事员")),
        ("city_progress", "progress", 2, ("进展情况", "存在问题")),
    ],
)
def test_each_document_prints_on_a4_in_chinese_type_on_the_pages_it_should(
    libreoffice: PdfConverter, template: str, sample: str, pages: int, needles: tuple[str, ...]
):
    document = next(d for d in DOCUMENTS if d.name == template)
    build = next(f for f in document.samples if f.__name__ == sample)
    pdf = as_pdf(libreoffice, document.build(build(), WordTemplates()))
    assert_printable(pdf, *needles, landscape=template == "city_progress")
    assert len(pdf.pages) == pages
