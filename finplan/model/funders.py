"""What each funder asks of its need, before the allocation shares it (spec §2).

A ``fixed`` funder offers its amount, a ``rate`` funder its rate of the need's cost
base, a ``per_fte`` funder its amount per FTE-year of the staff lines that count for
it (:func:`counts_for`, at :func:`per_fte_rate`); ``share`` and ``residual`` funders
take what the need leaves them.  :func:`request` turns a funder into the
:class:`~finplan.model.allocation.Request` the allocation serves, in cents;
the same function serves each draw of a Monte Carlo run (the funder's drawn values).

The rules that say which staff counts for a funder, what it gets per FTE and whether
it takes exactly the rest of its need are written here once, and the engine, the
monthly cash plan and the Calculs and Financeurs sheets call them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from finplan.model.allocation import Request
from finplan.model.case import Case, Funder, Staff, year_value
from finplan.model.decisions import decided_asks
from finplan.model.money import Cents, times, to_cents
from finplan.model.montecarlo import TYPED, ItemValues
from finplan.model.series import is_exact, minimum, series, year_of
from finplan.model.staff import StaffCosts
from finplan.rates import aide_au_poste

__all__ = ["counts_for", "modulated_part", "per_fte_asks", "per_fte_rate", "request",
           "socle_part", "takes_the_rest", "total_cap", "within_approved", "yearly_caps"]


def counts_for(funder: Funder, line: Staff) -> bool:
    """Whether a staff line's FTE count for a ``per_fte`` funder: its category, and its
    IAE contract when the funder names one.

    >>> asp = Funder("ASP", "public", "per_fte", staff_kind="insertion", contract="aci")
    >>> counts_for(asp, Staff("CDDI", "insertion", Decimal(1), Decimal(1800),
    ...                       Decimal("0.1"), contract="aci"))
    True
    """
    return line.kind == funder.staff_kind and (funder.contract is None
                                               or line.contract == funder.contract)


def per_fte_rate(funder: Funder, y: int, calendar_year: int
                 ) -> tuple[Decimal, tuple[str, ...], bool]:
    """A ``per_fte`` funder's amount per FTE-year in plan year ``y``: the aide au poste
    of its contract code (:func:`finplan.rates.aide_au_poste`, with its sources), or
    the amount typed. (amount, sources, whether the rate table had no figure for that
    year and the latest one was used).

    >>> amount, sources, _ = per_fte_rate(Funder(name="ASP", type="public", line="asp",
    ...     rule="per_fte", amount_per_fte=(Decimal("12000"),), staff_kind="insertion"),
    ...     1, 2027)
    >>> amount, sources
    (Decimal('12000'), ())
    """
    if isinstance(funder.amount_per_fte, str):
        rate = aide_au_poste(funder.amount_per_fte, calendar_year)
        return rate.amount, rate.sources, rate.warning is not None
    return year_value(funder.amount_per_fte, y), (), False


def takes_the_rest(funder: Funder, need_funders: Sequence[Funder],
                   public_ceiling: bool) -> bool:
    """Whether ``funder`` pays exactly ``max(0, need - what the others pay)`` each year:
    a ``residual`` funder with no cap, paid after every other funder of its need
    (a priority above all theirs), and not held by a public ceiling.

    >>> own = Funder("Fonds propres", "own", "residual", priority=90)
    >>> region = Funder("Région", "public", "share", priority=20)
    >>> takes_the_rest(own, [region, own], public_ceiling=True)
    True
    >>> takes_the_rest(region, [region, own], public_ceiling=False)
    False
    """
    others = [f for f in need_funders if f is not funder]
    return (funder.rule == "residual" and funder.cap is None and funder.cap_total is None
            and not (public_ceiling and funder.type == "public")
            and all(f.priority < funder.priority for f in others))


def yearly_caps(funder: Funder, years: int, values: ItemValues = TYPED) -> list[Cents] | None:
    """A funder's yearly ceiling in cents, year by year (None: it has none).

    >>> yearly_caps(Funder("Région", "public", "share", cap=Decimal("1000.005")), 2)
    [100001, 100001]
    """
    if funder.cap is None:
        return None
    v = values.of("cap")
    return series([to_cents(v.year(funder.cap, y, "cap")) for y in range(1, years + 1)])


def total_cap(funder: Funder, values: ItemValues = TYPED) -> Cents | None:
    """A funder's ceiling over the whole plan in cents (None: it has none)."""
    if funder.cap_total is None:
        return None
    return to_cents(values.of("cap_total").one(funder.cap_total, "cap_total"))


def within_approved(funder: Funder, case: Case, fte: Any, y: int) -> Any:
    """The FTE-years ``fte`` of year ``y`` a per-FTE funder pays for: at most the
    member's approved insertion FTE (``case.approved_fte``, spec §6) for an aid to
    insertion staff, else as they are (a number, or one per draw).

    >>> from finplan.model.case import Funder, Project
    >>> aid = Funder("ASP", "public", "per_fte", staff_kind="insertion")
    >>> case = Case(Project("P", "O", 2027), approved_fte=Decimal("0.8"))
    >>> within_approved(aid, case, Decimal("0.99"), 1)
    Decimal('0.8')
    """
    if case.approved_fte is None or funder.staff_kind != "insertion":
        return fte
    approved = year_value(case.approved_fte, y)
    return minimum(fte, approved if is_exact(fte) else float(approved))


