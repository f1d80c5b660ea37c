"""Contributions in kind (contributions volontaires en nature, Cerfa 86 / 87, issue 16).

What the organisation receives without paying for it — its volunteers' hours, premises
or equipment lent, a service given, goods donated — valued and shown on the form's
lines 86 (« Emplois des contributions volontaires en nature ») and 87
(« Contributions volontaires en nature ») for the same amount. They are booked in equal
amounts below the result (règlement ANC 2018-06): they change neither the result, nor
the cash, nor any need a funder covers; they only add to the form's final totals.

Each nature goes to one account on each side (the wording of the accounts of the
règlement ANC 2018-06, as the form lists them):

=====================  ==========================================  ===========
nature                 86 (emplois)                                87
=====================  ==========================================  ===========
``volunteering``       864 Personnel bénévole                      870 Bénévolat
``premises``           861 Mise à disposition gratuite de biens…   871 Prestations en nature
``services``           862 Prestations                             871 Prestations en nature
``goods``              860 Secours en nature                       875 Dons en nature
=====================  ==========================================  ===========

Volunteering is valued ``hours(y) × hourly rate``, half-up to the cent; the rate is
the line's own (the market cost of the same work, say) or, by default, the SMIC
horaire brut in force on 1 January of the year (:func:`finplan.rates.smic`, the
simplest method of the ministry's guide to the valuation of volunteering). The other
natures are worth their ``amount`` a year, as typed (never prorated nor indexed).

>>> from finplan.model.case import Contribution
>>> volunteers = Contribution("Accueil", "volunteering", hours=Decimal(1200))
>>> contribution_amounts(volunteers, (2026, 2027))
[1442400, 1442400]
>>> premises = Contribution("Local", "premises", amount=(Decimal(6000), Decimal(0)))
>>> summary = in_kind_of((volunteers, premises), (2026, 2027))
>>> summary.charges["864"], summary.charges["861"], summary.produits["871"]
([1442400, 1442400], [600000, 0], [600000, 0])
>>> summary.total
[2042400, 1442400]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from finplan.model.budget import CERFA_SUB_LINES, add
from finplan.model.case import Contribution, year_value
from finplan.model.money import Cents, to_cents
from finplan.rates import smic, smic_warning

__all__ = ["ACCOUNTS", "InKind", "contribution_amounts", "hourly_rate", "in_kind_of",
           "volunteer_value"]

# Each nature's account on the 86 side and on the 87 side.
ACCOUNTS: dict[str, tuple[str, str]] = {
    "volunteering": ("864", "870"),
    "premises": ("861", "871"),
    "services": ("862", "871"),
    "goods": ("860", "875"),
}


def volunteer_value(hours: Decimal, rate: Decimal) -> Cents:
    """``value = hours × rate``, half-up to the cent.

    >>> volunteer_value(Decimal("812.5"), Decimal("12.02"))
    976625
    """
    return to_cents(hours * rate)


def hourly_rate(item: Contribution, year: int) -> Decimal:
    """The value of an hour of ``item`` in calendar ``year``: its own rate, else the
    SMIC horaire brut in force on 1 January (:func:`finplan.rates.smic`).

    >>> hourly_rate(Contribution("Accueil", "volunteering", hours=Decimal(10)), 2026)
    Decimal('12.02')
    """
    return item.hourly_rate if item.hourly_rate is not None else smic(year).hourly


def contribution_amounts(item: Contribution, calendar: Sequence[int]) -> list[Cents]:
    """What ``item`` is worth each year of ``calendar``: ``hours(y) ×``
    :func:`hourly_rate` for volunteering in hours, else ``amount(y)``, to the cent."""
    if item.hours is not None:
        return [volunteer_value(year_value(item.hours, y), hourly_rate(item, year))
                for y, year in enumerate(calendar, start=1)]
    return [to_cents(year_value(item.amount, y)) for y in range(1, len(calendar) + 1)]


@dataclass(frozen=True)
class InKind:
    """The contributions in kind of a plan: each line's value by year (``items``, in
    the case's order), the 86 side and the 87 side by account (every account of the
    form, in its order), their common ``total`` and the warnings of the SMIC used."""

    items: tuple[tuple[Cents, ...], ...]
    charges: dict[str, list[Cents]]
    produits: dict[str, list[Cents]]
    total: list[Cents]
    warnings: tuple[str, ...] = ()


def in_kind_of(items: Sequence[Contribution], calendar: Sequence[int]) -> InKind:
    """Every line valued (:func:`contribution_amounts`) and added up on its accounts
    (:data:`ACCOUNTS`); ``total(y)`` = the sum of the 86 side = the sum of the 87 side."""
    zero = [0] * len(calendar)
    charges = {code: list(zero) for code, _, _ in CERFA_SUB_LINES["86"]}
    produits = {code: list(zero) for code, _, _ in CERFA_SUB_LINES["87"]}
    values = []
    for item in items:
        amounts = contribution_amounts(item, calendar)
        values.append(tuple(amounts))
        charge, produit = ACCOUNTS[item.kind]
        charges[charge] = add(charges[charge], amounts)
        produits[produit] = add(produits[produit], amounts)
    by_smic = any(item.hours is not None and item.hourly_rate is None for item in items)
    unknown = [year for year in calendar if smic(year).warning] if by_smic else []
    return InKind(tuple(values), charges, produits, add(zero, *values),
                  (smic_warning(unknown),) if unknown else ())
