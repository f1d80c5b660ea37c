"""A funder's dossier (issue 16, item 2), worked by hand.

Two years from January 2027: sales 10 000 € a year; rent 12 000 € and a salary
costing 28 000 € (TOTAL DES CHARGES 40 000 €). The Région is asked twice: « Région
(ESS) » 12 000 € a year (paid as public funders are by default: 60 % in April, 40 % in
April of the next year) and « Région (emploi) » 3 000 € a year (paid in June); the
Commune 6 000 € (refused, but the plan is computed as requested); the Département takes
the rest: 40 000 − 10 000 − 15 000 − 6 000 = 9 000 € a year.

The Région's dossier: 15 000 € requested a year, 37,5 % of the charges; its payments
7 200 € in April 2027, 3 000 € in June 2027, 4 800 + 7 200 = 12 000 € in April 2028,
3 000 € in June 2028, and 4 800 € in April 2029, after the plan.
"""

from decimal import Decimal

import pytest
from click.testing import CliRunner

import finplan
from finplan.cli import main
from finplan.errors import FinplanError
from finplan.model.dossier import dossier_of
from finplan.model.engine import compute
from finplan.report import render_dossier


def case():
    return {
        "format": "finplan/1",
        "project": {"name": "Atelier", "organisation": "Asso", "first_year": 2027,
                    "years": 2, "opening_cash": 20000},
        "revenue": [{"label": "Ventes", "account": "707", "amount": [10000, 10000]}],
        "expense": [
            {"label": "Loyer", "account": "613", "amount": [12000, 12000]},
            {"label": "Salaire (coût total)", "account": "621", "amount": [28000, 28000]}],
        "funder": [
            {"name": "Région (ESS)", "type": "public", "line": "region", "rule": "fixed",
             "amount": 12000, "priority": 10},
            {"name": "Commune", "type": "public", "line": "commune", "rule": "fixed",
             "amount": 6000, "priority": 10, "status": "refuse"},
            {"name": "Région (emploi)", "type": "public", "line": "region", "rule": "fixed",
             "amount": 3000, "priority": 10, "payments": [[1, 6]]},
            {"name": "Département", "type": "public", "line": "departement",
             "rule": "residual", "priority": 50}],
    }


@pytest.fixture(scope="module")
def plan():
    return compute(finplan.load_case(case()))


def test_the_region_s_dossier_gathers_its_lines(plan):
    dossier = dossier_of(plan, " Région ")
    assert dossier.funder == "Région"
    assert [line.name for line in dossier.requests] == ["Région (ESS)", "Région (emploi)"]
    assert dossier.requested == (Decimal(15000), Decimal(15000))
    assert [str(share) for share in dossier.share] == ["37.5", "37.5"]
    assert str(dossier.share_total) == "37.5"
    assert dossier.payments == ((4, Decimal(7200)), (6, Decimal(3000)), (16, Decimal(12000)),
                                (18, Decimal(3000)))
    assert dossier.outside == Decimal(4800)


def test_the_co_funders_and_their_statuses(plan):
    dossier = dossier_of(plan, "Région (ESS)")
    assert [line.name for line in dossier.requests] == ["Région (ESS)"]
    others = {line.name: line for line in dossier.co_funders}
    assert list(others) == ["Commune", "Région (emploi)", "Département"]
    assert others["Commune"].statuses == ("refuse", "refuse")
    assert others["Commune"].requested == (Decimal(6000), Decimal(6000))
    assert others["Département"].requested == (Decimal(9000), Decimal(9000))
    assert others["Département"].statuses == ("sollicite", "sollicite")


def test_the_form_s_budget(plan):
    dossier = dossier_of(plan, "Département")
    charges = {line.label: line.amounts for line in dossier.charges}
    produits = {(line.code, line.label): line.amounts for line in dossier.produits}
    assert charges["Services extérieurs"] == (Decimal(12000), Decimal(12000))
    assert charges["Autres services extérieurs"] == (Decimal(28000), Decimal(28000))
    assert charges["TOTAL DES CHARGES"] == (Decimal(40000), Decimal(40000))
    assert produits[("74", "Subventions d'exploitation")] == (Decimal(30000), Decimal(30000))
    assert produits[("", "Région(s)")] == (Decimal(15000), Decimal(15000))
    assert produits[("", "Département(s)")] == (Decimal(9000), Decimal(9000))
    assert produits[("", "TOTAL")] == charges["TOTAL"]
    # 9 000 / 40 000
    assert [str(share) for share in dossier.share] == ["22.5", "22.5"]


def test_an_unknown_funder_is_named_with_the_funders_of_the_case(plan):
    with pytest.raises(FinplanError) as error:
        dossier_of(plan, "Fondation")
    assert "« Fondation »" in str(error.value) and "« Région (ESS) »" in str(error.value)


