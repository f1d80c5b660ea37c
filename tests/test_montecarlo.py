"""Monte Carlo: settings, draws, compute_draws pinned to compute, outputs."""

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from spreadsheet import convert, is_error, make_profile

import finplan
from finplan.cli import main
from finplan.io.toml_case import case_to_toml
from finplan.model.case_dict import case_to_dict
from finplan.model.engine import compute, compute_draws
from finplan.model.montecarlo import draw_variations
from finplan.simulation import drawn_case, montecarlo

from helpers import case_with

EXAMPLES = finplan.demo_path().parent
RENT = case_with(project={"years": 1, "opening_cash": 0},
                 expense=[{"label": "Loyer", "account": "613", "amount": 12000}],
                 funder=[{"name": "Commune", "type": "public", "line": "commune",
                          "rule": "fixed", "amount": 10000}])


def _with_montecarlo(raw, vary, draws=1000, seed=7):
    return dict(raw, montecarlo={"draws": draws, "seed": seed, "vary": vary})


def test_unfunded_rent_worked_out_by_hand():
    # rent 12 000 × (1 + x), x uniform on [-50 %, +50 %]; the commune pays 10 000:
    # unfunded = max(0, 12 000 (1 + x) - 10 000) > 0 when x > -1/6: probability 2/3.
    case = finplan.load_case(_with_montecarlo(RENT, [
        {"path": "expense[0].amount", "dist": "uniform", "low": -0.5, "high": 0.5}],
        draws=20000))
    run = montecarlo(case)
    assert run.probabilities["unfunded"] == pytest.approx(2 / 3, abs=0.01)
    xs = run.variations[0]
    # every draw, by hand: rent rounded half-up to the cent, minus 10 000 €
    rent = [int((Decimal(repr(12000 * (1 + float(x)))) * 100).quantize(
        Decimal(1), rounding=ROUND_HALF_UP)) for x in xs]
    unfunded = np.array([max(0, r - 1_000_000) for r in rent])
    assert run.internals.measures["unfunded"].tolist() == unfunded.tolist()
    # the cash: the commune pays 60 % in April (the rest after the horizon), the rent
    # goes out monthly; the result is what the commune does not cover
    assert (run.internals.measures["result"] == -unfunded).all()
    # no BFR, no investment: the year-end cash is the result, negative with the same odds
    assert run.probabilities["cash_end_negative"] == run.probabilities["unfunded"]
    assert run.result_by_year_summary.loc[2027].tolist() == run.summary.loc[
        "result"].tolist()
    # P50 is the median draw: x ≈ 0, unfunded ≈ 2 000 €; P95: x ≈ 0.45, 7 400 €
    summary = run.summary
    assert abs(summary.loc["unfunded", "P50"] - 2000) < 100
    assert abs(summary.loc["unfunded", "P95"] - 7400) < 150
    assert summary.loc["unfunded", "P50"] == (
        Decimal(repr(float(np.percentile(unfunded, 50)))).quantize(
            Decimal(1), rounding=ROUND_HALF_UP) / 100)


def test_draws_are_reproducible_with_the_seed_and_follow_their_law():
    vary = [{"path": "expense[0].amount", "dist": "triangular", "low": -0.3, "mode": 0,
             "high": 0.1},
            {"path": "funder[Commune].amount", "dist": "normal", "sd": 0.8}]
    case = finplan.load_case(_with_montecarlo(RENT, vary, draws=50000, seed=3))
    first, again = montecarlo(case), montecarlo(case)
    assert (first.variations == again.variations).all()
    assert (first.internals.measures["result"].tolist()
            == again.internals.measures["result"].tolist())
    other = montecarlo(case, seed=4)
    assert not (other.variations == first.variations).all()
    triangular, normal = first.variations
    assert triangular.min() >= -0.3 and triangular.max() <= 0.1
    assert triangular.mean() == pytest.approx((-0.3 + 0 + 0.1) / 3, abs=0.005)
    assert normal.min() >= -1  # truncated: the amount never goes negative
    assert (normal < -0.9).any()


def test_more_draws_than_one_chunk():
    case = finplan.load_case(_with_montecarlo(RENT, [
        {"path": "expense[0].amount", "dist": "uniform", "low": -0.5, "high": 0.5}]))
    run = montecarlo(case, draws=25001, seed=1)
    assert len(run.internals.measures["result"]) == 25001 == len(run.frame)
    assert run.histogram("result")["tirages"].sum() == 25001


