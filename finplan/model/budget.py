"""The operating budget in the Cerfa 12156*06 layout, result and CAF (spec §3).

Charges and produits are grouped by Cerfa line (the first two digits of the
account), each with its account detail; line 74 "Subventions d'exploitation"
is split into the form's sub-lines by funder level, plus the release of
investment subsidies (747) on its own sub-line.  Private funders on the line
``dons_mecenat`` are produits of line 75 (account 758, "Dons manuels -
Mécénat"), not 74.  The form balances every year: own funds covering the
deficit are "Ressources propres affectées au projet", and what is left is the
"Excédent prévisionnel" (charges side) or "Insuffisance prévisionnelle"
(produits side).

Wording and order of the form's lines and sub-lines: Cerfa n° 12156*06 as
reproduced by the State's Dauphin subsidy platform (betagouv/api-subventions-asso,
plan de financement of a demande de subvention), checked against
service-public.fr R1271.

>>> rows = [BudgetRow("charges", 1, "613", "Loyer", [100, 200])]
>>> lines = line_totals(rows, "charges")
>>> lines["61"], lines["60"]
([100, 200], [0, 0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from finplan.model.money import Cents
from finplan.model.series import yearly
from finplan.model.vocabulary import CERFA_74_LINES

__all__ = [
    "CERFA_SUB_LINES",
    "CHARGE_LINES",
    "CONTRIBUTIONS_CODE",
    "DONATIONS_CODE",
    "BRIDGE_ACCOUNTS",
    "ENGINE_ACCOUNTS",
    "GRANT_RELEASE_CODE",
    "INDIRECT_CHARGES",
    "IN_KIND_LINES",
    "OWN_RESOURCES",
    "PRODUIT_LINES",
    "SHORTFALL",
    "SURPLUS",
    "TAX_LINE",
    "BudgetRow",
    "add",
    "budget_rows",
    "caf",
    "line_totals",
    "result",
    "shortfall",
    "sub_line",
    "subtract",
    "surplus",
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
# A line of the form the engine has no figure for (spec §3 stops at 68): shown at 0.
TAX_LINE = ("69", "Impôt sur les bénéfices (IS) ; Participation des salariés")
# The form's block of the structure's charges shared out to the project, after 69 and
# within its total: finplan budgets the project's own charges only, so it is shown at 0.
INDIRECT_CHARGES = ("Charges indirectes", ("Charges fixes de fonctionnement",
                                           "Frais financiers", "Autres"))
PRODUIT_LINES: dict[str, str] = {
    "70": "Vente de produits finis, de marchandises, prestations de services",
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
# The bridging facilities' interest (a sub-account of 661, PCG 6616 « intérêts bancaires
# et sur opérations de financement ») and fees (627 « services bancaires et assimilés »),
# spec §3b.
BRIDGE_ACCOUNTS: dict[str, str] = {
    "6616": "Intérêts des financements relais",
    "627": "Frais des financements relais",
}
GRANT_RELEASE_CODE = "747"
# Account of the private funders placed on line 75 (line "dons_mecenat").
DONATIONS_CODE = "758"
# A collective's member contributions, received by the mandataire (finplan.model.members
# gives them the internal line « cotisations »): 756 cotisations, line 75.
CONTRIBUTIONS_CODE = "756"
OWN_RESOURCES = "Ressources propres affectées au projet"
# The form's totals.
CHARGES_TOTAL, PRODUITS_TOTAL, GRAND_TOTAL = ("TOTAL DES CHARGES", "TOTAL DES PRODUITS",
                                              "TOTAL")
SURPLUS = "Excédent prévisionnel (bénéfice)"
SHORTFALL = "Insuffisance prévisionnelle (perte)"

# The form's sub-lines of a line: (code shown, wording, account prefixes).  An
# account goes to the first sub-line one of whose prefixes it starts with; a
# sub-line with the line's own two digits takes every other account of the
# line.  An account no sub-line takes (611 on line 61) stays under its line.
CERFA_SUB_LINES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "60": (("604", "Prestations de services", ("604",)),
           ("601", "Achats matières et fournitures", ("601", "602")),
           ("", "Autres fournitures", ("60",))),
    "61": (("613", "Locations", ("613",)),
           ("615", "Entretien et réparation", ("615",)),
           ("616", "Assurance", ("616",)),
           ("618", "Documentation", ("618",))),
    "62": (("622", "Rémunérations intermédiaires et honoraires", ("622",)),
           ("623", "Publicité, publication", ("623",)),
           ("625", "Déplacements, missions", ("625",)),
           ("", "Services bancaires, autres", ("62",))),
    "63": (("631", "Impôts et taxes sur rémunération", ("631", "633")),
           ("", "Autres impôts et taxes", ("63",))),
    "64": (("641", "Rémunération des personnels", ("641",)),
           ("645", "Charges sociales", ("645",)),
           ("", "Autres charges de personnel", ("64",))),
    "75": (("756", "Cotisations", ("756",)),
           (DONATIONS_CODE, "Dons manuels - Mécénat", ("754", "758")),
           ("", "Autres produits de gestion courante", ("75",))),
    "86": (("860", "Secours en nature", ("860",)),
           ("861", "Mise à disposition gratuite de biens et services", ("861",)),
           ("862", "Prestations", ("862",)),
           ("864", "Personnel bénévole", ("864",))),
    "87": (("870", "Bénévolat", ("870",)),
           ("871", "Prestations en nature", ("871",)),
           ("875", "Dons en nature", ("875",))),
}
# Contributions volontaires en nature, booked in equal amounts below the totals.
IN_KIND_LINES: dict[str, str] = {
    "86": "Emplois des contributions volontaires en nature",
    "87": "Contributions volontaires en nature",
}


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
                released: Sequence[Cents],
                bridges: dict[str, Sequence[Cents]] | None = None) -> list[BudgetRow]:
    """The detail rows of the budget, in the form's order.

    ``expenses`` and ``revenue`` are ``(account, label, amounts)``;
    ``subsidies`` are ``(line, funder name, amounts)`` of the operating funding
    of public and private funders; those on the line ``dons_mecenat`` are
    produits of account 758 (line 75); ``bridges``: the bridging facilities'
    interest and fees by account (:data:`BRIDGE_ACCOUNTS`), those they fill.
    """
    def engine(code: str, amounts: Sequence[Cents]) -> BudgetRow:
        return BudgetRow("charges" if code[0] == "6" else "produits", 1, code,
                         ENGINE_ACCOUNTS[code], list(amounts))

    charges = [BudgetRow("charges", 1, account, label, list(amounts))
               for account, label, amounts in expenses]
    charges += [engine("641", gross), engine("645", social), engine("661", interest),
                engine("681", depreciation)]
    charges += [BudgetRow("charges", 1, code, BRIDGE_ACCOUNTS[code], list(amounts))
                for code, amounts in (bridges or {}).items()]
    charges.sort(key=lambda row: row.line)  # stable: file order within a line
    produits = [BudgetRow("produits", 1, account, label, list(amounts))
                for account, label, amounts in revenue]
    produits += [BudgetRow("produits", 1, DONATIONS_CODE, name, list(amounts))
                 for line, name, amounts in subsidies if line == "dons_mecenat"]
    produits += [BudgetRow("produits", 1, CONTRIBUTIONS_CODE, name, list(amounts))
                 for line, name, amounts in subsidies if line == "cotisations"]
    for sub_line, sub_label in CERFA_74_LINES.items():
        funders = [BudgetRow("produits", 2, f"74.{sub_line}", name, list(amounts))
                   for line, name, amounts in subsidies if line == sub_line]
        total = add([0] * years, *(row.amounts for row in funders))
        produits.append(BudgetRow("produits", 1, f"74.{sub_line}", sub_label, total))
        produits += funders
    produits.append(engine(GRANT_RELEASE_CODE, released))
    produits.sort(key=lambda row: row.line)
    return charges + produits


def sub_line(account: str) -> int | None:
    """Index in :data:`CERFA_SUB_LINES` of the form's sub-line an account goes to, or
    None when its line has no sub-line for it.

    >>> sub_line("616"), sub_line("6068"), sub_line("611"), sub_line("7541"), sub_line("70")
    (2, 2, None, 1, None)
    """
    for index, (_, _, prefixes) in enumerate(CERFA_SUB_LINES.get(account[:2], ())):
        if any(account.startswith(prefix) for prefix in prefixes):
            return index
    return None


def surplus(produits: Sequence[Cents], own: Sequence[Cents],
            charges: Sequence[Cents]) -> list[Cents]:
    """``surplus(y) = max(0, produits(y) + own(y) - charges(y))``: the form's
    « Excédent prévisionnel (bénéfice) », on the charges side.

    >>> surplus([100, 100], [0, 30], [80, 150])
    [20, 0]
    """
    return [max(0, p + o - c) for p, o, c in zip(produits, own, charges)]


def shortfall(produits: Sequence[Cents], own: Sequence[Cents],
              charges: Sequence[Cents]) -> list[Cents]:
    """``shortfall(y) = max(0, charges(y) - produits(y) - own(y))``: the form's
    « Insuffisance prévisionnelle (perte) », on the produits side, so that
    charges + surplus = produits + own + shortfall every year.

    >>> shortfall([100, 100], [0, 30], [80, 150])
    [0, 20]
    """
    return [max(0, c - p - o) for p, o, c in zip(produits, own, charges)]


@yearly
def result(produits: Sequence[Cents], charges: Sequence[Cents]) -> list[Cents]:
    """``result(y) = produits(y) - charges(y)``.

    >>> result([500, 700], [400, 800])
    [100, -100]
    """
    return produits - charges


@yearly
def caf(result_: Sequence[Cents], depreciation: Sequence[Cents],
        released: Sequence[Cents]) -> list[Cents]:
    """``caf(y) = result(y) + dep(y) - grant_release(y)``.

    >>> caf([-100, 50], [30, 30], [10, 10])
    [-80, 70]
    >>> import numpy as np
    >>> caf(np.array([[-100, 50]]), np.array([[30, 30]]), np.array([[10, 10]])).tolist()
    [[-80, 70]]
    """
    return result_ + depreciation - released
