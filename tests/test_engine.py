"""The whole computation on a small case worked out by hand (tests/cases/small.toml)."""

from decimal import Decimal
from pathlib import Path

import pytest

import finplan
from finplan.model.engine import compute
from finplan.model.public import Plan  # the frames, in euros

from helpers import cents

SMALL = Path(finplan.__file__).parent / "examples" / "atelier-velo.toml"


@pytest.fixture(scope="module")
def plan():
    return compute(finplan.load_case(SMALL))


def test_charges_by_cerfa_line(plan):
    # 613 rent 12 000, indexed by costs 10 % in year 2: 13 200.
    assert plan.charges["61"] == [cents(12000), cents(13200)]
    # 1 FTE × 2 000 × 12 = 24 000 gross; charges 50 % = 12 000.
    assert plan.charges["64"] == [cents(36000), cents(36000)]
    # 12 000 over 4 years from January: 3 000 a year.
    assert plan.charges["68"] == [cents(3000), cents(3000)]
    # loan at 0 %: no interest.
    assert plan.charges["66"] == [0, 0]
    # 12 000 + 36 000 + 3 000 = 51 000; 13 200 + 36 000 + 3 000 = 52 200.
    assert plan.charges_total == [cents(51000), cents(52200)]


def test_investment_need_and_grant_release(plan):
    # investment 12 000 - loan 6 000 = 6 000; Région rate 50 % of 12 000 = 6 000.
    assert plan.need_amounts["investment"] == [cents(6000), 0]
    region = plan.funder_results[0]
    assert region.amounts == (cents(6000), 0)
    assert region.limited_by == ("none", "none")
    # release: 6 000 × 3 000 / 12 000 = 1 500 each year.
    assert plan.grant_release == [cents(1500), cents(1500)]


def test_operating_need_and_funders(plan):
    # 51 000 - revenue 6 000 - release 1 500 = 43 500; 52 200 - 6 000 - 1 500 = 44 700.
    assert plan.need_amounts["operating"] == [cents(43500), cents(44700)]
    departement, fondation = plan.funder_results[1:]
    assert departement.amounts == (cents(40000), cents(40000))
    # the share funder takes what remains: 3 500 and 4 700.
    assert fondation.amounts == (cents(3500), cents(4700))
    assert fondation.limited_by == ("need", "need")
    assert plan.unfunded_amounts["operating"] == [0, 0]


def test_produits_result_and_caf(plan):
    assert plan.produits["70"] == [cents(6000), cents(6000)]
    # 74 = 40 000 + 3 500 + 1 500 (747); 40 000 + 4 700 + 1 500.
    assert plan.produits["74"] == [cents(45000), cents(46200)]
    assert plan.subsidies()["departement"] == [cents(40000), cents(40000)]
    assert plan.subsidies()["prive"] == [cents(3500), cents(4700)]
    assert plan.result == [0, 0]
    # CAF = 0 + 3 000 - 1 500.
    assert plan.caf == [cents(1500), cents(1500)]


def test_working_capital_financing_plan_and_cash(plan):
    # BFR = 36/360 × (51 000 - 3 000) = 4 800; 0.1 × (52 200 - 3 000) = 4 920.
    assert plan.bfr == [cents(4800), cents(4920)]
    # emplois: 12 000 + repaid 11 × 500 (payments Feb-Dec) + BFR 4 800 = 22 300;
    #          year 2: last payment 500 + BFR increase 120 = 620.
    assert plan.repaid == [cents(5500), cents(500)]
    assert plan.emplois == [cents(22300), cents(620)]
    # ressources: CAF 1 500 + loan 6 000 + Région 6 000 = 13 500; year 2: 1 500.
    assert plan.ressources == [cents(13500), cents(1500)]
    # cash: 1 000 - 8 800 = -7 800; -7 800 + 880 = -6 920.
    assert plan.cash_end == [cents(-7800), cents(-6920)]


def test_failing_cash_check(plan):
    cash = next(check for check in plan.check_results if check.id == "cash")
    assert not cash.ok
    assert cash.message == "Trésorerie négative : -7 800 € fin 2027, -6 920 € fin 2028."
    assert not plan.ok


def test_json_result_has_the_spec_keys(plan):
    result = plan.to_dict()
    assert result["format"] == "finplan-result/1"
    assert result["years"] == [2027, 2028]
    assert result["needs"]["operating"] == [43500.0, 44700.0]
    assert result["funding"][2] == {
        "name": "Fondation", "type": "private", "line": "prive", "finances": "operating",
        "rule": "share", "amounts": [3500.0, 4700.0], "total": 8200.0,
        "limited_by": ["need", "need"], "status": ["sollicite", "sollicite"],
        "requested": [3500.0, 4700.0], "decided_on": None, "received": []}
    assert result["basis"] == "demande"
    assert result["charges"]["total"] == [51000.0, 52200.0]
    assert set(result["charges"]) == {"60", "61", "62", "63", "64", "65", "66", "67",
                                      "68", "total"}
    assert result["produits"]["74"] == [45000.0, 46200.0]
    assert result["grant_release"] == [1500.0, 1500.0]
    assert result["cash_end"] == [-7800.0, -6920.0]
    assert {check["id"] for check in result["checks"]} == {
        "balanced.operating", "balanced.investment", "caps", "cash", "cash_monthly",
        "fixed_honoured"}


def test_dataframes(plan):
    budget = Plan(plan).budget
    line_64 = budget[(budget.code == "64")].iloc[0]
    assert line_64[2027] == cents(36000) / 100
    # the lines alone add up to the totals
    sums = budget.groupby("section")[[2027, 2028]].sum()
    assert list(sums.loc["charges"]) == [Decimal(c) / 100 for c in plan.charges_total]
    assert list(sums.loc["produits"]) == [Decimal(c) / 100 for c in plan.produits_total]
    assert set(budget.level) == {0}
    table = Plan(plan).budget_table(details=True, totals=True)
    detail = table[table.code.isin(["641", "645"])]
    assert list(detail["label"]) == ["Rémunérations du personnel",
                                     "Charges de sécurité sociale et de prévoyance"]
    totals = table[table.code == "total"]
    assert list(totals.section) == ["charges total", "produits total"]
    assert table[table.code == "result"][2027].item() == Decimal(plan.result[0]) / 100
    assert Plan(plan).funding.loc["Fondation", "total"] == 8200
    assert Plan(plan).funding.loc["Fondation", "limited_by_2028"] == "need"
    assert Plan(plan).needs.loc[("operating", "need"), 2028] == 44700
    fp = Plan(plan).financing_plan
    assert fp[fp.code == "cash_end"][2028].iloc[0] == -6920
    assert not Plan(plan).checks.loc["cash", "ok"]


def test_one_plan_does_not_import_numpy():
    # `finplan plan` and the Excel click compute one plan: the rules' array shapes import
    # numpy only when draws are computed, and a loan's payments need no numpy-financial
    # (a third of `finplan plan --json`'s process time was importing numpy)
    import subprocess
    import sys

    script = ("import sys, finplan\n"
              "for path in finplan.example_paths():\n"
              "    finplan.compute(finplan.load_case(path))\n"
              "print(sorted(m for m in ('numpy', 'numpy_financial', 'pandas') "
              "if m in sys.modules))\n")
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert found == "[]"
