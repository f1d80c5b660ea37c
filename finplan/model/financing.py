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

from finplan.model.money import Cents, to_cents

__all__ = ["FinancingRow", "cash_end", "financing_rows", "working_capital"]


def working_capital(days: Decimal, charges: Sequence[Cents],
                    depreciation: Sequence[Cents]) -> list[Cents]:
    """``bfr(y) = days / 360 * (charges(y) - dep(y))`` (``bfr(0) = 0``)."""
    return [to_cents(days * (charge - dep) / 360 / 100)
            for charge, dep in zip(charges, depreciation)]


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


def cash_end(opening: Cents, ressources: Sequence[Cents],
             emplois: Sequence[Cents]) -> list[Cents]:
    """``cash_end(y) = cash_end(y-1) + ressources(y) - emplois(y)``,
    ``cash_end(0) = opening_cash``."""
    balances, cash = [], opening
    for inflow, outflow in zip(ressources, emplois):
        cash += inflow - outflow
        balances.append(cash)
    return balances
