"""Collectives (spec §6): members, contracts shared in hours, consolidation — worked out
by hand on the bundled example, and properties over generated cases."""

from __future__ import annotations

import copy
import json
import tomllib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import finplan
from finplan.errors import CaseError
from finplan.model.case_dict import case_to_dict
from finplan.model.engine import compute
from finplan.simulation import montecarlo

from helpers import case_with, cents, draws_and_plans
from strategies import cases

EXAMPLE = finplan.demo_path().parent / "collectif-releve.toml"


@pytest.fixture(scope="module")
def plan():
    return compute(finplan.load_case(EXAMPLE))


def member(plan, member_id):
    index = [m.id for m in plan.case.members].index(member_id)
    return plan.members[index]


def test_the_hours_and_the_value_of_the_contract_are_shared_by_the_members(plan):
    # Relève: 4 500 h × 22.20 € = 99 900 € in 2027 (then × 1.015: 101 398.50 €), split
    # 20 / 30 / 20 / 10 / 20 %: Chantiers du Layon's part 29 970 €, of which Alise keeps
    # 5 %: 1 498.50 €, and passes on 28 471.50 €; in 2028 the second contract adds
    # 1 800 h × 22.20 × 1.015 = 40 559.40 €, half of it Layon's: 20 279.70 € × 0.95 =
    # 19 265.72 € (19 265.715, half-up)
    assert plan.contracts_by_item[0][:2] == (cents(99900), cents("101398.50"))
    layon = member(plan, "layon")
    assert layon.hours == {"releve": [1350] * 3, "second": [0, 900, 900]}
    assert layon.contracts_by_item[0][0] == cents("28471.50")
    assert layon.contracts_by_item[1][1] == cents("19265.72")
    alise = member(plan, "alise")
    assert alise.hours["releve"] == [900] * 3
    # Alise books the whole value and passes on the others' shares (604)
    assert alise.contracts_by_item[0][0] == cents(99900)
    passed = [amounts[0] for item, amounts in zip(alise.case.expenses,
                                                   alise.expenses_by_item)
              if item.account == "604"]
    # 29 970 / 19 980 / 9 990 / 19 980 € × 0.95; then the second contract's (0 in 2027)
    assert passed == [cents("28471.50"), cents("18981.00"), cents("9490.50"),
                      cents("18981.00"), 0, 0]


def test_each_member_s_aide_au_poste_follows_its_own_fte_type_and_approved_posts(plan):
    # Layon (ACI, 1 820 h an FTE): 1 350 h = 0.741 758… FTE × 23 921 € = 17 743.60 €
    assert member(plan, "layon").per_fte_aid[0] == cents("17743.60")
    # Jardins (ACI) works 900 + 900 h in 2028 = 0.989 FTE, but only 0.8 FTE are
    # approved: 0.8 × 23 921 = 19 136.80 € (not 23 658.13 €)
    jardins = member(plan, "jardins")
    assert jardins.fte_insertion[1] == Decimal(1800) / Decimal(1820)
    assert jardins.per_fte_aid[1] == cents("19136.80")
    # Tremplin (EI): no DGEFP figure, 1 607 h: 900 / 1 607 × 13 304 = 7 451.03 €?
    # no: its approved 0.5 FTE bind first: 0.5 × 13 304 = 6 652 €
    assert member(plan, "tremplin").per_fte_aid == [cents(6652)] * 3
    assert any(text.startswith("Tremplin Bâtiment : Heures d'un ETP d'insertion EI")
               for text in plan.warnings)
    # a member short of approved posts for its hours sees it
    assert ("Jardins de l'Aubance : Les heures demandent plus d'ETP d'insertion que les "
            "postes agréés : 0,99 ETP pour 0,8 agréé en 2028, 0,99 ETP pour 0,8 agréé en "
            "2029 ; les aides par ETP à l'insertion sont limitées aux postes agréés : "
            "demandez un agrément plus large ou répartissez autrement les heures."
            ) in plan.warnings


