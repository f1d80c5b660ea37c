"""The case described once: a table of fields per section (issue 28).

Each list of a case — staff, revenue, contracts, expenses, investments, loans, needs,
funders, bridging facilities, members… — is a :class:`Section` whose :class:`Field`
records say, as data, what each of its values is: its key in the case file, its French
name (the workbook's column header, the messages' word), its kind, its help text (the
header's note), its drop-down list, whether it takes a value a year, its bounds and
default, whether Monte Carlo may vary it. The project's parameters (``[project]``,
``[indexation]``…) are tables of fields too (:data:`PARAMETERS`), each field a cell
of the workbook. From these tables come the workbook's input tables and parameter
cells (their columns, headers, notes, widths, drop-downs:
:mod:`finplan.io.workbook_layout`), the keys validation accepts (:func:`case_keys`)
and how it reads each value (:mod:`finplan.model.validation`), the case's dataclasses
(:mod:`finplan.model.case`), the values a Monte Carlo variation may name
(:func:`varying`) and the reference of docs/case-file.md (:func:`reference`). The
checks that relate several fields and the messages that say more than the table stay
hand-written in :mod:`finplan.model.validation`.

>>> [field.key for field in section("expense").fields if field.column]
['label', 'account', 'amount', 'years', 'monthly_profile', 'variable', 'member', 'comment']
>>> case_keys("expense")
('label', 'account', 'amount', 'monthly_profile', 'variable', 'comment')
>>> varying()["staff"]
('fte', 'monthly_gross', 'employer_rate')
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

__all__ = ["DEFAULT_DRAWS", "DEFAULT_SEED", "DEFAULT_YEARS", "MAX_DRAWS", "MAX_YEARS",
           "PARAMETERS", "REQUIRED", "Field", "Section", "SECTIONS",
           "attributes", "case_keys", "is_parameters", "items_of", "lines", "reference",
           "section", "varying",
           "with_reference"]


class Field(NamedTuple):
    """One value of a line of the case.

    ``kind``: ``text``, ``integer``, ``number``, ``fraction``, ``account``,
    ``choice`` (with ``field``: the vocabulary of its drop-down list),
    ``code_or_number`` (an aide au poste code or an amount), ``profile``,
    ``payments``, ``lines``, ``yes_no``, ``years``, ``scenario_value``, ``date``,
    ``receipts`` (sums received, each with its date).
    ``per_year``: the field may hold one value per year (a list in the case file;
    « 3 ; 4 ; 5 » in its workbook cell).
    """

    key: str  # the case file's key, and the workbook column's
    header: str  # its French name: the workbook's column header
    kind: str
    comment: str  # its help: the note of the workbook's header
    field: str | None = None  # the vocabulary of its drop-down list
    per_year: bool = False
    width: int = 14  # the workbook column's width
    former: str | None = None  # the header in workbooks made by an earlier finplan
    once_allowed: bool = False  # an amount: only some years filled, the others are 0
    # the finplan generation that added it to its table (0: always there): workbooks of
    # an earlier finplan have the table without it (1: issue 15's earmarked needs and
    # contracts in hours; 2: issue 15's collectives; 3: issue 29's « Année(s) »; 4:
    # values a year in one cell; 5: issue 28's « Commentaire »; 6: issue 16's requests)
    added: int = 0
    varies: bool = False  # a Monte Carlo variation may name it
    case: bool = True  # a key of the case file (False: a workbook column only)
    column: bool = True  # a column of the section's workbook table (False: elsewhere)
    attribute: str | None = None  # its name in the case's dataclass, when not its key
    type: str = "str | None"  # its annotation in the case's dataclass
    default: Any = None  # its value when absent (REQUIRED: it must be given)
    internal: bool = False  # an attribute the engine sets, never a value of the case
    # the bounds validation checks (a fraction: 0 to 1 unless said), ``above``: the low
    # bound excluded; ``expected``: what the message says is expected, when the bounds
    # say it less well
    low: Any = 0
    high: Any = None
    above: bool = False
    expected: str | None = None  # its numbers in braces: {0.02}, written as the source does
    cell: str | None = None  # a parameter's: the defined name of its workbook cell


# The plan's duration: 3 years unless the case says otherwise, at most 5.
DEFAULT_YEARS = 3
MAX_YEARS = 5
# A Monte Carlo run: 10 000 draws from seed 0 unless the case says otherwise.
DEFAULT_DRAWS = 10_000
MAX_DRAWS = 100_000
DEFAULT_SEED = 0


class _Required:
    """The default of a field that has none: a value of the case must give it."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


class Section(NamedTuple):
    """A list of the case: its fields, and its table in the workbook; or a table of
    parameters (:data:`PARAMETERS`): its fields, each a cell of the workbook."""

    key: str  # the case key: "staff", "funder", ...
    title: str  # its French name: the workbook table's title
    table_name: str  # the workbook's Excel table (also a defined name in Excel)
    fields: tuple[Field, ...]
    min_rows: int  # rows of the workbook table at least
    optional: bool = False  # may be absent from workbooks made by an older finplan
    attribute: str | None = None  # the Case's attribute holding its lines


_PROFILE_NOTE = ("Facultatif : saisonnalité, 12 poids de janvier à décembre séparés par "
                 "des points-virgules (par exemple « 1 ; 1 ; 2 ; 2 ; 2 ; 1 ; 1 ; 1 ; 1 ; 1 ; 1 ; "
                 "1 »). Vide : parts égales sur les mois d'activité.")
_PER_YEAR_NOTE = (" Une seule valeur vaut pour chaque année ; pour des valeurs différentes, "
                  "saisissez-en une par année du plan, séparées par « ; » (par exemple "
                  "« 3 ; 4 ; 5 » sur trois ans), prises telles quelles.")
