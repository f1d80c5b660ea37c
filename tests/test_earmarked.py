"""Earmarked needs (spec §6): a funder pays for named lines of the budget, worked out
by hand, through the engine, the Monte Carlo twin, the case file and validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import finplan
from finplan.errors import CaseError
from finplan.model.case_dict import case_to_dict
from finplan.model.engine import compute
from finplan.model.public import Plan  # the frames, in euros

from helpers import case_with, cents, draws_and_plans, plan_of

# Two years from January 2027, no indexation.
#   Coordinatrice: 1 FTE × 2 000 € × 12 = 24 000 € gross + 40 % = 9 600 € → 33 600 €
#   CDDI (ACI):    2 FTE × 1 800 € × 12 = 43 200 € gross + 10 % = 4 320 € → 47 520 €
#   Loyer 6 000 €, Déplacements 1 200 €; charges 88 320 € a year; sales 20 000 €.
STAFF = [{"role": "Coordinatrice", "kind": "support", "fte": 1, "monthly_gross": 2000,
          "employer_rate": 0.4},
         {"role": "CDDI", "kind": "insertion", "contract": "ACI", "fte": 2,
          "monthly_gross": 1800, "employer_rate": 0.1}]
EXPENSES = [{"label": "Loyer", "account": "613", "amount": 6000},
            {"label": "Déplacements", "account": "625", "amount": 1200}]
REVENUE = [{"label": "Ventes", "account": "706", "amount": 20000}]
# coordination: half of (33 600 + 1 200) = 17 400 € in 2027, nothing in 2028;
# postes: the insertion posts, 47 520 € a year.
NEEDS = [{"id": "coordination", "label": "Poste de coordination",
          "covers": ["staff[Coordinatrice]", "Déplacements"], "share": [0.5, 0]},
         {"id": "postes", "label": "Postes d'insertion", "covers": ["CDDI"]}]
FUNDERS = [
    # 60 % of the coordination need: 10 440 € in 2027, 0 in 2028 (6 960 € stay operating)
    {"name": "Fondation", "type": "private", "finances": "coordination", "rule": "rate",
     "rate": 0.6},
    # 2 FTE × 20 000 € = 40 000 € a year on the insertion posts (7 520 € stay operating)
    {"name": "ASP", "type": "public", "line": "asp", "finances": "postes",
     "rule": "per_fte", "amount_per_fte": 20000, "staff_kind": "insertion"},
    # the rest of the operating need: 88 320 − 20 000 − (10 440 + 40 000) = 17 880 € in
    # 2027 and 88 320 − 20 000 − 40 000 = 28 320 € in 2028
    {"name": "Département", "type": "public", "line": "departement", "rule": "residual"},
]


def raw_case(**changes):
    raw = case_with(staff=STAFF, expense=EXPENSES, revenue=REVENUE, need=NEEDS,
                    funder=FUNDERS, project={"opening_cash": 20000})  # the Département
    # pays late (60 % in April, 40 % the April after): the reserves carry the wait
    raw.update(changes)
    return raw


def test_earmarked_needs_are_funded_first_and_the_operating_need_keeps_the_rest():
    plan = plan_of(raw_case())
    assert plan.need_amounts["coordination"] == [cents(17400), 0]
    assert plan.need_amounts["postes"] == [cents(47520)] * 2
    by_name = {f.name: list(f.amounts) for f in plan.funder_results}
    assert by_name == {"Fondation": [cents(10440), 0], "ASP": [cents(40000)] * 2,
                       "Département": [cents(17880), cents(28320)]}
    assert plan.need_amounts["operating"] == [cents(17880), cents(28320)]
    # what the earmarked funders leave is not « non financé »: it stayed operating
    assert plan.unfunded_amounts == {"operating": [0, 0], "investment": [0, 0],
                                     "coordination": [0, 0], "postes": [0, 0]}
    # their money is produits on its Cerfa 74 sub-line; the budget balances
    subsidies = plan.subsidies()
    assert subsidies["prive"] == [cents(10440), 0]
    assert subsidies["asp"] == [cents(40000)] * 2
    assert subsidies["departement"] == [cents(17880), cents(28320)]
    assert plan.produits_total == plan.charges_total == [cents(88320)] * 2
    assert plan.result == [0, 0]
    assert plan.ok


def test_earmarked_funders_move_cash_and_stay_out_of_the_financing_plan():
    plan = plan_of(raw_case())
    # a private funder pays in March by default: 10 440 € in March 2027
    assert plan.monthly.inflows["Fondation"][2] == cents(10440)
    assert sum(plan.monthly.inflows["ASP"]) == cents(80000)  # monthly, as staff is paid
    frame = Plan(plan).financing_plan
    assert "outside" not in set(frame["side"])  # not a cost outside the accounts
    assert plan.to_dict()["unfunded"]["coordination"] == [0.0, 0.0]


def test_a_per_fte_aid_above_the_posts_it_pays_for_lowers_the_operating_need():
    # 2 FTE × 30 000 € = 60 000 € > 47 520 €: a 12 480 € surplus, paid all the same
    # (an entitlement); the operating need loses all 60 000 € + 10 440 €:
    # 88 320 − 20 000 − 70 440 = −2 120 → 0 in 2027; 88 320 − 20 000 − 60 000 = 8 320 €
    raw = raw_case()
    raw["funder"][1]["amount_per_fte"] = 30000
    plan = plan_of(raw)
    assert plan.need_result("postes").surplus == (cents(12480),) * 2
    assert plan.need_amounts["operating"] == [0, cents(8320)]
    assert plan.result == [cents(2120), 0]
    assert plan.warnings == (
        "Besoin « Postes d'insertion » : les aides par ETP (ASP) dépassent à elles seules "
        "ce besoin, d'où un excédent de 12 480 € en 2027, 12 480 € en 2028. Elles sont "
        "versées en premier et selon les postes, pas selon le coût des lignes financées : "
        "ce qu'elles versent au-delà réduit d'autant le besoin de fonctionnement.",)


def test_own_funds_on_an_earmarked_need_are_reserves_not_cash():
    raw = raw_case()
    raw["funder"][0].update(type="own", rule="residual")
    del raw["funder"][0]["rate"]
    plan = plan_of(raw)
    assert plan.funder_results[0].amounts == (cents(17400), 0)
    assert "Fondation" not in plan.monthly.inflows
    assert plan.own_resources == [cents(17400), 0]
    assert plan.result == [-cents(17400), 0]  # a deficit the reserves absorb


def test_a_case_file_keeps_its_earmarked_needs():
    case = finplan.load_case(raw_case())
    raw = case_to_dict(case)
    assert raw["need"][0]["covers"] == ["staff[Coordinatrice]", "expense[Déplacements]"]
    assert raw["need"][1] == {"id": "postes", "label": "Postes d'insertion",
                              "covers": ["staff[CDDI]"]}
    assert finplan.load_case(raw) == case


def test_draws_of_an_earmarked_case_equal_each_plan():
    raw = raw_case(montecarlo={"draws": 4, "seed": 3, "vary": [
        {"path": "staff[0].fte", "dist": "uniform", "low": -0.5, "high": 0.2},
        {"path": "expense[1].amount", "dist": "normal", "sd": 0.2}]})
    outcomes, plans = draws_and_plans(finplan.load_case(raw))
    for draw, plan in enumerate(plans):
        assert outcomes.result[draw].tolist() == plan.result
        assert outcomes.funding[("coordination", 0)][draw].tolist() == list(
            plan.funder_results[0].amounts)
        assert outcomes.funding[("operating", 2)][draw].tolist() == list(
            plan.funder_results[2].amounts)
        assert not np.any(outcomes.unfunded["coordination"][draw])


def messages(raw) -> list[str]:
    with pytest.raises(CaseError) as error:
        finplan.load_case(raw)
    return [str(issue) for issue in error.value.issues]


@pytest.mark.parametrize(("covers", "expected"), [
    (["Coordinateur"], "need[0].covers[0] (« Poste de coordination ») : aucune ligne "
     "« Coordinateur » dans [[staff]] ni dans [[expense]] ; écrivez l'intitulé exact d'un "
     "poste ou le libellé exact d'une charge : « Coordinatrice », « CDDI », « Loyer », "
     "« Déplacements »."),
    (["expense[Coordinatrice]"], "need[0].covers[0] (« Poste de coordination ») : aucune "
     "ligne « Coordinatrice » dans [[expense]] ; écrivez l'intitulé exact d'un poste ou le "
     "libellé exact d'une charge : « Loyer », « Déplacements »."),
    (["Loyer", "expense[Loyer]"], "need[0].covers[1] (« Poste de coordination ») : "
     "« Loyer » est cité deux fois ; retirez le doublon."),
    ([], "need[0].covers (« Poste de coordination ») : attendu les intitulés des postes ou "
     "charges financés (au moins un), trouvé « [] » ; par exemple "
     "\"staff[Coordinatrice]\" ou \"expense[Déplacements]\"."),
])
def test_covered_lines_must_name_one_line_each(covers, expected):
    raw = raw_case()
    raw["need"] = [{**NEEDS[0], "covers": covers}]
    raw["funder"] = [FUNDERS[0]]
    assert messages(raw) == [expected]


def test_a_name_both_a_post_and_an_expense_must_say_which():
    raw = raw_case()
    raw["expense"] = [*EXPENSES, {"label": "CDDI", "account": "622", "amount": 100}]
    assert messages(raw) == [
        "need[1].covers[0] (« Postes d'insertion ») : « CDDI » est à la fois un poste de "
        "[[staff]] et une charge de [[expense]] ; précisez laquelle, par exemple "
        "\"staff[Coordinatrice]\" ou \"expense[Déplacements]\"."]
    raw["need"][1]["covers"] = ["staff[CDDI]"]
    assert plan_of(raw).need_amounts["postes"] == [cents(47520)] * 2


def test_an_amount_and_covered_lines_exclude_each_other():
    raw = raw_case()
    raw["need"][0]["amount"] = 5000
    raw["need"].append({"id": "etude", "label": "Étude", "amount": 1000, "share": 0.5})
    assert messages(raw) == [
        "need[0].amount (« Poste de coordination ») : un besoin a soit un montant (amount), "
        "soit des lignes du budget qu'il finance (covers), pas les deux ; gardez le montant "
        "pour un coût hors de vos comptes (une étude payée directement par les financeurs), "
        "les lignes pour des postes ou des charges de votre budget.",
        "need[2].share (« Étude ») : share ne s'utilise qu'avec covers (la part des lignes "
        "financées) ; indiquez les lignes du budget que ce besoin finance, ou retirez la "
        "part."]


# --- as a volunteer does it: a fresh template, typed in French, then the button ---

AFFECTE = Path(__file__).parent / "cases" / "affecte.toml"


def _typed_template(path: Path) -> None:
    """A fresh template filled with tests/cases/affecte.toml as a volunteer types it:
    the drop-downs' French labels, percentages as Excel stores them, the covered lines
    by their names (« Personnel : CDDI » where the table is said)."""
    from finplan.io.workbook_layout import INPUT_SHEET, InputLayout
    from finplan.io.workbook_write import template_workbook
    from finplan.model.vocabulary import label

    book = template_workbook()
    sheet = book[INPUT_SHEET]
    layout = InputLayout.for_counts({})
    params = {("project", "name"): "Coordination et postes d'insertion",
              ("project", "organisation"): "Association d'essai",
              ("project", "first_year"): 2027, ("project", "years"): 3,
              ("project", "start_month"): 3, ("project", "opening_cash"): 30000,
              ("indexation", "costs"): 0.02, ("indexation", "salaries"): 0.015,
              ("indexation", "prices"): 0.01}
    for key_path, value in params.items():
        sheet[layout.param_cell(layout.param(key_path))] = value
    rows = {
        "staff": [{"role": "Coordinatrice", "kind": label("kind", "support"), "fte": 1,
                   "monthly_gross": 2350, "employer_rate": 0.42},
                  {"role": "CDDI", "kind": label("kind", "insertion"), "contract": "ACI",
                   "fte": "2 ; 3 ; 3", "monthly_gross": 1823.03,
                   "employer_rate": 0.11}],
        "revenue": [{"label": "Prestations", "account": "706", "amount": 30000}],
        "expense": [{"label": "Loyer", "account": "613", "amount": 7200},
                    {"label": "Déplacements", "account": "625", "amount": 1450}],
        "need": [{"id": "coordination", "label": "Poste de coordination",
                  "covers": "Coordinatrice ; Déplacements",
                  "share": "50 % ; 50 % ; 0 %"},
                 {"id": "postes", "label": "Postes d'insertion",
                  "covers": "Personnel : CDDI"}],
        "funder": [{"name": "Fondation", "type": label("type", "private"),
                    "finances": "coordination", "rule": label("rule", "rate"),
                    "rate": 0.6},
                   {"name": "ASP", "type": label("type", "public"),
                    "line": label("line", "asp"), "finances": "postes",
                    "rule": label("rule", "per_fte"), "amount_per_fte": 21000,
                    "staff_kind": label("kind", "insertion")},
                   {"name": "Département", "type": label("type", "public"),
                    "line": label("line", "departement"),
                    "finances": label("finances", "operating"),
                    "rule": label("rule", "residual")},
                   {"name": "Apport de la fédération", "type": label("type", "own"),
                    "rule": label("rule", "fixed"), "amount": "5000 ; 5000 ; 0",
                    "priority": 10,
                    "brought_in": "oui"}],
    }
    for key, items in rows.items():
        for index, item in enumerate(items):
            for column, value in item.items():
                sheet[layout.cell(key, index, column)] = value
    book.save(path)


def test_a_volunteer_types_earmarked_needs_and_clicks(tmp_path):
    import xlwings as xw  # the remote engine is active: see conftest.py (licence key)
    from openpyxl import load_workbook
    from spreadsheet import convert, make_profile
    from xlwings_client import apply, payload

    from finplan import excel
    from finplan.io.workbook_read import read_workbook_file

    typed = tmp_path / "plan.xlsx"
    _typed_template(typed)
    case = finplan.load_case(AFFECTE)
    assert read_workbook_file(typed).case == case  # the cells say what the file says
    plan = compute(case)

    profile = make_profile(tmp_path / "profile")
    (shown,) = convert([typed], tmp_path / "shown", profile)  # what Excel shows
    book = xw.Book(json=payload(load_workbook(shown, data_only=True)))
    assert excel.calculer(book) is True
    clicked = load_workbook(typed)
    apply(book.json()["actions"], clicked)
    clicked.save(tmp_path / "clique.xlsx")
    (after,) = convert([tmp_path / "clique.xlsx"], tmp_path / "after", profile)
    values = load_workbook(after, data_only=True)

    def row_of(sheet, text):
        return next(row for row in sheet.iter_rows() if any(
            cell.value == text for cell in row))

    def amounts(sheet, text, first_column):
        row = row_of(sheet, text)
        return [round(row[first_column + y].value * 100) for y in range(3)]

    funders = values["Financeurs"]
    first = next(cell.column - 1 for cell in row_of(funders, "Financeur")
                 if cell.value == 2027)
    for funding in plan.funder_results:
        assert amounts(funders, funding.name, first) == list(funding.amounts)
    # the part of each earmarked need its funders leave, recalculated by LibreOffice
    left = [row for row in funders.iter_rows() if any(
        cell.value == "Reste au besoin de fonctionnement" for cell in row)]
    assert [[round(row[first + y].value * 100) for y in range(3)] for row in left] == [
        list(plan.need_result(need).to_operating) for need in ("coordination", "postes")]
    # 2027, 10 months from March: (23 500 + 9 870 for the post, 1 450 × 10/12 = 1 208.33
    # of travel) × 50 % = 17 289.165 → 17 289.17; the foundation's 60 %: 10 373.50;
    # left to the operating need: 6 915.67
    assert left[0][first].value == pytest.approx(6915.67)
    budget = values["Budget"]
    year_one = next(cell.column - 1 for cell in row_of(budget, "TOTAL DES CHARGES")
                    if isinstance(cell.value, (int, float)))
    charges = amounts(budget, "TOTAL DES CHARGES", year_one)
    assert amounts(budget, "TOTAL DES PRODUITS", year_one) == charges == (
        plan.charges_total)
