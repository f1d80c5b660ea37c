"""Investments (depreciation, 681), loans (interest 661, repayments) and the
release of investment subsidies to income (747) — spec §1 and §3.

Amounts are integer cents.  A yearly figure of a schedule is the difference of
two rounded cumulative figures, so that the years of a schedule add up exactly
to its total (the whole asset, the whole principal).

>>> from decimal import Decimal as D
>>> from finplan.model.case import Investment
>>> truck = Investment("Camion", D(38000), life_years=D(5), year=1, month=4)
>>> depreciation(truck, years=3)
[570000, 760000, 760000]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from finplan.model.case import Investment, Loan
from finplan.model.money import Cents, ratio_to_cents, to_cents

__all__ = [
    "LoanSchedule",
    "depreciation",
    "grant_release",
    "loan_schedule",
    "loan_start",
    "months_in_service",
]


def months_in_service(investment: Investment, y: int) -> int:
    """``m(y)``: ``13 - month`` in the year of acquisition, 12 afterwards, 0 before."""
    if y < investment.year:
        return 0
    return 13 - investment.month if y == investment.year else 12


def depreciation(investment: Investment, years: int) -> list[Cents]:
    """``dep(y) = amount / life_years * m(y) / 12``, never more in total than amount.

    Linear, prorated by the month: the asset depreciates from its month of
    acquisition.
    """
    yearly, cumulative_months, done = [], 0, 0
    for y in range(1, years + 1):
        cumulative_months += months_in_service(investment, y)
        cumulative = min(investment.amount,
                         investment.amount / investment.life_years * cumulative_months / 12)
        cents = to_cents(cumulative)
        yearly.append(cents - done)
        done = cents
    return yearly


@dataclass(frozen=True)
class LoanSchedule:
    """What a loan does to each plan year, in cents."""

    received: list[Cents]
    interest: list[Cents]
    repaid: list[Cents]
    payment: Decimal  # the constant monthly payment, exact


def loan_start(loan: Loan) -> int:
    """``t0 = (year - 1) * 12 + month``: the absolute month the loan is received in;
    payment k falls in month ``t0 + k``.

    >>> from decimal import Decimal as D
    >>> from finplan.model.case import Loan
    >>> loan_start(Loan("Prêt", D(12000), D(0), 12, 2, 11))
    23
    """
    return (loan.year - 1) * 12 + loan.month


def loan_schedule(loan: Loan, years: int) -> LoanSchedule:
    """Constant monthly payments (``numpy_financial.pmt`` at ``annual_rate/12``).

    Payment k (1..months) falls in absolute month ``t0 + k`` with
    ``t0 = (year-1)*12 + month``, i.e. in plan year ``ceil((t0+k)/12)``.  The
    interest of a year is the sum of the interest parts of its payments; the
    principal parts are the repayments.

    >>> from decimal import Decimal as D
    >>> from finplan.model.case import Loan
    >>> schedule = loan_schedule(Loan("Prêt", D(12000), D(0), 12, 1, 7), years=2)
    >>> schedule.received, schedule.interest, schedule.repaid
    ([1200000, 0], [0, 0], [500000, 700000])
    """
    rate = loan.annual_rate / 12
    periods = list(range(1, loan.months + 1))
    if rate == 0:
        payment = loan.principal / loan.months
        interest_parts = [Decimal(0)] * loan.months
    else:
        import numpy_financial as npf  # numpy: loaded only for a case with a loan

        payment = -Decimal(npf.pmt(rate, loan.months, loan.principal))
        interest_parts = [-Decimal(part) for part in
                          npf.ipmt(rate, periods, loan.months, loan.principal)]
    t0 = loan_start(loan)
    interest_by_year = [Decimal(0)] * years
    principal_by_year = [Decimal(0)] * years
    for k, interest in zip(periods, interest_parts):
        y = (t0 + k - 1) // 12 + 1  # ceil((t0 + k) / 12)
        if y > years:
            break
        interest_by_year[y - 1] += interest
        principal_by_year[y - 1] += payment - interest
    received = [to_cents(loan.principal) if y == loan.year else 0
                for y in range(1, years + 1)]
    return LoanSchedule(received, _yearly_from_cumulative(interest_by_year),
                        _yearly_from_cumulative(principal_by_year), payment)


def _yearly_from_cumulative(values: list[Decimal]) -> list[Cents]:
    """Round the running total, then take differences: the years add up exactly."""
    yearly, running, done = [], Decimal(0), 0
    for value in values:
        running += value
        cents = to_cents(running)
        yearly.append(cents - done)
        done = cents
    return yearly


def grant_release(funding_by_year: list[Cents], investments_by_year: list[Cents],
                  depreciation_by_cohort: list[list[Cents]]) -> list[Cents]:
    """``grant_release(y) = sum_a funding(a) * dep_a(y) / investments(a)``.

    ``funding_by_year[a]``: investment subsidies (public and private funders)
    received in year a; ``investments_by_year[a]``: investments acquired in
    year a; ``depreciation_by_cohort[a][y]``: depreciation in year y of the
    investments acquired in year a.

    >>> grant_release([3280000, 0], [7100000, 0], [[1097500, 0], [0, 0]])
    [507014, 0]
    """
    years = len(funding_by_year)
    bought = [a for a in range(years) if investments_by_year[a] > 0]
    common = math.lcm(*(investments_by_year[a] for a in bought)) if bought else 1
    return [ratio_to_cents(sum(funding_by_year[a] * depreciation_by_cohort[a][y]
                               * (common // investments_by_year[a]) for a in bought), common)
            for y in range(years)]
