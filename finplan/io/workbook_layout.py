"""THE map of the finplan workbook: sheets, input tables, columns, defined names.

Every cell address the workbook code uses comes from here.  The input sheet
``Hypothèses`` holds one block of project parameters and one Excel table per
list of the case (personnel, recettes, charges, …), stacked vertically.  A
table's capacity grows with the case it holds (at least ``min_rows`` rows,
always a few empty rows to fill), so the positions are computed by
:class:`InputLayout` from the capacities; the reader finds the tables again
by their names, whatever their size.

A per-year field takes, in its one cell, either one number for every year (prorated
or indexed where the case-file reference says so) or one value per year of the plan
separated by « ; » (``3 ; 4 ; 5``, taken as they are), as the case file and the
« Scénarios » table write them: the tables stay as narrow as their fields, on screen
and on paper. Workbooks made before (generation :data:`YEARS_IN_CELL`) had five
year columns « an 1 » … « an 5 » at the right end of such a table; they still read
(:attr:`TableSpec.earlier`) and their formulas still refer to those columns.

>>> layout = InputLayout.for_counts({})
>>> layout.table("staff").first_row, layout.cell("staff", 0, "role")
(24, 'B24')
>>> layout.cell("staff", 0, "fte"), layout.table("staff").spec.year_columns
('E24', False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, NamedTuple

from finplan.io.cells import absolute, quote_sheet
from finplan.io.cells import column_letter as get_column_letter

__all__ = [
    "SHEETS", "INPUT_SHEET", "LISTS_SHEET", "Column", "TableSpec", "TABLES", "PARAMS",
    "Param", "InputLayout", "TableLayout", "MAX_YEARS", "LIST_NAMES", "list_column",
    "quote_sheet",
    "absolute", "FIRST_COLUMN", "YEAR_HEADERS",
]

MAX_YEARS = 5
INPUT_SHEET = "Hypothèses"
LISTS_SHEET = "Listes"
SHEETS = {
    "guide": "Guide",
    "inputs": INPUT_SHEET,
    "budget": "Budget",
    "funders": "Financeurs",
    "financing": "Plan de financement",
    "monthly": "Trésorerie",
    "charts": "Graphiques",  # the charts, one a printed page
    "scenarios": "Scénarios",
    "checks": "Contrôles",
    "members": "Membres",  # a collective's members side by side
    "details": "Calculs",
    "lists": LISTS_SHEET,
    "snapshot": "Dernier calcul",  # hidden: the inputs the results were computed from
}
# In the order their sizes and cells are recorded on « Listes » (a sheet added later
# comes last, so that an older workbook's records stay where they were).
OUTPUT_SHEETS = ("budget", "funders", "financing", "monthly", "scenarios", "checks",
                 "details", "charts")
FIRST_COLUMN = 2  # tables start in column B; column A is a margin
YEAR_HEADERS = tuple(f"an {y}" for y in range(1, MAX_YEARS + 1))
# The generation of finplan workbooks from which a per-year field's values are typed
# in its own cell (« 3 ; 4 ; 5 »), no longer in year columns (see Column.added).
YEARS_IN_CELL = 4

# Defined names of the drop-down lists (sheet Listes), by vocabulary field.
LIST_NAMES = {
    "kind": "liste_categories",
    "contract": "liste_contrats",
    "type": "liste_types",
    "rule": "liste_regles",
    "line": "liste_lignes",
    "finances": "liste_besoins",
    "dist": "liste_lois",
    "member": "liste_membres",
    "bridge_kind": "liste_relais",
    "repay": "liste_remboursements",
    "funder_name": "liste_financeurs",
}
# The lists are columns A, B… of « Listes » in that order, but columns I to L hold the
# records of the result sheets: the lists added since go on from column N.
LATER_LISTS, LATER_LISTS_COLUMN = 8, 14


def list_column(field: str) -> str:
    """The « Listes » column of a drop-down list.

    >>> list_column("kind"), list_column("member"), list_column("bridge_kind")
    ('A', 'H', 'N')
    """
    index = list(LIST_NAMES).index(field)
    return get_column_letter(index + 1 if index < LATER_LISTS
                             else LATER_LISTS_COLUMN + index - LATER_LISTS)


class Param(NamedTuple):
    """One project parameter: a labelled input cell with a defined name."""

    path: tuple[str, ...]  # key path in the case: ("project", "years")
    label: str
    kind: str  # text, integer, number, fraction
    name: str  # defined name of the cell
    comment: str
    default: object = None
    optional: bool = False  # may be absent from workbooks made by an older finplan


PARAMS: tuple[Param, ...] = (
    Param(("project", "name"), "Nom du projet", "text", "p_projet",
          "Nom de la nouvelle activité, tel qu'il figurera sur le plan."),
    Param(("project", "organisation"), "Organisation", "text", "p_organisation",
          "Nom de la structure porteuse (association, SIAE…)."),
    Param(("project", "first_year"), "Première année du plan", "integer", "p_annee1",
          "Année civile de l'année 1, par exemple 2027."),
    Param(("project", "years"), "Durée du plan (1 à 5 ans)", "integer", "p_duree",
          "Nombre d'années du plan ; 3 par défaut.", 3),
    Param(("project", "start_month"), "Mois de démarrage (1 à 12)", "integer",
          "p_mois_debut", "Mois de l'année 1 où l'activité démarre (3 = mars).", 1),
    Param(("project", "opening_cash"), "Trésorerie de départ (€)", "number",
          "p_tresorerie", "Trésorerie disponible au démarrage pour cette activité.", 0),
    Param(("indexation", "costs"), "Indexation des charges (par an)", "fraction",
          "idx_charges", "Hausse annuelle des charges données par un seul montant, à partir "
          "de l'année 2 (2 % : saisir 2 %).", 0),
    Param(("indexation", "salaries"), "Indexation des salaires (par an)", "fraction",
          "idx_salaires", "Hausse annuelle des salaires bruts, à partir de l'année 2.", 0),
    Param(("indexation", "prices"), "Indexation des prix de vente (par an)", "fraction",
          "idx_prix", "Hausse annuelle des prix unitaires et des recettes données par un "
          "seul montant, à partir de l'année 2.", 0),
    Param(("working_capital", "days"), "Besoin en fonds de roulement (jours)", "number",
          "bfr_jours", "BFR exprimé en jours de charges décaissées (0 à 360).", 0),
    Param(("needs", "operating", "max_public_share"),
          "Part publique maximale du fonctionnement", "fraction", "plafond_public_fonct",
          "Facultatif : plafond des aides publiques en part du besoin de fonctionnement "
          "(par exemple 80 %). Vide : pas de plafond."),
    Param(("needs", "investment", "max_public_share"),
          "Part publique maximale de l'investissement", "fraction",
          "plafond_public_invest", "Facultatif : plafond des aides publiques en part du "
          "besoin d'investissement (par exemple 80 % si la Région demande 20 % "
          "d'autofinancement). Vide : pas de plafond."),
    Param(("montecarlo", "draws"), "Monte Carlo : nombre de tirages", "integer",
          "mc_tirages", "Facultatif : nombre de tirages de la simulation (finplan "
          "montecarlo), 10 000 par défaut ; les valeurs qui varient se décrivent dans le "
          "tableau « Monte Carlo » en bas de la feuille.", optional=True),
    Param(("montecarlo", "seed"), "Monte Carlo : graine du tirage", "integer", "mc_graine",
          "Facultatif : la même graine redonne exactement les mêmes tirages ; 0 par "
          "défaut.", optional=True),
)
PARAM_ROW = 6  # first parameter row (its header is on row 5)


class Column(NamedTuple):
    """One input column of a table.

    ``kind``: ``text``, ``integer``, ``number``, ``fraction``, ``account``,
    ``choice`` (with ``field``: the vocabulary of its drop-down list),
    ``code_or_number`` (an aide au poste code or an amount).
    ``per_year``: the field may hold one value per year (typed « 3 ; 4 ; 5 » in its
    cell; in a workbook made before generation :data:`YEARS_IN_CELL`, five year
    columns at the end of the table).
    """

    key: str
    header: str
    kind: str
    comment: str
    field: str | None = None
    per_year: bool = False
    width: int = 14
    former: str | None = None  # the header in workbooks made by an earlier finplan
    once_allowed: bool = False  # an amount: only some years filled, the others are 0
    # the finplan generation that added it to its table (0: always there): workbooks of
    # an earlier finplan have the table without it (1: issue 15's earmarked needs and
    # contracts in hours; 2: issue 15's collectives)
    added: int = 0


@dataclass(frozen=True)
class TableSpec:
    """One list of the case as an Excel table of the input sheet."""

    key: str  # the case key: "staff", "funder", ...
    title: str
    table_name: str  # Excel table name (also a defined name in Excel)
    columns: tuple[Column, ...]
    min_rows: int
    optional: bool = False  # may be absent from workbooks made by an older finplan
    # the per-year fields' five year columns at the end (workbooks made before
    # generation YEARS_IN_CELL); this finplan types them in the field's cell
    year_columns: bool = False

    @cached_property
    def headers(self) -> tuple[str, ...]:
        """All headers (and, in an earlier workbook, the year columns at the end)."""
        base = [column.header for column in self.columns]
        years = [f"{column.header} {year}" for column in self.columns if column.per_year
                 for year in YEAR_HEADERS] if self.year_columns else []
        return (*base, *years)

    @cached_property
    def earlier(self) -> tuple[TableSpec, ...]:
        """The same table as earlier finplans laid it out: with its year columns and
        without the columns added since each generation, newest first, then also with
        the headers renamed since (none: never changed); the reader accepts each, so a
        volunteer's older workbook still reads."""
        generations = {c.added for c in self.columns if c.added}
        if any(column.per_year for column in self.columns):
            generations.add(YEARS_IN_CELL)
        variants = []
        for generation in sorted(generations, reverse=True):
            variants.append(replace(self, year_columns=generation <= YEARS_IN_CELL,
                                    columns=tuple(column for column in self.columns
                                                  if column.added < generation)))
        kept = variants[-1] if variants else self
        if any(column.former for column in kept.columns):
            variants.append(replace(kept, columns=tuple(
                column._replace(header=column.former) if column.former else column
                for column in kept.columns)))
        return tuple(variants)

    @cached_property
    def _indexes(self) -> tuple[dict[str, int], dict[str, int]]:
        keys = {column.key: index for index, column in enumerate(self.columns)}
        per_year = [column.key for column in self.columns
                    if column.per_year and self.year_columns]
        return keys, {key: len(keys) + index * MAX_YEARS for index, key in enumerate(per_year)}

    def column_index(self, key: str, year: int | None = None) -> int:
        """0-based index of a column (of its year column when ``year`` is given)."""
        keys, years = self._indexes
        if year is None:
            if key not in keys:
                raise ValueError(f"{key!r} is not a column of {self.key}")
            return keys[key]
        if key not in years:
            raise ValueError(f"{key!r} has no year columns in this {self.key} table")
        return years[key] + (year - 1)


