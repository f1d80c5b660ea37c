"""Working capital (BFR), the multi-year financing plan and year-end cash (spec §3).

>>> working_capital(Decimal(30), [3600000, 7200000], [0, 0])
[300000, 600000]
>>> cash_end(2000000, [500000, 0], [300000, 100000])
[2200000, 2100000]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from finplan.model.money import Cents, times
from finplan.model.series import (
    by_year,
    difference,
    is_exact,
    negative,
    positive,
    running_total,
    yearly,
)

__all__ = ["FinancingRow", "cash_end", "financing_rows", "working_capital"]


def working_capital(days: Decimal, charges: Sequence[Cents],
                    depreciation: Sequence[Cents]) -> list[Cents]:
    """``bfr(y) = days / 360 * (charges(y) - dep(y))`` (``bfr(0) = 0``): exact while the
    days are as typed, one per draw once they vary (a column of floats).

    >>> working_capital(Decimal(30), [3600000, 7200001], [0, 1])
    [300000, 600000]
    >>> import numpy as np
    >>> working_capital(np.array([[30.0], [60.0]]), np.array([[3600000]]), np.array([[0]])
    ...                 ).tolist()
    [[300000], [600000]]
    """
    ratio = Fraction(days) / 360 if is_exact(days) else days / 360
    return by_year(lambda charge, dep: times(charge - dep, ratio), charges, depreciation)


@dataclass(frozen=True)
class FinancingRow:
    """One row of the financing plan: an emploi or a ressource, by year."""

    side: str  # "emplois" or "ressources"
    code: str
    label: str
    amounts: list[Cents]


def financing_rows(*, investments: Sequence[Cents], repaid: Sequence[Cents],
                   bfr: Sequence[Cents], caf: Sequence[Cents], loans: Sequence[Cents],
                   funding: Sequence[tuple[str, Sequence[Cents]]],
                   bridges: Sequence[Cents] | None = None) -> list[FinancingRow]:
    """Emplois and ressources by year (lists, or arrays draws × years).

    Emplois: investments, loan principal repaid, increase of BFR, and a
    negative CAF (insuffisance d'autofinancement).  Ressources: a positive
    CAF, loans received, investment-need funding of every funder (own funds
    included), and a decrease of BFR.  With ``bridges`` (the bridging facilities'
    balance at each year's end, spec §3b), the year's increase is a ressource
    « Financements relais » and its decrease an emploi.
    """
    change = difference(bfr)
    rows = [
        FinancingRow("emplois", "investments", "Investissements", _copy(investments)),
        FinancingRow("emplois", "repaid", "Remboursement d'emprunts (capital)", _copy(repaid)),
        FinancingRow("emplois", "bfr_increase", "Augmentation du besoin en fonds de "
                     "roulement", positive(change)),
        FinancingRow("emplois", "caf_negative", "Insuffisance d'autofinancement",
                     negative(caf)),
        FinancingRow("ressources", "caf", "Capacité d'autofinancement", positive(caf)),
        FinancingRow("ressources", "loans", "Emprunts", _copy(loans)),
    ]
    rows += [FinancingRow("ressources", "funding", name, _copy(amounts))
             for name, amounts in funding]
    rows.append(FinancingRow("ressources", "bfr_decrease", "Diminution du besoin en "
                             "fonds de roulement", negative(change)))
    if bridges is not None:
        moved = difference(bridges)
        rows.insert(3, FinancingRow("emplois", "bridges_repaid", "Remboursement des "
                                    "financements relais", negative(moved)))
        rows.append(FinancingRow("ressources", "bridges", "Financements relais",
                                 positive(moved)))
    return rows


def _copy(figure: Any) -> Any:
    """A list of one plan copied (the plan's rows own their lists); an array as is."""
    return list(figure) if isinstance(figure, (list, tuple)) else figure


@yearly
def _net(ressources: Cents, emplois: Cents) -> Cents:
    return ressources - emplois


def cash_end(opening: Cents, ressources: Sequence[Cents],
             emplois: Sequence[Cents]) -> list[Cents]:
    """``cash_end(y) = cash_end(y-1) + ressources(y) - emplois(y)``,
    ``cash_end(0) = opening_cash`` (an int; a column, one per draw, once it varies).

    >>> cash_end(100, [50, 50], [20, 90])
    [130, 90]
    >>> import numpy as np
    >>> cash_end(np.array([[100], [0]]), np.array([[50, 50]]), np.array([[20, 90]])).tolist()
    [[130, 90], [30, -10]]
    """
    return running_total(opening, _net(ressources, emplois))
