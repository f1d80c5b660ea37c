"""finplan batch: a workbook per case, a summary, bad cases do not stop the rest."""

import json
import shutil
from decimal import Decimal

from click.testing import CliRunner
from openpyxl import load_workbook

import finplan
from finplan.batch import run_batch
from finplan.cli import main
from finplan.io.workbook_styles import EUROS
from finplan.model.engine import compute


def _folder(tmp_path):
    folder = tmp_path / "dossiers"
    folder.mkdir()
    for path in finplan.example_paths():
        shutil.copy(path, folder)
    (folder / "casse.toml").write_text('format = "finplan/1"\n[project]\nname = "x"\n',
                                       "utf-8")
    return folder


def test_batch_carries_on_past_bad_cases_and_summarises(tmp_path):
    result = run_batch(_folder(tmp_path), tmp_path / "sorties", progress=False)
    rows = {row["cas"]: row for row in result.rows}
    assert sorted(rows) == ["atelier-velo", "casse", "collectif-releve",
                            "epicerie-solidaire", "recyclerie-chalosse"]
    # a collective: its consolidated figures and its workbook
    collective = rows["collectif-releve"]
    assert collective["valide"] is True and collective["erreurs"] == ""
    assert collective["classeur"] == "collectif-releve.xlsx"
    assert (tmp_path / "sorties" / "collectif-releve.xlsx").exists()
    assert rows["casse"]["erreurs"].startswith("Le dossier contient 2 erreurs :")
    assert rows["casse"]["classeur"] == ""
    velo = rows["atelier-velo"]
    plan = compute(finplan.load_case(finplan.demo_path().parent / "atelier-velo.toml"))
    assert velo["valide"] is False
    assert velo["controles_en_echec"] == "cash, cash_monthly"
    assert velo["tresorerie_fin"] == plan.cash_end[-1] / 100 == -6920.0
    assert velo["besoin_relais"] == plan.monthly.bridging_need / 100
    for name in ("atelier-velo", "epicerie-solidaire", "recyclerie-chalosse"):
        assert (tmp_path / "sorties" / f"{name}.xlsx").exists()
    summary = json.loads(result.summary_json.read_text("utf-8"))
    assert [case["cas"] for case in summary["cases"]] == [row["cas"] for row in result.rows]
    sheet = load_workbook(result.summary_workbook)["Synthèse"]
    assert sheet["A1"].value == "Dossier" and sheet.max_row == 6
    # the amounts are euros, in the summary and in its sheet's cells
    assert velo["tresorerie_fin"] == Decimal("-6920.00")
    amounts = [cell for row in sheet.iter_rows(min_row=2) for cell in row
               if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)]
    assert len(amounts) == 5 * 4  # four amounts a case (0 for the case with errors)
    assert {cell.number_format for cell in amounts} == {EUROS}
    assert result.summary.loc["recyclerie-chalosse", "besoin_relais"] == 0  # its bridges
    assert result.exit_code == 2


def test_batch_in_parallel_gives_the_same_summary(tmp_path):
    folder = _folder(tmp_path)
    one = run_batch(folder, tmp_path / "un", progress=False)
    two = run_batch(folder, tmp_path / "deux", jobs=2, progress=False)
    assert one.rows == two.rows


def test_cli_batch(tmp_path):
    result = CliRunner().invoke(main, ["batch", str(_folder(tmp_path)), "-o",
                                       str(tmp_path / "sorties")])
    assert result.exit_code == 2
    assert "casse.toml : Le dossier contient 2 erreurs" in result.output
    assert "5 dossiers ; synthèse" in result.output