PINNED = {
    "recyclerie": (finplan.demo_path(), [
        {"path": "revenue[0].quantity", "dist": "triangular", "low": -0.3, "mode": 0,
         "high": 0.1},
        {"path": "revenue[0].unit_price", "dist": "uniform", "low": -0.2, "high": 0.2},
        {"path": "revenue[1].amount", "dist": "uniform", "low": -0.3, "high": 0.3},
        {"path": "staff[0].fte", "dist": "uniform", "low": -0.2, "high": 0.1},
        {"path": "staff[1].monthly_gross", "dist": "uniform", "low": -0.2, "high": 0.1},
        {"path": "staff[2].employer_rate", "dist": "uniform", "low": -0.2, "high": 0.1},
        {"path": "expense[1].amount", "dist": "normal", "sd": 0.2},
        {"path": "funder[État : aide au poste ACI].amount_per_fte", "dist": "normal",
         "sd": 0.1},
        {"path": "funder[SIETOM de Chalosse].amount", "dist": "uniform", "low": -0.5,
         "high": 0.5},
        {"path": "funder[Région Nouvelle-Aquitaine (ESS)].cap_total", "dist": "uniform",
         "low": -0.5, "high": 0.2},
        {"path": "funder[Région Nouvelle-Aquitaine (investissement)].rate",
         "dist": "uniform", "low": -0.5, "high": 0.2},
        {"path": "need[0].amount", "dist": "uniform", "low": -0.5, "high": 0.5},
        {"path": "investment[0].amount", "dist": "uniform", "low": -0.2, "high": 0.3},
        {"path": "loan[0].annual_rate", "dist": "uniform", "low": -0.5, "high": 0.5},
        {"path": "loan[0].principal", "dist": "uniform", "low": -0.5, "high": 0.5},
        {"path": "project.opening_cash", "dist": "uniform", "low": -0.5, "high": 0.5},
        {"path": "working_capital.days", "dist": "uniform", "low": -0.5, "high": 0.5},
    ]),
    "epicerie": (EXAMPLES / "epicerie-solidaire.toml", [
        {"path": "revenue[0].amount", "dist": "triangular", "low": -0.4, "mode": 0,
         "high": 0.2},
        {"path": "funder[CAF des Bouches-du-Rhône].cap", "dist": "uniform", "low": -0.5,
         "high": 0.5},
        {"path": "funder[Ville de Marseille].cap_total", "dist": "uniform", "low": -0.8,
         "high": 0.5},
        {"path": "funder[Département des Bouches-du-Rhône].amount", "dist": "uniform",
         "low": -0.5, "high": 0.5},
        {"path": "investment[1].amount", "dist": "uniform", "low": -0.5, "high": 0.5},
        {"path": "staff[0].fte", "dist": "uniform", "low": -0.5, "high": 0.1},
    ]),
    "cinq-ans": (Path(__file__).parent / "cases" / "cinq-ans.toml", [
        {"path": "revenue[0].quantity", "dist": "triangular", "low": -0.4, "mode": 0,
         "high": 0.2},
        {"path": "staff[0].fte", "dist": "uniform", "low": -0.3, "high": 0.1},
        {"path": "funder[1].amount", "dist": "uniform", "low": -0.5, "high": 0.5},
        {"path": "funder[2].cap", "dist": "uniform", "low": -0.8, "high": 0.5},
        {"path": "funder[3].cap_total", "dist": "uniform", "low": -0.8, "high": 0.5},
        {"path": "loan[1].annual_rate", "dist": "uniform", "low": -0.8, "high": 0.5},
        {"path": "investment[1].amount", "dist": "uniform", "low": -0.5, "high": 0.5},
    ]),
    "atelier-velo": (EXAMPLES / "atelier-velo.toml", [
        {"path": "revenue[0].amount", "dist": "uniform", "low": -0.9, "high": 0.2},
        {"path": "expense[0].amount", "dist": "uniform", "low": -0.5, "high": 2},
    ]),
}


