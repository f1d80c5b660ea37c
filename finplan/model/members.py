"""Collectives (spec §6): each member's own plan, and the consolidated plan.

A collective is several structures (members) that answer contracts together through
one of them, the *mandataire*.  Every line of the case belongs to a member (its
``member``, by default the mandataire).  Each member's figures are those of a single
organisation: :func:`member_case` builds the member's own case — its lines, its
opening cash, its approved insertion FTE — plus what the contracts in hours make of
it (spec §6):

- the mandataire books the whole value of each contract, ``value(y)``, as revenue,
  paid by the client on the contract's schedule, and passes each other member ``m``
  its share ``pass_m(y) = value_m(y) × (1 − fee_rate)`` (account 604), in the months
  the client pays: the fee is what it keeps;
- member ``m`` sells its hours to the mandataire: revenue ``pass_m(y)`` on the
  contract's account, paid in those months; its staff who work the contract work
  ``hours_m(y) = hours(y) × split[m]``.

``value_m(y)`` are ``value(y)`` split by the shares with the largest-remainder method,
so that they add up to the cent.  :func:`consolidate` then adds the members' plans:
charges and produits without the pass-ons (604 at the mandataire, the same amounts as
revenue at the members), every other figure the members' sum — the internal flows
cancel in the result, the CAF, the financing plan and the cash.

>>> from decimal import Decimal as D
>>> from finplan.model.case import Contract, Member
>>> members = (Member("a", "Alise", mandataire=True), Member("b", "Brume"))
>>> releve = Contract("r", "Relève", hours=D(100), hourly_price=D(10), fee_rate=D("0.08"),
...                   split=(("a", D("0.3")), ("b", D("0.7"))))
>>> shares = contract_shares(releve, members, [100000])
>>> shares.value, shares.parts, shares.passed_on
([100000], {'a': [30000], 'b': [70000]}, {'a': [30000], 'b': [64400]})
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from finplan.model.bridging import bridge_costs
from finplan.model.budget import add, budget_rows, caf, line_totals, result
from finplan.model.case import BUILTIN_NEEDS, Case, Contract, Expense, Member
from finplan.model.cash import MonthlyCash, contract_payments, default_payments, payer_name
from finplan.model.contracts import contract_value, hour_weights, member_hours
from finplan.model.financing import cash_end, financing_rows
from finplan.model.in_kind import in_kind_of
from finplan.model.money import Cents, euros, split, times, to_cents
from finplan.model.plan import FunderFunding, NeedResult, PlanInternals

__all__ = ["ContractShares", "MemberCase", "consolidate", "contract_shares",
           "member_case", "member_of"]


def member_of(item: Any, case: Case) -> str:
    """The id of the member a line belongs to: its own ``member``, else the
    mandataire's."""
    return item.member if item.member is not None else case.mandataire.id


@dataclass(frozen=True)
class ContractShares:
    """A contract's value by year (cents), each member's part and what the mandataire
    passes on to it (the mandataire's own « passed on » is its part: it keeps it)."""

    value: list[Cents]
    parts: dict[str, list[Cents]]
    passed_on: dict[str, list[Cents]]


def _sharing(contract: Contract, members: Sequence[Member]) -> list[str]:
    """The ids of the members with a part of the contract's hours in some year, in the
    members' order (no split: the mandataire)."""
    given = dict(contract.split_hours or contract.split or ())
    if not given:
        return [next(m.id for m in members if m.mandataire)]
    return [m.id for m in members if m.id in given]


def contract_shares(contract: Contract, members: Sequence[Member],
                    value: Sequence[Cents]) -> ContractShares:
    """``value_m(y)``: ``value(y)`` split by the members' weights of the year (their
    shares, or their hours: :func:`~finplan.model.contracts.hour_weights`; largest
    remainder: they add up exactly); ``pass_m(y) = value_m(y) × (1 − fee_rate)``,
    half-up, for every member but the mandataire, which keeps its part."""
    mandataire = next(m.id for m in members if m.mandataire)
    sharing = _sharing(contract, members)
    by_year = []
    for y, amount in enumerate(value, start=1):
        weights = hour_weights(contract, mandataire, y)
        by_year.append(dict(zip(weights, split(amount, list(weights.values())))))
    parts = {m: [year.get(m, 0) for year in by_year] for m in sharing}
    passed_on = {m: amounts if m == mandataire else
                 [times(amount, 1 - contract.fee_rate) for amount in amounts]
                 for m, amounts in parts.items()}
    return ContractShares(list(value), parts, passed_on)


