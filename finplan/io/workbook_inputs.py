"""The input side of the workbook: ``Hypothèses`` (the case), ``Listes``, ``Guide``.

A case is written as the volunteer would type it: French labels for
enumerated values, one number or a « ; » list for per-year values,
every cell of a table styled as an input.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from finplan.io.cells import bounds, column_index
from finplan.io.cells import column_letter as get_column_letter
from finplan.io.grid import Book, Comment, Expectations, Sheet, Table, Validation
from finplan.io.workbook_layout import (
    FIRST_COLUMN,
    INPUT_SHEET,
    LIST_NAMES,
    LISTS_SHEET,
    PARAM_ROW,
    PARAMS,
    SHEETS,
    TABLES,
    TABLES_BY_KEY,
    InputLayout,
    absolute,
    list_column,
    quote_sheet,
)
from finplan.io.workbook_print import (
    CELL_PADDING,
    DEFAULT_ROW_HEIGHT,
    PAGE_HEIGHT,
    POINTS_PER_UNIT,
    fit_texts,
    fit_width,
    print_setup,
    text_points,
    widen_for_words,
)
from finplan.io.workbook_styles import (
    BOLD,
    HEADER_FILL,
    HEADER_FONT,
    INPUT_FILL,
    INPUT_FONT,
    NOTE_FONT,
    NUMBER,
    PERCENT,
    TITLE_FONT,
    WRAP,
)
from finplan.model.case import Case, Contract, Need
from finplan.model.case_dict import left_out
from finplan.model.fields import DEFAULT_YEARS, MAX_YEARS, Field, Section, items_of, lines
from finplan.model.money import format_decimal, format_percent
from finplan.model.names import name_key
from finplan.model.needs import COVERED_KINDS, reference, split_reference
from finplan.model.vocabulary import VOCABULARY, label

__all__ = ["write_inputs", "write_lists", "write_guide", "case_items",
           "Expectations", "finish_input_sheets", "list_expectations"]



def _param_value(case: Case, path: tuple[str, ...]) -> Any:
    if path == ("project", "opening_cash") and case.members:
        return None  # each member's, on « Membres du collectif »
    if path[0] == "montecarlo":
        return None if case.montecarlo is None else getattr(case.montecarlo, path[1])
    if path[0] == "needs":
        return case.need(path[1]).max_public_share
    if path[0] == "working_capital":
        return case.working_capital_days
    return getattr(getattr(case, path[0]), path[1])


def profile_text(profile: tuple[Decimal, ...] | None) -> str | None:
    """12 monthly weights as typed in one cell: ``1 ; 1 ; 2 ; …``."""
    return None if profile is None else " ; ".join(format_decimal(w) for w in profile)


def payments_text(payments: tuple[tuple[Decimal, int], ...] | None) -> str | None:
    """A payment schedule as typed in one cell: ``60 % mois 4 ; 40 % mois 16``."""
    if payments is None:
        return None
    return " ; ".join(f"{format_percent(share)} mois {month}" for share, month in payments)


def receipts_text(receipts: tuple[tuple[datetime.date, Decimal], ...] | None) -> str | None:
    """Sums received as typed in one cell: ``15/04/2027 : 12000 ; 10/10/2027 : 8000``.

    >>> receipts_text(((datetime.date(2027, 4, 15), Decimal("12000.5")),))
    '15/04/2027 : 12000,5'
    """
    if receipts is None:
        return None
    return " ; ".join(f"{day:%d/%m/%Y} : {format_decimal(amount)}"
                      for day, amount in receipts)


def covers_text(case: Case, need: Need) -> str | None:
    """The lines an earmarked need covers as typed in one cell: ``Coordinatrice ;
    Déplacements``, a name prefixed by its table (« Charges : Loyer ») where it is
    both a post and an expense (:func:`read_covers` reads it back)."""
    if need.covers is None:
        return None
    names = {kind: {name_key(getattr(item, field)) for item in items}
             for (kind, field), items in zip(COVERED_KINDS.items(),
                                             (case.staff, case.expenses))}
    texts = []
    for text in need.covers:
        kind, name = split_reference(text)
        both = all(name_key(name) in found for found in names.values())
        texts.append(f"{TABLES_BY_KEY[kind].title} : {name}" if both else name)
    return " ; ".join(texts)


def read_covers(text: str) -> list[str]:
    """A « Lignes financées » cell as the case's ``covers``: each name as typed, or
    ``staff[…]`` / ``expense[…]`` where it is prefixed by its table (« Personnel :
    Coordinatrice »), which the validation then finds.

    >>> read_covers("Coordinatrice ; Charges : Loyer")
    ['Coordinatrice', 'expense[Loyer]']
    """
    titles = {name_key(TABLES_BY_KEY[kind].title).casefold(): kind for kind in COVERED_KINDS}
    covers = []
    for item in (part.strip() for part in text.split(";")):
        head, colon, name = item.partition(":")
        kind = titles.get(name_key(head).casefold()) if colon else None
        if item:
            covers.append(reference(kind, name.strip()) if kind else item)
    return covers


def case_items(case: Case) -> dict[str, list[dict[str, Any]]]:
    """The lists of a case as table rows: column key -> value as typed. A line's values
    are written as their fields say (:func:`typed_value`), but those its case file
    leaves out with the line's other values (:func:`~finplan.model.case_dict.left_out`);
    the scenarios, Monte Carlo's variations and a collective's hours are rows of
    their own."""
    items = {described.key: [_line_row(case, described, item)
                             for item in items_of(case, described)]
             for described in lines()}
    return {
        **items,
        "scenario": [{"name": scenario.name, "path": path, "value": _scenario_value(value)}
                     for scenario in case.scenarios for path, value in scenario.overrides],
        "montecarlo.vary": [{**vars(variation), "dist": label("dist", variation.dist)}
                            for variation in (case.montecarlo.vary if case.montecarlo
                                              else ())],
        "contract.split": [row for contract in case.contracts
                           for row in contract_split_rows(contract)],
    }


def _line_row(case: Case, described: Section, item: Any) -> dict[str, Any]:
    """A line of the case as its table's row: column key -> value as typed."""
    skipped = left_out(described.key, item)
    return {column.key: typed_value(case, column, item) for column in described.fields
            if column.column and column.case and column.key not in skipped}