@pytest.mark.parametrize("name", PINNED)
def test_compute_draws_gives_compute_s_cents(name):
    path, vary = PINNED[name]
    draws = 80
    raw = _with_montecarlo(case_to_dict(finplan.load_case(path)), vary, draws, seed=11)
    case = finplan.load_case(raw)
    xs = draw_variations(case.montecarlo.vary, draws, 11)
    outcomes = compute_draws(case, xs)
    names = [funder.name for funder in case.funders]
    for draw in range(draws):
        plan = compute(drawn_case(case, raw, xs[:, draw]))
        assert outcomes.result[draw].tolist() == plan.result, draw
        assert outcomes.cash_end[draw].tolist() == plan.cash_end, draw
        assert outcomes.balances[draw].tolist() == plan.monthly.balances, draw
        assert int(outcomes.bridging_need[draw]) == plan.monthly.bridging_need
        for need in plan.need_results:
            assert outcomes.unfunded[need.need.id][draw].tolist() == list(need.unfunded)
            for funding in need.funding:
                key = (need.need.id, names.index(funding.name))
                assert outcomes.funding[key][draw].tolist() == list(funding.amounts), (
                    draw, funding.name)


def test_without_variation_the_evaluation_is_the_plan():
    for path in [*EXAMPLES.glob("*.toml"), Path(__file__).parent / "cases" / "cinq-ans.toml"]:
        case = finplan.load_case(path)
        plan = compute(case)
        outcomes = compute_draws(case, np.zeros((0, 1)))
        assert outcomes.result[0].tolist() == plan.result
        assert outcomes.balances[0].tolist() == plan.monthly.balances


def test_montecarlo_settings_are_validated_with_their_path():
    raw = _with_montecarlo(RENT, [
        {"path": "expense[0].label", "dist": "uniform", "low": -0.1, "high": 0.1},
        {"path": "expense[4].amount", "dist": "uniform", "low": -0.1, "high": 0.1},
        {"path": "expense[0].amount", "dist": "gaussienne", "sd": 0.1},
        {"path": "funder[Commune].amount", "dist": "uniform", "low": 0.2, "high": 0.1},
        {"path": "funder[Commune].cap", "dist": "normal", "sd": 0.1},
        {"path": "expense[Loyer].amount", "dist": "normal", "sd": 0.1, "low": -1},
        {"path": "expense[0].amount", "dist": "triangular", "low": -0.3, "high": 0.1},
    ], draws=0)
    with pytest.raises(finplan.CaseError) as caught:
        finplan.load_case(raw)
    messages = [str(issue) for issue in caught.value.issues]
    assert messages[0] == ("montecarlo.draws : attendu un entier de 1 à 100000, "
                           "trouvé « 0 ».")
    assert messages[1].startswith("montecarlo.vary[0].path (« expense[0].label ») : "
                                  "« expense[0].label » ne peut pas varier")
    assert messages[2] == ("montecarlo.vary[1].path (« expense[4].amount ») : expense[4] "
                           "n'existe pas : la liste a 1 élément, numérotés à partir "
                           "de 0.")
    assert messages[3].startswith("montecarlo.vary[2].dist (« expense[0].amount ») : "
                                  "attendu l'une des valeurs « uniform », « triangular » "
                                  "ou « normal »")
    assert messages[4] == ("montecarlo.vary[3] (« funder[Commune].amount ») : bornes dans "
                           "le désordre (low = 0.2, high = 0.1) ; il faut low ≤ high.")
    assert messages[5] == ("montecarlo.vary[4].path (« funder[Commune].cap ») : "
                           "« funder[Commune].cap » : cet élément n'a pas de valeur « cap » "
                           "à faire varier.")
    assert messages[6] == ("montecarlo.vary[5].path (« expense[Loyer].amount ») : cette "
                           "valeur varie déjà dans une autre ligne ; gardez une seule ligne "
                           "par valeur.")
    assert messages[7].startswith("montecarlo.vary[5].low (« expense[Loyer].amount ») : "
                                  "« low » ne s'applique pas à la loi « normal »")
    assert messages[8].startswith("montecarlo.vary[6].path (« expense[0].amount ») : "
                                  "cette valeur varie déjà")
    assert messages[9] == ("montecarlo.vary[6].mode (« expense[0].amount ») : attendu une "
                           "variation relative entre -1 et 10 (-0.3 pour -30 %), trouvé "
                           "rien (clé absente).")
    assert len(messages) == 10