def test_the_coordination_post_is_earmarked_and_the_members_contribute(plan):
    # 2 600 € × 12 = 31 200 € gross + 42 % = 13 104 € → 44 304 €, plus 3 000 € of travel:
    # 47 304 €; the Département 50 %: 23 652 €, the foundation 10 000 €; the 13 652 €
    # left shared by weights 3 / 2 / 1 / 2: 5 119.50, 3 413, 1 706.50 and 3 413 €
    alise = member(plan, "alise")
    need = alise.need_result("coordination")
    assert need.amounts[0] == cents(47304)
    assert [f.amounts[0] for f in need.funding] == [
        cents(23652), cents(10000), cents("5119.50"), cents(3413), cents("1706.50"),
        cents(3413)]
    assert need.to_operating[0] == 0
    # a cotisation (756, line 75) for Alise, an expense (628) for the member, paid
    # each quarter, on both sides
    rows = {row.label: row.amounts[0] for row in alise.budget_rows if row.code == "756"}
    assert rows["Contribution des Chantiers du Layon"] == cents("5119.50")
    layon = member(plan, "layon")
    paid = {item.label: amounts[0] for item, amounts in zip(layon.case.expenses,
                                                             layon.expenses_by_item)
            if item.account == "628"}
    assert paid == {"Contribution des Chantiers du Layon (versée à Alise)":
                    cents("5119.50")}
    quarter = layon.monthly.outflows["Contribution des Chantiers du Layon (versée à Alise)"]
    assert quarter[2] == quarter[5] == cents("1279.88") and sum(quarter[:12]) == cents(
        "5119.50")  # 1 279.875 × 4: the largest remainders take the odd cents
    assert alise.monthly.inflows["Contribution des Chantiers du Layon"][:12] == quarter[:12]
    # the consolidated budget has neither the cotisations nor the contributions
    assert not [row for row in plan.budget_rows if row.code in ("756", "628")]
    assert plan.need_result("coordination").funding[0].funder.member is None  # mandataire


def test_the_consolidation_is_the_members_sum_without_the_internal_flows(plan):
    years = range(3)
    # what members pay each other (pass-ons, contributions): a charge of one, the
    # same produit of another
    passed_on = [sum(amounts[y] for own in plan.members
                     for item, amounts in zip(own.case.expenses, own.expenses_by_item)
                     if item.payments is not None) for y in years]
    for y in years:
        assert plan.result[y] == sum(m.result[y] for m in plan.members)
        assert plan.cash_end[y] == sum(m.cash_end[y] for m in plan.members)
        assert plan.caf[y] == sum(m.caf[y] for m in plan.members)
        assert plan.charges_total[y] == sum(m.charges_total[y] for m in plan.members) - (
            passed_on[y])
        assert plan.produits_total[y] == sum(m.produits_total[y] for m in plan.members) - (
            passed_on[y])
    assert plan.monthly.balances == [sum(month) for month in zip(
        *(m.monthly.balances for m in plan.members))]
    assert "Reversements aux membres" not in plan.monthly.outflows
    assert plan.ok and all(m.ok for m in plan.members)


def test_json_and_text_carry_each_member(plan):
    result = json.loads(plan.to_json())
    assert [m["id"] for m in result["members"]] == ["alise", "layon", "tremplin",
                                                     "ressources", "jardins"]
    layon = result["members"][1]
    assert layon["hours"] == {"releve": [1350.0] * 3, "second": [0.0, 900.0, 900.0]}
    assert layon["result"] == [float(c) / 100 for c in member(plan, "layon").result]
    assert result["result"] == [round(sum(m["result"][y] for m in result["members"]), 2)
                                for y in range(3)]
    assert {check.get("member") for check in result["checks"]} == {
        "alise", "layon", "tremplin", "ressources", "jardins"}
    text = finplan.report.render_plan(plan)
    assert "Collectif de 5 membres : Alise (mandataire), Chantiers du Layon" in text
    assert "MEMBRE : Jardins de l'Aubance" in text and "Membres du collectif" in text


def test_a_collective_case_file_round_trips():
    case = finplan.load_case(EXAMPLE)
    raw = case_to_dict(case)
    assert raw["contract"][0]["split"] == {"alise": Decimal("0.2"), "layon": Decimal("0.3"),
                                           "tremplin": Decimal("0.2"),
                                           "ressources": Decimal("0.1"),
                                           "jardins": Decimal("0.2")}
    assert finplan.load_case(raw) == case


# -- properties ----------------------------------------------------------------------

