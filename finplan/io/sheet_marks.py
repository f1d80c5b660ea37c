"""Which sheets of a workbook are finplan's own, and what a user added to them.

finplan rewrites its output sheets (Budget, Financeurs, …) and its hidden
``Listes`` sheet at every fill.  It recognises them by a **mark** it writes, not
by their name alone: a hidden name scoped to the sheet, ``finplan_feuille``,
whose text is the sheet's key (``"budget"``).  A sheet a user made and called
« Trésorerie » carries no mark, so finplan refuses to replace it; when a user
deletes a sheet, Excel deletes its scoped names with it.

What finplan last wrote on each output sheet is summed up by a **fingerprint**
of the cells that hold something, kept on the ``Listes`` sheet beside the
sheet's size.  At the next fill, a cell that held something and that the new
calculation does not write is finplan's own left-over when the sheet is exactly
as finplan left it (same fingerprint), or when no fingerprint was kept and the
cell lies inside the size finplan recorded; otherwise a user typed it, and the
fill refuses rather than drop it.

>>> from openpyxl import Workbook
>>> book = Workbook(); sheet = book.active; sheet.title = "Budget"
>>> mark_sheet(sheet, "budget"); sheet_key(sheet)
'budget'
>>> sheet["B2"] = "Total"; sheet["C2"] = 12; sorted(content_cells(sheet))
['B2', 'C2']
>>> fingerprint({"B2", "C2"}) == fingerprint(["C2", "B2"])
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from finplan.errors import FinplanError
from finplan.io.workbook_layout import SHEETS

__all__ = ["MARK_NAME", "mark_sheet", "sheet_key", "finplan_sheets", "content_cells",
           "fingerprint", "grid_fingerprint", "added_cells"]

MARK_NAME = "finplan_feuille"


def mark_sheet(sheet, key: str) -> None:
    """Write the mark saying that ``sheet`` is finplan's sheet ``key``."""
    sheet.defined_names[MARK_NAME] = DefinedName(MARK_NAME, attr_text=f'"{key}"',
                                                 hidden=True)


def sheet_key(sheet) -> str | None:
    """The key of finplan's mark on ``sheet`` (None: not a sheet finplan marked)."""
    names = getattr(sheet, "defined_names", None)
    mark = names.get(MARK_NAME) if names is not None else None
    if mark is None or not mark.attr_text:
        return None
    return mark.attr_text.strip().strip('"')


def finplan_sheets(book: Workbook, keys: Iterable[str]) -> dict[str, str]:
    """Key -> title of each of finplan's sheets ``keys`` that exists in ``book``.

    A sheet with finplan's name but without finplan's mark is the user's: refuse.
    A workbook where no sheet carries a mark was made by a finplan older than the
    marks, and its sheets are recognised by their names.
    """
    marked = any(sheet_key(sheet) for sheet in book.worksheets)
    owned, foreign = {}, []
    for key in keys:
        title = SHEETS[key]
        if title not in book.sheetnames:
            continue
        if not marked or sheet_key(book[title]) == key:
            owned[key] = title
        else:
            foreign.append(title)
    if foreign:
        listed = ", ".join(f"« {title} »" for title in foreign)
        raise FinplanError(
            f"La feuille {listed} n'a pas été créée par finplan (elle porte le nom d'une "
            "feuille de résultats, mais pas sa marque) : finplan ne la remplace pas. "
            "Renommez-la (par exemple « … (perso) ») puis relancez : finplan recréera sa "
            "propre feuille à côté. Rien n'a été modifié.")
    return owned


def content_cells(sheet) -> set[str]:
    """Coordinates of the cells of ``sheet`` that hold a value or a formula."""
    # the cell store itself: iter_rows() would create every empty cell it visits
    return {f"{get_column_letter(column)}{row}"
            for (row, column), cell in sheet._cells.items() if cell.value is not None}


def fingerprint(cells: Iterable[str]) -> str:
    """A short digest of a set of cell coordinates (order does not matter)."""
    return hashlib.sha256(",".join(sorted(cells)).encode()).hexdigest()[:16]


def grid_fingerprint(grid: Iterable[Iterable[object]]) -> str:
    """The fingerprint of a grid of values written from A1 (empty texts are blanks),
    as the Excel button writes a sheet: the same as :func:`content_cells` gives once
    Excel holds it.

    >>> grid_fingerprint([["", "Total"], [None, 12]]) == fingerprint({"B1", "B2"})
    True
    """
    return fingerprint(f"{get_column_letter(column)}{row}"
                       for row, values in enumerate(grid, start=1)
                       for column, value in enumerate(values, start=1)
                       if value is not None and value != "")


def added_cells(old: Collection[str], new: Collection[str], recorded: str | None,
                extent: tuple[int, int] | None) -> list[str]:
    """Cells of an output sheet that held something, that the new calculation does
    not write, and that finplan did not write last time: what a user added.

    ``recorded`` is the fingerprint finplan kept of what it wrote; ``extent`` the
    (rows, columns) it recorded, used when no fingerprint was kept.

    >>> added_cells({"B2", "Z90"}, {"B2"}, None, (40, 8))
    ['Z90']
    >>> added_cells({"B2", "C5"}, {"B2"}, fingerprint({"B2", "C5"}), (40, 8))
    []
    """
    left = set(old) - set(new)
    if not left or (recorded and recorded == fingerprint(old)):
        return []
    if recorded:
        candidates = left
    else:
        rows, columns = extent or (0, 0)
        candidates = {cell for cell in left
                      if not (coordinate_to_tuple(cell)[0] <= rows
                              and coordinate_to_tuple(cell)[1] <= columns)}
    return sorted(candidates, key=coordinate_to_tuple)
