"""What xlwings' add-in client does, for tests without Excel.

``payload`` builds the JSON the VBA client of the xlwings add-in sends
(``RunServerPython`` in xlwings' Remote.bas): book name, active sheet, selection,
book-scope range names, and for each sheet its values from A1 to the last used
cell (``Range.Value``: computed values, empty cells as null), pictures and
tables; the Office.js client (xlwings Lite, the Office add-in) also sends each
sheet's charts. ``apply`` plays the actions xlwings returns on an openpyxl
workbook, as the client plays them in Excel: values, number formats, fonts,
fills, borders, alignment, column widths and row heights, frozen panes,
conditional formats and charts (made from their source range as Excel makes
them: the first column names the series when they are rows).
"""

from __future__ import annotations

from copy import copy
from typing import Any

import xlwings as xw
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from finplan.io.grid_openpyxl import file_formula


def payload(values: Workbook, name: str = "plan.xlsx", client: str = "VBA"
            ) -> dict[str, Any]:
    """The add-in's payload from a workbook opened with ``data_only=True`` (the values
    Excel shows); ``client`` « Office.js » for the Office add-in's (xlwings Lite)."""
    names = []
    for defined in values.defined_names.values():
        destinations = list(defined.destinations)
        if len(destinations) != 1 or destinations[0][0] not in values.sheetnames:
            continue  # not a range of this book (Excel shows #REF!): not sent
        sheet_name, address = destinations[0]
        names.append({"name": defined.name,
                      "sheet_index": values.sheetnames.index(sheet_name),
                      "address": address.replace("$", ""), "book_scope": True,
                      "scope_sheet_name": None, "scope_sheet_index": None})
    sheets = []
    for sheet in values.worksheets:
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(
            min_row=1, min_col=1, max_row=sheet.max_row, max_col=sheet.max_column)]
        tables = [{"name": table.name, "range_address": table.ref,
                   "header_row_range_address": None, "data_body_range_address": None,
                   "total_row_range_address": None, "show_headers": True,
                   "show_totals": False, "table_style": "TableStyleLight9",
                   "show_autofilter": True} for table in sheet.tables.values()]
        entry = {"name": sheet.title, "values": rows or [[]], "pictures": [],
                 "tables": tables}
        if client == "Office.js":
            # a chart keeps the name the click gave it (in memory), else Excel's default
            entry["charts"] = [{"name": getattr(chart, "name", f"Chart {number}"),
                                "chart_type": "ColumnClustered", "left": 0, "top": 0,
                                "width": 400, "height": 250}
                               for number, chart in enumerate(sheet._charts, start=1)]
        sheets.append(entry)
    return {"client": client, "version": xw.__version__,
            "book": {"name": name, "active_sheet_index": 1, "selection": "A1"},
            "names": names, "sheets": sheets}


_OPERATORS = {"LessThan": "lessThan", "GreaterThan": "greaterThan", "EqualTo": "equal",
              "NotEqualTo": "notEqual"}


def _cells(sheet: Any, action: dict[str, Any]) -> list[Any]:
    return [cell for row in sheet.iter_rows(
        min_row=action["start_row"] + 1, min_col=action["start_column"] + 1,
        max_row=action["start_row"] + action["row_count"],
        max_col=action["start_column"] + action["column_count"]) for cell in row]


def _address(action: dict[str, Any]) -> str:
    first = f"{get_column_letter(action['start_column'] + 1)}{action['start_row'] + 1}"
    last = (f"{get_column_letter(action['start_column'] + action['column_count'])}"
            f"{action['start_row'] + action['row_count']}")
    return f"{first}:{last}"


_HORIZONTAL = {"Left": "left", "Center": "center", "Right": "right"}
_VERTICAL = {"Top": "top", "Center": "center", "Bottom": "bottom"}
_BORDERS = {"edge_top": "top", "edge_bottom": "bottom"}


def _font(cell: Any, **changes: Any) -> None:
    font = copy(cell.font)
    for name, value in changes.items():
        setattr(font, name, value)
    cell.font = font


