"""Invariants of the allocation and of the whole plan, checked on random inputs."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

import finplan
from finplan.model.allocation import allocate
from finplan.model.engine import compute
from finplan.model.money import split, to_cents

from strategies import cases, money, requests, shares, varied_cases


@given(st.lists(money, min_size=3, max_size=3), requests(), shares)
@settings(max_examples=300, deadline=None)
def test_allocation_invariants(need, funders, max_public_share):
    result = allocate(need, funders, max_public_share)
    for y, need_y in enumerate(need):
        paid = [a.amounts[y] for a in result.allocations]
        entitled = [a.amounts[y] for a, f in zip(result.allocations, funders)
                    if f.rule == "per_fte"]
        others = sum(paid) - sum(entitled)
        # nothing negative
        assert all(amount >= 0 for amount in paid) and result.unfunded[y] >= 0
        # allocations + unfunded = need (entitlements beyond the need are a surplus)
        assert others + result.unfunded[y] == max(0, need_y - sum(entitled))
        if sum(entitled) <= need_y:
            assert sum(paid) + result.unfunded[y] == need_y
        # the public ceiling holds for everything but entitlements
        if max_public_share is not None:
            ceiling = to_cents(max_public_share * need_y / 100)
            public = sum(a.amounts[y] for a, f in zip(result.allocations, funders)
                         if f.public)
            public_entitled = sum(a.amounts[y] for a, f in zip(result.allocations, funders)
                                  if f.public and f.rule == "per_fte")
            assert public <= max(ceiling, public_entitled)
    for allocation, funder in zip(result.allocations, funders):
        if funder.rule == "per_fte":
            assert list(allocation.amounts) == list(funder.asks)
            continue
        # no cap exceeded
        for y, amount in enumerate(allocation.amounts):
            if funder.cap(y) is not None:
                assert amount <= funder.cap(y)
            if funder.asks is not None:
                assert amount <= funder.asks[y]
                assert (allocation.limited_by[y] == "none") == (amount == funder.asks[y])
        if funder.cap_total is not None:
            assert allocation.total <= funder.cap_total


@given(st.lists(money, min_size=3, max_size=3), requests(), shares)
@settings(max_examples=300, deadline=None)
def test_uncapped_share_funders_are_paid_in_proportion_to_their_weights(
        need, funders, max_public_share):
    result = allocate(need, funders, max_public_share)
    for y in range(len(need)):
        for priority in {f.priority for f in funders}:
            free = [(Fraction(a.amounts[y]), Fraction(f.weight))
                    for a, f in zip(result.allocations, funders)
                    if f.rule == "share" and f.priority == priority
                    and a.limited_by[y] == "need"]
            for amount_i, weight_i in free:
                for amount_j, weight_j in free:
                    # equal per unit of weight, up to the cent each part was rounded by
                    assert abs(amount_i / weight_i - amount_j / weight_j) < (
                        1 / weight_i + 1 / weight_j)


@given(st.lists(money, min_size=3, max_size=3), requests())
@settings(max_examples=200, deadline=None)
def test_an_unlimited_residual_leaves_nothing_unfunded(need, funders):
    residual = [f for f in funders if f.rule == "residual"]
    if not residual or residual[0].caps or residual[0].cap_total is not None:
        return
    assert allocate(need, funders).unfunded == [0, 0, 0]


@given(money, st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8))
def test_split_adds_up_and_stays_within_a_cent(total, raw_weights):
    if sum(raw_weights) == 0:
        raw_weights = [1] * len(raw_weights)
    parts = split(total, raw_weights)
    assert sum(parts) == total
    for part, weight in zip(parts, raw_weights):
        assert abs(part - Fraction(total * weight, sum(raw_weights))) < 1


@given(cases())
@settings(max_examples=150, deadline=None)
def test_plan_accounting_identities(raw):
    plan = compute(finplan.load_case(raw))
    years = range(len(plan.years))
    for y in years:
        assert plan.charges_total[y] == sum(line[y] for line in plan.charges.values())
        assert plan.produits_total[y] == sum(line[y] for line in plan.produits.values())
        subsidies = plan.subsidies()
        assert plan.produits["74"][y] == sum(values[y] for values in subsidies.values())
        assert plan.result[y] == plan.produits_total[y] - plan.charges_total[y]
        assert plan.caf[y] == plan.result[y] + plan.depreciation[y] - plan.grant_release[y]
        previous = plan.cash_end[y - 1] if y else to_cents(raw["project"]["opening_cash"])
        assert plan.cash_end[y] == previous + plan.ressources[y] - plan.emplois[y]
        for need in plan.need_results:
            # what an earmarked need's funders leave stays in the operating need
            left = max(0, need.amounts[y] - need.funded[y]) if need.need.is_earmarked else 0
            assert (need.funded[y] + need.unfunded[y] + left
                    == need.amounts[y] + need.surplus[y])
            assert need.surplus[y] >= 0 and need.unfunded[y] >= 0
        # the operating need is the deficit before funders, less what the earmarked
        # needs' funders paid (spec §6); an earmarked need leaves nothing unfunded
        own_revenue = plan.produits_total[y] - plan.produits["74"][y]
        earmarked = sum(need.funded[y] for need in plan.need_results
                        if need.need.is_earmarked)
        assert plan.need_amounts["operating"][y] == max(
            0, plan.charges_total[y] - own_revenue - plan.grant_release[y] - earmarked)
        for need in plan.need_results:
            if need.need.is_earmarked:
                assert need.unfunded[y] == 0 and need.amounts[y] <= plan.charges_total[y]
    for check in plan.check_results:
        if check.id.startswith("balanced."):
            need_id = check.id.split(".", 1)[1]
            assert check.ok == (not any(plan.unfunded_amounts[need_id]))


@given(varied_cases())
@settings(max_examples=60, deadline=None)
def test_compute_draws_is_compute_of_each_draw_to_the_cent(raw):
    # the draws' evaluation (each rule's *_draws twin or one formula for both shapes)
    # against the engine run on each draw's case, on every figure it keeps
    from finplan.model.case_dict import case_to_dict
    from finplan.model.engine import compute_draws
    from finplan.model.montecarlo import draw_variations
    from finplan.simulation import drawn_case

    case = finplan.load_case(raw)
    xs = draw_variations(case.montecarlo.vary, case.montecarlo.draws, case.montecarlo.seed)
    outcomes = compute_draws(case, xs)
    typed = case_to_dict(case)
    for draw in range(case.montecarlo.draws):
        plan = compute(drawn_case(case, typed, xs[:, draw]))
        assert outcomes.result[draw].tolist() == plan.result
        assert outcomes.cash_end[draw].tolist() == plan.cash_end
        assert outcomes.balances[draw].tolist() == plan.monthly.balances
        assert int(outcomes.bridging_need[draw]) == plan.monthly.bridging_need
        assert int(outcomes.total_unfunded[draw]) == sum(
            sum(need.unfunded) for need in plan.need_results)
        for need in plan.need_results:
            assert outcomes.unfunded[need.need.id][draw].tolist() == list(need.unfunded)
            for funding in need.funding:
                index = next(i for i, f in enumerate(case.funders) if f.name == funding.name)
                assert outcomes.funding[(need.need.id, index)][draw].tolist() == list(
                    funding.amounts)


@given(st.lists(st.integers(-10**9, 10**9), min_size=1, max_size=6),
       st.lists(st.integers(0, 9), min_size=1, max_size=12) | st.lists(
           st.integers(0, 2**40), min_size=1, max_size=4), st.data())
@settings(max_examples=300, deadline=None)
def test_split_draws_gives_split_s_parts_row_by_row(totals, weights, data):
    # the draws' split (a stable sort of the remainders) against the scalar split, with
    # members left out of some rows (their part 0, the others sharing by their weights);
    # a row whose members left all weigh 0 is never split (callers spread it evenly)
    import numpy as np

    from finplan.model.money import split_draws

    active = np.array([data.draw(st.lists(st.booleans(), min_size=len(weights),
                                          max_size=len(weights))) for _ in totals])
    parts = split_draws(np.array(totals), weights, active)
    for total, row, live in zip(totals, parts.tolist(), active.tolist()):
        kept = [w if on else 0 for w, on in zip(weights, live)]
        if sum(kept) > 0:
            assert row == split(total, kept)


@given(st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 100), st.lists(
    st.integers(0, 10**6), min_size=4, max_size=4)), min_size=4, max_size=4),
    st.sampled_from([1, 7, 200]))
@settings(max_examples=300, deadline=None)
def test_grant_release_draws_gives_grant_release_s_cents(years, scale):
    # the draws' 747 release (int64 quotients, float remainders, exact near a half
    # cent) against the scalar rule's exact fractions; small amounts make ties often
    import numpy as np

    from finplan.model.assets import grant_release, grant_release_draws

    investments = [amount // scale for amount, _, _ in years]
    subsidised = [invested * share // 100 for invested, (_, share, _) in
                  zip(investments, years)]
    cohorts = [[value // scale for value in row] for _, _, row in years]
    got = grant_release_draws(np.array([subsidised]), np.array([investments]),
                              [np.array([row]) for row in cohorts])
    assert got[0].tolist() == grant_release(subsidised, investments, cohorts)
