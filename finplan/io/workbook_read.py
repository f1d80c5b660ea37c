"""A filled workbook -> validated :class:`Case`, with errors citing sheet and cell.

The reader finds the parameters by their defined names and each list of the
case by its Excel table (``tbl_personnel``…), so rows added to a table in Excel
are read too.  It turns what a French user typed into the raw case of the
case-file format (numbers typed as text are read the French way, or refused
when ambiguous), and the case goes through the same validation as a case
file; only the location of each error differs (``Hypothèses!G25`` instead of
``staff[0].employer_rate``).
"""

from __future__ import annotations

import datetime
import io
import re
import warnings
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from finplan.errors import CaseError, InputFileError, Issue, Words
from finplan.io.cells import bounds
from finplan.io.cells import column_letter as get_column_letter
from finplan.io.cells import split as coordinate_to_tuple
from finplan.io.input_files import XLSX, require_file, require_workbook_content
from finplan.io.numbers import (
    AmbiguousNumber,
    NotANumber,
    date_of_day_number,
    parse_french_number,
)
from finplan.io.package_guard import LIMITS, inspect_package
from finplan.io.sheet_marks import align_titles, finplan_title, referred_sheet
from finplan.io.workbook_inputs import read_covers
from finplan.io.workbook_layout import (
    FIRST_COLUMN,
    INPUT_SHEET,
    MAX_YEARS,
    PARAM_ROW,
    PARAMS,
    SHEETS,
    TABLES,
    TABLES_BY_KEY,
    Column,
    InputLayout,
    Param,
    TableSpec,
)
from finplan.model.case import Case
from finplan.model.money import format_decimal
from finplan.model.names import name_key
from finplan.model.validation import FORMAT, MISSING_TEXT, show, validate_case
from finplan.model.vocabulary import VOCABULARY, label, spaced

if TYPE_CHECKING:  # openpyxl is imported where a file is opened: the Excel button reads
    # a grid of values and never needs it
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["WORKBOOK_WORDS", "WorkbookWords", "WorkbookCase", "read_workbook_case",
           "read_workbook_file", "read_grid_case", "GridCells", "input_values",
           "open_workbook", "MAX_WORKBOOK_BYTES", "EXCEL_ERRORS"]

MAX_WORKBOOK_BYTES = 20_000_000
TABLE_ROWS = LIMITS["table_rows"]
# Error values a cell can show, and what each means to a volunteer.
EXCEL_ERRORS = {
    "#REF!": "une cellule ou une feuille que la formule utilisait a été supprimée",
    "#N/A": "valeur non disponible, souvent une RECHERCHEV qui n'a rien trouvé",
    "#DIV/0!": "division par zéro",
    "#VALUE!": "la formule calcule avec un texte",
    "#NAME?": "la formule utilise un nom ou une fonction inconnus",
    "#NUM!": "nombre impossible",
    "#NULL!": "plages sans intersection",
    "#SPILL!": "le résultat ne peut pas s'étendre",
    "#CALC!": "calcul impossible",
    "#GETTING_DATA": "donnée encore en cours de chargement",
    "#DATA!": "donnée indisponible",
}
_NUMERIC_KINDS = {"number", "fraction", "integer"}


class WorkbookWords(Words):
    """The words of the workbook: column headers and parameter labels for fields,
    table titles for sections, drop-down labels for choices, 0,2 for numbers.

    >>> from finplan.errors import choice, key, num, render, section
    >>> render(f"{key('revenue.unit_price')} ; {section('staff')} ; "
    ...        f"{choice('rule', 'share')} ; {num('0.2')}", WORKBOOK_WORDS)
    'Prix unitaire (€) ; « Personnel » ; Part (au prorata des poids) ; 0,2'
    """

    examples: ClassVar[dict[str, str]] = {
        "payments": "« 60 % mois 4 ; 40 % mois 16 »",
        "payment": "« 60 % mois 4 »",
        "receipts": "« 15/04/2027 : 12000 ; 10/10/2027 : 8000 »",
        "receipt": "« 15/04/2027 : 12000 »",
        "date": "15/03/2027",
        "profile": "« 1 ; 1 ; 2 ; 2 ; 2 ; 1 ; 1 ; 1 ; 1 ; 1 ; 1 ; 1 »",
        "covers": "« Personnel : Coordinatrice » ou « Charges : Déplacements »",
        "scenario_set": "une ligne du tableau « Scénarios » (Clé et Valeur)",
        "montecarlo_vary": "une ligne du tableau « Monte Carlo : valeurs qui varient »",
        "remove": "videz la colonne",
        "remove_this": "videz cette cellule",
        "true": "VRAI",
        "false": "FAUX",
    }

    def __init__(self, locations: Mapping[str, str] | None = None,
                 year_columns: bool = False) -> None:
        self.locations = locations or {}
        self.year_columns = year_columns  # a workbook made before YEARS_IN_CELL

    def key(self, generic_path: str) -> str:
        generic_path = _SPLIT_KEYS.get(generic_path, generic_path)
        table, _, field = generic_path.rpartition(".")
        spec = TABLES_BY_KEY.get(table)
        column = next((c for c in spec.columns if c.key == field), None) if spec else None
        if column is not None:
            return column.header
        param = next((p for p in PARAMS if ".".join(p.path) == generic_path), None)
        return param.label if param else "cette valeur"

    def section(self, name: str) -> str:
        spec = TABLES_BY_KEY.get(name)
        return f"« {spec.title} »" if spec else "« Hypothèses »"

    def choice(self, field: str, value: str) -> str:
        return label(field, value) if value in VOCABULARY.get(field, {}) else value

    def num(self, text: str) -> str:
        """A number as French text writes it: decimal comma, thousands apart from five
        digits on (« 12 000 », « 1 234,5 »; a year stays « 2027 »)."""
        whole, dot, decimals = text.partition(".")
        digits = whole.lstrip("-")
        if digits.isdigit() and len(digits) >= 5:
            whole = whole[:len(whole) - len(digits)] + spaced(int(digits))
        return whole + ("," + decimals if dot else "")

    def per_year(self, count: str) -> str:
        if self.year_columns:
            last = f"« an {count} »" if count else "de chaque année"
            return f"une valeur dans chaque colonne « an 1 » à {last} en fin de tableau"
        example = " ; ".join(str(n) for n in range(3, 3 + int(count))) if count else "3 ; 4"
        return f"une valeur par année séparées par « ; » (« {example} »)"

    def ref(self, path: str) -> str:
        if path in self.locations:
            return f"la ligne de {self.locations[path]}"
        found = re.fullmatch(r"(.+)\[(\d+)\]", path)
        if found and found.group(1) in TABLES_BY_KEY:
            return (f"la ligne {int(found.group(2)) + 1} du tableau "
                    f"« {TABLES_BY_KEY[found.group(1)].title} »")
        return "une autre ligne"

    def list(self, items: Sequence[str]) -> str:
        return " ; ".join(self.item(item) for item in items)


