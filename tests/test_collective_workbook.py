"""Issue 15: a collective's workbook — each member's result sheets written by the
single organisation's writers from the collective's inputs, recalculated by
LibreOffice: every formula equals the engine to the cent."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from spreadsheet import convert, is_error, make_profile
from test_workbook import _matches

import finplan
from finplan.io.grid_openpyxl import write_book
from finplan.io.workbook_members import write_member_sheets
from finplan.io.workbook_write import _input_sheets

EXAMPLE = finplan.demo_path().parent / "collectif-releve.toml"


@pytest.fixture(scope="module")
def members_recalculated(tmp_path_factory):
    """(expectations, recalculated values, sheet names) of the example's inputs and
    member sheets."""
    folder = tmp_path_factory.mktemp("collectif")
    case = finplan.load_case(EXAMPLE)
    plan = finplan.compute(case)
    expected: dict = {}
    model, layout = _input_sheets(case, expected)
    write_member_sheets(model, plan, layout, expected)
    book = Workbook()
    book.remove(book.active)
    write_book(model, book)
    path = folder / "collectif.xlsx"
    book.save(path)
    out = folder / "out"
    convert([path], out, make_profile(folder / "profile"))
    return expected, load_workbook(out / path.name, data_only=True), book.sheetnames


def test_each_member_has_its_result_sheets(members_recalculated):
    *_, names = members_recalculated
    assert names[3:8] == ["Financeurs (alise)", "Calculs (alise)", "Budget (alise)",
                          "Plan de financement (alise)", "Trésorerie (alise)"]
    assert "Plan de financement (ressourc…)" in names  # 31 characters at most
    assert len(names) == 3 + 5 * 5


def test_every_member_formula_equals_the_engine_to_the_cent(members_recalculated):
    expected, values, _ = members_recalculated
    wrong = [(key, value, values[key[0]][key[1]].value) for key, value in expected.items()
             if not _matches(value, values[key[0]][key[1]].value)]
    assert wrong == []
    assert len(expected) > 2000
    errors = [(sheet.title, cell.coordinate) for sheet in values.worksheets
              for row in sheet.iter_rows() for cell in row if is_error(cell.value)]
    assert errors == []


def test_a_member_s_figures_follow_its_own_inputs(members_recalculated):
    """Layon's hours are the contract's × its share, typed in the collective's tables;
    its opening cash is its row of « Membres du collectif »."""
    _, values, _ = members_recalculated
    calc = values["Calculs (layon)"]
    hours = [row for row in calc.iter_rows(values_only=True)
             if row[1] == "Heures travaillées — Relève des compteurs d'eau"]
    assert hours and list(hours[0][2:5]) == [1350, 1350, 1350]
    plan = values["Plan de financement (layon)"]
    opening = [row for row in plan.iter_rows(values_only=True)
               if row[1] == "Trésorerie de début d'année"]
    assert opening[0][2] == 25000
