"""Output sheets as grids of values and formulas, and their looks as rectangles, for
the Excel button: one bulk write of the values per sheet, then one call per
rectangle of a look.

The grids and looks come from the same sheet writers as ``finplan build`` and
``fill`` (:mod:`finplan.io.grid`), so both front doors give the same outputs;
nothing here needs openpyxl.

>>> pad([[1]], 2, 2)
[[1, None], [None, None]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from finplan.errors import CaseError
from finplan.io import grid
from finplan.io.cells import bounds
from finplan.io.workbook_layout import OUTPUT_SHEETS, SHEETS, InputLayout
from finplan.io.workbook_members import extra_titles, write_stale
from finplan.io.workbook_outputs import write_outputs
from finplan.model.plan import PlanInternals

__all__ = ["output_grids", "output_parts", "output_sheets", "error_sheet", "pad", "protect_text",
           "SheetLook", "sheet_look", "boxes", "Box"]

# (first row, first column, last row, last column), 1-based and inclusive
Box = tuple[int, int, int, int]

def protect_text(value: Any) -> Any:
    """A text as Excel must keep it, behind a leading apostrophe: a value written to a
    cell is read as if typed there, so « =cmd » would be a formula, « 707 » a number,
    « 1/2 » a date and « 'Bio' » would lose its apostrophe.

    >>> protect_text("=cmd"), protect_text("707"), protect_text("'Bio'"), protect_text(12)
    ("'=cmd", "'707", "''Bio'", 12)
    """
    if isinstance(value, str) and value:
        return "'" + value
    return value


class SheetLook(NamedTuple):
    """How an output sheet looks after ``finplan fill``, as a few rectangles per part
    of a look, so that the button gives the same look in a number of calls that
    depends on the sheet's structure, not on its figures.

    Colours are ``#RRGGBB``; ``borders`` are (side, line style, box) with the
    sides of xlwings (``edge_top``, ``edge_bottom``); ``widths`` and ``heights`` are
    runs of columns or rows of one size; ``rules`` are cell-value conditional
    formats ``(operator, formula, fill colour, box)`` in xlwings' words."""

    formats: tuple[tuple[str, Box], ...] = ()
    bold: tuple[Box, ...] = ()
    italic: tuple[Box, ...] = ()
    sizes: tuple[tuple[float, Box], ...] = ()
    colors: tuple[tuple[str, Box], ...] = ()
    fills: tuple[tuple[str, Box], ...] = ()
    borders: tuple[tuple[str, str, Box], ...] = ()
    wraps: tuple[Box, ...] = ()
    horizontal: tuple[tuple[str, Box], ...] = ()
    vertical: tuple[tuple[str, Box], ...] = ()
    widths: tuple[tuple[int, int, float], ...] = ()  # first column, last column, width
    heights: tuple[tuple[int, int, float], ...] = ()  # first row, last row, height
    rules: tuple[tuple[str, str, str, Box], ...] = ()
    charts: tuple[grid.Chart, ...] = ()
    freeze: str | None = None
    page: grid.Page | None = None  # how it prints (desktop Excel sets it: see excel.py)


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


def _runs(sizes: dict[int, float]) -> tuple[tuple[int, int, float], ...]:
    """Consecutive rows (or columns) of one size: ``{2: 9, 3: 9, 5: 9}`` ->
    ``((2, 3, 9), (5, 5, 9))``."""
    return tuple((first, last, size) for size, (first, _, last, _) in
                 boxes({(index, 1): size for index, size in sizes.items()}))


_OPERATORS = {"lessThan": "less_than", "greaterThan": "greater_than", "equal": "equal_to",
              "notEqual": "not_equal_to", "lessThanOrEqual": "less_than_or_equal",
              "greaterThanOrEqual": "greater_than_or_equal"}


def sheet_look(sheet: grid.Sheet) -> SheetLook:
    """The look of a sheet (see :class:`SheetLook`)."""
    parts: dict[str, dict[tuple[int, int], Any]] = {
        name: {} for name in ("formats", "bold", "italic", "sizes", "colors", "fills",
                              "wraps", "horizontal", "vertical")}
    borders: list[tuple[str, str, Box]] = []
    for place, style in sheet.styles.items():
        if style.number_format != "General":
            parts["formats"][place] = style.number_format
        font, align = style.font, style.align
        if font is not None:
            for name, value in (("bold", font.bold), ("italic", font.italic),
                                ("sizes", font.size),
                                ("colors", f"#{font.color}" if font.color else None)):
                if value:
                    parts[name][place] = value
        if style.fill:
            parts["fills"][place] = f"#{style.fill}"
        if align is not None:
            for name, value in (("wraps", align.wrap), ("horizontal", align.horizontal),
                                ("vertical", align.vertical)):
                if value:
                    parts[name][place] = value
    border_cells: dict[tuple[int, int], tuple[str | None, str | None]] = {
        place: (style.border.top, style.border.bottom)
        for place, style in sheet.styles.items() if style.border is not None}
    for (top, bottom), (r1, c1, r2, c2) in boxes(border_cells):
        for row in range(r1, r2 + 1):  # each row its own lines (a top and a bottom)
            for side, line in zip(("edge_top", "edge_bottom"), (top, bottom)):
                if line:
                    borders.append((side, line, (row, c1, row, c2)))
    found = {name: boxes(cells) for name, cells in parts.items()}
    rules = tuple((_OPERATORS[rule.operator], rule.formula, f"#{rule.fill}",
                   bounds(rule.area)) for rule in sheet.rules
                  if isinstance(rule, grid.CellRule) and rule.operator in _OPERATORS)
    return SheetLook(
        formats=tuple(found["formats"]), bold=tuple(box for _, box in found["bold"]),
        italic=tuple(box for _, box in found["italic"]), sizes=tuple(found["sizes"]),
        colors=tuple(found["colors"]), fills=tuple(found["fills"]),
        borders=tuple(borders), wraps=tuple(box for _, box in found["wraps"]),
        horizontal=tuple(found["horizontal"]), vertical=tuple(found["vertical"]),
        widths=_runs(sheet.widths), heights=_runs(sheet.heights), rules=rules,
        charts=tuple(sheet.charts), freeze=sheet.freeze, page=sheet.page)