_ONCE_NOTE = (" Une dépense d'une seule fois (une étude, un achat non amorti) : "
              "indiquez aussi son année dans « Année(s) ».")


def _once_field() -> Field:
    """« Année(s) »: the year or years an amount happens in (blank: every year)."""
    return Field("years", "Année(s)", "years", "Vide : le montant vaut pour chaque année. "
                  "Pour un montant d'une seule fois (une étude, un achat non amorti, une "
                  "recette exceptionnelle) : l'année où il a lieu (2027), ou plusieurs "
                  "séparées par « ; » (2027 ; 2029). Il est alors compté tel quel ces "
                  "années-là (ni proratisé ni indexé), 0 les autres.", width=12, added=3,
                 case=False)  # read as the amount's list of years

_MEMBER_NOTE = ("Collectif seulement : l'identifiant du membre à qui appartient cette "
                "ligne (tableau « Membres du collectif ») ; vide : le mandataire.")


def _member_field() -> Field:
    """The « Membre » column of a line table (a collective's lines belong to members)."""
    return Field("member", "Membre", "text", _MEMBER_NOTE, "member", added=2)


def _comment_field() -> Field:
    """« Commentaire »: a note on a line, kept with the plan (issue 28)."""
    return Field("comment", "Commentaire", "text", "Facultatif : une remarque sur cette "
                 "ligne (sa source, une hypothèse, ce qui reste à vérifier), gardée avec le "
                 "plan ; sans effet sur les calculs.", width=16, added=5)


# A Monte Carlo variation's bounds: relative, from -100 % to +1 000 %.
_VARIATION: dict[str, Any] = {"low": -1, "high": 10, "expected": "une variation relative "
                              "entre -1 et 10 ({-0.3} pour -30 %)"}


