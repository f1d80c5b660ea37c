"""Requests and decisions (spec §7): each funder's status, the amount voted, the
probability, and the plan on the bases « demande », « decide » and « attendu ».

The small case below is worked by hand: one year, 10 000 € of rent, no revenue, so
an operating need of 10 000 €.  As requested: the Région's fixed 6 000 € first
(priority 10), the 4 000 € left shared equally by the Fondation and the Département
(priority 20), nothing left to the own funds.  Decisions: the Région voted 5 000 €,
the Département refused, the Fondation has not answered (probability 50 %).
"""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from spreadsheet import convert, formula_mismatches, is_error, make_profile

import finplan
from finplan.cli import main
from finplan.io.workbook_write import build_workbook
from finplan.model.case_dict import case_to_dict
from finplan.model.engine import compute, compute_draws
from finplan.report import render_simulation

EXAMPLES = finplan.demo_path().parent


def small(**changes):
    raw = {
        "format": "finplan/1",
        "project": {"name": "Épicerie", "organisation": "Asso", "first_year": 2027,
                    "years": 1, "opening_cash": 20000},
        "expense": [{"label": "Loyer", "account": "613", "amount": 10000}],
        "funder": [
            {"name": "Région", "type": "public", "line": "region", "rule": "fixed",
             "amount": 6000, "priority": 10, "status": "vote", "voted": 5000},
            {"name": "Fondation", "type": "private", "rule": "share", "priority": 20,
             "status": "sollicite", "probability": 0.5},
            {"name": "Département", "type": "public", "line": "departement",
             "rule": "share", "priority": 20, "status": "refuse"},
            {"name": "Fonds propres", "type": "own", "rule": "residual", "priority": 90},
        ],
    }
    raw["project"].update(changes.pop("project", {}))
    for name, values in changes.items():
        next(f for f in raw["funder"] if f["name"] == name).update(values)
    return raw


def amounts(plan):
    return {f.name: f.amounts[0] / 100 for f in plan.funder_results}


def test_as_requested_the_statuses_change_nothing():
    plan = compute(finplan.load_case(small()))
    assert amounts(plan) == {"Région": 6000, "Fondation": 2000, "Département": 2000,
                             "Fonds propres": 0}
    assert [f.requested_amounts for f in plan.funder_results] == [
        (600000,), (200000,), (200000,), (0,)]


def test_decided_gives_the_amount_voted_and_0_to_the_others():
    plan = compute(finplan.load_case(small(project={"basis": "decide"})))
    # Région 5 000 voted; Fondation (no answer) and Département (refused) 0; the own
    # funds cover 10 000 - 5 000
    assert amounts(plan) == {"Région": 5000, "Fondation": 0, "Département": 0,
                             "Fonds propres": 5000}
    assert [f.requested_amounts for f in plan.funder_results] == [
        (600000,), (200000,), (200000,), (0,)]
    assert plan.produits["74"] == [500000]
    assert plan.result == [-500000]  # the own funds are reserves, not a produit
    assert plan.ok


def test_expected_weighs_the_pending_requests_by_their_probability():
    plan = compute(finplan.load_case(small()), basis="attendu")
    # Fondation: 50 % of the 2 000 requested; the own funds 10 000 - 5 000 - 1 000
    assert amounts(plan) == {"Région": 5000, "Fondation": 1000, "Département": 0,
                             "Fonds propres": 4000}
    result = plan.to_dict()
    assert result["basis"] == "attendu"
    assert result["funding"][1]["status"] == ["sollicite"]
    assert result["funding"][1]["requested"] == [2000.0]
    assert result["funding"][1]["amounts"] == [1000.0]
    assert result["funding"][3]["status"] == [None]


def test_the_gap_of_each_request_and_who_takes_it():
    plan = compute(finplan.load_case(small()), basis="decide")
    (gap,) = plan.gaps
    # Région 6 000 asked, 5 000 voted; Fondation and Département 2 000 each, 0
    assert gap.requests == (("Région", (600000,), (500000,)),
                            ("Fondation", (200000,), (0,)),
                            ("Département", (200000,), (0,)))
    assert gap.gap == (500000,)
    assert gap.taken == (("Fonds propres", (500000,)),)  # 0 as requested, 5 000 now
    assert gap.unfunded == (0,) and gap.need_change == (0,)
    found = plan.to_dict()["gaps"][0]
    assert found["gap"] == [5000.0] and found["taken_by"] == {"Fonds propres": [5000.0]}
    assert found["requests"][0] == {"name": "Région", "requested": [6000.0],
                                    "amounts": [5000.0], "gap": [1000.0]}
    assert plan.gap_advice[0].startswith(
        "Besoin « Fonctionnement (déficit d'exploitation) » : les demandes donnent 5 000 € "
        "de moins que demandé (Région : 1 000 €, Fondation : 2 000 €, Département : "
        "2 000 €). Repris : 5 000 € par Fonds propres.")
    assert compute(finplan.load_case(small())).gaps == ()


