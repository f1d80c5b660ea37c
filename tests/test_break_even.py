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
from finplan.model.engine import compute
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
    plan = compute(finplan.load_case(case()))
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
    plan = compute(finplan.load_case(case()))
    baskets = plan.sold_at_break_even()["Paniers"][0]
    raw = case()
    raw["revenue"][0]["quantity"] = float(baskets)
    raw["expense"][0]["amount"] = float(Decimal(8000) * baskets / 2000)
    assert abs(compute(finplan.load_case(raw)).result[0]) <= 3


def test_no_break_even_when_each_euro_sold_costs_a_euro():
    raw = case()
    raw["expense"][0]["amount"] = 20000
    plan = compute(finplan.load_case(raw))
    assert plan.break_even.with_grants == (None,)
    assert plan.to_dict()["break_even"]["with_grants"] == [None]
    assert "Point mort (recettes propres)" in render_plan(plan)


def test_without_variable_charges_every_charge_is_fixed():
    raw = case()
    del raw["expense"][0]["variable"]
    point = compute(finplan.load_case(raw)).break_even
    assert point.with_grants == (2800000,)  # 38 000 − 10 000


def _block(sheet) -> dict[str, list]:
    """The Budget's break-even block as recalculated: label -> the year's values."""
    rows = {}
    found = False
    for row in sheet.iter_rows(values_only=True):
        label = (row[1] or "").strip()
        if label.startswith("Point mort (seuil"):
            found = True
        elif found and not label:
            break
        elif found:
            rows[label] = list(row[2:3])
    return rows


def test_the_workbook_shows_the_break_even_and_follows_the_variable_column(tmp_path):
    """Recalculated by LibreOffice: the block's figures are the hand-worked ones; a
    reviewer who answers « non » for the goods and « Oui » for the rent (V = 12 000,
    F = 26 000, margin rate 40 %) sees (26 000 − 10 000) / 40 % = 40 000 € with the
    grant, 26 000 / 40 % = 65 000 € without, 4 000 baskets."""
    from openpyxl import load_workbook
    from spreadsheet import convert, make_profile

    from finplan.io.workbook_layout import InputLayout
    from finplan.io.workbook_write import build_workbook, item_counts

    loaded = finplan.load_case(case())
    built = build_workbook(loaded)
    path = tmp_path / "point-mort.xlsx"
    built.workbook.save(path)
    layout = InputLayout.for_counts(item_counts(loaded))
    edited = load_workbook(path)
    inputs = edited["Hypothèses"]
    inputs[layout.cell("expense", 0, "variable")] = "non"
    inputs[layout.cell("expense", 1, "variable")] = " Oui "
    changed = tmp_path / "modifie.xlsx"
    edited.save(changed)
    before, after = convert([path, changed], tmp_path / "out", make_profile(tmp_path / "p"))
    shown = _block(load_workbook(before, data_only=True)["Budget"])
    assert shown["Charges variables (les charges marquées « Charge variable », voir "
                 "Calculs)"] == [8000]
    assert shown["Charges fixes (total des charges − charges variables)"] == [30000]
    assert shown["Point mort avec les subventions"] == [33333.33]
    assert shown["Point mort sans les subventions"] == [50000]
    assert shown["Marge de sécurité (recettes propres prévues − point mort)"] == [-13333.33]
    assert shown["Vendu au point mort — Paniers"] == [3333.33]
    moved = _block(load_workbook(after, data_only=True)["Budget"])
    assert moved["Point mort avec les subventions"] == [40000]
    assert moved["Point mort sans les subventions"] == [65000]
    assert moved["Vendu au point mort — Paniers"] == [4000]
    calculs = load_workbook(after, data_only=True)["Calculs"]
    flags = [row for row in calculs.iter_rows(values_only=True) if row[1] in (
        "Marchandises", "Loyer", "Salaire (coût total)")]
    assert [row[3] for row in flags] == [0, 1, 0]  # « Charge variable », after the year


def test_the_break_even_chart_reads_the_budget_block():
    from finplan.io.workbook_write import build_workbook

    built = build_workbook(finplan.load_case(case()))
    chart = built.workbook["Graphiques"]._charts[3]
    budget = built.workbook["Budget"]
    names = [budget[s.tx.strRef.f.split("!")[1].replace("$", "")].value
             for s in chart.series]
    assert names == ["Recettes propres prévues (ventes, prestations, contrats)",
                     "Point mort avec les subventions", "Point mort sans les subventions"]
    assert chart.grouping == "clustered"