SECTIONS: tuple[Section, ...] = (
    Section("staff", "Personnel", "tbl_personnel", (
        Field("role", "Poste", "text", "Intitulé du poste ou du groupe de postes.",
              width=36, type="str", default=REQUIRED),
        Field("kind", "Catégorie", "choice", "Insertion (salariés en parcours), "
              "encadrement ou support (direction, administration).", "kind", width=22,
              type="str", default=REQUIRED),
        Field("contract", "Contrat IAE", "choice", "Pour le personnel en insertion "
              "seulement : ACI, EI, AI, ETTI ou EITI.", "contract"),
        Field("fte", "ETP", "number", "Équivalents temps plein (5 postes à 26 h sur "
              "35 h = 3,7 ETP)." + _PER_YEAR_NOTE, per_year=True, varies=True,
              type="PerYear | None", default=REQUIRED),
        Field("monthly_gross", "Salaire brut mensuel (€)", "number",
              "Salaire brut mensuel d'un ETP en année 1 (indexé ensuite).", varies=True,
              type="Decimal", default=REQUIRED,
              expected="un salaire brut mensuel positif ou nul"),
        Field("employer_rate", "Taux de charges patronales", "fraction",
              "Charges patronales en part du brut (13 % : saisir 13 %).", varies=True,
              type="Decimal", default=REQUIRED),
        Field("start_month", "Mois d'embauche", "integer", "Facultatif : mois de "
              "l'année 1 où le poste commence (1 à 12).", type="int | None", low=1,
              high=12),
        Field("hours_from", "Contrat en heures", "text", "Facultatif, au lieu des ETP : "
              "l'identifiant d'un contrat du tableau « Contrats en heures » dont ce "
              "personnel travaille les heures ; ses ETP-années valent alors les heures du "
              "contrat divisées par les heures d'un ETP. Laissez alors les ETP vides.",
              added=1),
        Field("hours_per_fte", "Heures par ETP", "number", "Facultatif, avec « Contrat en "
              "heures » : heures d'un ETP. Vide : le chiffre sourcé du contrat IAE (ACI "
              "1 820 h, ETTI 1 607 h, EITI 1 505 h ; 1 607 h, la durée légale, pour AI et EI "
              "faute de chiffre de la DGEFP).", added=1, type="Decimal | None", high=3000,
              above=True),
        _member_field(),
        _comment_field(),
    ), 12, attribute="staff"),
    Section("revenue", "Recettes propres", "tbl_recettes", (
        Field("label", "Libellé", "text", "Nature de la recette.", width=36,
              type="str", default=REQUIRED),
        Field("account", "Compte", "account", "Compte de produits à 3 chiffres "
              "(706 prestations, 707 ventes, 756 cotisations, 758 dons…).",
              type="str", default="706"),
        Field("amount", "Montant par an (€)", "number", "Soit un montant répété chaque "
              "année (proratisé en année 1 et indexé ensuite), soit une quantité et un prix."
              + _PER_YEAR_NOTE + " Une recette d'une seule fois : indiquez aussi son "
              "année dans « Année(s) ».",
              per_year=True, former="Montant annuel (€)", once_allowed=True, varies=True,
              type="PerYear | None"),
        _once_field(),
        Field("quantity", "Quantité", "number", "Quantité vendue par an (jamais "
              "proratisée)." + _PER_YEAR_NOTE, per_year=True, varies=True, type="PerYear | None"),
        Field("unit_price", "Prix unitaire (€)", "number", "Prix unitaire en année 1 "
              "(indexé ensuite).", varies=True, type="Decimal | None"),
        Field("monthly_profile", "Profil mensuel", "profile", _PROFILE_NOTE, width=24,
              type="tuple[Decimal, ...] | None"),
        _member_field(),
        _comment_field(),
    ), 8, attribute="revenue"),
    Section("contract", "Contrats en heures", "tbl_contrats", (
        Field("id", "Identifiant", "text", "Nom court sans espace ni accent, repris dans la "
              "colonne « Contrat en heures » du personnel (par exemple releve).", width=36,
              type="str", default=REQUIRED),
        Field("label", "Libellé", "text", "Nature de la prestation vendue.",
              type="str", default=REQUIRED),
        Field("client", "Client", "text", "Facultatif : le client qui paie les heures."),
        Field("account", "Compte", "account", "Compte de produits à 3 chiffres (706 "
              "prestations de services par défaut).", type="str", default="706"),
        Field("hours", "Heures par an", "number", "Heures vendues chaque année (jamais "
              "proratisées)." + _PER_YEAR_NOTE, per_year=True, type="PerYear", default=REQUIRED),
        Field("hourly_price", "Prix de l'heure (€)", "number", "Prix d'une heure en année 1 "
              "(indexé ensuite sur les prix). Ou bien, à la place, le montant par an.",
              type="Decimal | None"),
        Field("amount", "Montant par an (€)", "number", "À la place du prix de l'heure : "
              "le montant du contrat chaque année, pris tel quel." + _PER_YEAR_NOTE,
              per_year=True, type="PerYear | None"),
        Field("payments", "Versements", "payments", "Facultatif : quand le client paie "
              "chaque année, par exemple « 50 % mois 6 ; 50 % mois 14 » (mois compté "
              "depuis janvier de l'année des heures ; 13 = janvier de l'année suivante). "
              "Vide : tout en mars.", width=28, type="Payments | None"),
        Field("fee_rate", "Frais de coordination", "fraction", "Collectif seulement : "
              "part que le mandataire garde sur ce qu'il reverse aux autres membres (5 % : "
              "saisir 5 %) ; vide : 0.", added=2, type="Decimal", default=Decimal(0)),
        # a collective's shares of the hours: typed in « Heures des contrats par membre »
        Field("split", "Part des heures", "split", "Collectif seulement : la part des "
              "heures du contrat que travaille chaque membre.", column=False,
              type="tuple[tuple[str, Decimal], ...] | None"),
        Field("split_hours", "Heures par an", "split", "Collectif seulement : les heures "
              "du contrat que travaille chaque membre, chaque année.", column=False,
              type="tuple[tuple[str, PerYear], ...] | None"),
    ), 3, optional=True, attribute="contracts"),
    Section("expense", "Charges", "tbl_charges", (
        Field("label", "Libellé", "text", "Nature de la charge.", width=36,
              type="str", default=REQUIRED),
        Field("account", "Compte", "account", "Compte de charges à 3 chiffres (606 "
              "énergie, 613 loyers, 616 assurances, 622 honoraires…) ; les salaires, "
              "intérêts et amortissements sont calculés par finplan.",
              type="str", default=REQUIRED),
        Field("amount", "Montant par an (€)", "number", "Montant répété chaque année "
              "(proratisé en année 1 et indexé ensuite)." + _PER_YEAR_NOTE + _ONCE_NOTE,
              per_year=True, former="Montant annuel (€)", once_allowed=True, varies=True,
              type="PerYear", default=REQUIRED),
        _once_field(),
        Field("monthly_profile", "Profil mensuel", "profile", _PROFILE_NOTE, width=24,
              type="tuple[Decimal, ...] | None"),
        Field("variable", "Charge variable", "yes_no", "Facultatif : « oui » si cette "
              "charge suit les ventes (marchandises, matières, emballages achetés pour "
              "ce qui est vendu) : le point mort la compte en proportion des recettes "
              "propres ; les autres charges y restent fixes.", width=12, added=6,
              type="bool", default=False),
        _member_field(),
        # when it is paid, as a funder's schedule (None: over the active months): set
        # only by finplan.model.members for what a mandataire passes on to a member
        Field("payments", "Versements", "payments", "", type="Payments | None",
              case=False, column=False, internal=True),
        _comment_field(),
    ), 15, attribute="expenses"),
    Section("investment", "Investissements", "tbl_investissements", (
        Field("label", "Libellé", "text", "Bien acheté.", width=36, type="str", default=REQUIRED),
        Field("amount", "Montant (€)", "number", "Prix d'achat.", varies=True,
              type="Decimal", default=REQUIRED),
        Field("year", "Année d'achat", "integer", "Année du plan (1 à 5) ; 1 par défaut.",
              type="int", default=1),
        Field("month", "Mois d'achat", "integer", "Mois d'achat (1 à 12) ; par défaut le "
              "mois de démarrage en année 1, janvier ensuite.", type="int", default=1),
        Field("life_years", "Durée d'amortissement (ans)", "number",
              "Durée d'amortissement linéaire, en années.", type="Decimal", default=REQUIRED,
              low=1, high=100, expected="une durée d'amortissement en années, de 1 à 100"),
        _member_field(),
        _comment_field(),
    ), 8, attribute="investments"),
    Section("loan", "Emprunts", "tbl_emprunts", (
        Field("label", "Libellé", "text", "Prêteur et nature du prêt.", width=36,
              type="str", default=REQUIRED),
        Field("principal", "Capital (€)", "number", "Montant emprunté.", varies=True,
              type="Decimal", default=REQUIRED, above=True),
        Field("annual_rate", "Taux annuel", "fraction", "Taux nominal annuel (3,8 % : "
              "saisir 3,8 %).", varies=True, type="Decimal", default=REQUIRED),
        Field("months", "Durée (mois)", "integer", "Durée de remboursement en mois.",
              type="int", default=REQUIRED, low=1, high=600),
        Field("year", "Année de versement", "integer", "Année du plan où les fonds sont "
              "reçus ; 1 par défaut.", type="int", default=1),
        Field("month", "Mois de versement", "integer", "Mois où les fonds sont reçus ; "
              "les mensualités commencent le mois suivant.", type="int", default=1),
        _member_field(),
        _comment_field(),
    ), 5, attribute="loans"),
    Section("need", "Besoins particuliers", "tbl_besoins", (
        Field("id", "Identifiant", "text", "Nom court sans espace ni accent, repris dans "
              "la colonne « Finance » des financeurs (par exemple etude).", width=36,
              type="str", default=REQUIRED),
        Field("label", "Libellé", "text", "Description du besoin.", type="str", default=REQUIRED),
        Field("amount", "Montant par an (€)", "number", "Montant du besoin, répété chaque "
              "année (jamais indexé)." + _PER_YEAR_NOTE + " Un besoin d'une seule fois "
              "(une étude) : son montant l'année où il a lieu, 0 les autres (« 8000 ; 0 ; "
              "0 »).",
              per_year=True, former="Montant (€)", once_allowed=True, varies=True,
              type="PerYear | None"),
        Field("max_public_share", "Part publique max.", "fraction", "Facultatif : plafond "
              "des aides publiques en part de ce besoin.", type="Decimal | None",
              above=True),
        Field("covers", "Lignes financées", "lines", "Pour un besoin affecté à des lignes "
              "de votre budget (un poste, une charge) au lieu d'un montant : l'intitulé "
              "du poste (tableau « Personnel ») ou le libellé de la charge (tableau "
              "« Charges »), plusieurs séparés par des points-virgules (par exemple « "
              "Coordinatrice ; Déplacements »). Laissez alors le montant vide : le besoin "
              "vaut le coût de ces lignes (salaires bruts et charges patronales pour un "
              "poste), ce que ses financeurs versent est déduit du besoin de "
              "fonctionnement, et ce qu'ils ne couvrent pas y reste.", width=30,
              added=1, type="tuple[str, ...] | None"),
        Field("share", "Part financée", "fraction", "Facultatif, avec « Lignes "
              "financées » : part du coût de ces lignes que couvre le besoin (50 % : saisir "
              "50 %) ; vide : 100 %." + _PER_YEAR_NOTE, per_year=True, added=1,
              type="PerYear | None"),
        _member_field(),
        _comment_field(),
    ), 5, attribute="needs"),
    Section("funder", "Financeurs", "tbl_financeurs", (
        Field("name", "Financeur", "text", "Nom du financeur, unique (par exemple "
              "« Région (investissement) »).", width=36, type="str", default=REQUIRED),
        Field("type", "Type", "choice", "Public, privé ou fonds propres de la structure.",
              "type", type="str", default=REQUIRED),
        Field("line", "Ligne du Cerfa", "choice", "Sous-ligne 74 du Cerfa 12156 pour un "
              "financeur public ; « Aides privées » pour un privé ; vide pour les fonds "
              "propres.", "line", width=22),
        Field("finances", "Finance", "choice", "Le besoin financé : fonctionnement, "
              "investissement ou l'identifiant d'un besoin particulier.", "finances",
              type="str", default="operating"),
        Field("rule", "Règle", "choice", "Montant fixe, taux du coût, part au prorata des "
              "poids, montant par ETP ou solde.", "rule", width=22, type="str", default=REQUIRED),
        Field("amount", "Montant fixe par an (€)", "number", "Règle « Montant fixe » : "
              "montant versé chaque année." + _PER_YEAR_NOTE + " Une aide d'une seule fois : "
              "son montant l'année où elle est versée, 0 les autres (« 5000 ; 0 ; 0 »).",
              per_year=True, former="Montant fixe (€)", varies=True, type="PerYear | None"),
        Field("rate", "Taux du coût", "fraction", "Règle « Taux du coût » : part du coût "
              "brut (charges, investissements ou besoin particulier)." + _PER_YEAR_NOTE,
              per_year=True, varies=True, type="PerYear | None"),
        Field("weight", "Poids", "number", "Règle « Part » : poids relatif (1 par défaut).",
              type="Decimal", default=Decimal(1), above=True),
        Field("amount_per_fte", "Montant par ETP", "code_or_number", "Règle « Par ETP » : "
              "montant annuel pour un ETP, ou ACI, EI, AI, ETTI, EITI pour le barème de "
              "l'aide au poste." + _PER_YEAR_NOTE, per_year=True, varies=True,
              type="PerYear | str | None"),
        Field("staff_kind", "Catégorie de personnel", "choice", "Règle « Par ETP » : "
              "catégorie des postes comptés.", "kind", width=22),
        Field("contract", "Contrat", "choice", "Règle « Par ETP » : facultatif, contrat "
              "des postes comptés.", "contract"),
        Field("cap", "Plafond annuel (€)", "number", "Facultatif : montant maximal par an."
              + _PER_YEAR_NOTE, per_year=True, varies=True, type="PerYear | None"),
        Field("cap_total", "Plafond total (€)", "number", "Facultatif : montant maximal "
              "sur toute la durée du plan.", varies=True, type="Decimal | None"),
        Field("priority", "Priorité", "integer", "Ordre de passage : le plus petit passe "
              "en premier (100 par défaut).", type="int", default=100, low=-10**6,
              high=10**6),
        Field("payments", "Versements", "payments", "Facultatif : calendrier de versement "
              "de chaque année, par exemple « 60 % mois 4 ; 40 % mois 16 » (mois compté "
              "depuis janvier de l'année financée ; 13 = janvier de l'année suivante). "
              "Vide : 60 % en avril et 40 % en avril suivant (public), 100 % en mars "
              "(privé), en janvier (fonds propres), chaque mois d'activité (par ETP).",
              width=28, type="Payments | None"),
        Field("status", "Statut de la demande", "choice", "Où en est la demande à ce "
              "financeur : envisagée, sollicitée, votée, conventionnée, versée ou refusée ; "
              "vide : sollicitée (pour une aide par ETP : sa règle). Les fonds propres n'en "
              "ont pas." + _PER_YEAR_NOTE, "status", per_year=True, width=16, added=6,
              type="str | tuple[str, ...] | None"),
        Field("voted", "Montant voté (€)", "number", "Le montant que le financeur a "
              "décidé, obligatoire les années où la demande est votée, conventionnée ou "
              "versée." + _PER_YEAR_NOTE, per_year=True, added=6, type="PerYear | None"),
        Field("probability", "Probabilité", "fraction", "Facultatif, pour une demande "
              "envisagée ou sollicitée : la chance qu'elle soit accordée (70 % : saisir "
              "70 %) ; vide : 100 %. Le calcul « Montants attendus » compte le montant "
              "demandé multiplié par cette probabilité." + _PER_YEAR_NOTE, per_year=True,
              added=6, type="PerYear | None"),
        Field("decided_on", "Date de la décision", "date", "Facultatif : la date à "
              "laquelle le financeur a décidé (délibération, notification), par exemple "
              "15/03/2027.", width=14, added=6, type="datetime.date | None"),
        Field("received", "Versements reçus", "receipts", "Facultatif, une fois la "
              "demande votée : les sommes reçues et leur date, « 15/04/2027 : 12000 ; "
              "10/10/2027 : 8000 ». La trésorerie mensuelle les place à leur mois ; le "
              "reste du montant du plan suit le calendrier des versements, jamais avant "
              "le mois qui suit le dernier versement reçu. Une somme reçue avant le début "
              "du plan est déjà dans la trésorerie de départ.", width=28, added=6,
              type="Receipts | None"),
        Field("modulated", "Part modulée", "fraction", "Règle « Par ETP » (aide au "
              "poste de l'IAE), facultatif : la part modulée, de 0 à 10 % du montant "
              "socle, fixée chaque année par le préfet selon les résultats de la "
              "structure (5 % en moyenne) ; versée en une fois en avril de l'année "
              "suivante, le socle chaque mois. Vide : pas de part modulée."
              + _PER_YEAR_NOTE, per_year=True, high=Decimal("0.1"), added=6,
              type="PerYear | None"),
        Field("brought_in", "Apport en trésorerie", "yes_no", "Fonds propres seulement : "
              "« oui » si cet argent entre vraiment en trésorerie (un apport de la "
              "fédération, une levée de fonds propres), versé selon son calendrier et "
              "compté en ressource du plan de financement ; vide : des réserves déjà dans "
              "la trésorerie de départ, qui absorbent le déficit.", added=1,
              type="bool", default=False),
        _member_field(),
        Field("paid_by", "Versé par le membre", "text", "Collectif seulement, pour un "
              "financeur privé d'un besoin du mandataire : l'identifiant du membre qui "
              "verse cette contribution (une cotisation, compte 756, pour le mandataire ; "
              "une charge, compte 628, pour le membre).", "member", added=2),
        _comment_field(),
    ), 12, attribute="funders"),
    Section("in_kind", "Contributions en nature", "tbl_nature", (
        Field("label", "Libellé", "text", "Ce que la structure reçoit sans le payer : "
              "les heures de ses bénévoles, un local ou un véhicule prêté, un service "
              "rendu gratuitement, des biens ou des denrées donnés. Valorisé sur les "
              "lignes 86 et 87 du Cerfa, pour le même montant : ni dépense, ni recette, "
              "ni besoin à financer.", width=36, type="str", default=REQUIRED),
        Field("kind", "Nature", "choice", "Bénévolat (comptes 864 et 870), mise à "
              "disposition de locaux ou de matériel (861 et 871), prestation gratuite (862 "
              "et 871) ou don en nature (860 et 875).", "in_kind", width=30,
              type="str", default=REQUIRED),
        Field("hours", "Heures par an", "number", "Bénévolat : les heures données chaque "
              "année (jamais proratisées)." + _PER_YEAR_NOTE, per_year=True,
              type="PerYear | None"),
        Field("hourly_rate", "Valeur de l'heure (€)", "number", "Bénévolat, facultatif : "
              "la valeur d'une heure, par exemple le coût du même travail payé (salaire "
              "et charges de la fonction). Vide : le SMIC horaire brut en vigueur au 1er "
              "janvier de chaque année (12,02 € en 2026).", type="Decimal | None",
              above=True),
        Field("amount", "Valeur par an (€)", "number", "Les autres natures (ou le "
              "bénévolat déjà chiffré) : la valeur de ce qui est apporté chaque année, au "
              "prix qu'il faudrait payer (le loyer du local, le prix du service, la valeur "
              "des biens)." + _PER_YEAR_NOTE + " Une seule fois : « 3000 ; 0 ; 0 ».",
              per_year=True, type="PerYear | None"),
        _member_field(),
        _comment_field(),
    ), 4, optional=True, attribute="in_kind"),
    Section("actual", "Réalisé (comptes de l'année)", "tbl_realise", (
        Field("year", "Année", "integer", "L'année civile de ces comptes, une année du "
              "plan (par exemple 2027).", width=10, type="int", default=REQUIRED,
              low=1900, high=2200),
        Field("account", "Compte", "text", "Un compte de charges (6…), de produits (7…) "
              "ou de contributions en nature (86…, 87…), comme votre comptabilité le donne "
              "(6061, 613200…). finplan actuals … FEC.txt lit ces comptes dans le fichier "
              "des écritures comptables de votre logiciel.", type="str",
              default=REQUIRED),
        Field("label", "Libellé", "text", "Facultatif : l'intitulé du compte.", width=30),
        Field("amount", "Montant (€)", "number", "Le solde du compte sur l'année : une "
              "charge ou un produit en positif ; en négatif s'il a été diminué (un avoir, "
              "un remboursement).", type="Decimal", default=REQUIRED, low=None),
        _comment_field(),
    ), 5, optional=True, attribute="actuals"),
    Section("bridge", "Financements relais", "tbl_relais", (
        Field("label", "Libellé", "text", "Facultatif : ce que le trésorier prévoit pour "
              "passer les mois où la trésorerie manque (les subventions versées en "
              "retard) ; un libellé unique par ligne, par exemple « Avance remboursable "
              "France Active ». Ils sont tirés dans l'ordre du tableau, chaque mois, de ce "
              "qui manque.", width=36, type="str", default=REQUIRED),
        Field("kind", "Type", "choice", "Prêt relais ou avance remboursable, découvert "
              "autorisé, Dailly (la banque avance une part de la subvention d'un "
              "financeur), avance sur subvention (le financeur verse en avance) ou avance "
              "des membres (compte courant).", "bridge_kind", width=30,
              type="str", default=REQUIRED),
        Field("ceiling", "Plafond (€)", "number", "Le montant prêté au plus à un moment "
              "donné.", type="Decimal", default=REQUIRED, above=True),
        Field("annual_rate", "Taux annuel", "fraction", "Facultatif : taux d'intérêt "
              "annuel (4,5 % : saisir 4,5 %), payé chaque mois sur l'encours ; vide : "
              "0 % (une avance remboursable France Active est à 0 %).",
              type="Decimal", default=Decimal(0)),
        Field("fee", "Frais (€)", "number", "Facultatif : frais de dossier, payés le mois "
              "du premier tirage (compte 627).", type="Decimal", default=Decimal(0)),
        Field("funder", "Financeur", "text", "Dailly et avance sur subvention : le "
              "financeur dont la subvention est avancée (tableau « Financeurs ») ; prêt "
              "relais : le financeur dont le versement le rembourse, s'il y en a un.",
              "funder_name", width=30),
        Field("advance_share", "Part avancée", "fraction", "Facultatif, Dailly et avance "
              "sur subvention : part de ce que doit le financeur qui peut être avancée ; "
              "vide : 80 % (Dailly), 100 % (avance du financeur).", type="Decimal | None",
              above=True),
        Field("from", "À partir du mois", "integer", "Facultatif : premier mois où il peut "
              "être tiré, compté depuis janvier de l'année 1 (13 = janvier de l'année 2) ; "
              "vide : le mois de démarrage.", attribute="from_month", type="int", default=1),
        Field("repay", "Remboursement", "choice", "Facultatif : sur la trésorerie "
              "disponible (dès qu'elle le permet), au versement du financeur (Dailly, "
              "avance sur subvention, prêt relais adossé à une subvention) ou à une date ; "
              "vide : selon le type.", "repay", width=28, type="str", default="surplus"),
        Field("repay_month", "Mois de remboursement", "integer", "Remboursement « À une "
              "date » : le mois où tout est remboursé, compté depuis janvier de l'année 1.",
              type="int | None"),
        _member_field(),
    ), 3, optional=True, attribute="bridges"),
    Section("scenario", "Scénarios", "tbl_scenarios", (
        Field("name", "Scénario", "text", "Nom du scénario (par exemple « Prudent ») ; une "
              "ligne par valeur remplacée, toutes les lignes d'un scénario portant son nom.",
              width=36),
        Field("path", "Clé", "text", "La valeur remplacée, comme dans un dossier finplan : "
              "revenue[0].quantity (première recette), funder[Région (ESS)].cap_total, "
              "project.start_month… (les listes sont numérotées à partir de 0)."),
        Field("value", "Valeur", "scenario_value", "La nouvelle valeur : un nombre, une "
              "valeur par année séparées par des points-virgules (35 ; 55 ; 70) ou un "
              "texte."),
    ), 5, optional=True),
    Section("montecarlo.vary", "Monte Carlo : valeurs qui varient", "tbl_montecarlo", (
        Field("path", "Clé", "text", "La valeur incertaine, comme dans un dossier finplan : "
              "revenue[0].quantity, staff[0].fte, funder[Région (ESS)].cap_total… Elle est "
              "multipliée par (1 + x) chaque année, x tiré au hasard selon la loi.",
              width=36, type="str", default=REQUIRED),
        Field("dist", "Loi", "choice", "Uniforme (entre Bas et Haut), triangulaire (Bas, "
              "Mode, Haut) ou normale (Écart-type, centrée sur 0, sans valeur négative).",
              "dist", width=22, type="str", default=REQUIRED),
        Field("low", "Bas", "fraction", "Variation la plus basse (-30 % : saisir -30 %).",
              type="Decimal | None", **_VARIATION),
        Field("mode", "Mode", "fraction", "Loi triangulaire : variation la plus probable "
              "(0 % : la valeur du dossier).", type="Decimal | None", **_VARIATION),
        Field("high", "Haut", "fraction", "Variation la plus haute (+10 % : saisir 10 %).",
              type="Decimal | None", **_VARIATION),
        Field("sd", "Écart-type", "fraction", "Loi normale : écart-type de la variation "
              "(10 % : saisir 10 %).", type="Decimal | None", high=5, above=True,
              expected="un écart-type relatif strictement positif, au plus 5 ({0.1} pour "
              "±10 %)"),
    ), 5, optional=True),
    Section("member", "Membres du collectif", "tbl_membres", (
        Field("id", "Identifiant", "text", "Collectif seulement (une structure seule "
              "laisse ce tableau vide) : nom court sans espace ni accent du membre, repris "
              "dans la colonne « Membre » des autres tableaux (par exemple layon).",
              width=36, type="str", default=REQUIRED),
        Field("name", "Nom", "text", "Nom de la structure membre.", width=30,
              type="str", default=REQUIRED),
        Field("siae", "Type de SIAE", "choice", "Facultatif : ACI, EI, AI, ETTI ou EITI.",
              "contract"),
        Field("mandataire", "Mandataire", "yes_no", "« oui » pour le seul membre qui "
              "répond aux contrats pour le collectif et reverse aux autres leur part.",
              type="bool", default=False),
        Field("opening_cash", "Trésorerie de départ (€)", "number", "Trésorerie du membre "
              "au démarrage (la « Trésorerie de départ » du bloc Projet reste vide dans un "
              "collectif).", type="Decimal", default=Decimal(0)),
        Field("approved_fte", "Postes agréés (ETP)", "number", "Facultatif : ETP "
              "d'insertion agréés par l'État ; l'aide au poste du membre ne les dépasse "
              "pas." + _PER_YEAR_NOTE, per_year=True, type="PerYear | None"),
    ), 5, optional=True, attribute="members"),
    Section("contract.split", "Heures des contrats par membre", "tbl_heures_membres", (
        Field("contract", "Contrat", "text", "Collectif seulement : l'identifiant d'un "
              "contrat du tableau « Contrats en heures » ; une ligne par membre qui en "
              "travaille des heures. Sans ligne, toutes les heures vont au mandataire.",
              width=24),
        Field("member", "Membre", "text", "L'identifiant du membre.", "member", width=24),
        Field("share", "Part des heures", "fraction", "La part des heures du contrat "
              "(20 % : saisir 20 %), les parts d'un contrat faisant 100 % ; ou bien, à la "
              "place, les heures du membre."),
        Field("hours", "Heures par an", "number", "À la place de la part : les heures du "
              "membre chaque année (leur somme fait les heures du contrat)."
              + _PER_YEAR_NOTE, per_year=True),
    ), 5, optional=True),
)
def _max_share(need: str, title: str, cell: str, comment: str) -> Section:
    """The public share cap of a built-in need (``[needs.<need>]``)."""
    return Section(f"needs.{need}", title, "", (
        Field("max_public_share", f"Part publique maximale {title}", "fraction",
              "Facultatif : plafond des aides publiques en part du besoin " + comment
              + ". Vide : pas de plafond.", cell=cell, above=True),), 0)


