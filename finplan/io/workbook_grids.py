"""Output sheets as grids of values and formulas, for one bulk write per sheet.

The xlwings front door cannot copy a whole openpyxl sheet into an open Excel
workbook; it writes each output sheet's cells (values and formulas, from A1)
in one call.  The grids come from the same writer as ``finplan build``, so
both front doors give the same outputs.

>>> pad([[1]], 2, 2)
[[1, None], [None, None]]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import column_index_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from finplan.errors import CaseError
from finplan.io.workbook_layout import OUTPUT_SHEETS, SHEETS, InputLayout
from finplan.io.workbook_outputs import write_outputs
from finplan.model.plan import Plan

__all__ = ["output_grids", "output_sheets", "error_grid", "pad", "sheet_grid", "protect_text",
           "SheetLook", "sheet_look", "boxes"]

# (first row, first column, last row, last column), 1-based and inclusive
Box = tuple[int, int, int, int]

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


@dataclass(frozen=True)
class SheetLook:
    """How an output sheet looks in ``finplan fill``, as a few rectangles per style so
    that the button can give the same look in a bounded number of calls: number
    formats, bold cells, solid fills (hex colours), column widths (by runs of
    columns), and cell-value
    conditional formats ``(operator, formula, fill colour, box)``."""

    formats: tuple[tuple[str, Box], ...] = ()
    bold: tuple[Box, ...] = ()
    fills: tuple[tuple[str, Box], ...] = ()
    widths: tuple[tuple[int, int, float], ...] = ()  # first column, last column, width
    rules: tuple[tuple[str, str, str, Box], ...] = ()


def boxes(keys: dict[tuple[int, int], Any]) -> list[tuple[Any, Box]]:
    """Cells by key (row, column) -> style, as rectangles of one style each: runs of
    a row, merged with the same run of the rows just below.

    >>> boxes({(1, 1): "a", (1, 2): "a", (2, 1): "a", (2, 2): "a", (3, 2): "b"})
    [('a', (1, 1, 2, 2)), ('b', (3, 2, 3, 2))]
    """
    runs: list[tuple[Any, int, int, int]] = []  # key, row, first column, last column
    for row, column in sorted(keys):
        key = keys[(row, column)]
        if runs and runs[-1][0] == key and runs[-1][1] == row and runs[-1][3] == column - 1:
            runs[-1] = (key, row, runs[-1][2], column)
        else:
            runs.append((key, row, column, column))
    open_boxes: dict[tuple[Any, int, int], list[int]] = {}  # (key, c1, c2) -> [r1, r2]
    done: list[tuple[Any, Box]] = []
    for key, row, first, last in runs:
        found = open_boxes.get((key, first, last))
        if found and found[1] == row - 1:
            found[1] = row
            continue
        if found:
            done.append((key, (found[0], first, found[1], last)))
        open_boxes[(key, first, last)] = [row, row]
    done += [(key, (r1, c1, r2, c2)) for (key, c1, c2), (r1, r2) in open_boxes.items()]
    return sorted(done, key=lambda item: (item[1][0], item[1][1]))


_OPERATORS = {"lessThan": "less_than", "greaterThan": "greater_than", "equal": "equal_to",
              "notEqual": "not_equal_to", "lessThanOrEqual": "less_than_or_equal",
              "greaterThanOrEqual": "greater_than_or_equal"}


def _hex(color: Any) -> str | None:
    rgb = getattr(color, "rgb", None)
    return f"#{rgb[-6:]}" if isinstance(rgb, str) and len(rgb) >= 6 else None


def _cell_styles(sheet: Worksheet) -> Iterable[tuple[tuple[int, int], str, bool, str | None]]:
    """Each styled cell's number format, boldness and solid fill, read once per
    distinct style (openpyxl keeps each cell's style as indices into shared lists)."""
    seen: dict[Any, tuple[str, bool, str | None]] = {}
    for place, cell in sorted(sheet._cells.items()):
        if not cell.has_style:
            continue
        key = cell._style  # a StyleArray: the same indices, the same style
        key = tuple(key)
        if key not in seen:
            fill = _hex(cell.fill.fgColor) if cell.fill.fill_type == "solid" else None
            seen[key] = (cell.number_format, bool(cell.font.b), fill)
        yield (place, *seen[key])


def sheet_look(sheet: Worksheet) -> SheetLook:
    """The look of an openpyxl sheet (see :class:`SheetLook`)."""
    formats, bold, fills = {}, {}, {}
    for place, number_format, is_bold, fill in _cell_styles(sheet):
        if number_format != "General":
            formats[place] = number_format
        if is_bold:
            bold[place] = True
        if fill:
            fills[place] = fill
    widths = {(1, column_index_from_string(letter)): float(dimension.width)
              for letter, dimension in sheet.column_dimensions.items()
              if dimension.customWidth and dimension.width}
    rules = []
    for area in sheet.conditional_formatting:
        for rule in area.rules:
            operator = _OPERATORS.get(rule.operator or "")
            fill = _hex(rule.dxf.fill.fgColor) if rule.dxf and rule.dxf.fill else None
            if rule.type != "cellIs" or operator is None or not rule.formula:
                continue
            for bounds in area.sqref.ranges:
                c1, r1, c2, r2 = bounds.bounds
                rules.append((operator, rule.formula[0], fill or "", (r1, c1, r2, c2)))
    return SheetLook(tuple(boxes(formats)), tuple(box for _, box in boxes(bold)),
                     tuple(boxes(fills)),
                     tuple((c1, c2, width) for width, (_, c1, _, c2) in boxes(widths)),
                     tuple(rules))


def output_sheets(plan: Plan, layout: InputLayout, notes: Sequence[str] = ()
                  ) -> dict[str, tuple[list[list[Any]], SheetLook]]:
    """Every output sheet of ``plan``, by sheet name, in the order of the workbook:
    its grid of values and formulas, and its look."""
    scratch = Workbook()
    scratch.remove(scratch.active)
    write_outputs(scratch, plan, layout, {}, notes)
    return {SHEETS[key]: (sheet_grid(scratch[SHEETS[key]]), sheet_look(scratch[SHEETS[key]]))
            for key in OUTPUT_SHEETS}


def output_grids(plan: Plan, layout: InputLayout, notes: Sequence[str] = ()
                 ) -> dict[str, list[list[Any]]]:
    """Every output sheet of ``plan``, by sheet name, in the order of the workbook."""
    return {name: grid for name, (grid, _) in output_sheets(plan, layout, notes).items()}


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