def _as_member(raw: dict, member_id: str, opening) -> dict:
    """A generated case's lines as those of member ``member_id`` (names made unique)."""
    raw = copy.deepcopy(raw)
    for key in ("staff", "revenue", "expense", "investment", "loan", "need", "funder"):
        for item in raw.get(key, []):
            item["member"] = member_id
            for name in ("name", "label", "role", "id"):
                if name in item:
                    item[name] = f"{item[name]}{member_id}" if name != "id" else (
                        f"{item[name]}_{member_id}")
            if key == "funder" and item.get("finances") not in (None, "operating",
                                                                "investment"):
                item["finances"] = f"{item['finances']}_{member_id}"
            if key == "staff" and "hours_from" in item:
                item["hours_from"] = f"{item['hours_from']}_{member_id}"
            if key == "need" and "covers" in item:
                item["covers"] = [text.replace("]", f"{member_id}]") for text in
                                  item["covers"]]
    for contract in raw.get("contract", []):
        contract["id"] = f"{contract['id']}_{member_id}"
        contract["split"] = {member_id: 1}
    return raw


def _collective(parts: list[tuple[str, dict]]) -> dict:
    """One collective of the generated cases, the first member the mandataire."""
    first = parts[0][1]
    raw = {"format": "finplan/1", "project": {k: v for k, v in first["project"].items()
                                              if k != "opening_cash"},
           "indexation": first["indexation"], "working_capital": first["working_capital"],
           "member": [{"id": member_id, "name": f"Membre {member_id}",
                       "mandataire": index == 0,
                       "opening_cash": raw["project"].get("opening_cash", 0)}
                      for index, (member_id, raw) in enumerate(parts)]}
    for member_id, part in parts:
        owned = _as_member(part, member_id, None)
        for key in ("staff", "revenue", "contract", "expense", "investment", "loan",
                    "need", "funder"):
            raw.setdefault(key, []).extend(owned.get(key, []))
    for key in ("needs",):
        if key in first:
            raw[key] = first[key]
    return raw


@given(cases())
@settings(max_examples=40, deadline=None)
def test_a_one_member_collective_is_the_organisation_to_the_cent(raw):
    raw.pop("needs", None)
    single = compute(finplan.load_case(raw))
    plan = compute(finplan.load_case(_collective([("m", raw)])))
    assert plan.result == single.result
    assert plan.charges_total == single.charges_total
    assert plan.produits_total == single.produits_total
    assert plan.cash_end == single.cash_end
    assert plan.monthly.balances == single.monthly.balances
    assert [f.amounts for f in plan.funder_results] == [
        f.amounts for f in single.funder_results]
    assert [c.ok for c in plan.check_results] == [c.ok for c in single.check_results]


@given(cases(), cases(), st.sampled_from([0, 0.05, 0.1]), st.data())
@settings(max_examples=40, deadline=None)
def test_consolidated_figures_are_the_members_sums_less_the_internal_flows(
        first, second, fee, data):
    first.pop("needs", None)
    second.pop("needs", None)
    second["project"] = dict(first["project"], opening_cash=second["project"][
        "opening_cash"])
    second["indexation"] = first["indexation"]
    second["working_capital"] = first["working_capital"]
    raw = _collective([("a", first), ("b", second)])
    # a contract both answer, Alise passing on b's share less its fee
    share = data.draw(st.sampled_from([0.25, 0.5, 1]))
    raw.setdefault("contract", []).append({
        "id": "commun", "label": "Contrat commun", "hours": 1000, "hourly_price": 21.5,
        "fee_rate": fee, "split": {"a": 1 - share, "b": share} if share < 1 else {"b": 1},
        "payments": data.draw(st.sampled_from([[[1, 3]], [[0.5, 6], [0.5, 13]]]))})
    plan = compute(finplan.load_case(raw))
    a, b = plan.members
    passed_on = [sum(amounts[y] for item, amounts in zip(a.case.expenses,
                                                         a.expenses_by_item)
                     if item.payments is not None) for y in range(len(plan.years))]
    for y in range(len(plan.years)):
        assert plan.result[y] == a.result[y] + b.result[y]
        assert plan.charges_total[y] == a.charges_total[y] + b.charges_total[y] - (
            passed_on[y])
        assert plan.produits_total[y] == a.produits_total[y] + b.produits_total[y] - (
            passed_on[y])
        assert plan.cash_end[y] == a.cash_end[y] + b.cash_end[y]
    assert plan.monthly.balances == [x + y for x, y in zip(a.monthly.balances,
                                                          b.monthly.balances)]
    # each member reconciles its December balances with its year-end cash
    for own in (a, b):
        for y in range(len(plan.years)):
            assert own.monthly.balances[12 * y + 11] == (
                own.cash_end[y] + own.bfr[y] - own.monthly.receivable_by_year[y]
                + own.monthly.payable_by_year[y])


