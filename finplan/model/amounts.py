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
from typing import TYPE_CHECKING

from finplan.model.case import Expense, Indexation, PerYear, Project, Revenue
from finplan.model.money import Cents, to_cents

if TYPE_CHECKING:  # the *_draws twins import numpy when called
    import numpy as np

    from finplan.model.montecarlo import Draws

__all__ = [
    "expense_amounts",
    "expense_amounts_draws",
    "growth",
    "months_active",
    "revenue_amounts",
    "revenue_amounts_draws",
    "year_value",
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


def year_value(value: PerYear, y: int) -> Decimal:
    """The raw value of year ``y``: the single number, or the list's y-th entry."""
    return value[y - 1] if isinstance(value, tuple) else value


def growth(rate: Decimal, y: int) -> Decimal:
    """Indexation factor of year ``y``: ``(1 + rate)^(y-1)``.

    >>> growth(Decimal("0.02"), 3)
    Decimal('1.0404')
    """
    return (1 + rate) ** (y - 1)


def _prorated_indexed(value: PerYear, y: int, project: Project, rate: Decimal) -> Decimal:
    """A per-year amount: a list is taken as is; a single number is prorated by
    ``months(1)/12`` in year 1 and indexed by ``(1+rate)^(y-1)``."""
    if isinstance(value, tuple):
        return value[y - 1]
    if y == 1:
        return value * months_active(1, project) / 12
    return value * growth(rate, y)


def _prorated_indexed_draws(value: PerYear, factor: np.ndarray, project: Project,
                            rate: Decimal) -> np.ndarray:
    """:func:`_prorated_indexed` for each draw, the value times its ``factor`` (float
    euros, draws × years)."""
    import numpy as np

    from finplan.model.montecarlo import Draws

    if isinstance(value, tuple):
        return Draws.values(value, project.years, factor)
    shape = np.array([[months_active(1, project) / 12 if y == 1 else float(growth(rate, y))
                       for y in range(1, project.years + 1)]])
    return float(value) * factor[:, None] * shape


def expense_amounts(expense: Expense, project: Project, indexation: Indexation) -> list[Cents]:
    """``amount * (1+costs)^(y-1)``, prorated by ``months(1)/12`` in year 1
    (a list is taken as is)."""
    return [to_cents(_prorated_indexed(expense.amount, y, project, indexation.costs))
            for y in range(1, project.years + 1)]


def expense_amounts_draws(expense: Expense, draws: Draws, index: int, project: Project,
                          indexation: Indexation) -> np.ndarray:
    """:func:`expense_amounts` for each draw of ``draws`` (``expense`` is the case's
    ``index``-th): one row when its amount does not vary."""
    factor = draws.factor("expense", index, "amount")
    if factor is None:
        return draws.row(expense_amounts(expense, project, indexation))
    return to_cents(_prorated_indexed_draws(expense.amount, factor, project,
                                                  indexation.costs))


def revenue_amounts(revenue: Revenue, project: Project, indexation: Indexation) -> list[Cents]:
    """Own revenue by year.

    By amount: like an expense, indexed by ``prices``.  By quantity:
    ``quantity(y) * unit_price * (1+prices)^(y-1)`` (never prorated).

    >>> from finplan.model.case import Project, Revenue, Indexation
    >>> project = Project("P", "O", 2027, years=2, start_month=3)
    >>> sales = Revenue("Ventes", "707", quantity=(Decimal(50), Decimal(80)),
    ...                 unit_price=Decimal(850))
    >>> revenue_amounts(sales, project, Indexation(prices=Decimal("0.01")))
    [4250000, 6868000]
    """
    amounts = []
    for y in range(1, project.years + 1):
        if revenue.quantity is not None:
            price = revenue.unit_price * growth(indexation.prices, y)
            amounts.append(to_cents(year_value(revenue.quantity, y) * price))
        else:
            amounts.append(to_cents(
                _prorated_indexed(revenue.amount, y, project, indexation.prices)))
    return amounts


def revenue_amounts_draws(revenue: Revenue, draws: Draws, index: int, project: Project,
                          indexation: Indexation) -> np.ndarray:
    """:func:`revenue_amounts` for each draw (``revenue`` is the case's ``index``-th):
    ``quantity(y) × unit_price × (1+prices)^(y-1)`` or the prorated, indexed amount,
    in floats times the drawn factors; one row when nothing of it varies.

    >>> import numpy as np
    >>> from finplan.model.case import Project, Revenue, Indexation
    >>> from finplan.model.montecarlo import Draws, Target
    >>> project = Project("P", "O", 2027, years=2, start_month=3)
    >>> sales = Revenue("Ventes", "707", quantity=(Decimal(50), Decimal(80)),
    ...                 unit_price=Decimal(850))
    >>> draws = Draws({Target("revenue", 0, "quantity"): np.array([1.0, 0.5])}, 2)
    >>> revenue_amounts_draws(sales, draws, 0, project, Indexation(prices=Decimal("0.01"))
    ...                       ).tolist()
    [[4250000, 6868000], [2125000, 3434000]]
    """
    import numpy as np

    if revenue.quantity is not None and draws.varies("revenue", index, "quantity",
                                                     "unit_price"):
        years = project.years
        quantity = draws.values(revenue.quantity, years,
                                draws.factor("revenue", index, "quantity"))
        price = float(revenue.unit_price) * draws.factor_or_one("revenue", index,
                                                                "unit_price")
        indexed = np.array([[float(growth(indexation.prices, y))
                             for y in range(1, years + 1)]])
        return to_cents(quantity * (price[:, None] * indexed))
    if revenue.quantity is None and draws.varies("revenue", index, "amount"):
        return to_cents(_prorated_indexed_draws(
            revenue.amount, draws.factor("revenue", index, "amount"), project,
            indexation.prices))
    return draws.row(revenue_amounts(revenue, project, indexation))
