"""The « Scénarios » sheet: the key figures of each scenario (:func:`finplan.analysis.compare`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from finplan.io.cells import column_letter as get_column_letter
from finplan.io.grid import Book, Expectations, Sheet
from finplan.io.sheets.rows import (
    SheetWriter,
)
from finplan.io.workbook_layout import (
    BANNER_ROW,
    HEADER_ROW,
    LABEL_COLUMN,
)
from finplan.io.workbook_print import (
    calculation_date,
    fit_texts,
    fit_width,
    print_setup,
    widen_for_words,
)
from finplan.io.workbook_styles import (
    EUROS,
    HEADER_FILL,
    HEADER_FONT,
    NOTE_FONT,
    RIGHT,
)
from finplan.model.plan import PlanInternals


def write_table(sheet: Sheet, table: Any, first_row: int, corner: str) -> int:
    """A DataFrame as a header row and rows of values (its index in column B);
    returns the last row written."""
    sheet.put(f"{LABEL_COLUMN}{first_row}", corner)
    for offset, name in enumerate(table.columns):
        sheet.put(f"{get_column_letter(3 + offset)}{first_row}", str(name))
    for column in range(2, 3 + len(table.columns)):
        sheet.set((first_row, column), fill=HEADER_FILL, font=HEADER_FONT, align=RIGHT)
    for number, (name, values) in enumerate(table.iterrows(), start=first_row + 1):
        sheet.put(f"{LABEL_COLUMN}{number}", str(name))
        for offset, value in enumerate(values):
            if isinstance(value, Decimal):
                sheet.put((number, 3 + offset), float(value), number_format=EUROS)
            else:
                sheet.put((number, 3 + offset), value)
    return first_row + len(table)


def write_scenarios(book: Book, plan: PlanInternals, expected: Expectations) -> None:
    """The scenarios of the case side by side (values: each is a whole computation)."""
    from finplan.analysis import compare

    sheet = SheetWriter(book, "scenarios", plan, expected)
    project = plan.case.project
    sheet.title(f"Scénarios — {project.name}", f"{project.organisation} · chiffres clés du "
                "cas de base et de chaque scénario du tableau « Scénarios » des hypothèses")
    if not plan.case.scenarios:
        sheet.sheet.put(f"{LABEL_COLUMN}{HEADER_ROW}", "Aucun scénario : ajoutez-en dans le "
                        "tableau « Scénarios » de la feuille Hypothèses (une ligne par valeur "
                        "remplacée), puis relancez le calcul.", font=NOTE_FONT)
    else:
        table = compare(plan.case, plan)
        last = write_table(sheet.sheet, table, HEADER_ROW, "Indicateur")
        sheet.name_block("scenarios_comparaison", HEADER_ROW, last, 2 + len(table.columns))
    print_setup(sheet.sheet, project.organisation, project.name,
                title_rows=f"{BANNER_ROW}:{BANNER_ROW}", dated=calculation_date())
    sheet.sheet.widths[2] = 36
    for offset in range(len(plan.case.scenarios) + 1):
        sheet.sheet.widths[3 + offset] = 20
    # many scenarios: split over pages, the indicators repeated on each
    widen_for_words(sheet.sheet)
    fit_texts(sheet.sheet, fit_width(sheet.sheet, title_columns=2), title_columns=2)


