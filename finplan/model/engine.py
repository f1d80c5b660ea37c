"""From a validated :class:`Case` to a :class:`Plan`: the whole computation.

Order (spec §2–§4, §6): operating items, investments and loans; the investment need
and its funders; the release of investment subsidies (747); the earmarked needs
(in file order) and their funders; the operating need, less what they paid, and its
funders; the other custom needs; then budget, result, CAF, BFR, financing plan,
cash and checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from finplan.model import checks as check_rules
from finplan.model.allocation import NeedAllocation, Request, allocate, allocate_draws
from finplan.model.amounts import expense_amounts, revenue_amounts
from finplan.model.assets import (
    LoanSchedule,
    depreciation,
    grant_release,
    grant_release_draws,
    loan_schedule,
    loan_schedule_draws,
)
from finplan.model.bridging import bridge_costs, bridge_years, run_facilities_draws
from finplan.model.budget import add, budget_rows, caf, line_totals, result, subtract
from finplan.model.case import Case, Funder, Need, year_value
from finplan.model.cash import (
    MonthlyCash,
    draw_bridges,
    month_label,
    monthly_cash,
    monthly_cash_draws,
    payer_name,
)
from finplan.model.contracts import contract_value, fte_hours, line_hours
from finplan.model.decisions import on_basis
from finplan.model.fields import items_of, section
from finplan.model.financing import cash_end, financing_rows, working_capital
from finplan.model.funders import request, total_cap, yearly_caps
from finplan.model.gaps import request_gaps
from finplan.model.in_kind import in_kind_of
from finplan.model.members import consolidate, member_case, member_of
from finplan.model.money import Cents, format_percent, to_cents
from finplan.model.montecarlo import Draws
from finplan.model.needs import custom_need, earmarked_need
from finplan.model.plan import FunderFunding, NeedResult, PlanInternals, charge_funding
from finplan.model.series import running_total
from finplan.model.staff import StaffCosts, insertion_fte, staff_costs
from finplan.rates import missing_years_warning

if TYPE_CHECKING:  # compute_draws imports numpy when called: one plan never loads it
    from collections.abc import Sequence

    import numpy as np

__all__ = ["Outcomes", "compute", "compute_draws"]


def compute(case: Case, basis: str | None = None) -> PlanInternals:
    """Compute the plan of a validated case; ``basis``: the amounts of the funders it is
    computed on, instead of the case's (``demande``, ``decide`` or ``attendu``: spec
    §7, :func:`~finplan.model.decisions.on_basis`).

    >>> from finplan import load_case
    >>> plan = compute(load_case({
    ...     "format": "finplan/1",
    ...     "project": {"name": "Épicerie", "organisation": "Asso", "first_year": 2027,
    ...                 "years": 1},
    ...     "expense": [{"label": "Loyer", "account": "613", "amount": 12000}],
    ...     "funder": [{"name": "Commune", "type": "public", "line": "commune",
    ...                 "rule": "residual"}],
    ... }))
    >>> plan.need_amounts["operating"], plan.funder_results[0].amounts, plan.result
    ([1200000], (1200000,), [0])

    A collective (``[[member]]``, spec §6) is each member's own plan, consolidated
    (:mod:`finplan.model.members`); the members' plans are in ``plan.members``.

    On a basis other than ``demande`` (``case.project.basis``, spec §7), the plan is
    computed twice: as requested, then with each request's decided or expected amount
    (:mod:`finplan.model.decisions`); each funding keeps its requested amounts.
    """
    if basis is not None:
        case = on_basis(case, basis)
    plan = _plan(case)
    if case.project.basis == "demande":
        return plan
    decided = _plan(case, {f.name: f.amounts for f in plan.funder_results})
    return replace(decided, gaps=request_gaps(plan.need_results, decided.need_results),
                   requested_low=plan.monthly.low)


def _plan(case: Case, requested: dict[str, tuple[Cents, ...]] | None = None) -> PlanInternals:
    """The plan of a case, of a collective or of one organisation; ``requested``: each
    funder's amounts as requested, when computed on a basis of decisions."""
    if case.members:
        return _collective(case, requested)
    return _organisation(case, requested)


