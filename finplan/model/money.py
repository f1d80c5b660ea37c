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
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the *_draws twins import numpy when called: one plan never loads it
    import numpy as np

__all__ = [
    "Cents",
    "euros",
    "json_euros",
    "json_number",
    "format_decimal",
    "format_euros",
    "format_percent",
    "ratio_to_cents",
    "integer_weights",
    "split",
    "split_draws",
    "times",
    "to_cents",
]

SAFE = 2**62  # integer products below this fit in int64

Cents = int
_CENT = Decimal("0.01")


def to_cents(amount):
    """Round an amount in euros to the cent, half-up (away from zero), as integer cents.

    One rule for both shapes: a Decimal or an int (a value as typed, one plan) exactly;
    float euros — a drawn value, an array with a row per draw — as ``floor(100 x +
    0.5)``, mirrored for negatives, in int64.

    >>> to_cents(Decimal("0.005")), to_cents(Decimal("-0.005")), to_cents(12)
    (1, -1, 1200)
    >>> import numpy as np
    >>> to_cents(np.array([0.125, -2.5, 12])).tolist()
    [13, -250, 1200]
    """
    if isinstance(amount, (Decimal, int)):
        return int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    import numpy as np

    cents = np.asarray(amount, dtype=np.float64) * 100
    return np.where(cents >= 0, np.floor(cents + 0.5), -np.floor(-cents + 0.5)).astype(
        np.int64)


def times(cents, ratio):
    """``cents × ratio`` rounded half-up to the cent (a rate applied to cents).

    Exact while the ratio is (a Decimal, a Fraction, an int), whether ``cents`` is an
    int or an array of draws (Python integers where an int64 product could overflow);
    a drawn ratio (floats, a column per draw) rounds the float product.

    >>> times(2500, Decimal("0.42")), times(-2500, Decimal("0.42")), times(25, Decimal("0.5"))
    (1050, -1050, 13)
    >>> import numpy as np
    >>> times(np.array([2500, -2500, 25]), Decimal("0.42")).tolist()
    [1050, -1050, 11]
    >>> times(np.array([[2500]]), np.array([[0.42], [0.5]])).tolist()
    [[1050], [1250]]
    """
    if not isinstance(ratio, (Decimal, Fraction, int)):
        return to_cents(cents * ratio / 100)
    numerator, denominator = Fraction(ratio).as_integer_ratio()
    if isinstance(cents, int):
        return ratio_to_cents(cents * numerator, denominator)
    import numpy as np

    values = np.asarray(cents)
    if int(np.abs(values).max(initial=0)) * abs(numerator) * 2 + denominator >= SAFE:
        values = values.astype(object)
    magnitude = (2 * abs(values) * abs(numerator) + denominator) // (2 * denominator)
    return np.where((values < 0) != (numerator < 0), -magnitude, magnitude).astype(np.int64)


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


def euro_amounts(values: Sequence[Cents]) -> tuple[Decimal, ...]:
    """Cents, one a year, as Decimal euros with two decimals (:func:`euros`): the unit
    of every amount finplan hands its users.

    >>> euro_amounts([123456, -5])
    (Decimal('1234.56'), Decimal('-0.05'))
    """
    return tuple(euros(value) for value in values)


def json_numbers(values: Sequence[Decimal | None]) -> list[float | None]:
    """Decimal euros (or percentages) as JSON numbers, None kept."""
    return [json_number(value) for value in values]


def json_euros(values: Sequence[Cents | None]) -> list[float | None]:
    """Cents as euro numbers for JSON (exact to the cent once printed), None kept (a
    figure that does not exist that year).

    >>> json_euros([123456, None, -5])
    [1234.56, None, -0.05]
    """
    return [None if value is None else value / 100 for value in values]


def json_number(value: Decimal | None) -> float | None:
    """A Decimal (a percentage, a quantity) as a JSON number, None kept."""
    return None if value is None else float(value)


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


def split_draws(total: np.ndarray, weights: Sequence[int], active: np.ndarray | None = None
                ) -> np.ndarray:
    """:func:`split` for each draw: ``total`` (draws) by non-negative integer
    ``weights``, parts (draws × members) that add up to each total; ``active``
    (draws × members, booleans) leaves members out of a draw (part 0).

    The same rule: ``total × w // W``, then the cents left over one by one to the
    largest remainders, ties to the first member.

    >>> import numpy as np
    >>> split_draws(np.array([100, 1000]), [2, 1]).tolist()
    [[67, 33], [667, 333]]
    >>> split_draws(np.array([10]), [1, 1, 1], np.array([[True, False, True]])).tolist()
    [[5, 0, 5]]
    """
    import numpy as np

    weights = np.asarray(weights, dtype=object if max(weights) >= 2**31 else np.int64)
    count = len(weights)
    if active is None:
        active = np.ones((len(total), count), dtype=bool)
    live = weights[None, :] * active
    weight_sum = live.sum(axis=1)
    weight_sum = np.where(weight_sum == 0, 1, weight_sum)
    total = np.asarray(total)
    if int(np.abs(total).max(initial=0)) * int(max(weights, default=1)) >= SAFE:
        products = total.astype(object)[:, None] * live.astype(object)
    else:
        products = total[:, None] * live
    parts = products // weight_sum[:, None]
    remainders = products - parts * weight_sum[:, None]
    parts = parts.astype(np.int64)
    left = total - parts.sum(axis=1)
    if count == 1:
        return parts + (active & (left[:, None] > 0))
    if not (left > 0).any():
        return parts
    # each member's rank in the order « largest remainder first, ties to the first
    # member », inactive members last: a stable sort of -remainder
    if remainders.dtype == object:
        key = np.where(active, -remainders, 2**63).astype(object)
        order = np.array([sorted(range(count), key=row.__getitem__) for row in key],
                         dtype=np.int64).reshape(parts.shape)
    else:
        key = np.where(active, -remainders, np.iinfo(np.int64).max)
        order = np.argsort(key, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(count)[None, :], axis=1)
    return parts + (active & (rank < left[:, None]))


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
