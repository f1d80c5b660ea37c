"""Issue 13, points 7 and 8: the workbook route speaks the workbook's words, and a
one-off amount has an obvious place.

A volunteer reads the errors of the workbook route (Hypothèses, the click's alert)
with the drop-down labels and headers in front of them: no case-file key
(``unit_price``), no ``[[section]]``, no canonical choice (``share``), no Python
list, and decimals with a comma as a French Excel writes them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

import finplan
from finplan.errors import CaseError
from finplan.io.toml_case import parse_case_text
from finplan.io.workbook_layout import INPUT_SHEET, PARAMS, TABLES, YEAR_HEADERS, InputLayout
from finplan.io.workbook_read import EXCEL_ERRORS, listed_number, read_workbook_case
from finplan.io.workbook_write import template_workbook
from finplan.model.engine import compute
from finplan.model.vocabulary import VOCABULARY, fold

# Canonical values a volunteer never sees (their label is a different word).
_ENGLISH = sorted({value for field in VOCABULARY.values() for value, label in field.items()
                   if fold(value) not in fold(label)})
_LEAKS = [
    (r"\b[a-z]+_[a-z_]+\b", "une clé du dossier"),
    (r"\[\[|\]\]", "une section [[…]] du dossier"),
    (r"« \[", "une liste à la Python"),
    (r"\d\.\d", "un nombre à point décimal"),
    (r"\b(" + "|".join(map(re.escape, _ENGLISH)) + r")\b", "une valeur canonique anglaise"),
]
# What a volunteer may type wrong, by kind of column (one value per message kind).
_HOSTILE = {
    "text": ["x" * 250],
    "choice": ["n'importe quoi"],
    "number": ["beaucoup", -5],
    "fraction": [5, 0.0, "trois"],
    "integer": [99, 2.5],
    "account": ["641", "741", "999"],
    "profile": ["1 ; 2", "0 ; 0 ; 0 ; 0 ; 0 ; 0 ; 0 ; 0 ; 0 ; 0 ; 0 ; 0", "x ; y"],
    "payments": ["50 % mois 4", "100 % mois 99", "n'importe"],
    "code_or_number": ["XYZ", -1],
    "scenario_value": ["x"],
    # a per-year field's « 3 ; 4 ; 5 »: too few values, an English decimal, a gap, words
    "per_year": ["1 ; 2", "3.7 ; 2 ; 2", " ; 2 ; 2", "x ; y ; z", "1 ; 2 ; 3 ; 4"],
}
_CHECKED = ("staff", "revenue", "expense", "investment", "loan", "need", "funder")


@pytest.fixture(scope="module")
def filled():
    """The demo case typed in a template, and where its inputs are."""
    book = template_workbook(finplan.load_case(finplan.demo_path()))
    return book, read_workbook_case(book).layout


def _messages(book) -> list[str]:
    try:
        read_workbook_case(book)
    except CaseError as error:
        return [str(issue) for issue in error.issues]
    return []


def _leaks(message: str) -> list[str]:
    return [what for pattern, what in _LEAKS if re.search(pattern, message)]


def _inputs(layout: InputLayout):
    """(label, cell, kind) of every parameter and of each column of each table's
    first rows (the demo fills them), per-year fields also as a list of values."""
    for param in PARAMS:
        yield param.label, InputLayout.param_cell(param), param.kind
    for spec in TABLES:
        if spec.key not in _CHECKED:
            continue
        for row in range(2):
            for column in spec.columns:
                yield column.header, layout.cell(spec.key, row, column.key), column.kind
                if column.per_year:
                    yield column.header, layout.cell(spec.key, row, column.key), "per_year"


def test_every_error_of_a_hostile_cell_speaks_the_workbooks_words(filled):
    book, layout = filled
    sheet = book[INPUT_SHEET]
    seen, leaked = set(), []
    for header, cell, kind in _inputs(layout):
        original = sheet[cell].value
        for value in _HOSTILE.get(kind, ["n'importe quoi"]):
            sheet[cell].value = value
            for message in _messages(book):
                seen.add(message)
                leaked += [f"{cell} ({header}) = {value!r}: {what} dans {message!r}"
                           for what in _leaks(message)]
        sheet[cell].value = original
    assert len(seen) > 60  # the walk reached many kinds of message
    assert leaked == []


def test_the_rules_messages_name_the_drop_down_labels(filled):
    book, layout = filled
    sheet = book[INPUT_SHEET]
    rule = layout.cell("funder", 0, "rule")
    original = sheet[rule].value
    sheet[rule].value = "au pif"
    try:
        [message] = _messages(book)
    finally:
        sheet[rule].value = original
    assert "« Montant fixe », « Taux du coût », « Part (au prorata des poids) », " \
           "« Par ETP » ou « Solde »" in message


def test_a_fraction_typed_as_a_percent_gets_advice_with_a_comma(filled):
    book, layout = filled
    sheet = book[INPUT_SHEET]
    cell = layout.cell("staff", 0, "employer_rate")
    original = sheet[cell].value
    sheet[cell].value = 20
    try:
        [message] = _messages(book)
    finally:
        sheet[cell].value = original
    assert "écrivez 0,2 ou 20 %" in message


@pytest.mark.parametrize("error", sorted(EXCEL_ERRORS))
def test_an_error_value_in_a_cell_is_named(filled, error):
    book, layout = filled
    sheet = book[INPUT_SHEET]
    cell = layout.cell("expense", 0, "amount")
    original = sheet[cell].value
    sheet[cell].value = error
    try:
        [message] = _messages(book)
    finally:
        sheet[cell].value = original
    assert message.startswith(f"{INPUT_SHEET}!{cell} : la cellule affiche l'erreur Excel "
                              f"« {error} »")


def test_the_case_file_route_keeps_its_key_names():
    raw = parse_case_text(
        'format = "finplan/1"\n[project]\nname = "x"\norganisation = "y"\n'
        'first_year = 2027\n[[revenue]]\nlabel = "Ventes"\namount = 10\nunit_price = 2\n')
    with pytest.raises(CaseError) as caught:
        finplan.model.validation.validate_case(raw)
    assert "« unit_price » ne s'utilise qu'avec « quantity »" in str(caught.value)


def test_repeating_amounts_say_par_an():
    headers = {(spec.key, column.key): column.header for spec in TABLES
               for column in spec.columns}
    for where in (("revenue", "amount"), ("expense", "amount"), ("need", "amount"),
                  ("funder", "amount")):
        assert "par an" in headers[where]


def test_a_one_off_study_typed_the_obvious_way_is_counted_once(filled):
    """The 8 000 € study of the second year: « 0 ; 8000 ; 0 » in « Montant par an »
    (as its note says) is 8 000 € once, not 8 000 each year (24 000 €)."""
    book, layout = filled
    sheet = book[INPUT_SHEET]
    row = 0
    while sheet[layout.cell("need", row, "id")].value is not None:
        row += 1
    cells = {"id": "faisabilite", "label": "Étude de faisabilité"}
    for key, value in cells.items():
        sheet[layout.cell("need", row, key)].value = value
    sheet[layout.cell("need", row, "amount")].value = "0 ; 8000 ; 0"
    case = read_workbook_case(book).case
    for key in cells:
        sheet[layout.cell("need", row, key)].value = None
    sheet[layout.cell("need", row, "amount")].value = None
    need = next(need for need in case.needs if need.id == "faisabilite")
    assert need.amount == (0, Decimal(8000), 0)[:case.project.years]
    assert sum(need.amount) == 8000


def test_an_older_workbook_with_the_former_headers_still_reads(filled):
    """The demo's tables laid out as the finplan that used the former headers made
    them: without the columns added since (empty in the demo), the former headers, the
    per-year values in year columns « an 1 » … « an 5 » at the end; the values moved
    with their columns. It reads as the same case."""
    book, layout = filled
    sheet = book[INPUT_SHEET]
    kept = {}
    for spec in TABLES:
        former = [variant for variant in spec.earlier
                  if any(column.former for column in spec.columns)
                  and all(not column.added for column in variant.columns)]
        if not former:
            continue
        variant, table = former[-1], layout.table(spec.key)
        width = max(len(spec.headers), len(variant.headers))
        for row in range(table.header_row, table.last_row + 1):
            values = [sheet.cell(row, 2 + offset).value for offset in range(width)]
            kept[row] = values
            old = (list(variant.headers) if row == table.header_row else _older_row(
                variant, {column.key: value for column, value in zip(spec.columns, values)}))
            for offset in range(width):
                sheet.cell(row, 2 + offset).value = old[offset] if offset < len(old) else None
    try:
        assert kept and read_workbook_case(book).case == read_workbook_case(
            template_workbook(finplan.load_case(finplan.demo_path()))).case
    finally:
        for row, values in kept.items():
            for offset, value in enumerate(values):
                sheet.cell(row, 2 + offset).value = value


def _older_row(variant, values: dict) -> list:
    """A row's ``values`` (by column key) as ``variant`` lays them out: its columns,
    then a « 3 ; 4 ; 5 » list's values in the year columns of its field."""
    def listed(column) -> list:
        value = values.get(column.key)
        if not (column.per_year and isinstance(value, str) and ";" in value):
            return []
        return [float(listed_number(item.strip(), column.kind)) for item in value.split(";")]
    base = [None if listed(column) else values.get(column.key) for column in variant.columns]
    years = [(found[year] if year < len(found) else None)
             for column in variant.columns if column.per_year
             for found in [listed(column)] for year in range(len(YEAR_HEADERS))]
    return base + years