WORKBOOK_WORDS = WorkbookWords()
# A contract's split is typed in its own table, one row per member.
_SPLIT_KEYS = {"contract.split": "contract.split.share",
               "contract.split_hours": "contract.split.hours"}


@dataclass(frozen=True)
class WorkbookCase:
    """The case of a workbook, where its inputs are, and where each key path is."""

    case: Case
    layout: InputLayout
    locations: Mapping[str, str]
    notes: tuple[str, ...] = ()  # numbers typed as text: read, but Excel cannot use them
    text_cells: tuple[str, ...] = ()  # where they are (Hypothèses cells)


def open_workbook(path: str | Path, *, keep_vba: bool = False,
                  data_only: bool = False) -> Workbook:
    """Open a workbook with French errors for every way it can fail; the package is
    inspected first (size, zip bombs, XML entities, cell count: see
    :mod:`finplan.io.package_guard`)."""
    return _load(_checked_workbook(path), None, keep_vba=keep_vba, data_only=data_only)


def _checked_workbook(path: str | Path) -> Path:
    """``path`` once it is known to be a workbook finplan can safely unpack."""
    path = require_file(path, "Classeur", MAX_WORKBOOK_BYTES)
    kind = require_workbook_content(path)  # an .ods, .xls, .xlsb… is named for what it is
    if path.suffix.lower() not in (".xlsx", ".xlsm") and kind == XLSX:
        raise InputFileError(f"{path} est un classeur Excel dont le nom ne finit pas par "
                             ".xlsx : renommez-le (par exemple « plan.xlsx ») et relancez "
                             "finplan.")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputFileError(f"{path} n'est pas un classeur Excel .xlsx ou .xlsm : "
                             "enregistrez-le au format .xlsx (« Fichier > Enregistrer "
                             "sous… > Classeur Excel (.xlsx) »).")
    inspect_package(path)
    return path


def open_workbook_to_fill(path: str | Path, results: Collection[str]
                          ) -> tuple[Workbook, dict[str, set[str]]]:
    """:func:`open_workbook` for a fill: the sheets ``results`` (titles), which the fill
    rewrites, are loaded without their cells, drawings and charts — only the cells
    that held something are read, straight from the package
    (:func:`finplan.io.workbook_package.without_cells`), for the check that nothing a
    user typed there is lost.  (book, title -> filled cells of each sheet so read.)"""
    from finplan.io.workbook_package import without_cells

    path = _checked_workbook(path)
    data, cells = without_cells(str(path), results)
    return _load(path, data), cells


def _load(path: Path, data: bytes | None, *, keep_vba: bool = False,
          data_only: bool = False) -> Workbook:
    """openpyxl's load of ``path`` (or of ``data``, the same package lightened), with a
    French message whatever it trips on; finplan's sheets under finplan's spelling
    (:func:`finplan.io.sheet_marks.align_titles`)."""
    from openpyxl import load_workbook

    try:
        with (open(path, "rb") if data is None else io.BytesIO(data)) as handle, \
                warnings.catch_warnings():
            # the handle is closed even when openpyxl gives up midway; its English
            # warnings (unsupported extensions…) mean nothing to a volunteer
            warnings.simplefilter("ignore", UserWarning)
            book = load_workbook(handle, keep_vba=keep_vba, rich_text=False,
                                 data_only=data_only)
    except Exception as error:  # whatever openpyxl trips on, the file is unreadable
        unreadable = _unreadable_parts(path)
        if unreadable:
            raise InputFileError(f"{path.name} contient {unreadable}, que finplan ne sait "
                                 "pas lire : enregistrez une copie du classeur sans ces "
                                 "éléments et travaillez sur cette copie. Rien n'a été "
                                 "modifié.") from None
        raise InputFileError(f"{path} ne peut pas être lu comme un classeur Excel "
                             f"({type(error).__name__}) : le fichier est peut-être abîmé "
                             "ou d'un autre format.") from None
    align_titles(book, SHEETS.values())  # « TRÉSORERIE » is « Trésorerie », as in Excel
    return book