# The project's parameters: the tables of the case file that are not lists, each
# value a labelled cell of the workbook with a defined name, in this order.
PARAMETERS: tuple[Section, ...] = (
    Section("project", "Projet", "", (
        Field("name", "Nom du projet", "text", "Nom de la nouvelle activité, tel qu'il "
              "figurera sur le plan.", cell="p_projet", type="str", default=REQUIRED),
        Field("organisation", "Organisation", "text", "Nom de la structure porteuse "
              "(association, SIAE…).", cell="p_organisation", type="str", default=REQUIRED),
        Field("first_year", "Première année du plan", "integer", "Année civile de "
              "l'année 1, par exemple 2027.", cell="p_annee1", type="int", default=REQUIRED,
              low=2000, high=2100),
        Field("years", f"Durée du plan (1 à {MAX_YEARS} ans)", "integer", "Nombre "
              f"d'années du plan ; {DEFAULT_YEARS} par défaut.", cell="p_duree",
              type="int", default=DEFAULT_YEARS, low=1, high=MAX_YEARS),
        Field("start_month", "Mois de démarrage (1 à 12)", "integer", "Mois de l'année 1 "
              "où l'activité démarre (3 = mars).", cell="p_mois_debut", type="int",
              default=1, low=1, high=12),
        Field("opening_cash", "Trésorerie de départ (€)", "number", "Trésorerie "
              "disponible au démarrage pour cette activité.", cell="p_tresorerie",
              type="Decimal", default=Decimal(0), varies=True),
        Field("basis", "Base du calcul", "choice", "Les montants des financeurs sur "
              "lesquels le plan est calculé : « Montants demandés » (par défaut), le plan "
              "tel que demandé ; « Décisions obtenues », les montants votés et 0 pour les "
              "demandes pas encore décidées ou refusées ; « Montants attendus », les "
              "montants votés et les autres demandes multipliées par leur probabilité "
              "(colonnes « Statut de la demande », « Montant voté », « Probabilité » des "
              "financeurs).", "basis", cell="p_base", type="str", default="demande",
              added=6),
    ), 0, attribute="project"),
    Section("indexation", "Indexation", "", tuple(
        Field(key, header, "fraction", comment, cell=cell, type="Decimal",
              default=Decimal(0), low=-1, high=1, above=True,
              expected="un taux annuel entre -1 et 1 ({0.02} pour 2 %)")
        for key, header, cell, comment in (
            ("costs", "Indexation des charges (par an)", "idx_charges", "Hausse annuelle "
             "des charges données par un seul montant, à partir de l'année 2 (2 % : "
             "saisir 2 %)."),
            ("salaries", "Indexation des salaires (par an)", "idx_salaires", "Hausse "
             "annuelle des salaires bruts, à partir de l'année 2."),
            ("prices", "Indexation des prix de vente (par an)", "idx_prix", "Hausse "
             "annuelle des prix unitaires et des recettes données par un seul montant, à "
             "partir de l'année 2."))), 0, attribute="indexation"),
    Section("working_capital", "Besoin en fonds de roulement", "", (
        Field("days", "Besoin en fonds de roulement (jours)", "number", "BFR exprimé en "
              "jours de charges décaissées (0 à 360).", cell="bfr_jours", type="Decimal",
              default=Decimal(0), high=360, expected="un nombre de jours entre 0 et 360",
              varies=True),
    ), 0),
    _max_share("operating", "du fonctionnement", "plafond_public_fonct",
               "de fonctionnement (par exemple 80 %)"),
    _max_share("investment", "de l'investissement", "plafond_public_invest",
               "d'investissement (par exemple 80 % si la Région demande 20 % "
               "d'autofinancement)"),
    Section("montecarlo", "Monte Carlo", "", (
        Field("draws", "Monte Carlo : nombre de tirages", "integer", "Facultatif : nombre "
              "de tirages de la simulation (finplan montecarlo), 10 000 par défaut ; les "
              "valeurs qui varient se décrivent dans le tableau « Monte Carlo » en bas de "
              "la feuille.", cell="mc_tirages", type="int", default=DEFAULT_DRAWS, low=1,
              high=MAX_DRAWS),
        Field("seed", "Monte Carlo : graine du tirage", "integer", "Facultatif : la même "
              "graine redonne exactement les mêmes tirages ; 0 par défaut.",
              cell="mc_graine", type="int", default=DEFAULT_SEED, high=2**32 - 1),
    ), 0, optional=True),
)
SECTIONS_BY_KEY: Mapping[str, Section] = {item.key: item for item in SECTIONS + PARAMETERS}



