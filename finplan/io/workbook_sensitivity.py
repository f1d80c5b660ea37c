"""A sensitivity table as a workbook sheet with a colour scale."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from finplan.io.workbook_inputs import put
from finplan.io.workbook_outputs import write_table
from finplan.io.workbook_styles import NOTE_FONT, TITLE_FONT, print_setup

__all__ = ["sensitivity_workbook"]


def sensitivity_workbook(frame: Any, measure: str) -> Workbook:
    """``Sensibilité`` sheet: the table, red (low) to green (high)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Sensibilité"
    put(sheet, "B1", f"Sensibilité : {measure}")
    sheet["B1"].font = TITLE_FONT
    rows_name = frame.index.name or "variation"
    columns_name = frame.columns.name
    put(sheet, "B2", f"Lignes : {rows_name}" + (f" ; colonnes : {columns_name}"
                                                 if columns_name else "") + " (en euros)")
    sheet["B2"].font = NOTE_FONT
    last = write_table(sheet, frame, 4, rows_name)
    area = f"C5:{get_column_letter(2 + len(frame.columns))}{last}"
    sheet.conditional_formatting.add(area, ColorScaleRule(
        start_type="min", start_color="F8696B", mid_type="percentile", mid_value=50,
        mid_color="FFEB84", end_type="max", end_color="63BE7B"))
    sheet.column_dimensions["B"].width = 30
    for offset in range(len(frame.columns)):
        sheet.column_dimensions[get_column_letter(3 + offset)].width = 16
    print_setup(sheet, "", f"Sensibilité : {measure}")
    return book
