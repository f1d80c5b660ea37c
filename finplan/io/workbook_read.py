"""A filled workbook -> validated :class:`Case`, with errors citing sheet and cell.

The reader finds the parameters by their defined names and each list of the
case by its Excel table (``tbl_personnel``…), so rows added to a table in Excel
are read too.  It turns what a French user typed into the raw case of the
case-file format (numbers typed as text are read the French way, or refused
when ambiguous), and the case goes through the same validation as a case
file; only the location of each error differs (``Hypothèses!G23`` instead of
``staff[0].employer_rate``).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from finplan.errors import CaseError, InputFileError, Issue
from finplan.io.input_files import require_file
from finplan.io.numbers import AmbiguousNumber, NotANumber, parse_french_number
from finplan.io.workbook_layout import (
    FIRST_COLUMN,
    INPUT_SHEET,
    MAX_YEARS,
    PARAM_ROW,
    PARAMS,
    TABLES,
    InputLayout,
    Param,
    TableSpec,
)
from finplan.model.case import Case
from finplan.model.validation import FORMAT, MISSING_TEXT, show, validate_case

__all__ = ["WorkbookCase", "read_workbook_case", "open_workbook", "MAX_WORKBOOK_BYTES"]

MAX_WORKBOOK_BYTES = 20_000_000
_NUMERIC_KINDS = {"number", "fraction", "integer"}


@dataclass(frozen=True)
class WorkbookCase:
    """The case of a workbook, where its inputs are, and where each key path is."""

    case: Case
    layout: InputLayout
    locations: Mapping[str, str]
    notes: tuple[str, ...] = ()  # numbers typed as text: read, but Excel cannot use them


def open_workbook(path: str | Path, *, keep_vba: bool = False) -> Workbook:
    """Open a workbook with French errors for every way it can fail."""
    path = require_file(path, "Classeur", MAX_WORKBOOK_BYTES)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputFileError(f"{path} n'est pas un classeur Excel .xlsx ou .xlsm : "
                             "enregistrez-le au format « Classeur Excel (.xlsx) ».")
    try:
        return load_workbook(path, keep_vba=keep_vba, rich_text=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputFileError(f"{path} ne peut pas être lu comme un classeur Excel "
                             f"({type(error).__name__}) : le fichier est peut-être abîmé "
                             "ou d'un autre format.") from None


class _Reader:
    def __init__(self, sheet: Worksheet, values_sheet: Worksheet | None) -> None:
        self.sheet = sheet
        self.values_sheet = values_sheet
        self.issues: list[Issue] = []
        self.notes: list[str] = []
        self.locations: dict[str, str] = {}
        self.years = MAX_YEARS

    def where(self, coordinate: str) -> str:
        return f"{INPUT_SHEET}!{coordinate}"

    def fail(self, coordinate: str, path: str, problem: str) -> None:
        self.issues.append(Issue(path, problem=problem, location=self.where(coordinate)))

    def value(self, coordinate: str, kind: str, path: str) -> Any:
        """The cell's value as the case expects it (None when blank)."""
        self.locations.setdefault(path, self.where(coordinate))
        cell = self.sheet[coordinate]
        value = cell.value
        if cell.data_type == "f":
            cached = self.values_sheet[coordinate].value if self.values_sheet else None
            if cached is None:
                self.fail(coordinate, path, "la cellule contient une formule sans valeur "
                          "calculée ; ouvrez et enregistrez le classeur dans Excel, ou "
                          "saisissez une valeur")
                return None
            value = cached
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
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
                    f"nombre {number} ; les formules d'Excel ne lisent pas un texte : "
                    "saisissez-le comme un nombre.")
                return number
            return value
        if isinstance(value, float):
            value = Decimal(repr(value))
        if kind in ("text", "account") and isinstance(value, (int, Decimal)) and not (
                isinstance(value, bool)):
            return str(value)
        return value


def _find_param_cell(book: Workbook, param: Param) -> str:
    """The parameter's cell: by its defined name, else at its usual place."""
    defined = book.defined_names.get(param.name)
    if defined is not None:
        for sheet_name, reference in defined.destinations:
            if sheet_name == INPUT_SHEET:
                return reference.replace("$", "")
    return f"C{PARAM_ROW + PARAMS.index(param)}"


def _set(raw: dict, path: tuple[str, ...], value: Any) -> None:
    node = raw
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def _table_position(reader: _Reader, spec: TableSpec) -> tuple[int, int] | None:
    table = reader.sheet.tables.get(spec.table_name)
    if table is None:
        reader.issues.append(Issue(spec.key, problem=(
            f"le tableau « {spec.title} » ({spec.table_name}) est introuvable dans la "
            f"feuille {INPUT_SHEET}"), hint="repartez du modèle finplan sans supprimer ni "
            "renommer ses tableaux", location=INPUT_SHEET))
        return None
    min_col, min_row, _, max_row = range_boundaries(table.ref)
    for offset, header in enumerate(spec.headers):
        cell = reader.sheet.cell(min_row, FIRST_COLUMN + offset)
        if min_col != FIRST_COLUMN or str(cell.value or "").strip() != header:
            reader.fail(cell.coordinate, spec.key, f"l'en-tête du tableau « {spec.title} » "
                        f"devrait être « {header} », trouvé {show(cell.value)} ; "
                        "ne modifiez pas les en-têtes du modèle")
            return None
    return min_row, max_row - min_row


