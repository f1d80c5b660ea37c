"""Bridging facilities in the workbook (issue 17): typed in « Financements relais »,
drawn month by month on « Trésorerie », their interest and fees on the Budget, their
balances in the Plan de financement — recalculated by LibreOffice, equal to the engine."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from spreadsheet import convert, formula_mismatches, is_error, make_profile, same_cell
from test_bridging import FACILITIES, with_bridges

import finplan
from finplan.errors import CaseError
from finplan.io.workbook_layout import INPUT_SHEET, InputLayout
from finplan.io.workbook_read import open_workbook, read_workbook_case
from finplan.io.workbook_write import build_workbook, item_counts
from finplan.model.case_dict import case_to_dict
from finplan.model.engine import compute

from helpers import clicked_and_built

COLLECTIVE = finplan.demo_path().parent / "collectif-releve.toml"


def collective_with_bridges():
    raw = case_to_dict(finplan.load_case(COLLECTIVE))
    for member in raw["member"]:  # the Chantiers du Layon start with no cash of their own
        if member["id"] == "layon":
            member["opening_cash"] = 0
    raw["bridge"] = [
        {"label": "Découvert d'Alise", "kind": "decouvert", "ceiling": 20000,
         "annual_rate": 0.08},
        {"label": "Avance aux Chantiers du Layon", "kind": "membres", "ceiling": 5000,
         "member": "layon", "repay": "date", "repay_month": 20}]
    return finplan.load_case(raw)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Each case built, saved, recalculated by LibreOffice: (built, values) by name."""
    folder = tmp_path_factory.mktemp("relais")
    cases = {"facilities": finplan.load_case(with_bridges(*FACILITIES)),
             "collective": collective_with_bridges()}
    built = {name: build_workbook(case) for name, case in cases.items()}
    paths = []
    for name, result in built.items():
        paths.append(folder / f"{name}.xlsx")
        result.workbook.save(paths[-1])
    converted = convert(paths, folder / "out", make_profile(folder / "profile"))
    return {name: (built[name], load_workbook(path, data_only=True), cases[name])
            for name, path in zip(built, converted)}


@pytest.mark.parametrize("name", ["facilities", "collective"])
def test_every_formula_equals_the_engine_to_the_cent(recalculated, name):
    built, values, _ = recalculated[name]
    assert formula_mismatches(built.expected, values, built.workbook) == []
    errors = [(sheet.title, cell.coordinate) for sheet in values.worksheets
              for row in sheet.iter_rows() for cell in row if is_error(cell.value)]
    assert errors == []


def _row(sheet, label: str, after: int = 1) -> int:
    return next(row for row in range(after, sheet.max_row + 1)
                if (sheet.cell(row, 2).value or "").strip() == label)


def test_the_cash_sheet_shows_each_facility_month_by_month(recalculated):
    built, values, case = recalculated["facilities"]
    plan = compute(case)
    sheet, formulas = values["Trésorerie"], built.workbook["Trésorerie"]
    for facility in plan.monthly.bridges:
        head = _row(sheet, facility.bridge.label)
        for label, figure in (("tirages", facility.drawn), ("remboursements", facility.repaid),
                              ("encours en fin de mois", facility.balance)):
            row = _row(sheet, label, head)
            assert [round(sheet.cell(row, 3 + m).value * 100) for m in range(36)] == figure
        if facility.bridge.annual_rate:
            row = _row(sheet, "intérêts (66)", head)
            assert [round(sheet.cell(row, 3 + m).value * 100) for m in range(36)] == (
                facility.interest)
            # last month's balance × the rate typed on « Hypothèses »
            assert formulas.cell(row, 5).value.startswith("=ROUND(D")
            assert "'Hypothèses'!$E$" in formulas.cell(row, 5).value
    balance = _row(sheet, "Trésorerie de fin de mois")
    assert [round(sheet.cell(balance, 3 + m).value * 100) for m in range(36)] == (
        plan.monthly.balances)


def test_the_budget_and_the_plan_carry_their_cost_and_their_balances(recalculated):
    _, values, case = recalculated["facilities"]
    plan = compute(case)
    budget = values["Budget"]
    interest = [sum(b.interest[y] for b in plan.bridges) for y in range(3)]
    fees = [sum(b.fees[y] for b in plan.bridges) for y in range(3)]
    for code, figure in (("6616", interest), ("627", fees)):
        row = next(r for r in range(1, budget.max_row + 1)
                   if str(budget.cell(r, 1).value) == code
                   and "relais" in budget.cell(r, 2).value)
        assert [round(budget.cell(row, 3 + y).value * 100) for y in range(3)] == figure
    financing = values["Plan de financement"]
    amounts = {row.code: row.amounts for row in plan.financing_rows}
    for label, code in (("Financements relais", "bridges"),
                        ("Remboursement des financements relais", "bridges_repaid")):
        row = _row(financing, label)
        assert [round(financing.cell(row, 3 + y).value * 100) for y in range(3)] == (
            amounts[code])
    cash = _row(financing, "Trésorerie de fin d'année")
    assert [round(financing.cell(cash, 3 + y).value * 100) for y in range(3)] == (
        plan.cash_end)