_PROFILE_NOTE = ("Facultatif : saisonnalité, 12 poids de janvier à décembre séparés par "
                 "des points-virgules (par exemple « 1 ; 1 ; 2 ; 2 ; 2 ; 1 ; 1 ; 1 ; 1 ; 1 ; 1 ; "
                 "1 »). Vide : parts égales sur les mois d'activité.")
_PER_YEAR_NOTE = (" Une seule valeur vaut pour chaque année ; pour des valeurs différentes, "
                  "saisissez-en une par année du plan, séparées par « ; » (par exemple "
                  "« 3 ; 4 ; 5 » sur trois ans), prises telles quelles.")
_ONCE_NOTE = (" Une dépense d'une seule fois (une étude, un achat non amorti) : "
              "indiquez aussi son année dans « Année(s) ».")


def _once_column() -> Column:
    """« Année(s) »: the year or years an amount happens in (blank: every year)."""
    return Column("years", "Année(s)", "years", "Vide : le montant vaut pour chaque année. "
                  "Pour un montant d'une seule fois (une étude, un achat non amorti, une "
                  "recette exceptionnelle) : l'année où il a lieu (2027), ou plusieurs "
                  "séparées par « ; » (2027 ; 2029). Il est alors compté tel quel ces "
                  "années-là (ni proratisé ni indexé), 0 les autres.", width=12, added=3)