def test_without_own_funds_the_gap_stays_unfunded_and_says_where_to_look():
    raw = small(project={"basis": "decide"})
    raw["funder"].pop()  # no own funds
    plan = compute(finplan.load_case(raw))
    (gap,) = plan.gaps
    assert gap.taken == () and gap.unfunded == (500000,)
    assert "Reste non financé : 5 000 € — à trouver auprès d'un autre financeur" in (
        plan.gap_advice[0])


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_the_gaps_add_up_for_every_example_all_refused(path):
    """gap = taken + unfunded more - surplus more - need more, each need and year."""
    raw = case_to_dict(finplan.load_case(path))
    for funder in raw["funder"]:
        if funder["type"] != "own" and "paid_by" not in funder:
            funder["status"] = "refuse"
    plan = compute(finplan.load_case(raw), basis="decide")
    assert plan.gaps
    for gap in plan.gaps:
        for y in range(len(plan.years)):
            taken = sum(more[y] for _, more in gap.taken)
            assert gap.gap[y] == (taken + gap.unfunded[y] - gap.surplus_change[y]
                                  - gap.need_change[y]), (gap.need_id, y)


def test_expected_rounds_half_up_to_the_cent():
    # 2 000 requested × 33,3335 % = 666,67 € (666,670 exactly), × 0,000 025: 0,05 €
    plan = compute(finplan.load_case(small(Fondation={"probability": 0.333335})),
                           basis="attendu")
    assert plan.funder_results[1].amounts == (66667,)
    plan = compute(finplan.load_case(small(Fondation={"probability": 0.0000025})),
                           basis="attendu")
    assert plan.funder_results[1].amounts == (1,)  # 0,5 cent: half-up


def test_a_decision_is_not_held_by_the_need_nor_the_caps():
    raw = small(project={"basis": "decide"}, Région={"voted": 12000, "cap": 7000})
    plan = compute(finplan.load_case(raw))
    # 12 000 voted against a need of 10 000: the excess is shown, the own funds pay 0
    assert amounts(plan)["Région"] == 12000
    assert amounts(plan)["Fonds propres"] == 0
    assert plan.need_result("operating").surplus == (200000,)
    assert [c.id for c in plan.check_results if c.fails] == []  # its cap is its rule's
    assert any("montants décidés ou attendus des financeurs (Région)" in w
               for w in plan.warnings)


def test_statuses_a_year_and_an_aid_by_fte_with_a_status():
    raw = small(project={"years": 2, "basis": "attendu"},
                Région={"status": ["conventionne", "sollicite"], "voted": [5000, 0],
                        "probability": 0.8})
    raw["staff"] = [{"role": "CDDI", "kind": "insertion", "fte": 1,
                     "monthly_gross": 1800, "employer_rate": 0.1, "contract": "aci"}]
    raw["funder"].append({"name": "ASP", "type": "public", "line": "asp",
                          "rule": "per_fte", "amount_per_fte": 20000,
                          "staff_kind": "insertion", "status": "verse", "voted": 18000})
    plan = compute(finplan.load_case(raw))
    found = {f.name: f.amounts for f in plan.funder_results}
    # Région: 5 000 voted in 2027; in 2028 80 % of the 6 000 requested
    assert found["Région"] == (500000, 480000)
    # the ASP paid 18 000 a year, not 20 000 per FTE
    assert found["ASP"] == (1800000, 1800000)
    assert plan.funder_results[0].statuses() == ["conventionne", "sollicite"]


def test_montecarlo_draws_follow_the_basis_draw_by_draw():
    from helpers import draws_and_plans

    for basis in ("decide", "attendu"):
        raw = small(project={"basis": basis})
        raw["montecarlo"] = {"draws": 20, "seed": 5, "vary": [
            {"path": "expense[0].amount", "dist": "uniform", "low": -0.5, "high": 0.5},
            {"path": "funder[Région].amount", "dist": "uniform", "low": -0.5, "high": 0.5}]}
        case = finplan.load_case(raw)
        outcomes, plans = draws_and_plans(case)
        for draw, plan in enumerate(plans):
            for i, funding in enumerate(plan.funder_results):
                assert outcomes.funding[("operating", i)][draw].tolist() == list(
                    funding.amounts), (basis, draw, funding.name)
            assert outcomes.balances[draw].tolist() == plan.monthly.balances
    assert compute_draws(case, np.zeros((0, 1))).result[0].tolist() == compute(
        case).result