def _align(cell: Any, **changes: Any) -> None:
    values = {"horizontal": cell.alignment.horizontal, "vertical": cell.alignment.vertical,
              "wrap_text": cell.alignment.wrap_text, "indent": cell.alignment.indent}
    cell.alignment = Alignment(**{**values, **changes})


def _border(cell: Any, side: str, attribute: str, value: Any) -> None:
    sides = {name: copy(getattr(cell.border, name)) or Side()
             for name in ("top", "bottom", "left", "right")}
    line = sides[_BORDERS[side]]
    if attribute == "line_style":
        line.style = "double" if value == "double" else (line.style or "thin")
    elif attribute == "weight":
        line.style = "double" if line.style == "double" else value
    cell.border = Border(**sides)


def _frozen(address: str) -> str:
    """Excel's frozen range as openpyxl's first cell that scrolls."""
    if ":" in address and address.replace(":", "").isdigit():  # "1:4"
        return f"A{int(address.split(':')[1]) + 1}"
    if ":" in address and address.replace(":", "").isalpha():  # "A:B"
        return f"{get_column_letter(range_boundaries(address)[2] + 1)}1"
    _, _, last_column, last_row = range_boundaries(address)
    return f"{get_column_letter(last_column + 1)}{last_row + 1}"


def _add_chart(sheet: Any, args: list[Any]) -> None:
    """Excel's charts.add(type, source, seriesBy rows): a series per row of the source,
    named by its first column."""
    name, kind, sheet_name, source, _, _, width, height, plot_by, anchor, _ = args
    assert plot_by == "Rows"
    chart = BarChart() if kind.startswith("Column") else LineChart()
    chart.name = name  # what the next payload lists
    if kind == "ColumnStacked":
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    min_col, min_row, max_col, max_row = range_boundaries(source.replace("$", ""))
    for row in range(min_row, max_row + 1):
        series = Series(Reference(range_string=(
            f"'{sheet_name}'!${get_column_letter(min_col + 1)}${row}:"
            f"${get_column_letter(max_col)}${row}")))
        series.tx = SeriesLabel(strRef=StrRef(
            f"'{sheet_name}'!${get_column_letter(min_col)}${row}"))
        if kind == "Line":
            series.smooth = False  # Excel draws straight segments
        chart.series.append(series)
    chart.width, chart.height = width * 2.54 / 72, height * 2.54 / 72
    sheet.add_chart(chart, anchor.replace("$", ""))


def _chart_action(sheet: Any, func: str, args: list[Any]) -> bool:
    if func == "addChart":
        _add_chart(sheet, args)
    elif func == "deleteChart":
        del sheet._charts[args[0]]
    elif func == "setChartTitle":
        sheet._charts[args[0]].title = args[1]
    elif func == "setChartXAxisValues":
        reference = Reference(range_string=f"'{args[1]}'!{args[2]}")
        sheet._charts[args[0]].set_categories(reference)
    elif func == "setChartAxis":
        index, axis, values = args
        target = sheet._charts[index].y_axis if axis == "value" else sheet._charts[index].x_axis
        if "title" in values:
            target.title = values["title"]
        if "number_format" in values:
            target.numFmt = values["number_format"]
        if values.get("crosses") == "Minimum" or values.get("crosses") == "minimum":
            sheet._charts[index].x_axis.crosses = "min"  # OOXML: on the crossing axis
    elif func == "setChartLegend":
        if args[1] == "visible" and not args[2]:
            sheet._charts[args[0]].legend = None
    else:
        return False
    return True


def _name(action: dict[str, Any], book: Workbook) -> bool:
    """Define or redefine a book-level name; False when the action is not one."""
    if action["func"] == "namesAdd":
        name, refers_to = action["args"]
    elif action["func"] == "setNameRefersTo":
        name, _, _, refers_to = action["args"]
    else:
        return False
    book.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))
    return True