def _collective(case: Case, requested: dict[str, tuple[Cents, ...]] | None = None) -> PlanInternals:
    """The plan of a collective: each member's own plan, the mandataire's first (what
    it asks the members to contribute is theirs to pay), consolidated."""
    first = member_case(case, case.mandataire)
    plans = {case.mandataire.id: (first, _organisation(first.case, requested))}
    paid = {f.name: f.amounts for f in plans[case.mandataire.id][1].funder_results}
    for member in case.members:
        if member.id not in plans:
            own = member_case(case, member, paid)
            plans[member.id] = (own, _organisation(own.case, requested))
    return consolidate(case, [plans[member.id] for member in case.members])


def _organisation(case: Case, requested: dict[str, tuple[Cents, ...]] | None = None
                  ) -> PlanInternals:
    """The plan of one organisation (:func:`compute`, :func:`_plan`)."""
    project, index = case.project, case.indexation
    years = project.years
    calendar = case.years
    missing_rates: dict[str, list[int]] = {}

    staff = [staff_costs(line, project, index, hours=line_hours(line, case))
             for line in case.staff]
    expenses = [expense_amounts(item, project, index) for item in case.expenses]
    revenue = [revenue_amounts(item, project, index) for item in case.revenue]
    contracts = [contract_value(item, project, index) for item in case.contracts]
    depreciations = [depreciation(item, years) for item in case.investments]
    loans = [loan_schedule(item, years) for item in case.loans]
    zero = [0] * years

    gross = add(zero, *(costs.gross for costs in staff))
    social = add(zero, *(costs.social for costs in staff))
    interest = add(zero, *(schedule.interest for schedule in loans))
    dep_total = add(zero, *depreciations)
    charges_total = add(gross, social, interest, dep_total, *expenses)
    own_revenue = add(zero, *revenue, *contracts)

    investments = [sum(to_cents(item.amount) for item in case.investments if item.year == y)
                   for y in range(1, years + 1)]
    loans_received = add(zero, *(schedule.received for schedule in loans))
    repaid = add(zero, *(schedule.repaid for schedule in loans))

    def requests_for(need: Need, base: list[Cents]) -> tuple[list[Funder], list[Request]]:
        funders = [funder for funder in case.funders if funder.finances == need.id]
        return funders, [request(funder, base, case, staff, missing_rates, requested=None
                                 if requested is None else requested[funder.name])
                         for funder in funders]

    def run(need: Need, amounts: list[Cents], base: list[Cents]) -> NeedResult:
        funders, requests = requests_for(need, base)
        allocation = allocate(amounts, requests, need.max_public_share)
        return _need_result(need, amounts, funders, requests, allocation, requested)

    needs: dict[str, NeedResult] = {}
    investment_need = [max(0, i - loan) for i, loan in zip(investments, loans_received)]
    needs["investment"] = run(case.need("investment"), investment_need, investments)

    subsidised = [0] * years
    for funding in needs["investment"].funding:
        if funding.type != "own":
            subsidised = add(subsidised, funding.amounts)
    cohorts = [add(zero, *(dep for item, dep in zip(case.investments, depreciations)
                           if item.year == a)) for a in range(1, years + 1)]
    released = grant_release(subsidised, investments, cohorts)

    earmarked = zero
    for need in case.needs:
        if need.is_earmarked:
            amounts = earmarked_need(need, case, [costs.gross for costs in staff],
                                     [costs.social for costs in staff], expenses)
            needs[need.id] = run(need, amounts, amounts)
            earmarked = add(earmarked, needs[need.id].funded)

    operating_need = [max(0, c - r - g - e) for c, r, g, e in zip(
        charges_total, own_revenue, released, earmarked)]
    needs["operating"] = run(case.need("operating"), operating_need, charges_total)
    for need in case.needs:
        if need.is_custom and not need.is_earmarked:
            amounts = custom_need(need, years)
            needs[need.id] = run(need, amounts, amounts)

    paying_charges = charge_funding(case, needs.values())
    ordered = [needs[need.id] for need in case.needs]
    fundings = [f for need_result in ordered for f in need_result.funding]
    monthly = monthly_cash(case, {
        "staff": staff, "revenue": revenue, "expenses": expenses, "loans": loans,
        "funding": fundings, "contracts": contracts})
    draw_bridges(case, monthly, fundings)
    bridges = [bridge_years(facility, years) for facility in monthly.bridges]

    subsidies = [(funding.line, funding.name, funding.amounts)
                 for funding in paying_charges if funding.type != "own"]
    rows = budget_rows(
        years=years, gross=gross, social=social,
        expenses=[(item.account, item.label, amounts)
                  for item, amounts in zip(case.expenses, expenses)],
        interest=interest, depreciation=dep_total,
        revenue=[(item.account, item.label, amounts)
                 for item, amounts in zip(case.revenue, revenue)]
        + [(item.account, payer_name(item), amounts)
           for item, amounts in zip(case.contracts, contracts)],
        subsidies=subsidies, released=released, bridges=bridge_costs(bridges, years))
    charges = line_totals(rows, "charges")
    produits = line_totals(rows, "produits")
    produits_total = add(zero, *produits.values())
    # bridging costs are charges of the result, not of the operating need nor of the BFR
    # base (spec §3b)
    all_charges = add(charges_total, *(b.cost for b in bridges))
    results = result(produits_total, all_charges)
    cafs = caf(results, dep_total, released)
    bfr = working_capital(case.working_capital_days, charges_total, dep_total)
    financing = financing_rows(
        investments=investments, repaid=repaid, bfr=bfr, caf=cafs, loans=loans_received,
        funding=[(funding.name, funding.amounts) for funding in needs["investment"].funding]
        + [(funding.name, funding.amounts) for funding in paying_charges
           if funding.funder.brought_in],
        bridges=add(zero, *(b.balance_end for b in bridges)) if bridges else None)
    emplois = add(zero, *(row.amounts for row in financing if row.side == "emplois"))
    ressources = add(zero, *(row.amounts for row in financing if row.side == "ressources"))
    balances = cash_end(to_cents(project.opening_cash), ressources, emplois)

    plan_checks = _checks(case, ordered, balances, monthly)
    in_kind = in_kind_of(case.in_kind, calendar)
    return PlanInternals(
        case=case, years=calendar, staff_costs=tuple(staff), budget_rows=tuple(rows),
        charges=charges, charges_total=all_charges, produits=produits,
        produits_total=produits_total, grant_release=released, result=results,
        caf=cafs, depreciation=dep_total, interest=interest, bfr=bfr,
        investments=investments, loans_received=loans_received, repaid=repaid,
        financing_rows=tuple(financing), emplois=emplois, ressources=ressources,
        cash_end=balances, need_results=tuple(ordered), check_results=tuple(plan_checks),
        in_kind=in_kind,
        warnings=(*(missing_years_warning(contract, sorted(set(years)))
                    for contract, years in missing_rates.items()),
                  *_hours_warnings(case), *_surplus_warnings(ordered, calendar),
                  *_approved_warnings(case, staff), *_received_warnings(fundings),
                  *_one_off_warnings(case, revenue, expenses, calendar),
                  *in_kind.warnings),
        revenue_by_item=tuple(map(tuple, revenue)), expenses_by_item=tuple(map(tuple, expenses)),
        contracts_by_item=tuple(map(tuple, contracts)),
        depreciation_by_item=tuple(map(tuple, depreciations)), loan_schedules=tuple(loans),
        cohort_depreciation=tuple(map(tuple, cohorts)), subsidised=tuple(subsidised),
        monthly=monthly)


