"""Funders sharing a need, year by year (spec §2).

Pure integer-cent arithmetic.  :func:`allocate` takes one need's amounts by
year and the requests of the funders of that need, already turned into cents
(what a ``fixed`` funder offers, what a ``rate`` gives on the cost base, what a
``per_fte`` entitlement comes to), and returns what each funder pays and what
limited it.

Order within a year: the entitlements first — ``per_fte`` aids and, on a basis of
decisions, the amounts decided (rule ``decided``, spec §7) — never limited, counted in
the public share, remaining floored at 0; then groups of equal ``priority`` in
ascending order, each group in file order with its ``share`` funders all
together at the place of the first of them.  Every allocation is limited by
what remains of the need, the funder's ``cap``, what is left of its
``cap_total``, and for public funders the public ceiling.

>>> need = [1000000]
>>> requests = [
...     Request("Département", "share", public=True, weight=2, caps=[400000]),
...     Request("Région", "share", public=True, weight=1),
...     Request("Fondation", "share", public=False, weight=1, caps=[100000]),
... ]
>>> result = allocate(need, requests)
>>> [a.amounts[0] for a in result.allocations], result.unfunded
([400000, 500000, 100000], [0])
>>> [a.limited_by[0] for a in result.allocations]
['cap', 'need', 'cap']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import TYPE_CHECKING

from finplan.model.money import (
    SAFE,
    Cents,
    integer_weights,
    split,
    split_draws,
    times,
)

if TYPE_CHECKING:  # the *_draws twins import numpy when called
    import numpy as np

__all__ = [
    "ENTITLED",
    "LIMIT_KINDS",
    "Allocation",
    "NeedAllocation",
    "Request",
    "allocate",
    "allocate_draws",
    "water_fill",
    "water_fill_draws",
]

# The rules served first, whatever the need, the caps and the public ceiling.
ENTITLED = ("per_fte", "decided")

# The names of what can limit an allocation, in the order ties are reported.
LIMIT_KINDS = ("none", "need", "cap", "cap_total", "public_ceiling")


@dataclass(frozen=True)
class Request:
    """What one funder brings to a need.

    ``asks`` is one offer a year for ``fixed``, ``rate`` and ``per_fte`` (in
    cents); ``share`` and ``residual`` funders take what the need leaves them.
    ``caps`` is a yearly ceiling (None: none), ``cap_total`` a ceiling over the
    horizon.
    """

    name: str
    rule: str
    public: bool = False
    asks: Sequence[Cents] | None = None
    weight: Decimal | int = 1
    caps: Sequence[Cents | None] | None = None
    cap_total: Cents | None = None
    priority: int = 100

    def cap(self, y: int) -> Cents | None:
        return None if self.caps is None else self.caps[y]


@dataclass(frozen=True)
class Allocation:
    """What one funder pays each year and, each year, what limited it."""

    name: str
    amounts: list[Cents]
    limited_by: list[str]

    @property
    def total(self) -> Cents:
        return sum(self.amounts)


@dataclass(frozen=True)
class NeedAllocation:
    """The allocations of one need, what is left unfunded and the public ceiling."""

    allocations: list[Allocation]
    unfunded: list[Cents]
    ceilings: list[Cents | None] = field(default_factory=list)
    public_total: list[Cents] = field(default_factory=list)


def water_fill(total: Cents, weights: Sequence[Decimal | int],
               limits: Sequence[Cents | None]) -> tuple[list[Cents], list[bool]]:
    """Split ``total`` by weight under each member's limit (None: no limit).

    A member whose part would exceed its limit gets its limit and the excess is
    split again between the others by weight, until nobody exceeds or nothing
    is left.  Returns the parts (exact cents, largest remainder) and, for each
    member, whether its limit cut it.

    >>> water_fill(900, [1, 1, 1], [100, None, 200])
    ([100, 600, 200], [True, False, True])
    >>> water_fill(900, [1, 1], [100, 200])
    ([100, 200], [True, True])
    """
    count = len(weights)
    parts, clipped = [0] * count, [False] * count
    active = []
    for i in range(count):
        if total > 0 and limits[i] is not None and limits[i] <= 0:
            clipped[i] = True
        else:
            active.append(i)
    left = total
    whole = integer_weights(weights) if weights else []
    while active and left > 0:
        weight_sum = sum(whole[i] for i in active)
        # left × w / W > limit, in integers
        over = [i for i in active if limits[i] is not None
                and left * whole[i] > limits[i] * weight_sum]
        if not over:
            for i, part in zip(active, split(left, [whole[i] for i in active])):
                parts[i] = part
            break
        for i in over:
            parts[i], clipped[i] = limits[i], True
            left -= limits[i]
        active = [i for i in active if i not in over]
    return parts, clipped


def water_fill_draws(total: np.ndarray, weights: list[int],
                     limits: list[np.ndarray | None]) -> np.ndarray:
    """:func:`water_fill` for each draw: ``total`` (draws) by integer ``weights`` under
    each member's limit (draws, or None: no limit); the parts (draws × members).

    The same rule: a member whose part would exceed its limit (``left × w > limit ×
    W``, in integers) gets its limit, the rest is split again between the others.

    >>> import numpy as np
    >>> water_fill_draws(np.array([900, 90]), [1, 1, 1],
    ...                  [np.array([100, 100]), None, np.array([200, 200])]).tolist()
    [[100, 600, 200], [30, 30, 30]]
    """
    import numpy as np

    draws, count = len(total), len(weights)
    has_limit = np.array([limit is not None for limit in limits])
    limit = np.stack([np.zeros(draws, dtype=np.int64) if value is None else value
                      for value in limits], axis=1)
    weight = np.array(weights, dtype=np.int64)
    parts = np.zeros((draws, count), dtype=np.int64)
    active = ~((total > 0)[:, None] & has_limit[None, :] & (limit <= 0))
    left = total.copy()
    done = np.zeros(draws, dtype=bool)
    exact = (int(np.abs(total).max(initial=0)) + int(np.abs(limit).max(initial=0))) * int(
        weight.sum()) >= SAFE
    for _ in range(count + 1):
        running = ~done & active.any(axis=1) & (left > 0)
        if not running.any():
            break
        weight_sum = (active * weight[None, :]).sum(axis=1)
        if exact:
            over = (left.astype(object)[:, None] * weight.astype(object)[None, :]
                    > limit.astype(object) * weight_sum.astype(object)[:, None])
            over = over.astype(bool)
        else:
            over = left[:, None] * weight[None, :] > limit * weight_sum[:, None]
        over &= active & has_limit[None, :] & running[:, None]
        settled = running & ~over.any(axis=1)
        if settled.any():
            parts[settled] = np.where(active[settled], split_draws(left[settled], weights,
                                                                   active[settled]),
                                      parts[settled])
            done |= settled
        parts = np.where(over, limit, parts)
        left = left - (over * limit).sum(axis=1)
        active &= ~over
    return parts


class _Year:
    """The state of one need in one year while its funders are served."""

    def __init__(self, need: Cents, ceiling: Cents | None):
        self.remaining = need
        self.ceiling = ceiling
        self.public = 0

    def ceiling_left(self) -> Cents | None:
        return None if self.ceiling is None else max(0, self.ceiling - self.public)


class _YearDraws:
    """:class:`_Year` for each draw: one need's state in one year (arrays of draws)."""

    def __init__(self, need: np.ndarray, ceiling: np.ndarray | None):
        import numpy as np

        self.remaining = need.copy()
        self.ceiling = ceiling
        self.public = np.zeros_like(need)

    def ceiling_left(self) -> np.ndarray | None:
        import numpy as np

        return None if self.ceiling is None else np.maximum(0, self.ceiling - self.public)


