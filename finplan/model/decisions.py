"""Requests and decisions: what each funder gives on the plan's basis (spec §7).

A funder line is first a **request**: its amounts in the allocation of §2 (the
« requested » amounts).  Funders then decide, year by year: a status (envisagé,
sollicité, voté, conventionné, versé, refusé), the amount voted, and for a request
not yet decided, the chance it is granted.  The plan is computed on one of three
bases:

- ``demande``: the requests; statuses are only reported;
- ``decide``: what is decided so far — the amount voted in a decided year, 0 in the
  others;
- ``attendu``: the amount voted in a decided year, 0 in a refused year, and
  ``probability × requested`` in a year still envisaged or requested.

On ``decide`` and ``attendu`` these amounts are entitlements (:func:`decided_amount`):
the allocation serves them as it serves a ``per_fte`` funder, whatever the need, the
caps or the public ceiling; ``own`` funders are not requests and cover what is left.

>>> from decimal import Decimal
>>> from finplan.model.case import Funder
>>> region = Funder("Région", "public", "fixed", amount=Decimal(10000),
...                 status=("vote", "sollicite"), voted=Decimal(8000),
...                 probability=Decimal("0.5"))
>>> [decided_amount(region, y, 1_000_000, "attendu") for y in (1, 2)]
[800000, 500000]
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from finplan.errors import FinplanError
from finplan.model.case import Case, Funder, year_value
from finplan.model.money import times, to_cents
from finplan.model.series import series, year_of

__all__ = ["BASES", "DECIDED", "PENDING", "decided_amount", "decided_asks", "expected_amount",
           "has_status", "on_basis", "probability_of", "status_of"]

BASES = ("demande", "decide", "attendu")
DECIDED = ("vote", "conventionne", "verse")  # the funder has decided an amount
PENDING = ("envisage", "sollicite")  # not decided yet: a probability may weigh it


def has_status(funder: Funder) -> bool:
    """Whether a funder line is a request with a status: every funder but ``own``
    ones and a collective's members' contributions (``paid_by``); ``per_fte`` ones (the
    aide au poste, granted by its rule) only when a status is typed for them.

    >>> has_status(Funder("Fonds propres", "own", "residual"))
    False
    >>> has_status(Funder("Région", "public", "share"))
    True
    """
    if funder.type == "own" or funder.paid_by is not None:
        return False
    return funder.rule != "per_fte" or funder.status is not None


def status_of(funder: Funder, y: int) -> str | None:
    """The status of a funder's request in year ``y``: the one typed (a single value
    holds every year), ``sollicite`` when none is typed, None when the line is not a
    request (:func:`has_status`).

    >>> status_of(Funder("Région", "public", "share", status=("vote", "refuse")), 2)
    'refuse'
    >>> status_of(Funder("Région", "public", "share"), 1)
    'sollicite'
    """
    if not has_status(funder):
        return None
    if funder.status is None:
        return "sollicite"
    return year_value(funder.status, y)


def probability_of(funder: Funder, y: int) -> Decimal:
    """The chance a pending request is granted in year ``y``: the probability typed
    (a single value holds every year), 1 when none is.

    >>> probability_of(Funder("Fondation", "private", "fixed"), 2)
    Decimal('1')
    """
    return Decimal(1) if funder.probability is None else year_value(funder.probability, y)


def expected_amount(funder: Funder, y: int, requested: Any, values: Any = None) -> Any:
    """A pending request's expected amount: ``probability(y) × requested(y)``, half-up
    to the cent (probability 1 when none is given); in a Monte Carlo run whose
    decisions are drawn (``values``: the funder's drawn values), the requested amount
    in the draws that grant it and 0 in the others
    (:meth:`~finplan.model.montecarlo.ItemValues.chance`).

    >>> from decimal import Decimal
    >>> expected_amount(Funder("Fondation", "private", "fixed", probability=Decimal("0.7")),
    ...                 1, 333_333)
    233333
    """
    chance = probability_of(funder, y)
    return times(requested, chance if values is None else values.chance(chance))


def decided_amount(funder: Funder, y: int, requested: Any, basis: str,
                   values: Any = None) -> Any:
    """What a funder gives in year ``y`` on ``basis`` as an entitlement, or None when
    the allocation serves it by its rule (basis ``demande``, and lines that are not
    requests):

    - a decided year (voté, conventionné, versé): ``voted(y)``;
    - a refused year: 0;
    - an envisaged or requested year: 0 on ``decide``, ``probability(y) ×
      requested(y)`` on ``attendu`` (:func:`expected_amount`).

    ``requested`` is the year's amount in cents, or its draws in a Monte Carlo run
    (``values``: the funder's drawn values, :func:`expected_amount`).

    >>> fund = Funder("Fondation", "private", "fixed", status="refuse")
    >>> decided_amount(fund, 1, 500_000, "decide"), decided_amount(fund, 1, 500_000,
    ...                                                              "demande")
    (0, None)
    """
    status = status_of(funder, y)
    if basis == "demande" or status is None:
        return None
    if status in DECIDED:
        return to_cents(year_value(funder.voted, y))
    if status == "refuse" or basis == "decide":
        return 0
    return expected_amount(funder, y, requested, values)



def decided_asks(funder: Funder, requested: Any, basis: str, years: int,
                 values: Any = None) -> Any:
    """A funder's entitlement on ``basis``, year by year (:func:`decided_amount`), from
    its ``requested`` amounts (one plan's list, or an array of draws × years); None
    when the allocation serves it by its rule.

    >>> from decimal import Decimal
    >>> decided_asks(Funder("Région", "public", "share", status=("vote", "refuse"),
    ...                     voted=(Decimal(5000), Decimal(0))), [600000, 600000],
    ...              "decide", 2)
    [500000, 0]
    """
    if basis == "demande" or not has_status(funder):
        return None
    return series([decided_amount(funder, y, year_of(requested, y), basis, values)
                   for y in range(1, years + 1)])


def on_basis(case: Case, basis: str) -> Case:
    """The case computed on ``basis`` (one of :data:`BASES`) instead of its own.

    >>> from finplan.model.case import Project
    >>> on_basis(Case(Project("P", "O", 2027)), "attendu").project.basis
    'attendu'
    """
    if basis not in BASES:
        raise FinplanError(f"Base de calcul inconnue « {basis} » : choisissez "
                           f"{', '.join(BASES[:-1])} ou {BASES[-1]}.")
    return replace(case, project=replace(case.project, basis=basis))