def test_montecarlo_on_expected_amounts_draws_each_decision():
    """On « Montants attendus » a Monte Carlo run grants or refuses each pending request
    by its probability (one uniform number per request: granted in year y when u <
    probability(y)); the varied values are drawn as before."""
    from finplan.model.montecarlo import draw_variations, draws_of
    from finplan.simulation import montecarlo

    raw = small(project={"years": 2, "basis": "attendu"},
                Fondation={"probability": [0.5, 0.25]})
    raw["montecarlo"] = {"draws": 4000, "seed": 3, "vary": [
        {"path": "expense[0].amount", "dist": "uniform", "low": -0.1, "high": 0.1}]}
    case = finplan.load_case(raw)
    xs = draws_of(case, 4000, 3)
    assert xs.shape == (2, 4000)  # the variation, then the Fondation's decision
    assert (xs[:1] == draw_variations(case.montecarlo.vary, 4000, 3)).all()
    paid = compute_draws(case, xs).funding[("operating", 1)]
    asked = compute(finplan.load_case(small(project={"years": 2})))
    granted = paid > 0
    # a year granted is all of the request: the rent drawn × 1/2, 0 when refused
    assert granted[:, 1].sum() < granted[:, 0].sum()  # u < 0.25 implies u < 0.5
    assert (granted[:, 0] | ~granted[:, 1]).all()
    assert 0.47 < granted[:, 0].mean() < 0.53 and 0.22 < granted[:, 1].mean() < 0.28
    assert asked.funder_results[1].amounts[0] == 200000
    text = render_simulation(montecarlo(case, draws=200))
    assert "Décisions des financeurs tirées au sort" in text and "Fondation" in text


def receipts_case(basis="decide"):
    """Two years from January; the Région paid 5 000 € for 2027 and voted 6 000 € for
    2028, on its default schedule (60 % in April, 40 % in April of the next year); it
    has paid 500 € in December 2026 (in the opening cash), 2 000 € in February 2027 and
    1 000 € in September 2027."""
    return small(project={"years": 2, "start_month": 1, "basis": basis},
                 Région={"status": "verse", "voted": [5000, 6000],
                         "decided_on": "2026-11-20",
                         "received": [["2027-02-10", 2000], ["2027-09-01", 1000],
                                      ["15/12/2026", 500]]})


def test_the_sums_received_take_their_months_and_the_rest_follows_the_schedule():
    plan = compute(finplan.load_case(receipts_case()))
    # scheduled: 3 000 in April 2027, 2 000 + 3 600 in April 2028, 2 400 in April 2029;
    # the 3 500 received cover the 3 000 of April 2027 and 500 of April 2028: the
    # sums received in February and September, then 5 100 in April 2028, 2 400 later
    inflows = plan.monthly.inflows["Région"]
    assert {month: cents for month, cents in enumerate(inflows, start=1) if cents} == {
        2: 200000, 9: 100000, 16: 510000}
    assert plan.monthly.receivable_end == 240000
    assert plan.ok
    funding = plan.to_dict()["funding"][0]
    assert funding["decided_on"] == "2026-11-20"
    assert funding["received"][0] == {"date": "2026-12-15", "amount": 500.0}


def test_what_is_due_before_the_last_sum_received_comes_the_month_after():
    # the ASP's 18 000 € a year, 1 500 € a month; 4 000 € received in May 2027 cover
    # January to mid-March: the rest due to May (3 500 €) comes in June with June's
    raw = small(project={"years": 1, "start_month": 1})
    raw["staff"] = [{"role": "CDDI", "kind": "insertion", "fte": 1,
                     "monthly_gross": 1800, "employer_rate": 0.1, "contract": "aci"}]
    raw["funder"].append({"name": "ASP", "type": "public", "line": "asp",
                          "rule": "per_fte", "amount_per_fte": 20000,
                          "staff_kind": "insertion", "status": "verse", "voted": 18000,
                          "received": [["2027-05-01", 4000]]})
    plan = compute(finplan.load_case(raw), basis="decide")
    assert plan.monthly.inflows["ASP"] == [0, 0, 0, 0, 400000, 500000, *[150000] * 6]


