"""The operating budget in the Cerfa 12156 layout, result and CAF (spec §3).

Charges and produits are grouped by Cerfa line (the first two digits of the
account), each with its account detail; line 74 "Subventions d'exploitation"
is split into the form's sub-lines by funder level, plus the release of
investment subsidies (747) on its own sub-line.

>>> rows = [BudgetRow("charges", 1, "613", "Loyer", [100, 200])]
>>> lines = line_totals(rows, "charges")
>>> lines["61"], lines["60"]
([100, 200], [0, 0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from finplan.model.money import Cents
from finplan.model.vocabulary import CERFA_74_LINES

__all__ = [
    "CHARGE_LINES",
    "ENGINE_ACCOUNTS",
    "GRANT_RELEASE_CODE",
    "PRODUIT_LINES",
    "BudgetRow",
    "add",
    "budget_rows",
    "caf",
    "line_totals",
    "result",
    "subtract",
]

# Cerfa 12156 lines modelled by the engine, with the form's wording.
CHARGE_LINES: dict[str, str] = {
    "60": "Achats",
    "61": "Services extérieurs",
    "62": "Autres services extérieurs",
    "63": "Impôts et taxes",
    "64": "Charges de personnel",
    "65": "Autres charges de gestion courante",
    "66": "Charges financières",
    "67": "Charges exceptionnelles",
    "68": "Dotation aux amortissements",
}
PRODUIT_LINES: dict[str, str] = {
    "70": "Ventes, prestations de services",
    "73": "Dotations et produits de tarification",
    "74": "Subventions d'exploitation",
    "75": "Autres produits de gestion courante",
    "76": "Produits financiers",
    "77": "Produits exceptionnels",
    "78": "Reprises sur amortissements et provisions",
    "79": "Transfert de charges",
}
# Accounts the engine fills itself, with their PCG wording.
ENGINE_ACCOUNTS: dict[str, str] = {
    "641": "Rémunérations du personnel",
    "645": "Charges de sécurité sociale et de prévoyance",
    "661": "Charges d'intérêts",
    "681": "Dotations aux amortissements",
    "747": "Quote-part des subventions d'investissement virée au résultat de l'exercice",
}
GRANT_RELEASE_CODE = "747"


@dataclass(frozen=True)
class BudgetRow:
    """One detail row of the budget.

    ``level`` 1 is an account (``613``) or a 74 sub-line (``74.region``,
    ``747``); level 2 a funder under its 74 sub-line.
    """

    section: str  # "charges" or "produits"
    level: int
    code: str
    label: str
    amounts: list[Cents]

    @property
    def line(self) -> str:
        """The Cerfa line: the first two digits of the code."""
        return self.code[:2]


def add(*series: Sequence[Cents]) -> list[Cents]:
    """Year-by-year sum.

    >>> add([1, 2], [10, 20])
    [11, 22]
    """
    return [sum(values) for values in zip(*series)]


def subtract(left: Sequence[Cents], right: Sequence[Cents]) -> list[Cents]:
    """Year-by-year difference."""
    return [a - b for a, b in zip(left, right)]


def line_totals(rows: Sequence[BudgetRow], section: str) -> dict[str, list[Cents]]:
    """Totals by Cerfa line of one section, every line of the form present."""
    lines = CHARGE_LINES if section == "charges" else PRODUIT_LINES
    years = len(rows[0].amounts) if rows else 0
    totals = {line: [0] * years for line in lines}
    for row in rows:
        if row.section == section and row.level == 1:
            totals.setdefault(row.line, [0] * years)
            totals[row.line] = add(totals[row.line], row.amounts)
    return totals


def budget_rows(*, years: int, gross: Sequence[Cents], social: Sequence[Cents],
                expenses: Sequence[tuple[str, str, Sequence[Cents]]],
                interest: Sequence[Cents], depreciation: Sequence[Cents],
                revenue: Sequence[tuple[str, str, Sequence[Cents]]],
                subsidies: Sequence[tuple[str, str, Sequence[Cents]]],
                released: Sequence[Cents]) -> list[BudgetRow]:
    """The detail rows of the budget, in the form's order.

    ``expenses`` and ``revenue`` are ``(account, label, amounts)``;
    ``subsidies`` are ``(line, funder name, amounts)`` of the operating funding
    of public and private funders.
    """
    def engine(code: str, amounts: Sequence[Cents]) -> BudgetRow:
        return BudgetRow("charges" if code[0] == "6" else "produits", 1, code,
                         ENGINE_ACCOUNTS[code], list(amounts))

    charges = [BudgetRow("charges", 1, account, label, list(amounts))
               for account, label, amounts in expenses]
    charges += [engine("641", gross), engine("645", social), engine("661", interest),
                engine("681", depreciation)]
    charges.sort(key=lambda row: row.line)  # stable: file order within a line
    produits = [BudgetRow("produits", 1, account, label, list(amounts))
                for account, label, amounts in revenue]
    for sub_line, sub_label in CERFA_74_LINES.items():
        funders = [BudgetRow("produits", 2, f"74.{sub_line}", name, list(amounts))
                   for line, name, amounts in subsidies if line == sub_line]
        total = add([0] * years, *(row.amounts for row in funders))
        produits.append(BudgetRow("produits", 1, f"74.{sub_line}", sub_label, total))
        produits += funders
    produits.append(engine(GRANT_RELEASE_CODE, released))
    produits.sort(key=lambda row: row.line)
    return charges + produits


def result(produits: Sequence[Cents], charges: Sequence[Cents]) -> list[Cents]:
    """``result(y) = produits(y) - charges(y)``."""
    return subtract(produits, charges)


def caf(result_: Sequence[Cents], depreciation: Sequence[Cents],
        released: Sequence[Cents]) -> list[Cents]:
    """``caf(y) = result(y) + dep(y) - grant_release(y)``.

    >>> caf([-100, 50], [30, 30], [10, 10])
    [-80, 70]
    """
    return [r + d - g for r, d, g in zip(result_, depreciation, released)]
