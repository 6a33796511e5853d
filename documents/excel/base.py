"""Shared pieces of the Excel workbooks: table sheets, number formats, reading a workbook back."""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Final

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "Column",
    "TableSheet",
    "fit_height",
    "key_value",
    "new_workbook",
    "percent",
    "to_bytes",
    "xlsx_rows",
]

FONT_NAME: Final = "宋体"  # the font Chinese Excel and WPS print forms in
FONT_SIZE: Final = 11
LINE_HEIGHT: Final = 15.0  # points per wrapped line at FONT_SIZE
MAX_ROW_HEIGHT: Final = 409.0  # Excel's limit
PERCENT: Final = "0.0%"
ONE_PLACE: Final = "0.0"
INTEGER: Final = "0"
MONEY: Final = "#,##0.00"

BODY: Final = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD: Final = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE: Final = Font(name=FONT_NAME, size=14, bold=True)
HEADER_FILL: Final = PatternFill("solid", fgColor="D9E1F2")
BAND_FILL: Final = PatternFill("solid", fgColor="F2F2F2")  # every other group of rows
WRAP: Final = Alignment(wrap_text=True, vertical="top")
CENTRE: Final = Alignment(wrap_text=True, horizontal="center", vertical="center")
RIGHT: Final = Alignment(wrap_text=True, horizontal="right", vertical="top")


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a table sheet: its header text, width in characters and number format."""

    header: str
    width: float
    number_format: str | None = None  # None: text (or a plain integer)


def new_workbook() -> Workbook:
    """An empty workbook, without openpyxl's default sheet."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    return wb


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(value: object, width: float) -> int:
    """How many lines a value wraps to in a column of this width (an estimate)."""
    if value is None or isinstance(value, int | float | Decimal | date):
        return 1
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in str(value).split("\n"))


def fit_height(ws: Worksheet, row: int, values: Sequence[object], widths: Sequence[float]) -> None:
    """Make a row tall enough for its wrapped values."""
    # openpyxl cannot measure text, and Excel does not refit wrapped rows it did not write itself.
    lines = max((_lines(v, w) for v, w in zip(values, widths, strict=False)), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = min(lines * LINE_HEIGHT + 3, MAX_ROW_HEIGHT)


class TableSheet:
    """A sheet holding one table: a bold frozen header row, fixed widths, wrapped cells."""

    def __init__(
        self, wb: Workbook, name: str, columns: Sequence[Column], *, missing: str = "—"
    ) -> None:
        self.ws = wb.create_sheet(name)
        self.columns = list(columns)
        self.missing = missing  # shown for an absent figure in a number column
        self.widths = [c.width for c in self.columns]
        for index, column in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
            cell = self.ws.cell(row=1, column=index, value=column.header)
            cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, CENTRE
        fit_height(self.ws, 1, [c.header for c in self.columns], self.widths)
        self.ws.freeze_panes = "A2"
        self.ws.print_title_rows = "1:1"
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = self.ws.PAPERSIZE_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]

    def row(self, values: Sequence[object], *, fill: PatternFill | None = None) -> None:
        """Append a row; None in a number column shows the missing mark, centred."""
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns")
        number = self.ws.max_row + 1
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True), start=1):
            absent = value is None and column.number_format is not None
            cell = self.ws.cell(row=number, column=index, value=self.missing if absent else value)
            cell.font = BODY
            if absent:
                cell.alignment = CENTRE
            elif column.number_format is not None:
                cell.number_format = column.number_format
                cell.alignment = RIGHT
            else:
                cell.alignment = WRAP
            if fill is not None:
                cell.fill = fill
        fit_height(self.ws, number, values, self.widths)

    def finish(self) -> None:
        """Put a filter on the header once every row is in."""
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A1:{last}{max(self.ws.max_row, 2)}"


def key_value(
    ws: Worksheet, label: str, value: object, *, number_format: str | None = None
) -> None:
    """Append a bold label and its value, as in the head of a summary sheet."""
    number = ws.max_row + 1
    head = ws.cell(row=number, column=1, value=label)
    head.font, head.alignment = BOLD, WRAP
    cell = ws.cell(row=number, column=2, value=value)
    cell.font, cell.alignment = BODY, WRAP
    if number_format is not None:
        cell.number_format = number_format
        cell.alignment = Alignment(horizontal="left", vertical="top")
    widths = [ws.column_dimensions[letter].width or 10 for letter in "AB"]
    fit_height(ws, number, [label, value], widths)


def percent(rate: Decimal | None) -> Decimal | None:
    """A per-cent rate as the fraction Excel's % format shows: 83.3 → 0.833."""
    return None if rate is None else rate / 100


def to_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of a workbook."""
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_rows(data: bytes) -> dict[str, list[list[object]]]:
    """Each sheet's rows of cell values, in order; date cells come back as dates."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheets: dict[str, list[list[object]]] = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(
                [v.date() if isinstance(v, datetime) and v.time() == time(0) else v for v in row]
            )
        sheets[ws.title] = rows
    wb.close()
    return sheets
