"""A funder's dossier (issue 16): what its request form asks, from the plan.

A subsidy request (the Cerfa n° 12156*06 and the forms of the Région, the Département
or a foundation, which copy it) asks for the action's budget line by line, the other
funders asked and the state of each request, the amount asked from this funder and
its share of the budget, and when the money is expected.  :func:`dossier_of` gathers
these from a computed :class:`~finplan.model.plan.PlanInternals`; the figures are the plan's
own (the same budget, the same funders, the same monthly cash), so a dossier never
contradicts the plan it comes from.

- **The funder**: a name typed as in the case, with its lines: « Région
  Nouvelle-Aquitaine » is every line so named or named « Région Nouvelle-Aquitaine
  (…) » (its programmes: ESS, investissement, étude…), each a request of the dossier.
- **Amount requested**: what the allocation gives the funder (spec §2) — the amount
  « demandé » whatever the request's status; **retained** is what the plan counts on
  its basis (spec §7: the amount voted, 0 when refused…).
- **Share of the budget**: what the lines paying charges request / the form's TOTAL
  DES CHARGES of the year (the whole plan's for the total), in per cent, half-up to
  the tenth; a line financing investments (in the financing plan) or a need of its
  own outside the budget is left out of the share.
- **Schedule**: the month-by-month payments of the funder in the plan's monthly cash;
  what falls outside the plan's months (received before its start, or paid after its
  end) is the rest of the retained total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from finplan.errors import FinplanError
from finplan.model.budget import (
    CERFA_SUB_LINES,
    CHARGE_LINES,
    CHARGES_TOTAL,
    ENGINE_ACCOUNTS,
    GRAND_TOTAL,
    IN_KIND_LINES,
    OWN_RESOURCES,
    PRODUIT_LINES,
    PRODUITS_TOTAL,
    SHORTFALL,
    SURPLUS,
    TAX_LINE,
    add,
)
from finplan.model.money import Cents, euro_amounts, json_number, json_numbers
from finplan.model.names import name_key
from finplan.model.public import internals_of
from finplan.model.vocabulary import CERFA_74_LINES

if TYPE_CHECKING:
    from finplan.model.case import Need
    from finplan.model.plan import FunderFunding, PlanInternals
    from finplan.model.public import Plan

__all__ = ["Dossier", "FormLine", "FunderLine", "budget_share", "dossier_of", "form_lines",
           "funder_lines", "organisation", "requesters"]


@dataclass(frozen=True)
class FormLine:
    """A line of the form's budget: its code (« 64 », « » for a total), its wording,
    its amounts by year (``Decimal`` euros), its kind (``line``, ``sub``: a sub-line of 74, or
    ``total``) and its key (the code of a line, ``74.region``, ``747``, or the name of a
    total: ``charges_total``, ``surplus``, ``charges_grand``, ``own``,
    ``produits_total``, ``shortfall``, ``produits_grand``)."""

    code: str
    label: str
    amounts: tuple[Decimal, ...]
    kind: str = "line"
    key: str = ""


@dataclass(frozen=True)
class FunderLine:
    """A funder line of the plan: its name, kind (type) and Cerfa line, the status
    of its request each year (None: not a request, e.g. own funds), the amounts
    requested and those the plan retains (``Decimal`` euros), the need it finances (its label) and
    whether that need's charges are in the budget (False: the investments, in the
    financing plan, or a need of its own outside the budget)."""

    name: str
    type: str
    line: str | None
    statuses: tuple[str | None, ...]
    requested: tuple[Decimal, ...]
    retained: tuple[Decimal, ...]
    need: str = ""
    in_budget: bool = True


@dataclass(frozen=True)
class Dossier:
    """What one funder's form asks (module docstring), every amount in ``Decimal``
    euros."""

    funder: str
    years: tuple[int, ...]
    requests: tuple[FunderLine, ...]  # the funder's lines
    requested: tuple[Decimal, ...]  # all its lines, by year
    retained: tuple[Decimal, ...]
    share: tuple[Decimal | None, ...]  # per cent of TOTAL DES CHARGES, by year
    share_total: Decimal | None
    charges: tuple[FormLine, ...]
    produits: tuple[FormLine, ...]
    co_funders: tuple[FunderLine, ...]
    payments: tuple[tuple[int, Decimal], ...]  # (month of the plan, 1-based; amount)
    outside: Decimal  # what of the retained total falls outside the plan's months

    def to_dict(self) -> dict[str, object]:
        """The dossier in euros (JSON): the request, its share of the budget in per
        cent, the form's lines, the co-funders, the payments by month of the plan."""
        def funder(line: FunderLine) -> dict[str, object]:
            return {"name": line.name, "type": line.type, "line": line.line,
                    "status": list(line.statuses), "requested": json_numbers(line.requested),
                    "retained": json_numbers(line.retained), "need": line.need,
                    "in_budget": line.in_budget}

        def form(line: FormLine) -> dict[str, object]:
            return {"code": line.code, "label": line.label, "key": line.key,
                    "kind": line.kind, "amounts": json_numbers(line.amounts)}

        return {"funder": self.funder, "years": list(self.years),
                "requests": [funder(line) for line in self.requests],
                "requested": json_numbers(self.requested),
                "retained": json_numbers(self.retained), "share": json_numbers(self.share),
                "share_total": json_number(self.share_total),
                "charges": [form(line) for line in self.charges],
                "produits": [form(line) for line in self.produits],
                "co_funders": [funder(line) for line in self.co_funders],
                "payments": [{"month": month, "amount": json_number(amount)}
                             for month, amount in self.payments],
                "outside": json_number(self.outside)}


