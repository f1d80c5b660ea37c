"""Contracts sold in hours and the staff who work them (spec §6), worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

import finplan
from finplan.errors import CaseError
from finplan.model.case_dict import case_to_dict
from finplan.rates import hours_per_fte

from helpers import case_with, cents, draws_and_plans, plan_of

# 2 250 hours a year of meter reading at 44 € an hour, prices +2 % a year:
#   2027: 2 250 × 44 = 99 000 €; 2028: 99 000 × 1.02 = 100 980 €.
# The readers (ACI) work those hours: 2 250 / 1 820 = 1.236 263 7… FTE-years;
#   gross 1.236 263 7… × 12 × 1 823.03 = 27 044.950 5… → 27 044.95 €,
#   charges 10 %: 2 704.495 → 2 704.50 € (half-up);
#   the aide au poste ACI: 23 921 € × 1.236 263 7… = 29 572.664 8… → 29 572.66 €.
CONTRACT = {"id": "releve", "label": "Relève des compteurs d'eau", "client": "Veolia",
            "hours": 2250, "hourly_price": 44}
READERS = {"role": "Releveurs", "kind": "insertion", "contract": "ACI",
           "hours_from": "releve", "monthly_gross": 1823.03, "employer_rate": 0.1}
ASP = {"name": "ASP", "type": "public", "line": "asp", "rule": "per_fte",
       "amount_per_fte": "ACI", "staff_kind": "insertion"}


def raw_case(**changes):
    raw = case_with(project={"opening_cash": 10000}, indexation={"prices": 0.02},
                    contract=[CONTRACT], staff=[READERS], funder=[ASP])
    raw.update(changes)
    return raw


def test_hours_sold_make_the_revenue_and_the_readers_fte():
    plan = plan_of(raw_case())
    assert plan.contracts_by_item == ((cents(99000), cents(100980)),)
    costs = plan.staff_costs[0]
    assert costs.fte_years == [Decimal(2250) / Decimal(1820)] * 2
    assert costs.gross == [cents("27044.95")] * 2
    assert costs.social == [cents("2704.50")] * 2
    assert plan.funder_results[0].amounts == (cents("29572.66"),) * 2
    # the contract's revenue is own revenue on 706, named with its client
    rows = [(row.code, row.label, row.amounts) for row in plan.budget_rows
            if row.code == "706"]
    assert rows == [("706", "Relève des compteurs d'eau (Veolia)",
                     [cents(99000), cents(100980)])]


def test_the_client_pays_in_march_by_default_and_on_its_schedule_otherwise():
    plan = plan_of(raw_case())
    inflow = plan.monthly.inflows["Relève des compteurs d'eau (Veolia)"]
    assert inflow[2] == cents(99000) and inflow[14] == cents(100980)
    assert sum(inflow) == cents(199980)
    raw = raw_case()
    raw["contract"][0]["payments"] = [[0.5, 6], [0.5, 14]]  # half in June, half next Feb
    plan = plan_of(raw)
    inflow = plan.monthly.inflows["Relève des compteurs d'eau (Veolia)"]
    assert (inflow[5], inflow[13], inflow[17]) == (cents(49500), cents(49500) + 0,
                                                   cents(50490))
    # the half of 2028 paid in February 2029 is a receivable after the plan
    assert plan.monthly.receivable_end == cents(50490)
    assert plan.monthly.receivable_by_year == [cents(49500), cents(50490)]
    # and the year-end cash still reconciles: monthly = annual − receivable
    assert plan.monthly.balances[23] == plan.cash_end[1] - cents(50490)


def test_a_contract_given_by_its_yearly_amount():
    raw = raw_case()
    del raw["contract"][0]["hourly_price"]
    raw["contract"][0]["amount"] = [90000, 95000]
    assert plan_of(raw).contracts_by_item == ((cents(90000), cents(95000)),)


def test_hours_per_fte_come_from_the_rates_with_their_source_or_the_line():
    assert hours_per_fte("ACI").hours == 1820 and "Chantier École" in hours_per_fte(
        "ACI").source
    assert hours_per_fte("ETTI").hours == 1607 and "ASH" in hours_per_fte("ETTI").source
    assert hours_per_fte("EITI").hours == 1505
    raw = raw_case()
    raw["staff"][0].update(contract="AI")
    raw["funder"] = []
    plan = plan_of(raw)
    assert plan.staff_costs[0].fte_years[0] == Decimal(2250) / Decimal(1607)
    assert any(text.startswith("Heures d'un ETP d'insertion AI : aucun chiffre de la "
                               "DGEFP") for text in plan.warnings)
    raw["staff"][0]["hours_per_fte"] = 1500  # the line's own figure: no warning
    plan = plan_of(raw)
    assert plan.staff_costs[0].fte_years[0] == Decimal("1.5")
    assert not any("Heures d'un ETP" in text for text in plan.warnings)


def test_a_case_file_keeps_its_contracts():
    case = finplan.load_case(raw_case())
    raw = case_to_dict(case)
    assert raw["contract"] == [{"id": "releve", "label": "Relève des compteurs d'eau",
                                "hours": 2250, "client": "Veolia", "account": "706",
                                "hourly_price": 44}]
    assert finplan.load_case(raw) == case


def test_draws_of_a_case_with_contracts_equal_each_plan():
    raw = raw_case(montecarlo={"draws": 3, "seed": 5, "vary": [
        {"path": "staff[0].monthly_gross", "dist": "uniform", "low": -0.1, "high": 0.1}]})
    outcomes, plans = draws_and_plans(finplan.load_case(raw))
    for draw, plan in enumerate(plans):
        assert outcomes.result[draw].tolist() == plan.result
        assert outcomes.balances[draw].tolist() == plan.monthly.balances


def messages(raw) -> list[str]:
    with pytest.raises(CaseError) as error:
        finplan.load_case(raw)
    return [str(issue) for issue in error.value.issues]


def test_contract_mistakes_are_explained():
    raw = raw_case()
    raw["staff"][0]["hours_from"] = "releves"
    raw["staff"].append({**READERS, "role": "Autres", "fte": 1, "hours_per_fte": 1600})
    del raw["staff"][1]["hours_from"]
    raw["contract"].append({"id": "releve", "label": "Doublon", "hours": 10,
                            "hourly_price": 1, "amount": 10})
    assert messages(raw) == [
        "contract[1].id (« Doublon ») : l'identifiant « releve » est déjà utilisé par une "
        "autre ligne.",
        "contract[1] (« Doublon ») : un contrat en heures se donne soit par un prix de "
        "l'heure (hourly_price), soit par son montant de chaque année (amount) ; gardez "
        "l'une des deux façons.",
        "staff[0].hours_from (« Releveurs ») : contrat en heures inconnu « releves » ; "
        "indiquez l'identifiant d'une ligne de [[contract]] : « releve ».",
        "staff[1].hours_per_fte (« Autres ») : hours_per_fte ne s'utilise qu'avec "
        "hours_from (les heures d'un contrat converties en ETP) ; retirez-le, ou indiquez "
        "le contrat."]
    raw = raw_case()
    raw["staff"][0]["fte"] = 1
    assert messages(raw) == [
        "staff[0].fte (« Releveurs ») : une ligne de personnel se donne soit en ETP (fte), "
        "soit par les heures d'un contrat (hours_from), pas les deux ; gardez l'une des "
        "deux façons."]
