"""Cell-by-cell comparison of two workbooks: values, formulas, defined names,
tables and data validations, and the look — each cell's style (font, fill, number
format, alignment, borders), comments, column widths, row heights, frozen panes and
print settings; volatile metadata (timestamps) and the record of the backup a fill
made (a file beside the workbook, not its content) ignored."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from finplan.io.workbook_layout import BACKUP_RECORD, LISTS_SHEET


def _style(cell) -> tuple:
    """What a cell looks like."""
    font, fill, align, border = cell.font, cell.fill, cell.alignment, cell.border
    return (font.b, font.i, font.sz, font.color.rgb if font.color is not None else None,
            fill.fill_type, fill.fgColor.rgb if fill.fgColor is not None else None,
            cell.number_format, align.horizontal, align.vertical, align.wrap_text,
            align.indent, tuple(getattr(getattr(border, side), "style", None)
                                for side in ("left", "right", "top", "bottom")))


def _page(sheet) -> tuple:
    """How a sheet is laid out on screen and on paper."""
    setup = sheet.page_setup
    return (sheet.freeze_panes, sheet.print_area, sheet.print_title_rows,
            sheet.print_title_cols, setup.orientation, setup.scale, setup.fitToWidth,
            setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage
            if sheet.sheet_properties.pageSetUpPr is not None else None,
            tuple(b.id for b in sheet.col_breaks.brk), tuple(b.id for b in sheet.row_breaks.brk),
            sheet.oddHeader.left.text, sheet.oddHeader.center.text, sheet.oddHeader.right.text,
            sheet.oddFooter.left.text, sheet.oddFooter.right.text)


def _content(book: Workbook) -> dict:
    sheets = {}
    for sheet in book.worksheets:
        cells, styles, comments = {}, {}, {}
        for row in sheet.iter_rows():
            for cell in row:
                if sheet.title == LISTS_SHEET and cell.coordinate in BACKUP_RECORD:
                    continue
                if cell.value is not None:
                    cells[cell.coordinate] = cell.value
                styles[cell.coordinate] = _style(cell)
                if cell.comment is not None:
                    comments[cell.coordinate] = cell.comment.text
        sheets[sheet.title] = {
            "cells": cells,
            "styles": styles,
            "comments": comments,
            "widths": {key: dimension.width for key, dimension in
                       sheet.column_dimensions.items() if dimension.width},
            "heights": {key: dimension.height for key, dimension in
                        sheet.row_dimensions.items() if dimension.height},
            "page": _page(sheet),
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
        for key in ("tables", "validations", "state", "comments", "widths", "heights",
                    "page"):
            if sheet[key] != other[key]:
                found.append(f"{title}: {key} differ")
        looks = [coordinate for coordinate in sorted(set(sheet["styles"]) | set(other["styles"]))
                 if sheet["styles"].get(coordinate) != other["styles"].get(coordinate)]
        if looks:
            found.append(f"{title}: {len(looks)} cells look different, from {looks[0]}")
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