def _own_limit(request: Request, y: int, used: Cents) -> tuple[Cents | None, str]:
    """The tighter of the funder's yearly cap and what is left of its total cap."""
    candidates = []
    if request.cap(y) is not None:
        candidates.append((request.cap(y), "cap"))
    if request.cap_total is not None:
        candidates.append((max(0, request.cap_total - used), "cap_total"))
    if not candidates:
        return None, "none"
    return min(candidates, key=lambda item: item[0])  # ties: cap before cap_total


def _own_limit_draws(request: Request, y: int, used: np.ndarray) -> np.ndarray | None:
    """:func:`_own_limit` for each draw (the limit only: the draws keep no reasons)."""
    import numpy as np

    limits = []
    if request.caps is not None:
        limits.append(request.caps[:, y])
    if request.cap_total is not None:
        limits.append(np.maximum(0, request.cap_total - used))
    if not limits:
        return None
    return limits[0] if len(limits) == 1 else np.minimum(limits[0], limits[1])


def _serving_order(requests: Sequence[Request]) -> tuple[list[int], list[list[int]]]:
    """The order funders are served in, each year: the entitlements first (rules
    :data:`ENTITLED`), then groups of equal ``priority`` in ascending order, file order
    within a group. (indexes of the entitlements, indexes of each group)."""
    entitled = [i for i, request in enumerate(requests) if request.rule in ENTITLED]
    others = sorted((i for i, request in enumerate(requests) if request.rule not in ENTITLED),
                    key=lambda i: (requests[i].priority, i))
    return entitled, [list(members) for _, members in
                      groupby(others, key=lambda i: requests[i].priority)]


