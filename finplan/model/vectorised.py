"""Many draws of a case at once: the engine's arithmetic over numpy arrays.

:func:`evaluate` computes, for every draw of a Monte Carlo run, what
:func:`finplan.compute` computes for one case — the funders' allocations, the
result, the year-end cash and the monthly cash balances — with one numpy
operation per step for all the draws together instead of one engine call per
draw.  It follows the engine step by step and gives the same cents (the tests
compare both, draw by draw).

How it stays exact:

- Arrays have one row per draw; a figure that no variation touches keeps one
  row, computed by the engine's own functions, and is broadcast.
- A line item touched by a variation is computed in binary floating point from
  the drawn value and rounded half-up to the cent.  The drawn values are
  continuous, so an exact half cent, where floating point and the engine's
  decimals could round apart, has a probability of the order of 1e-12.
- From the cents on, everything is integer arithmetic as in the engine:
  rates and shares are exact fractions (``rate × base`` is rounded from
  ``base × p / q``), splits use the same largest-remainder rule, the release of
  investment subsidies uses exact integers.

>>> import finplan
>>> from finplan.model.montecarlo import draw_variations
>>> case = finplan.load_case(finplan.demo_path())
>>> outcomes = evaluate(case, np.zeros((0, 1)))
>>> plan = finplan.compute(case)
>>> outcomes.result[0].tolist() == plan.result, int(outcomes.low[0]) == plan.monthly.low[0]
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from finplan.model.allocation import allocate_draws
from finplan.model.amounts import (
    expense_amounts_draws,
    revenue_amounts_draws,
    year_value,
)
from finplan.model.assets import (
    depreciation_draws,
    grant_release_draws,
    loan_schedule_draws,
    loan_start,
)
from finplan.model.case import Case, Need
from finplan.model.cash import default_payments, months_of_year
from finplan.model.funders import counts_for, request_draws
from finplan.model.money import (
    integer_weights,
    split_draws,
    times_draws,
    to_cents,
    to_cents_draws,
)
from finplan.model.montecarlo import Draws
from finplan.model.staff import StaffCosts, staff_costs_draws

__all__ = ["Outcomes", "evaluate"]



@dataclass
class Outcomes:
    """The figures of every draw (cents; one row per draw)."""

    result: np.ndarray  # (draws, years)
    unfunded: dict[str, np.ndarray]  # need id -> (draws, years)
    funding: dict[tuple[str, int], np.ndarray]  # (need id, funder index) -> (draws, years)
    cash_end: np.ndarray  # (draws, years)
    balances: np.ndarray  # (draws, months): end-of-month cash

    @property
    def low(self) -> np.ndarray:
        """The lowest end-of-month balance of each draw."""
        return self.balances.min(axis=1)

    @property
    def bridging_need(self) -> np.ndarray:
        return np.maximum(0, -self.low)

    @property
    def total_unfunded(self) -> np.ndarray:
        return sum((amounts.sum(axis=1) for amounts in self.unfunded.values()),
                   np.zeros(len(self.result), dtype=np.int64))


# -- exact and rounded arithmetic -----------------------------------------------------

def _spread_equal(total: np.ndarray, count: int) -> np.ndarray:
    """``total`` (rows) in ``count`` equal parts, the leftover cents to the first ones."""
    quotient = total // count
    left = total - quotient * count
    return quotient[:, None] + (np.arange(count)[None, :] < left[:, None])


# -- the draws' values ---------------------------------------------------------------

# -- the evaluation ------------------------------------------------------------------

def evaluate(case: Case, xs: np.ndarray) -> Outcomes:
    """The outcomes of every draw; ``xs`` holds one row of relative variations per
    ``case.montecarlo.vary`` (from :func:`~finplan.model.montecarlo.draw_variations`)."""
    return _Evaluation(case, Draws.of(case, xs)).run()


class _Evaluation:
    def __init__(self, case: Case, draws: Draws):
        self.case, self.draws = case, draws
        self.years = case.project.years
        self.rows = max(draws.count, 1)

    def full(self, values: np.ndarray) -> np.ndarray:
        return np.broadcast_to(values, (self.rows, *np.shape(values)[1:]))

    def zeros(self) -> np.ndarray:
        return np.zeros((1, self.years), dtype=np.int64)

    # -- operating items --------------------------------------------------------------
    def staff(self) -> list[StaffCosts]:
        case = self.case
        return [staff_costs_draws(line, self.draws, i, case.project, case.indexation)
                for i, line in enumerate(case.staff)]

    def revenue(self) -> list[np.ndarray]:
        case = self.case
        return [revenue_amounts_draws(item, self.draws, i, case.project, case.indexation)
                for i, item in enumerate(case.revenue)]

    def expenses(self) -> list[np.ndarray]:
        case = self.case
        return [expense_amounts_draws(item, self.draws, i, case.project, case.indexation)
                for i, item in enumerate(case.expenses)]

    # -- investments and loans --------------------------------------------------------
    def investments(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(amount in cents as a column, depreciation by year) by investment."""
        amounts, depreciations = [], []
        for i, item in enumerate(self.case.investments):
            factor = self.draws.factor("investment", i, "amount")
            amounts.append(np.array([[to_cents(item.amount)]], dtype=np.int64)
                           if factor is None
                           else to_cents_draws(float(item.amount) * factor)[:, None])
            depreciations.append(depreciation_draws(item, self.draws, i, self.years))
        return amounts, depreciations

    def loans(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(received, interest, repaid) by loan."""
        out = []
        for i, loan in enumerate(self.case.loans):
            schedule = loan_schedule_draws(loan, self.draws, i, self.years)
            out.append((schedule.received, schedule.interest, schedule.repaid))
        return out

    # -- the whole plan ---------------------------------------------------------------
    def run(self) -> Outcomes:
        case, years = self.case, self.years
        staff = self.staff()
        revenue, expenses = self.revenue(), self.expenses()
        amounts, depreciations = self.investments()
        loans = self.loans()
        zero = self.zeros()
        gross = sum((costs.gross for costs in staff), zero)
        social = sum((costs.social for costs in staff), zero)
        interest = sum((i for _, i, _ in loans), zero)
        dep_total = sum(depreciations, zero)
        charges = gross + social + interest + dep_total + sum(expenses, zero)
        own_revenue = sum(revenue, zero)
        investments = sum((amount * (np.arange(1, years + 1) == item.year)[None, :]
                           for amount, item in zip(amounts, case.investments)), zero)
        loans_received = sum((r for r, _, _ in loans), zero)
        repaid = sum((p for _, _, p in loans), zero)

        funding: dict[tuple[str, int], np.ndarray] = {}
        unfunded: dict[str, np.ndarray] = {}

        def run_need(need: Need, need_amounts: np.ndarray, base: np.ndarray) -> None:
            members = [(i, f) for i, f in enumerate(case.funders) if f.finances == need.id]
            requests = [request_draws(f, i, self.full(base), case, self.draws, staff)
                        for i, f in members]
            paid, left = allocate_draws(self.full(need_amounts), requests, need.max_public_share)
            for (i, _), amounts_ in zip(members, paid):
                funding[(need.id, i)] = amounts_
            unfunded[need.id] = left

        run_need(case.need("investment"), np.maximum(0, investments - loans_received),
                 investments)
        subsidised = sum((funding[("investment", i)] for i, f in enumerate(case.funders)
                          if f.finances == "investment" and f.type != "own"), zero)
        cohorts = [sum((dep for item, dep in zip(case.investments, depreciations)
                        if item.year == a), zero) for a in range(1, years + 1)]
        released = grant_release_draws(self.full(subsidised), self.full(investments),
                                  [self.full(cohort) for cohort in cohorts])
        run_need(case.need("operating"), np.maximum(0, charges - own_revenue - released),
                 charges)
        for i, need in enumerate(case.needs):
            if need.is_custom:
                factor = self.draws.factor("need", i - 2, "amount")
                need_amounts = (Draws.row([to_cents(year_value(need.amount, y))
                                        for y in range(1, years + 1)]) if factor is None
                                else to_cents_draws(self.draws.values(need.amount, years,
                                                                    factor)))
                run_need(need, need_amounts, need_amounts)

        subsidies = sum((funding[("operating", i)] for i, f in enumerate(case.funders)
                         if f.finances == "operating" and f.type != "own"), zero)
        result = own_revenue + subsidies + released - charges
        caf = result + dep_total - released
        bfr = self._bfr(charges - dep_total)
        change = bfr - np.concatenate([np.zeros_like(bfr[:, :1]), bfr[:, :-1]], axis=1)
        investment_funding = sum((funding[("investment", i)]
                                  for i, f in enumerate(case.funders)
                                  if f.finances == "investment"), zero)
        emplois = investments + repaid + np.maximum(0, change) + np.maximum(0, -caf)
        ressources = (np.maximum(0, caf) + loans_received + investment_funding
                      + np.maximum(0, -change))
        opening = self._opening()
        cash_end = opening[:, None] + np.cumsum(ressources - emplois, axis=1)
        flows = _Months(self, staff, revenue, expenses, amounts, loans, funding)
        balances = opening[:, None] + np.cumsum(flows.net(), axis=1)
        return Outcomes(result=self.full(result), unfunded={
            key: self.full(value) for key, value in unfunded.items()},
            funding={key: self.full(value) for key, value in funding.items()},
            cash_end=self.full(cash_end), balances=self.full(balances))

    def _bfr(self, cash_charges: np.ndarray) -> np.ndarray:
        factor = self.draws.factor("working_capital", None, "days")
        days = self.case.working_capital_days
        if factor is None:
            return times_draws(cash_charges, Fraction(days) / 360)
        return to_cents_draws(float(days) * factor[:, None] * cash_charges / 360 / 100)

    def _opening(self) -> np.ndarray:
        factor = self.draws.factor("project", None, "opening_cash")
        value = self.case.project.opening_cash
        if factor is None:
            return np.array([to_cents(value)], dtype=np.int64)
        return to_cents_draws(float(value) * factor)


# -- the monthly cash plan -----------------------------------------------------------

class _Months:
    """Net cash flows by month over the draws (``cash.monthly_cash``)."""

    def __init__(self, evaluation: _Evaluation, staff, revenue, expenses, amounts, loans,
                 funding):
        self.evaluation, self.case = evaluation, evaluation.case
        self.staff, self.revenue, self.expenses = staff, revenue, expenses
        self.amounts, self.loans, self.funding = amounts, loans, funding
        self.months = 12 * evaluation.years
        self.flows = np.zeros((evaluation.rows, self.months), dtype=np.int64)

    def add(self, absolute_months: Sequence[int], parts: np.ndarray, sign: int) -> None:
        columns = np.array(absolute_months) - 1
        self.flows[:, columns] += sign * parts

    def spread(self, total: np.ndarray, y: int, months: list[int], sign: int,
               weights: Sequence[Decimal] | None = None) -> None:
        if not months:
            return
        chosen = [weights[m - 1] for m in months] if weights else None
        if chosen is None or sum(chosen) <= 0:
            parts = _spread_equal(total, len(months))
        else:
            parts = split_draws(total, integer_weights(chosen))
        self.add([12 * (y - 1) + m for m in months], parts, sign)

    def net(self) -> np.ndarray:
        case, years = self.case, self.evaluation.years
        start = case.project.start_month
        for line, costs in zip(case.staff, self.staff):
            own = max(line.start_month or start, start)
            total = costs.gross + costs.social
            for y in range(1, years + 1):
                self.spread(total[:, y - 1], y, months_of_year(y, own), -1)
        for items, by_item, sign in ((case.expenses, self.expenses, -1),
                                     (case.revenue, self.revenue, 1)):
            for item, amounts in zip(items, by_item):
                for y in range(1, years + 1):
                    self.spread(amounts[:, y - 1], y, months_of_year(y, start), sign,
                                item.monthly_profile)
        for item, amount in zip(case.investments, self.amounts):
            self.add([12 * (item.year - 1) + item.month], amount, -1)
        for loan, (received, interest, repaid) in zip(case.loans, self.loans):
            t0 = loan_start(loan)
            self.add([t0], received[:, [loan.year - 1]], 1)
            for y in range(1, years + 1):
                paid = [m for m in range(t0 + 1, t0 + loan.months + 1)
                        if (m - 1) // 12 + 1 == y]
                if paid:
                    self.add(paid, _spread_equal(interest[:, y - 1] + repaid[:, y - 1],
                                                 len(paid)), -1)
        self._funders()
        return self.flows

    def _funders(self) -> None:
        case, years = self.case, self.evaluation.years
        project = case.project
        for (need_id, index), amounts in self.funding.items():
            funder = case.funders[index]
            if need_id not in ("operating", "investment") or (
                    funder.type == "own" and need_id == "operating"):
                continue
            schedule = default_payments(funder)
            for y in range(1, years + 1):
                amount = amounts[:, y - 1]
                if schedule is None:
                    starts = [max(line.start_month or project.start_month,
                                  project.start_month)
                              for line in case.staff if counts_for(funder, line)]
                    first = min(starts, default=project.start_month)
                    self.spread(amount, y, months_of_year(y, first), 1)
                    continue
                parts = split_draws(amount, integer_weights([share for share, _ in schedule]))
                for k, (_, month) in enumerate(schedule):
                    absolute = 12 * (y - 1) + month
                    if absolute <= self.months:
                        self.add([absolute], parts[:, [k]], 1)