def section(key: str) -> Section:
    """The section of the case's list ``key``."""
    return SECTIONS_BY_KEY[key]


def attributes(key: str) -> tuple[Field, ...]:
    """The fields of list ``key`` its dataclass holds (the case's, the engine's), in
    the dataclass's order: those without a default first, each group in the table's
    order."""
    held = [field for field in section(key).fields if field.case or field.internal]
    return (tuple(field for field in held if field.default is REQUIRED)
            + tuple(field for field in held if field.default is not REQUIRED))


def lines() -> tuple[Section, ...]:
    """The sections whose lines are attributes of the Case (staff, revenue…)."""
    return tuple(item for item in SECTIONS if item.attribute)


REFERENCE_BEGIN = "<!-- fields: begin (finplan regenerate writes this part) -->"
REFERENCE_END = "<!-- fields: end -->"


def reference() -> str:
    """The table of fields as the case-file reference shows it (Markdown, between
    :data:`REFERENCE_BEGIN` and :data:`REFERENCE_END` in docs/case-file.md): for each
    list, each key with its workbook column, kind, whether it takes a value a year or
    may vary in Monte Carlo, its default, and its help.

    >>> print(reference().splitlines()[2])
    ### `[project]` — « Projet »
    """
    out = [REFERENCE_BEGIN, ""]
    for item in PARAMETERS + SECTIONS:
        heading = f"`[{item.key}]`" if item in PARAMETERS else f"`[[{item.key}]]`"
        out += [f"### {heading} — « {item.title} »", "",
                f"| key | workbook {'cell' if item in PARAMETERS else 'column'} | kind "
                "| a value a year | Monte Carlo | default | help |",
                "|---|---|---|---|---|---|---|"]
        for described in item.fields:
            if described.internal:
                continue
            key = f"`{described.key}`" if described.case else "(workbook only)"
            column = f"« {described.header} »" if described.column else "(another table)"
            if described.cell:
                column += f" (`{described.cell}`)"
            default = ("required" if described.default is REQUIRED
                       else "" if described.default is None else f"`{described.default}`")
            kind = described.kind + (f" ({described.field})" if described.field else "")
            help_text = " ".join(described.comment.split()).replace("|", "\\|")
            out.append(f"| {key} | {column} | {kind} | {'yes' if described.per_year else ''} "
                       f"| {'yes' if described.varies else ''} | {default} | {help_text} |")
        out.append("")
    return "\n".join([*out, REFERENCE_END])