def allocate(need: Sequence[Cents], requests: Sequence[Request],
             max_public_share: Decimal | None = None) -> NeedAllocation:
    """Allocate ``need`` (cents by year) between the funders of ``requests``."""
    years = len(need)
    amounts = [[0] * years for _ in requests]
    limited = [["none"] * years for _ in requests]
    used = [0] * len(requests)
    unfunded, ceilings, public_totals = [], [], []
    entitled, groups = _serving_order(requests)
    for y in range(years):
        ceiling = None if max_public_share is None else times(need[y], max_public_share)
        state = _Year(need[y], ceiling)
        for i in entitled:
            paid = requests[i].asks[y]
            _record(requests, amounts, used, state, i, y, paid)
            state.remaining = max(0, state.remaining)
        for group in groups:
            shares = [i for i in group if requests[i].rule == "share"]
            for i in group:
                if requests[i].rule != "share":
                    paid, limited[i][y] = _single(requests[i], y, used[i], state)
                    _record(requests, amounts, used, state, i, y, paid)
                elif i == shares[0]:
                    _share_group(requests, shares, y, used, state, amounts, limited)
        unfunded.append(state.remaining)
        ceilings.append(ceiling)
        public_totals.append(state.public)
    return NeedAllocation(
        [Allocation(request.name, amounts[i], limited[i])
         for i, request in enumerate(requests)], unfunded, ceilings, public_totals)


def allocate_draws(need: np.ndarray, requests: Sequence[Request],
                   max_public_share: Decimal | None = None
                   ) -> tuple[list[np.ndarray], np.ndarray]:
    """:func:`allocate` for each draw: ``need`` (draws × years) between ``requests``
    whose ``asks``, ``caps`` (draws × years) and ``cap_total`` (draws) are arrays.
    What each funder pays (draws × years each) and what is left unfunded.

    >>> import numpy as np
    >>> paid, unfunded = allocate_draws(np.array([[1000000], [500000]]), [
    ...     Request("Département", "share", public=True, weight=2,
    ...             caps=np.array([[400000], [400000]])),
    ...     Request("Région", "share", public=True, weight=1)])
    >>> [amounts[:, 0].tolist() for amounts in paid], unfunded[:, 0].tolist()
    ([[400000, 333333], [600000, 166667]], [0, 0])
    """
    import numpy as np

    draws, years = need.shape
    paid = [np.zeros((draws, years), dtype=np.int64) for _ in requests]
    used = [np.zeros(draws, dtype=np.int64) for _ in requests]
    unfunded = np.zeros((draws, years), dtype=np.int64)
    entitled, groups = _serving_order(requests)
    for y in range(years):
        state = _YearDraws(need[:, y], None if max_public_share is None
                           else times(need[:, y], max_public_share))

        def record(i: int, amount: np.ndarray, y: int = y, state: _YearDraws = state
                   ) -> None:
            paid[i][:, y] += amount
            used[i] += amount
            state.remaining = state.remaining - amount
            if requests[i].public:
                state.public = state.public + amount

        for i in entitled:
            record(i, requests[i].asks[:, y])
            state.remaining = np.maximum(0, state.remaining)
        for group in groups:
            shares = [i for i in group if requests[i].rule == "share"]
            for i in group:
                if requests[i].rule != "share":
                    record(i, _single_draws(requests[i], y, used[i], state))
                elif i == shares[0]:
                    for member, amount in zip(shares, _share_group_draws(
                            requests, shares, y, used, state)):
                        record(member, amount)
        unfunded[:, y] = state.remaining
    return paid, unfunded


