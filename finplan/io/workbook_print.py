"""How the finplan workbook prints: A4 landscape pages at a readable scale, texts that
are never cut, headers dated in French.

A funder files the printed workbook, so every sheet must print like a document:

* **Scale.** No page below :data:`MIN_SCALE` percent. A sheet whose columns fit one
  page wide at that scale is printed one page wide (``fitToPage``: the spreadsheet
  computes the exact scale); a wider sheet is printed at a fixed scale over several
  pages, split where :func:`fit_width` is told to split (a year of months, the
  amounts then the reasons), with its title columns repeated on every page.
* **Texts.** A text longer than its cell runs over the empty cells to its right, as
  long as they are part of the printed columns; otherwise (the next cell is filled, the
  text would leave the page, or the column is repeated on pages where the columns to
  its right are others) :func:`fit_texts` wraps it in its cell and gives the row the
  height its lines need: neither Excel nor LibreOffice grows a row when the file is
  opened.
* **Dates.** ``&D`` in a header prints the date in the locale of the machine that
  prints (``11/23/2026`` on an English system); the output sheets carry instead the
  date of the calculation written in French, as text (« Calculé le 23 novembre
  2026 »), which is also what a reviewer needs: which calculation the figures come
  from.

Texts are measured with Calibri's advance widths, rounded up, against columns measured
in Calibri's unit (Excel; LibreOffice with Carlito, Calibri's metric twin); pages are
laid out for the wider unit of LibreOffice printing with DejaVu Sans where Carlito is
not installed. Every estimate errs towards a wrap or a smaller scale, never towards a
cut; ``tests/test_print.py`` prints the examples with LibreOffice and reads the pages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from functools import lru_cache

from finplan.io.cells import bounds, column_letter
from finplan.io.grid import Align, Font, Page, Sheet
from finplan.model.cash import MONTHS_FR

__all__ = ["MIN_SCALE", "calculation_date", "column_points", "fit_one_page", "fit_texts",
           "fit_width",
           "french_date", "print_setup", "printable_width", "sheet_points", "text_points",
           "widen_for_words", "charts_on_their_own_page", "chart_overhang"]

MIN_SCALE = 70  # percent: below it a printed page is hard to read (issue 12)
ONE_PAGE_SCALE = 76  # one page wide from this estimated scale: the real one stays >= 70
WIDE_SCALE = 75  # a sheet split into pages of its own columns is printed at this scale
PAGE_WIDTH = 841.89  # A4 landscape, points
POINTS_PER_UNIT = 5.25  # a column width unit: 7 pixels (a Calibri 11 digit) = 5.25 pt
# A unit is the width of a digit of the workbook's font. LibreOffice without Carlito
# (Calibri's metric twin) prints with DejaVu Sans, whose digits are a third wider:
# pages are laid out for that wider unit, so they fit whichever font prints them.
PAGE_POINTS_PER_UNIT = 7.0
DEFAULT_WIDTH = 9.140625  # Excel's default column width, padding included
# The width a column holding text takes when nothing else sets it: the workbooks have
# always had it (it is openpyxl's default for a column it is asked about).
TEXT_COLUMN_WIDTH = 13.0
CELL_PADDING = 4.5  # points a cell keeps empty around its text
DEFAULT_ROW_HEIGHT = 15.0  # points, Calibri 11

# Calibri advance widths in ems (Carlito, LibreOffice's stand-in, has the same).
_EM = dict.fromkeys("ijl|", 0.23) | dict.fromkeys(" '", 0.23) | dict.fromkeys(".,:;!", 0.26)
_EM |= dict.fromkeys("ft()[]-", 0.31) | dict.fromkeys("rI", 0.35) | dict.fromkeys("sz", 0.40)
_EM |= dict.fromkeys("0123456789€", 0.51) | dict.fromkeys("mMW%", 0.86)
_EM |= dict.fromkeys("w", 0.72) | dict.fromkeys("«»", 0.50) | {"—": 0.91, "–": 0.50}
_LOWER, _UPPER = 0.51, 0.62  # the other letters, rounded up
_SAFETY = 1.06  # the estimate rounded up: a wrap too many, never a cut


class _Widths(dict):
    """Each character's width in ems; the others' by case, remembered once asked."""

    def __missing__(self, char: str) -> float:
        width = self[char] = _UPPER if char.isupper() else _LOWER
        return width


_WIDTHS = _Widths(_EM)


def french_date(day: dt.date) -> str:
    """A date as a French reader writes it.

    >>> french_date(dt.date(2026, 11, 23)), french_date(dt.date(2027, 9, 1))
    ('23 novembre 2026', '1er septembre 2027')
    """
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS_FR[day.month - 1]} {day.year}"


def calculation_date() -> dt.date:
    """Today, or the day of ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def print_setup(sheet: Sheet, organisation: str, project: str,
                title_rows: str | None = None, dated: dt.date | None = None) -> None:
    """A4 landscape, one page wide until :func:`fit_width` says otherwise; header with
    organisation, project and, for a sheet of results, the date of the calculation in
    French; footer with the sheet's name and the page number."""
    sheet.page = Page(
        header=(_escape(organisation), _escape(project),
                f"Calculé le {french_date(dated)}" if dated else ""),
        footer=(_escape(sheet.title), "", "Page &P / &N"), title_rows=title_rows)


