"""Allocation rules of spec §2, each worked out by hand (amounts in cents)."""

from decimal import Decimal

from finplan.model.allocation import Request, allocate, water_fill

from helpers import case_with, cents, plan_of


def amounts(result):
    return [list(a.amounts) for a in result.allocations]


def limits(result):
    return [list(a.limited_by) for a in result.allocations]


def test_fixed_cut_by_the_need_then_residual_gets_nothing():
    # need 800; fixed offers 1 000 -> cut to 800 ("need"); residual finds 0 left.
    result = allocate([80000], [Request("A", "fixed", asks=[100000]),
                                Request("B", "residual", priority=200)])
    assert amounts(result) == [[80000], [0]]
    assert limits(result) == [["need"], ["need"]]
    assert result.unfunded == [0]


def test_rate_ask_is_computed_by_the_caller_and_capped():
    # rate 40 % of a 71 000 base = 28 400 asked, cap 20 000 -> 20 000 ("cap").
    result = allocate([4100000], [Request("Région", "rate", public=True, asks=[2840000],
                                          caps=[2000000])])
    assert amounts(result) == [[2000000]]
    assert limits(result) == [["cap"]]
    assert result.unfunded == [2100000]


def test_priority_orders_the_funders_and_file_order_breaks_ties():
    # priority 20 first served although written second; equal priorities in file order.
    result = allocate([100000], [
        Request("late", "fixed", asks=[60000], priority=50),
        Request("first", "fixed", asks=[70000], priority=20),
        Request("second", "fixed", asks=[20000], priority=20),
    ])
    # first 700, second 200, late gets the 100 left.
    assert amounts(result) == [[10000], [70000], [20000]]
    assert limits(result) == [["need"], ["none"], ["none"]]


def test_water_filling_with_two_capped_funders():
    # need 10 000 split by weights 1, 1, 1, 2 (A cap 1 000, B cap 2 000):
    # round 1: 2 000 / 2 000 / 2 000 / 4 000 -> A over its cap: A = 1 000;
    # round 2: 9 000 by 1, 1, 2 -> 2 250 / 2 250 / 4 500 -> B over: B = 2 000;
    # round 3: 7 000 by 1, 2 -> 2 333.33 / 4 666.67 (the odd cent to the larger remainder).
    result = allocate([1000000], [
        Request("A", "share", caps=[100000]),
        Request("B", "share", caps=[200000]),
        Request("C", "share"),
        Request("D", "share", weight=2),
    ])
    assert amounts(result) == [[100000], [200000], [233333], [466667]]
    assert limits(result) == [["cap"], ["cap"], ["need"], ["need"]]
    assert result.unfunded == [0]


def test_share_funders_at_the_place_of_the_first_of_them():
    # group of priority 10: S1 (share), F (fixed), S2 (share), in that file order.
    # The shares are served together at S1's place: 1 000 split 500/500, F gets 0.
    result = allocate([100000], [
        Request("S1", "share", priority=10),
        Request("F", "fixed", asks=[30000], priority=10),
        Request("S2", "share", priority=10),
    ])
    assert amounts(result) == [[50000], [0], [50000]]
    assert limits(result) == [["need"], ["need"], ["need"]]


def test_cap_total_binding_in_year_3():
    # residual with cap_total 25 000 on a need of 10 000 a year:
    # 10 000, 10 000, then only 5 000 left under the total cap.
    result = allocate([1000000] * 3, [Request("Fondation", "residual",
                                               cap_total=2500000)])
    assert amounts(result) == [[1000000, 1000000, 500000]]
    assert limits(result) == [["need", "need", "cap_total"]]
    assert result.unfunded == [0, 0, 500000]


def test_public_ceiling_binding_a_single_funder():
    # need 10 000, ceiling 80 % = 8 000. Public fixed 5 000 first; public rate asks
    # 5 000 but only 3 000 are left under the ceiling; own residual takes 2 000.
    result = allocate([1000000], [
        Request("Commune", "fixed", public=True, asks=[500000], priority=10),
        Request("Département", "rate", public=True, asks=[500000], priority=20),
        Request("Réserves", "residual", priority=90),
    ], Decimal("0.8"))
    assert amounts(result) == [[500000], [300000], [200000]]
    assert limits(result) == [["none"], ["public_ceiling"], ["need"]]
    assert result.ceilings == [800000]
    assert result.public_total == [800000]


def test_public_ceiling_binding_a_share_group():
    # need 10 000, ceiling 40 % = 4 000; group P1 (public, w1), P2 (public, w1, cap
    # 1 500), Q (private, w2). Water-filling the whole group first:
    #   weights 1/1/2 on 10 000: 2 500, 2 500, 5 000 -> P2 over its cap: P2 = 1 500;
    #   8 500 by 1/2: P1 2 833.33, Q 5 666.67 -> public 4 333.33 > 4 000.
    # So 4 000 is water-filled among the public members alone: 2 000 each -> P2
    # capped at 1 500, P1 2 500 (public ceiling); Q takes the rest: 6 000 (need).
    result = allocate([1000000], [
        Request("P1", "share", public=True),
        Request("P2", "share", public=True, caps=[150000]),
        Request("Q", "share", weight=2),
    ], Decimal("0.4"))
    assert amounts(result) == [[250000], [150000], [600000]]
    assert limits(result) == [["public_ceiling"], ["cap"], ["need"]]
    assert result.unfunded == [0]


