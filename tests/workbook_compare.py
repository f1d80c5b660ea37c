"""Cell-by-cell comparison of two workbooks: values, formulas, defined names,
tables and data validations; volatile metadata (timestamps) and the record of the
backup a fill made (a file beside the workbook, not its content) ignored."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from finplan.io.workbook_layout import BACKUP_RECORD, LISTS_SHEET


def _content(book: Workbook) -> dict:
    sheets = {}
    for sheet in book.worksheets:
        cells = {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row
                 if cell.value is not None
                 and not (sheet.title == LISTS_SHEET and cell.coordinate in BACKUP_RECORD)}
        sheets[sheet.title] = {
            "cells": cells,
            "tables": dict(sheet.tables.items()),
            "validations": sorted((str(v.sqref), v.formula1) for v in
                                  sheet.data_validations.dataValidation),
            "state": sheet.sheet_state,
        }
    names = {name: defined.attr_text for name, defined in book.defined_names.items()}
    return {"order": book.sheetnames, "sheets": sheets, "names": names}


def differences(expected: Workbook | Path, actual: Workbook | Path, limit: int = 20
                ) -> list[str]:
    """Readable differences between two workbooks (empty when they agree)."""
    left = _content(expected if isinstance(expected, Workbook) else _reload(expected))
    right = _content(actual if isinstance(actual, Workbook) else _reload(actual))
    found = []
    if left["order"] != right["order"]:
        found.append(f"sheets: {left['order']} != {right['order']}")
    if left["names"] != right["names"]:
        keys = set(left["names"]) ^ set(right["names"]) or {
            k for k in left["names"] if left["names"][k] != right["names"].get(k)}
        found.append(f"defined names differ: {sorted(keys)[:10]}")
    for title, sheet in left["sheets"].items():
        other = right["sheets"].get(title)
        if other is None:
            continue
        for key in ("tables", "validations", "state"):
            if sheet[key] != other[key]:
                found.append(f"{title}: {key} differ")
        for coordinate in sorted(set(sheet["cells"]) | set(other["cells"])):
            a, b = sheet["cells"].get(coordinate), other["cells"].get(coordinate)
            if a != b:
                found.append(f"{title}!{coordinate}: {a!r} != {b!r}")
                if len(found) >= limit:
                    return found
    return found


def _reload(path: Path) -> Workbook:
    return load_workbook(path)


def saved(book: Workbook, folder: Path, name: str) -> Workbook:
    """The workbook as it reads back after a save (what a committed file holds)."""
    path = folder / name
    book.save(path)
    return load_workbook(path)
