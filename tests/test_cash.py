"""The monthly cash plan, worked out by hand, and its reconciliation with the
annual plan."""

from pathlib import Path

import pytest
from hypothesis import given, settings

import finplan
from finplan.model.engine import compute

from helpers import case_with, cents, plan_of
from strategies import cases

RENT = {"label": "Loyer", "account": "613", "amount": 12000}


def test_an_advance_and_balance_schedule_creates_a_gap_in_month_5():
    # opening 2 000; rent 1 000 a month; the commune pays its 12 000 in two halves,
    # in June and December: 2 000 - 5 × 1 000 = -3 000 at the end of May, then
    # -3 000 - 1 000 + 6 000 = 2 000 at the end of June.
    plan = plan_of(case_with(
        project={"years": 1, "opening_cash": 2000}, expense=[RENT],
        funder=[{"name": "Commune", "type": "public", "line": "commune", "rule": "fixed",
                 "amount": 12000, "payments": [[0.5, 6], [0.5, 12]]}]))
    monthly = plan.monthly
    assert monthly.balances[:6] == [cents(b) for b in (1000, 0, -1000, -2000, -3000, 2000)]
    assert monthly.low == (cents(-3000), 5)
    assert monthly.bridging_need == cents(3000)
    assert monthly.main_cause == "Commune"
    result = plan.to_dict()
    assert result["cash_low"] == {"amount": -3000.0, "month": 5, "label": "mai 2027"}
    assert result["bridging_need"] == 3000.0
    assert result["receivable_end"] == 0.0
    check = next(c for c in plan.check_results if c.id == "cash_monthly")
    assert check.message == ("Trésorerie négative en mai 2027 : -3 000 € au plus bas, "
                             "surtout à cause du versement tardif de « Commune » ; il faut "
                             "un financement relais d'au moins 3 000 €.")
    assert not plan.ok


def test_a_balance_paid_after_the_horizon_is_a_receivable():
    # 10 000 a year from a public funder with the default schedule: 60 % in April,
    # 40 % in April of the next year. Year 2's balance falls in month 28, after the
    # 24 months of the plan: 4 000 still to receive at the end.
    plan = plan_of(case_with(
        expense=[{"label": "Loyer", "account": "613", "amount": 10000}],
        funder=[{"name": "Région", "type": "public", "line": "region", "rule": "fixed",
                 "amount": 10000}]))
    monthly = plan.monthly
    assert monthly.inflows["Région"][3] == cents(6000)  # April, year 1
    assert monthly.inflows["Région"][15] == cents(10000)  # April, year 2: 4 000 + 6 000
    assert monthly.receivable_end == cents(4000)
    assert monthly.receivable_by_year == [cents(4000), cents(4000)]
    # rent: 10 000 / 12 = 833.33, the 4 odd cents in the first 4 months;
    # end of March of year 2: -4 000 - 3 × 833.34 = -6 500.02, the lowest point
    assert monthly.low == (cents("-6500.02"), 15)
    assert plan.to_dict()["receivable_end"] == 4000.0


def test_seasonality_by_monthly_profile():
    weights = [2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1]  # they add up to 12
    plan = plan_of(case_with(project={"years": 1}, revenue=[{
        "label": "Ventes", "account": "707", "amount": 12000, "monthly_profile": weights}]))
    # 12 000 × weight / 12: 2 000 in January and February, nothing in Oct and Nov
    assert plan.monthly.inflows["Recettes propres"] == [cents(1000 * w) for w in weights]


def test_a_mid_year_start():
    # activity from July: the rent 12 000 is prorated to 6 000, paid 1 000 a month from
    # July; the insertion staff from September: 1 FTE × 1 000 € gross, no charges,
    # 4 months; the per-FTE aid (1 200 € × 4/12 = 400) follows the staff's months.
    plan = plan_of(case_with(
        project={"years": 1, "start_month": 7}, expense=[RENT],
        staff=[{"role": "CDDI", "kind": "insertion", "fte": 1, "monthly_gross": 1000,
                "employer_rate": 0, "start_month": 9}],
        funder=[{"name": "ASP", "type": "public", "line": "asp", "rule": "per_fte",
                 "amount_per_fte": 1200, "staff_kind": "insertion"}]))
    monthly = plan.monthly
    assert monthly.outflows["Charges"] == [0] * 6 + [cents(1000)] * 6
    assert monthly.outflows["Salaires et charges sociales"] == [0] * 8 + [cents(1000)] * 4
    assert monthly.inflows["ASP"] == [0] * 8 + [cents(100)] * 4
    assert monthly.balances[6] == cents(-1000)  # July: the first rent


