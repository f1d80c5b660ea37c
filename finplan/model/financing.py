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
from typing import TYPE_CHECKING

from finplan.model.money import Cents, times, to_cents

if TYPE_CHECKING:  # the *_draws twins import numpy when called
    import numpy as np

    from finplan.model.montecarlo import Draws

__all__ = ["FinancingRow", "cash_end", "cash_end_draws", "financing_rows",
           "financing_rows_draws", "working_capital", "working_capital_draws"]


def working_capital(days: Decimal, charges: Sequence[Cents],
                    depreciation: Sequence[Cents]) -> list[Cents]:
    """``bfr(y) = days / 360 * (charges(y) - dep(y))`` (``bfr(0) = 0``), exactly.

    >>> working_capital(Decimal(30), [3600000, 7200001], [0, 1])
    [300000, 600000]
    """
    return [times(charge - dep, Fraction(days) / 360)
            for charge, dep in zip(charges, depreciation)]


def working_capital_draws(days: Decimal, draws: Draws, charges: np.ndarray,
                          depreciation: np.ndarray) -> np.ndarray:
    """:func:`working_capital` for each draw (draws × years): exact while the days do
    not vary, in floats times their drawn factors otherwise.

    >>> import numpy as np
    >>> from finplan.model.montecarlo import Draws, Target
    >>> draws = Draws({Target("working_capital", None, "days"): np.array([1.0, 2.0])}, 2)
    >>> working_capital_draws(Decimal(30), draws, np.array([[3600000]]), np.array([[0]])
    ...                       ).tolist()
    [[300000], [600000]]
    """
    factor = draws.factor("working_capital", None, "days")
    if factor is None:
        return times(charges - depreciation, Fraction(days) / 360)
    return to_cents(float(days) * factor[:, None] * (charges - depreciation) / 360 / 100)


@dataclass(frozen=True)
class FinancingRow:
    """One row of the financing plan: an emploi or a ressource, by year."""

    side: str  # "emplois" or "ressources"
    code: str
    label: str
    amounts: list[Cents]


def financing_rows(*, investments: Sequence[Cents], repaid: Sequence[Cents],
                   bfr: Sequence[Cents], caf: Sequence[Cents], loans: Sequence[Cents],
                   funding: Sequence[tuple[str, Sequence[Cents]]]) -> list[FinancingRow]:
    """Emplois and ressources by year.

    Emplois: investments, loan principal repaid, increase of BFR, and a
    negative CAF (insuffisance d'autofinancement).  Ressources: a positive
    CAF, loans received, investment-need funding of every funder (own funds
    included), and a decrease of BFR.
    """
    previous = [0, *bfr[:-1]]
    change = [now - before for now, before in zip(bfr, previous)]
    rows = [
        FinancingRow("emplois", "investments", "Investissements", list(investments)),
        FinancingRow("emplois", "repaid", "Remboursement d'emprunts (capital)", list(repaid)),
        FinancingRow("emplois", "bfr_increase", "Augmentation du besoin en fonds de "
                     "roulement", [max(0, c) for c in change]),
        FinancingRow("emplois", "caf_negative", "Insuffisance d'autofinancement",
                     [max(0, -c) for c in caf]),
        FinancingRow("ressources", "caf", "Capacité d'autofinancement",
                     [max(0, c) for c in caf]),
        FinancingRow("ressources", "loans", "Emprunts", list(loans)),
    ]
    rows += [FinancingRow("ressources", "funding", name, list(amounts))
             for name, amounts in funding]
    rows.append(FinancingRow("ressources", "bfr_decrease", "Diminution du besoin en "
                             "fonds de roulement", [max(0, -c) for c in change]))
    return rows


def financing_rows_draws(*, investments: np.ndarray, repaid: np.ndarray, bfr: np.ndarray,
                         caf: np.ndarray, loans: np.ndarray,
                         funding: Sequence[tuple[str, np.ndarray]]) -> list[FinancingRow]:
    """:func:`financing_rows` for each draw: the same rows, amounts draws × years."""
    import numpy as np

    change = bfr - np.concatenate([np.zeros_like(bfr[:, :1]), bfr[:, :-1]], axis=1)
    rows = [
        FinancingRow("emplois", "investments", "Investissements", investments),
        FinancingRow("emplois", "repaid", "Remboursement d'emprunts (capital)", repaid),
        FinancingRow("emplois", "bfr_increase", "Augmentation du besoin en fonds de "
                     "roulement", np.maximum(0, change)),
        FinancingRow("emplois", "caf_negative", "Insuffisance d'autofinancement",
                     np.maximum(0, -caf)),
        FinancingRow("ressources", "caf", "Capacité d'autofinancement", np.maximum(0, caf)),
        FinancingRow("ressources", "loans", "Emprunts", loans),
    ]
    rows += [FinancingRow("ressources", "funding", name, amounts) for name, amounts in funding]
    rows.append(FinancingRow("ressources", "bfr_decrease", "Diminution du besoin en "
                             "fonds de roulement", np.maximum(0, -change)))
    return rows


def cash_end(opening: Cents, ressources: Sequence[Cents],
             emplois: Sequence[Cents]) -> list[Cents]:
    """``cash_end(y) = cash_end(y-1) + ressources(y) - emplois(y)``,
    ``cash_end(0) = opening_cash``."""
    balances, cash = [], opening
    for inflow, outflow in zip(ressources, emplois):
        cash += inflow - outflow
        balances.append(cash)
    return balances


def cash_end_draws(opening: np.ndarray, ressources: np.ndarray, emplois: np.ndarray
                   ) -> np.ndarray:
    """:func:`cash_end` for each draw: ``opening`` (draws) plus the running sum of
    ``ressources - emplois`` (draws × years).

    >>> import numpy as np
    >>> cash_end_draws(np.array([100, 0]), np.array([[50, 50]]), np.array([[20, 90]])
    ...                ).tolist()
    [[130, 90], [30, -10]]
    """
    import numpy as np

    return opening[:, None] + np.cumsum(ressources - emplois, axis=1)