def budget_share(requested: Cents | Decimal, total: Cents | Decimal) -> Decimal | None:
    """The share of the budget a request is, in per cent half-up to the tenth (None
    for a budget of 0); both amounts in one unit.

    >>> budget_share(2_500_000, 10_000_000), budget_share(1, 3), budget_share(5, 0)
    (Decimal('25.0'), Decimal('33.3'), None)
    """
    if total <= 0:
        return None
    return (Decimal(requested) * 100 / Decimal(total)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)


def _total(*rows: Sequence[Cents]) -> tuple[Cents, ...]:
    return tuple(add(*rows))


def _line_of(code: str, label: str, amounts: Sequence[Cents], kind: str = "line",
             key: str = "") -> FormLine:
    """A form line from the plan's cents."""
    return FormLine(code, label, euro_amounts(amounts), kind, key)


def _in_kind_accounts(line: str, amounts: dict[str, list[Cents]]) -> list[FormLine]:
    """The accounts of 86 or 87 that hold a contribution, as sub-lines of the form."""
    return [_line_of(code, text, amounts[code], "sub", code)
            for code, text, _ in CERFA_SUB_LINES[line] if any(amounts[code])]


def form_lines(plan: PlanInternals) -> tuple[tuple[FormLine, ...], tuple[FormLine, ...]]:
    """The form's budget, charges then produits, line by line as the Budget sheet
    shows it: 60 to 69, TOTAL DES CHARGES, the surplus, 86, TOTAL; 70 to 79 with the
    sub-lines of 74 (each level of funder, then 747), the own resources put in,
    TOTAL DES PRODUITS, the shortfall, 87, TOTAL."""
    zeros = (0,) * len(plan.years)
    charges = [_line_of(code, text, plan.charges.get(code, zeros), key=code)
               for code, text in {**CHARGE_LINES, TAX_LINE[0]: TAX_LINE[1]}.items()]
    in_kind = tuple(plan.in_kind.total)
    charges += [
        _line_of("", CHARGES_TOTAL, plan.charges_total, "total", "charges_total"),
        _line_of("", SURPLUS, plan.budget_surplus, key="surplus"),
        _line_of("86", IN_KIND_LINES["86"], in_kind, key="86"),
        *_in_kind_accounts("86", plan.in_kind.charges),
        _line_of("", GRAND_TOTAL, _total(plan.charges_total, plan.budget_surplus, in_kind),
                 "total", "charges_grand")]
    subsidies = plan.subsidies()
    produits = []
    for code, text in PRODUIT_LINES.items():
        produits.append(_line_of(code, text, plan.produits.get(code, zeros), key=code))
        if code == "74":
            produits += [_line_of("", text, subsidies[key], "sub", f"74.{key}")
                         for key, text in CERFA_74_LINES.items() if any(subsidies[key])]
            if any(subsidies["747"]):
                produits.append(_line_of("747", ENGINE_ACCOUNTS["747"], subsidies["747"],
                                         "sub", "747"))
    produits_total = _total(plan.produits_total, plan.own_resources)
    produits += [
        _line_of("", OWN_RESOURCES, plan.own_resources, key="own"),
        _line_of("", PRODUITS_TOTAL, produits_total, "total", "produits_total"),
        _line_of("", SHORTFALL, plan.budget_shortfall, key="shortfall"),
        _line_of("87", IN_KIND_LINES["87"], in_kind, key="87"),
        *_in_kind_accounts("87", plan.in_kind.produits),
        _line_of("", GRAND_TOTAL, _total(produits_total, plan.budget_shortfall, in_kind),
                 "total", "produits_grand")]
    return tuple(charges), tuple(produits)


