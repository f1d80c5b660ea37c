"""Generated workbooks recalculated by LibreOffice: every formula equals the engine.

One LibreOffice run converts every workbook of this module (recalculating on
load); each formula cell is then compared with the value the engine computed
for it, to the cent, and no cell may hold an error value.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from spreadsheet import convert, is_error, make_profile

import finplan
from finplan.io.workbook_layout import InputLayout
from finplan.io.workbook_write import (
    build_workbook,
    fill_workbook,
    item_counts,
    template_workbook,
)

CASES = {
    "recyclerie": finplan.demo_path(),
    "epicerie": finplan.demo_path().parent / "epicerie-solidaire.toml",
    "atelier-velo": finplan.demo_path().parent / "atelier-velo.toml",
    "cinq-ans": Path(__file__).parent / "cases" / "cinq-ans.toml",
}


def _matches(expected, got) -> bool:
    if isinstance(expected, (bool, str)) or expected is None:
        return (got or "") == (expected or "")
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return False
    return abs(Decimal(repr(got)) - Decimal(expected)) < Decimal("0.005")


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """name -> (expectations, recalculated workbook values, formulas of the source)."""
    folder = tmp_path_factory.mktemp("workbooks")
    built, sources = {}, []
    for name, path in CASES.items():
        built[name] = build_workbook(finplan.load_case(path))
        source = folder / f"{name}.xlsx"
        built[name].workbook.save(source)
        sources.append(source)
    # a template filled by a volunteer, then computed by finplan fill
    volunteer = folder / "benevole.xlsx"
    _fill_template_as_a_volunteer(volunteer)
    fill = fill_workbook(volunteer)
    sources.append(volunteer)
    converted = convert(sources, folder / "recalculated", make_profile(folder / "profile"))
    results = {}
    for name, source, output in zip([*CASES, "benevole"], sources, converted):
        expected = built[name].expected if name in built else fill.expected
        results[name] = (expected, load_workbook(output, data_only=True),
                         load_workbook(source))
    return results


# What Excel stores when a volunteer types in a French Excel: numbers are numbers
# ("1 823,03" typed becomes 1823.03, "11 %" becomes 0.11); choices are French labels.
VOLUNTEER_PARAMS = {"C6": "Jardin d'insertion", "C7": "Les Potagers", "C8": 2028, "C9": 3,
                    "C10": 4, "C11": 5000, "C12": 0.02, "C13": 0.015}
VOLUNTEER_ROWS = {
    "staff": [
        {"role": "Jardiniers en insertion", "kind": "Insertion (salariés en parcours, CDDI)",
         "contract": "ACI", "fte": 4.5, "monthly_gross": 1823.03,
         "employer_rate": 0.11, "start_month": 5},
        {"role": "Encadrante maraîchère", "kind": "encadrement", "fte": 1,
         "monthly_gross": 2380, "employer_rate": 0.42},
    ],
    "revenue": [{"label": "Paniers de légumes", "account": "707", "amount": 24000}],
    "expense": [{"label": "Location de terrain", "account": "613", "amount": 3600}],
    "funder": [
        {"name": "ASP", "type": "Public", "line": "ASP (emplois aidés)", "rule": "Par ETP",
         "amount_per_fte": "ACI", "staff_kind": "Insertion", "contract": "ACI"},
        {"name": "Département", "type": "Public", "line": "Département", "rule": "Solde"},
    ],
}


def _fill_template_as_a_volunteer(path: Path) -> None:
    """The template, filled with what a volunteer types (French spellings)."""
    book = template_workbook()
    sheet = book["Hypothèses"]
    layout = InputLayout.for_counts({})
    for cell, value in VOLUNTEER_PARAMS.items():
        sheet[cell] = value
    for key, items in VOLUNTEER_ROWS.items():
        for index, item in enumerate(items):
            for column, value in item.items():
                sheet[layout.cell(key, index, column)] = value
    book.save(path)


@pytest.mark.parametrize("name", [*CASES, "benevole"])
def test_every_formula_equals_the_engine_to_the_cent(recalculated, name):
    expected, values, sources = recalculated[name]
    formulas = {(sheet.title, cell.coordinate) for sheet in sources.worksheets
                for row in sheet.iter_rows() for cell in row
                if isinstance(cell.value, str) and cell.value.startswith("=")}
    assert formulas == set(expected), "every formula cell has an engine value"
    wrong = [(key, value, values[key[0]][key[1]].value) for key, value in expected.items()
             if not _matches(value, values[key[0]][key[1]].value)]
    assert wrong == []
    assert len(expected) > 200


@pytest.mark.parametrize("name", [*CASES, "benevole"])
def test_no_cell_holds_an_error_value(recalculated, name):
    _, values, _ = recalculated[name]
    errors = [(sheet.title, cell.coordinate, cell.value) for sheet in values.worksheets
              for row in sheet.iter_rows() for cell in row if is_error(cell.value)]
    assert errors == []


def test_a_reviewer_changing_a_salary_sees_the_budget_move(tmp_path):
    case = finplan.load_case(CASES["atelier-velo"])
    built = build_workbook(case)
    # the coordination salary: 2 000 -> 2 500 a month, 12 months, charges 50 %
    layout = InputLayout.for_counts(item_counts(case))
    built.workbook["Hypothèses"][layout.cell("staff", 0, "monthly_gross")] = 2500
    path = tmp_path / "modifie.xlsx"
    built.workbook.save(path)
    (output,) = convert([path], tmp_path / "out", make_profile(tmp_path / "profile"))
    budget = load_workbook(output, data_only=True)["Budget"]
    line_64 = next(row for row in budget.iter_rows() if row[0].value == "64")
    # 36 000 before; now 2 500 × 12 × 1.5 = 45 000
    assert line_64[2].value == 45000