@dataclass(frozen=True)
class MemberCase:
    """A member's own case (one organisation), and which of its lines are the
    collective's internal flows: what it pays another member (expenses: the pass-ons
    at the mandataire, the contributions at the others), the shares of contracts it is
    passed (contracts, at the other members), the contributions it receives (funders,
    at the mandataire)."""

    member: Member
    case: Case
    passed_on: tuple[int, ...] = ()  # indexes in case.expenses
    subcontracted: tuple[int, ...] = ()  # indexes in case.contracts
    contributions: tuple[str, ...] = ()  # names of its funders paid by members
    contributing: tuple[tuple[int, str], ...] = ()  # (expense index, funder) it pays

    @property
    def internal_out(self) -> set[str]:
        """The monthly cash outflows that go to another member (by their label)."""
        return {self.case.expenses[i].label for i in self.passed_on}

    @property
    def internal_in(self) -> set[str]:
        """The monthly cash inflows that come from another member (by payer)."""
        return {payer_name(self.case.contracts[i]) for i in self.subcontracted} | set(
            self.contributions)


def _euros(cents: Sequence[Cents]) -> tuple[Decimal, ...]:
    return tuple(euros(amount) for amount in cents)


def member_case(case: Case, member: Member,
                contributions: dict[str, Sequence[Cents]] | None = None) -> MemberCase:
    """The member's own case: its lines, its opening cash and approved FTE, its side
    of each contract in hours (module docstring), and its contributions: a funder of
    the mandataire ``paid_by`` a member is a cotisation (756) in the mandataire's
    accounts and an expense (628) in the member's, of the amounts the mandataire's
    allocation gave it (``contributions``, by funder name: the mandataire's plan
    comes first).

    >>> import finplan
    >>> collective = finplan.load_case(finplan.demo_path().parent / "collectif-releve.toml")
    >>> alise = member_case(collective, collective.mandataire)
    >>> alise.case.project.organisation, len(alise.passed_on) > 0
    ('Alise', True)
    """
    mandataire = case.mandataire
    years = case.project.years

    def mine(item: Any) -> bool:
        return member_of(item, case) == member.id

    def own(items: Sequence[Any]) -> tuple:
        return tuple(replace(item, member=None) for item in items if mine(item))

    expenses = list(own(case.expenses))
    contracts: list[Contract] = []
    passed_on, subcontracted = [], []
    others = {m.id: m for m in case.members}
    for contract in case.contracts:
        value = contract_value(contract, case.project, case.indexation)
        parts = contract_shares(contract, case.members, value)
        hours = tuple(member_hours(contract, member.id, mandataire.id, y)
                      for y in range(1, years + 1))
        base = replace(contract, hours=hours, hourly_price=None, fee_rate=Decimal(0),
                       split=None, split_hours=None)
        if member.mandataire:
            contracts.append(replace(base, amount=_euros(value)))
            for other, amounts in parts.passed_on.items():
                if other != member.id:
                    passed_on.append(len(expenses))
                    expenses.append(Expense(
                        f"Reversement à {others[other].name} — {contract.label}", "604",
                        _euros(amounts), payments=contract_payments(contract)))
        elif member.id in parts.parts:
            subcontracted.append(len(contracts))
            contracts.append(replace(base, client=mandataire.name,
                                     amount=_euros(parts.passed_on[member.id])))
    contributing = []
    for funder in case.funders:
        if funder.paid_by == member.id:
            contributing.append((len(expenses), funder.name))
            passed_on.append(len(expenses))
            expenses.append(Expense(f"{funder.name} (versée à {mandataire.name})",
                                    "628", _euros((contributions or {})[funder.name]),
                                    payments=default_payments(funder)))
    funders = tuple(replace(funder, line="cotisations") if funder.paid_by else funder
                    for funder in own(case.funders))
    own_case = replace(
        case, project=replace(case.project, organisation=member.name,
                              opening_cash=member.opening_cash),
        staff=own(case.staff), revenue=own(case.revenue), contracts=tuple(contracts),
        expenses=tuple(expenses), investments=own(case.investments), loans=own(case.loans),
        needs=tuple(need for need in case.needs if not need.is_custom)
        + own(need for need in case.needs if need.is_custom),
        funders=funders, bridges=own(case.bridges), in_kind=own(case.in_kind),
        scenarios=(), montecarlo=None,
        members=(),
        approved_fte=member.approved_fte)
    return MemberCase(member, own_case, tuple(passed_on), tuple(subcontracted),
                      tuple(funder.name for funder in funders if funder.paid_by),
                      tuple(contributing))