# -- what a volunteer gets wrong ------------------------------------------------------

MEMBERS = [{"id": "a", "name": "Alise", "mandataire": True},
           {"id": "b", "name": "Brume"}]


def messages(raw) -> list[str]:
    with pytest.raises(CaseError) as error:
        finplan.load_case(raw)
    return [str(issue) for issue in error.value.issues]


def test_members_mistakes_are_explained():
    raw = case_with(member=[{**MEMBERS[0], "mandataire": False}, MEMBERS[1]],
                    project={"opening_cash": 100})
    assert messages(raw) == [
        "member : aucun membre n'est le mandataire ; un seul membre porte mandataire = "
        "true : celui qui répond aux contrats pour le collectif.",
        "project.opening_cash : dans un collectif, chaque membre a sa propre trésorerie "
        "de départ (opening_cash) ; retirez opening_cash et donnez-la à chaque membre."]
    raw = case_with(member=MEMBERS, contract=[{
        "id": "r", "label": "Relève", "hours": 100, "hourly_price": 20,
        "split": {"a": 0.5, "b": 0.4}}],
        staff=[{"role": "R", "kind": "insertion", "hours_from": "r", "monthly_gross": 1800,
                "employer_rate": 0.1, "member": "c"}],
        funder=[{"name": "F", "type": "public", "rule": "residual", "member": "b",
                 "finances": "etude"}],
        need=[{"id": "etude", "label": "Étude", "amount": 100}])
    assert messages(raw) == [
        "staff[0].member (« R ») : attendu l'identifiant d'un membre : [a, b], trouvé "
        "« c ».",
        "contract[0].split (« Relève ») : les parts des membres font 90 %, pas 100 % ; "
        "corrigez-les pour qu'elles fassent 1 (100 %).",
        "funder[0].finances (« F ») : le besoin « etude » est celui d'un autre membre du "
        "collectif ; un financeur finance les besoins de son membre (member)."]
    raw = case_with(contract=[{"id": "r", "label": "Relève", "hours": 100,
                               "hourly_price": 20, "fee_rate": 0.1}],
                    expense=[{"label": "Loyer", "account": "613", "amount": 1,
                              "member": "a"}])
    assert messages(raw) == [
        "expense[0].member (« Loyer ») : member ne s'utilise que dans un collectif, décrit "
        "par des lignes [[member]] ; retirez-le, ou décrivez les membres.",
        "contract[0].fee_rate (« Relève ») : fee_rate ne s'utilise que dans un collectif, "
        "décrit par des lignes [[member]] ; retirez-le, ou décrivez les membres."]


def test_a_member_s_staff_works_only_hours_the_contract_gives_it():
    raw = case_with(member=MEMBERS, contract=[{
        "id": "r", "label": "Relève", "hours": 100, "hourly_price": 20,
        "split": {"a": 1}}],
        staff=[{"role": "R", "kind": "insertion", "hours_from": "r", "monthly_gross": 1800,
                "employer_rate": 0.1, "member": "b"}])
    assert messages(raw) == [
        "staff[0].hours_from (« R ») : le contrat « r » ne donne pas d'heures à « Brume », "
        "le membre de ce personnel ; ajoutez ce membre à split (ou split_hours) ou "
        "rattachez ce personnel à un membre qui a des heures."]


def _second_contract_in_hours(**changes) -> dict:
    """The example with its second contract split by each member's hours."""
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    second = raw["contract"][1]
    del second["split"], second["hours"]
    second["split_hours"] = {"layon": [0, 900, 1000], "jardins": [0, 900, 800]}
    second.update(changes)
    return raw


