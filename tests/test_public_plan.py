"""The consultant's Plan (issue 18): every public amount in Decimal euros, equal to the
JSON result to the cent; a small surface, the one docs/python-api.md lists; the engine's
cents behind ``plan.internals``."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

import finplan
from finplan.model.public import SURFACE, CashLow, internals_of

DOCS = Path(__file__).parent.parent / "docs" / "python-api.md"
CENT = Decimal("0.01")


def _cent(value: float | None) -> Decimal | None:
    """A JSON number as Decimal euros to the cent (None kept)."""
    return None if value is None else Decimal(str(value)).quantize(CENT)


def _same(amounts, numbers) -> None:
    """Euro amounts (each a Decimal with two decimals) equal to JSON numbers to the cent."""
    amounts = list(amounts)
    for amount in amounts:
        assert amount is None or (isinstance(amount, Decimal)
                                  and amount.as_tuple().exponent == -2), amount
    assert amounts == [_cent(number) for number in numbers]


def _by_year(plan, frame_row) -> list:
    return [frame_row[year] for year in plan.years]


@pytest.fixture(scope="module", params=[path.stem for path in finplan.example_paths()])
def computed(request):
    path = next(p for p in finplan.example_paths() if p.stem == request.param)
    plan = finplan.compute(finplan.load_case(path))
    return plan, plan.to_dict()


def test_the_figures_by_year_are_the_json_s_to_the_cent(computed):
    plan, json = computed
    _same(plan.result, json["result"])
    _same(plan.caf, json["caf"])
    _same(plan.cash_end, json["cash_end"])
    _same(plan.charges_total, json["charges"]["total"])
    _same(plan.produits_total, json["produits"]["total"])
    _same(plan.own_revenue, json["break_even"]["revenue"])
    _same(plan.cash_monthly, json["cash_monthly"])
    assert len(plan.cash_monthly) == 12 * len(plan.years)
    for side in ("charges", "produits"):
        lines = getattr(plan, side)
        assert set(lines) == set(json[side]) - {"total"}
        for line, amounts in lines.items():
            _same(amounts, json[side][line])
    assert set(plan.unfunded) == set(json["unfunded"])
    for need, amounts in plan.unfunded.items():
        _same(amounts, json["unfunded"][need])


def test_the_single_figures_are_the_json_s(computed):
    plan, json = computed
    assert isinstance(plan.cash_low, CashLow)
    _same([plan.cash_low.amount], [json["cash_low"]["amount"]])
    assert plan.cash_low.month == json["cash_low"]["label"]
    _same([plan.bridging_need], [json["bridging_need"]])
    assert plan.bridging_advice == json["bridging_advice"]
    assert plan.gap_advice == json["gap_advice"]
    assert plan.warnings == tuple(json["warnings"])
    assert plan.ok is json["ok"]
    assert plan.years == tuple(json["years"])


def test_the_frames_are_the_json_s_to_the_cent(computed):
    plan, json = computed
    funding = plan.funding
    for funder in json["funding"]:
        row = funding.loc[funder["name"]]
        _same(_by_year(plan, row), funder["amounts"])
        _same([row["total"]], [funder["total"]])
        requests = plan.requests.loc[funder["name"]]
        _same(_by_year(plan, requests.loc["requested"]), funder["requested"])
        _same(_by_year(plan, requests.loc["amount"]), funder["amounts"])
    needs = plan.needs
    for need, amounts in json["needs"].items():
        _same(_by_year(plan, needs.loc[(need, "need")]), amounts)
        _same(_by_year(plan, needs.loc[(need, "unfunded")]), json["unfunded"][need])
        _same(_by_year(plan, needs.loc[(need, "surplus")]), json["surplus"][need])
    budget = plan.budget_table(totals=True).set_index(["section", "code"])
    for side in ("charges", "produits"):
        for line, amounts in json[side].items():
            key = (f"{side} total", "total") if line == "total" else (side, line)
            _same(_by_year(plan, budget.loc[key]), amounts)
    _same(_by_year(plan, budget.loc[("result", "result")]), json["result"])
    _same(_by_year(plan, budget.loc[("result", "caf")]), json["caf"])
    financing = plan.financing_plan.set_index(["side", "code"])
    _same(_by_year(plan, financing.loc[("emplois", "total")]),
          json["financing_plan"]["total_emplois"])
    _same(_by_year(plan, financing.loc[("ressources", "total")]),
          json["financing_plan"]["total_ressources"])
    _same(_by_year(plan, financing.loc[("cash", "cash_end")]), json["cash_end"])
    for measure, amounts in json["break_even"].items():
        if measure != "sold":
            _same(_by_year(plan, plan.break_even.loc[measure]), amounts)
    assert plan.checks.index.tolist() == [check["id"] for check in json["checks"]]


def test_a_collective_s_members_are_public_plans_equal_to_the_json():
    path = next(p for p in finplan.example_paths() if p.stem == "collectif-releve")
    plan = finplan.compute(finplan.load_case(path))
    members = plan.to_dict()["members"]
    assert list(plan.members) == [member["name"] for member in members]
    assert len(members) > 1
    assert repr(plan.members["Alise"]) == (
        "<Plan « Relève des compteurs d'eau », membre « Alise » 2027–2029, validé>")
    for member, json in zip(plan.members.values(), members):
        assert isinstance(member, finplan.Plan)
        _same(member.result, json["result"])
        _same(member.caf, json["caf"])
        _same(member.cash_end, json["cash_end"])
        _same(member.cash_monthly, json["cash_monthly"])
        _same(member.own_revenue, json["own_revenue"])
        _same(member.charges_total, json["charges"]["total"])
        _same(member.produits_total, json["produits"]["total"])
        assert member.ok is json["ok"]


def test_worked_by_hand_one_post_and_one_grant():
    # one insertion-free post of 24 000 € a year (no charges) and one grant that pays
    # 30 % of it: the result is 7 200 − 24 000 = −16 800,00 €, not −1 680 000 (cents)
    plan = finplan.compute(finplan.load_case({
        "format": "finplan/1",
        "project": {"name": "Essai", "organisation": "Asso", "first_year": 2027},
        "staff": [{"role": "Coordinatrice", "kind": "support", "monthly_gross": 2000,
                   "fte": 1, "employer_rate": 0}],
        "funder": [{"name": "Fondation", "type": "private", "rule": "rate",
                    "rate": 0.3}]}))
    assert plan.charges_total[0] == Decimal("24000.00")
    assert plan.funding.loc["Fondation", 2027] == Decimal("7200.00")
    assert plan.result[0] == Decimal("-16800.00")
    assert plan.internals.result[0] == -1680000  # the engine's cents, behind a name


def test_the_public_surface_is_small_documented_and_nothing_else():
    listed = {name for names in SURFACE.values() for name in names}
    plan = finplan.compute(finplan.load_case(finplan.demo_path()))
    public = {name for name in dir(plan) if not name.startswith("_")}
    assert public == listed
    assert len(listed) <= 30
    documented = set(re.findall(r"^\| `(\w+)", _reference(), re.MULTILINE))
    assert documented == listed


def _reference() -> str:
    """The guide's reference of the Plan (its own section)."""
    text = DOCS.read_text(encoding="utf-8")
    return text.split("## The Plan's surface", 1)[1].split("\n## ", 1)[0]


def test_adapters_take_the_public_plan_or_its_internals():
    case = finplan.load_case(finplan.demo_path())
    plan = finplan.compute(case)
    assert internals_of(plan) is plan.internals
    assert internals_of(plan.internals) is plan.internals
    from finplan.io.workbook_write import build_workbook

    assert build_workbook(case, plan).plan is plan.internals
    both = finplan.compare_plans([plan, plan.internals])
    assert both.measures["1"].equals(both.measures["2"])
    assert repr(plan) == "<Plan « Recyclerie de Chalosse » 2027–2029, validé>"