_MEMBER_NOTE = ("Collectif seulement : l'identifiant du membre à qui appartient cette "
                "ligne (tableau « Membres du collectif ») ; vide : le mandataire.")


def _member_column() -> Column:
    """The « Membre » column of a line table (a collective's lines belong to members)."""
    return Column("member", "Membre", "text", _MEMBER_NOTE, "member", added=2)


TABLES: tuple[TableSpec, ...] = (
    TableSpec("staff", "Personnel", "tbl_personnel", (
        Column("role", "Poste", "text", "Intitulé du poste ou du groupe de postes.",
               width=36),
        Column("kind", "Catégorie", "choice", "Insertion (salariés en parcours), "
               "encadrement ou support (direction, administration).", "kind", width=22),
        Column("contract", "Contrat IAE", "choice", "Pour le personnel en insertion "
               "seulement : ACI, EI, AI, ETTI ou EITI.", "contract"),
        Column("fte", "ETP", "number", "Équivalents temps plein (5 postes à 26 h sur "
               "35 h = 3,7 ETP)." + _PER_YEAR_NOTE, per_year=True),
        Column("monthly_gross", "Salaire brut mensuel (€)", "number",
               "Salaire brut mensuel d'un ETP en année 1 (indexé ensuite)."),
        Column("employer_rate", "Taux de charges patronales", "fraction",
               "Charges patronales en part du brut (13 % : saisir 13 %)."),
        Column("start_month", "Mois d'embauche", "integer", "Facultatif : mois de "
               "l'année 1 où le poste commence (1 à 12)."),
        Column("hours_from", "Contrat en heures", "text", "Facultatif, au lieu des ETP : "
               "l'identifiant d'un contrat du tableau « Contrats en heures » dont ce "
               "personnel travaille les heures ; ses ETP-années valent alors les heures du "
               "contrat divisées par les heures d'un ETP. Laissez alors les ETP vides.",
               added=1),
        Column("hours_per_fte", "Heures par ETP", "number", "Facultatif, avec « Contrat en "
               "heures » : heures d'un ETP. Vide : le chiffre sourcé du contrat IAE (ACI "
               "1 820 h, ETTI 1 607 h, EITI 1 505 h ; 1 607 h, la durée légale, pour AI et EI "
               "faute de chiffre de la DGEFP).", added=1),
        _member_column(),
    ), 12),
    TableSpec("revenue", "Recettes propres", "tbl_recettes", (
        Column("label", "Libellé", "text", "Nature de la recette.", width=36),
        Column("account", "Compte", "account", "Compte de produits à 3 chiffres "
               "(706 prestations, 707 ventes, 756 cotisations, 758 dons…)."),
        Column("amount", "Montant par an (€)", "number", "Soit un montant répété chaque "
               "année (proratisé en année 1 et indexé ensuite), soit une quantité et un prix."
               + _PER_YEAR_NOTE + " Une recette d'une seule fois : indiquez aussi son "
               "année dans « Année(s) ».",
               per_year=True, former="Montant annuel (€)", once_allowed=True),
        _once_column(),
        Column("quantity", "Quantité", "number", "Quantité vendue par an (jamais "
               "proratisée)." + _PER_YEAR_NOTE, per_year=True),
        Column("unit_price", "Prix unitaire (€)", "number", "Prix unitaire en année 1 "
               "(indexé ensuite)."),
        Column("monthly_profile", "Profil mensuel", "profile", _PROFILE_NOTE, width=24),
        _member_column(),
    ), 8),
    TableSpec("contract", "Contrats en heures", "tbl_contrats", (
        Column("id", "Identifiant", "text", "Nom court sans espace ni accent, repris dans la "
               "colonne « Contrat en heures » du personnel (par exemple releve).", width=36),
        Column("label", "Libellé", "text", "Nature de la prestation vendue."),
        Column("client", "Client", "text", "Facultatif : le client qui paie les heures."),
        Column("account", "Compte", "account", "Compte de produits à 3 chiffres (706 "
               "prestations de services par défaut)."),
        Column("hours", "Heures par an", "number", "Heures vendues chaque année (jamais "
               "proratisées)." + _PER_YEAR_NOTE, per_year=True),
        Column("hourly_price", "Prix de l'heure (€)", "number", "Prix d'une heure en année 1 "
               "(indexé ensuite sur les prix). Ou bien, à la place, le montant par an."),
        Column("amount", "Montant par an (€)", "number", "À la place du prix de l'heure : "
               "le montant du contrat chaque année, pris tel quel." + _PER_YEAR_NOTE,
               per_year=True),
        Column("payments", "Versements", "payments", "Facultatif : quand le client paie "
               "chaque année, par exemple « 50 % mois 6 ; 50 % mois 14 » (mois compté "
               "depuis janvier de l'année des heures ; 13 = janvier de l'année suivante). "
               "Vide : tout en mars.", width=28),
        Column("fee_rate", "Frais de coordination", "fraction", "Collectif seulement : "
               "part que le mandataire garde sur ce qu'il reverse aux autres membres (5 % : "
               "saisir 5 %) ; vide : 0.", added=2),
    ), 3, optional=True),
    TableSpec("expense", "Charges", "tbl_charges", (
        Column("label", "Libellé", "text", "Nature de la charge.", width=36),
        Column("account", "Compte", "account", "Compte de charges à 3 chiffres (606 "
               "énergie, 613 loyers, 616 assurances, 622 honoraires…) ; les salaires, "
               "intérêts et amortissements sont calculés par finplan."),
        Column("amount", "Montant par an (€)", "number", "Montant répété chaque année "
               "(proratisé en année 1 et indexé ensuite)." + _PER_YEAR_NOTE + _ONCE_NOTE,
               per_year=True, former="Montant annuel (€)", once_allowed=True),
        _once_column(),
        Column("monthly_profile", "Profil mensuel", "profile", _PROFILE_NOTE, width=24),
        _member_column(),
    ), 15),
    TableSpec("investment", "Investissements", "tbl_investissements", (
        Column("label", "Libellé", "text", "Bien acheté.", width=36),
        Column("amount", "Montant (€)", "number", "Prix d'achat."),
        Column("year", "Année d'achat", "integer", "Année du plan (1 à 5) ; 1 par défaut."),
        Column("month", "Mois d'achat", "integer", "Mois d'achat (1 à 12) ; par défaut le "
               "mois de démarrage en année 1, janvier ensuite."),
        Column("life_years", "Durée d'amortissement (ans)", "number",
               "Durée d'amortissement linéaire, en années."),
        _member_column(),
    ), 8),
    TableSpec("loan", "Emprunts", "tbl_emprunts", (
        Column("label", "Libellé", "text", "Prêteur et nature du prêt.", width=36),
        Column("principal", "Capital (€)", "number", "Montant emprunté."),
        Column("annual_rate", "Taux annuel", "fraction", "Taux nominal annuel (3,8 % : "
               "saisir 3,8 %)."),
        Column("months", "Durée (mois)", "integer", "Durée de remboursement en mois."),
        Column("year", "Année de versement", "integer", "Année du plan où les fonds sont "
               "reçus ; 1 par défaut."),
        Column("month", "Mois de versement", "integer", "Mois où les fonds sont reçus ; "
               "les mensualités commencent le mois suivant."),
        _member_column(),
    ), 5),
    TableSpec("need", "Besoins particuliers", "tbl_besoins", (
        Column("id", "Identifiant", "text", "Nom court sans espace ni accent, repris dans "
               "la colonne « Finance » des financeurs (par exemple etude).", width=36),
        Column("label", "Libellé", "text", "Description du besoin."),
        Column("amount", "Montant par an (€)", "number", "Montant du besoin, répété chaque "
               "année (jamais indexé)." + _PER_YEAR_NOTE + " Un besoin d'une seule fois "
               "(une étude) : son montant l'année où il a lieu, 0 les autres (« 8000 ; 0 ; "
               "0 »).",
               per_year=True, former="Montant (€)", once_allowed=True),
        Column("max_public_share", "Part publique max.", "fraction", "Facultatif : plafond "
               "des aides publiques en part de ce besoin."),
        Column("covers", "Lignes financées", "lines", "Pour un besoin affecté à des lignes "
               "de votre budget (un poste, une charge) au lieu d'un montant : l'intitulé "
               "du poste (tableau « Personnel ») ou le libellé de la charge (tableau "
               "« Charges »), plusieurs séparés par des points-virgules (par exemple « "
               "Coordinatrice ; Déplacements »). Laissez alors le montant vide : le besoin "
               "vaut le coût de ces lignes (salaires bruts et charges patronales pour un "
               "poste), ce que ses financeurs versent est déduit du besoin de "
               "fonctionnement, et ce qu'ils ne couvrent pas y reste.", width=30,
               added=1),
        Column("share", "Part financée", "fraction", "Facultatif, avec « Lignes "
               "financées » : part du coût de ces lignes que couvre le besoin (50 % : saisir "
               "50 %) ; vide : 100 %." + _PER_YEAR_NOTE, per_year=True, added=1),
        _member_column(),
    ), 5),
    TableSpec("funder", "Financeurs", "tbl_financeurs", (
        Column("name", "Financeur", "text", "Nom du financeur, unique (par exemple "
               "« Région (investissement) »).", width=36),
        Column("type", "Type", "choice", "Public, privé ou fonds propres de la structure.",
               "type"),
        Column("line", "Ligne du Cerfa", "choice", "Sous-ligne 74 du Cerfa 12156 pour un "
               "financeur public ; « Aides privées » pour un privé ; vide pour les fonds "
               "propres.", "line", width=22),
        Column("finances", "Finance", "choice", "Le besoin financé : fonctionnement, "
               "investissement ou l'identifiant d'un besoin particulier.", "finances"),
        Column("rule", "Règle", "choice", "Montant fixe, taux du coût, part au prorata des "
               "poids, montant par ETP ou solde.", "rule", width=22),
        Column("amount", "Montant fixe par an (€)", "number", "Règle « Montant fixe » : "
               "montant versé chaque année." + _PER_YEAR_NOTE + " Une aide d'une seule fois : "
               "son montant l'année où elle est versée, 0 les autres (« 5000 ; 0 ; 0 »).",
               per_year=True, former="Montant fixe (€)"),
        Column("rate", "Taux du coût", "fraction", "Règle « Taux du coût » : part du coût "
               "brut (charges, investissements ou besoin particulier)." + _PER_YEAR_NOTE,
               per_year=True),
        Column("weight", "Poids", "number", "Règle « Part » : poids relatif (1 par défaut)."),
        Column("amount_per_fte", "Montant par ETP", "code_or_number", "Règle « Par ETP » : "
               "montant annuel pour un ETP, ou ACI, EI, AI, ETTI, EITI pour le barème de "
               "l'aide au poste." + _PER_YEAR_NOTE, per_year=True),
        Column("staff_kind", "Catégorie de personnel", "choice", "Règle « Par ETP » : "
               "catégorie des postes comptés.", "kind", width=22),
        Column("contract", "Contrat", "choice", "Règle « Par ETP » : facultatif, contrat "
               "des postes comptés.", "contract"),
        Column("cap", "Plafond annuel (€)", "number", "Facultatif : montant maximal par an."
               + _PER_YEAR_NOTE, per_year=True),
        Column("cap_total", "Plafond total (€)", "number", "Facultatif : montant maximal "
               "sur toute la durée du plan."),
        Column("priority", "Priorité", "integer", "Ordre de passage : le plus petit passe "
               "en premier (100 par défaut)."),
        Column("payments", "Versements", "payments", "Facultatif : calendrier de versement "
               "de chaque année, par exemple « 60 % mois 4 ; 40 % mois 16 » (mois compté "
               "depuis janvier de l'année financée ; 13 = janvier de l'année suivante). "
               "Vide : 60 % en avril et 40 % en avril suivant (public), 100 % en mars "
               "(privé), en janvier (fonds propres), chaque mois d'activité (par ETP).",
               width=28),
        Column("brought_in", "Apport en trésorerie", "yes_no", "Fonds propres seulement : "
               "« oui » si cet argent entre vraiment en trésorerie (un apport de la "
               "fédération, une levée de fonds propres), versé selon son calendrier et "
               "compté en ressource du plan de financement ; vide : des réserves déjà dans "
               "la trésorerie de départ, qui absorbent le déficit.", added=1),
        _member_column(),
        Column("paid_by", "Versé par le membre", "text", "Collectif seulement, pour un "
               "financeur privé d'un besoin du mandataire : l'identifiant du membre qui "
               "verse cette contribution (une cotisation, compte 756, pour le mandataire ; "
               "une charge, compte 628, pour le membre).", "member", added=2),
    ), 12),
    TableSpec("bridge", "Financements relais", "tbl_relais", (
        Column("label", "Libellé", "text", "Facultatif : ce que le trésorier prévoit pour "
               "passer les mois où la trésorerie manque (les subventions versées en "
               "retard) ; un libellé unique par ligne, par exemple « Avance remboursable "
               "France Active ». Ils sont tirés dans l'ordre du tableau, chaque mois, de ce "
               "qui manque.", width=36),
        Column("kind", "Type", "choice", "Prêt relais ou avance remboursable, découvert "
               "autorisé, Dailly (la banque avance une part de la subvention d'un "
               "financeur), avance sur subvention (le financeur verse en avance) ou avance "
               "des membres (compte courant).", "bridge_kind", width=30),
        Column("ceiling", "Plafond (€)", "number", "Le montant prêté au plus à un moment "
               "donné."),
        Column("annual_rate", "Taux annuel", "fraction", "Facultatif : taux d'intérêt "
               "annuel (4,5 % : saisir 4,5 %), payé chaque mois sur l'encours ; vide : "
               "0 % (une avance remboursable France Active est à 0 %)."),
        Column("fee", "Frais (€)", "number", "Facultatif : frais de dossier, payés le mois "
               "du premier tirage (compte 627)."),
        Column("funder", "Financeur", "text", "Dailly et avance sur subvention : le "
               "financeur dont la subvention est avancée (tableau « Financeurs ») ; prêt "
               "relais : le financeur dont le versement le rembourse, s'il y en a un.",
               "funder_name", width=30),
        Column("advance_share", "Part avancée", "fraction", "Facultatif, Dailly et avance "
               "sur subvention : part de ce que doit le financeur qui peut être avancée ; "
               "vide : 80 % (Dailly), 100 % (avance du financeur)."),
        Column("from", "À partir du mois", "integer", "Facultatif : premier mois où il peut "
               "être tiré, compté depuis janvier de l'année 1 (13 = janvier de l'année 2) ; "
               "vide : le mois de démarrage."),
        Column("repay", "Remboursement", "choice", "Facultatif : sur la trésorerie "
               "disponible (dès qu'elle le permet), au versement du financeur (Dailly, "
               "avance sur subvention, prêt relais adossé à une subvention) ou à une date ; "
               "vide : selon le type.", "repay", width=28),
        Column("repay_month", "Mois de remboursement", "integer", "Remboursement « À une "
               "date » : le mois où tout est remboursé, compté depuis janvier de l'année 1."),
        _member_column(),
    ), 3, optional=True),
    TableSpec("scenario", "Scénarios", "tbl_scenarios", (
        Column("name", "Scénario", "text", "Nom du scénario (par exemple « Prudent ») ; une "
               "ligne par valeur remplacée, toutes les lignes d'un scénario portant son nom.",
               width=36),
        Column("path", "Clé", "text", "La valeur remplacée, comme dans un dossier finplan : "
               "revenue[0].quantity (première recette), funder[Région (ESS)].cap_total, "
               "project.start_month… (les listes sont numérotées à partir de 0)."),
        Column("value", "Valeur", "scenario_value", "La nouvelle valeur : un nombre, une "
               "valeur par année séparées par des points-virgules (35 ; 55 ; 70) ou un "
               "texte."),
    ), 5, optional=True),
    TableSpec("montecarlo.vary", "Monte Carlo : valeurs qui varient", "tbl_montecarlo", (
        Column("path", "Clé", "text", "La valeur incertaine, comme dans un dossier finplan : "
               "revenue[0].quantity, staff[0].fte, funder[Région (ESS)].cap_total… Elle est "
               "multipliée par (1 + x) chaque année, x tiré au hasard selon la loi.",
               width=36),
        Column("dist", "Loi", "choice", "Uniforme (entre Bas et Haut), triangulaire (Bas, "
               "Mode, Haut) ou normale (Écart-type, centrée sur 0, sans valeur négative).",
               "dist", width=22),
        Column("low", "Bas", "fraction", "Variation la plus basse (-30 % : saisir -30 %)."),
        Column("mode", "Mode", "fraction", "Loi triangulaire : variation la plus probable "
               "(0 % : la valeur du dossier)."),
        Column("high", "Haut", "fraction", "Variation la plus haute (+10 % : saisir 10 %)."),
        Column("sd", "Écart-type", "fraction", "Loi normale : écart-type de la variation "
               "(10 % : saisir 10 %)."),
    ), 5, optional=True),
    TableSpec("member", "Membres du collectif", "tbl_membres", (
        Column("id", "Identifiant", "text", "Collectif seulement (une structure seule "
               "laisse ce tableau vide) : nom court sans espace ni accent du membre, repris "
               "dans la colonne « Membre » des autres tableaux (par exemple layon).",
               width=36),
        Column("name", "Nom", "text", "Nom de la structure membre.", width=30),
        Column("siae", "Type de SIAE", "choice", "Facultatif : ACI, EI, AI, ETTI ou EITI.",
               "contract"),
        Column("mandataire", "Mandataire", "yes_no", "« oui » pour le seul membre qui "
               "répond aux contrats pour le collectif et reverse aux autres leur part."),
        Column("opening_cash", "Trésorerie de départ (€)", "number", "Trésorerie du membre "
               "au démarrage (la « Trésorerie de départ » du bloc Projet reste vide dans un "
               "collectif)."),
        Column("approved_fte", "Postes agréés (ETP)", "number", "Facultatif : ETP "
               "d'insertion agréés par l'État ; l'aide au poste du membre ne les dépasse "
               "pas." + _PER_YEAR_NOTE, per_year=True),
    ), 5, optional=True),
    TableSpec("contract.split", "Heures des contrats par membre", "tbl_heures_membres", (
        Column("contract", "Contrat", "text", "Collectif seulement : l'identifiant d'un "
               "contrat du tableau « Contrats en heures » ; une ligne par membre qui en "
               "travaille des heures. Sans ligne, toutes les heures vont au mandataire.",
               width=24),
        Column("member", "Membre", "text", "L'identifiant du membre.", "member", width=24),
        Column("share", "Part des heures", "fraction", "La part des heures du contrat "
               "(20 % : saisir 20 %), les parts d'un contrat faisant 100 % ; ou bien, à la "
               "place, les heures du membre."),
        Column("hours", "Heures par an", "number", "À la place de la part : les heures du "
               "membre chaque année (leur somme fait les heures du contrat)."
               + _PER_YEAR_NOTE, per_year=True),
    ), 5, optional=True),
)
TABLES_BY_KEY: Mapping[str, TableSpec] = {spec.key: spec for spec in TABLES}