def output_book(plan: PlanInternals, layout: InputLayout, notes: Sequence[str] = (),
                text_cells: Sequence[str] = (), retired: Sequence[str] = ()) -> grid.Book:
    """Every output sheet of ``plan`` (:mod:`finplan.io.grid`): a collective's with its
    « Membres » and members' sheets, a note on each ``retired`` one (a member no
    longer in the collective)."""
    book = grid.Book()
    write_outputs(book, plan, layout, {}, notes, text_cells)
    for title in retired:
        write_stale(book, title)
    return book


def output_parts(plan: PlanInternals, layout: InputLayout, notes: Sequence[str] = (),
                 text_cells: Sequence[str] = (), retired: Sequence[str] = ()
                 ) -> tuple[dict[str, tuple[list[list[Any]], SheetLook]], dict[str, str]]:
    """Every output sheet of ``plan``, by sheet name, in the order of the workbook —
    its grid of values and formulas, and its look — and the defined names of its
    blocks (name -> what it refers to)."""
    book = output_book(plan, layout, notes, text_cells, retired)
    titles = [SHEETS[key] for key in OUTPUT_SHEETS] + extra_titles(book.sheetnames)
    return ({title: (book[title].grid(), sheet_look(book[title])) for title in titles},
            dict(book.names))


def output_sheets(plan: PlanInternals, layout: InputLayout, notes: Sequence[str] = (),
                  text_cells: Sequence[str] = ()
                  ) -> dict[str, tuple[list[list[Any]], SheetLook]]:
    """Every output sheet of ``plan``, by sheet name (see :func:`output_parts`)."""
    return output_parts(plan, layout, notes, text_cells)[0]


def output_grids(plan: PlanInternals, layout: InputLayout, notes: Sequence[str] = ()
                 ) -> dict[str, list[list[Any]]]:
    """Every output sheet of ``plan``, by sheet name, in the order of the workbook."""
    return {name: cells for name, (cells, _) in output_sheets(plan, layout, notes).items()}


def error_sheet(error: CaseError) -> grid.Sheet:
    """The ``Contrôles`` sheet when the inputs have errors: each cell to fix (with the
    label of its row) and what is wrong with it, readable on screen and on paper."""
    from finplan.io.workbook_print import fit_texts, widen_for_words
    from finplan.io.workbook_styles import HEADER_FILL, HEADER_FONT, NOTE_FONT, TITLE_FONT, WRAP

    sheet = grid.Sheet(SHEETS["checks"])
    sheet.put("B1", "Contrôles", font=TITLE_FONT)
    sheet.put("B2", "Le plan n'a pas été calculé : corrigez les cellules ci-dessous, puis "
              "cliquez à nouveau sur « Calculer le plan ». Les autres feuilles ne sont pas "
              "modifiées.", font=NOTE_FONT, align=WRAP)
    for column, text in ((2, "Cellule"), (3, "Problème")):
        sheet.put((4, column), text, fill=HEADER_FILL, font=HEADER_FONT)
    for row, issue in enumerate(error.issues, start=5):
        sheet.put((row, 2), issue.where, align=WRAP)
        sheet.put((row, 3), issue.message, align=WRAP)
    sheet.widths.update({1: 3, 2: 40, 3: 90})
    widen_for_words(sheet)
    fit_texts(sheet)
    return sheet


def pad(cells: list[list[Any]], rows: int, columns: int) -> list[list[Any]]:
    """``cells`` as a rectangle of at least ``rows`` × ``columns`` (blanks: None), so
    that one write also clears what a previous, larger write left."""
    height = max(rows, len(cells), 1)
    width = max(columns, max((len(row) for row in cells), default=0), 1)
    return [list(row) + [None] * (width - len(row)) for row in cells] + [
        [None] * width for _ in range(height - len(cells))]
