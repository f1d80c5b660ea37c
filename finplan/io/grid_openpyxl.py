"""A workbook of :mod:`finplan.io.grid` written with openpyxl.

Each distinct look is made into openpyxl's fonts, fills, borders and alignments once,
on the first cell that has it; every other cell with the same look gets a copy of
that cell's style indices (openpyxl's own ``copy_worksheet`` does the same), instead
of building and hashing the same objects cell after cell.

>>> from openpyxl import Workbook
>>> from finplan.io.grid import Book, Font
>>> model = Book()
>>> sheet = model.create_sheet("Budget")
>>> sheet.put("B2", "=pas une formule", font=Font(bold=True))
>>> sheet.formula("C2", "1+1")
>>> workbook = Workbook(); workbook.remove(workbook.active)
>>> write_book(model, workbook)
>>> ws = workbook["Budget"]
>>> ws["B2"].data_type, ws["B2"].font.b, ws["C2"].value
('s', True, '=1+1')
"""

from __future__ import annotations

import re
from copy import copy
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from finplan.io import grid
from finplan.io.cells import column_letter
from finplan.io.grid import FONT, Formula

__all__ = ["write_book", "write_sheet", "put", "file_formula"]

# Functions added to Excel after the file format's first version are stored with the
# « _xlfn. » prefix (Excel and LibreOffice show them without it; a formula typed
# through Excel's API, as the Excel button does, is written as a user types it).
_NEWER_FUNCTIONS = re.compile(r"(?<![\w.])(NUMBERVALUE)\(")


def file_formula(text: str) -> str:
    """A formula as the file stores it: newer functions prefixed.

    >>> file_formula('NUMBERVALUE(A1,",")+1')
    '_xlfn.NUMBERVALUE(A1,",")+1'
    """
    return _NEWER_FUNCTIONS.sub(r"_xlfn.\1(", text)


def put(sheet: Worksheet, coordinate: str, value: Any) -> None:
    """Write a value on an openpyxl sheet; text is always text, even when it starts
    with ``=`` (a label typed by a user never becomes a formula)."""
    cell = sheet[coordinate]
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def write_book(model: grid.Book, workbook: Workbook) -> None:
    """Add every sheet of ``model`` to ``workbook`` (in order, after its own) and set
    the book's defined names."""
    looks: dict[grid.Style, Any] = {}
    for sheet in model.sheets:
        write_sheet(sheet, workbook.create_sheet(sheet.title), looks)
    for name, text in model.names.items():
        workbook.defined_names[name] = DefinedName(name, attr_text=text)


def write_sheet(model: grid.Sheet, ws: Worksheet, looks: dict[grid.Style, Any]) -> None:
    """Write one sheet; ``looks`` keeps the style indices of each look already made in
    this workbook."""
    written = {}
    for (row, column), value in model.cells.items():
        cell = written[row, column] = ws.cell(row=row, column=column)
        if type(value) is Formula:
            cell.value = "=" + file_formula(value)
        else:
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    for (row, column), style in model.styles.items():
        cell = written.get((row, column)) or ws.cell(row=row, column=column)
        made = looks.get(style)
        if made is None:
            _style(cell, style)
            looks[style] = copy(cell._style)
        else:
            cell._style = copy(made)
    for (row, column), note in model.comments.items():
        ws.cell(row=row, column=column).comment = Comment(note.text, note.author,
                                                          width=note.width,
                                                          height=note.height)
    for column, width in model.widths.items():
        ws.column_dimensions[column_letter(column)].width = width
    for row, height in model.heights.items():
        ws.row_dimensions[row].height = height
    if model.freeze:
        ws.freeze_panes = model.freeze
    for rule in model.rules:
        ws.conditional_formatting.add(rule.area, _rule(rule))
    for validation in model.validations:
        ws.add_data_validation(_validation(validation))
    for table in model.tables:
        excel_table = Table(displayName=table.name, ref=table.ref)
        excel_table.tableStyleInfo = TableStyleInfo(name=table.style, showRowStripes=True)
        ws.add_table(excel_table)
    for chart in model.charts:
        ws.add_chart(_chart(chart), chart.anchor)
    if model.page is not None:
        _page(ws, model.page)
    if model.hidden:
        ws.sheet_state = "hidden"
    if model.tab_color:
        ws.sheet_properties.tabColor = model.tab_color


