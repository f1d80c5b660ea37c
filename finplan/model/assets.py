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
from typing import TYPE_CHECKING

from finplan.model.case import Investment, Loan
from finplan.model.money import SAFE, Cents, ratio_to_cents, to_cents
from finplan.model.montecarlo import TYPED, ItemValues
from finplan.model.series import minimum, series

if TYPE_CHECKING:  # the *_draws twins import numpy when called
    import numpy as np


__all__ = [
    "LoanSchedule",
    "depreciation",
    "grant_release",
    "grant_release_draws",
    "loan_schedule",
    "loan_schedule_draws",
    "loan_start",
    "ipmt",
    "pmt",
    "months_in_service",
]


def months_in_service(investment: Investment, y: int) -> int:
    """``m(y)``: ``13 - month`` in the year of acquisition, 12 afterwards, 0 before."""
    if y < investment.year:
        return 0
    return 13 - investment.month if y == investment.year else 12


def depreciation(investment: Investment, years: int, values: ItemValues = TYPED) -> list[Cents]:
    """``dep(y) = amount / life_years * m(y) / 12``, never more in total than amount.

    Linear, prorated by the month: the asset depreciates from its month of
    acquisition.  ``values``: the investment's drawn values in a Monte Carlo run
    (:meth:`~finplan.model.montecarlo.Draws.item`).

    >>> import numpy as np
    >>> from finplan.model.montecarlo import ItemValues
    >>> truck = Investment("Camion", Decimal(38000), life_years=Decimal(5), year=1, month=4)
    >>> drawn = ItemValues({"amount": np.array([[1.0], [0.5]])})
    >>> depreciation(truck, 3, drawn).tolist()
    [[570000, 760000, 760000], [285000, 380000, 380000]]
    """
    v = values.of("amount")
    amount, life = v.one(investment.amount, "amount"), v.number(investment.life_years)
    yearly, cumulative_months, done = [], 0, 0
    for y in range(1, years + 1):
        cumulative_months += months_in_service(investment, y)
        cents = to_cents(minimum(amount, amount / life * cumulative_months / 12))
        yearly.append(cents - done)
        done = cents
    return series(yearly)


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


def pmt(rate: Decimal, nper: int, pv: Decimal) -> Decimal:
    """The constant payment of a loan of ``pv`` over ``nper`` periods at ``rate`` per
    period (``rate`` > 0), as a negative amount, like Excel's PMT and numpy-financial's
    ``pmt``: ``-pv (1+rate)^nper / ((1+rate)^nper - 1) × rate``.

    The same Decimal operations, in the same order, as ``numpy_financial.pmt`` on
    Decimals (the tests compare both to the last digit), without importing numpy: one
    plan with a loan, the Excel click included, does not load it.

    >>> pmt(Decimal("0.01"), 12, Decimal(12000))
    Decimal('-1066.185464140100488079853975')
    """
    temp = (1 + rate) ** nper
    fact = (1 + rate * 0) * (temp - 1) / rate
    return -(0 + pv * temp) / fact


def ipmt(rate: Decimal, per: int, nper: int, pv: Decimal) -> Decimal:
    """The interest part of payment ``per`` (1..nper) of :func:`pmt`'s loan, negative:
    ``rate × fv(rate, per - 1, pmt, pv)``, the balance before that payment
    (``fv = -(pv (1+rate)^(per-1) + pmt ((1+rate)^(per-1) - 1) / rate)``), as
    ``numpy_financial.ipmt`` computes it on Decimals.

    >>> ipmt(Decimal("0.01"), 1, 12, Decimal(12000))
    Decimal('-120.0000000000000000000000000')
    """
    payment = pmt(rate, nper, pv)
    temp = (1 + rate) ** (per - 1)
    fact = (1 + rate * 0) * (temp - 1) / rate
    return -(pv * temp + payment * fact) * rate