def _unreadable_parts(path: Path) -> str | None:
    """What a workbook holds that openpyxl cannot read, in words (None: nothing known)."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
    if any(name.startswith("xl/charts/chartEx") for name in names):
        return "des graphiques récents d'Excel (cascade, histogramme, entonnoir, carte…)"
    if any(name.startswith("xl/chartsheets/") for name in names):
        return "des feuilles graphiques"
    return None


class _SheetCells:
    """Cells of an openpyxl input sheet (formulas answered from a data-only copy)."""

    def __init__(self, sheet: Worksheet, values_sheet: Worksheet | None) -> None:
        self.sheet, self.values_sheet = sheet, values_sheet

    def get(self, coordinate: str) -> tuple[Any, bool]:
        """(value, whether it is a formula without a computed value)."""
        cell = self.sheet[coordinate]
        if cell.data_type != "f":
            return cell.value, False
        cached = self.values_sheet[coordinate].value if self.values_sheet else None
        return cached, cached is None


class GridCells:
    """Cells of an input sheet given as a grid of values (row 1 first), as xlwings
    reads it in one call; formulas arrive already computed."""

    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows

    def get(self, coordinate: str) -> tuple[Any, bool]:
        column, row = coordinate_to_tuple(coordinate)[::-1]
        if row > len(self.rows) or column > len(self.rows[row - 1]):
            return None, False
        value = self.rows[row - 1][column - 1]
        return (None if value == "" else value), False


class _Reader:
    def __init__(self, cells: _SheetCells | GridCells) -> None:
        self.cells = cells
        self.issues: list[Issue] = []
        self.notes: list[str] = []
        self.text_cells: list[str] = []
        self.locations: dict[str, str] = {}
        self.years = MAX_YEARS
        self.years_known = False  # a wrong « Durée du plan » says nothing of the years
        self.first_year: int | None = None  # « Première année du plan », once read

    def where(self, coordinate: str) -> str:
        return f"{INPUT_SHEET}!{coordinate}"

    def fail(self, coordinate: str, path: str, problem: str,
             context: str | None = None) -> None:
        """An issue at ``coordinate``; ``context`` names the row it is on (its label)."""
        self.issues.append(Issue(path, problem=problem, location=self.where(coordinate),
                                 context=context))

    def value(self, coordinate: str, kind: str, path: str) -> Any:
        """The cell's value as the case expects it (None when blank)."""
        self.locations.setdefault(path, self.where(coordinate))
        value, uncomputed = self.cells.get(coordinate)
        if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
            self.fail(coordinate, path, f"la cellule affiche l'erreur Excel « "
                      f"{value.strip()} » ({EXCEL_ERRORS[value.strip()]}) ; corrigez la "
                      "formule ou saisissez une valeur")
            return None
        if uncomputed:
            self.fail(coordinate, path, "la cellule contient une formule sans valeur "
                      "calculée ; ouvrez et enregistrez le classeur dans Excel, ou "
                      "saisissez une valeur")
            return None
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if kind in ("profile", "payments", "receipts"):
                return self.schedule(coordinate, path, kind, value)
            if kind == "lines":
                return read_covers(value)
            if kind == "yes_no":
                answer = {"oui": True, "vrai": True, "non": False, "faux": False}
                return answer.get(value.casefold(), value)
            if kind == "scenario_value":
                return self.scenario_value(value)
            if kind in _NUMERIC_KINDS or kind == "code_or_number":
                try:
                    number = parse_french_number(value)
                except AmbiguousNumber as error:
                    self.fail(coordinate, path, str(error))
                    return value
                except NotANumber:
                    return value  # the validation says what was expected
                self.notes.append(
                    f"{self.where(coordinate)} contient le texte « {value} », lu comme le "
                    f"nombre {format_decimal(number)} ; les formules du classeur ne lisent "
                    "pas un texte : saisissez-le comme un nombre.")
                self.text_cells.append(coordinate)
                return number
            return value
        if kind == "date":  # a date cell: a datetime, or Excel's day number
            if isinstance(value, datetime.datetime):
                return value.date().isoformat()
            day = date_of_day_number(value)
            if day is not None:
                return day.isoformat()
        if isinstance(value, float):
            value = Decimal(repr(value))
            if value == value.to_integral_value():
                value = int(value)  # Excel keeps every number as a float: 2027.0
        if kind in ("text", "account") and isinstance(value, (int, Decimal)) and not (
                isinstance(value, bool)):
            return str(value)
        return value

    def listed(self, coordinate: str, column: Column, path: str, context: str | None,
               year_columns: bool) -> Any:
        """A per-year field's cell: one value (every year), or a « 3 ; 4 ; 5 » list read
        as the workbook's formulas read it (:func:`finplan.io.sheets.rows.listed_value`)
        — in a workbook with year columns, a list is refused (its formulas read those
        columns), and None is returned for the caller to read them."""
        raw, _ = self.cells.get(coordinate)
        if not (isinstance(raw, str) and ";" in raw):
            return None if year_columns else self.value(coordinate, column.kind, path)
        self.locations.setdefault(path, self.where(coordinate))
        if year_columns:
            self.fail(coordinate, path, f"« {column.header} » : ce classeur, fait par une "
                      "version antérieure de finplan, prend les valeurs par année dans ses "
                      "colonnes « an 1 » à « an 5 » en fin de tableau ; saisissez-les là, "
                      "une par cellule", context)
            return raw
        items = [item.strip() for item in raw.split(";")]
        while items and not items[-1]:
            items.pop()  # a « ; » after the last value
        values = []
        for year, item in enumerate(items, start=1):
            value = listed_number(item, column.kind)
            if isinstance(value, Problem):
                self.fail(coordinate, f"{path}[{year - 1}]", f"« {column.header} », année "
                          f"{year} : {value}", context)
            values.append(value)
        if self.years_known and len(values) != self.years:
            self.fail(coordinate, path, f"« {column.header} » : {_count(len(values))} pour "
                      f"un plan de {_years(self.years)} ; donnez-en une par année, séparées "
                      "par « ; », ou une seule pour toutes les années", context)
        return values

    def schedule(self, coordinate: str, path: str, kind: str, text: str) -> Any:
        """A profile (``1 ; 1 ; 2 …``), a payment schedule (``60 % mois 4 ; …``) or
        sums received (``15/04/2027 : 12000 ; …``) typed in one cell, as the case-file
        list; the raw text when unreadable."""
        items = [item.strip() for item in text.split(";") if item.strip()]
        examples = {"profile": "1 ; 1 ; 2 ; 2 ; 2 ; 1 ; 1 ; 1 ; 1 ; 1 ; 1 ; 1",
                    "payments": "60 % mois 4 ; 40 % mois 16",
                    "receipts": "15/04/2027 : 12000 ; 10/10/2027 : 8000"}
        try:
            if kind == "profile":
                return [parse_french_number(item) for item in items]
            if kind == "receipts":  # the date is checked by the validation
                found = [re.fullmatch(r"(\S+)\s*:\s*(.+)", item) for item in items]
                if not all(found):
                    raise NotANumber(text)
                return [[pair.group(1), parse_french_number(pair.group(2))] for pair in found]
            pairs = []
            for item in items:
                found = re.fullmatch(r"(.+?)\s*(?:mois|@)\s*(\d+)", item, re.IGNORECASE)
                if not found:
                    raise NotANumber(item)
                pairs.append([parse_french_number(found.group(1)), int(found.group(2))])
            return pairs
        except (AmbiguousNumber, NotANumber):
            self.fail(coordinate, path, f"« {text} » ne se lit pas ; écrivez par exemple "
                      f"« {examples[kind]} »")
            return text

    @staticmethod
    def scenario_value(text: str) -> Any:
        """A scenario value typed as text: a list (``35 ; 55 ; 70``), a number, a text."""
        def one(item: str) -> Any:
            try:
                return parse_french_number(item)
            except (AmbiguousNumber, NotANumber):
                return item
        if ";" in text:
            return [one(item.strip()) for item in text.split(";") if item.strip()]
        return one(text)

    def is_blank(self, row: int, first_column: int, count: int) -> bool:
        return all(self.cells.get(f"{get_column_letter(column)}{row}")[0] in (None, "")
                   for column in range(first_column, first_column + count))


