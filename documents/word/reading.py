"""A generated Word document read back as text, for the tests and for a look at what it says."""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.text.paragraph import Paragraph


def docx_text(data: bytes) -> str:
    """All paragraph and table-cell text of a .docx file, in document order, one per line."""
    doc = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
            continue
        seen: set[Any] = set()  # the elements, kept alive so each keeps one proxy
        for row in block.rows:
            for cell in row.cells:
                if cell._tc not in seen:  # a merged cell repeats once per grid column
                    seen.add(cell._tc)
                    lines.append(cell.text)
    return "\n".join(lines)
