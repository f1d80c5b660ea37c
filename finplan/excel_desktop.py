"""finplan in desktop Excel through the classic xlwings add-in (open source, BSD).

The module that ``finplan excel init`` writes beside the workbook imports
everything from here:

- ``main()`` is what the add-in's **Run main** button calls (ribbon tab
  *xlwings*): it computes the plan of the workbook that called it;
- the ``FINPLAN_*`` functions become worksheet functions with the add-in's
  **Import Functions** (VBA names cannot contain a dot, so the desktop names use
  an underscore: ``=FINPLAN_AIDE_POSTE("ACI"; 2027; 3,7)``).

``xw.func`` only attaches metadata (on Windows; elsewhere it is a no-op): each
function stays a plain Python function a script can call.

>>> FINPLAN_AIDE_POSTE("EI", 2025, 1)
13304.0
"""

from __future__ import annotations

import xlwings as xw

from finplan import excel
from finplan.excel import main

__all__ = ["main", "FINPLAN_AIDE_POSTE", "FINPLAN_REPARTIR", "FINPLAN_AMORTISSEMENT",
           "FINPLAN_INTERETS"]


@xw.func
@xw.arg("etp", doc="Équivalents temps plein (1 par défaut)")
def FINPLAN_AIDE_POSTE(contrat: str, annee: float, etp: float = 1) -> float:
    """Aide au poste IAE (montant socle) : contrat ACI, EI, AI, ETTI ou EITI, année, ETP."""
    return excel.aide_poste(contrat, annee, etp)


@xw.func
@xw.arg("poids", ndim=1)
@xw.arg("plafonds", ndim=1)
@xw.ret(expand="table")
def FINPLAN_REPARTIR(besoin: float, poids: list, plafonds: list | None = None) -> list:
    """Répartit un besoin selon des poids, sous des plafonds (vide : sans plafond)."""
    return excel.repartir(besoin, poids, plafonds)


@xw.func
def FINPLAN_AMORTISSEMENT(montant: float, duree_ans: float, annee: float,
                          annee_achat: float = 1, mois_achat: float = 1) -> float:
    """Dotation aux amortissements de l'année du plan (linéaire, au mois près)."""
    return excel.amortissement(montant, duree_ans, annee, annee_achat, mois_achat)


@xw.func
def FINPLAN_INTERETS(capital: float, taux_annuel: float, duree_mois: float,
                     annee: float, annee_versement: float = 1,
                     mois_versement: float = 1) -> float:
    """Intérêts d'emprunt payés dans l'année du plan (mensualités constantes)."""
    return excel.interets(capital, taux_annuel, duree_mois, annee, annee_versement,
                          mois_versement)
