"""The charts of the output sheets, configured once: one series a row over the period
columns, categories from the header row, euros on the value axis."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel

from finplan.io.sheets.rows import SheetWriter
from finplan.io.workbook_layout import HEADER_ROW, LABEL_COLUMN, quote_sheet

__all__ = ["line_chart", "stacked_bars"]


def _frame(chart: BarChart | LineChart, sheet: SheetWriter, title: str, rows: Sequence[int],
           size: tuple[float, float]) -> None:
    """What every chart shares: title, euros axis, one series a row (titled by the row's
    label), the header row's periods as categories, labels under the plot even below
    zero."""
    chart.title = title
    chart.y_axis.title = "euros"
    chart.y_axis.numFmt = "#,##0"
    chart.x_axis.tickLblPos = "low"
    first, last = sheet.first_year_column, sheet.first_year_column + sheet.years - 1
    for row in rows:
        series = Series(Reference(sheet.sheet, min_col=first, max_col=last,
                                  min_row=row, max_row=row))
        series.tx = SeriesLabel(strRef=StrRef(
            f"{quote_sheet(sheet.name)}!${LABEL_COLUMN}${row}"))
        chart.series.append(series)
    chart.set_categories(Reference(sheet.sheet, min_col=first, max_col=last,
                                   min_row=HEADER_ROW, max_row=HEADER_ROW))
    chart.height, chart.width = size


def line_chart(sheet: SheetWriter, title: str, row: int, size: tuple[float, float]
               ) -> LineChart:
    """A cash line: straight segments between the real values (a smoothed curve would
    overshoot them)."""
    chart = LineChart()
    _frame(chart, sheet, title, [row], size)
    for series in chart.series:
        series.smooth = False
    chart.legend = None  # one line, named by the chart's title: the plot gets the room
    if sheet.years > 12:  # months: a label every half-year, not 36 slanted labels
        chart.x_axis.tickLblSkip = 6
    return chart


def stacked_bars(sheet: SheetWriter, title: str, rows: Sequence[int],
                 size: tuple[float, float]) -> BarChart:
    """One stacked column a period, one colour a row (the funding mix)."""
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    _frame(chart, sheet, title, rows, size)
    return chart
