"""Cell addresses as spreadsheets write them: ``B12``, ``$B$12``, ``'Plan de financement'``.

A few lines of arithmetic rather than openpyxl's helpers: importing
``openpyxl.utils`` loads the whole of openpyxl (about 0.1 s), and the Excel
button, which starts a new Python at each click, needs addresses but not
openpyxl.

>>> column_letter(28), column_index("AB"), split("AB12"), coordinate(12, 28)
('AB', 28, (12, 28), 'AB12')
>>> bounds("C5:E9"), bounds("B2")
((5, 3, 9, 5), (2, 2, 2, 2))
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

__all__ = ["column_letter", "column_index", "coordinate", "split", "bounds", "absolute",
           "quote_sheet", "area"]

_COORDINATE = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


@cache
def column_letter(index: int) -> str:
    """The letters of column ``index`` (1-based): 1 -> A, 27 -> AA."""
    if not 1 <= index <= 18_278:
        raise ValueError(f"column {index} is outside A..ZZZ")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@cache
def column_index(letters: str) -> int:
    """The 1-based index of a column's letters."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


def coordinate(row: int, column: int) -> str:
    """``(12, 2)`` -> ``B12``."""
    return f"{column_letter(column)}{row}"


@lru_cache(maxsize=4096)
def split(text: str) -> tuple[int, int]:
    """``B12`` (or ``$B$12``) -> ``(12, 2)``: (row, column)."""
    found = _COORDINATE.fullmatch(text.upper())
    if found is None:
        raise ValueError(f"not a cell address: {text!r}")
    return int(found[2]), column_index(found[1])


def bounds(text: str) -> tuple[int, int, int, int]:
    """A range ``C5:E9`` (or one cell) as (first row, first column, last row, last
    column), 1-based and inclusive."""
    first, _, last = text.partition(":")
    r1, c1 = split(first)
    r2, c2 = split(last) if last else (r1, c1)
    return r1, c1, r2, c2


def area(first_row: int, first_column: int, last_row: int, last_column: int) -> str:
    """``(5, 3, 9, 5)`` -> ``C5:E9`` (one cell: ``C5``)."""
    first = coordinate(first_row, first_column)
    if (first_row, first_column) == (last_row, last_column):
        return first
    return f"{first}:{coordinate(last_row, last_column)}"


def absolute(text: str) -> str:
    """``B23`` -> ``$B$23``."""
    letters = text.rstrip("0123456789")
    return f"${letters}${text[len(letters):]}"


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: ``'Plan de financement'``."""
    return "'" + name.replace("'", "''") + "'"