def _find_param_cell(book: Workbook, param: Param, issues: list[Issue]) -> str | None:
    """The parameter's cell: by its defined name, else at its usual place (None: an
    optional parameter the workbook does not have, or a defined name that does not
    designate one cell of the input sheet — then an issue says what to restore)."""
    usual = f"C{PARAM_ROW + PARAMS.index(param)}"
    defined = book.defined_names.get(param.name)
    if defined is None:
        return None if param.optional else usual
    try:  # a sheet named but for case like the input sheet is it, as in Excel
        destinations = [(finplan_title(sheet, [INPUT_SHEET]), cells)
                        for sheet, cells in defined.destinations]
    except Exception:  # openpyxl cannot even split the formula
        destinations = []
    if len(destinations) == 1 and destinations[0][0] == INPUT_SHEET:
        cell = destinations[0][1].replace("$", "")
        if re.fullmatch(r"[A-Z]{1,3}[1-9][0-9]{0,6}", cell):
            return cell
    what = defined.attr_text or "rien"
    if "#REF!" in what:
        found = "#REF! (la cellule qu'il désignait a été supprimée)"
    elif len(destinations) == 1 and destinations[0][0] == INPUT_SHEET:
        found = f"{what} (plusieurs cellules)"
    elif destinations and all(sheet == INPUT_SHEET for sheet, _ in destinations):
        found = f"{what} (plusieurs plages)"
    elif destinations:
        found = f"{what} (une autre feuille que {INPUT_SHEET})"
    else:
        found = what
    issues.append(Issue(".".join(param.path), problem=(
        f"le nom défini « {param.name} », par lequel finplan trouve la cellule « "
        f"{param.label} », désigne {found} au lieu d'une seule cellule de la feuille "
        f"{INPUT_SHEET}"), hint=(
        f"dans Excel, « Formules > Gestionnaire de noms », faites-le désigner la cellule "
        f"de saisie à droite du libellé « {param.label} » (dans le modèle finplan : "
        f"={INPUT_SHEET}!${usual[0]}${usual[1:]})"), location=f"nom défini {param.name}"))
    return None


def _set(raw: dict, path: tuple[str, ...], value: Any) -> None:
    node = raw
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def _missing_table(reader: _Reader, spec: TableSpec) -> None:
    reader.issues.append(Issue(spec.key, problem=(
        f"le tableau « {spec.title} » ({spec.table_name}) est introuvable dans la "
        f"feuille {INPUT_SHEET}"), hint="repartez du modèle finplan sans supprimer ni "
        "renommer ses tableaux", location=INPUT_SHEET))