def test_the_text_dossier(plan):
    text = render_dossier(dossier_of(plan, "Région"), plan)
    assert text.startswith("Dossier de demande — Région\n")
    assert "37,5 %" in text and "Refusé" in text
    assert "avril 2027" in text and "hors de la période du plan" in text
    assert "Budget prévisionnel de l'action (formulaire Cerfa n° 12156*06)" in text


def test_the_command(tmp_path):
    from finplan.io.toml_case import case_to_toml

    source = tmp_path / "cas.toml"
    source.write_text(case_to_toml(finplan.load_case(case())), "utf-8")
    runner = CliRunner()
    shown = runner.invoke(main, ["dossier", str(source), "--funder", "Région"])
    assert shown.exit_code == 0 and "Dossier de demande — Région" in shown.output
    unknown = runner.invoke(main, ["dossier", str(source), "--funder", "Fondation"])
    assert unknown.exit_code == 2 and "aucun financeur ne s'appelle" in unknown.output
    target = tmp_path / "region.txt"
    written = runner.invoke(main, ["dossier", str(source), "--funder", "Région", "-o",
                                   str(target)])
    assert written.exit_code == 0 and "37,5 %" in target.read_text("utf-8")
    target.write_text("mes notes", "utf-8")
    again = runner.invoke(main, ["dossier", str(source), "--funder", "Région", "-o",
                                 str(target)])
    assert again.exit_code == 2 and target.read_text("utf-8") == "mes notes"
    forced = runner.invoke(main, ["dossier", str(source), "--funder", "Région", "-o",
                                  str(target), "--force"])
    assert forced.exit_code == 0 and "37,5 %" in target.read_text("utf-8")
    assert "mes notes" in [p.read_text("utf-8") for p in tmp_path.iterdir()
                           if p != target and p.suffix != ".toml"]


def test_the_dossier_sheet_follows_the_budget_a_reviewer_changes(tmp_path):
    """The Région's sheet, recalculated by LibreOffice: its request and share as worked
    above; the rent typed at 16 000 € instead of 12 000 € makes the year-1 charges
    44 000 € and the share 15 000 / 44 000 = 34,1 %."""
    from openpyxl import load_workbook
    from spreadsheet import convert, make_profile

    from finplan.io.workbook_layout import InputLayout
    from finplan.io.workbook_write import build_workbook, item_counts

    loaded = finplan.load_case(case())
    built = build_workbook(loaded)
    path = tmp_path / "plan.xlsx"
    built.workbook.save(path)
    assert "Dossier Région" in built.workbook.sheetnames
    edited = load_workbook(path)
    layout = InputLayout.for_counts(item_counts(loaded))
    edited["Hypothèses"][layout.cell("expense", 0, "amount")] = "16000 ; 12000"
    changed = tmp_path / "modifie.xlsx"
    edited.save(changed)
    before, after = convert([path, changed], tmp_path / "out", make_profile(tmp_path / "p"))

    def rows(path):
        sheet = load_workbook(path, data_only=True)["Dossier Région"]
        return {row[1].strip(): row[2:5] for row in sheet.iter_rows(values_only=True)
                if isinstance(row[1], str)}

    shown = rows(before)
    assert shown["Région (ESS)"] == (12000, 12000, 24000)
    assert shown["Total demandé"] == (15000, 15000, 30000)
    assert shown["Part du budget de l'action (montants demandés / total des charges)"] == (
        0.375, 0.375, 0.375)
    assert shown["avril"] == (7200, 12000, 19200)
    assert shown["TOTAL DES CHARGES"] == (40000, 40000, 80000)
    moved = rows(after)
    assert moved["TOTAL DES CHARGES"][0] == 44000
    assert moved["Part du budget de l'action (montants demandés / total des charges)"][0] == (
        0.341)


def test_the_command_gives_json(tmp_path):
    """`finplan dossier --json`: the same dossier, in euros, for a consultant's script."""
    import json

    from finplan.io.toml_case import case_to_toml

    source = tmp_path / "cas.toml"
    source.write_text(case_to_toml(finplan.load_case(case())), "utf-8")
    shown = CliRunner().invoke(main, ["dossier", str(source), "--funder", "Région", "--json"])
    assert shown.exit_code == 0, shown.output
    found = json.loads(shown.output)
    assert found["funder"] == "Région"
    assert [line["name"] for line in found["requests"]] == ["Région (ESS)", "Région (emploi)"]
    assert found["requested"] == [15000.0, 15000.0]
    assert found["share"] == [37.5, 37.5] and found["outside"] == 4800.0
    assert found["payments"][0] == {"month": 4, "amount": 7200.0}
