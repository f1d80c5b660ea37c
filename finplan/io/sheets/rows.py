"""The shared row writer of the output sheets: a sheet written row by row, each formula
recorded with the engine's value (:data:`~finplan.io.workbook_inputs.Expectations`), and
the ``SUM`` over ranges every total uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from finplan.io.cells import column_index, split
from finplan.io.cells import column_letter as get_column_letter
from finplan.io.grid import Align, Book, Expectations, Sheet
from finplan.io.workbook_layout import (
    BANNER_CELL,
    CODE_COLUMN,
    FIRST_YEAR_COLUMN,
    HEADER_ROW,
    INPUT_SHEET,
    LABEL_COLUMN,
    SHEETS,
    SUBTITLE_CELL,
    TITLE_CELL,
    TITLE_ROWS,
    InputLayout,
    absolute,
    quote_sheet,
)
from finplan.io.workbook_print import (
    calculation_date,
    charts_on_their_own_page,
    fit_texts,
    fit_width,
    print_setup,
    widen_for_words,
)
from finplan.io.workbook_snapshot import LONGEST_BANNER, banner_formula
from finplan.io.workbook_styles import (
    BANNER_FONT,
    BOLD,
    EUROS,
    HEADER_FILL,
    HEADER_FONT,
    LINE_FILL,
    NOTE_FONT,
    RIGHT,
    TITLE_FONT,
    TOTAL_BORDER,
    WRAP,
)
from finplan.model.money import Cents, euros
from finplan.model.plan import PlanInternals


def money(cents: Cents) -> Decimal:
    return euros(cents)


NO_SHARE = "—"  # the cell of a share of nothing (a budget or a planned amount of 0)


def share(percent: Decimal | None) -> Decimal | str:
    """A share in per cent to the tenth (:func:`finplan.model.dossier.budget_share`) as
    the value of a percentage cell, the fraction it shows; :data:`NO_SHARE` for none.

    >>> share(Decimal("37.5")), share(None)
    (Decimal('0.375'), '—')
    """
    return NO_SHARE if percent is None else percent / 100


def share_formula(part: str, whole: str) -> str:
    """``part / whole`` to the tenth of a per cent, :data:`NO_SHARE` when ``whole`` is
    not above 0: the formula of :func:`finplan.model.dossier.budget_share`.

    >>> share_formula("B5", "C9")
    'IF(C9>0,ROUND((B5)/C9,3),"—")'
    """
    return f'IF({whole}>0,ROUND(({part})/{whole},3),"{NO_SHARE}")'


def hyp(coordinate: str) -> str:
    return f"{quote_sheet(INPUT_SHEET)}!{absolute(coordinate)}"


def or_else(reference: str, default: str) -> str:
    return f"IF(ISNUMBER({reference}),{reference},{default})"


LIST_SLOT = 99  # characters each value of a « 3 ; 4 ; 5 » list may take


def listed_value(reference: str, y: int) -> str:
    """Formula text: the ``y``-th value of the « 3 ; 4 ; 5 » list in the cell
    ``reference``, as a number (decimal comma, spaces ignored, a trailing « % »): each
    « ; » becomes :data:`LIST_SLOT` spaces, so the ``y``-th value is the trimmed
    ``y``-th slot — the values :func:`finplan.io.workbook_read.listed_number` accepts.

    >>> listed_value("A1", 2)
    'NUMBERVALUE(TRIM(MID(SUBSTITUTE(A1,";",REPT(" ",99)),100,99)),","," ")'
    """
    slot = f'TRIM(MID(SUBSTITUTE({reference},";",REPT(" ",{LIST_SLOT})),' \
           f'{LIST_SLOT * (y - 1) + 1},{LIST_SLOT}))'
    return f'NUMBERVALUE({slot},","," ")'


class YearInput(NamedTuple):
    """A per-year input of year ``y`` as formula terms: ``given`` (whether the year has
    a value of its own), ``value`` (that value) and ``single`` (the cell holding the
    one value for every year)."""

    given: str
    value: str
    single: str

    def typed(self, default: str | None = None) -> str:
        """The year's own value, else the single one (else ``default`` when the single
        cell is not a number)."""
        single = self.single if default is None else or_else(self.single, default)
        return f"IF({self.given},{self.value},{single})"


def year_input(layout: InputLayout, key: str, index: int, column: str, y: int
               ) -> YearInput:
    """Year ``y`` of the per-year field ``column`` of item ``index`` of table ``key``:
    the field's cell holds one number (every year) or a « ; » list (one value a year);
    a workbook made by an earlier finplan has year columns instead."""
    single = hyp(layout.cell(key, index, column))
    if layout.table(key).spec.year_columns:
        own = hyp(layout.cell(key, index, column, y))
        return YearInput(f"ISNUMBER({own})", own, single)
    return YearInput(f"ISTEXT({single})", listed_value(single, y), single)


class SheetWriter:
    """An output sheet being written row by row, recording each formula's value;
    its period columns are the plan's years from ``first_year_column``, or the
    ``period_labels`` given (months)."""

    def __init__(self, book: Book, key: str, plan: PlanInternals, expected: Expectations,
                 first_year_column: int = FIRST_YEAR_COLUMN,
                 period_labels: Sequence[Any] | None = None, title: str | None = None
                 ) -> None:
        self.book, self.key, self.plan, self.expected = book, key, plan, expected
        self.first_year_column = first_year_column
        self.period_labels = period_labels
        self.row = 1
        self.period_width: float = 14  # width of a period column
        self.sheet: Sheet = book.create_sheet(title or SHEETS[key])
        # rows another sheet's formulas refer to once this one is written, by name (the
        # bridging facilities' rows of « Trésorerie », for the Budget and the Plan)
        self.rows: dict[str, list[int]] = {}

    @property
    def name(self) -> str:
        return self.sheet.title

    @property
    def years(self) -> int:
        return len(self.periods)

    @property
    def periods(self) -> Sequence[Any]:
        """What the value columns stand for: the plan's years, or months."""
        return self.period_labels if self.period_labels is not None else self.plan.years

    def column(self, y: int) -> str:
        """Letter of plan year ``y`` (1-based)."""
        return get_column_letter(self.first_year_column + y - 1)

    @property
    def total_column(self) -> str:
        return self.column(self.years + 1)

    def ref(self, row: int, y: int, absolute_ref: bool = False) -> str:
        """A reference to this sheet's cell, usable from any sheet."""
        coordinate = f"{self.column(y)}{row}"
        return f"{quote_sheet(self.name)}!{absolute(coordinate) if absolute_ref else coordinate}"

    def local(self, row: int, y: int) -> str:
        return f"{self.column(y)}{row}"

    def span(self, row: int) -> str:
        """The year cells of a row, as a local range."""
        return f"{self.column(1)}{row}:{self.column(self.years)}{row}"

    def formula(self, coordinate: str, text: str, value: Any, number_format: str = EUROS
                ) -> None:
        self.sheet.formula(coordinate, text, number_format=number_format)
        self.expected[(self.name, coordinate)] = value

    def title(self, text: str, subtitle: str) -> None:
        self.sheet.put(TITLE_CELL, text, font=TITLE_FONT)
        self.sheet.put(SUBTITLE_CELL, subtitle, font=NOTE_FONT)
        # empty while the results follow the inputs (see workbook_snapshot)
        self.formula(BANNER_CELL, banner_formula(), "", "General")
        # wrapped in its cell: never printed over the next columns (a sheet fitted to
        # a page would shrink), whole on pages where only the label columns repeat
        self.sheet.set(BANNER_CELL, font=BANNER_FONT, align=Align(vertical="top", wrap=True))
        self.sheet.shown[split(BANNER_CELL)] = LONGEST_BANNER
        self.row = HEADER_ROW

    def header(self, first: str, extra: Sequence[str] = ("Total",),
               before: Sequence[str] = ()) -> int:
        row, sheet = self.row, self.sheet
        sheet.put(f"{LABEL_COLUMN}{row}", first)
        for offset, text in enumerate(before):
            sheet.put(f"{get_column_letter(3 + offset)}{row}", text)
        for y, period in enumerate(self.periods, start=1):
            coordinate = f"{self.column(y)}{row}"
            if isinstance(period, str):
                sheet.put(coordinate, period)
            else:  # a plan year, following the first year typed in the inputs
                self.formula(coordinate, f"p_annee1+{y - 1}" if y > 1 else "p_annee1",
                             period, "0")
        for offset, text in enumerate(extra):
            sheet.put(f"{self.column(self.years + 1 + offset)}{row}", text)
        last = self.first_year_column + self.years + len(extra) - 1
        for column in range(1, last + 1):
            sheet.set((row, column), fill=HEADER_FILL, font=HEADER_FONT,
                      align=RIGHT if column >= self.first_year_column else WRAP)
        self.row += 1
        return row

    def section(self, text: str) -> int:
        row = self.row
        self.sheet.put(f"{LABEL_COLUMN}{row}", text, font=BOLD)
        self.row += 1
        return row

    def line(self, code: str, text: str, formulas: Callable[[int], str] | None,
             values: Sequence[Any], *, total: bool = True, style: str = "detail",
             number_format: str = EUROS, first_column: int | None = None) -> int:
        """One row: code, label, a formula (or a value) a year, and a total; the values
        from ``first_column`` (default: the sheet's first period column)."""
        row, sheet = self.row, self.sheet
        first = first_column or self.first_year_column
        if code:
            sheet.put(f"{CODE_COLUMN}{row}", code)
        sheet.put(f"{LABEL_COLUMN}{row}", text)
        for y in range(1, self.years + 1):
            coordinate = f"{get_column_letter(first + y - 1)}{row}"
            value = values[y - 1]
            if formulas is None:
                sheet.put(coordinate, float(value) if isinstance(value, Decimal) else value,
                          number_format=number_format)
            else:
                self.formula(coordinate, formulas(y), value, number_format)
        if total:
            numbers = [value for value in values if isinstance(value, Decimal)]
            span = (f"{get_column_letter(first)}{row}:"
                    f"{get_column_letter(first + self.years - 1)}{row}")
            self.formula(f"{get_column_letter(first + self.years)}{row}", f"SUM({span})",
                         sum(numbers, Decimal(0)), number_format)
        last = first + self.years - (0 if total else 1)
        if style == "line":
            for column in range(1, last + 1):
                sheet.set((row, column), font=BOLD, fill=LINE_FILL)
        elif style == "total":
            for column in range(1, last + 1):
                sheet.set((row, column), font=BOLD, border=TOTAL_BORDER)
        self.row += 1
        return row

    def name_block(self, name: str, first_row: int, last_row: int,
                   last_column: int | None = None) -> None:
        last = get_column_letter(last_column or self.first_year_column + self.years)
        self.book.names[name] = f"{quote_sheet(self.name)}!$A${first_row}:${last}${last_row}"

    def finish(self, freeze: str, widths: dict[str, float], *, breaks: Sequence[int] = (),
               title_columns: int = 0) -> None:
        """Column widths, frozen panes and print setup (:mod:`finplan.io.workbook_print`):
        texts wrapped where they would be cut, one page wide when readable, else split
        after the columns ``breaks`` with the first ``title_columns`` repeated."""
        project = self.plan.case.project
        print_setup(self.sheet, project.organisation, project.name,
                    title_rows=TITLE_ROWS, dated=calculation_date())
        self.sheet.freeze = freeze
        for letter, width in widths.items():
            self.sheet.widths[column_index(letter)] = width
        for y in range(1, self.years + 2):
            self.sheet.widths[self.first_year_column + y - 1] = self.period_width
        charts_on_their_own_page(self.sheet)
        widen_for_words(self.sheet)
        breaks = fit_width(self.sheet, breaks, title_columns)
        fit_texts(self.sheet, breaks, title_columns)


def runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive rows grouped: [5, 6, 7, 9] -> [(5, 7), (9, 9)].

    >>> runs([9, 5, 6, 7])
    [(5, 7), (9, 9)]
    """
    runs: list[tuple[int, int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def sum_rows(rows: Sequence[int], cell: Callable[[int], str], prefix: str = "") -> str:
    """``SUM`` over the cells of ``rows`` (``cell(row)`` gives one), consecutive rows as
    one range — a row a reviewer inserts inside a block is counted (0 if none)."""
    if not rows:
        return "0"
    return "SUM(" + ",".join(prefix + cell(first) + ("" if first == last else
                                                     f":{cell(last)}")
                             for first, last in runs(rows)) + ")"


class Linked:
    """Rows that stand on other sheets: a collective's consolidated figures, each row
    the sum of cells of its members' sheets. It answers :meth:`ref` as a
    :class:`SheetWriter` does, so the writers of a single organisation's sheets refer
    to it as they refer to « Calculs »."""

    def __init__(self) -> None:
        self.places: list[list[tuple[SheetWriter, int]]] = []

    def add(self, places: Sequence[tuple[SheetWriter, int]]) -> int:
        """A row adding ``places`` (sheet, row); its number here."""
        self.places.append(list(places))
        return len(self.places) - 1

    def ref(self, row: int, y: int) -> str:
        terms = [sheet.ref(place, y) for sheet, place in self.places[row]]
        if not terms:
            return "0"
        return terms[0] if len(terms) == 1 else "(" + "+".join(terms) + ")"


def sum_of(sheet: SheetWriter | Linked, rows: Sequence[int], y: int) -> str:
    """Formula text adding the year-``y`` cells of ``rows`` of another sheet (0 if none)."""
    if isinstance(sheet, Linked):
        terms = [sheet.ref(row, y) for row in rows]
        return "(" + "+".join(terms) + ")" if terms else "0"
    return sum_rows(rows, lambda row: sheet.local(row, y), f"{quote_sheet(sheet.name)}!")


def sum_local(sheet: SheetWriter, rows: Sequence[int], y: int) -> str:
    """Formula text adding the year-``y`` cells of ``rows`` of this sheet (0 if none)."""
    return sum_rows(rows, lambda row: sheet.local(row, y))


def per_year_input(layout: InputLayout, index: int, column: str, y: int) -> str:
    return f"ROUND({year_input(layout, 'funder', index, column, y).typed()},2)"