def _spec_at(reader: _Reader, spec: TableSpec, row: int) -> TableSpec | None:
    """The spec whose headers are on ``row``: this finplan's, or an earlier one's
    (headers renamed since, see ``Column.former``); None if neither."""
    # the longest first: this finplan's headers begin those of a table with year columns
    for variant in sorted((spec, *spec.earlier), key=lambda s: -len(s.headers)):
        if _headers_match(reader, variant, row):
            return variant
    return None


def _headers_match(reader: _Reader, spec: TableSpec, row: int) -> bool:
    return all(str(reader.cells.get(f"{get_column_letter(FIRST_COLUMN + offset)}{row}")[0]
                   or "").strip() == header for offset, header in enumerate(spec.headers))


def _table_position(reader: _Reader, sheet: Worksheet, spec: TableSpec
                    ) -> tuple[int, int] | None:
    """(header row, item rows) of an openpyxl sheet's Excel table."""
    table = sheet.tables.get(spec.table_name)
    if table is None:
        if not spec.optional:
            _missing_table(reader, spec)
        return None
    try:
        min_row, min_col, max_row, _ = bounds(table.ref)
    except (TypeError, ValueError, AttributeError):
        min_col = min_row = max_row = None
    if min_row is None or max_row is None:
        reader.issues.append(Issue(spec.key, problem=f"le tableau « {spec.title} » "
                                   f"({spec.table_name}) a une étendue illisible "
                                   f"({table.ref})", hint="repartez du modèle finplan",
                                   location=INPUT_SHEET))
        return None
    if max_row - min_row > TABLE_ROWS:
        reader.fail(f"B{min_row}", spec.key, f"le tableau « {spec.title} » "
                    f"({spec.table_name}) s'étend sur {max_row - min_row} lignes "
                    f"({table.ref}), alors que finplan en lit au plus {TABLE_ROWS} ; "
                    "redimensionnez-le (« Création de tableau > Redimensionner le "
                    "tableau ») pour qu'il s'arrête après vos dernières lignes")
        return None
    if min_col == FIRST_COLUMN and _spec_at(reader, spec, min_row) is not None:
        return min_row, max_row - min_row
    for offset, header in enumerate(spec.headers):
        coordinate = f"{get_column_letter(FIRST_COLUMN + offset)}{min_row}"
        found = reader.cells.get(coordinate)[0]
        if min_col != FIRST_COLUMN or str(found or "").strip() != header:
            merged = _merged_range(sheet, coordinate)
            if merged is not None:
                reader.fail(coordinate, spec.key, f"l'en-tête du tableau « {spec.title} » "
                            f"devrait être « {header} », mais cette cellule est fusionnée "
                            f"avec ses voisines (cellule fusionnée {merged}) ; annulez la "
                            "fusion (« Accueil > Fusionner et centrer ») et retapez "
                            f"« {header} »")
            else:
                shown = "une cellule vide" if found in (None, "") else show(found)
                reader.fail(coordinate, spec.key, f"l'en-tête du tableau « {spec.title} » "
                            f"devrait être « {header} », trouvé {shown} ; "
                            "ne modifiez pas les en-têtes du modèle")
            return None
    return min_row, max_row - min_row


def _merged_range(sheet: Worksheet, coordinate: str) -> str | None:
    """The merged range a cell belongs to (``B23:D23``), None if it is not merged."""
    for merged in sheet.merged_cells.ranges:
        if coordinate in merged:
            return merged.coord
    return None


def _grid_positions(reader: _Reader, height: int) -> dict[str, tuple[int, int]]:
    """(header row, item rows) of each table of a grid, found by its header row; a
    table ends before the title row of the next one."""
    headers, row = {}, 1
    for spec in TABLES:
        while row <= height and _spec_at(reader, spec, row) is None:
            row += 1
        if row > height:
            if not spec.optional:
                _missing_table(reader, spec)
            row = max(headers.values(), default=1) + 1
            continue
        headers[spec.key] = row
        row += 1
    keys = [spec.key for spec in TABLES if spec.key in headers]
    ends = [headers[key] - 2 for key in keys[1:]] + [height]
    return {key: (headers[key], max(0, end - headers[key])) for key, end in zip(keys, ends)}


class Problem(str):
    """What is wrong with a value, in French."""


_LISTED = re.compile(r"[+-]?\d+(,\d+)?%?")  # spaces aside: what NUMBERVALUE(…;",") reads


def listed_number(text: str, kind: str) -> Decimal | str:
    """One value of a « 3 ; 4 ; 5 » list: a number written as the workbook's formulas
    read it (decimal comma, spaces ignored, a trailing « % »), a code where the field
    takes one, or the :class:`Problem` with it.

    >>> listed_number("12 000", "number"), listed_number("12,5 %", "fraction")
    (Decimal('12000'), Decimal('0.125'))
    >>> print(listed_number("3.7", "number"))
    écrivez « 3,7 », comme les formules le lisent (virgule décimale, ni point ni « € »)
    >>> print(listed_number("", "number"))
    valeur manquante : écrivez-la (0 pour une année sans montant)
    """
    if not text:
        return Problem("valeur manquante : écrivez-la (0 pour une année sans montant)")
    cleaned = text.replace(" ", "")
    if _LISTED.fullmatch(cleaned):
        number = Decimal(cleaned.rstrip("%").replace(",", "."))
        return number / 100 if cleaned.endswith("%") else number
    try:
        meant = parse_french_number(text)
    except AmbiguousNumber as error:
        return Problem(str(error))
    except NotANumber:
        if kind in ("code_or_number", "choice"):
            return text  # a code of the barème (ACI, EI…), a status: validation checks it
        return Problem(f"« {text} » n'est pas un nombre")
    shown = format_decimal(meant * 100) + " %" if text.rstrip().endswith("%") else \
        format_decimal(meant)
    return Problem(f"écrivez « {shown} », comme les formules le lisent (virgule "
                   "décimale, ni point ni « € »)")


