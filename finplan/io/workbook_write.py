"""Writing finplan workbooks: a case's complete workbook, the template, a fill.

>>> import finplan
>>> built = build_workbook(finplan.load_case(finplan.demo_path()))
>>> built.workbook.sheetnames[:12]
['Guide', 'Hypothèses', 'Budget', 'Financeurs', 'Plan de financement', 'Trésorerie', 'Graphiques', 'Scénarios', 'Contrôles', 'Calculs', 'Listes', 'Dernier calcul']
>>> built.workbook.sheetnames[12:]  # a dossier per funder asked
['Dossier DLA des Landes', 'Dossier Département des Landes', 'Dossier Région Nouvelle-Aquita…', 'Dossier SIETOM de Chalosse']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from finplan.errors import FinplanError
from finplan.io import grid
from finplan.io.cells import column_index
from finplan.io.grid_openpyxl import put, write_book
from finplan.io.sheet_marks import (
    added_cells,
    align_titles,
    content_cells,
    decode_cells,
    encode_cells,
    finplan_sheets,
    mark_sheet,
    refuse_added_cells,
    sheet_key,
)
from finplan.io.workbook_inputs import (
    Expectations,
    finish_input_sheets,
    list_expectations,
    write_guide,
    write_inputs,
    write_lists,
)
from finplan.io.workbook_layout import (
    BACKUP_RECORD,
    EXTENTS_HEADER,
    EXTENTS_RANGE,
    EXTRA_RECORD_ROW,
    INPUT_SHEET,
    LISTS_SHEET,
    MAX_EXTRA_RECORDS,
    OUTPUT_SHEETS,
    RECORD_COLUMN,
    SHEETS,
    InputLayout,
)
from finplan.io.workbook_members import (
    MEMBER_MARK,
    extra_titles,
    foreign_sheets,
    write_stale,
)
from finplan.io.workbook_outputs import (
    OUTPUT_NAMES,
    extra_sheet_titles,
    write_outputs,
    write_placeholders,
)
from finplan.io.workbook_snapshot import model_grid, snapshot_grid, write_snapshot
from finplan.model.case import Case
from finplan.model.engine import compute
from finplan.model.fields import items_of, lines
from finplan.model.plan import PlanInternals
from finplan.model.public import Plan, internals_of
from finplan.model.validation import validate_case

__all__ = ["BuiltWorkbook", "build_workbook", "template_workbook", "replace_outputs",
           "item_counts", "fill_workbook", "FillResult"]


@dataclass(frozen=True)
class BuiltWorkbook:
    """A workbook and, for each formula cell, the value the engine computed."""

    workbook: Workbook
    expected: Expectations
    plan: PlanInternals | None


def item_counts(case: Case) -> dict[str, int]:
    """How many rows each input table needs: a line each (the lists the table of fields
    names, the built-in needs aside), and for the other tables a row per member's share
    of a contract, per value a scenario replaces, per value Monte Carlo varies."""
    counts = {described.key: len(items_of(case, described)) for described in lines()}
    return {**counts,
            "contract.split": sum(len(c.split_hours or c.split or ()) for c in case.contracts),
            "scenario": sum(len(scenario.overrides) for scenario in case.scenarios),
            "montecarlo.vary": len(case.montecarlo.vary) if case.montecarlo else 0}


# finplan's own sheets: its marks are on them, and a fill replaces them.
FINPLAN_SHEETS = (*OUTPUT_SHEETS, "lists", "snapshot")
_FIRST_EXTENT_ROW = int(EXTENTS_RANGE.split(":")[0][1:])


def record_extents(book: Workbook, extras: Sequence[str] = ()) -> None:
    """Write the size of each output sheet on the Listes sheet (for the next bulk
    write), with the list of the cells it fills (for the next fill) — then those of
    the ``extras`` (a collective's « Membres » and members' sheets), each with its
    title; mark finplan's sheets as its own."""
    lists = book[LISTS_SHEET]
    put(lists, EXTENTS_HEADER[0], "lignes")
    put(lists, EXTENTS_HEADER[1], "colonnes")
    put(lists, f"{RECORD_COLUMN}1", "cellules écrites")
    for offset, key in enumerate(OUTPUT_SHEETS):
        sheet, row = book[SHEETS[key]], _FIRST_EXTENT_ROW + offset
        lists[f"J{row}"] = sheet.max_row
        lists[f"K{row}"] = sheet.max_column
        put(lists, f"{RECORD_COLUMN}{row}", encode_cells(content_cells(sheet)))
    if len(extras) > MAX_EXTRA_RECORDS:
        raise FinplanError(f"un collectif a au plus {MAX_EXTRA_RECORDS // 5 - 1} membres "
                           "dans un classeur finplan")
    last = EXTRA_RECORD_ROW + MAX_EXTRA_RECORDS - 1
    first, end = column_index("I"), column_index(RECORD_COLUMN)
    for row, column in [place for place in lists._cells  # the records kept before
                        if EXTRA_RECORD_ROW <= place[0] <= last
                        and first <= place[1] <= end]:
        del lists._cells[row, column]
    for offset, title in enumerate(extras):
        row, sheet = EXTRA_RECORD_ROW + offset, book[title]
        put(lists, f"I{row}", sheet.title)
        lists[f"J{row}"] = sheet.max_row
        lists[f"K{row}"] = sheet.max_column
        put(lists, f"L{row}", encode_cells(content_cells(sheet)))
    _mark_sheets(book, extras)


