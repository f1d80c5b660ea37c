"""The monthly cash plan: when money comes in and goes out, and the bridge it takes.

Month 1 is January of the first plan year; month m of plan year y is
``12(y-1) + m``.  Every yearly amount is split into months in exact cents
(largest remainder), so each year's months add up to the annual figure:

- salaries and employer charges: equal parts over the months the staff line is
  active that year;
- expenses and own revenue: equal parts over the active months of the year, or
  by the line's ``monthly_profile`` weights (seasonality);
- investments: in their month of acquisition; a loan's principal arrives in its
  month and each year's instalments (interest and principal) fall in equal parts
  on that year's payment months;
- a funder's allocation for plan year y: by its ``payments`` schedule
  ``[[share, month], ...]`` (month 13 is January of the next year); by default
  ``per_fte`` entitlements in equal parts over the active months of the matching
  staff (the aide au poste's part modulée of year y at once in April of y + 1),
  other public funders ``[[0.6, 4], [0.4, 16]]``, private ``[[1.0, 3]]``, own funds
  ``[[1.0, 1]]``.  What falls after the horizon is a receivable.

Own funds on the operating need are the organisation's reserves (already in the
opening cash) and custom needs are outside its accounts: neither moves its cash,
as in the annual plan.  Then the end of each year reconciles with the annual
plan: ``monthly(12y) = cash_end(y) + bfr(y) - receivable(y)``.

>>> months_of_year(1, start=4)
[4, 5, 6, 7, 8, 9, 10, 11, 12]
>>> spread(1000, [4, 5, 6])
{4: 334, 5: 333, 6: 333}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from finplan.model.assets import loan_start
from finplan.model.bridging import Facility, net_effect, receivable, run_facilities
from finplan.model.budget import add
from finplan.model.case import Case, Contract, Funder, Loan, Payments, Project, Receipts, Staff
from finplan.model.funders import counts_for, socle_part
from finplan.model.money import Cents, integer_weights, split, split_draws, to_cents
from finplan.model.series import by_year as each
from finplan.model.series import difference, gathered, minimum, running_total

if TYPE_CHECKING:  # the *_draws twins import numpy when called
    import numpy as np

__all__ = ["MonthlyCash", "draw_bridges", "monthly_cash", "monthly_cash_draws",
           "months_of_year", "paid_from", "loan_months", "moves_cash", "spread",
           "spread_draws", "default_payments",
           "contract_payments", "payer_name", "MONTHS_FR", "month_label", "receipts_row",
           "with_receipts"]

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                "oct.", "nov.", "déc.")  # the French abbreviations
PUBLIC_PAYMENTS: Payments = ((Decimal("0.6"), 4), (Decimal("0.4"), 16))
PRIVATE_PAYMENTS: Payments = ((Decimal(1), 3),)
CONTRACT_PAYMENTS: Payments = ((Decimal(1), 3),)  # spec §6
OWN_PAYMENTS: Payments = ((Decimal(1), 1),)
_BEYOND = 60  # months after the plan a schedule may reach (month 60 of its last year)
# the aide au poste's part modulée of a year is paid at once in April of the next
# (from 2019: afigec.com, « La part modulée de l'aide au poste sera versée en avril »)
_MODULATED_MONTH = 4


def month_label(month: int, first_year: int) -> str:
    """``mai 2027`` for absolute month 5 of a plan starting in 2027.

    >>> month_label(14, 2027)
    'février 2028'
    """
    return f"{MONTHS_FR[(month - 1) % 12]} {first_year + (month - 1) // 12}"


def months_of_year(y: int, start: int = 1) -> list[int]:
    """Calendar months (1-12) active in plan year ``y`` for an item starting in
    month ``start`` of year 1."""
    return list(range(start if y == 1 else 1, 13))


def paid_from(line: Staff, project: Project) -> int:
    """The month of year 1 a staff line is first paid: its own start, never before the
    project's."""
    return max(line.start_month or project.start_month, project.start_month)


