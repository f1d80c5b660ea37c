"""A workbook as plain data: what finplan writes on each sheet, before any
spreadsheet library is involved.

finplan's sheet writers (:mod:`finplan.io.sheets`, :mod:`finplan.io.workbook_inputs`,
…) describe a sheet here — its values and formulas, the look of each cell, column
widths and row heights, conditional formats, charts, print setup — and two thin
renderers turn the description into a real workbook:

- :mod:`finplan.io.grid_openpyxl` writes it with openpyxl (``build``, ``template``,
  ``fill``), each distinct look created once and shared by its cells;
- :mod:`finplan.excel` plays it in an open Excel workbook through xlwings (the
  « Calculer le plan » button): one bulk write of the values per sheet, then one
  call per rectangle of a look.

Both read the same description, so the button and ``fill`` give the same
workbook by construction, and the button never needs openpyxl (a desktop click
starts a new Python each time: importing openpyxl alone costs about 0.1 s).

A look is made of the parts a spreadsheet styles separately — number format,
font, fill, border, alignment — and setting one part leaves the others as they
are, as in a spreadsheet.

>>> sheet = Sheet("Budget")
>>> sheet.put("B2", "Total")
>>> sheet.formula("C2", "SUM(C3:C9)", number_format="0.00")
>>> sheet.set("B2", font=Font(bold=True))
>>> sheet.value("C2"), sheet.style("C2").number_format, sheet.style("B2").font.bold
('SUM(C3:C9)', '0.00', True)
>>> sheet.max_row, sheet.max_column
(2, 3)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from finplan.io.cells import coordinate, quote_sheet, split

__all__ = ["Formula", "Font", "Align", "Border", "Style", "PLAIN", "CellRule", "ScaleRule",
           "Ref", "Chart", "Page", "Comment", "Validation", "Table", "Sheet", "Book",
           "FONT", "Expectations"]

# Value types are named tuples rather than dataclasses: a frozen dataclass costs about a
# millisecond to define (its methods are generated at import), and the Excel button,
# which starts a new Python at each click, imports these.

#: (sheet name, cell) -> the value the engine computed for the formula written there,
#: so that a test can recalculate a workbook with a real spreadsheet and compare
Expectations = dict[tuple[str, str], Any]

FONT = "Calibri"  # named: without a name LibreOffice prints a wider serif face


class Formula(str):
    """A formula, without its leading ``=``: ``Formula("SUM(C3:C9)")``.  Any other
    text written on a sheet stays text, even one starting with ``=``."""

    __slots__ = ()


class Font(NamedTuple):
    """A font: Calibri (:data:`FONT`), 11 points unless ``size`` says otherwise;
    ``color`` as hex ``RRGGBB``."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None


class Align(NamedTuple):
    """Alignment of a cell's content."""

    horizontal: str | None = None  # left, center, right
    vertical: str | None = None  # top, center, bottom
    wrap: bool = False
    indent: int = 0


class Border(NamedTuple):
    """Lines above and below a cell (``thin``, ``double``…)."""

    top: str | None = None
    bottom: str | None = None


class Style(NamedTuple):
    """The look of a cell: its parts, each set on its own (None: the default)."""

    number_format: str = "General"
    font: Font | None = None
    fill: str | None = None  # solid fill, hex RRGGBB
    border: Border | None = None
    align: Align | None = None


PLAIN = Style()
# A look changed by the same parts gives the same look: computed once (a sheet sets
# thousands of parts, of a few dozen kinds).
_CHANGED: dict[tuple[Any, ...], Style] = {}


class CellRule(NamedTuple):
    """A conditional format: cells of ``area`` whose value compares to ``formula`` by
    ``operator`` (``lessThan``, ``equal``…) take the fill ``fill``."""

    area: str
    operator: str
    formula: str
    fill: str


class ScaleRule(NamedTuple):
    """A three-colour scale over ``area``: lowest, median (50th percentile), highest."""

    area: str
    colors: tuple[str, str, str]


class Ref(NamedTuple):
    """A rectangle of cells of a named sheet, as a chart refers to it."""

    sheet: str
    first_row: int
    first_column: int
    last_row: int
    last_column: int

    def __str__(self) -> str:
        first = f"${_letters(self.first_column)}${self.first_row}"
        last = f"${_letters(self.last_column)}${self.last_row}"
        return f"{quote_sheet(self.sheet)}!{first}" + ("" if first == last else f":{last}")