def _mark_sheets(book: Workbook, extras: Sequence[str] = ()) -> None:
    for key in FINPLAN_SHEETS:
        if SHEETS[key] in book.sheetnames:
            mark_sheet(book[SHEETS[key]], key)
    for title in extras:
        mark_sheet(book[title], "members" if title == SHEETS["members"] else MEMBER_MARK)


def _recorded(book: Workbook) -> dict[str, tuple[tuple[int, int] | None, set[str] | None]]:
    """What record_extents kept for each output sheet, by title: (size, cells)."""
    if LISTS_SHEET not in book.sheetnames:
        return {}
    lists, kept = book[LISTS_SHEET], {}

    def record(row: int) -> tuple[tuple[int, int] | None, set[str] | None]:
        rows, columns = lists[f"J{row}"].value, lists[f"K{row}"].value
        size = ((rows, columns) if isinstance(rows, int) and isinstance(columns, int)
                else None)
        return size, decode_cells(lists[f"{RECORD_COLUMN}{row}"].value)

    for offset, key in enumerate(OUTPUT_SHEETS):
        kept[SHEETS[key]] = record(_FIRST_EXTENT_ROW + offset)
    for offset in range(MAX_EXTRA_RECORDS):
        title = lists[f"I{EXTRA_RECORD_ROW + offset}"].value
        if isinstance(title, str) and title:
            kept[title] = record(EXTRA_RECORD_ROW + offset)
    return kept


def _order_sheets(book: Workbook) -> None:
    order = list(SHEETS.values())
    book._sheets.sort(key=lambda sheet: order.index(sheet.title)
                      if sheet.title in order else len(order))


def _rendered(model: grid.Book) -> Workbook:
    """The openpyxl workbook of ``model``, its sheets in finplan's order, the input
    sheet active, finplan's sheets marked and recorded."""
    book = Workbook()
    book.remove(book.active)
    write_book(model, book)
    record_extents(book, extra_titles(model.sheetnames))
    _order_sheets(book)
    book.active = 1
    return book


# What a blank template computes (the defaults of its parameters, nothing else): its
# output sheets print as this plan's would.
_BLANK = {"format": "finplan/1", "project": {"name": "-", "organisation": "-",
                                             "first_year": 2027}}


def _input_sheets(case: Case | None, expected: Expectations) -> tuple[grid.Book, InputLayout]:
    model = grid.Book()
    layout = InputLayout.for_counts(item_counts(case) if case else {})
    write_guide(model)
    write_inputs(model, layout, case)
    write_lists(model, layout, case, expected)
    return model, layout


def build_workbook(case: Case, plan: Plan | PlanInternals | None = None) -> BuiltWorkbook:
    """The complete workbook of a case: inputs filled, outputs computed (a
    collective's: its consolidated sheets, « Membres » and each member's sheets);
    ``plan``: the case's plan when it is already computed."""
    plan = compute(case) if plan is None else internals_of(plan)
    expected: Expectations = {}
    model, layout = _input_sheets(case, expected)
    write_outputs(model, plan, layout, expected)
    finish_input_sheets(model, case)
    write_snapshot(model, model_grid(model[INPUT_SHEET]))
    return BuiltWorkbook(_rendered(model), expected, plan)


def template_workbook(case: Case | None = None) -> Workbook:
    """The empty template a volunteer fills (``templates/finplan.xlsx``); with a
    case, the template as a volunteer would have filled it (no results yet)."""
    model, layout = _input_sheets(case, {})
    write_placeholders(model, compute(case or validate_case(_BLANK)), layout, case is None)
    finish_input_sheets(model, case)
    write_snapshot(model, model_grid(model[INPUT_SHEET]))
    return _rendered(model)


def replace_outputs(book: Workbook, plan: PlanInternals, layout: InputLayout,
                    notes: tuple[str, ...] = (),
                    snapshot: list[list[object]] | None = None,
                    text_cells: tuple[str, ...] = (),
                    extras: Sequence[str] = ()) -> Expectations:
    """Rewrite every output sheet of an existing workbook (the inputs stay as they are)
    and, given the inputs just read (``snapshot``), its « Dernier calcul » sheet;
    ``extras``: its « Membres » and members' sheets, rewritten too (a note where a
    member is no longer in the collective)."""
    expected: Expectations = {}
    rewritten = [*OUTPUT_SHEETS, *(("snapshot",) if snapshot is not None else ())]
    for title in [*(SHEETS[key] for key in rewritten), *extras]:
        if title in book.sheetnames:
            book.remove(book[title])
    for name in OUTPUT_NAMES:
        if name in book.defined_names:
            del book.defined_names[name]
    model = grid.Book()
    write_outputs(model, plan, layout, expected, notes, text_cells)
    written = extra_titles(model.sheetnames)
    for title in extras:
        if title not in written:
            write_stale(model, title)
    if snapshot is not None:
        write_snapshot(model, snapshot)
    write_book(model, book)
    if LISTS_SHEET in book.sheetnames:
        record_extents(book, [*written, *(t for t in extras if t not in written)])
    _mark_sheets(book)
    _order_sheets(book)
    return expected