@dataclass
class Outcomes:
    """What :func:`compute_draws` keeps of each draw (cents; one row per draw)."""

    result: np.ndarray  # (draws, years)
    unfunded: dict[str, np.ndarray]  # need id -> (draws, years)
    funding: dict[tuple[str, int], np.ndarray]  # (need id, funder index) -> (draws, years)
    cash_end: np.ndarray  # (draws, years)
    balances: np.ndarray  # (draws, months): end-of-month cash
    # a collective: each member's own outcomes, by member id (its cash is its own)
    members: dict[str, Outcomes] = field(default_factory=dict)

    @property
    def low(self) -> np.ndarray:
        """The lowest end-of-month balance of each draw."""
        return self.balances.min(axis=1)

    @property
    def bridging_need(self) -> np.ndarray:
        import numpy as np

        return np.maximum(0, -self.low)

    @property
    def total_unfunded(self) -> np.ndarray:
        import numpy as np

        return sum((amounts.sum(axis=1) for amounts in self.unfunded.values()),
                   np.zeros(len(self.result), dtype=np.int64))


def compute_draws(case: Case, xs: np.ndarray) -> Outcomes:
    """:func:`compute` for every draw of a Monte Carlo run at once, step by step in
    the same order: each figure's one function with the draws' values, and the
    ``*_draws`` twin of each algorithmic kernel (split, water-filling, the monthly
    spread, the loan schedule, the 747 release); ``xs`` holds
    one row of relative variations per ``case.montecarlo.vary``, one column per draw
    (:func:`~finplan.model.montecarlo.draw_variations`).

    A figure nothing varies keeps one row, computed by the scalar rule, and is
    broadcast; a varied line item is computed in floats from its drawn values and
    rounded half-up to the cent (a half cent where the floats and the decimals could
    round apart has a probability of the order of 1e-12); from the cents on,
    everything is integer arithmetic, as in :func:`compute` — the tests compare both,
    draw by draw.

    >>> import numpy as np
    >>> import finplan
    >>> case = finplan.load_case(finplan.demo_path())
    >>> outcomes, plan = compute_draws(case, np.zeros((0, 1))), compute(case)
    >>> outcomes.result[0].tolist() == plan.result, int(outcomes.low[0]) == plan.monthly.low[0]
    (True, True)

    A collective's draws are each member's, summed as :func:`compute` consolidates
    (:func:`_collective_draws`).
    """
    draws = Draws.of(case, xs)
    outcomes = _plan_draws(case, draws)
    if case.project.basis == "demande":
        return outcomes
    return _plan_draws(case, draws, {case.funders[i].name: paid
                                for (_, i), paid in outcomes.funding.items()})


