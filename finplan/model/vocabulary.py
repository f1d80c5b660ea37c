"""The enumerated values of a case and their French labels: one table.

Case files use the canonical identifiers of the spec (``insertion``,
``per_fte``, ``departement``); workbooks show the French labels.  Both
spellings, in any case and with or without accents, are read through
:func:`normalise`.

>>> normalise("rule", "Part (au prorata des poids)")
'share'
>>> normalise("line", "Département")
'departement'
>>> normalise("kind", "encadrement") is None
False
>>> normalise("kind", "bénévole") is None
True
"""

from __future__ import annotations

import unicodedata

__all__ = ["CERFA_74_LINES", "VOCABULARY", "choices_text", "counted", "label", "normalise"]


def counted(count: int, word: str, plural: str | None = None) -> str:
    """« 1 valeur », « 3 valeurs », « 0 élément » (French: 0 and 1 are singular).

    >>> counted(1, "valeur"), counted(3, "valeur"), counted(2, "an", "ans")
    ('1 valeur', '3 valeurs', '2 ans')
    """
    return f"{spaced(count)} {word if count < 2 else plural or word + 's'}"


def spaced(number: int) -> str:
    """A whole number as French text writes it, thousands apart: « 64 000 ».

    >>> spaced(64000), spaced(-1234567), spaced(12)
    ('64 000', '-1 234 567', '12')
    """
    return f"{number:,}".replace(",", " ")

# field -> {canonical value: French label}
VOCABULARY: dict[str, dict[str, str]] = {
    "kind": {
        "insertion": "Insertion (salariés en parcours, CDDI)",
        "supervision": "Encadrement (technique, socio-professionnel)",
        "support": "Support (direction, administration)",
    },
    "contract": {
        "ACI": "ACI",
        "EI": "EI",
        "AI": "AI",
        "ETTI": "ETTI",
        "EITI": "EITI",
    },
    "type": {
        "public": "Public",
        "private": "Privé",
        "own": "Fonds propres",
    },
    "rule": {
        "fixed": "Montant fixe",
        "rate": "Taux du coût",
        "share": "Part (au prorata des poids)",
        "per_fte": "Par ETP",
        "residual": "Solde",
    },
    "finances": {
        "operating": "Fonctionnement",
        "investment": "Investissement",
    },
    "dist": {
        "uniform": "Uniforme (bas, haut)",
        "triangular": "Triangulaire (bas, mode, haut)",
        "normal": "Normale (écart-type)",
    },
    "bridge_kind": {
        "relais": "Prêt relais, avance remboursable",
        "decouvert": "Découvert autorisé",
        "dailly": "Dailly (cession de la subvention à la banque)",
        "avance": "Avance sur subvention (par le financeur)",
        "membres": "Avance des membres (compte courant)",
    },
    "repay": {
        "surplus": "Sur la trésorerie disponible",
        "funder": "Au versement du financeur",
        "date": "À une date",
    },
    "line": {
        "etat": "État",
        "region": "Région",
        "departement": "Département",
        "intercommunalite": "Intercommunalité (EPCI)",
        "commune": "Commune",
        "organismes_sociaux": "Organismes sociaux",
        "fonds_europeens": "Fonds européens",
        "asp": "ASP (emplois aidés)",
        "autres_publics": "Autres établissements publics",
        "prive": "Aides privées",
        "dons_mecenat": "Dons manuels, mécénat (75)",
    },
    # where a funder's request stands (spec §7; the words of the State's subsidy
    # platform where it has them: « votée », « versée »)
    "status": {
        "envisage": "Envisagé",
        "sollicite": "Sollicité",
        "vote": "Voté",
        "conventionne": "Conventionné",
        "verse": "Versé",
        "refuse": "Refusé",
    },
    # what a contribution in kind is (Cerfa 86 / 87): its accounts, model/in_kind.py
    "in_kind": {
        "volunteering": "Bénévolat",
        "premises": "Mise à disposition (locaux, matériel, véhicule)",
        "services": "Prestation gratuite (un service rendu)",
        "goods": "Don en nature (biens, denrées)",
    },
    # the amounts the plan is computed on (spec §7)
    "basis": {
        "demande": "Montants demandés",
        "decide": "Décisions obtenues",
        "attendu": "Montants attendus",
    },
}

