"""Whether the results were computed from the current inputs: ``finplan_a_jour``.

The funders' amounts, the grant release, the monthly cash flows… are computed by
finplan, not by formulas.  So that a workbook never shows figures that disagree
without saying so, every calculation (``build``, ``fill``, the Excel button)
keeps a copy of the input sheet as it was read — the hidden sheet « Dernier
calcul » — and the workbook-level name ``finplan_a_jour`` compares the input
sheet with it, cell by cell, in a formula Excel and LibreOffice evaluate without
macro::

    SUMPRODUCT(--(inputs <> copy))                      numbers, and text ignoring case
    + SUMPRODUCT(ISTEXT(inputs) * NOT(EXACT(inputs, copy)))   text, case included
    + SUMPRODUCT(--(ISBLANK(inputs) <> ISBLANK(copy)))  a value in an empty cell
    = 0

(``EXACT`` is kept to texts: LibreOffice compares numbers with it as texts
written in each cell's number format.)  An error value makes the name FALSE.  A
row inserted in the input sheet shifts the one range and not the other: FALSE
too.  Every output sheet shows a banner driven by
the name, Contrôles carries it as a check, and the verdict cannot read « Plan
validé » while it is FALSE.

>>> fresh_formula().startswith("IFERROR(SUMPRODUCT(--('Hypothèses'!$A$1:$AN$2000<>")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from finplan.io import grid
from finplan.io.cells import column_letter as get_column_letter
from finplan.io.workbook_layout import INPUT_SHEET, SHEETS, quote_sheet

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["FRESH_NAME", "SNAPSHOT_ROWS", "SNAPSHOT_COLUMNS", "fresh_formula",
           "banner_formula", "watched_banner_formula", "BANNER", "TYPED_BANNER",
           "LONGEST_BANNER",
           "TYPED_WORDS", "write_snapshot", "snapshot_grid", "model_grid"]

FRESH_NAME = "finplan_a_jour"
SNAPSHOT_ROWS, SNAPSHOT_COLUMNS = 2000, 40  # the part of the input sheet compared
# short: printed on every page, wrapped in the label column (the Contrôles sheet says
# more)
BANNER = ("Hypothèses changées depuis le dernier calcul : cliquez sur « Calculer le "
          "plan » (ou finplan fill).")


def _area(sheet: str) -> str:
    return f"{quote_sheet(sheet)}!$A$1:${get_column_letter(SNAPSHOT_COLUMNS)}${SNAPSHOT_ROWS}"


def fresh_formula() -> str:
    """The formula behind ``finplan_a_jour``: TRUE when the input sheet holds exactly
    what the last calculation read."""
    inputs, copy = _area(INPUT_SHEET), _area(SHEETS["snapshot"])
    return (f"IFERROR(SUMPRODUCT(--({inputs}<>{copy}))"
            f"+SUMPRODUCT(ISTEXT({inputs})*NOT(EXACT({inputs},{copy})))"
            f"+SUMPRODUCT(--(ISBLANK({inputs})<>ISBLANK({copy})))=0,FALSE)")


def banner_formula() -> str:
    """The banner of an output sheet: empty while the results follow the inputs (and
    in a workbook that does not know the name yet)."""
    return f'IF(IFERROR({FRESH_NAME},TRUE),"","{BANNER}")'


#: what the banner of a result sheet typed over says (:mod:`finplan.io.result_watch`)
TYPED_WORDS = "modifiés à la main"
TYPED_BANNER = (f"Montants {TYPED_WORDS} depuis le dernier calcul : cliquez sur "
                "« Calculer le plan » (ou finplan fill).")
LONGEST_BANNER = max(BANNER, TYPED_BANNER, key=len)


def watched_banner_formula(intact: str) -> str:
    """:func:`banner_formula` for a sheet that also watches its own figures: ``intact``
    the condition that they are those finplan wrote."""
    return (f'IF(IFERROR({FRESH_NAME},TRUE),IF(IFERROR({intact},FALSE),"",'
            f'"{TYPED_BANNER}"),"{BANNER}")')


class Formula(str):
    """An input formula kept as a formula (no computed value was saved with it)."""


def model_grid(sheet: grid.Sheet) -> list[list[Any]]:
    """The input sheet finplan is writing, within the compared area (what
    :func:`snapshot_grid` reads back once it is saved)."""
    rows = min(sheet.max_row, SNAPSHOT_ROWS)
    columns = min(sheet.max_column, SNAPSHOT_COLUMNS)
    cells: list[list[Any]] = [[None] * columns for _ in range(rows)]
    for (row, column), value in sheet.cells.items():
        if row <= rows and column <= columns:
            cells[row - 1][column - 1] = (Formula("=" + value)
                                          if type(value) is grid.Formula else value)
    return cells


def snapshot_grid(sheet: Worksheet, values: Worksheet | None) -> list[list[Any]]:
    """The input sheet as the calculation read it, within the compared area: a
    formula's computed value (from ``values``, the sheet opened for its cached
    values), else the formula itself."""
    rows = min(sheet.max_row, SNAPSHOT_ROWS)
    columns = min(sheet.max_column, SNAPSHOT_COLUMNS)
    cells = [[None] * columns for _ in range(rows)]
    for (row, column), cell in sheet._cells.items():  # no empty cell created
        if row > rows or column > columns or cell.value is None:
            continue
        value = cell.value
        if cell.data_type == "f":
            cached = values.cell(row, column).value if values is not None else None
            value = cached if cached is not None else Formula(value)
        cells[row - 1][column - 1] = value
    return cells


def write_snapshot(book: grid.Book, cells: Sequence[Sequence[Any]]) -> None:
    """Add the hidden « Dernier calcul » sheet holding ``cells`` and define
    ``finplan_a_jour``."""
    sheet = book.create_sheet(SHEETS["snapshot"])
    sheet.hidden = True
    for row, values in enumerate(cells, start=1):
        for column, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            if isinstance(value, Formula):  # an input formula stays a formula
                sheet.formula((row, column), value[1:] if value.startswith("=") else value)
            else:
                sheet.put((row, column), value)  # text stays text
    book.names[FRESH_NAME] = fresh_formula()