def test_per_fte_entitlement_comes_first_is_never_limited_and_makes_a_surplus():
    # entitlement 12 000 on a need of 10 000, whatever its priority; the other
    # funder finds nothing left; the public ceiling of 50 % does not cut it.
    result = allocate([1000000], [
        Request("Commune", "fixed", public=True, asks=[100000], priority=1),
        Request("ASP", "per_fte", public=True, asks=[1200000], priority=500),
    ], Decimal("0.5"))
    assert amounts(result) == [[0], [1200000]]
    assert limits(result) == [["need"], ["none"]]
    assert result.unfunded == [0]
    assert result.public_total == [1200000]


def test_water_fill_gives_exact_cents():
    assert water_fill(100, [1, 1, 1], [None] * 3) == ([34, 33, 33], [False] * 3)
    assert water_fill(0, [1, 1], [0, None]) == ([0, 0], [False, False])


def test_engine_per_fte_staff_starting_in_month_9_of_a_plan_starting_in_month_7():
    # plan from July (6 months in year 1), insertion staff from September: 4 months.
    # fte_years(1) = 2 × 4/12; at 1 000 € per FTE: 666.67 €; year 2: 2 × 1 000.
    plan = plan_of(case_with(
        project={"start_month": 7},
        staff=[{"role": "CDDI", "kind": "insertion", "contract": "ACI", "fte": 2,
                "monthly_gross": 1800, "employer_rate": 0.1, "start_month": 9}],
        funder=[{"name": "ASP", "type": "public", "line": "asp", "rule": "per_fte",
                 "amount_per_fte": 1000, "staff_kind": "insertion", "contract": "ACI"}]))
    assert plan.funder_results[0].amounts == (cents("666.67"), cents(2000))


def test_engine_share_of_a_custom_need_in_equal_parts():
    # 7 650 in four equal shares: 1 912.50 each, adding up exactly.
    funders = [{"name": f"F{i}", "type": "public", "finances": "etude", "rule": "share"}
               for i in range(4)]
    plan = plan_of(case_with(need=[{"id": "etude", "label": "Étude",
                                    "amount": [7650, 0]}], funder=funders))
    assert [f.amounts[0] for f in plan.funder_results] == [cents("1912.50")] * 4


def test_engine_fixed_cut_raises_the_fixed_honoured_warning_only():
    plan = plan_of(case_with(
        expense=[{"label": "Loyer", "account": "613", "amount": 1000}],
        funder=[{"name": "Commune", "type": "public", "line": "commune", "rule": "fixed",
                 "amount": 1500}]))
    check = next(c for c in plan.check_results if c.id == "fixed_honoured")
    assert (check.ok, check.severity) == (False, "warning")
    assert check.message == ("Montant fixe réduit au besoin restant : « Commune » : "
                             "1 000 € sur 1 500 € proposés en 2027 ; « Commune » : "
                             "1 000 € sur 1 500 € proposés en 2028.")
    assert not check.fails  # a warning does not fail the plan


def test_engine_caps_check_fails_when_an_entitlement_exceeds_a_cap():
    plan = plan_of(case_with(
        staff=[{"role": "CDDI", "kind": "insertion", "fte": 1, "monthly_gross": 1000,
                "employer_rate": 0}],
        funder=[{"name": "ASP", "type": "public", "rule": "per_fte", "amount_per_fte": 5000,
                 "staff_kind": "insertion", "cap": 4000}]))
    check = next(c for c in plan.check_results if c.id == "caps")
    assert not check.ok
    assert "« ASP » verse 5 000 € en 2027, au-delà de son plafond annuel de 4 000 €" in (
        check.message)


def test_a_per_fte_surplus_is_explained_wherever_warnings_are_shown(tmp_path):
    # 1 insertion FTE at 1 000 € a month, no charges: the need is 12 000 € a year; the
    # aid of 20 000 € per FTE comes first and exceeds it by 8 000 €; the Département's
    # fixed 5 000 € finds nothing left (0 €) and the budget shows an 8 000 € excédent
    import json

    from click.testing import CliRunner

    import finplan
    from finplan.cli import main
    from finplan.io.toml_case import case_to_toml
    from finplan.io.workbook_write import build_workbook

    raw = case_with(
        staff=[{"role": "CDDI", "kind": "insertion", "fte": 1, "monthly_gross": 1000,
                "employer_rate": 0}],
        funder=[{"name": "ASP", "type": "public", "rule": "per_fte", "amount_per_fte": 20000,
                 "staff_kind": "insertion"},
                {"name": "Département", "type": "public", "rule": "fixed", "amount": 5000}])
    plan = plan_of(raw)
    assert [f.amounts for f in plan.funder_results] == [(cents(20000),) * 2, (0, 0)]
    assert plan.budget_surplus == [cents(8000)] * 2
    expected = ("Besoin « Fonctionnement (déficit d'exploitation) » : les aides par ETP "
                "(ASP) dépassent à elles seules ce besoin, d'où un excédent de 8 000 € en "
                "2027, 8 000 € en 2028. Elles sont versées en premier et selon les postes, "
                "pas selon le déficit : les autres financeurs de ce besoin (Département) "
                "n'ont rien à couvrir et le budget présente un excédent. Si un financeur "
                "paie des lignes précises (un poste, une charge) quel que soit le déficit, "
                "faites-lui financer un besoin particulier qui couvre ces lignes.")
    assert plan.warnings == (expected,)
    # the same words in the JSON result, the CLI's French tables and Contrôles
    assert json.loads(plan.to_json())["warnings"] == [expected]
    case_file = tmp_path / "cas.toml"
    case_file.write_text(case_to_toml(finplan.load_case(raw)), "utf-8")
    assert f"Avertissement : {expected}" in CliRunner().invoke(main, ["plan", str(case_file)]
                                                              ).output
    controls = build_workbook(finplan.load_case(raw)).workbook["Contrôles"]
    assert any(cell.value == f"Avertissement : {expected}"
               for row in controls.iter_rows() for cell in row)
