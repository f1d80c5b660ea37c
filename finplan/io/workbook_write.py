"""Writing finplan workbooks: a case's complete workbook, the template, a fill.

>>> import finplan
>>> built = build_workbook(finplan.load_case(finplan.demo_path()))
>>> built.workbook.sheetnames
['Guide', 'Hypothèses', 'Budget', 'Financeurs', 'Plan de financement', 'Trésorerie', 'Scénarios', 'Contrôles', 'Calculs', 'Listes']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from finplan.io.workbook_inputs import (
    Expectations,
    finish_input_sheets,
    list_expectations,
    put,
    write_guide,
    write_inputs,
    write_lists,
)
from finplan.io.workbook_layout import (
    EXTENTS_HEADER,
    EXTENTS_RANGE,
    LISTS_SHEET,
    OUTPUT_SHEETS,
    SHEETS,
    InputLayout,
)
from finplan.io.workbook_outputs import OUTPUT_NAMES, write_outputs, write_placeholders
from finplan.model.case import Case
from finplan.model.engine import compute
from finplan.model.plan import Plan

__all__ = ["BuiltWorkbook", "build_workbook", "template_workbook", "replace_outputs",
           "item_counts", "fill_workbook", "FillResult"]


@dataclass(frozen=True)
class BuiltWorkbook:
    """A workbook and, for each formula cell, the value the engine computed."""

    workbook: Workbook
    expected: Expectations
    plan: Plan | None


def item_counts(case: Case) -> dict[str, int]:
    """How many rows each input table needs."""
    return {"staff": len(case.staff), "revenue": len(case.revenue),
            "expense": len(case.expenses), "investment": len(case.investments),
            "loan": len(case.loans), "funder": len(case.funders),
            "need": sum(1 for need in case.needs if need.is_custom),
            "scenario": sum(len(scenario.overrides) for scenario in case.scenarios),
            "montecarlo.vary": len(case.montecarlo.vary) if case.montecarlo else 0}


def record_extents(book: Workbook) -> None:
    """Write the size of each output sheet on the Listes sheet (for the next bulk write)."""
    lists = book[LISTS_SHEET]
    put(lists, EXTENTS_HEADER[0], "lignes")
    put(lists, EXTENTS_HEADER[1], "colonnes")
    first_row = int(EXTENTS_RANGE.split(":")[0][1:])
    for offset, key in enumerate(OUTPUT_SHEETS):
        sheet = book[SHEETS[key]]
        lists[f"J{first_row + offset}"] = sheet.max_row
        lists[f"K{first_row + offset}"] = sheet.max_column


def _order_sheets(book: Workbook) -> None:
    order = list(SHEETS.values())
    book._sheets.sort(key=lambda sheet: order.index(sheet.title)
                      if sheet.title in order else len(order))


def _new_book() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book


def build_workbook(case: Case, plan: Plan | None = None) -> BuiltWorkbook:
    """The complete workbook of a case: inputs filled, outputs computed."""
    plan = plan or compute(case)
    book, expected = _new_book(), {}
    layout = InputLayout.for_counts(item_counts(case))
    write_guide(book)
    write_inputs(book, layout, case)
    write_lists(book, layout, case, expected)
    write_outputs(book, plan, layout, expected)
    finish_input_sheets(book, case)
    record_extents(book)
    _order_sheets(book)
    book.active = 1
    return BuiltWorkbook(book, expected, plan)


def template_workbook(case: Case | None = None) -> Workbook:
    """The empty template a volunteer fills (``templates/finplan.xlsx``); with a
    case, the template as a volunteer would have filled it (no results yet)."""
    book, expected = _new_book(), {}
    layout = InputLayout.for_counts(item_counts(case) if case else {})
    write_guide(book)
    write_inputs(book, layout, case)
    write_lists(book, layout, case, expected)
    write_placeholders(book)
    finish_input_sheets(book, case)
    record_extents(book)
    _order_sheets(book)
    book.active = 1
    return book


def replace_outputs(book: Workbook, plan: Plan, layout: InputLayout,
                    notes: tuple[str, ...] = ()) -> Expectations:
    """Rewrite every output sheet of an existing workbook (the inputs stay as they are)."""
    expected: Expectations = {}
    for key in OUTPUT_SHEETS:
        if SHEETS[key] in book.sheetnames:
            book.remove(book[SHEETS[key]])
    for name in OUTPUT_NAMES:
        if name in book.defined_names:
            del book.defined_names[name]
    write_outputs(book, plan, layout, expected, notes)
    if LISTS_SHEET in book.sheetnames:
        record_extents(book)
    _order_sheets(book)
    return expected


@dataclass(frozen=True)
class FillResult:
    """What a fill did: the plan, the backup kept and the formula expectations."""

    plan: Plan
    backup: Path | None
    expected: Expectations
    notes: tuple[str, ...] = ()


def fill_workbook(path: str | Path) -> FillResult:
    """Read the case of a filled workbook, compute it, rewrite its output sheets.

    The input sheet is not written to; the file is replaced atomically and the
    previous version kept as ``<name>.bak.xlsx``.
    """
    from finplan.io.workbook_files import check_writable, exclusive, save_atomic
    from finplan.io.workbook_read import input_values, open_workbook, read_workbook_case

    path = Path(path)
    check_writable(path)
    with exclusive(path):
        book = open_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
        found = read_workbook_case(book, input_values(book, path))
        plan = compute(found.case)
        expected = replace_outputs(book, plan, found.layout, found.notes)
        expected.update(list_expectations(found.layout, found.case))
        backup = save_atomic(book, path, keep_content=True)
    return FillResult(plan, backup, expected, found.notes)
