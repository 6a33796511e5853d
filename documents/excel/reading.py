"""Reading a workbook back: each sheet's cell values, or each table from its header row."""

from __future__ import annotations

import io
from datetime import datetime, time

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["xlsx_rows", "xlsx_tables"]


def _values(ws: Worksheet) -> list[list[object]]:
    return [
        [v.date() if isinstance(v, datetime) and v.time() == time(0) else v for v in row]
        for row in ws.iter_rows(values_only=True)
    ]


def xlsx_rows(data: bytes) -> dict[str, list[list[object]]]:
    """Each sheet's rows of cell values, in order, heading included; dates come back as dates."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheets = {ws.title: _values(ws) for ws in wb.worksheets}
    wb.close()
    return sheets


def xlsx_tables(data: bytes) -> dict[str, list[list[object]]]:
    """Each table sheet's header row and the rows under it (the heading left out); a sheet
    without a frozen header comes whole."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheets = {}
    for ws in wb.worksheets:
        rows = _values(ws)
        frozen = ws.freeze_panes
        skip = ws[frozen].row - 2 if frozen else 0  # the header is the row above the pane
        sheets[ws.title] = rows[skip:]
    wb.close()
    return sheets