def consolidate(case: Case, parts: Sequence[tuple[MemberCase, PlanInternals]]) -> PlanInternals:
    """The collective's plan from its members' (spec §6): charges and produits are the
    members' without the pass-ons, every other figure their sum; each line item's
    figures in the order of the collective's case; each check and warning of a member
    named after it; the members' own plans in ``members``."""
    years = case.project.years
    zero = [0] * years
    many = len(parts) > 1

    def named(label: str, member: Member) -> str:
        return f"{label} — {member.name}" if many else label

    def total(figure: str) -> list[Cents]:
        return add(zero, *(getattr(plan, figure) for _, plan in parts))

    expenses, revenue, subsidies = [], [], []
    for own, plan in parts:
        expenses += [(item.account, named(item.label, own.member), amounts)
                     for i, (item, amounts) in enumerate(zip(own.case.expenses,
                                                             plan.expenses_by_item))
                     if i not in own.passed_on]
        revenue += [(item.account, named(item.label, own.member), amounts)
                    for item, amounts in zip(own.case.revenue, plan.revenue_by_item)]
        revenue += [(item.account, named(payer_name(item), own.member), amounts)
                    for i, (item, amounts) in enumerate(zip(own.case.contracts,
                                                            plan.contracts_by_item))
                    if i not in own.subcontracted]
        subsidies += [(f.line, f.name, f.amounts) for f in plan.charge_funding
                      if f.type != "own" and f.name not in own.contributions]
    staff = [costs for _, plan in parts for costs in plan.staff_costs]
    depreciation, released = total("depreciation"), total("grant_release")
    bridges = [bridge for _, plan in parts for bridge in plan.bridges]
    rows = budget_rows(
        years=years, gross=add(zero, *(costs.gross for costs in staff)),
        social=add(zero, *(costs.social for costs in staff)), expenses=expenses,
        interest=total("interest"), depreciation=depreciation, revenue=revenue,
        subsidies=subsidies, released=released, bridges=bridge_costs(bridges, years))
    charges, produits = line_totals(rows, "charges"), line_totals(rows, "produits")
    charges_total = add(zero, *charges.values())
    produits_total = add(zero, *produits.values())
    results = result(produits_total, charges_total)
    cafs = caf(results, depreciation, released)
    investments, loans, repaid, bfr = (total("investments"), total("loans_received"),
                                       total("repaid"), total("bfr"))
    financing = financing_rows(
        investments=investments, repaid=repaid, bfr=bfr, caf=cafs, loans=loans,
        funding=[(f.name, f.amounts) for _, plan in parts
                 for f in plan.need_result("investment").funding],
        bridges=add(zero, *(b.balance_end for b in bridges)) if case.bridges else None)
    emplois = add(zero, *(row.amounts for row in financing if row.side == "emplois"))
    ressources = add(zero, *(row.amounts for row in financing if row.side == "ressources"))
    opening = sum(to_cents(own.member.opening_cash) for own, _ in parts)
    aligned = _aligned(case, parts)
    return PlanInternals(
        case=case, years=case.years, staff_costs=aligned["staff"], budget_rows=tuple(rows),
        charges=charges, charges_total=charges_total, produits=produits,
        produits_total=produits_total, grant_release=released, result=results, caf=cafs,
        depreciation=depreciation, interest=total("interest"), bfr=bfr,
        investments=investments, loans_received=loans, repaid=repaid,
        financing_rows=tuple(financing), emplois=emplois, ressources=ressources,
        cash_end=cash_end(opening, ressources, emplois),
        need_results=_needs(case, parts), check_results=tuple(
            replace(check, member=own.member.id,
                    message=f"{own.member.name} : {check.message}")
            for own, plan in parts for check in plan.check_results),
        in_kind=in_kind_of(case.in_kind, case.years),  # every member's lines
        warnings=tuple(dict.fromkeys(f"{own.member.name} : {text}"
                                     for own, plan in parts for text in plan.warnings)),
        revenue_by_item=aligned["revenue"], expenses_by_item=aligned["expense"],
        contracts_by_item=tuple(tuple(contract_value(c, case.project, case.indexation))
                                for c in case.contracts),
        depreciation_by_item=aligned["investment"], loan_schedules=aligned["loan"],
        cohort_depreciation=tuple(tuple(add(zero, *(plan.cohort_depreciation[a]
                                                    for _, plan in parts)))
                                  for a in range(years)),
        subsidised=tuple(add(zero, *(plan.subsidised for _, plan in parts))),
        monthly=_monthly(parts), members=tuple(plan for _, plan in parts))


