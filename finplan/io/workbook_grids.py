"""Output sheets as grids of values and formulas, for one bulk write per sheet.

The xlwings front door cannot copy a whole openpyxl sheet into an open Excel
workbook; it writes each output sheet's cells (values and formulas, from A1)
in one call.  The grids come from the same writer as ``finplan build``, so
both front doors give the same outputs.

>>> pad([[1]], 2, 2)
[[1, None], [None, None]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from finplan.errors import CaseError
from finplan.io.workbook_layout import OUTPUT_SHEETS, SHEETS, InputLayout
from finplan.io.workbook_outputs import write_outputs
from finplan.model.plan import Plan

__all__ = ["output_grids", "error_grid", "pad", "sheet_grid", "protect_text"]

_FORMULA_STARTS = ("=", "+", "-", "@")


def protect_text(value: Any) -> Any:
    """A text that Excel would take for a formula, protected by a leading apostrophe.

    >>> protect_text("=cmd"), protect_text("Région"), protect_text(12)
    ("'=cmd", 'Région', 12)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def sheet_grid(sheet: Worksheet) -> list[list[Any]]:
    """A sheet's cells from A1 as written by hand: formulas as ``=…`` text, text that
    looks like a formula protected by a leading apostrophe (Excel keeps it as text)."""
    grid = []
    for row in sheet.iter_rows(min_row=1, min_col=1, max_row=sheet.max_row,
                               max_col=sheet.max_column):
        values = []
        for cell in row:
            value = cell.value
            if cell.data_type == "s":
                value = protect_text(value)
            elif hasattr(value, "as_tuple"):  # Decimal
                value = float(value)
            values.append(value)
        grid.append(values)
    return grid


def output_grids(plan: Plan, layout: InputLayout, notes: Sequence[str] = ()
                 ) -> dict[str, list[list[Any]]]:
    """Every output sheet of ``plan``, by sheet name, in the order of the workbook."""
    scratch = Workbook()
    scratch.remove(scratch.active)
    write_outputs(scratch, plan, layout, {}, notes)
    return {SHEETS[key]: sheet_grid(scratch[SHEETS[key]]) for key in OUTPUT_SHEETS}


def error_grid(error: CaseError) -> list[list[Any]]:
    """The ``Contrôles`` sheet when the inputs have errors: where, and what to fix."""
    rows: list[list[Any]] = [
        [None, "Contrôles"],
        [None, "Le plan n'a pas été calculé : corrigez les cellules ci-dessous, puis "
               "cliquez à nouveau sur « Calculer le plan ». Les autres feuilles montrent "
               "encore le calcul précédent."],
        [],
        ["Cellule", "Problème"],
    ]
    for issue in error.issues:
        rows.append([issue.where, "'" + issue.message if issue.message.startswith(
            _FORMULA_STARTS) else issue.message])
    return rows


def pad(grid: list[list[Any]], rows: int, columns: int) -> list[list[Any]]:
    """``grid`` as a rectangle of at least ``rows`` × ``columns`` (blanks: None), so
    that one write also clears what a previous, larger write left."""
    height = max(rows, len(grid), 1)
    width = max(columns, max((len(row) for row in grid), default=0), 1)
    return [list(row) + [None] * (width - len(row)) for row in grid] + [
        [None] * width for _ in range(height - len(grid))]
