"""Shared pieces of the Excel workbooks: the printed table sheet, number formats, fixed texts.

(Longer than 300 lines: the one table sheet every workbook prints through, whose heading,
figures, header, rows and page setup read best together.)"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.page import PageMargins

from documents.texts import Texts

__all__ = [
    "Column",
    "Figure",
    "Heading",
    "TableSheet",
    "Words",
    "new_workbook",
    "percent",
    "to_bytes",
]

FONT_NAME: Final = "宋体"  # the font Chinese Excel and WPS print forms in
FONT_SIZE: Final = 11
LINE_HEIGHT: Final = 16.0  # points per wrapped line at FONT_SIZE (Noto CJK runs taller than 宋体)
MAX_ROW_HEIGHT: Final = 409.0  # Excel's limit
WIDE_CHAR: Final = 2.1  # a CJK character at FONT_SIZE, in column-width units
NARROW_CHAR: Final = 1.2  # a Latin one, allowing for wider fallbacks than 宋体's
# Column-width units (Calibri 11, the workbook's default font) across A4 landscape within
# MARGINS: a table this wide prints at 100 %; wider ones are shrunk by fit-to-width.
PAGE_WIDTH: Final = 136.0
MARGINS: Final = PageMargins(left=0.5, right=0.5, top=0.7, bottom=0.7, header=0.3, footer=0.3)

PERCENT: Final = "0.0%"
ONE_PLACE: Final = "0.0"
INTEGER: Final = "0"
MONEY: Final = "#,##0.00"  # 万元

BODY: Final = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD: Final = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE: Final = Font(name=FONT_NAME, size=16, bold=True)
MARK: Final = Font(name=FONT_NAME, size=12, bold=True)  # the form's mark: 附件6
HEADER_FILL: Final = PatternFill("solid", fgColor="D9E1F2")
BAND_FILL: Final = PatternFill("solid", fgColor="F2F2F2")  # every other group of rows
THIN: Final = Side(style="thin", color="000000")
GRID: Final = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP: Final = Alignment(wrap_text=True, vertical="center")
CENTRE: Final = Alignment(wrap_text=True, horizontal="center", vertical="center")
# Figures never wrap: too narrow a column shrinks them rather than showing ###.
FIGURE: Final = Alignment(horizontal="right", vertical="center", shrink_to_fit=True)
FIGURE_CENTRE: Final = Alignment(horizontal="center", vertical="center", shrink_to_fit=True)
KEEP_WHOLE: Final = Alignment(horizontal="left", vertical="center", shrink_to_fit=True)
# Amounts sit right, as in a ledger; counts, rates and dates sit centred, as on a form.
MEASURES: Final = frozenset({MONEY, ONE_PLACE})
LEFT: Final = Alignment(horizontal="left", vertical="center")
LEFT_LINE: Final = Alignment(horizontal="left", vertical="bottom")
RIGHT_LINE: Final = Alignment(horizontal="right", vertical="bottom")


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a table sheet: its header text, width in characters, number format, and
    how its text sits."""

    header: str
    width: float
    number_format: str | None = None  # None: text (or a plain integer)
    centred: bool = False  # short codes (是/否, a status), centred as on a printed form
    whole: bool = False  # never wrapped (a serial): shrunk to fit instead

    @property
    def alignment(self) -> Alignment:
        """How a body cell of this column is aligned."""
        if self.number_format in MEASURES:
            return FIGURE
        if self.number_format is not None:
            return FIGURE_CENTRE
        if self.whole:
            return KEEP_WHOLE
        return CENTRE if self.centred else WRAP


@dataclass(frozen=True, slots=True)
class Heading:
    """What a printed sheet shows above its table, as on the paper form: the form's mark
    (附件6), its title, and one line naming the reporting unit (填报单位) and the period or
    date; and the page footer."""

    title: str
    form: str = ""  # the form's mark, top left; "" for none
    left: str = ""  # e.g. 填报单位：…
    right: str = ""  # e.g. 填表日期：…
    footer: str = ""  # centred under every page; Excel's codes: &P the page, &N the pages


@dataclass(frozen=True, slots=True)
class Figure:
    """One labelled figure of a summary block (标签与数值)."""

    label: str
    value: object
    number_format: str | None = None