def _read_item(reader: _Reader, spec: TableSpec, layout: InputLayout, row_index: int,
               path: str) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for column in spec.columns:
        key_path = f"{path}.{column.key}"
        base_cell = layout.cell(spec.key, row_index, column.key)
        base = reader.value(base_cell, column.kind, key_path)
        years: list[Any] = []
        if column.per_year:
            for year in range(1, MAX_YEARS + 1):
                cell = layout.cell(spec.key, row_index, column.key, year)
                value = reader.value(cell, column.kind, f"{key_path}[{year - 1}]")
                if year > reader.years and value is not None:
                    reader.fail(cell, f"{key_path}[{year - 1}]", f"valeur pour l'année "
                                f"{year} alors que le plan dure {reader.years} an(s) ; "
                                "videz cette cellule ou allongez le plan")
                years.append(value)
            years = years[:reader.years]
        if any(value is not None for value in years):
            if base is not None:
                reader.fail(base_cell, key_path, "donnez soit une valeur unique, soit une "
                            "valeur par année (colonnes « an 1 » à « an "
                            f"{reader.years} »), pas les deux")
            missing = [y for y, value in enumerate(years, start=1) if value is None]
            for year in missing:
                cell = layout.cell(spec.key, row_index, column.key, year)
                reader.fail(cell, f"{key_path}[{year - 1}]", f"valeur manquante pour "
                            f"l'année {year} : remplissez toutes les années ou aucune")
            reader.locations[key_path] = reader.where(layout.cell(spec.key, row_index,
                                                                  column.key, 1))
            item[column.key] = years
        elif base is not None:
            item[column.key] = base
    return item


def read_workbook_case(book: Workbook, values: Workbook | None = None) -> WorkbookCase:
    """Read and validate the case of a workbook's ``Hypothèses`` sheet.

    ``values`` is the same workbook opened with ``data_only=True``, needed only
    when an input cell holds a formula.
    """
    if INPUT_SHEET not in book.sheetnames:
        raise CaseError([Issue("", problem=f"la feuille « {INPUT_SHEET} » est introuvable "
                               "(renommée ou supprimée ?)", hint="repartez du modèle "
                               "finplan (finplan template)", location="classeur")])
    reader = _Reader(book[INPUT_SHEET], values[INPUT_SHEET] if values and
                     INPUT_SHEET in values.sheetnames else None)
    raw: dict[str, Any] = {"format": FORMAT}
    for param in PARAMS:
        path = ".".join(param.path)
        value = reader.value(_find_param_cell(book, param), param.kind, path)
        if value is not None:
            _set(raw, param.path, value)
    years = raw.get("project", {}).get("years", 3)
    if isinstance(years, (int, Decimal)) and 1 <= years <= MAX_YEARS and years == int(years):
        reader.years = int(years)
    positions = {}
    for spec in TABLES:
        position = _table_position(reader, spec)
        if position is not None:
            positions[spec.key] = position
    if len(positions) < len(TABLES):
        raise CaseError(reader.issues)
    layout = InputLayout.from_positions(positions)
    for spec in TABLES:
        items, table = [], layout.table(spec.key)
        for row_index in range(table.rows):
            path = f"{spec.key}[{len(items)}]"
            first = f"{get_column_letter(FIRST_COLUMN)}{table.first_row + row_index}"
            if all(reader.sheet.cell(table.first_row + row_index, FIRST_COLUMN + k).value
                   in (None, "") for k in range(len(spec.headers))):
                continue
            reader.locations[path] = reader.where(first)
            items.append(_read_item(reader, spec, layout, row_index, path))
        if items:
            raw[spec.key] = items
    return _validated(raw, reader, layout)


def _validated(raw: dict, reader: _Reader, layout: InputLayout) -> WorkbookCase:
    def locate(path: str) -> str | None:
        while path:
            if path in reader.locations:
                return reader.locations[path]
            path = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path)
        return None

    try:
        case = validate_case(raw)
    except CaseError as error:
        flagged = {issue.path for issue in reader.issues}
        located = [replace(issue, found="une cellule vide") if issue.found == MISSING_TEXT
                   else issue for issue in error.locate(locate).issues
                   if issue.path not in flagged]
        raise CaseError(reader.issues + located) from None
    if reader.issues:
        raise CaseError(reader.issues)
    return WorkbookCase(case, layout, dict(reader.locations), tuple(reader.notes))
