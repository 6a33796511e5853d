"""What makes a generated Word document print right, read back from its .docx: A4 pages, table
rows that never split across pages, header rows that repeat on each page."""

from __future__ import annotations

import io
import zipfile
from typing import Final

from lxml import etree

_W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS: Final = {"w": _W}
A4_TWIPS: Final = (11906, 16838)  # 210 × 297 mm


def layout_problems(data: bytes) -> list[str]:
    """What an office would send back about a document's layout, one line each (none: fine)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    problems: list[str] = []
    for number, size in enumerate(body.iterfind(".//w:sectPr/w:pgSz", _NS), start=1):
        width, height = (int(size.get(f"{{{_W}}}{side}", "0")) for side in ("w", "h"))
        if not _near_a4(width, height):
            problems.append(f"section {number}: the page is not A4 ({width}×{height} twips)")
    for number, table in enumerate(body.iterfind(".//w:tbl", _NS), start=1):
        rows = table.findall("w:tr", _NS)
        loose = [i for i, row in enumerate(rows, start=1) if not _has(row, "cantSplit")]
        if loose:
            problems.append(
                f"table {number}: row(s) {_span(loose)} may split across pages (no cantSplit)"
            )
        if _header_expected(table, rows) and not _has(rows[0], "tblHeader"):
            problems.append(f"table {number}: the header row does not repeat on each page")
    return problems


def _near_a4(width: int, height: int) -> bool:
    # Word rounds A4 to 11906 × 16838 twips, python-docx writes 11905 × 16837.
    short, long = sorted((width, height))
    return abs(short - A4_TWIPS[0]) <= 2 and abs(long - A4_TWIPS[1]) <= 2


def _has(row: etree._Element, flag: str) -> bool:
    return row.find(f"w:trPr/w:{flag}", _NS) is not None


def _header_expected(table: etree._Element, rows: list[etree._Element]) -> bool:
    """A table whose first row is marked as headings, or whose first row is bold throughout
    and is followed by several rows of the same shape, has a header row."""
    if not rows or len(rows) < 3:
        return False
    if any(_has(row, "tblHeader") for row in rows):
        return True
    first = rows[0].findall("w:tc", _NS)
    return len(first) > 2 and all(len(row.findall("w:tc", _NS)) == len(first) for row in rows)


def _span(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
