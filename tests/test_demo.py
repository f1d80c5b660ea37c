"""The bundled example (recyclerie de Chalosse): key figures worked out by hand."""

import pytest

import finplan
from finplan.model.engine import compute

from helpers import cents


@pytest.fixture(scope="module")
def plan():
    return compute(finplan.load_case(finplan.demo_path()))


def funding(plan, name):
    return next(f for f in plan.funder_results if f.name == name)


def test_aide_au_poste(plan):
    # insertion staff from April in a plan from March: 9 months in 2027;
    # 3.7 FTE × 9/12 = 2.775 FTE-years × 23 921 € (latest figure) = 66 380.775.
    aid = funding(plan, "État : aide au poste ACI")
    assert aid.amounts == (cents("66380.78"), cents("88507.70"), cents("88507.70"))
    assert plan.warnings and "aucun montant connu pour 2027, 2028 et 2029" in (
        plan.warnings[0])


def test_investment_funders(plan):
    # investments 38 000 + 24 000 + 9 000 = 71 000; loan 30 000 -> need 41 000;
    # Région 40 % × 71 000 = 28 400, capped at 20 000;
    # Département 25 % × 71 000 = 17 750, but the public ceiling 80 % × 41 000 = 32 800
    # leaves 12 800; own funds take the remaining 8 200.
    assert plan.need_amounts["investment"] == [cents(41000), 0, 0]
    region = funding(plan, "Région Nouvelle-Aquitaine (investissement)")
    departement = funding(plan, "Département des Landes (investissement)")
    own = funding(plan, "Apport en fonds propres")
    assert (region.amounts[0], region.limited_by[0]) == (cents(20000), "cap")
    assert (departement.amounts[0], departement.limited_by[0]) == (cents(12800),
                                                                    "public_ceiling")
    assert (own.amounts[0], own.limited_by[0]) == (cents(8200), "need")


def test_study_in_four_equal_shares(plan):
    names = ["DLA des Landes", "Département des Landes (étude)",
             "Région Nouvelle-Aquitaine (étude)", "SIETOM de Chalosse (étude)"]
    assert [funding(plan, name).amounts[0] for name in names] == [cents("1912.50")] * 4


def test_first_year_charges(plan):
    # rent 21 600 × 10/12 = 18 000; energy 7 200 × 10/12 = 6 000.
    assert plan.charges["60"][0] == cents(6000)
    # 64: insertion 3.7 × 1 823.03 × 9 = 60 706.899 -> 60 706.90 (charges 13 %: 7 891.90);
    # supervision 1 × 2 350 × 10 = 23 500 (9 870); ASP 0.5 × 2 450 × 10 = 12 250 (5 145);
    # secretary 0.5 × 2 000 × 10 = 10 000 (4 200).
    gross = cents("60706.90") + cents(23500) + cents(12250) + cents(10000)
    social = cents("7891.90") + cents(9870) + cents(5145) + cents(4200)
    assert plan.charges["64"][0] == gross + social
    # depreciation from March (10 months): 38 000/5 + 24 000/10 + 9 000/5 = 11 800 a year
    # -> 11 800 × 10/12 = 9 833.33.
    assert plan.charges["68"] == [cents("9833.33"), cents(11800), cents(11800)]


def test_operating_balanced_by_the_share_group(plan):
    # the share funders cover what the aide au poste and the SIETOM leave, 2:1.
    need = plan.need_amounts["operating"][0]
    dep = funding(plan, "Département des Landes (insertion)").amounts[0]
    reg = funding(plan, "Région Nouvelle-Aquitaine (ESS)").amounts[0]
    assert dep + reg == need - cents("66380.78") - cents(25000)
    assert abs(dep - 2 * reg) <= 2
    # the result bears only what the bridging facilities cost (their interest and fees:
    # the subsidies arrive after the spending), and every check passes
    costs = [sum(years) for years in zip(*(b.cost for b in plan.bridges))]
    assert costs[1] > 0 and costs[0] == costs[2] == 0
    assert plan.result == [-cost for cost in costs]
    assert plan.ok
