"""Bridging facilities (spec §3b): what lends the cash the monthly plan lacks while
grants are late, month by month, and what it costs.

Months are absolute: 1 is January of the first plan year.  ``before(t)`` is the
month-end cash of the monthly plan without any facility; each facility k has a
balance ``B_k`` (0 at the start) and ``E(t)`` is the facilities' running effect on
cash.  In month t, in this order:

1. **interest**: ``B_k(t-1) × annual_rate / 12`` rounded half-up to the cent, paid
   (``E`` decreases);
2. **repayments by rule**: a facility repaid by its funder (``dailly``, ``avance``,
   a ``relais`` with ``repay = "funder"``) takes ``min(B_k, P)`` of the funder's
   payment P of the month (several facilities on one funder: in file order, each from
   what the previous ones left); one repaid at a date is repaid in full in its month;
3. ``x = before(t) + E``;
4. if ``x < 0``, **draws** in file order from the facilities available (``from <= t``,
   and before the repayment month of one repaid at a date): the headroom is
   ``ceiling - B_k``, and for ``dailly`` and ``avance`` at most ``advance_share ×
   R_F(t) - B_k``, ``R_F(t)`` the funder's receivable (:func:`receivable`); a facility
   drawn for the first time first pays its ``fee``; ``d = min(headroom, -x)``;
5. else **repayments from surplus** (``relais``, ``decouvert``, ``membres`` repaid from
   surplus), in reverse file order: ``r = min(B_k, x)``;
6. the month-end cash is ``before(t) + E(t)``.

Each step is plain arithmetic with :func:`~finplan.model.series.minimum` and
:func:`~finplan.model.series.positive`, so the same function serves one plan (ints)
and every draw of a Monte Carlo run at once (arrays, one value per draw).

>>> from decimal import Decimal as D
>>> from finplan.model.case import Bridge
>>> relais = Bridge("Relais", "relais", ceiling=D(1000), annual_rate=D("0.12"))
>>> flows = run_facilities((relais,), [-50000, -80000, 10000, 20000], {}, {})
>>> flows[0].drawn, flows[0].interest, flows[0].repaid, flows[0].balance
([50000, 30500, 0, 0], [0, 500, 805, 0], [0, 0, 80500, 0], [50000, 80500, 0, 0])
>>> net_effect(flows)  # the month-end cash is before + E: 0, 0, 8 695, 18 695 cents
[50000, 80000, -1305, -1305]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from finplan.model.budget import add
from finplan.model.case import Bridge
from finplan.model.money import Cents, times, to_cents
from finplan.model.series import minimum, negative, positive

__all__ = ["ADVANCE_SHARES", "BridgeYears", "Facility", "Offer", "TIED_KINDS",
           "advance_share", "bridge_costs", "bridge_years", "net_effect", "offers",
           "run_facilities_draws",
           "receivable", "run_facilities"]

# Kinds limited to, and repaid out of, a funder's receivable; their default advance
# share: a bank's usual Dailly advance (spec §3b), the funder's own advance up to what
# it still owes.
ADVANCE_SHARES = {"dailly": Decimal("0.8"), "avance": Decimal(1)}
TIED_KINDS = tuple(ADVANCE_SHARES)


def advance_share(bridge: Bridge) -> Decimal:
    """The share of the funder's receivable a ``dailly`` or ``avance`` may lend."""
    if bridge.advance_share is not None:
        return bridge.advance_share
    return ADVANCE_SHARES[bridge.kind]


@dataclass
class Facility:
    """One facility's flows, month by month (index 0 is month 1): drawn, repaid,
    interest and fees paid, month-end balance (ints, or arrays with a value per draw)."""

    bridge: Bridge
    drawn: list[Any]
    repaid: list[Any]
    interest: list[Any]
    fees: list[Any]
    balance: list[Any]

    def effect(self, t: int) -> Any:
        """Its effect on month ``t``'s cash (1-based): drawn − repaid − interest − fees."""
        i = t - 1
        return self.drawn[i] - self.repaid[i] - self.interest[i] - self.fees[i]