class Words:
    """A workbook's fixed texts (the macros of its template), each rendered once for the
    same arguments."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self._memo: dict[tuple[object, ...], str] = {}

    def __call__(self, part: str, /, **args: Any) -> str:
        """One macro's text with these arguments."""
        # A hundred units name the same few statuses and departments; render each once.
        key = (part, *((k, tuple(v) if isinstance(v, list) else v) for k, v in args.items()))
        text = self._memo.get(key)
        if text is None:
            text = self._memo[key] = self.texts(part, **args)
        return text

    def lines(self, part: str, /, **args: Any) -> list[str]:
        """One macro's paragraphs, without empty ones."""
        return self.texts.lines(part, **args)


def new_workbook() -> Workbook:
    """An empty workbook, without openpyxl's default sheet."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    return wb


def _display_width(text: str) -> float:
    return sum(
        WIDE_CHAR if unicodedata.east_asian_width(ch) in "WF" else NARROW_CHAR for ch in text
    )


def _lines(value: object, width: float) -> int:
    """How many lines a value wraps to in a column of this width (an estimate)."""
    if value is None or isinstance(value, int | float | Decimal | date):
        return 1  # figures shrink to fit rather than wrap
    return _text_lines(str(value), width)


@lru_cache(maxsize=4096)  # a hundred units repeat the same few names and phrases
def _text_lines(text: str, width: float) -> int:
    usable = max(width - 0.2, 1)  # what a cell of this width holds, less its padding
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in text.split("\n"))


class TableSheet:
    """A sheet that prints as an office form: the heading (form mark, title, unit and period
    line), an optional block of labelled figures, then one table with a header row; thin
    borders on every table cell, fixed widths, wrapped text, number formats, frozen header,
    and A4 landscape fitted to the page's width with the heading and header repeated on every
    printed page."""

    def __init__(
        self,
        wb: Workbook,
        name: str,
        heading: Heading,
        columns: Sequence[Column],
        *,
        missing: str = "",
        figures: Sequence[Figure] = (),
        header: bool = True,
        landscape: bool = True,
    ) -> None:
        self.ws = wb.create_sheet(name)
        self.columns = list(columns)
        self.missing = missing  # shown for an absent figure in a number column; "": blank
        self.widths = [c.width for c in self.columns]
        self._styles: dict[tuple[int, bool, int], StyleArray] = {}
        for index, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self._heading(heading)
        heading_rows = self.ws.max_row
        if figures:
            for figure in figures:
                self._figure(figure)
            self._next = self.ws.max_row + 2  # one blank row before the table
        else:
            self._next = self.ws.max_row + 1
        self.header_row: int | None = None
        if header:
            self.header_row = self._next
            self._header()
        self._page_setup(heading, heading_rows, bool(figures), landscape)

    @property
    def span(self) -> int:
        """How many columns the table spans."""
        return len(self.columns)

    def _merge(self, row: int, first: int, last: int) -> Cell:
        if last > first:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        return self.ws.cell(row=row, column=first)

    def _heading(self, heading: Heading) -> None:
        row = 1
        if heading.form:
            cell = self._merge(row, 1, self.span)
            cell.value, cell.font, cell.alignment = heading.form, MARK, LEFT
            self.ws.row_dimensions[row].height = 20
            row += 1
        cell = self._merge(row, 1, self.span)
        cell.value, cell.font, cell.alignment = heading.title, TITLE, CENTRE
        self.ws.row_dimensions[row].height = 30
        if heading.left or heading.right:
            row += 1
            half = max(1, math.ceil(self.span / 2))
            left = self._merge(row, 1, half if self.span > 1 else 1)
            left.value, left.font, left.alignment = heading.left or None, BODY, LEFT_LINE
            if self.span > 1:
                right = self._merge(row, half + 1, self.span)
                right.value, right.font, right.alignment = heading.right or None, BODY, RIGHT_LINE
            elif heading.right:
                left.value = f"{heading.left}　{heading.right}".strip()
            self.ws.row_dimensions[row].height = 22

    def _figure(self, figure: Figure) -> None:
        """A labelled figure: the label in the first column, the value across the others."""
        number = self.ws.max_row + 1
        label = self.ws.cell(row=number, column=1, value=figure.label)
        label.font, label.alignment, label.border = BOLD, WRAP, GRID
        shown = (self.missing or None) if figure.value is None else figure.value
        for index in range(2, self.span + 1):
            self.ws.cell(row=number, column=index).border = GRID
        value = self._merge(number, 2, self.span)
        value.value, value.font = shown, BODY
        if figure.number_format is not None and figure.value is not None:
            value.number_format, value.alignment = figure.number_format, LEFT
        else:
            value.alignment = WRAP
        self._fit(number, [figure.label, shown], [self.widths[0], sum(self.widths[1:])])

    def _header(self) -> None:
        assert self.header_row is not None
        for index, column in enumerate(self.columns, start=1):
            cell = self.ws.cell(row=self.header_row, column=index, value=column.header)
            cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTRE, GRID
        self._fit(self.header_row, [c.header for c in self.columns], self.widths)
        self._next = self.header_row + 1

    def _page_setup(
        self, heading: Heading, heading_rows: int, figures: bool, landscape: bool
    ) -> None:
        ws = self.ws
        setup = ws.page_setup
        setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
        setup.paperSize = ws.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages down as the rows need
        ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
        ws.page_margins = MARGINS
        ws.print_options.horizontalCentered = True
        if heading.footer:
            ws.oddFooter.center.text = heading.footer
        if self.header_row is not None and not figures:
            ws.print_title_rows = f"1:{self.header_row}"
            ws.freeze_panes = ws.cell(row=self.header_row + 1, column=1).coordinate
        elif self.header_row is not None:
            # The figures print once, on the first page; the table's header on every page.
            ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        else:
            ws.print_title_rows = f"1:{heading_rows}"

    def _fit(self, row: int, values: Sequence[object], widths: Sequence[float]) -> None:
        """Make a row tall enough for its wrapped values."""
        # openpyxl cannot measure text, and Excel does not refit wrapped rows it did not write.
        lines = max((_lines(v, w) for v, w in zip(values, widths, strict=False)), default=1)
        if lines > 1:
            self.ws.row_dimensions[row].height = min(lines * LINE_HEIGHT + 4, MAX_ROW_HEIGHT)
        else:
            self.ws.row_dimensions[row].height = LINE_HEIGHT + 4

    def row(self, values: Sequence[object], *, fill: PatternFill | None = None) -> None:
        """Append a table row; None in a number column shows the missing mark, else blank."""
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns")
        number = self._next
        self._next += 1
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True), start=1):
            absent = value is None and column.number_format is not None
            shown = (self.missing or None) if absent else value
            cell = self.ws.cell(row=number, column=index, value=shown)
            cell._style = copy(self._style(index, absent, fill))
        wrapped = [None if c.whole else v for c, v in zip(self.columns, values, strict=True)]
        self._fit(number, wrapped, self.widths)

    def _style(self, index: int, absent: bool, fill: PatternFill | None) -> StyleArray:
        """A body cell's style, made once per column and shading."""
        # Styling each cell anew hashes every style object: ten times the cost of the rows.
        key = (index, absent, id(fill))
        style = self._styles.get(key)
        if style is None:
            column = self.columns[index - 1]
            cell = Cell(self.ws)
            cell.font, cell.border = BODY, GRID
            if absent:
                cell.alignment = CENTRE
            else:
                cell.alignment = column.alignment
                if column.number_format is not None:
                    cell.number_format = column.number_format
            if fill is not None:
                cell.fill = fill
            style = self._styles[key] = cell._style
        return style

    def note(self, text: str) -> None:
        """Append a paragraph across the table's width, unframed, as under a printed form."""
        number = self._next
        self._next += 1
        cell = self._merge(number, 1, self.span)
        cell.value, cell.font, cell.alignment = text, BODY, WRAP
        self._fit(number, [text], [sum(self.widths)])

    def finish(self) -> None:
        """Put a filter on the header once every row is in."""
        if self.header_row is None:
            return
        last = get_column_letter(self.span)
        end = max(self._next - 1, self.header_row + 1)
        self.ws.auto_filter.ref = f"A{self.header_row}:{last}{end}"


def percent(rate: Decimal | None) -> Decimal | None:
    """A per-cent rate as the fraction Excel's % format shows: 83.3 → 0.833."""
    return None if rate is None else rate / 100


def to_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of a workbook."""
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