def test_settings_survive_a_round_trip_through_a_case_file():
    case = finplan.load_case(_with_montecarlo(RENT, [
        {"path": "funder[Commune].amount", "dist": "triangulaire", "low": -0.3, "mode": 0,
         "high": 0.1}], draws=500, seed=9))
    text = case_to_toml(case)
    assert 'dist = "triangular"' in text and "seed = 9" in text
    from finplan.io.toml_case import parse_case_text

    assert finplan.load_case(parse_case_text(text)) == case


@pytest.fixture(scope="module")
def demo_with_montecarlo(tmp_path_factory):
    raw = _with_montecarlo(case_to_dict(finplan.load_case(finplan.demo_path())), [
        {"path": "revenue[0].quantity", "dist": "triangular", "low": -0.3, "mode": 0,
         "high": 0.1},
        {"path": "funder[Région Nouvelle-Aquitaine (ESS)].cap_total", "dist": "uniform",
         "low": -0.5, "high": 0.2},
        {"path": "expense[1].amount", "dist": "normal", "sd": 0.15},
    ], draws=400, seed=42)
    path = tmp_path_factory.mktemp("montecarlo") / "recyclerie-mc.toml"
    path.write_text(case_to_toml(finplan.load_case(raw)), "utf-8")
    return path


def test_cli_prints_probabilities_percentiles_and_a_histogram(demo_with_montecarlo):
    result = CliRunner().invoke(main, ["montecarlo", str(demo_with_montecarlo)])
    assert result.exit_code == 0, result.output
    assert "Monte Carlo : 400 tirages, graine 42" in result.output
    negative = montecarlo(finplan.load_case(demo_with_montecarlo)).probabilities[
        "cash_negative"]
    shown = f"{Decimal(repr(negative * 100)).quantize(Decimal('0.1')):f}".rstrip("0")
    shown = shown.rstrip(".").replace(".", ",")
    assert 0 < negative < 1  # the example's bridges fall short in some draws
    assert f"Probabilité d'une trésorerie négative en fin de mois : {shown} %" in (
        result.output)
    assert "ne suffisent pas : " in result.output
    assert "Histogramme : Résultat cumulé sur le plan" in result.output
    assert "█" in result.output
    again = CliRunner().invoke(main, ["montecarlo", str(demo_with_montecarlo), "--json",
                                      "--draws", "300", "--seed", "5"])
    data = json.loads(again.output)
    assert data["format"] == "finplan-montecarlo/1" and data["draws"] == 300
    assert data["seed"] == 5
    run = montecarlo(finplan.load_case(demo_with_montecarlo), draws=300, seed=5)
    assert data["percentiles"]["bridging_need"]["P95"] == float(
        run.summary.loc["bridging_need", "P95"])
    assert sum(row["draws"] for row in data["histograms"]["result"]) == 300


def test_cli_without_montecarlo_section_says_what_to_add(tmp_path):
    result = CliRunner().invoke(main, ["montecarlo", str(EXAMPLES / "atelier-velo.toml")])
    assert result.exit_code == 2
    assert "n'a pas de section [montecarlo]" in result.output
    assert "Traceback" not in result.output