def test_more_received_than_planned_is_said():
    raw = receipts_case()
    raw["funder"][0]["received"] = [["2027-02-10", 12000]]
    plan = compute(finplan.load_case(raw))
    assert any(w.startswith("« Région » a déjà versé 12 000 €, plus que ses montants du "
                            "plan (11 000 €)") for w in plan.warnings)


def test_montecarlo_draws_follow_the_sums_received():
    from helpers import draws_and_plans

    raw = receipts_case("attendu")
    raw["montecarlo"] = {"draws": 20, "seed": 2, "vary": [
        {"path": "expense[0].amount", "dist": "uniform", "low": -0.5, "high": 0.5}]}
    outcomes, plans = draws_and_plans(finplan.load_case(raw))
    for draw, plan in enumerate(plans):
        assert outcomes.balances[draw].tolist() == plan.monthly.balances, draw


def test_a_collective_s_members_contributions_are_not_requests():
    case = finplan.load_case(EXAMPLES / "collectif-releve.toml")
    plan = compute(case, basis="decide")
    found = {f.name: f for f in plan.funder_results}
    # no decision yet: the Département and the Fondation give 0 to the coordination;
    # the members' contributions (their share of what is left) pay all of it
    assert found["Département (coordination)"].amounts == (0, 0, 0)
    assert found["Fondation (coordination)"].amounts == (0, 0, 0)
    contributions = [f for f in plan.funder_results if f.funder.paid_by]
    need = plan.need_result("coordination")
    assert [sum(c.amounts[y] for c in contributions) for y in range(3)] == list(
        need.amounts)
    assert all(c.statuses() == [None] * 3 for c in contributions)
    requested = compute(case)
    assert found["Fondation (coordination)"].requested_amounts == next(
        f.amounts for f in requested.funder_results if f.name == "Fondation (coordination)")


@pytest.mark.parametrize(("changes", "expected"), [
    ({"Région": {"voted": None}},
     "funder[0].voted (« Région ») : la demande est « vote » en année 1 : le montant "
     "décidé par le financeur est obligatoire ; saisissez-le dans « voted »."),
    ({"Fondation": {"voted": 100}},
     "funder[1].voted (« Fondation ») : « voted » ne s'applique qu'aux années où la "
     "demande est « vote », « conventionne », « verse »"),
    ({"Région": {"probability": 0.5}},
     "funder[0].probability (« Région ») : « probability » ne s'applique qu'aux "
     "demandes pas encore décidées"),
    ({"Fonds propres": {"status": "vote"}},
     "funder[3].status (« Fonds propres ») : des fonds propres ne sont pas une demande "
     "à un financeur"),
    ({"Fondation": {"status": "Sollicitée"}}, None),  # a label or an alias: fine
    ({"Fondation": {"status": "peut-être"}},
     "funder[1].status (« Fondation ») : attendu l'une des valeurs « envisage », « "
     "sollicite », « vote », « conventionne », « verse » ou « refuse »"),
    ({"project": {"basis": "probable"}}, None),
    ({"Fondation": {"received": [["2027-04-15", 300]]}},
     "funder[1].received (« Fondation ») : « received » : un financeur ne verse qu'une "
     "demande décidée"),
    ({"Région": {"received": [["31/02/2027", 300]]}},
     "funder[0].received[0][0] (« Région ») : attendu une date"),
    ({"Région": {"received": [["2027-04-15", -3]]}}, "funder[0].received[0][1]"),
    ({"Région": {"decided_on": "demain"}}, "funder[0].decided_on (« Région ») : attendu "
     "une date, par exemple \"2027-03-15\""),
    ({"project": {"basis": "tout"}}, "project.basis"),
])
def test_bad_decisions_are_refused_with_their_path(changes, expected):
    raw = small(**{name: values for name, values in changes.items() if name == "project"})
    for name, values in changes.items():
        if name == "project":
            continue
        funder = next(f for f in raw["funder"] if f["name"] == name)
        for key, value in values.items():
            if value is None:
                funder.pop(key)
            else:
                funder[key] = value
    if expected is None:
        finplan.load_case(raw)
        return
    with pytest.raises(finplan.CaseError) as caught:
        finplan.load_case(raw)
    assert expected in str(caught.value)


def test_the_command_computes_on_the_basis_asked(tmp_path):
    path = tmp_path / "cas.toml"
    from finplan.io.toml_case import case_to_toml

    path.write_text(case_to_toml(finplan.load_case(small())), "utf-8")
    result = CliRunner().invoke(main, ["plan", str(path), "--basis", "decide", "--json"])
    assert result.exit_code == 0, result.output
    funding = json.loads(result.output)["funding"]
    assert [f["amounts"] for f in funding] == [[5000.0], [0.0], [0.0], [5000.0]]
    text = CliRunner().invoke(main, ["plan", str(path), "--basis", "attendu"]).output
    assert "Base du calcul : montants attendus" in text
    assert "demandé" in text and "refusé" in text
    assert "Écarts avec les demandes (montant demandé − montant retenu)" in text