def per_fte_asks(funder: Funder, case: Case, staff: Sequence[StaffCosts],
                 missing_rates: dict[str, list[int]], values: ItemValues = TYPED
                 ) -> list[Cents]:
    """``asks(y) = socle(y) + part modulée(y)`` with ``socle(y) = per_fte_rate(y) × sum
    of fte_years(y)`` over the staff lines that count for the funder, half-up, and the
    part modulée :func:`modulated_part`; the years the rate table had no figure for go to
    ``missing_rates`` (by contract code).  Exact while neither the funder's amount
    nor the FTE of a line that counts for it varies; one per draw otherwise.  A
    collective's member counts at most its approved insertion FTE of the year
    (``case.approved_fte``, spec §6) for an aid to its insertion staff."""
    v = values.of("amount_per_fte")
    matching = [costs.fte_years for line, costs in zip(case.staff, staff)
                if counts_for(funder, line)]
    asks = []
    for y, calendar_year in enumerate(case.years, start=1):
        per_fte, _, missing = per_fte_rate(funder, y, calendar_year)
        if missing:
            missing_rates.setdefault(funder.amount_per_fte, []).append(calendar_year)
        rate, parts = v.one(per_fte, "amount_per_fte"), [year_of(f, y) for f in matching]
        if is_exact(rate) and all(is_exact(part) for part in parts):
            fte = sum(parts, Decimal(0))
        else:  # floats as soon as one of them is drawn
            rate = float(rate) if is_exact(rate) else rate
            fte = sum(float(part) if is_exact(part) else part for part in parts)
        socle = to_cents(rate * within_approved(funder, case, fte, y))
        asks.append(socle + modulated_part(funder, y, socle))
    return series(asks)


def modulated_part(funder: Funder, y: int, socle: Any) -> Any:
    """The aide au poste's part modulée of year ``y``: ``modulated(y) × socle``,
    half-up to the cent (0 without one); ``socle`` in cents, or its draws.

    >>> aid = Funder("ASP", "public", "per_fte", modulated=Decimal("0.05"))
    >>> modulated_part(aid, 1, 2392100)
    119605
    """
    if funder.modulated is None:
        return 0
    return times(socle, year_value(funder.modulated, y))


def socle_part(funder: Funder, y: int, amount: Any) -> Any:
    """The socle within a per-FTE funder's amount of year ``y`` (``socle + part
    modulée``): ``amount / (1 + modulated(y))``, half-up — the socle itself for an amount
    its rule gave, since the part modulée was rounded by less than half a cent;
    ``amount`` in cents, or its draws.  The part modulée is ``amount - socle``.

    >>> aid = Funder("ASP", "public", "per_fte", modulated=Decimal("0.05"))
    >>> socle_part(aid, 1, 2392100 + 119605)
    2392100
    """
    if funder.modulated is None:
        return amount
    return times(amount, 1 / (1 + year_value(funder.modulated, y)))


def request(funder: Funder, base: Sequence[Cents], case: Case, staff: Sequence[StaffCosts],
            missing_rates: dict[str, list[int]], values: ItemValues = TYPED,
            requested: Any = None) -> Request:
    """A funder's offer for each year, in cents, as the allocation needs it: ``fixed``
    its amount, ``rate`` ``rate(y) × base(y)`` (the need's cost base), ``per_fte``
    :func:`per_fte_asks`; its yearly and total caps.  ``values``: the funder's drawn
    values in a Monte Carlo run (the offers, caps and ``base`` are then arrays, a row
    per draw, or lists where nothing varies them).

    ``requested``: the funder's amounts as requested (the plan on the basis
    ``demande``), when the plan is computed on another basis: a request with a status
    then becomes the entitlement :func:`~finplan.model.decisions.decided_asks` (rule
    ``decided``, spec §7)."""
    years = case.project.years
    if requested is not None:
        decided = decided_asks(funder, requested, case.project.basis, years,
                               None if values is TYPED else values)
        if decided is not None:
            return Request(name=funder.name, rule="decided", public=funder.type == "public",
                           asks=decided, priority=funder.priority)
    asks = None
    if funder.rule == "fixed":
        v = values.of("amount")
        asks = series([to_cents(v.year(funder.amount, y, "amount"))
                       for y in range(1, years + 1)])
    elif funder.rule == "rate":
        v = values.of("rate")
        asks = series([times(year_of(base, y), v.year(funder.rate, y, "rate"))
                       for y in range(1, years + 1)])
    elif funder.rule == "per_fte":
        asks = per_fte_asks(funder, case, staff, missing_rates, values)
    return Request(
        name=funder.name, rule=funder.rule, public=funder.type == "public", asks=asks,
        weight=funder.weight, caps=yearly_caps(funder, years, values),
        cap_total=total_cap(funder, values), priority=funder.priority)
