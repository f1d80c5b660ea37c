"""The engine's record of a computed plan, in integer cents, and its JSON result (spec §5).

:class:`PlanInternals` keeps every intermediate step the adapters need (the sheets'
rows, the cohorts of depreciation, the monthly cash…), each amount in integer cents, one
a year. The JSON result gives euros rounded to the cent. Users read the public
:class:`finplan.model.public.Plan`, which wraps it in ``Decimal`` euros.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from finplan.model.assets import LoanSchedule
from finplan.model.breakeven import BreakEven, break_even_of, sold_at
from finplan.model.bridging import BridgeYears, Offer, bridge_years, offers
from finplan.model.budget import (
    BudgetRow,
    add,
    shortfall,
    surplus,
)
from finplan.model.case import Case, Funder, Need, year_value
from finplan.model.cash import MonthlyCash, month_label
from finplan.model.checks import Check, bridge_advice
from finplan.model.contracts import contract_hours
from finplan.model.decisions import has_status, status_of
from finplan.model.fields import items_of
from finplan.model.fields import lines as line_sections
from finplan.model.financing import FinancingRow
from finplan.model.gaps import NeedGap, gap_advice
from finplan.model.in_kind import InKind
from finplan.model.money import Cents
from finplan.model.money import json_euros as _money
from finplan.model.staff import StaffCosts, insertion_fte

__all__ = ["RESULT_FORMAT", "FunderFunding", "NeedResult", "PlanInternals", "charge_funding"]

RESULT_FORMAT = "finplan-result/1"


@dataclass(frozen=True)
class FunderFunding:
    """What one funder pays for its need each year, and what limited it."""

    funder: Funder
    amounts: tuple[Cents, ...]
    limited_by: tuple[str, ...]
    offered: tuple[Cents, ...] | None = None  # fixed/rate/per_fte offer before limits
    # the amounts as requested, when the plan is computed on a basis of decisions
    # (spec §7; None on the basis « demande », where they are ``amounts``)
    requested: tuple[Cents, ...] | None = None

    @property
    def name(self) -> str:
        return self.funder.name

    @property
    def type(self) -> str:
        return self.funder.type

    @property
    def line(self) -> str | None:
        return self.funder.line

    @property
    def total(self) -> Cents:
        return sum(self.amounts)

    @property
    def requested_amounts(self) -> tuple[Cents, ...]:
        """The amounts as requested (the allocation of spec §2, statuses ignored)."""
        return self.amounts if self.requested is None else self.requested

    @property
    def decided(self) -> bool:
        """Whether the amounts are the decided or expected ones of a request (spec §7),
        served as an entitlement, not by the funder's rule."""
        return self.requested is not None and has_status(self.funder)

    def statuses(self) -> list[str | None]:
        """The request's status each year (None: not a request)."""
        return [status_of(self.funder, y) for y in range(1, len(self.amounts) + 1)]


@dataclass(frozen=True)
class NeedResult:
    """One need by year: amount, funding, unfunded part, per_fte surplus, ceiling."""

    need: Need
    amounts: tuple[Cents, ...]
    funding: tuple[FunderFunding, ...]
    funded: tuple[Cents, ...]
    unfunded: tuple[Cents, ...]
    surplus: tuple[Cents, ...]
    ceilings: tuple[Cents | None, ...]
    public: tuple[Cents, ...]

    @property
    def to_operating(self) -> tuple[Cents, ...]:
        """What an earmarked need's funders leave of it each year, which stays in the
        operating need (``max(0, need - funded)``); 0 for any other need.

        >>> from finplan.model.case import Need
        >>> need = Need("n", "n", covers=("staff[A]",))
        >>> NeedResult(need, (500, 300), (), (200, 400), (0, 0), (0, 100), (None, None),
        ...            (200, 400)).to_operating
        (300, 0)
        """
        if not self.need.is_earmarked:
            return (0,) * len(self.amounts)
        return tuple(max(0, amount - funded)
                     for amount, funded in zip(self.amounts, self.funded))


