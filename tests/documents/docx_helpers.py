"""Reading generated .docx files back in the document tests."""

from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import _Row

# A character outside the Basic Multilingual Plane, to check text survives the round trip.
PROJECT = "𠮷祥新能源汽车电机壳体项目"


def open_docx(data: bytes) -> Document:
    """A generated document, opened with python-docx."""
    return docx.Document(io.BytesIO(data))


def table_rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Each row's distinct cells (a merged cell once), as text."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[object] = set()
        for cell in row.cells:
            if cell._tc not in seen:
                seen.add(cell._tc)
                cells.append(cell.text)
        rows.append(cells)
    return rows


def label_value(table, label: str) -> str:  # type: ignore[no-untyped-def]
    for row in table_rows(table):
        if label in row:
            return row[row.index(label) + 1]
    raise AssertionError(f"no row labelled {label}: {table_rows(table)}")


def assert_title(doc: Document, expected: str) -> None:
    first = doc.paragraphs[0]
    assert first.text == expected
    assert first.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in first.runs)
    rpr = first.runs[0]._r.rPr
    assert rpr is not None
    fonts = rpr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"


def unbroken(serial: str) -> str:
    """A serial as the documents print it: a word joiner between its characters, so that no
    line ever breaks inside it."""
    return "\u2060".join(serial)


def as_read(text: str) -> str:
    """The text as a person reads it: a serial's word joiners (and non-breaking hyphens) gone."""
    return text.replace("\u2011", "-").replace("\u2060", "")


def row_has(row: _Row, flag: str) -> bool:
    """Whether a table row carries a row property (cantSplit, tblHeader)."""
    tr_pr = row._tr.trPr
    return tr_pr is not None and tr_pr.find(qn(f"w:{flag}")) is not None


def mm(length: Length | None) -> int:
    """A length in whole millimetres."""
    assert length is not None
    return round(length.mm)
