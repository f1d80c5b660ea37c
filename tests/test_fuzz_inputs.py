"""Fuzzing: broken case files and workbooks end in a French finplan error or a plan.

Hypothesis mutates the bundled example — wrong types, missing and extra keys,
huge and negative numbers, empty tables, text in number cells, dates where
numbers belong, renamed or deleted sheets, tables and defined names — and
every mutation must end with exit 2 and a French message naming where (key
path or sheet!cell), with nothing written, or with a valid plan; never another
exception.
"""

from __future__ import annotations

import copy
import datetime
import io
import os
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import finplan
from finplan.cli import main
from finplan.errors import CaseError, FinplanError
from finplan.io.toml_case import parse_case_text
from finplan.io.workbook_layout import INPUT_SHEET, PARAMS, TABLES, InputLayout
from finplan.io.workbook_read import read_grid_case
from finplan.io.workbook_write import build_workbook, item_counts
from finplan.model.engine import compute

from helpers import key_paths

# Each example runs the whole CLI: a failure is reported as found, not shrunk (shrinking
# hundreds of CLI runs would take many minutes).
QUICK_PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
DEMO = parse_case_text(finplan.demo_path().read_text("utf-8"))
CASE = finplan.load_case(finplan.demo_path())

# Texts a cell can hold (a workbook cannot store control characters; case files with
# them are refused, see test_control_characters_are_refused).
cell_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
junk_values = st.one_of(
    st.none(), st.booleans(), cell_text,
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from([-1, 0, 10**12, -(10**12), Decimal("1e300"), "", " ", "12,5 %",
                     "1 823,03", "1.823", "=1/0", "#REF!", "ACI", "vrai", "2027-01-01"]),
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1990, 1, 1),
                 max_value=datetime.datetime(2100, 1, 1)),
)


ALL_PATHS = [path for path in key_paths(DEMO) if path]
TOP_LISTS = [key for key, value in DEMO.items() if isinstance(value, list)]


@st.composite
def broken_cases(draw) -> dict:
    """The example with a few of: a junk value, a key deleted, an unknown key added,
    a list emptied or replaced by junk."""
    raw = copy.deepcopy(DEMO)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        action = draw(st.sampled_from(["value", "delete", "extra", "empty", "junk_list"]))
        path = draw(st.sampled_from(ALL_PATHS))
        parent = raw
        try:
            for key in path[:-1]:
                parent = parent[key]
            if action == "value":
                parent[path[-1]] = draw(junk_values.filter(
                    lambda v: not isinstance(v, (datetime.date, datetime.datetime))))
            elif action == "delete":
                del parent[path[-1]]
            elif action == "extra" and isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=8))] = draw(st.integers())
            elif action == "empty":
                raw[draw(st.sampled_from(TOP_LISTS))] = []
            elif action == "junk_list":
                raw[draw(st.sampled_from(TOP_LISTS))] = draw(st.lists(junk_values.filter(
                    lambda v: not isinstance(v, (datetime.date, datetime.datetime))),
                    max_size=3))
        except (KeyError, IndexError, TypeError):
            continue
    return raw


def _toml(raw: dict) -> str:
    """A raw case as TOML (values tomli-w cannot write are left out)."""
    import tomli_w

    def clean(node):
        if isinstance(node, dict):
            return {str(k): clean(v) for k, v in node.items() if v is not None}
        if isinstance(node, list):
            return [clean(v) for v in node if v is not None]
        if isinstance(node, float):
            return Decimal(repr(node))
        return node

    try:
        return tomli_w.dumps(clean(raw))
    except (TypeError, ValueError):
        return 'format = "finplan/1"\n[project]\nname = 1\n'


@given(broken_cases())
@settings(max_examples=150, deadline=None, phases=QUICK_PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_broken_case_files_through_the_cli(tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "cas.toml"
    path.write_text(_toml(raw), "utf-8")
    output = folder / "plan.xlsx"
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(output)])
    assert "Traceback" not in result.output and "Erreur interne" not in result.output
    if result.exit_code == 2:
        assert result.output.startswith("Erreur : ")
        assert not output.exists()  # nothing written
    else:
        assert result.exit_code in (0, 1), result.output
        assert output.exists()
    assert sorted(p.name for p in folder.iterdir()) == (
        ["cas.toml"] if result.exit_code == 2 else ["cas.toml", "plan.xlsx"])


# -- workbooks ----------------------------------------------------------------------

LAYOUT = InputLayout.for_counts(item_counts(CASE))
_BUILT = build_workbook(CASE).workbook
_BUFFER = io.BytesIO()
_BUILT.save(_BUFFER)
WORKBOOK_BYTES = _BUFFER.getvalue()
GRID = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(
    WORKBOOK_BYTES))[INPUT_SHEET].iter_rows()]
INPUT_CELLS = [LayoutCell for LayoutCell in (
    [InputLayout.param_cell(param) for param in PARAMS]
    + [LAYOUT.cell(spec.key, index, column.key)
       for spec in TABLES for index in range(min(4, LAYOUT.table(spec.key).rows))
       for column in spec.columns])]