def test_a_contract_splits_its_hours_by_each_member_s_hours():
    case = finplan.load_case(_second_contract_in_hours())
    # no hours typed: the contract's are the members' sum
    assert case.contracts[1].hours == (0, 1800, 1800)
    plan = compute(case)
    layon, jardins = member(plan, "layon"), member(plan, "jardins")
    assert layon.hours["second"] == [0, 900, 1000]
    assert jardins.hours["second"] == [0, 900, 800]
    # 2029: 1 800 h × 22.20 × 1.015² = 41 167.79 €; split 1 000 / 800 h by largest
    # remainder: 22 870.99 € (2 287 099.44 cents) and 18 296.80 € (1 829 679.55 cents,
    # the cent left over); less Alise's 5 %: 21 727.44 € (21 727.4405) and 17 381.96 €
    assert plan.contracts_by_item[1][2] == cents("41167.79")
    assert layon.contracts_by_item[1][2] == cents("21727.44")
    assert jardins.contracts_by_item[1][2] == cents("17381.96")
    # the same hours as shares give the same 2028 figures (900 / 900 h = 50 / 50 %)
    shares = compute(finplan.load_case(EXAMPLE))
    assert member(shares, "layon").contracts_by_item[1][1] == layon.contracts_by_item[1][1]
    # Jardins' insertion staff of that contract work its 800 h in 2029 (ACI: 1 820 h an
    # FTE): 0.439 560… FTE
    second = next(costs for line, costs in zip(jardins.case.staff, jardins.staff_costs)
              if line.hours_from == "second")
    assert second.fte_years[2] == Decimal(800) / Decimal(1820)
    assert finplan.load_case(case_to_dict(case)) == case


def test_members_hours_that_do_not_add_up_are_explained():
    assert messages(_second_contract_in_hours(hours=1800)) == [
        "contract[1].split_hours (« Relève (second contrat d'eau) ») : les heures des "
        "membres font 0 h en année 1, le contrat en compte 1800 ; corrigez les heures des "
        "membres, ou retirez hours : ce sera leur somme."]
    assert messages(_second_contract_in_hours(split={"layon": 1})) == [
        "contract[1] (« Relève (second contrat d'eau) ») : les heures d'un contrat se "
        "partagent soit par des parts (split), soit par les heures de chaque membre "
        "(split_hours), pas les deux ; gardez l'une des deux façons."]
    raw = _second_contract_in_hours()
    raw["contract"][1]["split_hours"] = {"layon": [0, 900], "inconnu": 3}
    assert messages(raw) == [
        "contract[1].split_hours.layon (« Relève (second contrat d'eau) ») : attendu un "
        "nombre positif ou nul, ou une valeur par année (3 valeurs), trouvé « [0, 900] » ; "
        "la liste a 2 valeurs au lieu de 3, une par année du plan.",
        "contract[1].split_hours (« Relève (second contrat d'eau) ») : attendu "
        "l'identifiant d'un membre : [alise, layon, tremplin, ressources, jardins], "
        "trouvé « inconnu »."]


def test_draws_of_a_collective_equal_each_plan():
    # the Monte Carlo evaluation of a collective: each member's draws, summed, against
    # the engine on each drawn case
    import numpy as np

    raw = case_to_dict(finplan.load_case(EXAMPLE))
    raw["montecarlo"] = {"draws": 4, "seed": 11, "vary": [
        {"path": "staff[1].monthly_gross", "dist": "uniform", "low": -0.2, "high": 0.2},
        {"path": "staff[5].fte", "dist": "normal", "sd": 0.2},
        {"path": "funder[Fondation (coordination)].amount", "dist": "uniform",
         "low": -0.5, "high": 0},
        {"path": "expense[3].amount", "dist": "uniform", "low": 0, "high": 1},
        {"path": "working_capital.days", "dist": "uniform", "low": 0, "high": 1}]}
    raw["working_capital"] = {"days": 30}
    outcomes, plans = draws_and_plans(finplan.load_case(raw))
    for draw, plan in enumerate(plans):
        assert outcomes.result[draw].tolist() == plan.result
        assert outcomes.cash_end[draw].tolist() == plan.cash_end
        assert outcomes.balances[draw].tolist() == plan.monthly.balances
        for need in plan.need_results:
            assert outcomes.unfunded[need.need.id][draw].tolist() == list(need.unfunded)
        for index, funding in enumerate(plan.funder_results):
            paid = [v[draw].tolist() for (_, i), v in outcomes.funding.items() if i == index]
            assert paid == [list(funding.amounts)]
        for member, own in zip(plan.case.members, plan.members):  # each member's own
            mine = outcomes.members[member.id]
            assert mine.balances[draw].tolist() == own.monthly.balances
            assert mine.cash_end[draw].tolist() == own.cash_end
    assert np.ptp(outcomes.result[:, 0]) > 0  # the draws differ


