"""``finplan_a_jour``: a workbook never shows results that disagree with its inputs
without saying so.

A reviewer edits one input of a built workbook (a price, an FTE, a funder's rate,
the opening cash, the first year, an account code, a row added under a table, two
rows swapped, a label's case), LibreOffice recalculates it (forced): every output
sheet shows the banner, the freshness check reads « À revoir » and the verdict
cannot read « Plan validé ». The unedited workbook, and the edited one after
``finplan fill``, say the results are up to date (see also tests/test_workbook.py,
where every formula, banners and checks included, equals the engine).
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from spreadsheet import convert, make_profile
from spreadsheet import matches as _matches

import finplan
from finplan.io.workbook_layout import OUTPUT_SHEETS, SHEETS, InputLayout
from finplan.io.workbook_outputs import FRESHNESS_CHECK
from finplan.io.workbook_snapshot import BANNER
from finplan.io.workbook_write import build_workbook, fill_workbook, item_counts

CASE = finplan.load_case(finplan.demo_path())
LAYOUT = InputLayout.for_counts(item_counts(CASE))


def _set(key: str, index: int, column: str, value):
    def edit(sheet):
        sheet[LAYOUT.cell(key, index, column)] = value
    return edit


def _swap_staff(sheet):
    first, second = (LAYOUT.table("staff").first_row + i for i in (0, 1))
    for column in range(1, sheet.max_column + 1):
        a, b = sheet.cell(first, column), sheet.cell(second, column)
        a.value, b.value = b.value, a.value


def _add_row(key: str, count: int, **values):
    """A row typed just under a table (the table does not grow: finplan_a_jour must
    still see it)."""
    def edit(sheet):
        for column, value in values.items():
            sheet[LAYOUT.cell(key, count, column)] = value
        row = LAYOUT.table(key).first_row + count
        assert next(iter(values.values())) in [cell.value for cell in sheet[row]]
    return edit


def _upper_label(sheet):
    cell = sheet[LAYOUT.cell("funder", 0, "name")]
    cell.value = cell.value.upper()


EDITS = {
    "prix de vente": _set("revenue", 0, "unit_price", 1000),
    "ETP": _set("staff", 0, "fte", 4),
    "taux d'un financeur": _set("funder", 1, "rate", 0.3),
    "trésorerie de départ": lambda sheet: sheet.__setitem__("C11", 12345),
    "première année": lambda sheet: sheet.__setitem__("C8", 2028),
    "compte d'une charge": _set("expense", 0, "account", "622"),
    "plafond d'un financeur": _set("funder", 2, "cap", 1000),
    "ligne ajoutée (charges)": _add_row("expense", len(CASE.expenses), label="Téléphone",
                                        account="626", amount=1200),
    "ligne ajoutée (personnel)": _add_row("staff", len(CASE.staff), role="Comptable",
                                          kind="Support (direction, administration)", fte=0.2,
                                          monthly_gross=2500, employer_rate=0.45),
    "ligne ajoutée (recettes)": _add_row("revenue", len(CASE.revenue), label="Dons",
                                         account="754", amount=500),
    "ligne ajoutée (financeurs)": _add_row("funder", len(CASE.funders), name="Fondation",
                                           type="Privé", rule="Montant fixe", amount=3000),
    "lignes triées": _swap_staff,
    "majuscules d'un nom": _upper_label,
}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fresh")
    sources = {}
    for name in ["inchangé", *EDITS]:
        book = build_workbook(CASE).workbook
        if name in EDITS:
            EDITS[name](book["Hypothèses"])
        path = folder / f"{len(sources)}.xlsx"
        book.save(path)
        sources[name] = path
    refilled = folder / "recalcule.xlsx"
    book = build_workbook(CASE).workbook
    EDITS["prix de vente"](book["Hypothèses"])
    book.save(refilled)
    fill_workbook(refilled)
    sources["recalculé par fill"] = refilled
    converted = convert(list(sources.values()), folder / "out", make_profile(folder / "p"))
    values = {name: load_workbook(path, data_only=True)
              for name, path in zip(sources, converted)}
    return values


@pytest.fixture(scope="module")
def refilled_expectations(recalculated, tmp_path_factory):
    """What the engine gives for the edited inputs, cell by cell (a second fill of the
    same edited workbook writes the same figures)."""
    path = tmp_path_factory.mktemp("again") / "edited.xlsx"
    book = build_workbook(CASE).workbook
    EDITS["prix de vente"](book["Hypothèses"])
    book.save(path)
    return fill_workbook(path).expected


def _freshness(values):
    checks = values[SHEETS["checks"]]
    status = next(row[2].value for row in checks.iter_rows()
                  if row[1].value == FRESHNESS_CHECK)
    verdict = next(row[2].value for row in checks.iter_rows() if row[1].value == "Verdict")
    banners = {SHEETS[key]: values[SHEETS[key]]["B3"].value for key in OUTPUT_SHEETS}
    return status, verdict, banners


@pytest.mark.parametrize("edit", EDITS)
def test_an_edited_input_makes_every_sheet_say_the_results_are_stale(recalculated, edit):
    status, verdict, banners = _freshness(recalculated[edit])
    assert status == "À revoir"
    assert verdict == "Plan à revoir"
    assert banners == {name: BANNER for name in banners}


def test_after_fill_every_figure_equals_the_engine(recalculated, refilled_expectations):
    values = recalculated["recalculé par fill"]
    wrong = [(key, value, values[key[0]][key[1]].value)
             for key, value in refilled_expectations.items()
             if not _matches(value, values[key[0]][key[1]].value)]
    assert wrong == []
    assert len(refilled_expectations) > 200


@pytest.mark.parametrize("name", ["inchangé", "recalculé par fill"])
def test_results_computed_from_the_current_inputs_are_up_to_date(recalculated, name):
    status, _, banners = _freshness(recalculated[name])
    assert status == "OK"
    assert all(not text for text in banners.values())


def test_the_excel_button_keeps_the_inputs_it_read(tmp_path):
    # the click writes the inputs it read on « Dernier calcul », in one write
    import xlwings as xw
    from xlwings_client import apply, payload

    from finplan import excel
    from finplan.io.workbook_write import template_workbook

    filled = tmp_path / "rempli.xlsx"
    template_workbook(CASE).save(filled)
    (shown,) = convert([filled], tmp_path / "shown", make_profile(tmp_path / "p"))
    book = xw.Book(json=payload(load_workbook(shown, data_only=True)))
    excel.calculer(book)
    workbook = load_workbook(filled)
    apply(book.json()["actions"], workbook)
    inputs, copy = workbook["Hypothèses"], workbook[SHEETS["snapshot"]]
    typed = {(c.coordinate, c.value) for row in inputs.iter_rows() for c in row
             if c.value is not None}
    kept = {(c.coordinate, c.value) for row in copy.iter_rows() for c in row
            if c.value not in (None, "")}  # Excel blanks a cell given an empty text
    assert typed == kept


def test_after_a_click_the_results_follow_inputs_excel_could_misread(tmp_path):
    # a value written to a cell is read as if typed there: the copy of the inputs keeps
    # each text behind an apostrophe, so an account typed as text (« 707 ») stays text
    # and a label starting with an apostrophe keeps it — and finplan_a_jour stays TRUE
    import xlwings as xw
    from xlwings_client import apply, payload

    from finplan import excel
    from finplan.io.workbook_read import read_workbook_case
    from finplan.io.workbook_write import template_workbook

    book = template_workbook(CASE)
    layout = read_workbook_case(book).layout
    inputs = book["Hypothèses"]
    label = inputs[layout.cell("revenue", 0, "label")]
    label.value, label.data_type = "'Bio' et local", "s"
    account = inputs[layout.cell("revenue", 0, "account")]
    assert account.data_type == "s" and account.value.isdigit()  # as the template types it
    filled = tmp_path / "rempli.xlsx"
    book.save(filled)
    profile = make_profile(tmp_path / "p")
    (shown,) = convert([filled], tmp_path / "shown", profile)
    clicked = xw.Book(json=payload(load_workbook(shown, data_only=True), client="Office.js"))
    excel.calculer(clicked)
    workbook = load_workbook(filled)
    apply(clicked.json()["actions"], workbook, points=True)
    workbook.save(tmp_path / "clique.xlsx")
    (after,) = convert([tmp_path / "clique.xlsx"], tmp_path / "after", profile)
    status, _, banners = _freshness(load_workbook(after, data_only=True))
    assert status == "OK"
    assert all(not text for text in banners.values())