def _plan_draws(case: Case, draws: Draws, requested: dict[str, np.ndarray] | None = None
           ) -> Outcomes:
    """:func:`_plan` for every draw; ``requested``: each funder's amounts as requested,
    draw by draw, on a basis of decisions."""
    if case.members:
        return _collective_draws(case, draws, requested)
    return _organisation_draws(case, draws, requested=requested)


def _collective_draws(case: Case, draws: Draws,
                      requested: dict[str, np.ndarray] | None = None) -> Outcomes:
    """:func:`_collective` for every draw: each member's own plan (its lines'
    variations, and those of the collective's single values), then their sums: the
    internal flows cancel in the result, the year-end and the monthly cash; each
    built-in need's unfunded part is the members' sum; each funder's funding keyed by
    its index in the collective."""
    parts: dict[str, tuple[list[int], Outcomes]] = {}
    contributions: dict[str, np.ndarray] = {}
    for member in sorted(case.members, key=lambda m: not m.mandataire):  # mandataire first
        own = member_case(case, member, {name: [0] * case.project.years
                                         for name in contributions})
        factors = {}
        for target, factor in draws.factors.items():
            if target.index is None:  # project, working_capital: every member's
                factors[target] = factor
                continue
            items = items_of(case, section(target.collection))  # built-in needs aside
            if member_of(items[target.index], case) == member.id:
                mine = sum(1 for item in items[:target.index]
                           if member_of(item, case) == member.id)
                factors[replace(target, index=mine)] = factor
        funders = [i for i, funder in enumerate(case.funders)
                   if member_of(funder, case) == member.id]
        given = {i: contributions[name] for i, name in own.contributing}
        outcome = _organisation_draws(own.case, Draws(factors, draws.count), given,
                                      requested)
        if member.mandataire:  # what it asks each member to contribute, draw by draw
            contributions = {case.funders[funders[i]].name: paid
                             for (_, i), paid in outcome.funding.items()
                             if case.funders[funders[i]].paid_by}
        parts[member.id] = (funders, outcome)
    ordered = [parts[member.id] for member in case.members]
    unfunded: dict[str, np.ndarray] = {}
    funding: dict[tuple[str, int], np.ndarray] = {}
    for funders, outcome in ordered:
        for need_id, left in outcome.unfunded.items():
            unfunded[need_id] = unfunded[need_id] + left if need_id in unfunded else left
        funding.update({(need_id, funders[i]): paid
                        for (need_id, i), paid in outcome.funding.items()})
    return Outcomes(result=sum(outcome.result for _, outcome in ordered),
                    unfunded=unfunded, funding=funding,
                    cash_end=sum(outcome.cash_end for _, outcome in ordered),
                    balances=sum(outcome.balances for _, outcome in ordered),
                    members={member.id: parts[member.id][1] for member in case.members})


