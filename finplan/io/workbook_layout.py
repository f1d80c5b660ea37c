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
(25, 'B25')
>>> layout.cell("staff", 0, "fte"), layout.table("staff").spec.year_columns
('E25', False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, NamedTuple

from finplan.io.cells import absolute, quote_sheet
from finplan.io.cells import column_letter as get_column_letter
from finplan.model.fields import (
    MAX_YEARS,
    PARAMETERS,
    REQUIRED,
    SECTIONS,
    Field,
    Section,
)
from finplan.model.vocabulary import VOCABULARY

__all__ = [
    "SHEETS", "INPUT_SHEET", "LISTS_SHEET", "Column", "TableSpec", "TABLES", "PARAMS",
    "Param", "InputLayout", "TableLayout", "MAX_YEARS", "LIST_NAMES", "list_column",
    "quote_sheet",
    "absolute", "FIRST_COLUMN", "YEAR_HEADERS",
]

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
    "status": "liste_statuts",
    "basis": "liste_bases",
    "in_kind": "liste_natures",
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
    kind: str  # text, integer, number, fraction, choice
    name: str  # defined name of the cell
    comment: str
    default: object = None
    optional: bool = False  # may be absent from workbooks made by an older finplan
    field: str | None = None  # a choice's: the vocabulary of its drop-down list


def _param(parameters: Section, described: Field) -> Param:
    """A parameter of the case (:data:`finplan.model.fields.PARAMETERS`) as a cell:
    a fresh template shows its default, those of an optional table (Monte Carlo's)
    aside."""
    shown = None if parameters.optional or described.default is REQUIRED \
        else described.default
    if described.kind == "choice" and shown is not None:
        shown = VOCABULARY[described.field][shown]  # as its drop-down offers it
    return Param((*parameters.key.split("."), described.key), described.header,
                 described.kind, described.cell, described.comment, shown,
                 parameters.optional or described.added > 0, described.field)


PARAMS: tuple[Param, ...] = tuple(_param(parameters, described)
                                  for parameters in PARAMETERS
                                  for described in parameters.fields)
PARAM_ROW = 6  # first parameter row (its header is on row 5)


# A column of an input table is a field of the case (finplan.model.fields): its key,
# header, kind, note, drop-down list, width, generation.
Column = Field


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


def _table(item: Section) -> TableSpec:
    """The workbook table of a section of the case (its columns: the fields that are)."""
    return TableSpec(item.key, item.title, item.table_name,
                     tuple(field for field in item.fields if field.column), item.min_rows,
                     item.optional)


TABLES: tuple[TableSpec, ...] = tuple(_table(item) for item in SECTIONS)
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