def _style(cell: Any, style: grid.Style) -> None:
    if style.number_format != "General":
        cell.number_format = style.number_format
    if style.font is not None:
        font = style.font
        cell.font = Font(name=FONT, bold=font.bold or None, italic=font.italic or None,
                         size=font.size, color=font.color)
    if style.fill is not None:
        cell.fill = PatternFill("solid", fgColor=style.fill)
    if style.border is not None:
        border = style.border
        cell.border = Border(top=Side(style=border.top) if border.top else Side(),
                             bottom=Side(style=border.bottom) if border.bottom else Side())
    if style.align is not None:
        align = style.align
        cell.alignment = Alignment(horizontal=align.horizontal, vertical=align.vertical,
                                   wrap_text=align.wrap or None, indent=align.indent)


def _rule(rule: grid.CellRule | grid.ScaleRule) -> Any:
    if isinstance(rule, grid.ScaleRule):
        low, middle, high = rule.colors
        return ColorScaleRule(start_type="min", start_color=low, mid_type="percentile",
                              mid_value=50, mid_color=middle, end_type="max",
                              end_color=high)
    return CellIsRule(operator=rule.operator, formula=[rule.formula],
                      fill=PatternFill("solid", fgColor=rule.fill))


def _validation(validation: grid.Validation) -> DataValidation:
    made = DataValidation(type="list", formula1=validation.source, allow_blank=True,
                          showErrorMessage=validation.strict,
                          errorTitle=validation.error_title,
                          error=validation.error)
    for area in validation.areas:
        made.add(area)
    return made


def _chart(chart: grid.Chart) -> Any:
    made: Any
    if chart.kind == "line":
        made = LineChart()
    else:
        made = BarChart()
        made.type = "col"
        if chart.stacked:
            made.grouping, made.overlap = "stacked", 100
        if chart.gap_width is not None:
            made.gapWidth = chart.gap_width
    made.title = chart.title
    if chart.y_title:
        made.y_axis.title = chart.y_title
    if chart.x_title:
        made.x_axis.title = chart.x_title
    if chart.y_format:
        made.y_axis.numFmt = chart.y_format
    if chart.axis_at_bottom:  # the category axis crosses the value axis at its minimum
        made.x_axis.crosses = "min"
    for name, values in chart.series:
        series = Series(Reference(range_string=str(values)))
        if name is not None:
            series.tx = SeriesLabel(strRef=StrRef(str(name)))
        if chart.kind == "line":
            series.smooth = False
        made.series.append(series)
    made.set_categories(Reference(range_string=str(chart.categories)))
    made.height, made.width = chart.height, chart.width
    if not chart.legend:
        made.legend = None
    return made


def _page(ws: Worksheet, page: grid.Page) -> None:
    setup = ws.page_setup
    setup.orientation = "landscape" if page.landscape else "portrait"
    setup.paperSize = ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = page.fit_width, page.fit_height
    ws.sheet_properties.pageSetUpPr.fitToPage = page.fit_to_page
    if page.scale is not None:
        setup.scale = page.scale
    if page.page_order is not None:
        setup.pageOrder = page.page_order
    ws.print_options.horizontalCentered = page.centered
    margins = ws.page_margins
    margins.left, margins.right, margins.top, margins.bottom = page.margins
    parts = (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right, ws.oddFooter.left,
             ws.oddFooter.center, ws.oddFooter.right)
    for part, text in zip(parts, (*page.header, *page.footer)):
        part.text = text or None  # an empty part is left out, not written as « &R »
    if page.title_rows:
        ws.print_title_rows = page.title_rows
    if page.title_columns:
        ws.print_title_cols = page.title_columns
    for column in page.column_breaks:
        ws.col_breaks.append(Break(id=column))
    for row in page.row_breaks:
        ws.row_breaks.append(Break(id=row))
    if page.area:
        ws.print_area = page.area.split(",")
