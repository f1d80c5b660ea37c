"""A sensitivity table as a workbook sheet with a colour scale."""

from __future__ import annotations

from typing import Any

from finplan.io.cells import column_letter
from finplan.io.grid import Book, ScaleRule
from finplan.io.sheets.scenarios import write_table
from finplan.io.workbook_print import print_setup
from finplan.io.workbook_styles import NOTE_FONT, TITLE_FONT

__all__ = ["sensitivity_workbook"]


def sensitivity_workbook(frame: Any, measure: str) -> Any:
    """``Sensibilité`` sheet: the table, red (low) to green (high); an openpyxl
    workbook."""
    from openpyxl import Workbook

    from finplan.io.grid_openpyxl import write_book

    model = Book()
    sheet = model.create_sheet("Sensibilité")
    sheet.put("B1", f"Sensibilité : {measure}", font=TITLE_FONT)
    rows_name = frame.index.name or "variation"
    columns_name = frame.columns.name
    sheet.put("B2", f"Lignes : {rows_name}" + (f" ; colonnes : {columns_name}"
                                                if columns_name else "") + " (en euros)",
              font=NOTE_FONT)
    last = write_table(sheet, frame, 4, rows_name)
    area = f"C5:{column_letter(2 + len(frame.columns))}{last}"
    sheet.rules.append(ScaleRule(area, ("F8696B", "FFEB84", "63BE7B")))
    sheet.widths[2] = 30
    for offset in range(len(frame.columns)):
        sheet.widths[3 + offset] = 16
    print_setup(sheet, "", f"Sensibilité : {measure}")
    book = Workbook()
    book.remove(book.active)
    write_book(model, book)
    return book