def _organisation_draws(case: Case, draws: Draws,
                        given: dict[int, np.ndarray] | None = None,
                        requested: dict[str, np.ndarray] | None = None) -> Outcomes:
    """:func:`_organisation` for every draw (:func:`compute_draws`); ``given``: expense
    index -> its amounts for every draw, computed elsewhere (a collective's member
    contribution, from the mandataire's draws); ``requested``: as :func:`_plan`."""
    import numpy as np

    project, index = case.project, case.indexation
    years, rows = project.years, draws.rows

    def full(values: np.ndarray) -> np.ndarray:
        return np.broadcast_to(values, (rows, *np.shape(values)[1:]))

    def array(figure):  # a figure nothing varies, from one plan's rule: one row
        return draws.row(figure) if isinstance(figure, list) else figure

    staff = [StaffCosts(array(costs.gross), array(costs.social), costs.fte_years)
             for costs in (staff_costs(line, project, index, draws.item("staff", i),
                                       line_hours(line, case))
                           for i, line in enumerate(case.staff))]
    expenses = [array(expense_amounts(item, project, index, draws.item("expense", i)))
                if i not in (given or {}) else given[i]
                for i, item in enumerate(case.expenses)]
    revenue = [array(revenue_amounts(item, project, index, draws.item("revenue", i)))
               for i, item in enumerate(case.revenue)]
    contracts = [array(contract_value(item, project, index)) for item in case.contracts]
    depreciations = [array(depreciation(item, years, draws.item("investment", i)))
                     for i, item in enumerate(case.investments)]
    loans = [LoanSchedule(array(schedule.received), array(schedule.interest),
                          array(schedule.repaid), schedule.payment)
             for schedule in (loan_schedule_draws(item, years, draws.item("loan", i))
                              for i, item in enumerate(case.loans))]
    zero = np.zeros((1, years), dtype=np.int64)

    gross = sum((costs.gross for costs in staff), zero)
    social = sum((costs.social for costs in staff), zero)
    interest = sum((schedule.interest for schedule in loans), zero)
    dep_total = sum(depreciations, zero)
    charges_total = gross + social + interest + dep_total + sum(expenses, zero)
    own_revenue = sum(revenue, zero) + sum(contracts, zero)

    amounts = [np.reshape(to_cents(draws.item("investment", i).one(item.amount, "amount")),
                          (-1, 1)) for i, item in enumerate(case.investments)]
    investments = sum((amount * (np.arange(1, years + 1) == item.year)[None, :]
                       for amount, item in zip(amounts, case.investments)), zero)
    loans_received = sum((schedule.received for schedule in loans), zero)
    repaid = sum((schedule.repaid for schedule in loans), zero)

    funding: dict[tuple[str, int], np.ndarray] = {}
    unfunded: dict[str, np.ndarray] = {}

    def run(need: Need, need_amounts: np.ndarray, base: np.ndarray) -> None:
        funders = [(i, funder) for i, funder in enumerate(case.funders)
                   if funder.finances == need.id]
        requests = [_broadcast(request(funder, full(base), case, staff, {},
                                        draws.item("funder", i), requested=None
                                        if requested is None else requested[funder.name]),
                               rows, years)
                    for i, funder in funders]
        paid, left = allocate_draws(full(need_amounts), requests, need.max_public_share)
        for (i, _), amounts_ in zip(funders, paid):
            funding[(need.id, i)] = amounts_
        unfunded[need.id] = 0 * left if need.is_earmarked else left  # it stays operating

    def funded(need_id: str, own: bool) -> np.ndarray:
        return sum((funding[(need_id, i)] for i, funder in enumerate(case.funders)
                    if funder.finances == need_id and (own or funder.type != "own")), zero)

    run(case.need("investment"), np.maximum(0, investments - loans_received), investments)

    subsidised = funded("investment", own=False)
    cohorts = [sum((dep for item, dep in zip(case.investments, depreciations)
                    if item.year == a), zero) for a in range(1, years + 1)]
    released = grant_release_draws(full(subsidised), full(investments),
                                   [full(cohort) for cohort in cohorts])

    earmarked = zero
    for need in case.needs:
        if need.is_earmarked:
            need_amounts = earmarked_need(need, case, [costs.gross for costs in staff],
                                          [costs.social for costs in staff], expenses)
            run(need, need_amounts, need_amounts)
            earmarked = earmarked + funded(need.id, own=True)
    run(case.need("operating"),
        np.maximum(0, charges_total - own_revenue - released - earmarked), charges_total)
    for i, need in enumerate(case.needs):
        if need.is_custom and not need.is_earmarked:  # after the two built-in ones
            need_amounts = array(custom_need(need, years, draws.item("need", i - 2)))
            run(need, need_amounts, need_amounts)

    paid: dict[str, np.ndarray] = dict.fromkeys(
        bridge.funder for bridge in case.bridges if bridge.funder)
    flows = monthly_cash_draws(case, {
        "staff": staff, "revenue": revenue, "expenses": expenses, "investments": amounts,
        "loans": loans, "contracts": contracts,
        "funding": [(case.funders[i], paid_) for (_, i), paid_ in funding.items()]}, rows,
        paid)
    opening = to_cents(draws.item("project", None).one(project.opening_cash, "opening_cash"))
    before = running_total(opening, flows)
    effect, bridge_interest, bridge_fees, bridge_balances = run_facilities_draws(
        case.bridges, before, paid, {case.funders[i].name: paid_ for (_, i), paid_
                                     in funding.items()}, years)

    produits_total = own_revenue + released + sum(
        (funded(need.id, own=False) for need in case.needs if need.funds_charges), zero)
    # bridging costs: charges of the result, not of the need nor of the BFR base
    results = result(produits_total, charges_total + bridge_interest + bridge_fees)
    cafs = caf(results, dep_total, released)
    bfr = working_capital(draws.item("working_capital", None).one(
        case.working_capital_days, "days"), charges_total, dep_total)
    financing = financing_rows(
        investments=investments, repaid=repaid, bfr=bfr, caf=cafs, loans=loans_received,
        funding=[(funder.name, funding[("investment", i)])
                 for i, funder in enumerate(case.funders) if funder.finances == "investment"]
        + [(funder.name, funding[(funder.finances, i)]) for i, funder in enumerate(case.funders)
           if funder.brought_in and case.need(funder.finances).funds_charges],
        bridges=bridge_balances if case.bridges else None)
    emplois = sum((row.amounts for row in financing if row.side == "emplois"), zero)
    ressources = sum((row.amounts for row in financing if row.side == "ressources"), zero)
    balances = cash_end(opening, ressources, emplois)
    return Outcomes(result=full(results),
                    unfunded={key: full(value) for key, value in unfunded.items()},
                    funding={key: full(value) for key, value in funding.items()},
                    cash_end=full(balances), balances=full(before + effect))


