"""Numbers as French Excel users type them in text cells.

A number stored as a number is taken as it is.  A number typed as text is read
the French way — comma as decimal mark, spaces (also non-breaking) between
thousands, a trailing ``%`` or ``€`` — or refused when it could be misread:
``1.823`` could be 1 823 (thousands dot) or 1,823; ``1,823.50`` is written the
English way.

>>> parse_french_number("1 823,03")
Decimal('1823.03')
>>> parse_french_number("42 %")
Decimal('0.42')
>>> parse_french_number("−1 500 €")
Decimal('-1500')
>>> parse_french_number("1.823")
Traceback (most recent call last):
...
finplan.io.numbers.AmbiguousNumber: « 1.823 » est ambigu (point des milliers ou point décimal ?) :
écrivez 1823 ou 1,823
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["parse_french_number", "AmbiguousNumber", "NotANumber", "date_of_day_number",
           "day_number"]

# Excel keeps a date as its number of days since this one (its time as a fraction).
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
_LAST_DAY_NUMBER = 2958465  # 31 December 9999


def day_number(value: Any) -> Any:
    """A date as the number Excel keeps for it, any other value as it is.

    >>> day_number(datetime.datetime(2027, 2, 3, 12)), day_number(datetime.date(2027, 2, 3))
    (46421.5, 46421.0)
    >>> day_number("x")
    'x'
    """
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    if isinstance(value, datetime.datetime):
        delta = value - _EXCEL_EPOCH
        return delta.days + delta.seconds / 86400
    return value


def date_of_day_number(value: Any) -> datetime.date | None:
    """The date of an Excel day number (its time dropped; None: not a day number).

    >>> date_of_day_number(46421.5), date_of_day_number("x")
    (datetime.date(2027, 2, 3), None)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            0 < value <= _LAST_DAY_NUMBER):
        return None
    return (_EXCEL_EPOCH + datetime.timedelta(days=int(value))).date()

_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\t")
_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")
_FRENCH_GROUPS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.823.000,50
# 1,823.50 or 1,823,000: English thousands commas (a lone "1,823" is French: 1.823)
_ENGLISH_GROUPS = re.compile(r"^[+-]?\d{1,3}((,\d{3})+\.\d+|(,\d{3}){2,}(\.\d+)?)$")


class NotANumber(ValueError):
    """The text is not a number at all."""


class AmbiguousNumber(ValueError):
    """The text is a number that could be read two ways (French message)."""


def parse_french_number(text: str) -> Decimal:
    """The number a French user meant by ``text``; raises when unsure."""
    raw = text.strip()
    cleaned = raw.replace("−", "-").replace("€", "").translate(_SPACES)
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    if not cleaned:
        raise NotANumber(raw)
    if re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", cleaned):
        raise AmbiguousNumber(
            f"« {raw} » est ambigu (point des milliers ou point décimal ?) : écrivez "
            f"{cleaned.replace('.', '')} ou {cleaned.replace('.', ',')}")
    if _FRENCH_GROUPS.match(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _ENGLISH_GROUPS.match(cleaned):
        raise AmbiguousNumber(f"« {raw} » est écrit à l'anglaise : écrivez "
                              f"{cleaned.replace(',', ' ').replace('.', ',')}")
    elif _PLAIN.match(cleaned):
        cleaned = cleaned.replace(",", ".")
    else:
        raise NotANumber(raw)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the patterns above exclude it
        raise NotANumber(raw) from None
    return value / 100 if percent else value