def _letters(column: int) -> str:
    return coordinate(1, column)[:-1]


class Chart(NamedTuple):
    """A chart anchored at a cell: one series per ``(name, values)`` (``name`` a cell
    holding the series' name, or None), the categories under the plot.

    ``kind`` is ``line`` (straight segments) or ``bars`` (columns, ``stacked`` or
    side by side); sizes are in centimetres."""

    kind: str
    title: str
    anchor: str
    series: tuple[tuple[Ref | None, Ref], ...]
    categories: Ref
    width: float
    height: float
    stacked: bool = False
    y_title: str | None = None
    x_title: str | None = None
    y_format: str | None = None
    axis_at_bottom: bool = False  # the category axis and its labels under the plot,
    # even when values go below zero
    legend: bool = True
    gap_width: int | None = None

    @property
    def anchor_cell(self) -> tuple[int, int]:
        return split(self.anchor)


class Page:
    """How a sheet prints (see :mod:`finplan.io.workbook_print`): A4, landscape unless
    told otherwise, one page wide (the spreadsheet computes the scale) until
    ``fit_to_page`` is turned off for a ``scale``; margins in inches (left, right,
    top, bottom); header and footer texts (left, centre, right); rows and columns
    repeated on each page; the last column (row) of each page but the last."""

    def __init__(self, header: tuple[str, str, str] = ("", "", ""),
                 footer: tuple[str, str, str] = ("", "", ""),
                 title_rows: str | None = None) -> None:
        self.landscape = True
        self.fit_to_page = True
        self.fit_width: int | None = 1
        self.fit_height: int | None = 0
        self.scale: int | None = None
        self.page_order: str | None = None
        self.centered = True
        self.margins = (0.5, 0.5, 0.8, 0.7)
        self.header, self.footer = header, footer
        self.title_rows = title_rows
        self.title_columns: str | None = None
        self.column_breaks: list[int] = []
        self.row_breaks: list[int] = []
        # the parts printed, each on pages of its own (None: every filled cell):
        # ranges separated by commas, ``B1:C19,B21:S170``
        self.area: str | None = None


class Comment(NamedTuple):
    """A note on a cell (sizes in points)."""

    text: str
    author: str = "finplan"
    width: int = 320
    height: int = 140


class Validation:
    """A drop-down list on ``areas``: values from ``source`` (a formula); ``strict``:
    any other value is refused (else accepted: a value a year, « Voté ; Sollicité »)."""

    def __init__(self, source: str, error_title: str = "Valeur inconnue",
                 error: str = "Choisissez une valeur dans la liste déroulante.",
                 strict: bool = True) -> None:
        self.source, self.error_title, self.error = source, error_title, error
        self.strict = strict
        self.areas: list[str] = []


class Table(NamedTuple):
    """An Excel table (a named, striped range with its header row)."""

    name: str
    ref: str
    style: str = "TableStyleLight9"