def _line(funding: FunderFunding, need: Need) -> FunderLine:
    """A funding as a line of the dossier: what it asked is its amount but for a
    request the plan retains on its decision (spec §7), which asked its own."""
    asked = funding.requested_amounts if funding.decided else funding.amounts
    return FunderLine(funding.name, funding.type, funding.line, tuple(funding.statuses()),
                      euro_amounts(asked), euro_amounts(funding.amounts), need.label,
                      need.funds_charges)


def funder_lines(names: Sequence[str], name: str) -> list[int]:
    """The indexes of the lines of funder ``name`` among ``names``: those so named and
    those named ``name`` followed by a parenthesis (« Région (ESS) »), compared as
    names are (:func:`~finplan.model.names.name_key`).

    >>> funder_lines(["Région (ESS)", "Régions", "Région", "État"], " Région ")
    [0, 2]
    """
    key = name_key(name)
    return [index for index, other in enumerate(names)
            if name_key(other) == key or name_key(other).startswith(key + " (")]


def organisation(name: str) -> str:
    """The funder a line belongs to: its name without a closing parenthesis.

    >>> organisation("Région Nouvelle-Aquitaine (ESS)"), organisation("DLA des Landes")
    ('Région Nouvelle-Aquitaine', 'DLA des Landes')
    """
    key = name_key(name)
    if key.endswith(")") and " (" in key:
        return key[:key.rindex(" (")]
    return key


def requesters(plan: PlanInternals) -> list[str]:
    """The funders a request is filed with, each once, in the order of the case: the
    :func:`organisation` of every line that is a request (one with a status; not own
    funds, a member's contribution, an aide au poste without a status typed)."""
    found = [organisation(f.name) for f in plan.funder_results
             if any(status is not None for status in f.statuses())]
    return list(dict.fromkeys(found))


def dossier_of(plan: Plan | PlanInternals, name: str) -> Dossier:
    """The dossier of the funder ``name`` and its lines (:func:`funder_lines`), in
    ``Decimal`` euros; a French error naming the case's funders when none has that name.

    >>> import finplan
    >>> plan = finplan.compute(finplan.load_case(finplan.demo_path()))
    >>> dossier_of(plan, "DLA des Landes").requested
    (Decimal('1912.50'), Decimal('0.00'), Decimal('0.00'))
    """
    plan = internals_of(plan)
    fundings = plan.funder_results
    chosen = funder_lines([f.name for f in fundings], name)
    if not chosen:
        names = " ; ".join(f"« {f.name} »" for f in fundings) or "aucun"
        raise FinplanError(f"aucun financeur ne s'appelle « {name} » dans ce dossier. "
                           f"Financeurs du dossier : {names}.")
    lines = [_line(f, plan.case.need(f.funder.finances)) for f in fundings]
    ours = [lines[k] for k in chosen]
    charges, produits = form_lines(plan)
    payments = euro_amounts(_total(*(plan.monthly.payments(line.name) for line in ours)))
    # the totals are those of the lines shown (the sheet adds their rows)
    requested = _total(*(line.requested for line in ours))
    retained = _total(*(line.retained for line in ours))
    asked = _total((0,) * len(plan.years), *(line.requested for line in ours
                                          if line.in_budget))
    budget = euro_amounts(plan.charges_total)
    return Dossier(
        funder=ours[0].name if len(ours) == 1 else name_key(name), years=tuple(plan.years),
        requests=tuple(ours), requested=requested, retained=retained,
        share=tuple(budget_share(a, t) for a, t in zip(asked, budget)),
        share_total=budget_share(sum(asked), sum(budget)),
        charges=charges, produits=produits,
        co_funders=tuple(line for k, line in enumerate(lines) if k not in chosen),
        payments=tuple((month, amount) for month, amount in enumerate(payments, start=1)
                       if amount),
        outside=sum(retained) - sum(payments))