def typed_value(case: Case, column: Field, item: Any) -> Any:
    """A value of a line as a volunteer types it in its column, by its field's kind: a
    drop-down's French label, « oui » or blank, a schedule, a profile or the lines an
    earmarked need covers as one text; the others as they are (a value a year: its
    tuple, :func:`year_list` writes it).

    >>> from finplan.model.case import Funder
    >>> from finplan.model.fields import section
    >>> funder = Funder("Région", "public", "rate", line="region", brought_in=False)
    >>> [typed_value(None, column, funder) for column in section("funder").fields
    ...  if column.key in ("type", "line", "brought_in", "finances")]
    ['Public', 'Région', 'Fonctionnement', None]
    """
    value = getattr(item, column.attribute or column.key)
    if value is None:
        return None
    if column.kind == "choice" and isinstance(value, tuple):  # one a year
        return tuple(VOCABULARY[column.field][item] for item in value)
    if column.kind == "choice":
        return VOCABULARY[column.field].get(value, value)  # a custom need's id as it is
    if column.kind == "yes_no":
        return "oui" if value else None
    if column.kind == "profile":
        return profile_text(value)
    if column.kind == "payments":
        return payments_text(value)
    if column.kind == "receipts":
        return receipts_text(value)
    if column.kind == "date":  # as a French Excel shows a date typed in it
        return f"{value:%d/%m/%Y}"
    if column.kind == "lines":
        return covers_text(case, item)
    return value


def contract_split_rows(contract: Contract) -> list[dict[str, Any]]:
    """A contract's « Heures des contrats par membre » rows: one per member, its share
    or its hours."""
    if contract.split_hours is not None:
        return [{"contract": contract.id, "member": member, "hours": hours}
                for member, hours in contract.split_hours]
    return [{"contract": contract.id, "member": member, "share": share}
            for member, share in contract.split or ()]


def _scenario_value(value: Any) -> Any:
    """A scenario's value in one cell: a number, ``35 ; 55 ; 70``, or a text."""
    if isinstance(value, tuple):
        return " ; ".join(format_decimal(item) if isinstance(item, Decimal) else str(item)
                          for item in value)
    return value


