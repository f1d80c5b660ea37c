"""Money: integer cents, half-up rounding, parts that add up.

The engine computes every line item with :class:`~decimal.Decimal` (exact for
the decimal figures users type), rounds it once to the cent, half-up, and from
then on adds integer cents, so every total is the exact sum of its parts.

>>> to_cents(Decimal("66380.775"))
6638078
>>> euros(6638078)
Decimal('66380.78')
>>> split(1000, [1, 1, 1])
[334, 333, 333]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "Cents",
    "euros",
    "format_decimal",
    "format_euros",
    "format_percent",
    "ratio_to_cents",
    "integer_weights",
    "split",
    "to_cents",
]

Cents = int
_CENT = Decimal("0.01")


def to_cents(amount: Decimal | int) -> Cents:
    """Round an amount in euros to the cent, half-up, as integer cents.

    >>> to_cents(Decimal("0.005")), to_cents(Decimal("-0.005")), to_cents(12)
    (1, -1, 1200)
    """
    return int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ratio_to_cents(numerator: int, denominator: int) -> Cents:
    """``numerator / denominator`` cents (integers, ``denominator > 0``) rounded to whole
    cents, half-up (away from zero).

    >>> ratio_to_cents(5, 2), ratio_to_cents(-5, 2), ratio_to_cents(7, 3)
    (3, -3, 2)
    """
    whole, rest = divmod(abs(numerator), denominator)
    if 2 * rest >= denominator:
        whole += 1
    return -whole if numerator < 0 else whole


def euros(cents: Cents) -> Decimal:
    """Integer cents as a Decimal amount in euros with two decimals.

    >>> euros(-5)
    Decimal('-0.05')
    """
    return (Decimal(cents) / 100).quantize(_CENT)


def integer_weights(weights: Sequence[Decimal | int]) -> list[int]:
    """Weights as integers in the same proportions (over their common denominator;
    any number with ``as_integer_ratio``: Decimal, int, Fraction).

    >>> integer_weights([Decimal("0.5"), 1, Decimal("0.25")])
    [2, 4, 1]
    """
    ratios = [weight.as_integer_ratio() for weight in weights]
    common = math.lcm(*(denominator for _, denominator in ratios))
    return [numerator * (common // denominator) for numerator, denominator in ratios]


def split(total: Cents, weights: Sequence[Decimal | int]) -> list[Cents]:
    """Split ``total`` cents by ``weights`` so that the parts add up exactly.

    Largest-remainder method: each part ``total × w / W`` is first rounded down
    (``divmod`` on the integer weights), then the cents left over go one by one to
    the largest remainders (ties: first in order). Weights must be non-negative
    with a positive sum.

    >>> split(100, [2, 1])
    [67, 33]
    >>> sum(split(765000, [1, 1, 1, 1]))
    765000
    """
    whole = integer_weights(weights)
    weight_sum = sum(whole)
    if weight_sum <= 0 or any(weight < 0 for weight in whole):
        raise ValueError("weights must be non-negative with a positive sum")
    parts, remainders = [], []
    for weight in whole:
        part, remainder = divmod(total * weight, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    left = total - sum(parts)
    if left:
        order = sorted(range(len(whole)), key=lambda i: (-remainders[i], i))
        for i in order[:left]:
            parts[i] += 1
    return parts


def format_euros(cents: Cents, decimals: bool = False) -> str:
    """French spelling of an amount for text output: spaces between thousands, comma, €.

    >>> format_euros(123456789)
    '1 234 568 €'
    >>> format_euros(-123456, decimals=True)
    '-1 234,56 €'
    """
    value = euros(cents)
    if not decimals:
        value = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    text = f"{abs(value):,.{2 if decimals else 0}f}"
    text = text.replace(",", " ").replace(".", ",")
    return ("-" if value < 0 else "") + text + " €"


def format_decimal(value: Decimal) -> str:
    """A Decimal as a French user writes it, without useless zeros: ``1,5``.

    >>> format_decimal(Decimal("1.50")), format_decimal(Decimal("2"))
    ('1,5', '2')
    """
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_percent(fraction: Decimal) -> str:
    """A fraction as a French percentage.

    >>> format_percent(Decimal("0.8")), format_percent(Decimal("0.125"))
    ('80 %', '12,5 %')
    """
    return format_decimal(fraction * 100) + " %"
