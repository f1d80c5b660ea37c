"""Variants of a case in one call, and plans side by side (issue 18, first step).

A consultant's script: three variants of the Région's ESS ceiling, each a changed
copy (the original never changes), validated with finplan's French messages; a value
removed falls back to its default; the plans compared in tidy frames.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import finplan
from finplan.errors import CaseError
from finplan.model.engine import compute

REGION = "funder[Région Nouvelle-Aquitaine (ESS)].cap_total"
DEPARTEMENT = "funder[Département des Landes (insertion)].cap"


@pytest.fixture(scope="module")
def case():
    return finplan.load_case(finplan.demo_path())


def test_each_variant_is_its_own_copy(case):
    variants = {cap: finplan.replace(case, REGION, cap) for cap in (30000, 45000, 60000)}
    assert [v.funders[7].cap_total for v in variants.values()] == [
        Decimal(30000), Decimal(45000), Decimal(60000)]
    assert case.funders[7].cap_total == Decimal(45000)  # untouched
    results = {cap: sum(compute(v).funder_results[7].amounts)
               for cap, v in variants.items()}
    assert results[30000] < results[45000] <= results[60000]
    assert results[30000] == 3_000_000  # the ceiling binds: 30 000 € over the plan


def test_several_values_at_once_and_a_removal(case):
    changed = finplan.replace(case, {"project.start_month": 6, DEPARTEMENT: None,
                                     "indexation.costs": 0.03})
    assert changed.project.start_month == 6
    assert changed.funders[6].cap is None  # removed: no ceiling any more
    assert changed.indexation.costs == Decimal("0.03")
    assert case.funders[6].cap == Decimal(40000)


def test_removing_a_required_value_says_so_in_french(case):
    with pytest.raises(CaseError) as caught:
        finplan.replace(case, "project.name", None)
    assert [issue.path for issue in caught.value.issues] == ["project.name"]
    assert "obligatoire" in str(caught.value) or "absente" in str(caught.value)


@pytest.mark.parametrize(("path", "value", "said"), [
    ("funder[Fondation de France].rate", 0.3, "aucun élément « Fondation de France »"),
    ("revenue[12].quantity", 3, "revenue[12] n'existe pas"),
    ("project..name", "x", "chemin de clé illisible"),
])
def test_a_bad_path_is_named(case, path, value, said):
    with pytest.raises(CaseError) as caught:
        finplan.replace(case, path, value)
    assert caught.value.issues[0].path == path
    assert said in str(caught.value)


def test_a_bad_value_is_refused_with_its_path(case):
    with pytest.raises(CaseError) as caught:
        finplan.replace(case, "project.start_month", 13)
    assert [issue.path for issue in caught.value.issues] == ["project.start_month"]


def test_replace_takes_a_path_and_a_value_or_a_mapping(case):
    with pytest.raises(TypeError):
        finplan.replace(case, "project.start_month")
    with pytest.raises(TypeError):
        finplan.replace(case, {"project.start_month": 6}, 7)


def test_a_scenario_can_remove_an_optional_value(case):
    """Issue 18: « trouvé « None » » — a scenario's None removes the value."""
    from finplan.analysis import scenario_case
    from finplan.model.case_dict import case_to_dict

    raw = case_to_dict(case)
    raw["scenario"] = [{"name": "Sans plafond", "set": {DEPARTEMENT: None}}]
    with_scenario = finplan.load_case(raw)
    assert scenario_case(with_scenario, with_scenario.scenarios[0]).funders[6].cap is None


def test_plans_side_by_side_in_tidy_frames(case):
    plans = {"base": compute(case),
             "sans plafond": compute(finplan.replace(case, DEPARTEMENT, None))}
    both = finplan.compare_plans(plans)
    funders = both.funders
    assert len(funders) == 2 * len(case.funders) * 3
    assert set(funders.variant) == {"base", "sans plafond"}
    assert all(isinstance(amount, Decimal) for amount in funders.amount)
    base = funders[funders.variant == "base"]
    assert base.amount.sum() == sum(Decimal(f.total) / 100
                                    for f in plans["base"].funder_results)
    by_year = base[base.funder == "État : aide au poste ACI"].set_index("year").amount
    assert by_year[2027] == Decimal("66380.78")
    assert both.measures.columns.tolist() == ["base", "sans plafond"]
    assert both.measures.loc["Résultat 2027", "base"] == Decimal(plans["base"].result[0]) / 100
    numbered = finplan.compare_plans(list(plans.values()))
    assert set(numbered.funders.variant) == {"1", "2"}