def test_a_member_s_facility_is_on_its_own_sheets(recalculated):
    _, values, case = recalculated["collective"]
    plan = compute(case)
    layon = next(p for m, p in zip(case.members, plan.members) if m.id == "layon")
    (facility,) = layon.monthly.bridges
    sheet = values["Trésorerie (layon)"]
    head = _row(sheet, "Avance aux Chantiers du Layon")
    row = _row(sheet, "encours en fin de mois", head)
    assert [round(sheet.cell(row, 3 + m).value * 100) for m in range(36)] == (
        facility.balance)
    assert facility.repaid[19] == facility.balance[18] > 0  # repaid in full in month 20


def test_the_table_round_trips_and_reads_a_volunteer_s_french(tmp_path):
    case = finplan.load_case(with_bridges(*FACILITIES))
    book = build_workbook(case).workbook
    path = tmp_path / "plan.xlsx"
    book.save(path)
    assert read_workbook_case(open_workbook(path)).case == case
    layout = InputLayout.for_counts(item_counts(case))
    inputs = book[INPUT_SHEET]
    # as a volunteer types them: the drop-downs' labels, a percentage, no repayment
    inputs[layout.cell("bridge", 1, "kind")] = "Dailly (cession de la subvention à la banque)"
    inputs[layout.cell("bridge", 1, "repay")] = None
    inputs[layout.cell("bridge", 3, "repay")] = "Sur la trésorerie disponible"
    inputs[layout.cell("bridge", 3, "annual_rate")] = 0.09
    book.save(path)
    read = read_workbook_case(open_workbook(path)).case
    assert read.bridges[1].kind == "dailly" and read.bridges[1].repay == "funder"
    assert read.bridges[3].repay == "surplus"


def test_a_dailly_without_its_funder_is_refused_at_its_cell(tmp_path):
    case = finplan.load_case(with_bridges(*FACILITIES))
    book = build_workbook(case).workbook
    layout = InputLayout.for_counts(item_counts(case))
    cell = layout.cell("bridge", 1, "funder")
    book[INPUT_SHEET][cell] = None
    path = tmp_path / "plan.xlsx"
    book.save(path)
    with pytest.raises(CaseError) as caught:
        read_workbook_case(open_workbook(path))
    (issue,) = caught.value.issues
    assert str(issue) == (
        f"Hypothèses!{cell} (« Dailly Département ») : un financement « Dailly (cession "
        "de la subvention à la banque) » avance la subvention d'un financeur : il faut le "
        "nommer ; indiquez Financeur.")


def test_a_volunteer_types_the_bridges_and_clicks_the_button(tmp_path):
    """The example without its bridges in a template; the treasurer types them in
    « Financements relais » with the drop-downs' words and clicks « Calculer le plan »
    (xlwings' remote engine); recalculated by LibreOffice, the Trésorerie, the Budget
    and the Plan de financement are those of finplan build for the example."""
    from finplan.io.workbook_write import template_workbook

    example = finplan.load_case(finplan.demo_path())
    without = finplan.load_case(with_bridges())
    template = template_workbook(without)
    layout = InputLayout.for_counts(item_counts(without))
    inputs = template[INPUT_SHEET]
    typed = [{"label": "Avance remboursable France Active",
              "kind": "Prêt relais, avance remboursable", "ceiling": 30000},
             {"label": "Dailly sur la subvention du Département",
              "kind": "Dailly (cession de la subvention à la banque)", "ceiling": 15000,
              "annual_rate": 0.045, "fee": 150,
              "funder": "Département des Landes (insertion)"}]
    for index, row in enumerate(typed):
        for key, value in row.items():
            inputs[layout.cell("bridge", index, key)] = value
    returned, got, want = clicked_and_built(template, example, tmp_path)
    assert returned == [True]  # the bridges carry the cash: validated
    for name in ("Trésorerie", "Budget", "Plan de financement", "Contrôles"):
        different = [(cell.coordinate, cell.value, got[name][cell.coordinate].value)
                     for row in want[name].iter_rows() for cell in row
                     if not same_cell(cell.value, got[name][cell.coordinate].value)]
        assert different == [], name