def _count(count: int) -> str:
    """« 1 valeur », « 2 valeurs »."""
    return f"{count} valeur" if count == 1 else f"{count} valeurs"


def _years(count: int) -> str:
    """« 1 an », « 3 ans »."""
    return f"{count} an" if count == 1 else f"{count} ans"


def _read_item(reader: _Reader, spec: TableSpec, layout: InputLayout, row_index: int,
               path: str) -> dict[str, Any]:
    item: dict[str, Any] = {}
    first = reader.cells.get(layout.cell(spec.key, row_index, spec.columns[0].key))[0]
    context = f"« {first} »" if isinstance(first, str) and first.strip() else None
    for column in spec.columns:
        key_path = f"{path}.{column.key}"
        base_cell = layout.cell(spec.key, row_index, column.key)
        if column.per_year:
            listed = reader.listed(base_cell, column, key_path, context, spec.year_columns)
            if listed is not None or not spec.year_columns:
                if listed is not None:
                    item[column.key] = listed
                continue
        base = reader.value(base_cell, column.kind, key_path)
        years: list[Any] = []
        if column.per_year:
            for year in range(1, MAX_YEARS + 1):
                cell = layout.cell(spec.key, row_index, column.key, year)
                value = reader.value(cell, column.kind, f"{key_path}[{year - 1}]")
                if year > reader.years and value is not None and reader.years_known:
                    reader.fail(cell, f"{key_path}[{year - 1}]", f"valeur de « {column.header} » "
                                f"pour l'année {year} alors que le plan dure "
                                f"{_years(reader.years)} ; videz cette cellule ou allongez "
                                "le plan", context)
                years.append(value)
            years = years[:reader.years]
        if any(value is not None for value in years):
            if base is not None:
                reader.fail(base_cell, key_path, f"donnez dans « {column.header} » soit "
                            "une valeur unique, soit une valeur par année (colonnes « an 1 » à "
                            f"« an {reader.years} »), pas les deux", context)
            missing = [y for y, value in enumerate(years, start=1) if value is None]
            if not reader.years_known:
                missing = []  # the duration's own error is the one to fix first
            if base is None and column.once_allowed:
                # « once, in that year »: as the sheet's formulas read it, a blank
                # year of a row without a yearly amount is 0
                years = [0 if value is None else value for value in years]
                missing = []
            for year in missing:
                cell = layout.cell(spec.key, row_index, column.key, year)
                reader.fail(cell, f"{key_path}[{year - 1}]", f"valeur de « {column.header} » "
                            f"manquante pour l'année {year} : remplissez toutes les "
                            "années (0 pour une année sans montant) ou aucune", context)
            reader.locations[key_path] = reader.where(layout.cell(spec.key, row_index,
                                                                  column.key, 1))
            item[column.key] = years
        elif base is not None:
            item[column.key] = base
    once = item.pop("years", None)
    if once is not None:
        _once(reader, item, once, layout.cell(spec.key, row_index, "years"), path, context)
    return item


def _once(reader: _Reader, item: dict[str, Any], once: Any, cell: str, path: str,
          context: str | None) -> None:
    """« Année(s) » (``once``, as read) of an expense or a revenue: its amount as typed
    in those years of the plan, 0 in the others — the per-year list the case file
    would hold."""
    key_path = f"{path}.years"
    years = plan_years(once_text(once), reader.first_year, reader.years)
    if isinstance(years, str):
        reader.fail(cell, key_path, years, context)
        return
    amount = item.get("amount")
    problem = None
    if "quantity" in item:
        problem = "« Année(s) » vaut pour un montant, pas pour une quantité vendue"
    elif isinstance(amount, list):
        problem = ("donnez soit « Montant par an (€) » et « Année(s) », soit un montant pour "
                   "chaque année, pas les deux")
    elif amount is None:
        problem = "« Année(s) » sans « Montant par an (€) » : saisissez le montant"
    if problem:
        reader.fail(cell, key_path, problem, context)
        return
    item["amount"] = [amount if year in years else 0
                      for year in range(1, reader.years + 1)]


def once_text(value: Any) -> str:
    """An « Année(s) » cell as text (a number typed: ``2027``)."""
    if isinstance(value, (float, Decimal)) and value == int(value):
        value = int(value)
    return str(value).strip()


def plan_years(text: str, first_year: int | None, years: int) -> list[int] | str:
    """The plan years (1 = the first) an « Année(s) » text names — calendar years
    (2027) or years of the plan (1), separated by « ; », « , » or spaces — or what is
    wrong with it.

    >>> plan_years("2027 ; 2029", 2027, 3), plan_years("2", 2027, 3)
    ([1, 3], [2])
    >>> print(plan_years("2031", 2027, 3))
    année « 2031 » hors du plan (2027 à 2029) : indiquez une année du plan
    """
    found = []
    for token in re.split(r"[;,\s\u00a0\u202f]+", text):
        if not token:
            continue
        number = int(token) if token.isdigit() else None
        if number is not None and first_year and first_year <= number < first_year + years:
            found.append(number - first_year + 1)
        elif number is not None and 1 <= number <= years:
            found.append(number)
        elif number is not None and first_year:
            return (f"année « {token} » hors du plan ({first_year} à "
                    f"{first_year + years - 1}) : indiquez une année du plan")
        else:
            return (f"« {token} » n'est pas une année : indiquez l'année du montant "
                    "(2027), ou plusieurs séparées par « ; »")
    return sorted(set(found)) or "indiquez une année (2027), ou plusieurs séparées par « ; »"