# Extra spellings a volunteer may type (normalised form -> canonical value).
_ALIASES: dict[str, dict[str, str]] = {
    "kind": {"encadrement": "supervision", "support": "support", "parcours": "insertion",
             "administration": "support", "direction": "support"},
    "type": {"prive": "private", "fonds propres": "own", "propre": "own"},
    "rule": {"fixe": "fixed", "montant fixe": "fixed", "taux": "rate", "part": "share",
             "par etp": "per_fte", "solde": "residual", "reste": "residual"},
    "dist": {"uniforme": "uniform", "triangulaire": "triangular", "normale": "normal"},
    "bridge_kind": {"pret relais": "relais", "avance remboursable": "relais",
                    "decouvert autorise": "decouvert", "cession dailly": "dailly",
                    "avance sur subvention": "avance", "avance des membres": "membres",
                    "compte courant": "membres", "apport en compte courant": "membres"},
    "status": {"envisagee": "envisage", "sollicitee": "sollicite", "demande": "sollicite",
               "votee": "vote", "accorde": "vote", "accordee": "vote",
               "conventionnee": "conventionne", "versee": "verse", "paye": "verse",
               "refusee": "refuse", "rejete": "refuse", "rejetee": "refuse",
               # the statuses of the State's subsidy platform (Dauphin)
               "transmise": "sollicite", "transmis": "sollicite",
               "prise en charge": "sollicite", "non recevable": "refuse"},
    "in_kind": {"benevoles": "volunteering", "benevole": "volunteering",
                "mise a disposition": "premises", "locaux": "premises", "local": "premises",
                "pret": "premises", "materiel": "premises", "prestation": "services",
                "prestations": "services", "prestation en nature": "services",
                "don": "goods", "dons": "goods", "dons en nature": "goods",
                "don en nature": "goods", "denrees": "goods"},
    "basis": {"demandes": "demande", "decisions": "decide", "decides": "decide",
              "attendus": "attendu", "probable": "attendu", "probabilites": "attendu"},
    "repay": {"excedents": "surplus", "tresorerie": "surplus", "financeur": "funder",
              "versement": "funder", "au versement": "funder", "echeance": "date"},
    "line": {"etat": "etat", "region": "region", "departement": "departement",
             "intercommunalite": "intercommunalite", "epci": "intercommunalite",
             "asp": "asp", "fse": "fonds_europeens", "europe": "fonds_europeens",
             "prive": "prive", "fondation": "prive", "dons": "dons_mecenat",
             "mecenat": "dons_mecenat", "dons manuels": "dons_mecenat",
             "758": "dons_mecenat", "754": "dons_mecenat",
             "financement participatif": "dons_mecenat",
             "crowdfunding": "dons_mecenat"},
}

# Cerfa 12156 sub-lines of 74 "Subventions d'exploitation", in the form's order,
# with the form's wording (as reproduced by the Dauphin platform data).
CERFA_74_LINES: dict[str, str] = {
    "etat": "État : préciser le(s) ministère(s), directions ou services déconcentrés "
            "sollicité(s)",
    "region": "Région(s)",
    "departement": "Département(s)",
    "intercommunalite": "Intercommunalité(s) : EPCI",
    "commune": "Commune(s)",
    "organismes_sociaux": "Organismes sociaux (CAF, etc. détailler)",
    "fonds_europeens": "Fonds européens (FSE, FEDER, etc.)",
    "asp": "L'agence de services et de paiement (emplois aidés)",
    "autres_publics": "Autres établissements publics",
    "prive": "Aides privées (fondation)",
}


def fold(text: str) -> str:
    """Lower case, no accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.replace("’", "'").lower().split())


def normalise(field: str, text: str) -> str | None:
    """The canonical value for a user's spelling of ``field``, or None if unknown."""
    folded = fold(text)
    for canonical, french in VOCABULARY[field].items():
        if folded in (fold(canonical), fold(french)):
            return canonical
    return _ALIASES.get(field, {}).get(folded)


def label(field: str, value: str) -> str:
    """French label of a canonical value."""
    return VOCABULARY[field][value]


def choices_text(field: str) -> str:
    """The canonical values of a field, for an error message: « a », « b » ou « c »."""
    values = [f"« {value} »" for value in VOCABULARY[field]]
    return ", ".join(values[:-1]) + " ou " + values[-1]
