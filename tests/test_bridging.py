"""Bridging facilities (spec §3b, issue 17): each kind worked out by hand, month by
month, then in the plan (budget, financing plan, year-end cash, checks, JSON)."""

from __future__ import annotations

from decimal import Decimal
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import finplan
from finplan.errors import CaseError
from finplan.model.bridging import net_effect, receivable, run_facilities
from finplan.model.case import Bridge
from finplan.model.case_dict import case_to_dict
from finplan.model.engine import compute

from helpers import draws_and_plans


def after(bridges, before, paid=None, owed=None):
    """The month-end cash after the facilities, and their flows."""
    flows = run_facilities(bridges, before, paid or {}, owed or {})
    return [c + e for c, e in zip(before, net_effect(flows))], flows


def test_relais_pays_its_fee_and_interest_and_is_repaid_from_surplus():
    # fee 100 € the month of the first draw, 12 % a year = 1 % of last month's balance
    relais = Bridge("Relais", "relais", ceiling=D(1000), annual_rate=D("0.12"), fee=D(100))
    cash, (flows,) = after((relais,), [-50000, -80000, 10000, 20000])
    # month 1: -500 € - 100 € fee: draw 600 €.  Month 2: interest 6 €, lacking 306 €.
    # Month 3: interest 9,06 €, 890,94 € of cash repay as much.  Month 4: interest
    # 0,15 € on the 15,06 € left, then repaid out of the month's 100 € of net inflow.
    assert flows.fees == [10000, 0, 0, 0]
    assert flows.drawn == [60000, 30600, 0, 0]
    assert flows.interest == [0, 600, 906, 15]
    assert flows.repaid == [0, 0, 89094, 1506]
    assert flows.balance == [60000, 90600, 1506, 0]
    assert cash == [0, 0, 0, 8479]


def test_a_ceiling_leaves_the_rest_of_the_gap():
    relais = Bridge("Relais", "relais", ceiling=D(400))
    cash, (flows,) = after((relais,), [-50000, -80000, 10000, 20000])
    assert flows.drawn == [40000, 0, 0, 0]
    assert flows.repaid == [0, 0, 40000, 0]
    assert cash == [-10000, -40000, 10000, 20000]


def test_facilities_are_drawn_in_order_and_repaid_in_reverse():
    overdraft = Bridge("Découvert", "decouvert", ceiling=D(300))
    relais = Bridge("Relais", "relais", ceiling=D(1000), fee=D(50))
    cash, (first, second) = after((overdraft, relais), [-50000, -80000, 10000, 20000])
    assert first.drawn == [30000, 0, 0, 0] and second.drawn == [25000, 30000, 0, 0]
    assert second.fees == [5000, 0, 0, 0]  # once, at its first draw
    # month 3: 900 € of cash: the relais (last drawn) is repaid first, then the overdraft
    assert second.repaid == [0, 0, 55000, 0] and first.repaid == [0, 0, 30000, 0]
    assert cash == [0, 0, 5000, 15000]


GRANT = [120000, 0]  # 1 200 € granted for year 1, none for year 2
PAID = [0, 0, 0, 72000] + [0] * 11 + [48000] + [0] * 8  # 60 % in April, 40 % a year later
BEFORE = [-100000] * 3 + [-28000] * 12 + [20000] * 9  # the payments already in


def test_receivable_is_what_the_funder_owes_at_the_start_of_each_month():
    owed = receivable(GRANT, PAID)
    assert owed[:4] == [120000] * 4  # April's payment counts from May
    assert owed[4:16] == [48000] * 12 and owed[16:] == [0] * 8


def test_dailly_is_limited_to_its_share_of_the_receivable_and_repaid_by_the_funder():
    dailly = Bridge("Dailly", "dailly", ceiling=D(2000), funder="Département",
                    repay="funder")
    cash, (flows,) = after((dailly,), BEFORE, {"Département": PAID},
                           {"Département": receivable(GRANT, PAID)})
    # month 1: 80 % of 1 200 € = 960 € lent, 40 € still lacking (months 1-3); April's
    # 720 € go to the bank, and 72 € more may be drawn (80 % of 1 200 € less 240 €)
    assert flows.drawn[:5] == [96000, 0, 0, 4000, 0]
    assert flows.repaid[3] == 72000 and flows.repaid[15] == 28000
    assert flows.balance[14] == 28000 and flows.balance[15] == 0
    assert cash[:4] == [-4000, -4000, -4000, 0] and cash[15] == 20000
    assert sum(flows.repaid) == sum(flows.drawn)  # only the funder repays it