def _escape(text: str) -> str:
    """Header text: & starts a code in Excel headers, so it is doubled."""
    return text.replace("&", "&&")


def _page(sheet: Sheet) -> Page:
    if sheet.page is None:
        sheet.page = Page()
    return sheet.page


def printable_width(sheet: Sheet) -> float:
    """Points between the side margins of an A4 landscape page."""
    left, right, _, _ = _page(sheet).margins
    return PAGE_WIDTH - 72 * (left + right)


@lru_cache(maxsize=8192)
def _points(text: str, size: float, bold: bool) -> float:
    ems = sum(map(_WIDTHS.__getitem__, text))
    return ems * size * (1.05 if bold else 1.0) * _SAFETY


def text_points(text: str, font: Font | None = None) -> float:
    """Estimated printed width of ``text`` (one line) at 100 %, in points.

    >>> round(text_points("Total"), 1), round(text_points("Total", Font(size=22)), 1)
    (25.4, 50.8)
    """
    size = float(font.size) if font is not None and font.size else 11.0
    return _points(text, size, bool(font is not None and font.bold))


def column_points(sheet: Sheet, index: int, unit: float = POINTS_PER_UNIT) -> float:
    """Printed width of column ``index`` (1-based) at 100 %, in points, for a width
    ``unit`` (Calibri's by default; :data:`PAGE_POINTS_PER_UNIT` for page layout)."""
    return (sheet.widths.get(index) or DEFAULT_WIDTH) * unit


def sheet_points(sheet: Sheet, first: int, last: int,
                 unit: float = PAGE_POINTS_PER_UNIT) -> float:
    """Width of columns ``first`` to ``last`` on a page at 100 %, in points (the wider
    unit: see :data:`PAGE_POINTS_PER_UNIT`)."""
    return sum(column_points(sheet, index, unit) for index in range(first, last + 1))