def renamed_input_sheet(book: Workbook) -> str | None:
    """The sheet the input sheet became when a user renamed it: the one its parameters'
    defined names or its tables point to (None: none found, it was deleted)."""
    for param in PARAMS:
        defined = book.defined_names.get(param.name)
        sheet = referred_sheet(defined.attr_text if defined is not None else None)
        if sheet is not None and sheet != INPUT_SHEET and sheet in book.sheetnames:
            return sheet
    names = {spec.table_name for spec in TABLES}
    return next((sheet.title for sheet in book.worksheets
                 if names & set(sheet.tables)), None)


#: what to do when a sheet finplan cannot make again is gone (the same words for
#: ``fill`` and the Excel button)
FROM_BLANK_TEMPLATE = ("ouvrez le modèle finplan vierge (finplan.xlsx), recopiez-y vos "
                       "hypothèses et cliquez sur « Calculer le plan »")


def missing_input_sheet(renamed: str | None) -> Issue:
    """The issue of a workbook without its input sheet, with what to do in Excel (the
    same words for ``fill`` and the Excel button)."""
    if renamed is not None:
        return Issue("", problem=f"la feuille « {INPUT_SHEET} » est introuvable : elle a "
                     f"été renommée « {renamed} »", hint=f"rendez-lui son nom (clic droit "
                     f"sur l'onglet « {renamed} » > Renommer, tapez « {INPUT_SHEET} ») puis "
                     "relancez le calcul", location="classeur")
    return Issue("", problem=f"la feuille « {INPUT_SHEET} » est introuvable (supprimée ?)",
                 hint=f"elle ne peut pas être recréée : {FROM_BLANK_TEMPLATE}",
                 location="classeur")


def read_workbook_case(book: Workbook, values: Workbook | None = None) -> WorkbookCase:
    """Read and validate the case of a workbook's ``Hypothèses`` sheet.

    ``values`` is the same workbook opened with ``data_only=True``, needed only
    when an input cell holds a formula.
    """
    if INPUT_SHEET not in book.sheetnames:
        raise CaseError([missing_input_sheet(renamed_input_sheet(book))])
    sheet = book[INPUT_SHEET]
    reader = _Reader(_SheetCells(sheet, values[INPUT_SHEET] if values and
                                 INPUT_SHEET in values.sheetnames else None))
    naming: list[Issue] = []
    cells = {param.name: _find_param_cell(book, param, naming) for param in PARAMS}
    if naming:
        raise CaseError(naming)
    positions = {}
    for spec in TABLES:
        position = _table_position(reader, sheet, spec)
        if position is not None:
            positions[spec.key] = position
    return _read(reader, cells, positions)


def read_workbook_file(path: str | Path) -> WorkbookCase:
    """The case typed in a workbook file (input formulas answered by their cached
    values), read and validated; French errors for every failure."""
    book = open_workbook(path)
    return read_workbook_case(book, input_values(book, path))


def input_values(book: Workbook, path: str | Path) -> Workbook | None:
    """The workbook opened for its cached values when its input sheet holds formulas
    (None: no formula, the values are in ``book``)."""
    if INPUT_SHEET not in book.sheetnames:
        return None
    # the cell store itself: iter_rows() would make every empty cell of the sheet
    if any(cell.data_type == "f" for cell in book[INPUT_SHEET]._cells.values()):
        return open_workbook(path, data_only=True)
    return None


def read_grid_case(rows: list[list[Any]]) -> WorkbookCase:
    """Read and validate a case from the values of the ``Hypothèses`` sheet (a grid
    from A1, as xlwings gives it in one read): parameters are found by their labels,
    tables by their header rows.
    """
    reader = _Reader(GridCells(rows))
    cells = {}
    for param in PARAMS:
        row = next((number for number, values in enumerate(rows, start=1)
                    if len(values) > 1 and values[1] == param.label), None)
        if row or not param.optional:
            cells[param.name] = (f"C{row}" if row
                                 else f"C{PARAM_ROW + PARAMS.index(param)}")
    return _read(reader, cells, _grid_positions(reader, len(rows)))


def _read(reader: _Reader, param_cells: Mapping[str, str],
          positions: Mapping[str, tuple[int, int]]) -> WorkbookCase:
    raw: dict[str, Any] = {"format": FORMAT}
    for param in PARAMS:
        if param_cells.get(param.name) is None:
            continue  # an optional parameter this workbook does not have
        path = ".".join(param.path)
        value = reader.value(param_cells[param.name], param.kind, path)
        if value is not None:
            _set(raw, param.path, value)
    years = raw.get("project", {}).get("years", 3)
    if isinstance(years, (int, Decimal)) and 1 <= years <= MAX_YEARS and years == int(years):
        reader.years = int(years)
        reader.years_known = True
    first_year = raw.get("project", {}).get("first_year")
    if isinstance(first_year, (int, Decimal)) and first_year == int(first_year):
        reader.first_year = int(first_year)
    if any(spec.key not in positions for spec in TABLES if not spec.optional):
        raise CaseError(reader.issues)
    layout = InputLayout.from_positions(positions, {
        key: _spec_at(reader, TABLES_BY_KEY[key], header) or TABLES_BY_KEY[key]
        for key, (header, _) in positions.items()})
    for spec in TABLES:
        if spec.key not in positions:
            continue  # an optional table this workbook does not have
        items, table = [], layout.table(spec.key)
        spec = table.spec
        for row_index in range(table.rows):
            path = f"{spec.key}[{len(items)}]"
            row = table.first_row + row_index
            if reader.is_blank(row, FIRST_COLUMN, len(spec.headers)):
                continue
            reader.locations[path] = reader.where(f"{get_column_letter(FIRST_COLUMN)}{row}")
            items.append(_read_item(reader, spec, layout, row_index, path))
        if items and spec.key == "scenario":
            raw["scenario"] = _grouped_scenarios(items, reader)
        elif spec.key == "contract.split":
            _contract_splits(items, raw, reader, layout)
        elif spec.key == "montecarlo.vary" and (items or "montecarlo" in raw):
            raw.setdefault("montecarlo", {})["vary"] = items
            reader.locations.setdefault("montecarlo", reader.where(
                f"{get_column_letter(FIRST_COLUMN)}{table.header_row}"))
            reader.locations.setdefault("montecarlo.vary", reader.locations["montecarlo"])
        elif items:
            raw[spec.key] = items
    return _validated(raw, reader, layout)