@dataclass(frozen=True)
class TableLayout:
    """Where one input table stands: title, header and item rows."""

    spec: TableSpec
    title_row: int
    header_row: int
    rows: int

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def last_row(self) -> int:
        return self.header_row + self.rows

    @property
    def last_column(self) -> int:
        return FIRST_COLUMN + len(self.spec.headers) - 1

    @property
    def ref(self) -> str:
        """The table's range, header included: ``B22:AB34``."""
        return (f"{get_column_letter(FIRST_COLUMN)}{self.header_row}:"
                f"{get_column_letter(self.last_column)}{self.last_row}")


@dataclass(frozen=True)
class InputLayout:
    """Positions of every input of the ``Hypothèses`` sheet."""

    tables: Mapping[str, TableLayout]

    @classmethod
    def for_counts(cls, counts: Mapping[str, int], spare: int = 3) -> InputLayout:
        """Tables stacked under the parameters, each holding ``counts`` items plus
        ``spare`` empty rows (at least the table's ``min_rows``)."""
        placed, row = {}, PARAM_ROW + len(PARAMS) + 2
        for spec in TABLES:
            rows = max(spec.min_rows, counts.get(spec.key, 0) + spare)
            placed[spec.key] = TableLayout(spec, row, row + 1, rows)
            row += rows + 4
        return cls(placed)

    @classmethod
    def from_positions(cls, positions: Mapping[str, tuple[int, int]],
                       specs: Mapping[str, TableSpec] | None = None) -> InputLayout:
        """Tables where a workbook has them: key -> (header row, item rows); ``specs``
        gives the headers a table has when an earlier finplan made it."""
        specs = specs or {}
        return cls({key: TableLayout(specs.get(key, TABLES_BY_KEY[key]), header - 1,
                                     header, rows)
                    for key, (header, rows) in positions.items()})

    def table(self, key: str) -> TableLayout:
        return self.tables[key]

    def cell(self, key: str, index: int, column: str, year: int | None = None) -> str:
        """Address of item ``index`` (0-based) of table ``key``, column ``column``."""
        table = self.tables[key]
        letter = get_column_letter(FIRST_COLUMN + table.spec.column_index(column, year))
        return f"{letter}{table.first_row + index}"

    # What the sheet writers ask of the inputs beyond cells. A single organisation's
    # inputs are all typed (none generated), its opening cash is the project's, it has
    # no approved posts and works the hours its contracts sell; a collective's member
    # answers otherwise (:class:`finplan.io.workbook_members.MemberInputs`).
    def generated(self, key: str, index: int) -> bool:
        """Whether item ``index`` of list ``key`` has no input row (its figures are
        the engine's, written as values)."""
        return False

    @property
    def opening_cash(self) -> str:
        """The opening cash, as a formula term."""
        return "p_tresorerie"

    def approved_fte(self, year: int) -> Any:
        """The approved insertion FTE of ``year``, a
        :class:`finplan.io.sheets.rows.YearInput` (None: no limit)."""
        return None

    def worked_hours(self, index: int, year: int) -> tuple[Any, ...] | None:
        """The hours of contract ``index`` worked here in ``year``: None (the hours it
        sells), ``("share", cell)`` (those × the share in that cell; no cell: none of
        them) or ``("hours", year_input)`` (typed for themselves, a
        :class:`finplan.io.sheets.rows.YearInput`)."""
        return None

    @staticmethod
    def param_cell(param: Param) -> str:
        return f"C{PARAM_ROW + PARAMS.index(param)}"

    @staticmethod
    def param(path: tuple[str, ...]) -> Param:
        return next(param for param in PARAMS if param.path == path)


