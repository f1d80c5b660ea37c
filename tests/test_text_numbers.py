"""A number typed as text (« 3,7 » in a cell formatted as text, a pasted « 8 000 »):
finplan reads it, the workbook's formulas cannot (they show #VALUE! or skip it). So the
plan is never « validé » while such a cell remains: a check of its own names the
cells, the click's message and ``finplan fill`` say which to type again, and the
verdict also counts a status showing an error (COUNTIF alone skips errors).
"""

from __future__ import annotations

import shutil

import pytest
import xlwings as xw  # the remote engine is active: see conftest.py (licence key)
from click.testing import CliRunner
from openpyxl import load_workbook
from spreadsheet import convert, make_profile
from xlwings_client import payload

import finplan
from finplan import excel
from finplan.cli import main
from finplan.io.sheets.controles import TEXT_CHECK
from finplan.io.workbook_layout import INPUT_SHEET
from finplan.io.workbook_read import read_workbook_case
from finplan.io.workbook_write import template_workbook


@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    """The demo typed in a template, one FTE and one amount typed as text."""
    folder = tmp_path_factory.mktemp("texte")
    book = template_workbook(finplan.load_case(finplan.demo_path()))
    layout = read_workbook_case(book).layout
    sheet = book[INPUT_SHEET]
    fte = layout.cell("staff", 2, "fte")  # 0.5 FTE every year
    amount = layout.cell("expense", 1, "amount")  # 21 600 € a year
    assert isinstance(sheet[fte].value, (int, float)) and sheet[amount].value
    sheet[fte].value = str(sheet[fte].value).replace(".", ",")
    sheet[fte].data_type = "s"
    sheet[amount].value = f"{sheet[amount].value:,}".replace(",", " ")
    sheet[amount].data_type = "s"
    path = folder / "plan.xlsx"
    book.save(path)
    return path, fte, amount


def test_the_reader_names_the_cells_in_french(typed):
    path, fte, amount = typed
    found = read_workbook_case(load_workbook(path))
    assert found.text_cells == (fte, amount)
    assert found.notes[0].startswith(f"{INPUT_SHEET}!{fte} contient le texte « 0,5 », lu "
                                     "comme le nombre 0,5 ; les formules du classeur ne "
                                     "lisent pas un texte : saisissez-le comme un nombre.")


def test_the_click_says_the_plan_is_to_revise_and_which_cells(typed):
    path, fte, _ = typed
    book = xw.Book(json=payload(load_workbook(path, data_only=True), client="Office.js"))
    assert excel.calculer(book) is False
    message = book.json()["actions"][-1]["args"][0]
    assert message.startswith("Plan calculé, à revoir :\n")
    assert f"- {INPUT_SHEET}!{fte} contient le texte « 0,5 »" in message


def test_fill_fails_and_the_recalculated_verdict_is_to_revise(typed, tmp_path):
    path, fte, amount = typed
    filled = tmp_path / "plan.xlsx"
    shutil.copy(path, filled)
    result = CliRunner().invoke(main, ["fill", str(filled)])
    assert result.exit_code == 1, result.output
    assert f"À revoir : {INPUT_SHEET}!{fte} contient le texte « 0,5 »" in result.output
    assert "Tous les contrôles sont passés." not in result.output
    profile = make_profile(tmp_path / "profile")
    (shown,) = convert([filled], tmp_path / "shown", profile)
    checks = load_workbook(shown, data_only=True)["Contrôles"]
    rows = {row[1].value: row[2].value for row in checks.iter_rows() if row[1].value}
    assert rows[TEXT_CHECK] == "À revoir"
    assert rows["Verdict"] == "Plan à revoir"
    # typed again as numbers: the check turns OK (the freshness check says the inputs
    # changed since the calculation, so the verdict waits for the next one)
    book = load_workbook(filled)
    book[INPUT_SHEET][fte].value = 3.7
    book[INPUT_SHEET][amount].value = float(
        book[INPUT_SHEET][amount].value.replace(" ", ""))
    book.save(tmp_path / "corrige.xlsx")
    (fixed,) = convert([tmp_path / "corrige.xlsx"], tmp_path / "fixed", profile)
    checks = load_workbook(fixed, data_only=True)["Contrôles"]
    rows = {row[1].value: row[2].value for row in checks.iter_rows() if row[1].value}
    assert rows[TEXT_CHECK] == "OK"
