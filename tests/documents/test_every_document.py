"""What holds for every Word document: A4, 仿宋 with Noto CJK named as its stand-in, Chinese
text of any plane kept, and a document made in well under a second."""

from __future__ import annotations

import dataclasses
import io
import time
import zipfile

import pytest
from docx.oxml.ns import qn

from documents.word import docx_text
from documents.word.catalog import DOCUMENTS, WordDocument
from documents.word.templates import WordTemplates
from tests.documents.docx_helpers import PROJECT, as_read, open_docx

TEMPLATES = WordTemplates()


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.name)
def test_every_document_is_a4_in_fangsong_with_noto_cjk_named_as_its_stand_in(
    document: WordDocument,
):
    data = document.build(document.samples[0](), TEMPLATES)
    doc = open_docx(data)
    for section in doc.sections:
        width, height = section.page_width, section.page_height
        assert width is not None and height is not None
        assert sorted(round(length.mm) for length in (width, height)) == [210, 297]
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        table = archive.read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="仿宋"' in table and "Noto Serif CJK SC" in table


@pytest.mark.parametrize(
    "document",
    [d for d in DOCUMENTS if "project_name" in {f.name for f in dataclasses.fields(d.data)}],
    ids=lambda d: d.name,
)
def test_a_name_outside_the_basic_plane_comes_through_whole(document: WordDocument):
    sample = dataclasses.replace(document.samples[0](), project_name=PROJECT)  # type: ignore[type-var]
    assert PROJECT in as_read(docx_text(document.build(sample, TEMPLATES)))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.name)
def test_every_document_is_made_well_within_a_second(document: WordDocument):
    data = document.samples[0]()
    document.build(data, TEMPLATES)  # the first call loads the template
    best = min(_timed(lambda: document.build(data, TEMPLATES)) for _ in range(3))
    assert best < 1.0  # a sanity bound; the 200 ms budget is for the benchmarks


def _timed(build: object) -> float:
    assert callable(build)
    start = time.perf_counter()
    build()
    return time.perf_counter() - start