def loan_months(loan: Loan, y: int) -> list[int]:
    """The absolute months of plan year ``y`` a loan's payments fall in: payment k in
    month ``t0 + k`` (:func:`~finplan.model.assets.loan_start`).

    >>> from finplan.model.case import Loan
    >>> loan_months(Loan("Prêt", Decimal(12000), Decimal(0), 12, 1, 7), 2)
    [13, 14, 15, 16, 17, 18, 19]
    """
    t0 = loan_start(loan)
    return [m for m in range(t0 + 1, t0 + loan.months + 1) if (m - 1) // 12 + 1 == y]


def moves_cash(funder: Funder, case: Case) -> bool:
    """Whether a funder's allocation comes in as cash in the monthly plan: a funder of
    the investment need, or of a need that pays charges (operating, earmarked) unless
    it is own funds that are only reserves (already in the opening cash; own funds
    ``brought_in`` come in); a custom need outside the accounts moves no cash of the
    organisation."""
    if funder.finances == "investment":
        return True
    return case.need(funder.finances).funds_charges and (
        funder.type != "own" or funder.brought_in)


def spread(amount: Cents, months: Sequence[int],
           weights: Sequence[Decimal] | None = None) -> dict[int, Cents]:
    """``amount`` over ``months`` in equal parts, or by ``weights`` (one per month of
    the year, January first); parts add up exactly."""
    if not months:
        return {}
    chosen = [weights[m - 1] for m in months] if weights else [1] * len(months)
    if sum(chosen) <= 0:
        chosen = [1] * len(months)  # the profile has no weight where the item is active
    return dict(zip(months, split(amount, chosen)))


def spread_draws(amounts: np.ndarray, months: Sequence[int],
                 weights: Sequence[Decimal] | None = None) -> np.ndarray:
    """:func:`spread` for each draw: ``amounts`` (draws) over ``months``, parts draws ×
    months that add up exactly (equal parts: the cents left over to the first months).

    >>> import numpy as np
    >>> spread_draws(np.array([1000, -1]), [4, 5, 6]).tolist()
    [[334, 333, 333], [0, 0, -1]]
    >>> spread_draws(np.array([100]), [1, 2], [Decimal(2), Decimal(1)] + [Decimal(1)] * 10
    ...              ).tolist()
    [[67, 33]]
    """
    import numpy as np

    chosen = [weights[m - 1] for m in months] if weights else None
    if chosen is not None and sum(chosen) > 0:
        return split_draws(amounts, integer_weights(chosen))
    quotient, left = np.divmod(np.asarray(amounts), len(months))
    return quotient[:, None] + (np.arange(len(months))[None, :] < left[:, None])


def default_payments(funder: Funder) -> Payments | None:
    """The schedule a funder gets when it gives none (None: spread like the staff)."""
    if funder.payments is not None:
        return funder.payments
    if funder.rule == "per_fte":
        return None
    return {"public": PUBLIC_PAYMENTS, "private": PRIVATE_PAYMENTS,
            "own": OWN_PAYMENTS}[funder.type]


@dataclass
class MonthlyCash:
    """Inflows and outflows by month (index 0 is month 1), balances, and the bridge."""

    months: int
    first_year: int
    opening: Cents
    inflows: dict[str, list[Cents]] = field(default_factory=dict)
    outflows: dict[str, list[Cents]] = field(default_factory=dict)
    receivable_end: Cents = 0
    receivable_by_year: list[Cents] = field(default_factory=list)
    # what is booked but paid after a year's end (a mandataire's pass-ons paid when the
    # client pays): 0 for an organisation on its own
    payable_end: Cents = 0
    payable_by_year: list[Cents] = field(default_factory=list)
    late: dict[str, list[Cents]] = field(default_factory=dict)  # due minus paid, by funder
    # the bridging facilities' flows (spec §3b), drawn on the balances before them
    bridges: list[Facility] = field(default_factory=list)
    # what each funder a facility is tied to owes at the start of each month
    owed: dict[str, list[Cents]] = field(default_factory=dict)

    def _add(self, table: dict[str, list[Cents]], key: str, month: int, amount: Cents
             ) -> None:
        row = table.setdefault(key, [0] * self.months)
        row[month - 1] += amount

    def payments(self, name: str) -> list[Cents]:
        """What payer ``name`` pays, month by month (nothing: zeros)."""
        return self.inflows.get(name, [0] * self.months)

    @property
    def before_bridges(self) -> list[Cents]:
        """End-of-month balances of the inflows and outflows, before any bridging
        facility."""
        balance, balances = self.opening, []
        for month in range(self.months):
            balance += sum(row[month] for row in self.inflows.values())
            balance -= sum(row[month] for row in self.outflows.values())
            balances.append(balance)
        return balances

    @property
    def balances(self) -> list[Cents]:
        """End-of-month balances, after the bridging facilities."""
        before = self.before_bridges
        if not self.bridges:
            return before
        return [cash + effect for cash, effect in zip(before, net_effect(self.bridges))]

    @property
    def low(self) -> tuple[Cents, int]:
        """The lowest end-of-month balance and its month (the first, on a tie)."""
        balances = self.balances
        lowest = min(balances)
        return lowest, balances.index(lowest) + 1

    @property
    def bridging_need(self) -> Cents:
        """What must be borrowed at most: 0 when the balance never goes below zero."""
        return max(0, -self.low[0])

    @property
    def main_cause(self) -> str | None:
        """The funder whose payments lag most behind the months they finance, at the
        lowest point (None when no funder is late then)."""
        month = self.low[1]
        lags = {name: row[month - 1] for name, row in self.late.items() if row[month - 1] > 0}
        return max(lags, key=lags.get) if lags else None


def monthly_cash(case: Case, plan_parts: dict) -> MonthlyCash:
    """The monthly cash plan of a computed case.

    ``plan_parts`` holds the annual figures the engine computed: ``staff``
    (StaffCosts by line), ``revenue`` and ``expenses`` (cents by line and year),
    ``loans`` (LoanSchedule by line), ``funding`` (FunderFunding by funder).
    """
    project = case.project
    years, months = project.years, 12 * project.years
    cash = MonthlyCash(months, project.first_year, to_cents(project.opening_cash))
    start = project.start_month

    def at(y: int, month: int) -> int:
        return 12 * (y - 1) + month

    for line, costs in zip(case.staff, plan_parts["staff"]):
        own = paid_from(line, project)
        for y in range(1, years + 1):
            total = costs.gross[y - 1] + costs.social[y - 1]
            for month, amount in spread(total, months_of_year(y, own)).items():
                cash._add(cash.outflows, "Salaires et charges sociales", at(y, month), amount)
    booked, paid_out = [0] * years, [0] * months
    for item, by_year in zip(case.expenses, plan_parts["expenses"]):
        if item.payments is not None:
            paid_row, later = _settle(cash, cash.outflows, item.label, by_year,
                                      lambda y, a, s=item.payments: _scheduled(s, y, a))
            booked = add(booked, by_year)
            paid_out = add(paid_out, paid_row)
            cash.payable_end += later
    cash.payable_by_year = _unsettled(booked, paid_out)
    for items, amounts, table, label in (
            (case.expenses, plan_parts["expenses"], cash.outflows, "Charges"),
            (case.revenue, plan_parts["revenue"], cash.inflows, "Recettes propres")):
        for item, by_year in zip(items, amounts):
            if getattr(item, "payments", None) is not None:
                continue  # a pass-on, above
            for y in range(1, years + 1):
                for month, amount in spread(by_year[y - 1], months_of_year(y, start),
                                            item.monthly_profile).items():
                    cash._add(table, label, at(y, month), amount)
    for item in case.investments:
        cash._add(cash.outflows, "Investissements", at(item.year, item.month),
                  to_cents(item.amount))
    for loan, schedule in zip(case.loans, plan_parts["loans"]):
        cash._add(cash.inflows, "Emprunts reçus", loan_start(loan),
                  schedule.received[loan.year - 1])
        for y in range(1, years + 1):
            total = schedule.interest[y - 1] + schedule.repaid[y - 1]
            for month, amount in spread(total, loan_months(loan, y)).items():
                cash._add(cash.outflows, "Échéances d'emprunts", month, amount)
    _funding(case, plan_parts["funding"], cash, plan_parts.get("contracts", ()))
    return cash


def draw_bridges(case: Case, cash: MonthlyCash, fundings: Sequence) -> None:
    """The case's bridging facilities drawn on the monthly plan (spec §3b,
    :mod:`finplan.model.bridging`): each funder a facility is tied to pays as its row
    of inflows says, and owes its allocations (``fundings``: FunderFunding) less what
    it paid."""
    amounts = {funding.funder.name: funding.amounts for funding in fundings}
    tied = {bridge.funder for bridge in case.bridges if bridge.funder}
    paid = {name: cash.payments(name) for name in tied}
    cash.owed = {name: receivable(amounts[name], paid[name]) for name in tied}
    cash.bridges = run_facilities(case.bridges, cash.before_bridges, paid, cash.owed)


def monthly_cash_draws(case: Case, plan_parts: dict, rows: int,
                       paid: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """:func:`monthly_cash` for each draw: the net cash flow of every month (draws ×
    months), from the same parts, each draws × years: ``staff`` (StaffCosts),
    ``revenue`` and ``expenses`` (cents), ``investments`` (each amount as a column),
    ``loans`` (LoanSchedule) and ``funding`` ((funder, cents) pairs).  Each amount is
    spread as :func:`monthly_cash` spreads it.  ``paid``: funder name -> filled with
    that funder's payments by month (draws × months), for the funders it names.
    """
    import numpy as np

    project = case.project
    years, months = project.years, 12 * project.years
    # what no variation touches is added once, in one row, and what varies in a row
    # per draw: the two are summed at the end
    constant = np.zeros((1, months), dtype=np.int64)
    varied = np.zeros((rows, months), dtype=np.int64) if rows > 1 else constant
    start = project.start_month

    def add(absolute: Sequence[int], parts: np.ndarray, sign: int,
            kept: np.ndarray | None = None) -> None:
        flows = constant if len(parts) == 1 else varied
        first, last = absolute[0], absolute[-1]
        if list(absolute) == list(range(first, last + 1)):  # consecutive: a slice, faster
            columns: Any = slice(first - 1, last)
        else:  # a schedule's months, in its order; two payments may share a month
            columns = np.array(absolute) - 1
            if len(set(absolute)) < len(absolute):
                np.add.at(flows, (slice(None), columns), sign * parts)
                if kept is not None:
                    np.add.at(kept, (slice(None), columns), parts)
                return
        if sign > 0:
            flows[:, columns] += parts
        else:
            flows[:, columns] -= parts
        if kept is not None:
            kept[:, columns] += parts

    def spread_year(amounts: np.ndarray, y: int, active: Sequence[int], sign: int,
                    weights: Sequence[Decimal] | None = None,
                    kept: np.ndarray | None = None) -> None:
        if active:
            add([12 * (y - 1) + m for m in active],
                spread_draws(amounts[:, y - 1], active, weights), sign, kept)

    for line, costs in zip(case.staff, plan_parts["staff"]):
        own = paid_from(line, project)
        for y in range(1, years + 1):
            spread_year(costs.gross + costs.social, y, months_of_year(y, own), -1)
    for items, amounts, sign in ((case.expenses, plan_parts["expenses"], -1),
                                 (case.revenue, plan_parts["revenue"], 1)):
        for item, by_year in zip(items, amounts):
            if getattr(item, "payments", None) is not None:
                continue  # a pass-on, with the scheduled payments below
            for y in range(1, years + 1):
                spread_year(by_year, y, months_of_year(y, start), sign, item.monthly_profile)
    for item, amount in zip(case.investments, plan_parts["investments"]):
        add([12 * (item.year - 1) + item.month], amount, -1)
    for loan, schedule in zip(case.loans, plan_parts["loans"]):
        add([loan_start(loan)], schedule.received[:, [loan.year - 1]], 1)
        for y in range(1, years + 1):
            instalments = loan_months(loan, y)
            if instalments:
                add(instalments, spread_draws((schedule.interest + schedule.repaid)[:, y - 1],
                                              instalments), -1)
    scheduled = [(default_payments(funder), funder, amounts, 1)
                 for funder, amounts in plan_parts["funding"] if moves_cash(funder, case)]
    scheduled += [(contract_payments(contract), None, amounts, 1) for contract, amounts
                  in zip(case.contracts, plan_parts.get("contracts", ()))]
    scheduled += [(item.payments, None, amounts, -1) for item, amounts
                  in zip(case.expenses, plan_parts["expenses"]) if item.payments is not None]
    for schedule, funder, amounts, sign in scheduled:
        kept = None
        if paid is not None and funder is not None and funder.name in paid:
            kept = paid[funder.name] = np.zeros((len(amounts), months), dtype=np.int64)
        if funder is not None and funder.received:  # then as the sums received say
            row = _schedule_row_draws(case, funder, schedule, amounts, months + _BEYOND)
            row = with_receipts(row, *receipts_row(funder.received, project.first_year,
                                                   months + _BEYOND))
            add(list(range(1, months + 1)), row[:, :months], sign, kept)
            continue
        for absolute, parts in _scheduled_parts(case, funder, schedule, amounts):
            within = [k for k, month in enumerate(absolute) if month <= months]
            if within:
                add([absolute[k] for k in within], parts[:, within], sign, kept)
    return varied + constant if varied is not constant else constant


def receipts_row(received: Receipts, first_year: int, width: int
                 ) -> tuple[list[Cents], Cents, int]:
    """The sums received from a funder by absolute month (``width`` months from January
    of the plan's first year), their total in cents, and the month of the last one
    (0: all before the plan). A sum received before the plan is already in the opening
    cash: it counts in the total, not in the months.

    >>> import datetime
    >>> row, total, last = receipts_row(((datetime.date(2026, 12, 1), Decimal(100)),
    ...                                  (datetime.date(2027, 3, 5), Decimal(200))), 2027, 4)
    >>> row, total, last
    ([0, 0, 20000, 0], 30000, 3)
    """
    row, total, last = [0] * width, 0, 0
    for day, amount in received:
        month, cents = 12 * (day.year - first_year) + day.month, to_cents(amount)
        total += cents
        if month >= 1:
            last = max(last, month)
            if month <= width:
                row[month - 1] += cents
    return row, total, last


def with_receipts(scheduled: Any, received: Sequence[Cents], total: Cents, last: int
                  ) -> Any:
    """A funder's payments by month once sums were received (``received``: by month,
    ``total`` all of them, ``last``: the month of the last one): the sums received in
    their months; of the ``scheduled`` payments, those the total received does not
    cover — the earliest are covered first — stay in their month, but never before
    the month after the last sum received.  One plan's list, or draws × months.

    ``covered(m) = min(scheduled up to m, total) - min(scheduled up to m - 1, total)``

    >>> with_receipts([0, 0, 600, 0, 0, 400], [0, 0, 0, 500, 0, 0], 500, 4)
    [0, 0, 0, 500, 100, 400]
    """
    covered = difference(minimum(running_total(0, scheduled), total))
    left = each(lambda planned, paid: planned - paid, scheduled, covered)
    return each(lambda late, paid: late + paid, gathered(left, last), received)


def _schedule_row(amounts: Sequence[Cents], payment_months, width: int) -> list[Cents]:
    """A payer's payments by absolute month (``width`` months), each year's amount in
    its months (``payment_months(y, amount)``: absolute month -> part)."""
    row = [0] * width
    for y, amount in enumerate(amounts, start=1):
        for absolute, part in payment_months(y, amount).items():
            row[absolute - 1] += part
    return row


def _schedule_row_draws(case: Case, funder: Funder, schedule: Payments | None,
                        amounts: np.ndarray, width: int) -> np.ndarray:
    """:func:`_schedule_row` for each draw: a funder's payments by absolute month
    (draws × ``width``), on its schedule (:func:`_payment_months`), before the sums
    received."""
    import numpy as np

    row = np.zeros((len(amounts), width), dtype=np.int64)
    for absolute, parts in _scheduled_parts(case, funder, schedule, amounts):
        np.add.at(row, (slice(None), [month - 1 for month in absolute]), parts)
    return row


def _scheduled_parts(case: Case, funder: Funder | None, schedule: Payments | None,
                     amounts: np.ndarray):
    """A payer's payments of each draw as (absolute months, parts draws × months)
    pieces, year by year, as :func:`_payment_months` and :func:`_scheduled` place them
    (months after the plan included): on its schedule, or for a ``per_fte`` funder
    (``schedule`` None) the socle as its staff is paid and the part modulée in April
    of the next year (:func:`_per_fte_months`)."""
    for y in range(1, case.project.years + 1):
        if schedule is None:
            active = months_of_year(y, _first_paid(case, funder))
            socle = socle_part(funder, y, amounts[:, y - 1])
            yield [12 * (y - 1) + m for m in active], spread_draws(socle, active)
            if funder.modulated is not None:
                yield [12 * y + _MODULATED_MONTH], (amounts[:, y - 1] - socle)[:, None]
            continue
        parts = split_draws(amounts[:, y - 1], integer_weights([share for share, _ in schedule]))
        yield [12 * (y - 1) + month for _, month in schedule], parts


def contract_payments(contract: Contract) -> Payments:
    """When a contract's client pays each year's value (spec §6: all in March unless
    the contract says otherwise)."""
    return contract.payments if contract.payments is not None else CONTRACT_PAYMENTS


def payer_name(contract: Contract) -> str:
    """How a contract's payments are named in the cash plan: its label and client."""
    return f"{contract.label} ({contract.client})" if contract.client else contract.label


def _payers(case: Case, fundings: Sequence, contracts: Sequence[Sequence[Cents]]):
    """Everyone who pays the organisation on a schedule: each funder whose allocation
    moves cash, then each contract's client, as ``(name, amounts by year, when paid,
    when due)``; the last two give, for a year and an amount, absolute month -> part."""
    for funding in fundings:
        funder = funding.funder
        if moves_cash(funder, case):
            schedule = default_payments(funder)
            yield (funder.name, funding.amounts,
                   lambda y, a, f=funder, s=schedule: _payment_months(case, f, s, y, a),
                   lambda y, a, f=funder, s=schedule: _due_months(case, f, s, y, a),
                   funder.received)
    start = case.project.start_month
    for contract, amounts in zip(case.contracts, contracts):
        schedule = contract_payments(contract)
        yield (payer_name(contract), amounts,
               lambda y, a, s=schedule: _scheduled(s, y, a),
               lambda y, a: {12 * (y - 1) + m: part
                             for m, part in spread(a, months_of_year(y, start)).items()},
               None)


def _funding(case: Case, fundings: Sequence, cash: MonthlyCash,
             contracts: Sequence[Sequence[Cents]] = ()) -> None:
    """Funders' and clients' payments; receivables at each year end; how late each
    payer is."""
    project = case.project
    years, months = project.years, cash.months
    allocated, paid = [0] * years, [0] * months
    for name, amounts, payment_months, due_months, received in _payers(case, fundings,
                                                                       contracts):
        paid_row, later = _settle(cash, cash.inflows, name, amounts, payment_months,
                                  received)
        allocated = add(allocated, amounts)
        cash.receivable_end += later
        due_row = [0] * months
        for y in range(1, years + 1):
            for absolute, part in due_months(y, amounts[y - 1]).items():
                due_row[absolute - 1] += part
        running_paid = running_due = 0
        lag = []
        for month in range(months):
            running_paid += paid_row[month]
            running_due += due_row[month]
            paid[month] += paid_row[month]
            lag.append(running_due - running_paid)
        cash.late[name] = lag
    cash.receivable_by_year = _unsettled(allocated, paid)


def _settle(cash: MonthlyCash, table: dict[str, list[Cents]], name: str,
            amounts: Sequence[Cents], payment_months, received: Receipts | None = None
            ) -> tuple[list[Cents], Cents]:
    """Each year's amount paid in its months (``payment_months(y, amount)``: absolute
    month -> part), or as the sums ``received`` say (:func:`with_receipts`), added to
    ``table`` under ``name``: what was paid each month of the plan, and what falls
    after it."""
    row = _schedule_row(amounts, payment_months, cash.months + _BEYOND)
    if received:
        row = with_receipts(row, *receipts_row(received, cash.first_year, len(row)))
    for month, part in enumerate(row[:cash.months], start=1):
        if part:
            cash._add(table, name, month, part)
    return row[:cash.months], sum(row[cash.months:])


def _unsettled(booked: Sequence[Cents], paid: Sequence[Cents]) -> list[Cents]:
    """What was booked up to each year's end but not yet paid by December (a
    receivable for money coming in, a payable for money going out)."""
    return [sum(booked[:y]) - sum(paid[:12 * y]) for y in range(1, len(booked) + 1)]


def _staff_months(case: Case, funder: Funder, y: int, amount: Cents) -> dict[int, Cents]:
    """A ``per_fte`` funder's allocation for plan year ``y`` spread as its staff is
    paid: over the months from the first matching staff line's start."""
    return {12 * (y - 1) + m: part
            for m, part in spread(amount, months_of_year(y, _first_paid(case, funder))).items()}


def _first_paid(case: Case, funder: Funder) -> int:
    """The month (of year 1) the first staff line that counts for a ``per_fte`` funder
    starts being paid: its aid is spread from then on."""
    return min((paid_from(line, case.project) for line in case.staff
                if counts_for(funder, line)), default=case.project.start_month)


def _due_months(case: Case, funder: Funder, schedule: Payments | None, y: int,
                amount: Cents) -> dict[int, Cents]:
    """When the cash a funder's allocation for plan year ``y`` pays for goes out, to
    tell which funder's lateness leaves the cash short: an investment subsidy is
    needed in the months the year's investments are bought (by their amounts), a
    ``per_fte`` aid as its staff is paid, any other allocation over the year's active
    months."""
    project = case.project
    if funder.finances == "investment":
        bought = [item for item in case.investments if item.year == y]
        if bought:
            parts = split(amount, [item.amount for item in bought]) if sum(
                item.amount for item in bought) > 0 else [amount] + [0] * (len(bought) - 1)
            due: dict[int, Cents] = {}
            for item, part in zip(bought, parts):
                month = 12 * (y - 1) + item.month
                due[month] = due.get(month, 0) + part
            return due
    if schedule is None:
        return _staff_months(case, funder, y, amount)
    return {12 * (y - 1) + m: part
            for m, part in spread(amount, months_of_year(y, project.start_month)).items()}


def _payment_months(case: Case, funder: Funder, schedule: Payments | None, y: int,
                    amount: Cents) -> dict[int, Cents]:
    """Absolute month -> part of a funder's allocation for plan year ``y``."""
    if schedule is None:  # per_fte: as the matching staff are paid
        return _per_fte_months(case, funder, y, amount)
    return _scheduled(schedule, y, amount)


def _per_fte_months(case: Case, funder: Funder, y: int, amount: Cents) -> dict[int, Cents]:
    """A ``per_fte`` funder's allocation for plan year ``y`` by absolute month: its
    socle as its staff is paid (:func:`_staff_months`), its part modulée
    (:func:`~finplan.model.funders.socle_part`) at once in April of the next year."""
    socle = socle_part(funder, y, amount)
    months = _staff_months(case, funder, y, socle)
    if amount != socle:
        late = 12 * y + _MODULATED_MONTH
        months[late] = months.get(late, 0) + amount - socle
    return months


def _scheduled(schedule: Payments, y: int, amount: Cents) -> dict[int, Cents]:
    """Absolute month -> part of plan year ``y``'s ``amount`` paid on ``schedule``."""
    parts: dict[int, Cents] = {}
    for (_, month), part in zip(schedule, split(amount, [share for share, _ in schedule])):
        absolute = 12 * (y - 1) + month
        parts[absolute] = parts.get(absolute, 0) + part
    return parts