def test_workbook_formulas_recalculated_give_the_same_figures(demo_with_montecarlo,
                                                              tmp_path):
    output = tmp_path / "mc.xlsx"
    result = CliRunner().invoke(main, ["montecarlo", str(demo_with_montecarlo), "-o",
                                       str(output)])
    assert result.exit_code == 0, result.output
    source = load_workbook(output)
    assert source.sheetnames == ["Monte Carlo", "Tirages"]
    summary = source["Monte Carlo"]
    assert len(summary._charts) == 4
    formulas = [cell.value for row in summary.iter_rows() for cell in row
                if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert any("PERCENTILE(" in formula for formula in formulas)
    assert any("COUNTIFS(" in formula for formula in formulas)
    (converted,) = convert([output], tmp_path / "recalculated", make_profile(
        tmp_path / "profile"))
    values = load_workbook(converted, data_only=True)["Monte Carlo"]
    run = montecarlo(finplan.load_case(demo_with_montecarlo))
    cells = {str(row[1].value): [cell.value for cell in row[2:7]]
             for row in values.iter_rows() if row[1].value}
    for value in (v for row in cells.values() for v in row):
        assert not is_error(value)
    from finplan.simulation import MEASURES, PROBABILITIES

    summary_frame = run.summary
    for measure, label in MEASURES.items():
        got = cells[label][:4]
        want = [float(summary_frame.loc[measure, c]) for c in summary_frame.columns]
        assert got == pytest.approx(want, abs=0.005), measure
    for key, label in PROBABILITIES.items():
        assert cells[label][0] == pytest.approx(run.probabilities[key])
    rows = [row for row in values.iter_rows(values_only=True)
            if isinstance(row[4], (int, float)) and row[1] and " à " in str(row[1])]
    counts = [row[4] for row in rows]
    expected = [count for measure in MEASURES
                for count in run.histogram(measure, bins=20)["tirages"].tolist()]
    assert counts == expected and sum(counts) == 4 * 400


def test_settings_round_trip_through_the_workbook(tmp_path):
    from finplan.io.workbook_read import open_workbook, read_workbook_case
    from finplan.io.workbook_write import build_workbook

    raw = _with_montecarlo(case_to_dict(finplan.load_case(finplan.demo_path())), [
        {"path": "revenue[0].quantity", "dist": "triangular", "low": -0.3, "mode": 0,
         "high": 0.1},
        {"path": "staff[0].fte", "dist": "normal", "sd": 0.05}], draws=2500, seed=12)
    case = finplan.load_case(raw)
    target = tmp_path / "plan.xlsx"
    build_workbook(case).workbook.save(target)
    assert read_workbook_case(open_workbook(target)).case == case


def test_a_volunteer_types_the_settings_in_french(tmp_path):
    from finplan.io.workbook_layout import InputLayout
    from finplan.io.workbook_read import open_workbook, read_workbook_case
    from finplan.io.workbook_write import template_workbook

    book = template_workbook(finplan.load_case(RENT))
    sheet = book["Hypothèses"]
    layout = InputLayout.for_counts({"expense": 1, "funder": 1})
    sheet[book.defined_names["mc_tirages"].attr_text.split("!")[1].replace("$", "")] = 800
    row = {"path": "expense[Loyer].amount", "dist": "Triangulaire (bas, mode, haut)",
           "low": "-30 %", "mode": 0, "high": 0.1}
    for key, value in row.items():
        sheet[layout.cell("montecarlo.vary", 0, key)] = value
    sheet[layout.cell("montecarlo.vary", 1, "path")] = "expense[0].label"
    sheet[layout.cell("montecarlo.vary", 1, "dist")] = "normale"
    target = tmp_path / "plan.xlsx"
    book.save(target)
    with pytest.raises(finplan.CaseError) as caught:
        read_workbook_case(open_workbook(target))
    messages = [str(issue) for issue in caught.value.issues]
    where = layout.cell("montecarlo.vary", 1, "path")
    assert messages[0].startswith(f"Hypothèses!{where} (« expense[0].label ») : "
                                  "« expense[0].label » ne peut pas varier")
    sd_cell = layout.cell("montecarlo.vary", 1, "sd")
    assert messages[1].startswith(f"Hypothèses!{sd_cell} (« expense[0].label ») : attendu "
                                  "un écart-type relatif strictement positif")
    sheet[layout.cell("montecarlo.vary", 1, "path")] = None
    sheet[layout.cell("montecarlo.vary", 1, "dist")] = None
    book.save(target)
    case = read_workbook_case(open_workbook(target)).case
    assert case.montecarlo.draws == 800 and case.montecarlo.seed == 0
    assert case.montecarlo.vary[0].dist == "triangular"
    assert case.montecarlo.vary[0].low == Decimal("-0.3")


def test_a_workbook_from_before_monte_carlo_still_reads(tmp_path):
    from finplan.io.workbook_read import open_workbook, read_workbook_case
    from finplan.io.workbook_write import build_workbook

    case = finplan.load_case(EXAMPLES / "epicerie-solidaire.toml")
    book = build_workbook(case).workbook
    del book["Hypothèses"].tables["tbl_montecarlo"]
    del book["Hypothèses"].tables["tbl_scenarios"]
    for name in ("mc_tirages", "mc_graine"):
        cell = book.defined_names[name].attr_text.split("!")[1].replace("$", "")
        book["Hypothèses"][cell] = "ancienne cellule"  # what an older layout had there
        del book.defined_names[name]
    target = tmp_path / "ancien.xlsx"
    book.save(target)
    assert read_workbook_case(open_workbook(target)).case == case
