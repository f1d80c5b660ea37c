"""The break-even point (point mort) of the activity, year by year (issue 16).

The own revenue (sales, services, contracts in hours) at which the year's result is
zero, the variable charges following it in proportion (the expenses marked
« variable » : goods and materials bought for what is sold) and every other charge
staying as it is:

    result = revenue + other + grants - fixed - variable × revenue / planned revenue

    break-even revenue = (fixed - other - grants) × R / (R - V)

with ``R`` the planned own revenue and ``V`` the planned variable charges of the year
(``R / (R - V)`` is one over the margin rate), half-up to the cent, never below 0;
« without grants » leaves the subsidies (74) and their release (747) out.  None when
each euro sold costs at least a euro of variable charges (``V >= R > 0``): no revenue
brings the result to zero.  A year without own revenue counts its variable charges
as fixed.

>>> break_even(fixed=10_000_00, covered=4_000_00, revenue=8_000_00, variable=2_000_00)
800000
>>> break_even(fixed=10_000_00, covered=0, revenue=8_000_00, variable=2_000_00)
1333333
>>> break_even(fixed=10_000_00, covered=0, revenue=5_000_00, variable=5_000_00) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from finplan.model.money import Cents, ratio_to_cents

__all__ = ["BreakEven", "break_even", "break_even_of", "sold_at"]


def break_even(fixed: Cents, covered: Cents, revenue: Cents, variable: Cents
               ) -> Cents | None:
    """The own revenue at which the result is zero: ``(fixed - covered) × revenue /
    (revenue - variable)``, half-up, at least 0 (``covered``: the produits other than
    own revenue that count); without revenue, ``fixed + variable - covered``."""
    if revenue <= 0:
        return max(0, fixed + variable - covered)
    if variable >= revenue:
        return None
    return max(0, ratio_to_cents((fixed - covered) * revenue, revenue - variable))


@dataclass(frozen=True)
class BreakEven:
    """A plan's break-even, one value a year (cents): the planned own revenue, its
    variable charges, the other charges, the produits that are neither own revenue
    nor grants (contributions, 756…), the grants (74 and 747), and the own revenue
    at which the result is zero with and without the grants (None: none)."""

    revenue: tuple[Cents, ...]
    variable: tuple[Cents, ...]
    fixed: tuple[Cents, ...]
    other: tuple[Cents, ...]
    grants: tuple[Cents, ...]
    with_grants: tuple[Cents | None, ...]
    without_grants: tuple[Cents | None, ...]

    @property
    def margin(self) -> tuple[Cents | None, ...]:
        """The margin of safety: planned own revenue less the break-even (with the
        grants); negative when the plan sells less than its break-even."""
        return tuple(None if point is None else revenue - point
                     for revenue, point in zip(self.revenue, self.with_grants))


def break_even_of(revenue: Sequence[Cents], variable: Sequence[Cents],
                  charges: Sequence[Cents], produits: Sequence[Cents],
                  grants: Sequence[Cents]) -> BreakEven:
    """The :class:`BreakEven` of a plan's figures by year: own revenue, variable
    charges, all charges and all produits of the result, grants (74 and 747)."""
    fixed = tuple(c - v for c, v in zip(charges, variable))
    other = tuple(p - r - g for p, r, g in zip(produits, revenue, grants))
    return BreakEven(
        tuple(revenue), tuple(variable), fixed, other, tuple(grants),
        tuple(break_even(f, o + g, r, v)
              for f, o, g, r, v in zip(fixed, other, grants, revenue, variable)),
        tuple(break_even(f, o, r, v) for f, o, r, v in zip(fixed, other, revenue, variable)))


def sold_at(quantity: Decimal, planned: Cents, point: Cents) -> Decimal:
    """The quantity (units, hours) sold at the break-even, the activity scaled from the
    plan: ``quantity × point / planned``, half-up to the hundredth (as the workbook's
    ``ROUND``).

    >>> sold_at(Decimal(120), 1_200_000, 1_500_000)
    Decimal('150.00')
    >>> sold_at(Decimal(1), 800, 100)  # 0.125: half-up
    Decimal('0.13')
    """
    if planned <= 0:
        return Decimal(0)
    return (quantity * point / planned).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
