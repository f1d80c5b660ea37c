"""The amounts of the custom needs (spec §1 « Needs », §6 « Earmarked needs »).

A custom need is either a cost outside the organisation's accounts, typed as an
``amount`` a year (a consultant's study paid by the funders directly), or
*earmarked*: it ``covers`` cost lines of the budget — staff lines by role (gross
pay plus employer charges), expense lines by label — and ``share`` of their cost
each year is what its funders pay for.  The engine allocates the earmarked needs
before the operating need, which then lacks only what they did not pay
(:func:`finplan.model.engine.compute`).

A covered line is written ``staff[<role>]`` or ``expense[<label>]`` in a case (the
validation also reads a bare name, or « Personnel : <poste> » / « Charges :
<libellé> » as typed in a workbook, and stores the first form).

Each amount has one function for both shapes (:mod:`finplan.model.series`): a list
of cents for one plan, an array draws × years in a Monte Carlo run.

>>> from decimal import Decimal as D
>>> from finplan.model.case import Need
>>> need = Need("coordination", "Poste de coordination", covers=("staff[Coordinatrice]",),
...             share=(D("0.5"), D("0.5"), D(0)))
>>> earmarked_amounts(need, [[3000001, 3090000, 3182700]], [])
[1500001, 1545000, 0]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from finplan.model.case import Case, Need, PerYear
from finplan.model.money import Cents, times, to_cents
from finplan.model.montecarlo import TYPED, ItemValues
from finplan.model.names import name_key
from finplan.model.series import by_year, series, year_of

__all__ = ["COVERED_KINDS", "covered_lines", "custom_need", "earmarked_amounts",
           "earmarked_need", "reference", "share_of_year", "split_reference"]

# What an earmarked need may cover: case list -> the field that names a line.
COVERED_KINDS = {"staff": "role", "expense": "label"}
_REFERENCE = re.compile(r"\s*(staff|expense)\s*\[(.*)\]\s*", re.DOTALL)


def reference(kind: str, name: str) -> str:
    """How a covered line is written in a case: ``staff[Coordinatrice]``.

    >>> reference("expense", "Déplacements")
    'expense[Déplacements]'
    """
    return f"{kind}[{name}]"


def split_reference(text: str) -> tuple[str | None, str]:
    """The list and the name of a covered line (list None: a bare name).

    >>> split_reference("staff[Coordinatrice]"), split_reference("Loyer")
    (('staff', 'Coordinatrice'), (None, 'Loyer'))
    """
    found = _REFERENCE.fullmatch(text)
    return (found.group(1), found.group(2).strip()) if found else (None, text.strip())


def covered_lines(need: Need, case: Case) -> dict[str, list[int]]:
    """The indexes of the staff and expense lines an earmarked need covers, in the
    order of its ``covers`` (the validation made each one name exactly one line).

    >>> import finplan
    >>> case = finplan.load_case(finplan.demo_path())
    >>> covered_lines(Need("x", "x", covers=(f"staff[{case.staff[1].role}]",)), case)
    {'staff': [1], 'expense': []}
    """
    found: dict[str, list[int]] = {kind: [] for kind in COVERED_KINDS}
    items = {"staff": case.staff, "expense": case.expenses}
    for text in need.covers or ():
        kind, name = split_reference(text)
        field = COVERED_KINDS[kind or "staff"]
        found[kind or "staff"] += [i for i, item in enumerate(items[kind or "staff"])
                                   if name_key(getattr(item, field)) == name_key(name)][:1]
    return found


def share_of_year(share: PerYear | None, y: int) -> Decimal:
    """An earmarked need's share of its lines in year ``y`` (None: all, 1).

    >>> share_of_year(None, 2), share_of_year(Decimal("0.5"), 2)
    (Decimal('1'), Decimal('0.5'))
    >>> share_of_year((Decimal(1), Decimal(0)), 2)
    Decimal('0')
    """
    if share is None:
        return Decimal(1)
    return share[y - 1] if isinstance(share, tuple) else share


def earmarked_amounts(need: Need, staff_costs: Sequence[Any],
                      expenses: Sequence[Any]) -> Any:
    """``need(y) = share(y) × (sum of the covered lines' costs)(y)``, rounded half-up
    to the cent: ``staff_costs`` the gross plus charges of each covered staff line,
    ``expenses`` the amounts of each covered expense, lists of cents (one plan) or
    arrays draws × years; at least one line (the validation refuses an empty
    ``covers``).  Never above the lines' cost: ``share`` is at most 1.

    >>> from decimal import Decimal as D
    >>> earmarked_amounts(Need("n", "n", covers=()), [[100, 200]], [[5, 5]])
    [105, 205]
    >>> import numpy as np
    >>> need = Need("n", "n", covers=(), share=D("0.5"))
    >>> earmarked_amounts(need, [np.array([[101, 200], [301, 400]])], []).tolist()
    [[51, 100], [151, 200]]
    """
    figures = [*staff_costs, *expenses]
    cost = by_year(lambda *parts: sum(parts), *figures)
    years = len(cost) if isinstance(cost, list) else cost.shape[1]
    return series([times(year_of(cost, y), share_of_year(need.share, y))
                   for y in range(1, years + 1)])


def earmarked_need(need: Need, case: Case, gross: Sequence[Any], social: Sequence[Any],
                   expenses: Sequence[Any]) -> Any:
    """An earmarked need's amount each year (:func:`earmarked_amounts`) from the
    case's figures: ``gross`` and ``social`` per staff line, ``expenses`` per expense
    line, in either shape.

    >>> import finplan
    >>> case = finplan.load_case(finplan.demo_path())
    >>> plan = finplan.compute(case).internals  # the engine's cents
    >>> need = Need("x", "x", covers=(f"expense[{case.expenses[0].label}]",))
    >>> earmarked_need(need, case, [], [], plan.expenses_by_item) == list(
    ...     plan.expenses_by_item[0])
    True
    """
    lines = covered_lines(need, case)
    staff = [by_year(lambda g, s: g + s, gross[i], social[i]) for i in lines["staff"]]
    return earmarked_amounts(need, staff, [expenses[i] for i in lines["expense"]])


def custom_need(need: Need, years: int, values: ItemValues = TYPED) -> list[Cents]:
    """A custom need's typed amount each year, in cents (``values``: its drawn values
    in a Monte Carlo run); never indexed.

    >>> custom_need(Need("etude", "Étude", amount=(Decimal(8000), Decimal(0))), 2)
    [800000, 0]
    """
    v = values.of("amount")
    return series([to_cents(v.year(need.amount, y, "amount")) for y in range(1, years + 1)])
