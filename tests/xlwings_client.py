"""What xlwings' add-in client does, for tests without Excel.

``payload`` builds the JSON the VBA client of the xlwings add-in sends
(``RunServerPython`` in xlwings' Remote.bas): book name, active sheet, selection,
book-scope range names, and for each sheet its values from A1 to the last used
cell (``Range.Value``: computed values, empty cells as null), pictures and
tables. ``apply`` plays the actions xlwings returns on an openpyxl workbook,
as the client plays them in Excel.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook


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
        sheets.append({"name": sheet.title, "values": rows or [[]], "pictures": [],
                       "tables": tables})
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


def _style(action: dict[str, Any], book: Workbook) -> bool:
    """Play a formatting action as Excel would; False when it is not one."""
    if action.get("sheet_position") is None:
        return False
    sheet = book.worksheets[action["sheet_position"]]
    func, args = action["func"], action["args"]
    if func == "rangeClearFormats":
        for cell in _cells(sheet, action):
            cell.style = "Normal"
        sheet.conditional_formatting = type(sheet.conditional_formatting)()  # whole range
    elif func == "setNumberFormat":
        for cell in _cells(sheet, action):
            cell.number_format = args[0]
    elif func == "setFontProperty" and args[0] == "bold":
        for cell in _cells(sheet, action):
            cell.font = Font(bold=args[1])
    elif func == "setRangeColor":
        for cell in _cells(sheet, action):
            cell.fill = PatternFill("solid", fgColor=args[0].lstrip("#").upper())
    elif func == "setColumnWidth":
        for column in range(action["column_count"]):
            letter = get_column_letter(action["start_column"] + column + 1)
            sheet.column_dimensions[letter].width = args[0]
    elif func == "addConditionalFormat":
        (rule,) = args
        sheet.conditional_formatting.add(_address(action), CellIsRule(
            operator=_OPERATORS[rule["operator"]], formula=[str(rule["formula1"])],
            fill=PatternFill("solid", fgColor=(rule["fill_color"] or "#FFFFFF")[1:])))
    else:
        return False
    return True


def apply(actions: list[dict[str, Any]], book: Workbook) -> list[dict[str, Any]]:
    """Play ``setValues`` and formatting actions on ``book``; return the other actions
    (alerts…)."""
    others = []
    for action in actions:
        if action["func"] != "setValues":
            if not _style(action, book):
                others.append(action)
            continue
        sheet = book.worksheets[action["sheet_position"]]
        for r, row in enumerate(action["values"]):
            for c, value in enumerate(row):
                coordinate = (f"{get_column_letter(action['start_column'] + c + 1)}"
                              f"{action['start_row'] + r + 1}")
                cell = sheet[coordinate]
                if isinstance(value, str) and value.startswith("'"):
                    cell.value = value[1:]  # Excel keeps text after an apostrophe
                    cell.data_type = "s"
                else:
                    cell.value = value
    return others