def _style(action: dict[str, Any], book: Workbook, points: bool) -> bool:
    """Play a formatting action as Excel would; False when it is not one. ``points``:
    column widths come in points (Office.js), else in characters (desktop)."""
    if _name(action, book):
        return True
    if action["func"] == "addSheet":
        index, name = action["args"]
        book.create_sheet(name, index)
        return True
    if action.get("sheet_position") is None:
        return False
    sheet = book.worksheets[action["sheet_position"]]
    func, args = action["func"], action["args"]
    if func.startswith(("addChart", "deleteChart", "setChart")):
        return _chart_action(sheet, func, args)
    if func == "freezePaneAtRange":
        sheet.freeze_panes = _frozen(args[0])
        return True
    cells = _cells(sheet, action)
    if func == "rangeClearFormats":
        for cell in cells:
            cell.style = "Normal"
        sheet.conditional_formatting = type(sheet.conditional_formatting)()  # whole range
    elif func == "setNumberFormat":
        for cell in cells:
            cell.number_format = args[0]
    elif func == "setFontProperty":
        attribute = {"bold": "b", "italic": "i", "size": "sz", "color": "color"}[args[0]]
        value = args[1].lstrip("#").upper() if attribute == "color" else args[1]
        for cell in cells:
            _font(cell, **{attribute: value})
    elif func == "setRangeColor":
        for cell in cells:
            cell.fill = PatternFill("solid", fgColor=args[0].lstrip("#").upper())
    elif func == "setBorderProperty":
        for cell in cells:
            _border(cell, *args)
    elif func == "setWrapText":
        for cell in cells:
            _align(cell, wrap_text=args[0])
    elif func == "setHorizontalAlignment":
        for cell in cells:
            _align(cell, horizontal=_HORIZONTAL[args[0]])
    elif func == "setVerticalAlignment":
        for cell in cells:
            _align(cell, vertical=_VERTICAL[args[0]])
    elif func == "setColumnWidth":
        # Office.js: points = (characters × 7 + 5) pixels × 0.75 (Calibri 11)
        width = round((args[0] / 0.75 - 5) / 7, 6) if points else args[0]
        for column in range(action["column_count"]):
            letter = get_column_letter(action["start_column"] + column + 1)
            sheet.column_dimensions[letter].width = width
    elif func == "setRowHeight":
        for row in range(action["row_count"]):
            sheet.row_dimensions[action["start_row"] + row + 1].height = args[0]
    elif func == "setAutofit" and args == ["rows"]:
        for row in range(action["row_count"]):
            sheet.row_dimensions[action["start_row"] + row + 1].height = None
    elif func == "addConditionalFormat":
        (rule,) = args
        sheet.conditional_formatting.add(_address(action), CellIsRule(
            operator=_OPERATORS[rule["operator"]], formula=[str(rule["formula1"])],
            fill=PatternFill("solid", fgColor=(rule["fill_color"] or "#FFFFFF")[1:])))
    else:
        return False
    return True


def apply(actions: list[dict[str, Any]], book: Workbook, points: bool = False
          ) -> list[dict[str, Any]]:
    """Play ``setValues``, formatting and name actions on ``book``; return the other
    actions (alerts…). ``points``: the actions come from the Office.js client, whose
    column widths are in points."""
    others = []
    for action in actions:
        if action["func"] != "setValues":
            if not _style(action, book, points):
                others.append(action)
            continue
        sheet = book.worksheets[action["sheet_position"]]
        for r, row in enumerate(action["values"]):
            for c, value in enumerate(row):
                coordinate = (f"{get_column_letter(action['start_column'] + c + 1)}"
                              f"{action['start_row'] + r + 1}")
                _typed(sheet[coordinate], value)
    return others


def _typed(cell: Any, value: Any) -> None:
    """A value written to a cell, read as Excel reads what is typed there: text after
    an apostrophe is kept as it is (the apostrophe dropped), ``=…`` is a formula, a
    text that reads as a number becomes that number (« 707 »), an empty text blanks
    the cell; a formula is saved as Excel saves it (newer functions « _xlfn. »)."""
    if isinstance(value, str) and value.startswith("="):
        cell.value = "=" + file_formula(value[1:])
        return
    if isinstance(value, str) and value.startswith("'"):
        cell.value = value[1:]
        cell.data_type = "s"
        return
    if isinstance(value, str) and not value.startswith("="):
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            pass
        else:
            value = int(number) if number.is_integer() else number
    cell.value = value if value != "" else None
