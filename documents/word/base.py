"""Shared pieces of the Word documents: page setup, Chinese fonts, paragraphs, form tables."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import BaseStyle
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from templates.renderer import Renderer
from workflow.screening import per_mu as exact_per_mu

# Font names as Word and WPS know them; East Asian text only picks them up through w:eastAsia.
BODY_FONT: Final = "仿宋"
TITLE_FONT: Final = "宋体"
LATIN_FONT: Final = "Times New Roman"
TABLE_STYLE: Final = "Form Text"  # paragraph style of table cells
TABLE_STYLE_ID: Final = "FormText"
PROSE_STYLE: Final = "Official Prose"  # body paragraphs with a two-character indent
PROSE_STYLE_ID: Final = "OfficialProse"
PAGE_MARK: Final = "\x00"  # where the page number field goes in the footer text


def local_time(value: datetime, renderer: Renderer) -> datetime:
    """A datetime in the renderer's time zone; naive values are UTC, as everywhere in storage."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(renderer.tz)


def per_mu(amount: Decimal | None, area_mu: Decimal | None) -> Decimal | None:
    """An amount per 亩 as printed, to two places, or None when either figure is missing."""
    figure = exact_per_mu(amount, area_mu)
    return None if figure is None else figure.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_choice(name: str, value: str | None, allowed: Iterable[str]) -> None:
    """Refuse a code the templates do not know, naming the field."""
    if value is not None and value not in allowed:
        raise ValueError(f"{name}: unknown value {value!r}")


def _east_asian(rpr: Any, east_asian: str, latin: str = LATIN_FONT) -> None:
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    # Quotes and dashes are shared with Latin; Word renders them full-width only for zh-CN.
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style_font(style: BaseStyle, size: float, east_asian: str = BODY_FONT) -> None:
    style.font.size = Pt(size)  # type: ignore[attr-defined]
    _east_asian(style.element.get_or_add_rPr(), east_asian)


def new_document(
    *, body_size: float, margins_mm: tuple[float, float, float, float] = (25, 25, 25, 20)
) -> Document:
    """An empty A4 document: top, bottom, left, right margins; 仿宋 body text."""
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, bottom, left, right = margins_mm
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    normal = doc.styles["Normal"]
    _style_font(normal, body_size)
    normal.paragraph_format.space_after = Pt(0)  # type: ignore[attr-defined]
    normal.paragraph_format.line_spacing = 1.25  # type: ignore[attr-defined]
    prose = doc.styles.add_style(PROSE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    prose.style_id = PROSE_STYLE_ID
    prose.base_style = normal
    prose.paragraph_format.first_line_indent = Pt(2 * body_size)  # type: ignore[attr-defined]
    form = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    form.style_id = TABLE_STYLE_ID
    form.base_style = normal
    _style_font(form, min(body_size, 12))
    form.paragraph_format.line_spacing = 1.15  # type: ignore[attr-defined]
    return doc


def text_width(doc: Document) -> int:
    """The width between the margins, in EMU."""
    section = doc.sections[0]
    return int(section.page_width - section.left_margin - section.right_margin)  # type: ignore[operator]


def title(doc: Document, text: str, *, size: float) -> Paragraph:
    """The centred bold 宋体 title."""
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_after = Pt(size / 2)
    run = para.add_run(text)
    run.bold = True
    run.font.size = Pt(size)
    _east_asian(run._r.get_or_add_rPr(), TITLE_FONT)
    return para


def paragraph(
    doc: Document | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
) -> Paragraph:
    """One paragraph; `indent` is the two-character first-line indent of official prose."""
    para = doc.add_paragraph()
    if indent:
        para._p.style = PROSE_STYLE_ID  # by id: looking a style up by name scans every style
    if text:
        para.add_run(text).bold = bold or None  # None: inherit, rather than an explicit "off"
    if align is not None:
        para.alignment = align
    return para


class FormTable:
    """A bordered table with fixed column widths, filled row by row."""

    def __init__(self, doc: Document, widths: Sequence[float]) -> None:
        self.table = doc.add_table(rows=0, cols=len(widths))
        self.table.style = doc.styles["Table Grid"]
        self.table.autofit = False
        total, share = text_width(doc), sum(widths)
        self.widths = [int(total * w / share) for w in widths]
        for column, width in zip(self.table.columns, self.widths, strict=True):
            column.width = width

    def row(
        self,
        cells: Sequence[str | list[str] | None],
        *,
        spans: Sequence[int] | None = None,
        labels: Sequence[int] = (),
        header: bool = False,
    ) -> list[_Cell]:
        """Add a row of texts (or lists of paragraphs); `spans` merges columns left to right;
        cells at `labels` are bold and centred, as are all cells of a `header` row."""
        row = self.table.add_row()  # one cell per grid column, each as wide as its column
        if header:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on each page
        tcs = list(row._tr.tc_lst)
        merged: list[_Cell] = []
        start = 0
        # Spanning by hand: _Cell.merge re-reads the whole grid and costs more than the row.
        for span in spans or [1] * len(cells):
            tc = tcs[start]
            if span > 1:
                tc.grid_span = span
                tc.width = sum(self.widths[start : start + span])
                for extra in tcs[start + 1 : start + span]:
                    row._tr.remove(extra)
            merged.append(_Cell(tc, self.table))
            start += span
        for index, (cell, content) in enumerate(zip(merged, cells, strict=True)):
            fill_cell(cell, content, label=header or index in labels)
        return merged


def fill_cell(
    cell: _Cell,
    content: str | list[str] | None,
    *,
    label: bool = False,
    first_bold: bool = False,
    last_right: bool = False,
) -> None:
    """Write paragraphs into a cell in the form's text style; labels are bold and centred."""
    lines = [content] if isinstance(content, str) else list(content or [""])
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    first = cell.paragraphs[0]
    first._p.style = TABLE_STYLE_ID  # by id: looking a style up by name scans every style
    for index, line in enumerate(lines):
        if index == 0:
            para = first
        else:
            para = cell.add_paragraph()
            para._p.style = TABLE_STYLE_ID
        if line:
            para.add_run(line).bold = label or (first_bold and index == 0) or None
        if label:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif last_right and index == len(lines) - 1 and len(lines) > 1:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def page_number_footer(doc: Document, text: str) -> None:
    """A centred footer; PAGE_MARK in `text` becomes the page number field."""
    before, _, after = text.partition(PAGE_MARK)
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run(before)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    shown = OxmlElement("w:t")
    shown.text = "1"
    run.append(shown)
    field.append(run)
    para._p.append(field)
    para.add_run(after)


def to_bytes(doc: Document) -> bytes:
    """The .docx file of a document."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


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
