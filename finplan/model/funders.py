"""What each funder asks of its need, before the allocation shares it (spec §2).

A ``fixed`` funder offers its amount, a ``rate`` funder its rate of the need's cost
base, a ``per_fte`` funder its amount per FTE-year of the staff lines that count for
it (:func:`counts_for`, at :func:`per_fte_rate`); ``share`` and ``residual`` funders
take what the need leaves them.  :func:`request` turns a funder into the
:class:`~finplan.model.allocation.Request` the allocation serves, in cents;
:func:`request_draws` does the same for each draw of a Monte Carlo run.

The rules that say which staff counts for a funder, what it gets per FTE and whether
it takes exactly the rest of its need are written here once, and the engine, the
monthly cash plan and the Calculs and Financeurs sheets call them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from finplan.model.allocation import Request
from finplan.model.amounts import year_value
from finplan.model.case import Case, Funder, Staff
from finplan.model.money import Cents, times, to_cents
from finplan.model.staff import StaffCosts
from finplan.rates import aide_au_poste

if TYPE_CHECKING:  # the *_draws twins import numpy when called
    import numpy as np

    from finplan.model.montecarlo import Draws

__all__ = ["counts_for", "per_fte_asks", "per_fte_asks_draws", "per_fte_rate", "request",
           "request_draws", "takes_the_rest", "total_cap", "yearly_caps"]


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


def yearly_caps(funder: Funder, years: int) -> list[Cents] | None:
    """A funder's yearly ceiling in cents, year by year (None: it has none).

    >>> yearly_caps(Funder("Région", "public", "share", cap=Decimal("1000.005")), 2)
    [100001, 100001]
    """
    if funder.cap is None:
        return None
    return [to_cents(year_value(funder.cap, y)) for y in range(1, years + 1)]


def total_cap(funder: Funder) -> Cents | None:
    """A funder's ceiling over the whole plan in cents (None: it has none)."""
    return None if funder.cap_total is None else to_cents(funder.cap_total)


def per_fte_asks(funder: Funder, case: Case, staff: Sequence[StaffCosts],
                 missing_rates: dict[str, list[int]]) -> list[Cents]:
    """``asks(y) = per_fte_rate(y) × sum of fte_years(y)`` over the staff lines that
    count for the funder; the years the rate table had no figure for go to
    ``missing_rates`` (by contract code)."""
    asks = []
    for y, calendar_year in enumerate(case.years, start=1):
        per_fte, _, missing = per_fte_rate(funder, y, calendar_year)
        if missing:
            missing_rates.setdefault(funder.amount_per_fte, []).append(calendar_year)
        fte = sum((costs.fte_years[y - 1] for line, costs in zip(case.staff, staff)
                   if counts_for(funder, line)), Decimal(0))
        asks.append(to_cents(per_fte * fte))
    return asks


def per_fte_asks_draws(funder: Funder, index: int, case: Case, draws: Draws,
                       staff: Sequence[StaffCosts]) -> np.ndarray:
    """:func:`per_fte_asks` for each draw (``funder`` is the case's ``index``-th):
    exact, one row, while neither its amount nor the FTE of a line that counts for it
    varies; in floats times the drawn factors otherwise."""
    import numpy as np

    matching = [(i, costs.fte_years) for i, (line, costs) in enumerate(zip(case.staff, staff))
                if counts_for(funder, line)]
    factor = draws.factor("funder", index, "amount_per_fte")
    if factor is None and not any(draws.varies("staff", i, "fte") for i, _ in matching):
        return draws.row(per_fte_asks(funder, case, staff, {}))
    per_fte = [per_fte_rate(funder, y, year)[0] for y, year in enumerate(case.years, start=1)]
    total = np.zeros((1, case.project.years))
    for _, fte_years in matching:
        total = total + (fte_years if isinstance(fte_years, np.ndarray)
                         else np.array([[float(value) for value in fte_years]]))
    amounts = np.array([[float(value) for value in per_fte]])
    if factor is not None:
        amounts = amounts * factor[:, None]
    return to_cents(amounts * total)


def request(funder: Funder, base: Sequence[Cents], case: Case, staff: Sequence[StaffCosts],
            missing_rates: dict[str, list[int]]) -> Request:
    """A funder's offer for each year, in cents, as the allocation needs it: ``fixed``
    its amount, ``rate`` ``rate(y) × base(y)`` (the need's cost base), ``per_fte``
    :func:`per_fte_asks`; its yearly and total caps."""
    years = case.project.years
    asks: list[Cents] | None = None
    if funder.rule == "fixed":
        asks = [to_cents(year_value(funder.amount, y)) for y in range(1, years + 1)]
    elif funder.rule == "rate":
        asks = [times(base[y - 1], year_value(funder.rate, y)) for y in range(1, years + 1)]
    elif funder.rule == "per_fte":
        asks = per_fte_asks(funder, case, staff, missing_rates)
    return Request(
        name=funder.name, rule=funder.rule, public=funder.type == "public", asks=asks,
        weight=funder.weight, caps=yearly_caps(funder, years), cap_total=total_cap(funder),
        priority=funder.priority)


def request_draws(funder: Funder, index: int, base: np.ndarray, case: Case, draws: Draws,
                  staff: Sequence[StaffCosts]) -> Request:
    """:func:`request` for each draw (``funder`` is the case's ``index``-th; ``base``
    draws × years): offers and caps draws × years, the total cap per draw."""
    import numpy as np

    years, rows = case.project.years, draws.rows

    def per_year(value: object, field: str) -> np.ndarray:
        factor = draws.factor("funder", index, field)
        if factor is None:
            return draws.row([to_cents(year_value(value, y)) for y in range(1, years + 1)])
        return to_cents(draws.values(value, years, factor))

    asks = None
    if funder.rule == "fixed":
        asks = per_year(funder.amount, "amount")
    elif funder.rule == "rate":
        factor = draws.factor("funder", index, "rate")
        if factor is None:
            asks = np.stack([times(base[:, y - 1], year_value(funder.rate, y))
                             for y in range(1, years + 1)], axis=1)
        else:
            asks = to_cents(draws.values(funder.rate, years, factor) * base / 100)
    elif funder.rule == "per_fte":
        asks = per_fte_asks_draws(funder, index, case, draws, staff)
    caps = None if funder.cap is None else per_year(funder.cap, "cap")
    cap_total = None
    if funder.cap_total is not None:
        factor = draws.factor("funder", index, "cap_total")
        cap_total = (np.array([total_cap(funder)], dtype=np.int64) if factor is None
                     else to_cents(float(funder.cap_total) * factor))
    return Request(
        name=funder.name, rule=funder.rule, public=funder.type == "public",
        asks=None if asks is None else np.broadcast_to(asks, (rows, years)),
        weight=funder.weight,
        caps=None if caps is None else np.broadcast_to(caps, (rows, years)),
        cap_total=None if cap_total is None else np.broadcast_to(cap_total, (rows,)),
        priority=funder.priority)