@dataclass(frozen=True)
class FillResult:
    """What a fill did: the plan, the backup kept and the formula expectations."""

    plan: PlanInternals
    backup: Path | None
    expected: Expectations
    notes: tuple[str, ...] = ()


def fill_workbook(path: str | Path) -> FillResult:
    """Read the case of a filled workbook, compute it, rewrite its output sheets.

    The input sheet is not written to; the file is replaced atomically and the
    previous version kept as ``<name>.bak.xlsx``.
    """
    from finplan.io.workbook_files import (
        check_writable,
        exclusive,
        replace_file,
        rolling_backup,
        workbook_bytes,
        write_bytes,
    )
    from finplan.io.workbook_package import merge_sheets
    from finplan.io.workbook_read import input_values, open_workbook_to_fill, read_workbook_case

    path = Path(path)
    check_writable(path)
    with exclusive(path):
        # the result sheets, about to be rewritten, are read for their filled cells only
        # (a collective's « Membres » and members' sheets are loaded whole: they are
        # told from a user's sheet by finplan's mark or record, once loaded)
        results = [SHEETS[key] for key in OUTPUT_SHEETS]
        book, filled = open_workbook_to_fill(path, results)
        owned = finplan_sheets(book, FINPLAN_SHEETS, OUTPUT_NAMES, filled)
        recorded = _recorded(book)
        # finplan's « Membres » and members' sheets: marked by a fill, or recorded by
        # the button (which cannot mark a sheet it adds)
        extras = [title for title in book.sheetnames
                  if sheet_key(book[title]) in ("members", MEMBER_MARK)
                  or (title in recorded and title not in results)]
        before = {title: filled[title] if title in filled else content_cells(book[title])
                  for title in [*owned.values(), *extras]}
        values = input_values(book, path)
        found = read_workbook_case(book, values)
        plan = compute(found.case)
        wanted = extra_sheet_titles(plan)
        renamed = align_titles(book, wanted)  # « BUDGET (LAYON) » is « Budget (layon) »
        extras = [renamed.get(title, title) for title in extras]
        before = {renamed.get(title, title): cells for title, cells in before.items()}
        foreign = [title for title in wanted
                   if title in book.sheetnames and title not in extras]
        if foreign:
            raise FinplanError(foreign_sheets(foreign))
        expected = replace_outputs(book, plan, found.layout, found.notes, snapshot_grid(
            book[INPUT_SHEET], values[INPUT_SHEET] if values else None), found.text_cells,
            extras)
        expected.update(list_expectations(found.layout, found.case))
        retired = [title for title in extras if title not in wanted]
        _refuse_added_cells(book, before, recorded, [*results, *extras])
        titles = [SHEETS[key] for key in FINPLAN_SHEETS if SHEETS[key] in book.sheetnames]
        titles += [*wanted, *retired]
        for sheet in [*book.worksheets, *book.chartsheets]:
            if sheet.title not in titles:  # the user's sheets are copied from the file
                book.remove(sheet)
        kept, digest = rolling_backup(path, _backup_record(book))
        _record_backup(book, kept.name, digest)
        rewritten = workbook_bytes(book, path)
        backup = replace_file(path, lambda temporary: write_bytes(merge_sheets(
            str(path), rewritten, titles, [*SHEETS.values(), *extra_titles(titles)],
            OUTPUT_NAMES, retired), temporary),
            backup=True, backup_to=kept)
    return FillResult(plan, backup, expected, found.notes)


def _backup_record(book: Workbook) -> tuple[str, str] | None:
    """(name, SHA-256) of the backup the previous fill made, as « Listes » records it."""
    if LISTS_SHEET not in book.sheetnames:
        return None
    lists = book[LISTS_SHEET]
    name, digest = (lists[cell].value for cell in BACKUP_RECORD[1:])
    return (name, digest) if isinstance(name, str) and isinstance(digest, str) else None


def _record_backup(book: Workbook, name: str, digest: str) -> None:
    """Record on « Listes » the backup this fill makes (:func:`_backup_record`)."""
    if LISTS_SHEET in book.sheetnames:
        lists = book[LISTS_SHEET]
        for cell, value in zip(BACKUP_RECORD, ("sauvegarde", name, digest)):
            put(lists, cell, value)


def _refuse_added_cells(book: Workbook, before: dict[str, set[str]],
                        recorded: dict[str, tuple], results: Sequence[str]) -> None:
    """Refuse when cells a user typed on a result sheet (``results``, by title) would
    vanish."""
    added = {}
    for title, cells in before.items():
        if title in results and title in book.sheetnames:
            size, written = recorded.get(title, (None, None))
            added[title] = added_cells(cells, content_cells(book[title]), written, size)
    refuse_added_cells(added)
