"""The investor's 投资项目计划书 (附件4) as a Word document, from its labelled answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from documents.texts import Texts
from documents.word.base import FormTable, new_document, paragraph, title, to_bytes
from templates.renderer import Renderer

TEMPLATE: Final = "plan_sheet.j2"


def plan_sheet(
    serial: str,
    project_name: str,
    rows: Sequence[tuple[str, str]],
    *,
    renderer: Renderer | None = None,
    notes: Sequence[str] = (),
) -> bytes:
    """The plan as a two-column table of the items the investor answered, and `notes` under
    it (the approved exceptions, 001 二 and 四(三), as printed)."""
    text = Texts(renderer, TEMPLATE)
    doc = new_document(body_size=12)
    title(doc, text("title", name=project_name), size=18)
    paragraph(doc, text("serial", serial=serial))
    table = FormTable(doc, (2, 5))
    table.row([text("col_item"), text("col_answer")], header=True)
    for label, value in rows:
        table.row([label, value], labels=(0,))
    for note in notes:
        paragraph(doc, note)
    return to_bytes(doc)