def test_a_workbook_made_before_columns_were_added_still_reads(tmp_path):
    """The épicerie's workbook as finplan made it before « Lignes financées » and
    « Part financée » were added to « Besoins particuliers » (and « Charge variable »
    to the charges, « Contributions en nature » to the inputs): it reads as the same
    case, and finplan fill computes it."""
    import shutil

    from finplan.io.workbook_read import read_workbook_file
    from finplan.io.workbook_write import fill_workbook

    older = tmp_path / "epicerie.xlsx"
    shutil.copy(Path(__file__).parent / "cases" / "earlier" / "epicerie-solidaire-2026-12.xlsx",
                older)
    from finplan.io.toml_case import parse_case_text

    raw = parse_case_text((finplan.demo_path().parent / "epicerie-solidaire.toml")
                          .read_text("utf-8"))
    for expense in raw["expense"]:  # « Charge variable » came after that workbook
        expense.pop("variable", None)
    raw.pop("in_kind")  # so did « Contributions en nature »
    case = finplan.load_case(raw)
    assert read_workbook_file(older).case == case
    assert fill_workbook(older).plan.result == compute(case).result


def test_a_funder_amount_for_some_years_only_is_refused_with_its_cells(filled):
    """A funder's « Montant fixe par an » typed for the second year only (« ; 5000 »)
    is not read as « nothing the other years » (a grant is not a one-off cost: leaving
    a year empty may mean the same amount was meant): the empty year is named, with
    what to type, and so is the count of values."""
    book, layout = filled
    sheet = book[INPUT_SHEET]
    index = next(row for row in range(20)
                 if sheet[layout.cell("funder", row, "rule")].value == "Montant fixe")
    cell = layout.cell("funder", index, "amount")
    kept = sheet[cell].value
    sheet[cell].value = " ; 5000"
    try:
        messages = _messages(book)
    finally:
        sheet[cell].value = kept
    assert messages == [
        f"{INPUT_SHEET}!{cell} (« SIETOM de Chalosse ») : « Montant fixe par an (€) », "
        "année 1 : valeur manquante : écrivez-la (0 pour une année sans montant).",
        f"{INPUT_SHEET}!{cell} (« SIETOM de Chalosse ») : « Montant fixe par an (€) » : "
        "2 valeurs pour un plan de 3 ans ; donnez-en une par année, séparées par « ; », ou "
        "une seule pour toutes les années."]
    assert not [leak for message in messages for leak in _leaks(message)]
