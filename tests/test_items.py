"""Operating items, staff, investments and loans (spec §1), worked out by hand."""

from decimal import Decimal as D

import numpy_financial as npf
import pytest

from finplan.model.amounts import expense_amounts, months_active, revenue_amounts
from finplan.model.assets import depreciation, grant_release, ipmt, loan_schedule, pmt
from finplan.model.case import Expense, Indexation, Investment, Loan, Project, Revenue, Staff
from finplan.model.staff import staff_costs

from helpers import case_with, cents, plan_of

PROJECT = Project("P", "O", 2027, years=3, start_month=7)


def test_months_active():
    assert [months_active(y, PROJECT) for y in (1, 2, 3)] == [6, 12, 12]
    # own start month 9 in a plan from July: 13 - max(9, 7) = 4; own start 3: 13 - 7 = 6.
    assert months_active(1, PROJECT, 9) == 4
    assert months_active(1, PROJECT, 3) == 6


def test_expense_single_number_is_prorated_then_indexed_and_list_is_taken_as_is():
    index = Indexation(costs=D("0.05"))
    # 7 200 × 6/12 = 3 600; 7 200 × 1.05 = 7 560; 7 200 × 1.05² = 7 938.
    assert expense_amounts(Expense("Eau", "606", D(7200)), PROJECT, index) == [
        cents(3600), cents(7560), cents(7938)]
    listed = Expense("Com", "623", (D(5000), D(1500), D("1500.5")))
    assert expense_amounts(listed, PROJECT, index) == [cents(5000), cents(1500),
                                                       cents("1500.5")]


def test_revenue_by_amount_and_by_quantity():
    index = Indexation(prices=D("0.01"))
    # amount 6 000: 6 000 × 6/12 = 3 000; 6 000 × 1.01 = 6 060; × 1.0201 = 6 120.60.
    assert revenue_amounts(Revenue("Enlèvements", amount=D(6000)), PROJECT, index) == [
        cents(3000), cents(6060), cents("6120.60")]
    # quantity never prorated: 50 × 850 = 42 500; 80 × 858.50 = 68 680;
    # 100 × 867.085 = 86 708.50.
    sales = Revenue("Ventes", "707", quantity=(D(50), D(80), D(100)), unit_price=D(850))
    assert revenue_amounts(sales, PROJECT, index) == [cents(42500), cents(68680),
                                                      cents("86708.50")]


def test_staff_starting_in_month_9_of_a_plan_starting_in_month_7():
    line = Staff("CDDI", "insertion", D(2), D(1800), D("0.1"), "ACI", start_month=9)
    costs = staff_costs(line, PROJECT, Indexation(salaries=D("0.03")))
    # year 1: 2 × 1 800 × 4 months = 14 400; year 2: 2 × 1 800 × 1.03 × 12 = 44 496;
    # year 3: 2 × 1 800 × 1.0609 × 12 = 45 830.88.
    assert costs.gross == [cents(14400), cents(44496), cents("45830.88")]
    assert costs.social == [cents(1440), cents("4449.60"), cents("4583.09")]
    assert costs.fte_years[0] * 3 == 2  # 2 × 4/12
    assert costs.fte_years[1:] == [2, 2]


def test_staff_fte_list_is_not_indexed_but_salary_is():
    project = Project("P", "O", 2027, years=2)
    line = Staff("ASP", "supervision", (D("0.5"), D(1)), D(2000), D(0))
    costs = staff_costs(line, project, Indexation(salaries=D("0.1")))
    # 0.5 × 2 000 × 12 = 12 000; 1 × 2 000 × 1.1 × 12 = 26 400.
    assert costs.gross == [cents(12000), cents(26400)]


def test_asset_bought_in_april():
    # 12 000 over 3 years from April: 9 months in year 1 (3 000), then 4 000, 4 000,
    # then only 1 000 is left (never more than the asset), then nothing.
    asset = Investment("Four", D(12000), life_years=D(3), year=1, month=4)
    assert depreciation(asset, years=5) == [cents(3000), cents(4000), cents(4000),
                                            cents(1000), 0]


def test_asset_bought_in_year_2_depreciates_from_then():
    asset = Investment("Camion", D(38000), life_years=D(5), year=2, month=10)
    # 38 000 / 5 × 3/12 = 1 900 in year 2.
    assert depreciation(asset, years=3) == [0, cents(1900), cents(7600)]