def test_loans_and_investments_fall_in_their_months():
    # a 12 000 asset in March, a 6 000 loan at 0 % in March repaid from April over 12
    # months: 500 a month, 9 payments in year 1 (April-December), 3 in year 2.
    plan = plan_of(case_with(
        project={"start_month": 3},
        investment=[{"label": "Four", "amount": 12000, "life_years": 4}],
        loan=[{"label": "Prêt", "principal": 6000, "annual_rate": 0, "months": 12}]))
    monthly = plan.monthly
    assert monthly.outflows["Investissements"][2] == cents(12000)
    assert monthly.inflows["Emprunts reçus"][2] == cents(6000)
    assert monthly.outflows["Échéances d'emprunts"] == (
        [0] * 3 + [cents(500)] * 12 + [0] * 9)


def _reconciles(plan) -> bool:
    """Month 12y = annual cash_end(y) + BFR(y) (an annual estimate the months replace)
    - what funders still owe at the end of year y."""
    balances = plan.monthly.balances
    return all(balances[12 * y - 1] == plan.cash_end[y - 1] + plan.bfr[y - 1]
               - plan.monthly.receivable_by_year[y - 1]
               for y in range(1, len(plan.years) + 1))


@pytest.mark.parametrize("path", [*finplan.example_paths(),
                                  Path(__file__).parent / "cases" / "cinq-ans.toml"],
                         ids=lambda p: p.stem)
def test_year_ends_reconcile_with_the_annual_plan(path):
    plan = compute(finplan.load_case(path))
    assert _reconciles(plan)


@given(cases())
@settings(max_examples=100, deadline=None)
def test_year_ends_reconcile_on_random_cases(raw):
    plan = compute(finplan.load_case(raw))
    assert _reconciles(plan)
    monthly = plan.monthly
    assert len(monthly.balances) == 12 * len(plan.years)
    assert monthly.bridging_need == max(0, -min(monthly.balances))


def test_payments_validation():
    raw = case_with(funder=[{"name": "A", "type": "public", "rule": "residual",
                             "payments": [[0.5, 4], [0.4, 16]]}],
                    expense=[{**RENT, "monthly_profile": [1] * 11}])
    with pytest.raises(finplan.CaseError) as caught:
        finplan.load_case(raw)
    assert [str(issue) for issue in caught.value.issues] == [
        "expense[0].monthly_profile (« Loyer ») : attendu 12 poids positifs ou nuls "
        "(janvier à décembre), pas tous nuls, par exemple [1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, "
        "1], trouvé « [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] ».",
        "funder[0].payments (« A ») : les parts des versements doivent faire 100 % (elles "
        "font 90 %).",
    ]


def test_the_late_funder_named_is_the_one_whose_payment_lags_what_it_pays_for():
    # project from March, insertion staff hired in April, the State's aide au poste paid
    # each month as they are paid (never late); a 65 000 € truck bought in March, half
    # paid by the Région in April (60 %) and the next April (40 %): the cash is short
    # in March, and the Région is the one late — not the aid, which was counted as due
    # from March while its staff only start in April
    plan = plan_of(case_with(
        project={"years": 2, "start_month": 3, "opening_cash": 20000},
        staff=[{"role": "CDDI", "kind": "insertion", "contract": "ACI", "fte": 3.7,
                "monthly_gross": 1823.03, "employer_rate": 0.1, "start_month": 4}],
        investment=[{"label": "Camion", "amount": 65000, "year": 1, "month": 3,
                     "life_years": 5}],
        funder=[{"name": "État : aide au poste", "type": "public", "line": "etat",
                 "rule": "per_fte", "amount_per_fte": "ACI", "staff_kind": "insertion",
                 "contract": "ACI"},
                {"name": "Région (investissement)", "type": "public", "line": "region",
                 "finances": "investment", "rule": "rate", "rate": 0.5},
                {"name": "Apport", "type": "own", "finances": "investment",
                 "rule": "residual"},
                {"name": "Fonds propres", "type": "own", "rule": "residual"}]))
    monthly = plan.monthly
    assert monthly.low[1] == 3  # March 2027: the truck is paid, no subsidy yet
    assert monthly.main_cause == "Région (investissement)"
    assert all(lag <= 0 for lag in monthly.late["État : aide au poste"])
