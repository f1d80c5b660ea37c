"""What refused and reduced requests leave, and who takes it (issue 16).

On a basis of decisions (spec §7) a request may give less than asked (refused, voted
below the request, still pending) or more (voted above).  Comparing the plan on that
basis with the plan as requested, need by need and year by year:

- each request's **gap**: ``requested(y) - amount(y)``;
- what the need's other funders **take** of it: ``amount(y) - requested(y)`` of each
  funder served by its rule (own funds and residual funders, mostly);
- what stays **unfunded** in addition: ``left'(y) - left(y)`` (for an earmarked need,
  what it leaves to the operating need);
- the change of the need itself, ``need'(y) - need(y)`` (an operating need grows when an
  earmarked need's funders give less), and of its surplus.

They add up, since a need is always ``funded + left - surplus``::

    sum of gaps = sum taken + unfunded more - surplus more - need more

>>> from finplan.model.case import Funder, Need
>>> from finplan.model.plan import FunderFunding, NeedResult
>>> need = Need("operating", "Fonctionnement")
>>> region = Funder("Région", "public", "share", status="refuse")
>>> own = Funder("Fonds propres", "own", "residual")
>>> asked = NeedResult(need, (1000,), (FunderFunding(region, (600,), ("need",)),
...                    FunderFunding(own, (400,), ("need",))), (1000,), (0,), (0,),
...                    (None,), (600,))
>>> got = NeedResult(need, (1000,), (FunderFunding(region, (0,), ("none",), None, (600,)),
...                  FunderFunding(own, (1000,), ("need",), None, (400,))), (1000,), (0,),
...                  (0,), (None,), (0,))
>>> found = need_gap(asked, got)
>>> found.gap, found.taken, found.unfunded
((600,), (('Fonds propres', (600,)),), (0,))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from finplan.model.budget import add, subtract
from finplan.model.case import Need
from finplan.model.money import Cents, format_euros


class NeedResult(Protocol):
    """What this module reads of a :class:`finplan.model.plan.NeedResult` (the plan
    holds the gaps, so this module does not import it)."""

    need: Need
    amounts: tuple[Cents, ...]
    funding: tuple[Any, ...]
    unfunded: tuple[Cents, ...]
    surplus: tuple[Cents, ...]

    @property
    def to_operating(self) -> tuple[Cents, ...]: ...

__all__ = ["NeedGap", "gap_advice", "need_gap", "request_gaps"]


@dataclass(frozen=True)
class NeedGap:
    """One need's gaps: the requests that give other than asked, and who takes the
    difference (cents, one value a year)."""

    need_id: str
    label: str
    requests: tuple[tuple[str, tuple[Cents, ...], tuple[Cents, ...]], ...]  # name, asked, got
    taken: tuple[tuple[str, tuple[Cents, ...]], ...]  # name, amount more than asked
    unfunded: tuple[Cents, ...]  # left unfunded in addition
    need_change: tuple[Cents, ...]
    surplus_change: tuple[Cents, ...]

    @property
    def gap(self) -> tuple[Cents, ...]:
        """``sum of requested(y) - amount(y)`` over the requests."""
        years = len(self.unfunded)
        return tuple(add([0] * years, *(subtract(asked, got)
                                        for _, asked, got in self.requests)))


def _left(result: NeedResult) -> tuple[Cents, ...]:
    """What a need leaves: unfunded, or for an earmarked need, to the operating need."""
    return result.to_operating if result.need.is_earmarked else result.unfunded


def need_gap(asked: NeedResult, got: NeedResult) -> NeedGap | None:
    """The gaps of one need (:class:`NeedGap`) between its result as requested
    (``asked``) and on the plan's basis (``got``); None when every request gives what
    it asked."""
    before = {f.name: f.amounts for f in asked.funding}
    requests = tuple((f.name, before[f.name], f.amounts) for f in got.funding
                     if f.decided and f.amounts != before[f.name])
    if not requests:
        return None
    taken = tuple((f.name, tuple(subtract(f.amounts, before[f.name])))
                  for f in got.funding if not f.decided and f.amounts != before[f.name])
    return NeedGap(got.need.id, got.need.label, requests, taken,
                   tuple(subtract(_left(got), _left(asked))),
                   tuple(subtract(got.amounts, asked.amounts)),
                   tuple(subtract(got.surplus, asked.surplus)))


def request_gaps(asked: Sequence[NeedResult], got: Sequence[NeedResult]
                 ) -> tuple[NeedGap, ...]:
    """Each need's gaps (:func:`need_gap`), in the plan's order of needs."""
    by_id = {result.need.id: result for result in asked}
    found = (need_gap(by_id[result.need.id], result) for result in got)
    return tuple(gap for gap in found if gap is not None)


def _total(amounts: Sequence[Cents]) -> str:
    return format_euros(sum(amounts))


def gap_advice(gaps: Sequence[NeedGap], low: tuple[Cents, str],
               requested_low: tuple[Cents, str], bridging_need: Cents) -> list[str]:
    """In words, need by need: what the requests leave over the plan, who takes it,
    what stays to find and where to look; then the lowest monthly cash against the
    plan as requested (``low`` and ``requested_low``: amount and month in words), with
    what would close it (``bridging_need``: what is still missing after the case's
    bridging facilities).

    >>> import textwrap
    >>> gap = NeedGap("operating", "Fonctionnement", (("Région", (600000,), (0,)),),
    ...               (("Fonds propres", (500000,)),), (100000,), (0,), (0,))
    >>> for line in gap_advice([gap], (-30000, "mai 2027"), (0, "mars 2027"), 30000):
    ...     print(textwrap.fill(line, 84))
    Besoin « Fonctionnement » : les demandes donnent 6 000 € de moins que demandé (Région :
    6 000 €). Repris : 5 000 € par Fonds propres. Reste non financé : 1 000 € — à trouver
    auprès d'un autre financeur, en fonds propres (un financeur « Fonds propres » au solde
    de ce besoin) ou en réduisant les charges.
    Trésorerie au plus bas : -300 € en mai 2027, contre 0 € en mars 2027 sur les montants
    demandés ; un financement relais (prêt relais, avance remboursable, Dailly) ou un
    apport de fonds propres en trésorerie d'au moins 300 € la couvrirait.
    """
    found = []
    for gap in gaps:
        total = sum(gap.gap)
        parts = ", ".join(f"{name} : {format_euros(sum(asked) - sum(got))}"
                          for name, asked, got in gap.requests)
        words = (f"{format_euros(total)} de moins" if total >= 0
                 else f"{format_euros(-total)} de plus")
        text = (f"Besoin « {gap.label} » : les demandes donnent {words} que demandé "
                f"({parts}).")
        takers = [(name, sum(more)) for name, more in gap.taken if sum(more)]
        if takers:
            text += " Repris : " + ", ".join(
                f"{format_euros(amount)} par {name}" if amount > 0
                else f"{format_euros(-amount)} de moins pour {name}"
                for name, amount in takers) + "."
        change = sum(gap.need_change)
        if change:
            less, more = ("moins", "plus") if change > 0 else ("plus", "moins")
            text += (f" Le besoin lui-même {'augmente' if change > 0 else 'diminue'} de "
                     f"{format_euros(abs(change))} ({less} de subventions d'investissement "
                     f"virées au résultat (747), ou {more} laissé par un besoin "
                     "particulier).")
        if sum(gap.unfunded) > 0:
            text += (f" Reste non financé : {_total(gap.unfunded)} — à trouver auprès d'un "
                     "autre financeur, en fonds propres (un financeur « Fonds propres » au "
                     "solde de ce besoin) ou en réduisant les charges.")
        found.append(text)
    if gaps and low[0] < min(0, requested_low[0]):
        text = (f"Trésorerie au plus bas : {format_euros(low[0])} en {low[1]}, contre "
                f"{format_euros(requested_low[0])} en {requested_low[1]} sur les montants "
                "demandés")
        if bridging_need:
            text += (" ; un financement relais (prêt relais, avance remboursable, Dailly) "
                     "ou un apport de fonds propres en trésorerie d'au moins "
                     f"{format_euros(bridging_need)} la couvrirait")
        found.append(text + ".")
    return found