# -- output sheets ----------------------------------------------------------------------
# Output sheets are written row by row (their length depends on the case); these are
# the fixed places every output sheet shares.
TITLE_CELL, SUBTITLE_CELL = "B1", "B2"
BANNER_CELL = "B3"  # « les hypothèses ont changé » while the results do not follow them
BANNER_ROW, HEADER_ROW = 3, 4  # HEADER_ROW: the row with the years
# printed at the top of every page: the banner (a stale workbook says so on each
# page) and the row with the years
TITLE_ROWS = f"{BANNER_ROW}:{HEADER_ROW}"
FIRST_OUTPUT_ROW = HEADER_ROW + 1
CODE_COLUMN, LABEL_COLUMN = "A", "B"  # account or Cerfa line; label
FIRST_YEAR_COLUMN = 3  # years from column C (Budget, Plan de financement, Calculs)
FUNDER_TYPE_COLUMN, FUNDER_RULE_COLUMN = "C", "D"  # Financeurs: type and rule first,
FUNDER_FIRST_YEAR_COLUMN = 5  # then the years from column E
CHECK_COLUMNS = {"id": "A", "description": "B", "status": "C", "message": "D",
                 "value": "E"}
# What each output sheet held after the last calculation (rows, columns), so that the
# next one, written in one bulk write per sheet, blanks what it no longer needs.
EXTENTS_RANGE = "J2:K9"
EXTENTS_HEADER = ("J1", "K1")
# Beside each size, the cells finplan wrote there (see sheet_marks.encode_cells):
# sizes and cells are read and written together as RECORD_RANGE.
RECORD_COLUMN = "L"
RECORD_RANGE = "J2:L9"
# The backup the last fill made of the workbook it replaced: its file name and SHA-256,
# so that the next fill replaces that backup only if it is still finplan's.
BACKUP_RECORD = ("I10", "J10", "K10")  # a label, the name, the digest
# The same for the result sheets a workbook has beyond those (a collective's
# « Membres » and its members' sheets), one a row with its title first: I12:L131.
EXTRA_RECORD_ROW, MAX_EXTRA_RECORDS = 12, 120
EXTRA_RECORD_RANGE = f"I{EXTRA_RECORD_ROW}:L{EXTRA_RECORD_ROW + MAX_EXTRA_RECORDS - 1}"