def test_the_workbook_carries_the_decisions_and_recalculates_to_the_cent(tmp_path):
    case = finplan.load_case(small(project={"years": 2, "basis": "attendu"},
                                   Région={"status": ["vote", "sollicite"],
                                           "voted": 5000, "probability": 0.8,
                                           "decided_on": "2027-01-20",
                                           "received": [["2027-03-01", 1500.5]]}))
    built = build_workbook(case)
    path = tmp_path / "cas.xlsx"
    built.workbook.save(path)
    # the case typed in the workbook is the case: statuses as their labels, one a year
    assert case_to_dict(finplan.load_case(path)) == case_to_dict(case)
    inputs = load_workbook(path)["Hypothèses"]
    typed = [cell.value for row in inputs.iter_rows() for cell in row]
    assert "Voté ; Sollicité" in typed and "Montants attendus" in typed
    assert "01/03/2027 : 1500,5" in typed and "20/01/2027" in typed
    converted = convert([path], tmp_path / "out", make_profile(tmp_path / "profile"))
    values = load_workbook(converted[0], data_only=True)
    assert formula_mismatches(built.expected, values, built.workbook) == []
    assert [(s.title, c.coordinate) for s in values.worksheets for row in s.iter_rows()
            for c in row if is_error(c.value)] == []
    shown = [c.value for row in values["Financeurs"].iter_rows() for c in row]
    assert "Refusé" in shown and "Sollicité" in shown
    assert "Écart total" in shown


def test_a_date_typed_in_excel_is_read_and_the_results_stay_current(tmp_path):
    """A volunteer types the decision's date in its cell (Excel keeps a date) and the
    sums received as text, then clicks « Calculer le plan »: the plan uses them, and
    the results are current (the copy of the inputs keeps the date as a date)."""
    import datetime

    from finplan.io.workbook_layout import InputLayout
    from finplan.io.workbook_write import item_counts

    from helpers import click_recalculated

    case = finplan.load_case(receipts_case())
    filled = tmp_path / "rempli.xlsx"
    build_workbook(case).workbook.save(filled)
    book = load_workbook(filled)
    inputs = book["Hypothèses"]
    layout = InputLayout.for_counts(item_counts(case))
    cell = layout.cell("funder", 0, "decided_on")
    inputs[cell] = datetime.datetime(2027, 1, 5)
    inputs[cell].number_format = "DD/MM/YYYY"
    inputs[layout.cell("funder", 0, "received")] = "10/02/2027 : 2000 ; 01/09/2027 : 1000"
    book.save(filled)
    profile = make_profile(tmp_path / "profile")
    (shown,) = convert([filled], tmp_path / "shown", profile)
    returned, after = click_recalculated(filled, shown, tmp_path, profile)
    assert returned == [True]
    values = load_workbook(after, data_only=True)
    checks = {row[1]: row[2] for row in values["Contrôles"].iter_rows(values_only=True)
              if row[1]}
    assert checks["Résultats calculés à partir des hypothèses actuelles"] == "OK"
    # the Région: 2 000 € in February, 1 000 € in September, the rest (8 000 €) later
    inflows = next(row for row in values["Trésorerie"].iter_rows(values_only=True)
                   if "Région" in row)
    months = [value for value in inflows if isinstance(value, (int, float))]
    assert months[1] == 2000 and months[8] == 1000 and months[15] == 5600


def test_finplan_case_exports_the_requests_typed_in_a_workbook(tmp_path):
    """Round trip: the statuses, amounts voted, probabilities, dates, sums received and
    the basis typed in a workbook come back in the case file `finplan case` writes."""
    raw = receipts_case("attendu")
    raw["funder"][1]["probability"] = [0.5, 0.25]
    case = finplan.load_case(raw)
    workbook = tmp_path / "cas.xlsx"
    build_workbook(case).workbook.save(workbook)
    result = CliRunner().invoke(main, ["case", str(workbook), "-o", str(tmp_path / "cas.toml")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "cas.toml").read_text("utf-8")
    assert 'basis = "attendu"' in text and 'status = "verse"' in text
    assert '"2026-12-15"' in text and 'decided_on = "2026-11-20"' in text
    assert case_to_dict(finplan.load_case(tmp_path / "cas.toml")) == case_to_dict(case)
