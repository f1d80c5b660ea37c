"""Funders sharing a need, year by year (spec §2).

Pure integer-cent arithmetic.  :func:`allocate` takes one need's amounts by
year and the requests of the funders of that need, already turned into cents
(what a ``fixed`` funder offers, what a ``rate`` gives on the cost base, what a
``per_fte`` entitlement comes to), and returns what each funder pays and what
limited it.

Order within a year: ``per_fte`` entitlements first (never limited, counted in
the public share, remaining floored at 0), then groups of equal ``priority`` in
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

from finplan.model.money import Cents, integer_weights, split, times

__all__ = [
    "LIMIT_KINDS",
    "Allocation",
    "NeedAllocation",
    "Request",
    "allocate",
    "water_fill",
]

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


class _Year:
    """The state of one need in one year while its funders are served."""

    def __init__(self, need: Cents, ceiling: Cents | None):
        self.remaining = need
        self.ceiling = ceiling
        self.public = 0

    def ceiling_left(self) -> Cents | None:
        return None if self.ceiling is None else max(0, self.ceiling - self.public)


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


def allocate(need: Sequence[Cents], requests: Sequence[Request],
             max_public_share: Decimal | None = None) -> NeedAllocation:
    """Allocate ``need`` (cents by year) between the funders of ``requests``."""
    years = len(need)
    amounts = [[0] * years for _ in requests]
    limited = [["none"] * years for _ in requests]
    used = [0] * len(requests)
    unfunded, ceilings, public_totals = [], [], []
    entitled = [i for i, request in enumerate(requests) if request.rule == "per_fte"]
    others = sorted((i for i, request in enumerate(requests) if request.rule != "per_fte"),
                    key=lambda i: (requests[i].priority, i))
    groups = [list(members) for _, members in
              groupby(others, key=lambda i: requests[i].priority)]
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