def test_depreciation_years_add_up_to_the_cent():
    asset = Investment("Étagères", D(1000), life_years=D(3), year=1, month=2)
    yearly = depreciation(asset, years=5)
    assert sum(yearly) == cents(1000)
    # 1 000 / 3 × 11/12 = 305.555… -> 305.56.
    assert yearly[0] == cents("305.56")


def test_loan_straddling_three_calendar_years_matches_numpy_financial():
    # 10 000 at 6 % over 24 months, taken in July of year 1: payments in months
    # 8..31, i.e. 5 in year 1 (Aug-Dec), 12 in year 2, 7 in year 3.
    loan = Loan("Prêt", D(10000), D("0.06"), months=24, year=1, month=7)
    schedule = loan_schedule(loan, years=3)
    rate = 0.06 / 12
    interest = [-npf.ipmt(rate, list(periods), 24, 10000).sum()
                for periods in (range(1, 6), range(6, 18), range(18, 25))]
    principal = [-npf.ppmt(rate, list(periods), 24, 10000).sum()
                 for periods in (range(1, 6), range(6, 18), range(18, 25))]
    assert [abs(got / 100 - want) < 0.01 for got, want in
            zip(schedule.interest, interest)] == [True] * 3
    assert [abs(got / 100 - want) < 0.01 for got, want in
            zip(schedule.repaid, principal)] == [True] * 3
    # first payment's interest: 10 000 × 0.5 % = 50.00.
    assert -npf.ipmt(rate, 1, 24, 10000) == 50.0
    assert sum(schedule.repaid) == cents(10000)
    assert schedule.received == [cents(10000), 0, 0]


@pytest.mark.parametrize(("principal", "annual_rate", "months"), [
    ("10000", "0.06", 24), ("35000", "0.025", 60), ("12000", "0.12", 12),
    ("250000.55", "0.0375", 180), ("1", "0.001", 1), ("99999.99", "0.2", 84),
    ("18000", "0.0149", 36), ("7777.77", "0.0333", 240)])
def test_pmt_and_ipmt_give_numpy_financial_s_decimals_to_the_last_digit(
        principal, annual_rate, months):
    # finplan computes a loan's payments without numpy; on Decimals numpy-financial
    # runs the same operations, so every digit (hence every cent) is the same
    rate, pv = D(annual_rate) / 12, D(principal)
    assert pmt(rate, months, pv) == npf.pmt(rate, months, pv)
    periods = list(range(1, months + 1))
    assert [ipmt(rate, k, months, pv) for k in periods] == list(
        npf.ipmt(rate, periods, months, pv))


def test_loan_in_year_2_and_after_the_horizon():
    loan = Loan("Prêt", D(1200), D(0), months=12, year=2, month=12)
    # payments start in January of year 3; year 2 has none.
    assert loan_schedule(loan, years=3).repaid == [0, 0, cents(1200)]


def test_grant_release_follows_the_depreciation_of_each_cohort():
    # cohort 1: 12 000 bought in January, 6 000 subsidised, 3 000 depreciated a year
    #   -> 6 000 × 3 000 / 12 000 = 1 500 a year;
    # cohort 2: 6 000 bought in July of year 2, 3 000 subsidised, 1 500 depreciated in
    #   year 2 -> 750.
    released = grant_release([cents(6000), cents(3000)], [cents(12000), cents(6000)],
                             [[cents(3000), cents(3000)], [0, cents(1500)]])
    assert released == [cents(1500), cents(2250)]


def test_grant_release_in_the_engine_counts_public_and_private_but_not_own_funds():
    plan = plan_of(case_with(
        investment=[{"label": "Outils", "amount": 12000, "life_years": 4}],
        funder=[
            {"name": "Région", "type": "public", "finances": "investment", "rule": "fixed",
             "amount": [4000, 0], "priority": 10},
            {"name": "Fondation", "type": "private", "finances": "investment",
             "rule": "fixed", "amount": [2000, 0], "priority": 20},
            {"name": "Apport", "type": "own", "finances": "investment", "rule": "residual",
             "priority": 90},
        ]))
    # (4 000 + 2 000) × 3 000 / 12 000 = 1 500 a year; own funds 6 000 not released.
    assert plan.grant_release == [cents(1500), cents(1500)]
    assert plan.subsidies()["747"] == [cents(1500), cents(1500)]
    # the operating need is the deficit after the release: 3 000 - 1 500.
    assert plan.need_amounts["operating"] == [cents(1500), cents(1500)]