def test_an_advance_on_grant_lends_up_to_what_the_funder_owes():
    avance = Bridge("Avance du Département", "avance", ceiling=D(1500), funder="Département",
                    repay="funder")
    cash, (flows,) = after((avance,), BEFORE, {"Département": PAID},
                           {"Département": receivable(GRANT, PAID)})
    assert flows.drawn[0] == 100000 and flows.repaid[3] == 72000 and flows.repaid[15] == 28000
    assert min(cash) == 0
    share = Bridge("Avance", "avance", ceiling=D(1500), funder="Département",
                   advance_share=D("0.5"), repay="funder")
    cash, (flows,) = after((share,), BEFORE, {"Département": PAID},
                           {"Département": receivable(GRANT, PAID)})
    assert flows.drawn[0] == 60000 and cash[0] == -40000


def test_a_facility_repaid_at_a_date_is_repaid_in_full_and_no_longer_drawn():
    members = Bridge("Avance des membres", "membres", ceiling=D(2000), repay="date",
                     repay_month=3)
    cash, (flows,) = after((members,), [-50000, -50000, -50000, 10000])
    assert flows.drawn == [50000, 0, 0, 0] and flows.repaid == [0, 0, 50000, 0]
    assert cash == [0, 0, -50000, 10000]


def test_a_relais_repaid_by_its_funder_keeps_the_surplus_cash():
    relais = Bridge("Relais", "relais", ceiling=D(2000), funder="Département",
                    repay="funder")
    _, (flows,) = after((relais,), BEFORE, {"Département": PAID},
                        {"Département": receivable(GRANT, PAID)})
    assert flows.drawn[0] == 100000 and flows.repaid[3] == 72000
    assert flows.drawn[3] == 0  # month 4: -280 € + 280 € left to repay = 0
    assert flows.balance[14] == 28000 and flows.repaid[15] == 28000


def test_nothing_is_drawn_before_the_first_month_allowed():
    relais = Bridge("Relais", "relais", ceiling=D(2000), from_month=2)
    cash, (flows,) = after((relais,), [-50000, -80000, 10000])
    assert flows.drawn == [0, 80000, 0] and cash == [-50000, 0, 10000]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-10**7, 10**7), min_size=1, max_size=36),
       st.sampled_from(["0", "0.035", "0.12"]), st.integers(0, 50000))
def test_enough_facility_never_leaves_the_cash_negative_and_borrows_no_more_than_needed(
        flows, rate, fee):
    before, balance = [], 0
    for flow in flows:
        balance += flow
        before.append(balance)
    big = Bridge("Découvert", "decouvert", ceiling=D(10**9), annual_rate=D(rate),
                 fee=D(fee) / 100)
    cash, (facility,) = after((big,), before)
    assert min(cash) >= 0
    for t, month_end in enumerate(cash):
        # never carries a balance while cash is left over (it would cost interest for
        # nothing), and every draw is spent: the least interest for this order
        assert month_end == 0 or facility.balance[t] == 0
        assert facility.drawn[t] == 0 or month_end == 0


def with_bridges(*bridges, **changes):
    raw = case_to_dict(finplan.load_case(finplan.demo_path()))
    raw["bridge"] = list(bridges)
    raw.update(changes)
    return raw