def charge_funding(case: Case, needs: Iterable[NeedResult]) -> list[FunderFunding]:
    """The funding that pays charges of the budget — of the operating need and of the
    earmarked needs (:attr:`Need.funds_charges`) — in the order of the case's
    funders: line 74 (own funds aside) and the form's « Ressources propres »."""
    by_name = {f.name: f for result in needs if result.need.funds_charges
               for f in result.funding}
    return [by_name[funder.name] for funder in case.funders if funder.name in by_name]


@dataclass(frozen=True)
class PlanInternals:
    """The 3-year plan of a case as the engine computes it (all amounts in cents, one
    value a year): the public :class:`~finplan.model.public.Plan`'s ``internals``."""

    case: Case
    years: tuple[int, ...]
    staff_costs: tuple[StaffCosts, ...]
    budget_rows: tuple[BudgetRow, ...]
    charges: dict[str, list[Cents]]
    charges_total: list[Cents]
    produits: dict[str, list[Cents]]
    produits_total: list[Cents]
    grant_release: list[Cents]
    result: list[Cents]
    caf: list[Cents]
    depreciation: list[Cents]
    interest: list[Cents]
    bfr: list[Cents]
    investments: list[Cents]
    loans_received: list[Cents]
    repaid: list[Cents]
    financing_rows: tuple[FinancingRow, ...]
    emplois: list[Cents]
    ressources: list[Cents]
    cash_end: list[Cents]
    need_results: tuple[NeedResult, ...]
    check_results: tuple[Check, ...]
    # the contributions in kind by year (:mod:`finplan.model.in_kind`): each line's
    # value, the form's 86 and 87 accounts, their total; outside the result, the cash
    # and the needs
    in_kind: InKind
    warnings: tuple[str, ...] = ()
    # per-item detail, in the order of the case (for the workbook's detail sheet)
    revenue_by_item: tuple[tuple[Cents, ...], ...] = ()
    expenses_by_item: tuple[tuple[Cents, ...], ...] = ()
    contracts_by_item: tuple[tuple[Cents, ...], ...] = ()  # each contract's value
    depreciation_by_item: tuple[tuple[Cents, ...], ...] = ()
    loan_schedules: tuple[LoanSchedule, ...] = ()
    cohort_depreciation: tuple[tuple[Cents, ...], ...] = ()  # [acquisition year][year]
    subsidised: tuple[Cents, ...] = ()  # investment subsidies received each year
    monthly: MonthlyCash | None = None  # the monthly cash plan
    members: tuple[PlanInternals, ...] = ()  # a collective: each member's own plan (spec §6)
    # on a basis of decisions (spec §7): what refused and reduced requests leave and who
    # takes it (:mod:`finplan.model.gaps`), and the lowest monthly cash as requested
    gaps: tuple[NeedGap, ...] = ()
    requested_low: tuple[Cents, int] | None = None

    # -- raw figures (cents) ---------------------------------------------------
    @property
    def need_amounts(self) -> dict[str, list[Cents]]:
        """Amount of each need by year, in cents."""
        return {result.need.id: list(result.amounts) for result in self.need_results}

    @property
    def unfunded_amounts(self) -> dict[str, list[Cents]]:
        """Unfunded part of each need by year, in cents."""
        return {result.need.id: list(result.unfunded) for result in self.need_results}

    @property
    def funder_results(self) -> list[FunderFunding]:
        """Every funder's funding, in the order of the case file."""
        by_name = {f.name: f for result in self.need_results for f in result.funding}
        return [by_name[funder.name] for funder in self.case.funders]

    @property
    def ok(self) -> bool:
        """True when no check fails (warnings do not count)."""
        return not any(check.fails for check in self.check_results)

    def need_result(self, need_id: str) -> NeedResult:
        """The result of one need (``operating``, ``investment`` or a custom id)."""
        return next(r for r in self.need_results if r.need.id == need_id)

    @property
    def hours(self) -> dict[str, list[Decimal]]:
        """The hours of each contract by year (a collective's member: its share)."""
        return {contract.id: [contract_hours(contract, y)
                              for y in range(1, len(self.years) + 1)]
                for contract in self.case.contracts}

    @property
    def fte_insertion(self) -> list[Decimal]:
        """The FTE-years of the insertion staff, by year."""
        return insertion_fte(self.case.staff, self.staff_costs, len(self.years))

    @property
    def own_revenue(self) -> list[Cents]:
        """Own revenue by year: the revenue lines and the contracts in hours."""
        return add([0] * len(self.years), *self.revenue_by_item, *self.contracts_by_item)

    @cached_property
    def break_even(self) -> BreakEven:
        """The break-even of the activity by year (:mod:`finplan.model.breakeven`): the
        own revenue at which the result is zero, with and without the grants (74, 747),
        the expenses marked ``variable`` following the revenue."""
        zero = [0] * len(self.years)
        variable = add(zero, *(amounts for item, amounts
                               in zip(self.case.expenses, self.expenses_by_item)
                               if item.variable))
        grants = add(zero, *self.subsidies().values())
        return break_even_of(self.own_revenue, variable, self.charges_total,
                             self.produits_total, grants)

    def sold_at_break_even(self) -> dict[str, list[Decimal | None]]:
        """What is sold at the break-even (with the grants), the activity scaled from
        the plan: each revenue line by quantity (its label, its units) and each
        contract in hours (its label, its hours), by year."""
        point, planned = self.break_even.with_grants, self.own_revenue
        found: dict[str, list[Decimal | None]] = {}
        quantities = [(item.label, item.quantity) for item in self.case.revenue
                      if item.quantity is not None]
        quantities += [(item.label, item.hours) for item in self.case.contracts]
        for label, quantity in quantities:
            found[label] = [None if point[y] is None else
                            sold_at(year_value(quantity, y + 1), planned[y], point[y])
                            for y in range(len(self.years))]
        return found

    @property
    def per_fte_aid(self) -> list[Cents]:
        """What the per-FTE funders (the aide au poste) pay, by year."""
        return add([0] * len(self.years), *(f.amounts for f in self.funder_results
                                            if f.funder.rule == "per_fte"))

    @property
    def charge_funding(self) -> list[FunderFunding]:
        """The funding that pays charges of the budget (:func:`charge_funding`)."""
        return charge_funding(self.case, self.need_results)

    @property
    def own_resources(self) -> list[Cents]:
        """The form's « Ressources propres affectées au projet »: what the own funders
        give to the operating and earmarked needs (not a produit: reserves covering a
        deficit)."""
        return add([0] * len(self.years), *(f.amounts for f in self.charge_funding
                                             if f.type == "own"))

    @property
    def budget_surplus(self) -> list[Cents]:
        """« Excédent prévisionnel (bénéfice) » (:func:`finplan.model.budget.surplus`)."""
        return surplus(self.produits_total, self.own_resources, self.charges_total)

    @property
    def budget_shortfall(self) -> list[Cents]:
        """« Insuffisance prévisionnelle (perte) » (:func:`finplan.model.budget.shortfall`)."""
        return shortfall(self.produits_total, self.own_resources, self.charges_total)

    def subsidies(self) -> dict[str, list[Cents]]:
        """Line 74 by Cerfa sub-line (``etat``, ``region``…) and ``747``."""
        lines = {row.code.split(".", 1)[1]: row.amounts for row in self.budget_rows
                 if row.level == 1 and row.code.startswith("74.")}
        lines["747"] = list(self.grant_release)
        return lines

    # -- JSON -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The machine-readable result of spec §5 (euros rounded to the cent)."""
        return {
            "format": RESULT_FORMAT,
            "project": {"name": self.case.project.name,
                        "organisation": self.case.project.organisation},
            "years": list(self.years),
            "basis": self.case.project.basis,
            "needs": {key: _money(value) for key, value in self.need_amounts.items()},
            "funding": [{
                "name": f.name, "type": f.type, "line": f.line,
                "finances": f.funder.finances, "rule": f.funder.rule,
                "amounts": _money(f.amounts), "total": f.total / 100,
                "limited_by": list(f.limited_by), "status": f.statuses(),
                "requested": _money(f.requested_amounts),
                "decided_on": (None if f.funder.decided_on is None
                               else f.funder.decided_on.isoformat()),
                "received": [{"date": day.isoformat(), "amount": float(amount)}
                             for day, amount in f.funder.received or ()]}
                for f in self.funder_results],
            "unfunded": {key: _money(value) for key, value in self.unfunded_amounts.items()},
            "surplus": {r.need.id: _money(r.surplus) for r in self.need_results},
            "charges": {**{line: _money(v) for line, v in self.charges.items()},
                        "total": _money(self.charges_total)},
            "produits": {**{line: _money(v) for line, v in self.produits.items()},
                         "total": _money(self.produits_total)},
            "subsidies": {line: _money(v) for line, v in self.subsidies().items()},
            "grant_release": _money(self.grant_release),
            "depreciation": _money(self.depreciation),
            "interest": _money(self.interest),
            "result": _money(self.result),
            "caf": _money(self.caf),
            "bfr": _money(self.bfr),
            "financing_plan": {
                "emplois": {row.code if row.code != "funding" else row.label:
                            _money(row.amounts) for row in self.financing_rows
                            if row.side == "emplois"},
                "ressources": {row.code if row.code != "funding" else row.label:
                               _money(row.amounts) for row in self.financing_rows
                               if row.side == "ressources"},
                "total_emplois": _money(self.emplois),
                "total_ressources": _money(self.ressources),
            },
            "cash_end": _money(self.cash_end),
            "gaps": [{
                "need": gap.need_id,
                "requests": [{"name": name, "requested": _money(asked), "amounts": _money(got),
                              "gap": [(a - g) / 100 for a, g in zip(asked, got)]}
                             for name, asked, got in gap.requests],
                "gap": _money(gap.gap),
                "taken_by": {name: _money(more) for name, more in gap.taken},
                "unfunded": _money(gap.unfunded), "need_change": _money(gap.need_change),
                "surplus_change": _money(gap.surplus_change)} for gap in self.gaps],
            "gap_advice": self.gap_advice,
            "break_even": {
                "revenue": _money(self.break_even.revenue),
                "variable": _money(self.break_even.variable),
                "fixed": _money(self.break_even.fixed),
                "other": _money(self.break_even.other),
                "grants": _money(self.break_even.grants),
                "with_grants": _money(self.break_even.with_grants),
                "without_grants": _money(self.break_even.without_grants),
                "margin": _money(self.break_even.margin),
                "sold": {label: [None if q is None else float(q) for q in values]
                         for label, values in self.sold_at_break_even().items()}},
            "in_kind": self._in_kind_dict(),
            **self._monthly_dict(),
            **self._comments_dict(),
            "checks": [{"id": c.id, "ok": c.ok, "severity": c.severity,
                        "message": c.message, **({"member": c.member} if c.member else {})}
                       for c in self.check_results],
            "ok": self.ok,
            "warnings": list(self.warnings),
            **({"members": [self._member_dict(member, plan) for member, plan
                            in zip(self.case.members, self.members)]} if self.members
               else {}),
        }

    def _in_kind_dict(self) -> dict[str, Any]:
        """The contributions in kind: the 86 and 87 accounts, their total, each line."""
        found = self.in_kind
        return {
            "charges": {code: _money(v) for code, v in found.charges.items()},
            "produits": {code: _money(v) for code, v in found.produits.items()},
            "total": _money(found.total),
            "items": [{"label": item.label, "kind": item.kind, "amounts": _money(amounts)}
                      for item, amounts in zip(self.case.in_kind, found.items)]}

    @staticmethod
    def _member_dict(member: Any, plan: PlanInternals) -> dict[str, Any]:
        """One member's own figures in a collective's JSON (spec §6)."""
        return {
            "id": member.id, "name": member.name,
            "charges": {**{line: _money(v) for line, v in plan.charges.items()},
                        "total": _money(plan.charges_total)},
            "produits": {**{line: _money(v) for line, v in plan.produits.items()},
                         "total": _money(plan.produits_total)},
            "result": _money(plan.result), "caf": _money(plan.caf),
            "cash_end": _money(plan.cash_end),
            "cash_monthly": _money(plan.monthly.balances),
            "hours": {key: [float(h) for h in hours] for key, hours in plan.hours.items()},
            "fte_insertion": [float(fte) for fte in plan.fte_insertion],
            "own_revenue": _money(plan.own_revenue), "per_fte_aid": _money(plan.per_fte_aid),
            "in_kind": _money(plan.in_kind.total),
            "ok": plan.ok,
        }

    @cached_property
    def bridges(self) -> list[BridgeYears]:
        """Each bridging facility by year (spec §3b), in the order of the case (computed
        once: the JSON, the report and the workbook each read it)."""
        order = {bridge.label: index for index, bridge in enumerate(self.case.bridges)}
        found = [bridge_years(facility, len(self.years)) for facility in self.monthly.bridges]
        return sorted(found, key=lambda b: order.get(b.bridge.label, len(order)))

    @cached_property
    def bridge_offers(self) -> list[Offer]:
        """Each facility of the case alone against the gap before facilities
        (:func:`~finplan.model.bridging.offers`): which would close it at the least
        cost (a collective: each member's, in ``members``); computed once (it runs the
        facilities month by month again, one by one)."""
        monthly = self.monthly
        if self.members or not self.case.bridges:
            return []
        paid = {name: monthly.payments(name) for name in monthly.owed}
        return offers(self.case.bridges, monthly.before_bridges, paid, monthly.owed,
                      len(self.years))

    @property
    def bridging_advice(self) -> list[str]:
        """In words: what each facility of the case would cost on its own to close the
        gap before facilities, and the cheapest (:func:`~finplan.model.checks.bridge_advice`);
        a collective: each member's, in ``members``."""
        if self.members:
            return []
        before = self.monthly.before_bridges
        return bridge_advice(max(0, -min(before, default=0)), self.bridge_offers,
                             self.years)

    @property
    def gap_advice(self) -> list[str]:
        """In words: what refused and reduced requests leave, who takes it, what is
        left to find and the cash it costs (:func:`~finplan.model.gaps.gap_advice`);
        empty on the basis « demande »."""
        if not self.gaps or self.requested_low is None:
            return []
        first = self.years[0]
        low, month = self.monthly.low
        return gap_advice(self.gaps, (low, month_label(month, first)),
                          (self.requested_low[0], month_label(self.requested_low[1], first)),
                          self.monthly.bridging_need)

    def _monthly_dict(self) -> dict[str, Any]:
        monthly = self.monthly
        low, month = monthly.low
        bridges = {"bridges": [{
            "label": b.bridge.label, "kind": b.bridge.kind, "peak": b.peak / 100,
            "peak_month": b.peak_month, "balance_end": _money(b.balance_end),
            "interest": _money(b.interest), "fees": _money(b.fees)}
            for b in self.bridges], "bridge_offers": [{
            "label": o.bridge.label, "closes": o.closes, "peak": o.peak / 100,
            "months": o.months, "interest": _money(o.interest), "fees": _money(o.fees),
            "cost": o.cost / 100} for o in self.bridge_offers]} if self.case.bridges else {}
        return {
            **bridges,
            "cash_monthly": _money(monthly.balances),
            "cash_low": {"amount": low / 100, "month": month,
                         "label": month_label(month, self.years[0])},
            "bridging_need": monthly.bridging_need / 100,
            "bridging_cause": monthly.main_cause if monthly.bridging_need else None,
            "bridging_advice": self.bridging_advice,
            "receivable_end": monthly.receivable_end / 100,
            **({"cash_low_requested": {
                "amount": self.requested_low[0] / 100, "month": self.requested_low[1],
                "label": month_label(self.requested_low[1], self.years[0])}}
               if self.requested_low else {}),
        }

    def _comments_dict(self) -> dict[str, Any]:
        """``comments``: the case's lines that carry a comment — list, line (its key
        path: ``staff[0]``), its first value (the name or label) and the comment —
        none when no line has one."""
        found = []
        for described in line_sections():
            for index, item in enumerate(items_of(self.case, described)):
                comment = getattr(item, "comment", None)
                if comment:
                    first = described.fields[0]
                    found.append({"list": described.key, "line": f"{described.key}[{index}]",
                                  "name": getattr(item, first.attribute or first.key),
                                  "comment": comment})
        return {"comments": found} if found else {}

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (UTF-8, accents kept)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
