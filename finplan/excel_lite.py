"""finplan in xlwings Lite (and xlwings Server): the script and the custom functions.

In xlwings Lite, ``main.py`` holds ``from finplan.excel_lite import *``: the task
pane then shows the **Calculer le plan** button (a script: it lives in the
add-in's task pane, not on a sheet, so nothing that rewrites the workbook can
remove it) and Excel gets the functions ``=FINPLAN.AIDE_POSTE(…)``,
``=FINPLAN.REPARTIR(…)``, ``=FINPLAN.AMORTISSEMENT(…)``, ``=FINPLAN.INTERETS(…)``.

The imports are those of the xlwings Lite documentation, ``from xlwings import
func, script``: inside Lite (and xlwings Server, ``XLWINGS_ON_SERVER=true``) they
are the decorators that register the script and the functions; elsewhere xlwings
gives plain no-op decorators, so the module still imports (the tests set
``XLWINGS_ON_SERVER=true`` and ``XLWINGS_LICENSE_KEY=noncommercial``).
"""

from __future__ import annotations

import xlwings as xw
from xlwings import func, script

from finplan import excel

__all__ = ["calculer_le_plan", "aide_poste", "repartir", "amortissement", "interets"]


@script(name="Calculer le plan")
def calculer_le_plan(book: xw.Book) -> None:
    """Lit la feuille Hypothèses, calcule le plan et écrit les feuilles de résultats."""
    excel.calculer(book)


@func(namespace="FINPLAN", name="AIDE_POSTE")
def aide_poste(contrat: str, annee: float, etp: float = 1) -> float:
    """Aide au poste IAE (montant socle) : contrat ACI, EI, AI, ETTI ou EITI, année, ETP."""
    return excel.aide_poste(contrat, annee, etp)


@func(namespace="FINPLAN", name="REPARTIR")
def repartir(besoin: float, poids: list, plafonds=None) -> list:
    """Répartit un besoin selon des poids, sous des plafonds (tableau dynamique)."""
    return excel.repartir(besoin, poids, plafonds)


@func(namespace="FINPLAN", name="AMORTISSEMENT")
def amortissement(montant: float, duree_ans: float, annee: float, annee_achat: float = 1,
                  mois_achat: float = 1) -> float:
    """Dotation aux amortissements de l'année du plan (linéaire, au mois près)."""
    return excel.amortissement(montant, duree_ans, annee, annee_achat, mois_achat)


@func(namespace="FINPLAN", name="INTERETS")
def interets(capital: float, taux_annuel: float, duree_mois: float, annee: float,
             annee_versement: float = 1, mois_versement: float = 1) -> float:
    """Intérêts d'emprunt payés dans l'année du plan (mensualités constantes)."""
    return excel.interets(capital, taux_annuel, duree_mois, annee, annee_versement,
                          mois_versement)