def test_the_plan_books_interest_and_fees_and_the_balance_moves_in_the_financing_plan():
    raw = with_bridges({"label": "Relais bancaire", "kind": "relais", "ceiling": 40000,
                        "annual_rate": 0.06, "fee": 150})
    plan = compute(finplan.load_case(raw))
    base = compute(finplan.load_case(with_bridges()))  # without facilities
    (facility,) = plan.monthly.bridges
    interest = [sum(facility.interest[12 * y:12 * y + 12]) for y in range(3)]
    fees = [sum(facility.fees[12 * y:12 * y + 12]) for y in range(3)]
    assert sum(fees) == 15000 and sum(interest) > 0  # the fee once, at the first draw
    first = next(t for t, drawn in enumerate(facility.drawn) if drawn)
    assert facility.fees[first] == 15000
    # 6 % a year: each month's interest is half a percent of the balance a month before
    assert all(facility.interest[t] == (facility.balance[t - 1] * 5 + 500) // 1000
               for t in range(1, len(facility.interest)))
    rows = {row.code: row.amounts for row in plan.budget_rows if row.section == "charges"}
    assert rows["6616"] == interest and rows["627"] == fees
    assert plan.charges["66"] == [a + b for a, b in zip(base.charges["66"], interest)]
    # not part of the operating need: funders give the same, the result bears the cost
    assert plan.need_amounts == base.need_amounts
    assert plan.result == [r - i - f for r, i, f in zip(base.result, interest, fees)]
    balances = [facility.balance[12 * y - 1] for y in (1, 2, 3)]
    moved = {row.code: row.amounts for row in plan.financing_rows}
    change = [b - a for a, b in zip([0, *balances], balances)]
    assert moved["bridges"] == [max(0, c) for c in change]
    assert moved["bridges_repaid"] == [max(0, -c) for c in change]
    # year-end cash and December's month-end cash reconcile as without facilities
    for y in (1, 2, 3):
        assert plan.monthly.balances[12 * y - 1] == (
            plan.cash_end[y - 1] + plan.bfr[y - 1] - plan.monthly.receivable_by_year[y - 1])
    assert plan.monthly.bridging_need == 0 and plan.ok
    result = plan.to_dict()
    (entry,) = result["bridges"]
    assert entry["label"] == "Relais bancaire" and entry["kind"] == "relais"
    assert entry["interest"] == [i / 100 for i in interest]
    assert entry["fees"] == [f / 100 for f in fees]
    assert entry["balance_end"] == [b / 100 for b in balances]
    assert entry["peak"] == max(facility.balance) / 100
    assert entry["peak_month"] == facility.balance.index(max(facility.balance)) + 1
    assert result["cash_monthly"] == [c / 100 for c in plan.monthly.balances]


def test_facilities_too_small_leave_the_gap_reported_and_named():
    raw = with_bridges({"label": "Découvert", "kind": "decouvert", "ceiling": 10000})
    plan = compute(finplan.load_case(raw))
    check = next(c for c in plan.check_results if c.id == "cash_monthly")
    assert not check.ok
    assert plan.monthly.bridging_need == 3564629 - 1000000
    assert "Découvert" in check.message and "épuisé" in check.message


@pytest.mark.parametrize("bridge, where, words", [
    ({"label": "D", "kind": "dailly", "ceiling": 1000}, "bridge[0].funder", "nommer"),
    ({"label": "D", "kind": "dailly", "ceiling": 1000, "funder": "Inconnu"},
     "bridge[0].funder", "Inconnu"),
    ({"label": "D", "kind": "dailly", "ceiling": 1000,
      "funder": "Fonds propres de l'association"}, "bridge[0].funder", "fonds propres"),
    ({"label": "D", "kind": "dailly", "ceiling": 1000, "funder": "État : aide au poste ACI"},
     "bridge[0].funder", "chaque mois"),
    ({"label": "D", "kind": "decouvert", "ceiling": 1000, "repay": "funder"},
     "bridge[0].repay", "ne se rembourse pas"),
    ({"label": "D", "kind": "membres", "ceiling": 1000, "repay": "date"},
     "bridge[0].repay_month", "entier"),
    ({"label": "D", "kind": "relais", "ceiling": 0}, "bridge[0].ceiling", "strictement"),
    ({"label": "D", "kind": "relais", "ceiling": 10, "advance_share": 0.5},
     "bridge[0].advance_share", "dailly"),
    ({"label": "D", "kind": "pret", "ceiling": 10}, "bridge[0].kind", "relais"),
])
def test_bad_facilities_get_a_french_message_where_they_are(bridge, where, words):
    with pytest.raises(CaseError) as caught:
        finplan.load_case(with_bridges(bridge))
    issues = [issue for issue in caught.value.issues if issue.path == where]
    assert issues, caught.value
    assert words in str(caught.value)