def _lines(text: str, room: float, font: Font | None) -> int:
    """Lines ``text`` takes wrapped in ``room`` points (words never split)."""
    count = 0
    space_width = text_points(" ", font)
    for paragraph in text.split("\n"):
        count += 1
        used = 0.0
        for word in paragraph.split(" "):
            width = text_points(word, font)
            space = space_width if used else 0.0
            if used and used + space + width > room:
                count += 1 + int(width // room) if width > room else 1
                used = width % room if width > room else width
            else:
                used += space + width
                if used > room:  # a single word longer than the cell
                    count += int(used // room)
                    used %= room
    return max(count, 1)


def _line_height(font: Font | None) -> float:
    size = float(font.size) if font is not None and font.size else 11.0
    return size * 1.32


def _text_cells(sheet: Sheet) -> list[tuple[tuple[int, int], str]]:
    """Cells holding a text to fit, row by row (texts that read as formulas aside), and
    the longest text each formula cell may show (``sheet.shown``) — those printed: a
    text outside the sheet's print areas (``Page.area``, ranges separated by commas) is
    left as it is, running over the empty cells to its right on screen."""
    texts = {place: text for place, text in sheet.texts() if not text.startswith("=")}
    texts.update(sheet.shown)
    area = sheet.page.area if sheet.page is not None else None
    if area:
        boxes = [bounds(part) for part in area.split(",")]
        texts = {(row, column): text for (row, column), text in texts.items()
                 if any(r1 <= row <= r2 and c1 <= column <= c2 for r1, c1, r2, c2 in boxes)}
    return sorted(texts.items())


def fit_texts(sheet: Sheet, breaks: Sequence[int] = (), title_columns: int = 0,
              last_column: int | None = None) -> None:
    """Wrap every text the next cell, the page edge or a repeated title column would
    cut, and give each row the height of its tallest wrapped cell.

    A text may run over the empty cells to its right up to ``last_column`` (default:
    the sheet's last filled column) or the page's last column (``breaks``, from
    :func:`fit_width`); texts of the first ``title_columns`` columns, repeated on pages
    where other columns follow them, stay within their column.
    """
    last_column = last_column or sheet.max_column
    ends = sorted([*breaks, last_column])
    heights: dict[int, float] = {}
    cells = sheet.cells
    for (row, column), text in _text_cells(sheet):
        style = sheet.style((row, column))
        align, font = style.align or Align(), style.font
        room = column_points(sheet, column) - CELL_PADDING
        needed = text_points(text, font)
        if not align.wrap and needed > room and "\n" not in text:
            if column > title_columns and align.horizontal not in ("right", "center"):
                room_over = room
                page_end = next(end for end in ends if end >= column) if column <= ends[-1] \
                    else column
                for next_column in range(column + 1, page_end + 1):
                    if cells.get((row, next_column)) not in (None, ""):
                        break
                    room_over += column_points(sheet, next_column) * 0.97
                if needed <= room_over:
                    continue
            align = Align(horizontal=align.horizontal, vertical="top", wrap=True,
                          indent=align.indent)
            sheet.set((row, column), align=align)
        if align.wrap:
            lines = _lines(text, room, font)
            heights[row] = max(heights.get(row, 0.0), lines * _line_height(font) + 3)
    taller = [row for row, height in heights.items()
              if height > (sheet.heights.get(row) or DEFAULT_ROW_HEIGHT)]
    columns = sheet.rows() if taller else {}
    for row in taller:
        sheet.heights[row] = math.ceil(heights[row])
        _top_aligned(sheet, row, columns.get(row, []))


def _top_aligned(sheet: Sheet, row: int, columns: list[int]) -> None:
    """Every filled cell of a row made taller reads from its top, level with the
    wrapped text (a label at the bottom would face the next line of its neighbour)."""
    for column in columns:
        align = sheet.style((row, column)).align or Align()
        if align.vertical != "top":
            sheet.set((row, column), align=align._replace(vertical="top"))


def widen_for_words(sheet: Sheet, most: float = 30.0) -> None:
    """Widen each column (up to ``most`` units) so that its longest word fits: a wrapped
    text breaks between words, never inside one (« Fonctionneme / nt »). A column
    holding text is at least :data:`TEXT_COLUMN_WIDTH` wide."""
    needed: dict[int, float] = {}
    for (_, column), text in _text_cells(sheet):
        font = sheet.style((_, column)).font
        longest = max(text_points(word, font) for word in text.split())
        needed[column] = max(needed.get(column, 0.0), longest + CELL_PADDING)
    for column, points in needed.items():
        units = min(most, math.ceil(points / POINTS_PER_UNIT * 2) / 2)
        current = sheet.widths.get(column) or TEXT_COLUMN_WIDTH
        sheet.widths[column] = units if units > current else current


def chart_overhang(sheet: Sheet, last_column: int) -> float:
    """Points by which the sheet's charts reach beyond column ``last_column`` (a chart
    is printed with the columns it covers)."""
    overhang = 0.0
    for chart in sheet.charts:
        _, column = chart.anchor_cell
        right = sheet_points(sheet, 1, column - 1) + chart.width * 72 / 2.54
        overhang = max(overhang, right - sheet_points(sheet, 1, last_column))
    return overhang


def charts_on_their_own_page(sheet: Sheet) -> None:
    """A page break above each chart: a chart a page break crosses is printed in two
    halves, the second over the title rows repeated at the top of the next page."""
    for chart in sheet.charts:
        row, _ = chart.anchor_cell
        # right under the last filled row: the empty rows above the chart go with it
        # (alone, they would make a page of nothing but the repeated title rows)
        filled = [r for (r, _), value in sheet.cells.items()
                  if r < row and value not in (None, "")]
        _page(sheet).row_breaks.append(max(filled, default=row - 1))


def fit_width(sheet: Sheet, breaks: Sequence[int] = (), title_columns: int = 0,
              last_column: int | None = None) -> list[int]:
    """Print the sheet one page wide if it fits at :data:`ONE_PAGE_SCALE`; else at the
    largest scale (at least :data:`MIN_SCALE`) where each part between ``breaks`` (the
    last column of each part but the last) fits a page with the first
    ``title_columns`` repeated on it, a part too wide even then being split again at
    :data:`WIDE_SCALE`. Returns the column breaks written (none when one page wide).

    A part fits when ``scale × (title columns + part) ≤ printable width``; charts
    count with the columns they cover.
    """
    last_column = last_column or sheet.max_column
    page = _page(sheet)
    room = printable_width(sheet)
    overhang = chart_overhang(sheet, last_column)
    whole = sheet_points(sheet, 1, last_column) + overhang
    if not breaks and room / whole * 100 >= ONE_PAGE_SCALE:
        page.fit_width = 1
        return []
    titles = sheet_points(sheet, 1, title_columns)
    ends = [*breaks, last_column]
    parts = [sheet_points(sheet, start, end) + (overhang if end == last_column else 0.0)
             for start, end in zip([title_columns + 1, *[b + 1 for b in breaks]], ends)]
    scale = min(100, math.floor(min(room / (titles + part) for part in parts) * 100) - 2)
    if scale < MIN_SCALE:
        scale = WIDE_SCALE
        ends = _split(sheet, title_columns, ends, room * 100 / scale - titles)
    page.fit_to_page = False
    page.fit_width = page.fit_height = None
    page.scale = scale
    page.page_order = "overThenDown"  # a table's columns follow each other
    if title_columns:
        page.title_columns = f"A:{column_letter(title_columns)}"
    page.column_breaks.extend(ends[:-1])
    return ends[:-1]


PAGE_HEIGHT = 595.28  # A4 landscape, points


def fit_one_page(sheet: Sheet) -> bool:
    """A sheet printed one page wide also printed one page tall when its rows fit a
    page at :data:`MIN_SCALE` or more (a form a funder files on one sheet of paper);
    whether it is.  The rows count at their set height, or Calibri 11's."""
    page = _page(sheet)
    if page.fit_width != 1 or not page.fit_to_page:
        return False
    _, _, top, bottom = page.margins
    room = PAGE_HEIGHT - 72 * (top + bottom)
    tall = sum(sheet.heights.get(row, DEFAULT_ROW_HEIGHT)
               for row in range(1, sheet.max_row + 1))
    if room / tall * 100 < MIN_SCALE:
        return False
    page.fit_height = 1
    return True


def _split(sheet: Sheet, title_columns: int, ends: Sequence[int], room: float
           ) -> list[int]:
    """``ends`` with more breaks so that no part is wider than ``room`` points."""
    split, start = [], title_columns + 1
    for end in ends:
        used = 0.0
        for column in range(start, end + 1):
            width = column_points(sheet, column, PAGE_POINTS_PER_UNIT)
            if used and used + width > room:
                split.append(column - 1)
                used = 0.0
            used += width
        split.append(end)
        start = end + 1
    return split