class Sheet:
    """One sheet: cells (values, formulas) and their looks, sizes, rules, charts,
    print setup; rows and columns are 1-based."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.cells: dict[tuple[int, int], Any] = {}
        self.styles: dict[tuple[int, int], Style] = {}
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        self.freeze: str | None = None
        self.rules: list[CellRule | ScaleRule] = []
        self.charts: list[Chart] = []
        self.page: Page | None = None
        self.hidden = False
        self.tab_color: str | None = None
        self.comments: dict[tuple[int, int], Comment] = {}
        self.validations: list[Validation] = []
        self.tables: list[Table] = []
        # the longest text a formula cell may show, for the page layout (not written)
        self.shown: dict[tuple[int, int], str] = {}
        self._extent = [0, 0]  # the last row and column written or styled

    def __repr__(self) -> str:
        return f"<Sheet {self.title!r}: {len(self.cells)} cells>"

    # -- values ---------------------------------------------------------------------

    def put(self, place: str | tuple[int, int], value: Any, **parts: Any) -> None:
        """Write ``value`` (text stays text); ``parts`` of its look as :meth:`set`."""
        key = split(place) if isinstance(place, str) else place
        if value is None:
            self.cells.pop(key, None)
        else:
            self.cells[key] = str(value) if type(value) is Formula else value
            self._reach(key)
        if parts:
            self.set(key, **parts)

    def formula(self, place: str | tuple[int, int], text: str, **parts: Any) -> None:
        """Write the formula ``text`` (without ``=``)."""
        key = split(place) if isinstance(place, str) else place
        self.cells[key] = Formula(text)
        self._reach(key)
        if parts:
            self.set(key, **parts)

    def put_rows(self, first_row: int, rows: Iterable[Sequence[Any]],
                 styles: Sequence[Style | None] = ()) -> int:
        """Write ``rows`` of values from ``first_row``, column A, the cells of column
        ``k`` (1-based) with the look ``styles[k - 1]`` when given; returns the last
        row written.  For large tables: no look is merged cell by cell."""
        row = first_row - 1
        width = 0
        cells, looks = self.cells, self.styles
        for row, values in enumerate(rows, start=first_row):
            width = max(width, len(values))
            for column, value in enumerate(values, start=1):
                if value is not None:
                    cells[(row, column)] = value
                look = styles[column - 1] if column <= len(styles) else None
                if look is not None:
                    looks[(row, column)] = look
        if row >= first_row:
            self._reach((row, width))
        return row

    def value(self, place: str | tuple[int, int]) -> Any:
        return self.cells.get(split(place) if isinstance(place, str) else place)

    # -- looks ----------------------------------------------------------------------

    def set(self, place: str | tuple[int, int], **parts: Any) -> None:
        """Set parts of a cell's look (``number_format``, ``font``, ``fill``,
        ``border``, ``align``); the others stay."""
        key = split(place) if isinstance(place, str) else place
        current = self.styles.get(key, PLAIN)
        change = (current, *parts.items())
        made = _CHANGED.get(change)
        if made is None:
            made = _CHANGED[change] = current._replace(**parts)
        self.styles[key] = made
        self._reach(key)

    def set_style(self, place: str | tuple[int, int], style: Style) -> None:
        """Give a cell the whole look ``style``."""
        key = split(place) if isinstance(place, str) else place
        self.styles[key] = style
        self._reach(key)

    def style(self, place: str | tuple[int, int]) -> Style:
        return self.styles.get(split(place) if isinstance(place, str) else place, PLAIN)

    # -- extent ---------------------------------------------------------------------

    def _reach(self, key: tuple[int, int]) -> None:
        extent = self._extent
        if key[0] > extent[0]:
            extent[0] = key[0]
        if key[1] > extent[1]:
            extent[1] = key[1]

    @property
    def max_row(self) -> int:
        """The last row written or styled (0 for an empty sheet)."""
        return self._extent[0]

    @property
    def max_column(self) -> int:
        return self._extent[1]

    def rows(self) -> dict[int, list[int]]:
        """The columns of the filled cells of each row, left to right."""
        found: dict[int, list[int]] = {}
        for row, column in sorted(self.cells):
            found.setdefault(row, []).append(column)
        return found

    def texts(self) -> Iterable[tuple[tuple[int, int], str]]:
        """Cells holding a non-empty text (not a formula)."""
        for place, value in self.cells.items():
            if isinstance(value, str) and value and type(value) is not Formula:
                yield place, value

    def grid(self) -> list[list[Any]]:
        """The cells from A1 to the last one, as written by hand: formulas as ``=…``,
        texts behind a leading apostrophe (so that Excel keeps them as they are, never
        a formula, a number or a date); numbers as floats."""
        rows, columns = self.max_row, self.max_column
        grid: list[list[Any]] = [[None] * columns for _ in range(rows)]
        for (row, column), value in self.cells.items():
            if type(value) is Formula:
                value = "=" + value
            elif isinstance(value, str) and value:
                value = "'" + value
            elif hasattr(value, "as_tuple"):  # Decimal
                value = float(value)
            grid[row - 1][column - 1] = value
        return grid


class Book:
    """Sheets in order, and the book's defined names (name -> what it refers to)."""

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []
        self.names: dict[str, str] = {}

    def create_sheet(self, title: str, index: int | None = None) -> Sheet:
        sheet = Sheet(title)
        self.sheets.insert(len(self.sheets) if index is None else index, sheet)
        return sheet

    def __getitem__(self, title: str) -> Sheet:
        return next(sheet for sheet in self.sheets if sheet.title == title)

    def __contains__(self, title: object) -> bool:
        return any(sheet.title == title for sheet in self.sheets)

    @property
    def sheetnames(self) -> list[str]:
        return [sheet.title for sheet in self.sheets]