def test_the_funder_is_found_whatever_its_spaces_and_the_case_round_trips():
    raw = with_bridges({"label": "Dailly", "kind": "dailly", "ceiling": 30000,
                        "funder": "Département\u00a0des Landes  (insertion)", "from": 13})
    case = finplan.load_case(raw)
    (bridge,) = case.bridges
    assert bridge.funder == "Département des Landes (insertion)"
    assert bridge.advance_share is None and bridge.repay == "funder"
    assert bridge.from_month == 13
    assert finplan.load_case(case_to_dict(case)) == case


FACILITIES = [
    {"label": "Avance remboursable", "kind": "relais", "ceiling": 12000},
    {"label": "Dailly Département", "kind": "dailly", "ceiling": 15000,
     "annual_rate": 0.045, "fee": 150, "funder": "Département des Landes (insertion)"},
    {"label": "Avance des membres", "kind": "membres", "ceiling": 4000, "repay": "date",
     "repay_month": 30},
    {"label": "Découvert", "kind": "decouvert", "ceiling": 6000, "annual_rate": 0.09,
     "from": 13},
]


def test_monte_carlo_draws_the_facilities_as_the_engine_does_draw_by_draw():
    raw = with_bridges(*FACILITIES, montecarlo={"draws": 40, "seed": 5, "vary": [
        {"path": "revenue[0].quantity", "dist": "uniform", "low": -0.5, "high": 0.2},
        {"path": "funder[Département des Landes (insertion)].cap", "dist": "uniform",
         "low": -0.3, "high": 0.3},
        {"path": "project.opening_cash", "dist": "uniform", "low": -0.9, "high": 0.5}]})
    outcomes, plans = draws_and_plans(finplan.load_case(raw))
    short = 0
    for draw, plan in enumerate(plans):
        assert outcomes.result[draw].tolist() == plan.result, draw
        assert outcomes.cash_end[draw].tolist() == plan.cash_end, draw
        assert outcomes.balances[draw].tolist() == plan.monthly.balances, draw
        short += plan.monthly.bridging_need > 0
    assert 0 < short < len(plans)  # some draws exhaust the facilities, some do not


def test_monte_carlo_says_how_likely_the_facilities_fall_short(tmp_path):
    from click.testing import CliRunner

    from finplan.cli import main
    from finplan.io.toml_case import case_to_toml
    from finplan.model.money import format_decimal

    raw = with_bridges(*FACILITIES, montecarlo={"draws": 200, "seed": 5, "vary": [
        {"path": "revenue[0].quantity", "dist": "uniform", "low": -0.5, "high": 0.2}]})
    path = tmp_path / "relais.toml"
    path.write_text(case_to_toml(finplan.load_case(raw)), encoding="utf-8")
    from finplan.simulation import montecarlo

    run = montecarlo(finplan.load_case(raw))
    printed = CliRunner().invoke(main, ["montecarlo", str(path)]).output
    share = Decimal(repr(run.probabilities["cash_negative"] * 100)).quantize(Decimal("0.1"))
    expected = format_decimal(share)
    assert ("Probabilité que les financements relais (« Avance remboursable », « Dailly "
            "Département », « Avance des membres », « Découvert ») ne suffisent pas : "
            f"{expected} %") in printed


def test_scenarios_change_a_facility_by_its_label_or_its_index():
    from finplan.analysis import compare, scenario_case

    raw = with_bridges(*FACILITIES)
    raw["scenario"] = [
        {"name": "Sans avance", "set": {"bridge[Avance remboursable].ceiling": 1}},
        {"name": "Découvert plus cher", "set": {"bridge[3].annual_rate": 0.2}}]
    case = finplan.load_case(raw)
    cheap, dear = (scenario_case(case, scenario) for scenario in case.scenarios)
    assert cheap.bridges[0].ceiling == 1 and dear.bridges[3].annual_rate == D("0.2")
    table = compare(case)
    assert table.loc["Contrôles à revoir", "Sans avance"] == "cash_monthly"
    assert table.loc["Contrôles à revoir", "Base"] == "—"
