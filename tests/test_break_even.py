"""The break-even point (point mort, issue 16 item 5), worked by hand.

One year from January, an épicerie: sales of 2 000 baskets at 10 € (20 000 €), goods
bought for them 8 000 € (marked variable: 40 % of the sales), rent 12 000 € and a
salary costing 18 000 € (fixed), a Commune grant of 10 000 € (fixed amount), own
funds for the rest.

Charges 38 000 €, variable 8 000 €, fixed 30 000 €; margin rate 1 − 8 000 / 20 000 =
60 %.  With the grant: (30 000 − 10 000) / 60 % = 33 333,33 €, i.e. 3 333,33 baskets;
without it: 30 000 / 60 % = 50 000 €.  The plan sells 20 000 €: a margin of safety of
−13 333,33 €.
"""

from decimal import Decimal

import finplan
from finplan.report import render_plan


def case(**changes):
    raw = {
        "format": "finplan/1",
        "project": {"name": "Épicerie", "organisation": "Asso", "first_year": 2027,
                    "years": 1, "opening_cash": 40000},
        "revenue": [{"label": "Paniers", "account": "707", "quantity": 2000,
                     "unit_price": 10}],
        "expense": [
            {"label": "Marchandises", "account": "607", "amount": 8000, "variable": True},
            {"label": "Loyer", "account": "613", "amount": 12000},
            {"label": "Salaire (coût total)", "account": "621", "amount": 18000}],
        "funder": [
            {"name": "Commune", "type": "public", "line": "commune", "rule": "fixed",
             "amount": 10000, "priority": 10},
            {"name": "Fonds propres", "type": "own", "rule": "residual", "priority": 90}],
    }
    raw.update(changes)
    return raw


def test_the_break_even_with_and_without_the_grants():
    plan = finplan.compute(finplan.load_case(case()))
    point = plan.break_even
    assert point.revenue == (2000000,) and point.variable == (800000,)
    assert point.fixed == (3000000,) and point.grants == (1000000,)
    assert point.with_grants == (3333333,)
    assert point.without_grants == (5000000,)
    assert point.margin == (-1333333,)
    assert plan.sold_at_break_even() == {"Paniers": [Decimal("3333.33")]}
    result = plan.to_dict()["break_even"]
    assert result["with_grants"] == [33333.33] and result["sold"] == {"Paniers": [3333.33]}


def test_at_the_break_even_the_result_is_zero():
    """Selling the break-even (the price unchanged, the goods following) gives a result
    of 0, to within what the baskets rounded to the hundredth leave: 0,005 × 10 € ×
    60 % = 3 cents."""
    plan = finplan.compute(finplan.load_case(case()))
    baskets = plan.sold_at_break_even()["Paniers"][0]
    raw = case()
    raw["revenue"][0]["quantity"] = float(baskets)
    raw["expense"][0]["amount"] = float(Decimal(8000) * baskets / 2000)
    assert abs(finplan.compute(finplan.load_case(raw)).result[0]) <= 3


def test_no_break_even_when_each_euro_sold_costs_a_euro():
    raw = case()
    raw["expense"][0]["amount"] = 20000
    plan = finplan.compute(finplan.load_case(raw))
    assert plan.break_even.with_grants == (None,)
    assert plan.to_dict()["break_even"]["with_grants"] == [None]
    assert "Point mort (recettes propres)" in render_plan(plan)


def test_without_variable_charges_every_charge_is_fixed():
    raw = case()
    del raw["expense"][0]["variable"]
    point = finplan.compute(finplan.load_case(raw)).break_even
    assert point.with_grants == (2800000,)  # 38 000 − 10 000