def _contract_splits(rows: list[dict[str, Any]], raw: dict, reader: _Reader,
                     layout: InputLayout) -> None:
    """« Heures des contrats par membre » rows as each contract's ``split`` (member ->
    share) or ``split_hours`` (member -> hours), each key path located on its row."""
    contracts = {item["id"]: index for index, item in enumerate(raw.get("contract", ()))
                 if isinstance(item.get("id"), str)}
    for index, row in enumerate(rows):
        path = f"contract.split[{index}]"
        cell = layout.cell("contract.split", index, "contract")
        if not isinstance(row.get("contract"), str) or row["contract"] not in contracts:
            known = ", ".join(f"« {c} »" for c in contracts) or "aucun"
            reader.fail(cell, f"{path}.contract", f"contrat « {row.get('contract') or ''} » "
                        f"inconnu (contrats du tableau « Contrats en heures » : {known}) ; "
                        "saisissez l'identifiant d'un contrat")
            continue
        if row.get("member") is None:
            reader.fail(layout.cell("contract.split", index, "member"), f"{path}.member",
                        "« Membre » est vide : saisissez l'identifiant du membre qui "
                        "travaille ces heures")
            continue
        number = contracts[row["contract"]]
        contract, member = raw["contract"][number], str(row["member"])
        for key, column in (("split", "share"), ("split_hours", "hours")):
            if column in row:
                contract.setdefault(key, {})[member] = row[column]
                where = reader.locations.get(f"{path}.{column}", reader.locations[path])
                reader.locations.setdefault(f"contract[{number}].{key}", where)
                reader.locations[f"contract[{number}].{key}.{member}"] = where
        if "share" not in row and "hours" not in row:
            reader.fail(layout.cell("contract.split", index, "share"), f"{path}.share",
                        "donnez la « Part des heures » du membre, ou ses « Heures par an »")


def _grouped_scenarios(rows: list[dict[str, Any]], reader: _Reader) -> list[dict[str, Any]]:
    """Rows (name, path, value) as ``[[scenario]]`` tables, in order of first row."""
    scenarios: dict[Any, dict[str, Any]] = {}
    for index, row in enumerate(rows):
        name = row.get("name")
        key = name_key(name) if isinstance(name, str) else name  # as a person reads it
        if key not in scenarios:
            number = len(scenarios)
            scenarios[key] = {"name": name, "set": {}}
            reader.locations[f"scenario[{number}]"] = reader.locations[f"scenario[{index}]"]
            reader.locations[f"scenario[{number}].set"] = reader.locations[f"scenario[{index}]"]
        path = row.get("path")
        scenarios[key]["set"][str(path) if path is not None else ""] = row.get("value")
    return list(scenarios.values())


_PARAM_LABELS = {".".join(param.path): param.label for param in PARAMS}


def _labelled(issues: list[Issue]) -> list[Issue]:
    """A parameter's issue names it by its label as well as its cell (« Hypothèses!C8
    (« Première année du plan ») » : a blank cell says nothing by itself)."""
    return [replace(issue, context=f"« {_PARAM_LABELS[issue.path]} »")
            if issue.path in _PARAM_LABELS and not issue.context else issue
            for issue in issues]


def _validated(raw: dict, reader: _Reader, layout: InputLayout) -> WorkbookCase:
    def locate(path: str) -> str | None:
        """The cell of a key path, else of the nearest enclosing one; a key path
        without a cell (a whole list, a top-level key) is located on the sheet."""
        while path:
            if path in reader.locations:
                return reader.locations[path]
            shorter = re.sub(r"(\.[^.\[]+|\[[^\]]*\])$", "", path)
            if shorter == path:
                break
            path = shorter
        return INPUT_SHEET

    try:
        case = validate_case(raw)
    except CaseError as error:
        flagged = {issue.path for issue in reader.issues}
        located = [replace(issue, found="une cellule vide") if issue.found == MISSING_TEXT
                   else issue for issue in error.locate(locate).issues
                   if issue.path not in flagged]
        words = WorkbookWords(reader.locations, any(
            table.spec.year_columns for table in layout.tables.values()))
        raise CaseError(_labelled(reader.issues + located)).render(words) from None
    if reader.issues:
        raise CaseError(_labelled(reader.issues))
    return WorkbookCase(case, layout, dict(reader.locations), tuple(reader.notes),
                        tuple(reader.text_cells))
