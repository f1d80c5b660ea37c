"""The charts of the output sheets, configured once: one series a row over the period
columns, named by the row's label, categories from the header row, euros on the value
axis (:class:`finplan.io.grid.Chart`)."""

from __future__ import annotations

from collections.abc import Sequence

from finplan.io.grid import Chart, Ref
from finplan.io.sheets.rows import SheetWriter
from finplan.io.workbook_layout import HEADER_ROW

__all__ = ["grouped_bars", "line_chart", "stacked_bars"]


def _series(sheet: SheetWriter, rows: Sequence[int], first: int
            ) -> tuple[tuple[Ref | None, Ref], ...]:
    """Each row's name, just left of its values (``first``: the first value's column;
    the Excel button makes a chart from that one block), and its values."""
    last = first + sheet.years - 1
    label = first - 1
    return tuple((Ref(sheet.name, row, label, row, label),
                  Ref(sheet.name, row, first, row, last)) for row in rows)


def line_chart(sheet: SheetWriter, title: str, row: int, size: tuple[float, float],
               anchor: str, categories: Ref | None = None) -> Chart:
    """A cash line: straight segments between the real values (a smoothed curve would
    overshoot them), one line named by the chart's title (no legend: the plot gets the
    room); ``categories``: where the labels of the periods are (default: the sheet's
    header row)."""
    first = sheet.first_year_column
    return Chart("line", title, anchor, _series(sheet, [row], first),
                 categories or Ref(sheet.name, HEADER_ROW, first, HEADER_ROW,
                                   first + sheet.years - 1),
                 width=size[1], height=size[0], y_title="euros", y_format="#,##0",
                 axis_at_bottom=True, legend=False)


def stacked_bars(sheet: SheetWriter, title: str, rows: Sequence[int],
                 size: tuple[float, float], anchor: str, first_column: int,
                 header_row: int) -> Chart:
    """One stacked column a period, one colour a row (the funding mix), from a block
    whose labels stand just left of its values (``first_column``) under its own
    ``header_row`` of periods."""
    return Chart("bars", title, anchor, _series(sheet, rows, first_column),
                 Ref(sheet.name, header_row, first_column, header_row,
                     first_column + sheet.years - 1),
                 width=size[1], height=size[0], stacked=True, y_title="euros",
                 y_format="#,##0", axis_at_bottom=True)


def grouped_bars(sheet: SheetWriter, title: str, rows: Sequence[int],
                 size: tuple[float, float], anchor: str) -> Chart:
    """One column a row side by side in each year (rows one under the other, their
    labels just left of the values), the years of the sheet's header row; a text
    (« aucun ») draws no column."""
    first = sheet.first_year_column
    return Chart("bars", title, anchor, _series(sheet, rows, first),
                 Ref(sheet.name, HEADER_ROW, first, HEADER_ROW, first + sheet.years - 1),
                 width=size[1], height=size[0], y_title="euros", y_format="#,##0",
                 axis_at_bottom=True)