def _record(requests: Sequence[Request], amounts: list[list[Cents]], used: list[Cents],
            state: _Year, i: int, y: int, paid: Cents) -> None:
    amounts[i][y] += paid
    used[i] += paid
    state.remaining -= paid
    if requests[i].public:
        state.public += paid


def _single(request: Request, y: int, used: Cents, state: _Year) -> tuple[Cents, str]:
    """A ``fixed``, ``rate`` or ``residual`` funder: its offer under every limit."""
    own, own_kind = _own_limit(request, y, used)
    limits = [(state.remaining, "need")]
    if own is not None:
        limits.append((own, own_kind))
    if request.public and state.ceiling is not None:
        limits.append((state.ceiling_left(), "public_ceiling"))
    bound, kind = min(limits, key=lambda item: (item[0], LIMIT_KINDS.index(item[1])))
    ask = None if request.asks is None else request.asks[y]
    if ask is not None and ask <= bound:
        return ask, "none"
    return bound, kind


def _single_draws(request: Request, y: int, used: np.ndarray, state: _YearDraws
                  ) -> np.ndarray:
    """:func:`_single` for each draw: the offer under every limit."""
    import numpy as np

    bound = state.remaining
    own = _own_limit_draws(request, y, used)
    if own is not None:
        bound = np.minimum(bound, own)
    if request.public and state.ceiling is not None:
        bound = np.minimum(bound, state.ceiling_left())
    return bound if request.asks is None else np.minimum(request.asks[:, y], bound)


def _share_group(requests: Sequence[Request], members: list[int], y: int,
                 used: list[Cents], state: _Year, amounts: list[list[Cents]],
                 limited: list[list[str]]) -> None:
    """The ``share`` funders of one priority group, water-filled together."""
    own = {i: _own_limit(requests[i], y, used[i]) for i in members}

    def fill(total: Cents, group: list[int], fallback: str) -> dict[int, tuple[Cents, str]]:
        parts, clipped = water_fill(total, [requests[i].weight for i in group],
                                    [own[i][0] for i in group])
        return {i: (part, own[i][1] if cut else fallback)
                for i, part, cut in zip(group, parts, clipped)}

    result = fill(state.remaining, members, "need")
    ceiling_left = state.ceiling_left()
    public = [i for i in members if requests[i].public]
    if ceiling_left is not None and sum(result[i][0] for i in public) > ceiling_left:
        private = [i for i in members if not requests[i].public]
        result = fill(ceiling_left, public, "public_ceiling")
        public_paid = sum(result[i][0] for i in public)
        result.update(fill(state.remaining - public_paid, private, "need"))
    for i in members:
        paid, limited[i][y] = result[i]
        _record(requests, amounts, used, state, i, y, paid)


def _share_group_draws(requests: Sequence[Request], members: list[int], y: int,
                       used: list[np.ndarray], state: _YearDraws) -> list[np.ndarray]:
    """:func:`_share_group` for each draw: the ``share`` funders of one priority group,
    water-filled together, filled again under the public ceiling where it binds."""
    import numpy as np

    own = {i: _own_limit_draws(requests[i], y, used[i]) for i in members}

    def fill(total: np.ndarray, group: list[int]) -> dict[int, np.ndarray]:
        if not group:
            return {}
        parts = water_fill_draws(total, integer_weights([requests[i].weight for i in group]),
                                 [own[i] for i in group])
        return {i: parts[:, k] for k, i in enumerate(group)}

    result = fill(state.remaining, members)
    ceiling_left = state.ceiling_left()
    public = [i for i in members if requests[i].public]
    if ceiling_left is not None and public:
        redo = sum(result[i] for i in public) > ceiling_left
        if redo.any():
            private = [i for i in members if not requests[i].public]
            capped = fill(ceiling_left, public)
            public_paid = sum(capped[i] for i in public)
            capped.update(fill(state.remaining - public_paid, private))
            result = {i: np.where(redo, capped[i], result[i]) for i in members}
    return [result[i] for i in members]
