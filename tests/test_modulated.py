"""The aide au poste's part modulée (issue 16, item 4): 0 to 10 % of the socle, set
each year by the préfet, paid at once in April of the next year; the socle paid each
month as the posts are occupied.

Worked by hand: an ACI post of 1 FTE from January, an aide au poste of 20 000 € per
FTE typed, a part modulée of 5 % in 2027 and 7,5 % in 2028.  Socle 20 000 € a year,
1 666,67 € a month (20 000 / 12: the largest remainder gives the first months the
odd cents); part modulée 1 000 € for 2027 paid in April 2028, 1 500 € for 2028 paid
in April 2029 (after the plan: a receivable).
"""

import pytest
from openpyxl import load_workbook
from spreadsheet import convert, formula_mismatches, is_error, make_profile

import finplan
from finplan.io.workbook_write import build_workbook
from finplan.model.case_dict import case_to_dict
from finplan.model.engine import compute


def case(**aid):
    return {
        "format": "finplan/1",
        "project": {"name": "Chantier", "organisation": "Asso", "first_year": 2027,
                    "years": 2, "opening_cash": 50000},
        "staff": [{"role": "CDDI", "kind": "insertion", "contract": "aci", "fte": 1,
                   "monthly_gross": 1800, "employer_rate": 0.1}],
        "funder": [
            {"name": "ASP", "type": "public", "line": "asp", "rule": "per_fte",
             "amount_per_fte": 20000, "staff_kind": "insertion",
             "modulated": [0.05, 0.075], **aid},
            {"name": "Fonds propres", "type": "own", "rule": "residual", "priority": 90},
        ],
    }


def test_the_part_modulee_adds_to_the_socle_each_year():
    plan = compute(finplan.load_case(case()))
    assert plan.funder_results[0].amounts == (2100000, 2150000)
    assert plan.produits["74"] == [2100000, 2150000]


def test_the_socle_comes_each_month_the_part_modulee_in_april_of_the_next_year():
    plan = compute(finplan.load_case(case()))
    inflows = plan.monthly.inflows["ASP"]
    assert sum(inflows[:12]) == 2000000  # the socle of 2027
    assert inflows[:12] == [166667] * 8 + [166666] * 4
    assert inflows[15] == 166667 + 100000  # April 2028: its socle, and 2027's modulée
    assert sum(inflows[12:]) == 2000000 + 100000
    assert plan.monthly.receivable_end == 150000  # 2028's, paid in April 2029
    assert plan.ok


def test_the_part_modulee_is_only_for_an_aid_by_fte_and_at_most_10_percent():
    raw = case()
    raw["funder"][1]["modulated"] = 0.05
    with pytest.raises(finplan.CaseError) as caught:
        finplan.load_case(raw)
    assert "funder[1].modulated" in str(caught.value)
    with pytest.raises(finplan.CaseError) as caught:
        finplan.load_case(case(modulated=0.12))
    assert "funder[0].modulated" in str(caught.value)


def test_montecarlo_draws_pay_the_part_modulee_as_one_plan_does():
    from helpers import draws_and_plans

    raw = case()
    raw["montecarlo"] = {"draws": 20, "seed": 4, "vary": [
        {"path": "staff[0].fte", "dist": "uniform", "low": -0.5, "high": 0.2}]}
    outcomes, plans = draws_and_plans(finplan.load_case(raw))
    for draw, plan in enumerate(plans):
        assert outcomes.balances[draw].tolist() == plan.monthly.balances, draw


def test_the_workbook_computes_the_part_modulee_to_the_cent(tmp_path):
    built = build_workbook(finplan.load_case(case()))
    path = tmp_path / "cas.xlsx"
    built.workbook.save(path)
    assert case_to_dict(finplan.load_case(path)) == case_to_dict(finplan.load_case(case()))
    (converted,) = convert([path], tmp_path / "out", make_profile(tmp_path / "profile"))
    values = load_workbook(converted, data_only=True)
    assert formula_mismatches(built.expected, values, built.workbook) == []
    assert [(s.title, c.coordinate) for s in values.worksheets for row in s.iter_rows()
            for c in row if is_error(c.value)] == []
    labels = [c.value for row in values["Calculs"].iter_rows() for c in row]
    assert "Part modulée — ASP" in labels and "Montant socle — ASP" in labels


def test_montecarlo_draws_keep_two_payments_of_one_month_and_months_out_of_order():
    from helpers import draws_and_plans

    raw = case()
    raw["funder"].insert(1, {"name": "Région", "type": "public", "line": "region",
                             "rule": "fixed", "amount": 5000, "priority": 10,
                             "payments": [[0.5, 4], [0.3, 4], [0.2, 16]]})
    raw["funder"].insert(2, {"name": "Fondation", "type": "private", "rule": "fixed",
                             "amount": 3000, "priority": 10,  # months 5, 3, 7
                             "payments": [[0.3, 5], [0.3, 3], [0.4, 7]]})
    raw["expense"] = [{"label": "Loyer", "account": "613", "amount": 30000}]
    raw["montecarlo"] = {"draws": 10, "seed": 4, "vary": [
        {"path": "funder[Région].amount", "dist": "uniform", "low": -0.5, "high": 0.2},
        {"path": "funder[Fondation].amount", "dist": "uniform", "low": -0.5, "high": 0.2}]}
    outcomes, plans = draws_and_plans(finplan.load_case(raw))
    paid = plans[0].monthly.inflows
    assert [m for m, cents in enumerate(paid["Fondation"][:12], start=1) if cents] == [
        3, 5, 7]
    assert [m for m, cents in enumerate(paid["Région"][:12], start=1) if cents] == [4]
    for draw, plan in enumerate(plans):
        assert outcomes.balances[draw].tolist() == plan.monthly.balances, draw