def _broadcast(offer: Request, rows: int, years: int) -> Request:
    """A funder's request with one row per draw in every figure the allocation over the
    draws reads (a figure nothing varied is one plan's list)."""
    import numpy as np

    def grid(figure: object) -> object:
        return None if figure is None else np.broadcast_to(
            np.asarray(figure, dtype=np.int64).reshape(-1, years), (rows, years))

    return replace(offer, asks=grid(offer.asks), caps=grid(offer.caps),
                   cap_total=None if offer.cap_total is None else np.broadcast_to(
                       np.asarray(offer.cap_total, dtype=np.int64).reshape(-1), (rows,)))


def _need_result(need: Need, amounts: list[Cents], funders: list[Funder],
                 requests: list[Request], allocation: NeedAllocation,
                 requested: dict[str, tuple[Cents, ...]] | None) -> NeedResult:
    funding = tuple(
        FunderFunding(funder=funder, amounts=tuple(alloc.amounts),
                      limited_by=tuple(alloc.limited_by),
                      offered=None if request.asks is None else tuple(request.asks),
                      requested=None if requested is None else tuple(requested[funder.name]))
        for funder, request, alloc in zip(funders, requests, allocation.allocations))
    funded = [sum(values) for values in zip(*(f.amounts for f in funding))] or [0] * len(
        amounts)
    surplus = subtract(add(funded, allocation.unfunded), amounts)
    # what an earmarked need's funders leave stays in the operating need: not unfunded
    unfunded = [0] * len(amounts) if need.is_earmarked else allocation.unfunded
    return NeedResult(need=need, amounts=tuple(amounts), funding=funding,
                      funded=tuple(funded), unfunded=tuple(unfunded),
                      surplus=tuple(surplus), ceilings=tuple(allocation.ceilings),
                      public=tuple(allocation.public_total))


