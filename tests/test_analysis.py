"""Scenarios and sensitivity tables, worked out by hand."""

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import finplan
from finplan.analysis import compare, scenario_case, sensitivity
from finplan.cli import main

from helpers import case_with

BASE = case_with(project={"years": 1, "opening_cash": 1000},
                 expense=[{"label": "Loyer", "account": "613", "amount": 12000}],
                 funder=[{"name": "Commune", "type": "public", "line": "commune",
                          "rule": "fixed", "amount": 10000}])


def test_a_scenario_replaces_values_by_path_and_by_funder_name():
    raw = dict(BASE, scenario=[{"name": "Commune généreuse", "set": {
        "funder[Commune].amount": 12000, "project.opening_cash": 5000}}])
    case = finplan.load_case(raw)
    varied = scenario_case(case, case.scenarios[0])
    assert varied.funders[0].amount == 12000 and varied.project.opening_cash == 5000
    table = compare(case)
    assert list(table.columns) == ["Base", "Commune généreuse"]
    # base: 12 000 of rent, 10 000 from the commune: 2 000 unfunded, result -2 000,
    # cash 1 000 - 2 000 = -1 000; scenario: nothing unfunded, result 0, cash 5 000
    assert table.loc["Non financé (total)"].tolist() == [Decimal("2000.00"), Decimal("0.00")]
    assert table.loc["Résultat 2027"].tolist() == [Decimal("-2000.00"), Decimal("0.00")]
    assert table.loc["Trésorerie fin 2027"].tolist() == [Decimal("-1000.00"),
                                                        Decimal("5000.00")]


def test_bad_scenarios_are_reported_with_their_path():
    raw = dict(BASE, scenario=[
        {"name": "A", "set": {"funder[Région].amount": 1}},
        {"name": "B", "set": {"expense[0].amount": -5}},
        {"name": "C", "set": {"expense[3].amount": 5}},
    ])
    with pytest.raises(finplan.CaseError) as caught:
        finplan.load_case(raw)
    assert [str(issue) for issue in caught.value.issues] == [
        "scenario[0].set (« A ») : aucun élément « Région » dans funder.",
        "scenario[1].set (« B ») : dans ce scénario, expense[0].amount (« Loyer ») : attendu "
        "un nombre positif ou nul, ou une valeur par année (1 valeur), trouvé « -5 ».",
        "scenario[2].set (« C ») : expense[3] n'existe pas : la liste a 1 élément, "
        "numérotés à partir de 0.",
    ]


def test_one_way_sensitivity():
    # unfunded = rent × (1 + x) - 10 000: 10 800 - 10 000 = 800; 2 000; 13 200 - 10 000
    table = sensitivity(finplan.load_case(BASE),
                        [("expense[0].amount", Decimal("-0.1"), Decimal("0.1"))], 3,
                        "unfunded")
    assert table["unfunded"].tolist() == [Decimal(800), Decimal(2000), Decimal(3200)]
    assert list(table.index) == ["-10 %", "+0 %", "+10 %"]


def test_two_way_sensitivity():
    # unfunded = max(0, 12 000 (1 + x) - 10 000 (1 + y))
    table = sensitivity(finplan.load_case(BASE),
                        [("expense[0].amount", Decimal("-0.2"), Decimal(0)),
                         ("funder[Commune].amount", Decimal(0), Decimal("0.2"))], 2,
                        "unfunded")
    assert table.values.tolist() == [[Decimal(0), Decimal(0)],
                                     [Decimal(2000), Decimal(0)]]
    assert table.index.name == "expense[0].amount"


def test_cli_compare_and_sensitivity(tmp_path):
    path = tmp_path / "cas.toml"
    path.write_text(finplan.demo_path().read_text("utf-8") + '''
[[scenario]]
name = "Ventes prudentes"
set = { "revenue[0].quantity" = [35, 55, 70] }
''', "utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["compare", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["columns"] == ["Base", "Ventes prudentes"]
    out = tmp_path / "sens.xlsx"
    result = runner.invoke(main, ["sensitivity", str(path), "--vary",
                                  "revenue[0].quantity=-30%..+30%", "--steps", "3",
                                  "--measure", "bridging_need", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Sensibilité : Besoin de financement relais" in result.output
    sheet = load_workbook(out)["Sensibilité"]
    assert sheet["C4"].value == "bridging_need"
    assert sheet.conditional_formatting
    bad = runner.invoke(main, ["sensitivity", str(path), "--vary", "revenue[0].quantity"])
    assert bad.exit_code == 2 and "écrivez CHEMIN=-30%..+30%" in bad.output
    none = runner.invoke(main, ["compare", str(finplan.demo_path())])
    assert none.exit_code == 2 and "n'a pas de scénario" in none.output