def _aligned(case: Case, parts: Sequence[tuple[MemberCase, PlanInternals]]) -> dict[str, tuple]:
    """Each line item's figures in the order of the collective's case (a member's own
    case keeps its lines in that order, the generated ones after them)."""
    figures = {"staff": "staff_costs", "revenue": "revenue_by_item",
               "expense": "expenses_by_item", "investment": "depreciation_by_item",
               "loan": "loan_schedules"}
    items = {"staff": case.staff, "revenue": case.revenue, "expense": case.expenses,
             "investment": case.investments, "loan": case.loans}
    plans = {own.member.id: plan for own, plan in parts}
    aligned = {}
    for key, figure in figures.items():
        seen = dict.fromkeys(plans, 0)
        found = []
        for item in items[key]:
            owner = member_of(item, case)
            found.append(getattr(plans[owner], figure)[seen[owner]])
            seen[owner] += 1
        aligned[key] = tuple(found)
    return aligned


def _needs(case: Case, parts: Sequence[tuple[MemberCase, PlanInternals]]) -> tuple[NeedResult, ...]:
    """The collective's needs: each built-in need the sum of the members' (their
    funders side by side), each custom need its member's; each funder as the
    collective's case has it (with its member)."""
    funders = {funder.name: funder for funder in case.funders}
    found = []
    for need in case.needs:
        results = [plan.need_result(need.id) for own, plan in parts
                   if need.id in BUILTIN_NEEDS or own.member.id == member_of(need, case)]
        results = [replace(r, funding=tuple(replace(f, funder=funders[f.name])
                                            for f in r.funding)) for r in results]
        if len(results) == 1:
            found.append(replace(results[0], need=need))
            continue

        def total(figure: str, results: list[NeedResult] = results) -> tuple:
            return tuple(add(*(getattr(r, figure) for r in results)))

        ceilings = tuple(None if all(r.ceilings[y] is None for r in results) else
                         sum(r.ceilings[y] or 0 for r in results)
                         for y in range(case.project.years))
        funding: tuple[FunderFunding, ...] = tuple(f for r in results for f in r.funding)
        found.append(NeedResult(
            need=need, amounts=total("amounts"), funding=funding, funded=total("funded"),
            unfunded=total("unfunded"), surplus=total("surplus"), ceilings=ceilings,
            public=total("public")))
    return tuple(found)


def _monthly(parts: Sequence[tuple[MemberCase, PlanInternals]]) -> MonthlyCash:
    """The collective's monthly cash: the members' flows side by side without what the
    mandataire passes on and the members receive from it (the same amounts in the
    same months: the balances are the members' sum), its receivables on clients and
    funders only."""
    first = parts[0][1].monthly
    cash = MonthlyCash(first.months, first.first_year,
                       sum(plan.monthly.opening for _, plan in parts))
    internal_in = set().union(*(own.internal_in for own, _ in parts))
    internal_out = set().union(*(own.internal_out for own, _ in parts))
    for _, plan in parts:
        monthly = plan.monthly
        for table, flows, skip in ((cash.inflows, monthly.inflows, internal_in),
                                   (cash.outflows, monthly.outflows, internal_out)):
            for name, row in flows.items():
                if name not in skip:
                    table[name] = add(table.get(name, [0] * cash.months), row)
        for name, row in monthly.late.items():
            if name not in internal_in:
                cash.late[name] = add(cash.late.get(name, [0] * cash.months), row)
    plans = [plan for _, plan in parts]
    cash.bridges = [facility for plan in plans for facility in plan.monthly.bridges]
    cash.receivable_end = sum(p.monthly.receivable_end - p.monthly.payable_end for p in plans)
    cash.receivable_by_year = [
        receivable - payable for receivable, payable in zip(
            add(*(p.monthly.receivable_by_year for p in plans)),
            add(*(p.monthly.payable_by_year for p in plans)))]
    return cash

