"""Results typed over: each result sheet watches its own figures.

``finplan_a_jour`` says whether the *inputs* changed since the last calculation.
A reviewer can also type over a *result* — a funder's amount on « Financeurs », a
rate on « Calculs », a formula replaced by a number — and the sheets then
contradict each other (the Plan follows the typed amount, the monthly cash plan
does not).  So every calculation leaves on each result sheet three figures of what
it wrote under the banner (the range ``A4`` to the sheet's last cell, ``R``):

    S0 = SUM(R)                                   any figure changed
    S1 = SUMPRODUCT(R, ROW(R) - 3 + 0*COLUMN(R))  two figures of two rows swapped
    S2 = SUMPRODUCT(R, COLUMN(R) + 0*ROW(R))      two figures of one row swapped

(text and empty cells count for 0 in both, as in Python here), written as
constants in the sheet's banner formula: while the inputs are unchanged, the banner
stays empty as long as each of the three is within half a cent of what finplan
computed, and says « modifiés à la main » otherwise.  « Contrôles » carries the
check (:func:`results_check`) and the verdict follows it.

>>> from decimal import Decimal
>>> sums({(4, 3): Decimal("10.5"), (5, 4): 2, (6, 2): "Total", (7, 3): True})
(12.5, 14.5, 39.5)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from math import fsum
from typing import Any

from finplan.io import grid
from finplan.io.cells import column_letter, split
from finplan.io.workbook_layout import BANNER_CELL, HEADER_ROW, quote_sheet
from finplan.io.workbook_snapshot import TYPED_WORDS, banner_formula, watched_banner_formula

__all__ = ["sums", "watch_results", "results_check"]

_FIRST_ROW = HEADER_ROW  # under the title, the subtitle and the banner
_TOLERANCE = "0.005"


def sums(values: Mapping[tuple[int, int], Any]) -> tuple[float, float, float]:
    """(S0, S1, S2) of the cells ``values`` ((row, column) -> value) of a sheet's
    watched range, as the module says: the plain sum, weighted by row (from 1 at
    :data:`_FIRST_ROW`) and weighted by column number — in floats, as the spreadsheet
    adds them, each sum correctly rounded (``math.fsum``); a logical value counts for
    nothing."""
    numbers = [(row, column, float(value)) for (row, column), value in values.items()
               if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)]
    return (fsum(number for _, _, number in numbers),
            fsum(number * (row - _FIRST_ROW + 1) for row, _, number in numbers),
            fsum(number * column for _, column, number in numbers))


def _shown(sheet: grid.Sheet, expected: grid.Expectations) -> dict[tuple[int, int], Any]:
    """What each cell of ``sheet`` under its banner shows once computed: its value, or
    the value finplan expects of its formula."""
    shown = {}
    for (row, column), value in sheet.cells.items():
        if row < _FIRST_ROW:
            continue
        if type(value) is grid.Formula:
            value = expected[(sheet.title, f"{column_letter(column)}{row}")]
        shown[(row, column)] = value
    return shown


def _watch(sheet: grid.Sheet, expected: grid.Expectations) -> str | None:
    """The condition « the figures of ``sheet`` are those finplan wrote » (None: the
    sheet has nothing under its banner)."""
    shown = _shown(sheet, expected)
    if not shown:
        return None
    last_row = max(row for row, _ in shown)
    last_column = max(column for _, column in shown)
    area = f"$A${_FIRST_ROW}:${column_letter(last_column)}${last_row}"
    plain, by_row, by_column = (_constant(total) for total in sums(shown))
    return (f"AND(ABS(SUM({area})-{plain})<{_TOLERANCE},"
            f"ABS(SUMPRODUCT({area},ROW({area})-{_FIRST_ROW - 1}+0*COLUMN({area}))"
            f"-{by_row})<{_TOLERANCE},"
            f"ABS(SUMPRODUCT({area},COLUMN({area})+0*ROW({area}))-{by_column})"
            f"<{_TOLERANCE})")


def _constant(total: float) -> str:
    """A sum as a formula constant, to a millionth (far below the half cent allowed)."""
    text = f"{total:.6f}".rstrip("0").rstrip(".")
    return f"({text})" if text.startswith("-") else text


def watch_results(book: grid.Book, expected: grid.Expectations,
                  titles: Iterable[str]) -> None:
    """Give each result sheet ``titles`` of ``book`` (once written) the banner that also
    watches its own figures."""
    plain = banner_formula()
    for title in titles:
        if title not in book:
            continue
        sheet = book[title]
        place = split(BANNER_CELL)
        if sheet.cells.get(place) != plain:  # a sheet without finplan's banner
            continue
        condition = _watch(sheet, expected)
        if condition is not None:
            sheet.cells[place] = grid.Formula(watched_banner_formula(condition))


def results_check(titles: Sequence[str]) -> str:
    """The condition, for « Contrôles », that no sheet ``titles`` says its figures were
    typed over."""
    banner = split(BANNER_CELL)
    cell = f"${column_letter(banner[1])}${banner[0]}"
    return "AND(" + ",".join(f'ISERROR(SEARCH("{TYPED_WORDS}",{quote_sheet(title)}!{cell}))'
                             for title in titles) + ")"