def year_list(values: Sequence[Any], kind: str) -> str:
    """A per-year field's values in its one cell, as the workbook's formulas read them
    (:func:`finplan.io.workbook_read.listed_number`), a space only around each « ; »
    so that a wrapped cell breaks between values, never inside one.

    >>> year_list((Decimal("3.7"), 5, 5), "number"), year_list((Decimal("0.3"),), "fraction")
    ('3,7 ; 5 ; 5', '30%')
    >>> year_list((12000, Decimal("15000.5")), "number"), year_list(("ACI", 5000), "code")
    ('12000 ; 15000,5', 'ACI ; 5000')
    """
    def one(value: Any) -> str:
        if isinstance(value, str):
            return value
        if kind == "fraction":
            return format_decimal(Decimal(value) * 100) + "%"
        return format_decimal(Decimal(value))
    return " ; ".join(one(value) for value in values)


def _cell_value(value: Any) -> Any:
    """Numbers as Excel numbers (exact decimals become floats only on disk)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def write_inputs(book: Book, layout: InputLayout, case: Case | None) -> Sheet:
    """The ``Hypothèses`` sheet: parameters and one Excel table per list."""
    sheet = book.create_sheet(INPUT_SHEET)
    sheet.tab_color = "F4B183"
    sheet.put("B1", "Hypothèses du plan", font=TITLE_FONT)
    sheet.put("B2", "Saisissez les cellules jaunes. Les listes déroulantes proposent les "
              "valeurs possibles ; les commentaires des en-têtes expliquent chaque colonne.",
              font=NOTE_FONT)
    sheet.put("B4", "Projet", font=BOLD)
    for column, text in (("B", "Paramètre"), ("C", "Valeur"), ("D", "Aide")):
        sheet.put(f"{column}{PARAM_ROW - 1}", text, fill=HEADER_FILL, font=HEADER_FONT)
    for param in PARAMS:
        row = PARAM_ROW + PARAMS.index(param)
        sheet.put(f"B{row}", param.label)
        value = param.default if case is None else _param_value(case, param.path)
        if param.field is not None and case is not None and value is not None:
            value = label(param.field, value)
        coordinate = f"C{row}"
        sheet.put(coordinate, _cell_value(value), fill=INPUT_FILL, font=INPUT_FONT)
        if param.kind == "fraction":
            sheet.set(coordinate, number_format=PERCENT)
        elif param.kind == "number":
            sheet.set(coordinate, number_format=NUMBER)
        sheet.put(f"D{row}", param.comment, font=NOTE_FONT)
        book.names[param.name] = f"{quote_sheet(INPUT_SHEET)}!{absolute(coordinate)}"
    items = case_items(case) if case is not None else {}
    validations: dict[str, Validation] = {}
    for param in PARAMS:
        if param.field is not None:  # a choice: its drop-down list
            validations.setdefault(param.field, Validation(
                f"={LIST_NAMES[param.field]}")).areas.append(
                    f"C{PARAM_ROW + PARAMS.index(param)}")
    for spec in TABLES:
        table = layout.table(spec.key)
        _write_table(sheet, table, items.get(spec.key, []), validations)
    sheet.validations.extend(validations.values())
    # narrow value columns (their headers wrap): more of a wide table on a printed page;
    # a drop-down column as wide as its longest choice (up to 32), so none is cut
    widths = {1: 2, 2: 26, 3: 20, 4: 13, 5: 11, 6: 16, 7: 11, 8: 11, 9: 13, 10: 14, 11: 14}
    for index in range(1, 40):
        sheet.widths[index] = max(widths.get(index, 10), _choice_width(index))
    sheet.freeze = "C1"
    return sheet


def _choice_width(index: int) -> float:
    """The width the drop-down columns in sheet column ``index`` need (0: none)."""
    needed = 0.0
    for spec in TABLES:
        for column in spec.columns:
            if column.field in VOCABULARY and FIRST_COLUMN + spec.column_index(
                    column.key) == index:
                longest = max(text_points(text) for text in VOCABULARY[column.field].values())
                needed = max(needed, (longest + CELL_PADDING) / POINTS_PER_UNIT)
    return min(16.0, math.ceil(needed * 2) / 2)


def finish_input_sheets(book: Book, case: Case | None) -> None:
    """Print setup of the Guide (one page wide) and the Hypothèses (its wide tables
    split over pages, the first column repeated on each; see
    :mod:`finplan.io.workbook_print`). No date in their headers: `fill` never rewrites
    these sheets, so a date there would be that of the template, not of the figures."""
    organisation = case.project.organisation if case else ""
    project = case.project.name if case else ""
    guide = book[SHEETS["guide"]]
    print_setup(guide, organisation, project)
    widen_for_words(guide)
    fit_texts(guide, fit_width(guide))
    inputs = book[SHEETS["inputs"]]
    print_setup(inputs, organisation, project)
    last_param = PARAM_ROW + len(PARAMS) - 1
    params = f"A1:C{last_param}"
    inputs.page.area = f"{params},A{last_param + 2}:{get_column_letter(inputs.max_column)}" \
                       f"{inputs.max_row}"
    widen_for_words(inputs)
    breaks = fit_width(inputs, title_columns=2)
    fit_texts(inputs, breaks, title_columns=2)
    inputs.page.area = ",".join([params, *_table_areas(inputs, breaks)])


def _table_areas(sheet: Sheet, breaks: Sequence[int]) -> list[str]:
    """The print areas of the input tables, each on pages of its own, as wide as its
    widest table: consecutive tables as many pages wide (their last column before the
    same column break) together, and tables of different widths together when they
    hold on one page height — so that a narrow table never prints pages of nothing
    but its repeated labels beside a wide one. A table that would cross the foot of a
    page starts the next one (a row break above its title)."""
    page = sheet.page
    _, _, top, bottom = page.margins
    room = (PAGE_HEIGHT - 72 * (top + bottom)) * 100 / (page.scale or 100) * 0.97

    def height(first: int, last: int) -> float:
        return sum(sheet.heights.get(row, DEFAULT_ROW_HEIGHT) for row in range(first, last + 1))

    # first row (the title's), last row, last column, pages wide: (fewest, most)
    groups: list[tuple[int, int, int, tuple[int, int]]] = []
    page_top = 0  # the first row of the current page
    for table in sheet.tables:
        first_row, _, last_row, last_column = bounds(table.ref)
        parts = sum(1 for column in breaks if column < last_column)
        if groups:
            first, _, widest, (fewest, most) = groups[-1]
            if fewest == most == parts or height(first, last_row) <= room:
                groups[-1] = (first, last_row, max(widest, last_column),
                              (min(fewest, parts), max(most, parts)))
                if height(page_top, last_row) > room >= height(first_row - 1, last_row):
                    page.row_breaks.append(first_row - 2)
                    page_top = first_row - 1
                continue
        groups.append((first_row - 1, last_row, last_column, (parts, parts)))
        page_top = first_row - 1
    return [f"A{first}:{get_column_letter(last_column)}{last_row}"
            for first, last_row, last_column, _ in groups]


def _write_table(sheet: Sheet, table: Any, rows: list[Mapping[str, Any]],
                 validations: dict[str, Validation]) -> None:
    spec = table.spec
    sheet.put(f"B{table.title_row}", spec.title, font=BOLD)
    for offset, column in enumerate(spec.columns):
        place = (table.header_row, FIRST_COLUMN + offset)
        sheet.put(place, column.header, align=WRAP, fill=HEADER_FILL, font=HEADER_FONT)
        sheet.comments[place] = Comment(column.comment)
    sheet.heights[table.header_row] = 45
    for index in range(table.rows):
        row = table.first_row + index
        values = rows[index] if index < len(rows) else {}
        for offset, column in enumerate(spec.columns):
            place = (row, FIRST_COLUMN + offset)
            value = values.get(column.key)
            if isinstance(value, tuple):
                sheet.put(place, year_list(value, column.kind))
            elif value is not None:
                sheet.put(place, _cell_value(value))
            sheet.set(place, fill=INPUT_FILL, font=INPUT_FONT)
            if column.per_year:  # « 3 ; 4,5 ; 4,5 » wraps within its column
                sheet.set(place, align=WRAP)
            if column.kind == "fraction":
                sheet.set(place, number_format=PERCENT)
    for column in spec.columns:
        if column.field is None:
            continue
        validation = validations.setdefault(column.field, Validation(
            f"={LIST_NAMES[column.field]}", strict=not column.per_year))
        letter = get_column_letter(FIRST_COLUMN + spec.column_index(column.key))
        validation.areas.append(f"{letter}{table.first_row}:{letter}{table.last_row}")
    sheet.tables.append(Table(spec.table_name, table.ref))


# The lists that also offer the ids typed in a table (field -> table): a funder finances
# a custom need by its id, a line belongs to a member by its id.
_TYPED_IDS = {"finances": ("need", "id"), "member": ("member", "id"),
              "funder_name": ("funder", "name")}


def _id_cells(layout: InputLayout, field: str) -> list[tuple[str, str]]:
    """(Listes cell, Hypothèses source) of the ids of ``_TYPED_IDS[field]``'s table
    offered by the field's list, after its fixed choices (none: a workbook of an
    earlier finplan, without that table)."""
    key, column = _TYPED_IDS[field]
    if key not in layout.tables:
        return []
    table = layout.table(key)
    letter = list_column(field)
    first = len(VOCABULARY.get(field, {})) + 2
    id_letter = get_column_letter(FIRST_COLUMN + table.spec.column_index(column))
    return [(f"{letter}{first + offset}",
             f"{quote_sheet(INPUT_SHEET)}!{id_letter}{table.first_row + offset}")
            for offset in range(table.rows)]


def list_expectations(layout: InputLayout, case: Case | None) -> Expectations:
    """The values of the Listes formulas (the custom need ids, the member ids) for
    ``case``."""
    typed = {"finances": [] if case is None else [n.id for n in case.needs if n.is_custom],
             "member": [] if case is None else [m.id for m in case.members],
             "funder_name": [] if case is None else [f.name for f in case.funders]}
    return {(LISTS_SHEET, cell): ids[offset] if offset < len(ids) else ""
            for field, ids in typed.items()
            for offset, (cell, _) in enumerate(_id_cells(layout, field))}


def write_lists(book: Book, layout: InputLayout, case: Case | None,
                expected: Expectations) -> Sheet:
    """The hidden ``Listes`` sheet behind the drop-down lists (defined names)."""
    sheet = book.create_sheet(LISTS_SHEET)
    sheet.hidden = True
    for field, name in LIST_NAMES.items():
        letter = list_column(field)
        sheet.put(f"{letter}1", name)
        values = list(VOCABULARY.get(field, {}).values())
        for row, value in enumerate(values, start=2):
            sheet.put(f"{letter}{row}", value)
        last = len(values) + 1
        if field in _TYPED_IDS:
            for cell, source in _id_cells(layout, field):
                sheet.formula(cell, f'IF({source}="","",{source})')
            last += len(_id_cells(layout, field))
        book.names[name] = f"{quote_sheet(LISTS_SHEET)}!${letter}$2:${letter}${last}"
        sheet.widths[column_index(letter)] = 40
    expected.update(list_expectations(layout, case))
    return sheet


GUIDE_TEXT = (
    ("Plan de financement et budget prévisionnel — finplan", TITLE_FONT),
    ("À quoi sert ce classeur", BOLD),
    ("Il construit le plan de financement multi-financeurs et le budget prévisionnel sur "
     f"{DEFAULT_YEARS} ans (jusqu'à {MAX_YEARS}) d'une nouvelle activité, à partir des "
     "hypothèses saisies.", None),
    ("Dans quel ordre le remplir", BOLD),
    ("1. Feuille « Hypothèses », bloc Projet : nom, organisation, première année, durée, "
     "mois de démarrage, trésorerie de départ, indexations, BFR.", None),
    ("2. Personnel : un poste ou un groupe de postes par ligne (ETP, salaire brut mensuel, "
     "taux de charges, catégorie ; contrat IAE pour les salariés en insertion).", None),
    ("3. Recettes propres (ventes, prestations, cotisations) et charges (par compte "
     "comptable à 3 chiffres).", None),
    ("4. Investissements (montant, date, durée d'amortissement) et emprunts.", None),
    ("5. Besoins particuliers éventuels : une étude payée directement par les financeurs "
     "(un montant), ou des lignes de votre budget qu'un financeur paie en propre, par "
     "exemple la moitié d'un poste de coordination (colonnes « Lignes financées » et "
     "« Part financée »).", None),
    ("6. Financeurs : pour chacun, son type, sa ligne du Cerfa, le besoin qu'il finance et "
     "sa règle (montant fixe, taux du coût, part au prorata des poids, montant par ETP, "
     "solde), avec ses plafonds et sa priorité. Une fois les demandes déposées : le "
     "« Statut de la demande » (sollicité, voté, refusé…), le « Montant voté », et la "
     "« Base du calcul » du bloc Projet pour calculer le plan sur les décisions "
     "obtenues ou les montants attendus.", None),
    ("7. Facultatif : financements relais (prêt relais, avance remboursable, Dailly, "
     "découvert, avance du financeur ou des membres) pour les mois où la trésorerie "
     "manque ; finplan les tire et les rembourse mois par mois et met leur coût au "
     "Budget.", None),
    ("8. Facultatif : scénarios (valeurs remplacées, comparées dans la feuille "
     "« Scénarios ») et Monte Carlo (valeurs incertaines et leur loi, simulées par "
     "finplan montecarlo : probabilité d'un besoin non financé ou d'une trésorerie "
     "négative, percentiles, histogrammes).", None),
    ("9. Collectif de structures seulement (une structure seule n'y touche pas) : les "
     "membres dans « Membres du collectif », en bas de la feuille, dont un seul "
     "mandataire ; la colonne « Membre » de chaque ligne ; la répartition des heures de "
     "chaque contrat dans « Heures des contrats par membre ». Le calcul ajoute la "
     "feuille « Membres » et les feuilles de chaque membre.", None),
    ("Les cellules jaunes sont les seules à saisir. Une valeur différente chaque année "
     "(des ETP, une quantité, un montant) s'écrit dans sa cellule, une par année séparées "
     "par « ; » : « 3 ; 4,5 ; 4,5 ».", NOTE_FONT),
    ("Reçu par courriel ?", BOLD),
    ("Excel ouvre un classeur reçu par courriel ou téléchargé en « Mode protégé » (bandeau "
     "jaune en haut) : rien ne peut y être saisi ni calculé. Cliquez sur « Activer la "
     "modification » dans ce bandeau, puis enregistrez le classeur dans un dossier à vous "
     "(par exemple Documents) avant de le remplir. Si le bandeau est rouge (« Risque de "
     "sécurité »), fermez le classeur, clic droit sur le fichier > Propriétés, cochez "
     "« Débloquer » puis rouvrez-le.", None),
    ("Calculer le plan", BOLD),
    ("Bouton « Calculer le plan » de l'onglet « finplan » du ruban (complément installé "
     "par finplan excel installer), ou du volet xlwings Lite : les étapes, et que faire "
     "si ça ne marche pas, sont dans le fichier LISEZMOI.txt remis avec ce classeur "
     "(écrit par finplan excel init). En "
     "ligne de commande : finplan fill ce-classeur.xlsx, qui garde la version précédente "
     "en sauvegarde (.bak.xlsx). Les hypothèses ne sont jamais modifiées.", None),
    ("Les feuilles de résultats", BOLD),
    ("Budget : compte de résultat prévisionnel sur les lignes du Cerfa 12156, avec le "
     "détail par compte.", None),
    ("Financeurs : qui paie quoi chaque année, la part de chaque besoin et ce qui a limité "
     "chaque montant (besoin, plafond annuel, plafond total, plafond public).", None),
    ("Plan de financement : emplois et ressources, capacité d'autofinancement, BFR, "
     "trésorerie de fin d'année.", None),
    ("Trésorerie : les encaissements et décaissements mois par mois, selon le calendrier "
     "de versement de chaque financeur, les financements relais et le besoin qui reste.",
     None),
    ("Contrôles : chaque vérification, OK ou À revoir, avec son message.", None),
    ("Calculs : le détail des calculs (salaires, amortissements, intérêts, besoins).", None),
    ("Les montants des financeurs, la quote-part des subventions d'investissement (747), "
     "ce qui a limité chaque montant, la trésorerie mensuelle et les messages des "
     "contrôles sont calculés par finplan ; le reste est en formules. Dès qu'une "
     "hypothèse change, chaque feuille de résultats l'indique en rouge sous son titre, le "
     "contrôle « Résultats calculés à partir des hypothèses actuelles » passe à « À "
     "revoir » et le verdict ne peut plus être « Plan validé », jusqu'au prochain "
     "calcul.", NOTE_FONT),
)


def write_guide(book: Book) -> Sheet:
    """The ``Guide`` sheet: what to fill, in what order, what the commands do."""
    sheet = book.create_sheet(SHEETS["guide"], 0)
    sheet.tab_color = "1F4E79"
    for row, (text, font) in enumerate(GUIDE_TEXT, start=2):
        sheet.put(f"B{row}", text, align=WRAP)
        if font is not None:
            sheet.set(f"B{row}", font=font)
    sheet.widths[1] = 3
    sheet.widths[2] = 110
    return sheet