def _coordinates(cell: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_to_tuple

    return coordinate_to_tuple(cell)


@given(st.lists(st.tuples(st.sampled_from(INPUT_CELLS), junk_values), min_size=1,
                max_size=6),
       st.lists(st.integers(min_value=0, max_value=len(GRID) - 1), max_size=2))
@settings(max_examples=300, deadline=None)
def test_junk_in_the_input_grid_gives_located_errors_or_a_plan(changes, dropped_rows):
    rows = [list(row) for row in GRID]
    for cell, value in changes:
        row, column = _coordinates(cell)
        rows[row - 1][column - 1] = value
    for index in sorted(set(dropped_rows), reverse=True):
        del rows[index]  # a deleted row: headers and tables move
    try:
        found = read_grid_case(rows)
    except CaseError as error:
        assert error.issues
        for issue in error.issues:
            assert issue.location, str(issue)  # a cell or the sheet, never only a path
            assert issue.location.startswith(INPUT_SHEET), str(issue)
        return
    plan = compute(found.case)
    assert plan.years


SHEET_DAMAGE = ["rename_inputs", "delete_inputs", "delete_lists", "delete_output",
                "rename_output", "delete_name", "delete_table", "extra_sheet"]


@given(st.lists(st.tuples(st.sampled_from(INPUT_CELLS), junk_values), max_size=4),
       st.lists(st.sampled_from(SHEET_DAMAGE), max_size=2),
       st.integers(min_value=0, max_value=50))
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 25)), deadline=None,
          phases=QUICK_PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_damaged_workbooks_through_fill(tmp_path_factory, changes, damages, pick):
    folder = tmp_path_factory.mktemp("fuzz-xlsx")
    book = load_workbook(io.BytesIO(WORKBOOK_BYTES))
    sheet = book[INPUT_SHEET]
    for cell, value in changes:
        sheet[cell] = value
    for damage in damages:
        _damage(book, damage, pick)
    path = folder / "plan.xlsx"
    book.save(path)
    before = path.read_bytes()
    inputs_before = _input_values(path)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert "Traceback" not in result.output and "Erreur interne" not in result.output
    if result.exit_code == 2 or inputs_before is None:
        assert result.exit_code == 2 and result.output.startswith("Erreur : ")
        assert path.read_bytes() == before
        assert [p.name for p in folder.iterdir()] == ["plan.xlsx"]
    else:
        assert result.exit_code in (0, 1), result.output
        assert _input_values(path) == inputs_before  # fill never changes an input


def _damage(book, damage: str, pick: int) -> None:
    outputs = [name for name in book.sheetnames if name not in (INPUT_SHEET, "Listes",
                                                                   "Guide")]
    if damage == "rename_inputs" and INPUT_SHEET in book.sheetnames:
        book[INPUT_SHEET].title = "Hypotheses"
    elif damage == "delete_inputs" and INPUT_SHEET in book.sheetnames:
        del book[INPUT_SHEET]
    elif damage == "delete_lists" and "Listes" in book.sheetnames:
        del book["Listes"]
    elif damage == "delete_output" and outputs:
        del book[outputs[pick % len(outputs)]]
    elif damage == "rename_output" and outputs:
        book[outputs[pick % len(outputs)]].title = "Copie de travail"
    elif damage == "delete_name" and book.defined_names:
        names = sorted(book.defined_names)
        del book.defined_names[names[pick % len(names)]]
    elif damage == "delete_table" and INPUT_SHEET in book.sheetnames:
        tables = sorted(book[INPUT_SHEET].tables)
        if tables:
            del book[INPUT_SHEET].tables[tables[pick % len(tables)]]
    elif damage == "extra_sheet":
        extra = book.create_sheet("Mes notes")
        extra["A1"] = "Notes du trésorier"


def _input_values(path: Path) -> dict | None:
    """Every input cell's value (None: openpyxl cannot read the file at all)."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            book = load_workbook(path)
    except Exception:  # e.g. a date-formatted cell holding 4e16: unreadable
        return None
    if INPUT_SHEET not in book.sheetnames:
        return {}
    return {cell.coordinate: cell.value for row in book[INPUT_SHEET].iter_rows()
            for cell in row}


def test_a_date_where_a_number_belongs_is_named_as_a_date(tmp_path):
    book = load_workbook(io.BytesIO(WORKBOOK_BYTES))
    cell = LAYOUT.cell("expense", 0, "amount")
    book[INPUT_SHEET][cell] = datetime.datetime(2027, 3, 1)
    path = tmp_path / "plan.xlsx"
    book.save(path)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert result.exit_code == 2
    assert f"Hypothèses!{cell}" in result.output and "« 01/03/2027 » (une date)" in (
        result.output)


def test_every_error_is_a_finplan_error():
    assert issubclass(CaseError, FinplanError)


def test_control_characters_are_refused():
    raw = copy.deepcopy(DEMO)
    raw["expense"][0]["label"] = "Loyer\x1f"
    try:
        finplan.load_case(raw)
    except CaseError as error:
        assert [issue.path for issue in error.issues] == ["expense[0].label"]
        assert "caractère de contrôle invisible" in str(error)
    else:
        raise AssertionError("control character accepted")