def with_reference(text: str) -> str:
    """``text`` (docs/case-file.md) with its generated part replaced by
    :func:`reference`."""
    start, end = text.index(REFERENCE_BEGIN), text.index(REFERENCE_END) + len(REFERENCE_END)
    return text[:start] + reference() + text[end:]


def items_of(case: Any, described: Section) -> list[Any]:
    """The lines of ``case`` in section ``described`` (one of :func:`lines`), as the
    workbook's tables and the JSON list them: the built-in needs aside."""
    return [item for item in getattr(case, described.attribute)
            if getattr(item, "is_custom", True)]


def case_keys(key: str) -> tuple[str, ...]:
    """The keys a line of list ``key`` may have in a case file, ``member`` aside (the
    owner of a collective's line, read before the line itself)."""
    return tuple(field.key for field in section(key).fields
                 if field.case and field.key != "member")


def varying() -> dict[str, tuple[str, ...]]:
    """The fields a Monte Carlo variation may name, by list, then by table of
    parameters (:func:`is_parameters`: a single value, ``project.opening_cash``)."""
    return {item.key: tuple(field.key for field in item.fields if field.varies)
            for item in SECTIONS + PARAMETERS if any(field.varies for field in item.fields)}


def is_parameters(key: str) -> bool:
    """Whether ``key`` names a table of parameters (``project``), not a list."""
    return section(key) in PARAMETERS
