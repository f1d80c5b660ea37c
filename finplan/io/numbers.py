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

import re
from decimal import Decimal, InvalidOperation

__all__ = ["parse_french_number", "AmbiguousNumber", "NotANumber"]

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