def _received_warnings(fundings: Sequence[FunderFunding]) -> list[str]:
    """The funders that have paid more than their amounts of the plan
    (:func:`~finplan.model.checks.received_more`)."""
    found = (check_rules.received_more(funding.name, sum(
        to_cents(amount) for _, amount in funding.funder.received), funding.total)
        for funding in fundings if funding.funder.received)
    return [text for text in found if text]


def _approved_warnings(case: Case, staff: Sequence[StaffCosts]) -> list[str]:
    """A collective's member whose contracts' hours need more insertion FTE than its
    approved posts (:func:`~finplan.model.checks.approved_short`)."""
    if case.approved_fte is None:
        return []
    approved = [year_value(case.approved_fte, y) for y in range(1, case.project.years + 1)]
    needed = insertion_fte(case.staff, staff, len(approved))
    text = check_rules.approved_short(case.years, needed, approved)
    return [text] if text else []


def _one_off_warnings(case: Case, revenue: Sequence[Sequence[Cents]],
                      expenses: Sequence[Sequence[Cents]], years: Sequence[int]) -> list[str]:
    """The expenses and revenue named like something that happens once but whose one
    amount counts every year (:func:`~finplan.model.checks.one_off_repeated`)."""
    found = []
    for what, items, amounts in (("Charge", case.expenses, expenses),
                                 ("Recette", case.revenue, revenue)):
        for item, by_year in zip(items, amounts):
            if item.amount is None or isinstance(item.amount, tuple):
                continue  # by quantity, or one amount a year: said as meant
            text = check_rules.one_off_repeated(what, item.label, f"{item.amount:f}",
                                                by_year, years)
            if text:
                found.append(text)
    return found


def _hours_warnings(case: Case) -> list[str]:
    """The staff lines working a contract's hours whose hours of one FTE have no
    sourced figure (:func:`finplan.rates.hours_per_fte`), one warning per contract
    type."""
    found = (fte_hours(line).warning for line in case.staff if line.hours_from)
    return list(dict.fromkeys(text for text in found if text))


def _surplus_warnings(needs: Sequence[NeedResult], years: Sequence[int]) -> list[str]:
    """The needs whose per-FTE aids exceed them, explained
    (:func:`~finplan.model.checks.per_fte_surplus`)."""
    found = []
    for need in needs:
        entitled = [f.name for f in need.funding if f.funder.rule == "per_fte"
                    and not f.decided]
        decided = [f.name for f in need.funding if f.decided and any(f.amounts)]
        others = [f.name for f in need.funding if f.funder.rule != "per_fte"
                  and not f.decided]
        text = check_rules.per_fte_surplus(need.need.label, years, need.surplus, entitled,
                                           others, need.need.is_earmarked, decided)
        if text:
            found.append(text)
    return found


def _checks(case: Case, needs: list[NeedResult], balances: list[Cents],
            monthly: MonthlyCash) -> list:
    years = case.years
    found = [check_rules.balanced(need.need.id, need.need.label, years, need.unfunded)
             for need in needs if not need.need.is_earmarked]  # it leaves nothing unfunded
    excesses = []
    cuts = []
    for need in needs:
        for funding in need.funding:
            funder = funding.funder
            if funding.decided:  # the funder's decision, not its rule (spec §7)
                continue
            caps, cap_total = yearly_caps(funder, len(years)), total_cap(funder)
            for y, (paid, ceiling) in enumerate(zip(funding.amounts, caps or ())):
                if paid > ceiling:
                    excesses.append(check_rules.CapExcess(
                        funder.name, "cap", paid, ceiling, years[y]))
            if cap_total is not None and funding.total > cap_total:
                excesses.append(check_rules.CapExcess(
                    funder.name, "cap_total", funding.total, cap_total))
            if funder.rule == "fixed":
                cuts += [(funder.name, years[y], funding.offered[y], paid)
                         for y, (paid, limit) in enumerate(zip(funding.amounts,
                                                               funding.limited_by))
                         if limit == "need"]
    found.append(check_rules.caps(excesses))
    for need in needs:
        share = need.need.max_public_share
        if share is not None:
            found.append(check_rules.public_share(
                need.need.id, need.need.label, format_percent(share), years,
                need.public, need.ceilings))
    found.append(check_rules.cash(years, balances))
    low, month = monthly.low
    found.append(check_rules.cash_monthly(low, month_label(month, years[0]),
                                          monthly.main_cause,
                                          [bridge.label for bridge in case.bridges]))
    found.append(check_rules.fixed_honoured(cuts))
    return found