def loan_schedule(loan: Loan, years: int) -> LoanSchedule:
    """Constant monthly payments (:func:`pmt` at ``annual_rate/12``).

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
        payment = -pmt(rate, loan.months, loan.principal)
        interest_parts = [-ipmt(rate, k, loan.months, loan.principal) for k in periods]
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


def loan_schedule_draws(loan: Loan, years: int, values: ItemValues) -> LoanSchedule:
    """:func:`loan_schedule` for each draw (``values``: the loan's drawn values): the
    same constant payments, ``pmt = P r / (1 - (1 + r)^-n)`` (``P / n`` at rate 0), and
    balances ``P (1+r)^(k-1) - pmt ((1+r)^(k-1) - 1) / r`` in floats; received,
    interest and repaid draws × years, the payment per draw.  A loan nothing varies is
    :func:`loan_schedule` itself (lists).

    >>> import numpy as np
    >>> from finplan.model.case import Loan
    >>> from finplan.model.montecarlo import ItemValues
    >>> drawn = ItemValues({"principal": np.array([[1.0], [0.5]])})
    >>> schedule = loan_schedule_draws(Loan("Prêt", Decimal(12000), Decimal(0), 12, 1, 7),
    ...                                2, drawn)
    >>> schedule.received.tolist(), schedule.repaid.tolist()
    ([[1200000, 0], [600000, 0]], [[500000, 700000], [250000, 350000]])
    """
    import numpy as np

    v = values.of("principal", "annual_rate")
    if v.exact:
        return loan_schedule(loan, years)
    principal, rate = np.broadcast_arrays(np.ravel(v.one(loan.principal, "principal")),
                                          np.ravel(v.one(loan.annual_rate, "annual_rate")) / 12)
    k = np.arange(1, loan.months + 1)[None, :]
    growth_ = (1 + rate[:, None]) ** (k - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        payment = np.where(rate > 0, principal * rate / (1 - (1 + rate) ** -loan.months),
                           principal / loan.months)
        balance = np.where(rate[:, None] > 0, principal[:, None] * growth_
                           - payment[:, None] * (growth_ - 1) / rate[:, None],
                           principal[:, None] - payment[:, None] * (k - 1))
    interest = balance * rate[:, None]
    year_of = (loan_start(loan) + k[0] - 1) // 12 + 1
    interest_by_year = np.stack([interest[:, year_of == y].sum(axis=1)
                                 for y in range(1, years + 1)], axis=1)
    principal_by_year = np.stack([(payment[:, None] - interest)[:, year_of == y].sum(axis=1)
                                  for y in range(1, years + 1)], axis=1)
    received = np.zeros((len(principal), years), dtype=np.int64)
    received[:, loan.year - 1] = to_cents(principal)
    return LoanSchedule(received, _yearly_from_cumulative_draws(interest_by_year),
                        _yearly_from_cumulative_draws(principal_by_year), payment)


def _yearly_from_cumulative(values: list[Decimal]) -> list[Cents]:
    """Round the running total, then take differences: the years add up exactly."""
    yearly, running, done = [], Decimal(0), 0
    for value in values:
        running += value
        cents = to_cents(running)
        yearly.append(cents - done)
        done = cents
    return yearly


def _yearly_from_cumulative_draws(values: np.ndarray) -> np.ndarray:
    """:func:`_yearly_from_cumulative` for each draw (float euros, draws × years)."""
    import numpy as np

    return np.diff(to_cents(np.cumsum(values, axis=1)), axis=1, prepend=0)


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


def grant_release_draws(subsidised: np.ndarray, investments: np.ndarray,
                        cohorts: list[np.ndarray]) -> np.ndarray:
    """:func:`grant_release` for each draw, in exact integers: ``sum_a funding(a) ×
    dep_a(y) / investments(a)`` over a common denominator, rounded half-up once
    (draws × years; ``cohorts[a]`` the depreciation of year a's investments).

    >>> import numpy as np
    >>> grant_release_draws(np.array([[3280000, 0]]), np.array([[7100000, 0]]),
    ...                     [np.array([[1097500, 0]]), np.array([[0, 0]])]).tolist()
    [[507014, 0]]
    """
    import numpy as np

    draws, years = subsidised.shape
    released = np.zeros((draws, years), dtype=np.int64)
    acquired = [a for a in range(years) if (investments[:, a] > 0).any()]
    if not acquired:
        return released
    denominators = {a: np.where(investments[:, a] > 0, investments[:, a], 1) for a in acquired}
    biggest = int(np.abs(subsidised).max(initial=0)) * max(
        int(np.abs(cohorts[a]).max(initial=0)) for a in acquired)
    if biggest >= SAFE or (subsidised < 0).any() or any((cohorts[a] < 0).any()
                                                         for a in acquired):
        return _grant_release_exact(subsidised, investments, cohorts, acquired, denominators)
    for y in range(years):
        # each term's whole cents in int64 (divmod), the remainders' fractions summed in
        # floats: the rounding is exact but where that sum is a hair from a half cent,
        # which is then settled in exact fractions
        whole = np.zeros(draws, dtype=np.int64)
        fraction = np.zeros(draws)
        for a in acquired:
            bought = investments[:, a] > 0
            quotient, remainder = np.divmod(subsidised[:, a] * cohorts[a][:, y], denominators[a])
            whole += np.where(bought, quotient, 0)
            fraction += np.where(bought, remainder / denominators[a], 0.0)
        shifted = fraction + 0.5
        released[:, y] = whole + np.floor(shifted).astype(np.int64)
        near = np.abs(shifted - np.round(shifted)) < 1e-6
        if near.any():
            exact = _grant_release_exact(subsidised[near], investments[near],
                                         [cohort[near] for cohort in cohorts], acquired,
                                         {a: d[near] for a, d in denominators.items()})
            released[near, y] = exact[:, y]
    return released


def _grant_release_exact(subsidised: np.ndarray, investments: np.ndarray,
                         cohorts: list[np.ndarray], acquired: list[int],
                         denominators: dict[int, np.ndarray]) -> np.ndarray:
    """:func:`grant_release_draws` in Python integers over a common denominator."""
    import numpy as np

    draws, years = subsidised.shape
    released = np.zeros((draws, years), dtype=np.int64)
    common = np.ones(draws, dtype=object)
    for a in acquired:
        common = common * denominators[a].astype(object)
    for y in range(years):
        numerator = np.zeros(draws, dtype=object)
        for a in acquired:
            term = (subsidised[:, a].astype(object) * cohorts[a][:, y].astype(object)
                    * (common // denominators[a].astype(object)))
            numerator = numerator + np.where(investments[:, a] > 0, term, 0)
        magnitude = (2 * abs(numerator) + common) // (2 * common)
        released[:, y] = np.where(numerator < 0, -magnitude, magnitude).astype(np.int64)
    return released
