"""Per-year amounts of the operating items: months active, revenue, expenses (spec §1).

Year indexes ``y`` run from 1 to ``years``.  Each function returns one amount a
year in integer cents, rounded half-up once per item and year.

>>> from finplan.model.case import Expense, Project, Indexation
>>> project = Project("P", "O", 2027, years=3, start_month=7)
>>> months_active(1, project), months_active(2, project), months_active(1, project, 9)
(6, 12, 4)
>>> expense = Expense("Loyer", "613", Decimal(12000))
>>> expense_amounts(expense, project, Indexation(costs=Decimal("0.02")))
[600000, 1224000, 1248480]
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from finplan.model.case import Expense, Indexation, PerYear, Project, Revenue
from finplan.model.money import Cents, to_cents
from finplan.model.montecarlo import TYPED, ItemValues
from finplan.model.series import series

__all__ = [
    "expense_amounts",
    "growth",
    "months_active",
    "revenue_amounts",
]


def months_active(y: int, project: Project, own_start: int | None = None) -> int:
    """``months(y)``: ``13 - start_month`` in year 1, 12 afterwards.

    An item with its own start month uses ``13 - max(own_start, start_month)``
    in year 1.
    """
    if y > 1:
        return 12
    start = project.start_month if own_start is None else max(own_start, project.start_month)
    return 13 - start


def growth(rate: Decimal, y: int) -> Decimal:
    """Indexation factor of year ``y``: ``(1 + rate)^(y-1)``.

    >>> growth(Decimal("0.02"), 3)
    Decimal('1.0404')
    """
    return (1 + rate) ** (y - 1)


def _prorated_indexed(value: PerYear, y: int, project: Project, rate: Decimal,
                      values: ItemValues = TYPED, field: str = "amount") -> Any:
    """A per-year amount: a list is taken as is; a single number is prorated by
    ``months(1)/12`` in year 1 and indexed by ``(1+rate)^(y-1)``."""
    v = values.of(field)
    if isinstance(value, tuple):
        return v.year(value, y, field)
    if y == 1:
        return v.one(value, field) * months_active(1, project) / 12
    return v.one(value, field) * v.number(growth(rate, y))


def expense_amounts(expense: Expense, project: Project, indexation: Indexation,
                    values: ItemValues = TYPED) -> list[Cents]:
    """``amount * (1+costs)^(y-1)``, prorated by ``months(1)/12`` in year 1
    (a list is taken as is); ``values``: the expense's drawn values in a Monte Carlo
    run (:meth:`~finplan.model.montecarlo.Draws.item`)."""
    return series([to_cents(_prorated_indexed(expense.amount, y, project, indexation.costs,
                                              values))
                   for y in range(1, project.years + 1)])


def revenue_amounts(revenue: Revenue, project: Project, indexation: Indexation,
                    values: ItemValues = TYPED) -> list[Cents]:
    """Own revenue by year.

    By amount: like an expense, indexed by ``prices``.  By quantity:
    ``quantity(y) * unit_price * (1+prices)^(y-1)`` (never prorated).

    >>> from finplan.model.case import Project, Revenue, Indexation
    >>> project = Project("P", "O", 2027, years=2, start_month=3)
    >>> sales = Revenue("Ventes", "707", quantity=(Decimal(50), Decimal(80)),
    ...                 unit_price=Decimal(850))
    >>> revenue_amounts(sales, project, Indexation(prices=Decimal("0.01")))
    [4250000, 6868000]
    >>> import numpy as np
    >>> drawn = ItemValues({"quantity": np.array([[1.0], [0.5]])})
    >>> revenue_amounts(sales, project, Indexation(prices=Decimal("0.01")), drawn).tolist()
    [[4250000, 6868000], [2125000, 3434000]]
    """
    amounts = []
    for y in range(1, project.years + 1):
        if revenue.quantity is not None:
            v = values.of("quantity", "unit_price")
            price = v.one(revenue.unit_price, "unit_price") * v.number(
                growth(indexation.prices, y))
            amounts.append(to_cents(v.year(revenue.quantity, y, "quantity") * price))
        else:
            amounts.append(to_cents(_prorated_indexed(revenue.amount, y, project,
                                                      indexation.prices, values)))
    return series(amounts)