def test_monte_carlo_gives_each_member_its_own_probabilities():
    """A collective's members each carry their own cash: the Monte Carlo run says, for
    each, how often its month-end cash goes below zero — counted on the engine's plan
    of each drawn case."""
    raw = case_to_dict(finplan.load_case(EXAMPLE))
    for member in raw["member"]:  # Ressources and Jardins with little cash to spare
        member["opening_cash"] = {"ressources": 11600, "jardins": 15000}.get(
            member["id"], member["opening_cash"])
    raw["montecarlo"] = {"draws": 40, "seed": 3, "vary": [
        {"path": "funder[Fondation (coordination)].amount", "dist": "uniform",
         "low": -1, "high": 0},
        {"path": "expense[3].amount", "dist": "uniform", "low": 0, "high": 3}]}
    case = finplan.load_case(raw)
    run = montecarlo(case)
    _, plans = draws_and_plans(case)
    expected = {member.id: sum(own.monthly.low[0] < 0
                               for plan in plans
                               for m, own in zip(plan.case.members, plan.members)
                               if m.id == member.id) / len(plans)
                for member in case.members}
    assert {m: p["cash_negative"] for m, p in run.member_probabilities.items()} == expected
    assert 0 < sum(expected.values()) < len(expected)  # some do, some do not
    members = json.loads(json.dumps(run.to_dict()))["members"]
    assert [m["id"] for m in members] == [m.id for m in case.members]
    from finplan.report import render_simulation

    text = render_simulation(run)
    share = f"{expected['ressources'] * 100:.1f}".replace(".", ",").replace(",0", "")
    assert "Chaque membre (sa propre trésorerie) :\n  Alise : besoin non financé 0 %" in text
    assert f"  Ressources Emploi : besoin non financé 0 %, trésorerie négative en fin de " \
           f"mois {share} %" in text


def test_own_funds_brought_in_are_cash_not_only_reserves():
    # rent 12 000 € a year, no revenue: a 12 000 € deficit. As reserves (the default),
    # own funds absorb it and the cash falls by 12 000 € a year; brought in (an apport
    # of the federation, paid in January), they are a ressource of the financing plan
    # and the cash stays at its opening level; the result is the same deficit
    raw = case_with(project={"opening_cash": 30000},
                    expense=[{"label": "Loyer", "account": "613", "amount": 12000}],
                    funder=[{"name": "Fédération", "type": "own", "rule": "residual"}])
    reserves = compute(finplan.load_case(raw))
    raw["funder"][0]["brought_in"] = True
    apport = compute(finplan.load_case(raw))
    assert reserves.result == apport.result == [-cents(12000)] * 2
    assert reserves.cash_end == [cents(18000), cents(6000)]
    assert apport.cash_end == [cents(30000)] * 2
    assert apport.monthly.inflows["Fédération"][0] == cents(12000)
    assert "Fédération" not in reserves.monthly.inflows
    rows = [(row.code, row.label, row.amounts) for row in apport.financing_rows
            if row.code == "funding"]
    assert rows == [("funding", "Fédération", [cents(12000)] * 2)]
    raw["funder"][0]["type"] = "public"
    assert messages(raw) == [
        "funder[0].brought_in (« Fédération ») : brought_in ne concerne que les fonds "
        "propres : l'argent d'un autre financeur entre toujours en trésorerie."]


def test_contribution_mistakes_are_explained():
    raw = case_with(member=MEMBERS, need=[{"id": "coord", "label": "Coordination",
                                            "amount": 1000, "member": "b"}],
                    funder=[{"name": "Contribution", "type": "public", "rule": "residual",
                             "finances": "coord", "paid_by": "a", "member": "b"},
                            {"name": "Moi", "type": "private", "rule": "fixed",
                             "amount": 1, "paid_by": "a"}])
    assert messages(raw) == [
        "funder[0].paid_by (« Contribution ») : la contribution d'un membre est un "
        "financement private sans ligne du Cerfa : elle est une cotisation (756) pour le "
        "membre qui la reçoit ; choisissez le type « private » et retirez la clé « line »."]
    raw["funder"][0]["type"] = "private"
    assert messages(raw) == [
        "funder[0].paid_by (« Contribution ») : une contribution de membre finance un "
        "besoin du mandataire (« Alise »), pas d'un autre membre.",
        "funder[1].paid_by (« Moi ») : le mandataire ne se verse pas de contribution à "
        "lui-même : ce sont ses fonds propres."]