def receivable(amounts: Sequence[Any], paid: Sequence[Any]) -> list[Any]:
    """``R_F(t)``: what a funder still owes at the start of month t — its amounts of the
    years started by then (year y starts in month ``12(y-1)+1``) less what it paid in
    the months before t.

    >>> receivable([1200, 600], [0, 0, 700] + [0] * 9 + [0, 500, 0])
    [1200, 1200, 1200, 500, 500, 500, 500, 500, 500, 500, 500, 500, 1100, 1100, 600]
    """
    owed, paid_before, found = 0, 0, []
    for t in range(1, len(paid) + 1):
        if (t - 1) % 12 == 0 and (t - 1) // 12 < len(amounts):
            owed = owed + amounts[(t - 1) // 12]
        found.append(owed - paid_before)
        paid_before = paid_before + paid[t - 1]
    return found


def _available(bridge: Bridge, t: int) -> bool:
    """Whether a facility may be drawn in month t."""
    return t >= bridge.from_month and (bridge.repay != "date" or t < bridge.repay_month)


def _headroom(bridge: Bridge, ceiling: Cents, balance: Any, owed: Any) -> Any:
    """How much more it may lend: up to its ``ceiling`` (cents), and for a facility tied
    to a funder's receivable up to ``advance_share × R_F(t)``."""
    limit: Any = ceiling
    if bridge.kind in TIED_KINDS:
        limit = minimum(limit, times(owed, advance_share(bridge)))
    return positive(limit - balance)


def run_facilities(bridges: Sequence[Bridge], before: Sequence[Any],
                   paid: Mapping[str, Sequence[Any]],
                   owed: Mapping[str, Sequence[Any]]) -> list[Facility]:
    """Each facility's flows over the months of ``before`` (the month-end cash without
    any facility), by the module's six steps; ``paid``: funder name -> its payments by
    month, ``owed``: funder name -> its receivable by month (:func:`receivable`), for
    the funders a facility is tied to."""
    count = len(bridges)
    flows = [Facility(bridge, [], [], [], [], []) for bridge in bridges]
    balance: list[Any] = [0] * count
    ever: list[Any] = [0] * count  # 1 (True) once drawn
    monthly_rates = [Fraction(bridge.annual_rate) / 12 for bridge in bridges]
    ceilings = [to_cents(bridge.ceiling) for bridge in bridges]
    fee_cents = [to_cents(bridge.fee) for bridge in bridges]
    effect: Any = 0
    for t in range(1, len(before) + 1):
        interest = [times(balance[k], monthly_rates[k]) if monthly_rates[k] else 0
                    for k in range(count)]
        repaid: list[Any] = [0] * count
        left: dict[str, Any] = {}
        for k, bridge in enumerate(bridges):
            if bridge.repay == "funder":
                payment = left.get(bridge.funder, paid[bridge.funder][t - 1])
                repaid[k] = minimum(balance[k], payment)
                left[bridge.funder] = payment - repaid[k]
            elif bridge.repay == "date" and t == bridge.repay_month:
                repaid[k] = balance[k]
            balance[k] = balance[k] - repaid[k]
            effect = effect - interest[k] - repaid[k]
        x = before[t - 1] + effect
        drawn: list[Any] = [0] * count
        fees: list[Any] = [0] * count
        for k, bridge in enumerate(bridges):
            if not _available(bridge, t):
                continue
            room = _headroom(bridge, ceilings[k], balance[k],
                             owed[bridge.funder][t - 1] if bridge.kind in TIED_KINDS else 0)
            if fee_cents[k]:  # paid before a first draw
                fees[k] = fee_cents[k] * ((x < 0) & (room > 0) & (ever[k] == 0))
                x = x - fees[k]
                effect = effect - fees[k]
            drawn[k] = minimum(room, negative(x))
            x = x + drawn[k]
            if fee_cents[k]:
                ever[k] = ever[k] | (drawn[k] > 0)
            balance[k] = balance[k] + drawn[k]
            effect = effect + drawn[k]
        for k in reversed(range(count)):
            if bridges[k].repay == "surplus":
                back = minimum(balance[k], positive(x))
                balance[k] = balance[k] - back
                repaid[k] = repaid[k] + back
                x = x - back
                effect = effect - back
        for k, facility in enumerate(flows):
            facility.drawn.append(drawn[k])
            facility.repaid.append(repaid[k])
            facility.interest.append(interest[k])
            facility.fees.append(fees[k])
            facility.balance.append(balance[k])
    return flows


def net_effect(flows: Sequence[Facility]) -> list[Any]:
    """``E(t)``: the facilities' running effect on the month-end cash, by month."""
    months = len(flows[0].drawn) if flows else 0
    total: Any = 0
    found = []
    for t in range(1, months + 1):
        total = total + sum(facility.effect(t) for facility in flows)
        found.append(total)
    return found


@dataclass(frozen=True)
class BridgeYears:
    """A facility by plan year (cents): interest (account 661, Cerfa line 66) and fees
    (627, line 62) paid, balance at each year's end; its peak month-end balance and the
    first month it is reached (0: never drawn)."""

    bridge: Bridge
    interest: tuple[Cents, ...]
    fees: tuple[Cents, ...]
    balance_end: tuple[Cents, ...]
    peak: Cents
    peak_month: int

    @property
    def cost(self) -> tuple[Cents, ...]:
        """Interest and fees, each year."""
        return tuple(i + f for i, f in zip(self.interest, self.fees))


def bridge_costs(summaries: Sequence[BridgeYears], years: int) -> dict[str, list[Cents]]:
    """The facilities' interest (account 6616, a sub-account of 661: Cerfa line 66) and
    fees (627: line 62) by year, for the accounts they can fill: interest when one has a
    rate, fees when one has a fee (spec §3b).

    >>> from finplan.model.case import Bridge
    >>> free = BridgeYears(Bridge("A", "relais", Decimal(1)), (0, 0), (0, 0), (0, 0), 0, 0)
    >>> dear = BridgeYears(Bridge("B", "relais", Decimal(1), Decimal("0.05")), (120, 80),
    ...                    (0, 0), (0, 0), 0, 0)
    >>> bridge_costs([free, dear], 2)
    {'6616': [120, 80]}
    """
    found = {}
    if any(summary.bridge.annual_rate for summary in summaries):
        found["6616"] = add([0] * years, *(summary.interest for summary in summaries))
    if any(summary.bridge.fee for summary in summaries):
        found["627"] = add([0] * years, *(summary.fees for summary in summaries))
    return found


def bridge_years(facility: Facility, years: int) -> BridgeYears:
    """One plan's facility summed by year (spec §5 ``bridges``).

    >>> from finplan.model.case import Bridge
    >>> f = Facility(Bridge("R", "relais", Decimal(1)), [0] * 24, [0] * 24,
    ...              [0, 5] + [0] * 22, [0] * 12 + [3] + [0] * 11,
    ...              [0, 7] + [0] * 10 + [4] + [0] * 11)
    >>> summary = bridge_years(f, 2)
    >>> summary.interest, summary.fees, summary.balance_end, summary.peak, summary.peak_month
    ((5, 0), (0, 3), (0, 0), 7, 2)
    """
    def by_year(values: list[Cents]) -> tuple[Cents, ...]:
        return tuple(sum(values[12 * y:12 * (y + 1)]) for y in range(years))

    peak = max(facility.balance, default=0)
    return BridgeYears(
        bridge=facility.bridge, interest=by_year(facility.interest),
        fees=by_year(facility.fees),
        balance_end=tuple(facility.balance[12 * y - 1] for y in range(1, years + 1)),
        peak=peak, peak_month=facility.balance.index(peak) + 1 if peak > 0 else 0)


def run_facilities_draws(bridges: Sequence[Bridge], before: Any, paid: Mapping[str, Any],
                     amounts: Mapping[str, Any], years: int) -> tuple[Any, ...]:
    """:func:`run_facilities` for every draw of a Monte Carlo run at once: ``before``
    (draws × months, one row when nothing varies it), each tied funder's payments
    (draws × months) and allocations (draws × years).  Returns the facilities' running
    effect on the cash (draws × months), and their interest, fees and balances at the
    years' ends (draws × years), all facilities together.

    >>> import numpy as np
    >>> relais = Bridge("Relais", "relais", ceiling=Decimal(1000), annual_rate=Decimal("0.12"))
    >>> effect, interest, fees, balance = run_facilities_draws(
    ...     (relais,), np.array([[-50000, -80000] + [10000] * 10, [0] * 12]), {}, {}, 1)
    >>> effect[:, :3].tolist(), interest.tolist(), balance.tolist()
    ([[50000, 80000, -1305], [0, 0, 0]], [[1305], [0]], [[0], [0]])
    """
    import numpy as np

    if not bridges:  # nothing to draw: no effect, no cost (one row, broadcast)
        none = np.zeros((1, years), dtype=np.int64)
        return 0, none, none, none
    rows = max([len(before), *(len(p) for p in paid.values())])
    paid_months = {name: list(payments.T) for name, payments in paid.items()}
    owed = {name: receivable(list(amounts[name].T), paid_months[name]) for name in paid}
    flows = run_facilities(bridges, list(before.T), paid_months, owed)
    months = before.shape[1]

    def total(figure: str, selected: Sequence[int]) -> Any:
        """The facilities' sum of a figure in the ``selected`` months (0-based): an
        array draws × months, a column each (an int or a value per draw) added in."""
        found = np.zeros((len(selected), rows), dtype=np.int64)  # a month a row: fast
        for facility in flows:
            values = getattr(facility, figure)
            for column, month in enumerate(selected):
                if not isinstance(values[month], int) or values[month]:  # 0: nothing
                    found[column] += values[month]
        return found.T

    def by_year(monthly: Any) -> Any:
        return monthly.reshape(rows, years, 12).sum(axis=2)

    every = range(months)
    costs = total("interest", every), total("fees", every)
    moved = total("drawn", every) - total("repaid", every) - costs[0] - costs[1]
    return (np.cumsum(moved, axis=1), by_year(costs[0]), by_year(costs[1]),
            total("balance", [12 * y - 1 for y in range(1, years + 1)]))


# A ceiling no gap reaches (finplan's largest number, 100 billion euros): a facility
# sized by the gap alone.
_UNLIMITED = Decimal(10) ** 11


@dataclass(frozen=True)
class Offer:
    """What one facility of the case would lend and cost to close the gap on its own,
    with no ceiling but its own rules (a ``dailly`` stays limited to its share of the
    receivable): whether it closes it, the most it lends, the months it is drawn, its
    interest and fees by year."""

    bridge: Bridge
    closes: bool
    peak: Cents
    months: int
    interest: tuple[Cents, ...]
    fees: tuple[Cents, ...]

    @property
    def cost(self) -> Cents:
        """Interest and fees over the plan."""
        return sum(self.interest) + sum(self.fees)


def offers(bridges: Sequence[Bridge], before: Sequence[Cents],
           paid: Mapping[str, Sequence[Cents]], owed: Mapping[str, Sequence[Cents]],
           years: int) -> list[Offer]:
    """Each facility of the case alone against the gap of ``before`` (the month-end cash
    without facilities), as :func:`run_facilities` draws it with an unlimited ceiling;
    none when the cash never goes below zero.  The case's own rates and fees, nothing
    invented: the cheapest that closes the gap is the one to arrange.

    >>> from finplan.model.case import Bridge
    >>> cheap = Bridge("Avance", "relais", ceiling=Decimal(100), annual_rate=Decimal("0.12"))
    >>> dear = Bridge("Découvert", "decouvert", ceiling=Decimal(100),
    ...               annual_rate=Decimal("0.24"))
    >>> found = offers((cheap, dear), [-100000, -100000] + [50000] * 10, {}, {}, 1)
    >>> [(o.bridge.label, o.closes, o.peak, o.months, o.cost) for o in found]
    [('Avance', True, 101000, 2, 2010), ('Découvert', True, 102000, 2, 4040)]
    """
    if min(before, default=0) >= 0:
        return []
    found = []
    for bridge in bridges:
        (alone,) = run_facilities((replace(bridge, ceiling=_UNLIMITED),), before, paid, owed)
        summary = bridge_years(alone, years)
        cash = [c + e for c, e in zip(before, net_effect([alone]))]
        found.append(Offer(bridge, min(cash) >= 0, summary.peak,
                           sum(1 for balance in alone.balance if balance > 0),
                           summary.interest, summary.fees))
    return found
