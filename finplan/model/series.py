"""A figure's years, in either shape: a list for one plan, an array for many draws.

:func:`~finplan.model.engine.compute` keeps each figure as a list of integer cents, one a year;
:func:`~finplan.model.engine.compute_draws` keeps it as an array with a row per draw
(one row when nothing varies it) and a column per year.  A rule that is plain
arithmetic is written once and serves both, as numpy-financial's functions serve a
number and an array alike: :func:`yearly` applies a formula written for one year to
each year of lists, or to whole arrays at once; the few operations that are not
arithmetic operators (``max(0, x)``, ``min``, the year before, a running total) are
here in both shapes.  One plan never imports numpy for them.

>>> @yearly
... def margin(produits, charges):
...     return produits - charges
>>> margin([500, 700], [400, 800])
[100, -100]
>>> import numpy as np
>>> margin(np.array([[500, 700], [600, 900]]), np.array([[400, 800]])).tolist()
[[100, -100], [200, 100]]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import accumulate
from typing import Any

__all__ = ["by_year", "difference", "gathered", "is_exact", "minimum", "negative", "positive",
           "running_total", "series", "year_of", "yearly"]


def is_exact(value: Any) -> bool:
    """Whether ``value`` is a number of one plan (an int or a Decimal: exact), not a
    drawn value (floats, an array of draws)."""
    return isinstance(value, (int, Decimal))


def by_year(formula: Callable[..., Any], *figures: Any) -> Any:
    """``formula`` applied to each year of lists (one plan: a list), or once to whole
    arrays (draws × years), where it works element by element."""
    if all(isinstance(figure, (list, tuple)) for figure in figures):
        return [formula(*values) for values in zip(*figures)]
    return formula(*figures)


def yearly(formula: Callable[..., Any]) -> Callable[..., Any]:
    """A formula written for one year (``result = produits - charges``) made to serve
    a whole figure in either shape (:func:`by_year`)."""

    @functools.wraps(formula)
    def over_years(*figures: Any) -> Any:
        return by_year(formula, *figures)

    return over_years


def positive(value: Any) -> Any:
    """``max(0, x)``, for a number, each year of a list, or an array.

    >>> positive([-3, 5]), positive(-2)
    ([0, 5], 0)
    """
    if isinstance(value, (list, tuple)):
        return [max(0, item) for item in value]
    if is_exact(value) or isinstance(value, float):
        return max(0, value)
    import numpy as np

    return np.maximum(0, value)


def negative(value: Any) -> Any:
    """``max(0, -x)``: the part below zero, as a positive amount.

    >>> negative([-3, 5])
    [3, 0]
    """
    if isinstance(value, (list, tuple)):
        return [max(0, -item) for item in value]
    return positive(-value)


def minimum(first: Any, second: Any) -> Any:
    """The smaller of two numbers, or of two arrays element by element.

    >>> minimum(Decimal(3), Decimal("2.5")), minimum([1, 5], 3)
    (Decimal('2.5'), [1, 3])
    """
    if is_exact(first) and is_exact(second):
        return min(first, second)
    if isinstance(first, (list, tuple)):  # one plan's figure and a number
        return [min(item, second) for item in first]
    import numpy as np

    return np.minimum(first, second)


def difference(figure: Any) -> Any:
    """Each year's change from the year before (the year before the first: 0).

    >>> difference([100, 150, 120])
    [100, 50, -30]
    >>> import numpy as np
    >>> difference(np.array([[100, 150, 120]])).tolist()
    [[100, 50, -30]]
    """
    if isinstance(figure, (list, tuple)):
        return [now - before for now, before in zip(figure, [0, *figure[:-1]])]
    import numpy as np

    return np.diff(figure, axis=1, prepend=0)


def gathered(figure: Any, index: int) -> Any:
    """The figure with its first ``index`` values added to the next one (at position
    ``index``, from 0) and set to 0: what was due earlier, paid at once then.

    >>> gathered([1, 2, 3, 4], 2)
    [0, 0, 6, 4]
    >>> import numpy as np
    >>> gathered(np.array([[1, 2, 3, 4]]), 2).tolist()
    [[0, 0, 6, 4]]
    """
    if index <= 0:
        return figure
    if isinstance(figure, (list, tuple)):
        return [0] * index + [sum(figure[:index + 1]), *figure[index + 1:]]

    moved = figure.copy()
    moved[:, index] += moved[:, :index].sum(axis=1)
    moved[:, :index] = 0
    return moved


def running_total(opening: Any, flows: Any) -> Any:
    """``opening`` plus the running sum of ``flows``: each year's (or month's) end.

    >>> running_total(100, [50, -80, 10])
    [150, 70, 80]
    >>> import numpy as np
    >>> running_total(np.array([[100], [0]]), np.array([[50, -80, 10]])).tolist()
    [[150, 70, 80], [50, -30, -20]]
    """
    if isinstance(flows, (list, tuple)):
        return list(accumulate(flows, initial=opening))[1:]
    import numpy as np

    return opening + np.cumsum(flows, axis=1)


def year_of(figure: Any, y: int) -> Any:
    """Year ``y`` (from 1) of a figure: a number of one plan's list, or the column of
    an array (draws × 1).

    >>> year_of([10, 20], 2)
    20
    >>> import numpy as np
    >>> year_of(np.array([[10, 20], [30, 40]]), 2).tolist()
    [[20], [40]]
    """
    if isinstance(figure, (list, tuple)):
        return figure[y - 1]
    return figure[:, y - 1:y]


def series(values: Sequence[Any]) -> Any:
    """A figure's years from its value in each year: the list itself for one plan
    (exact numbers), else the draws' columns side by side (draws × years).

    >>> series([1, 2])
    [1, 2]
    >>> import numpy as np
    >>> series([np.array([[1], [2]]), np.array([[3], [4]])]).tolist()
    [[1, 3], [2, 4]]
    """
    if all(is_exact(value) for value in values):
        return list(values)
    import numpy as np

    columns = [np.asarray(value).reshape(-1, 1) for value in values]
    rows = max(len(column) for column in columns)
    return np.concatenate([np.broadcast_to(column, (rows, 1)) for column in columns], axis=1)
