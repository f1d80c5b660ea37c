"""The finplan command: output, JSON and exit codes (0 ok, 1 check failed, 2 bad input)."""

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import finplan
from finplan.cli import main

EXAMPLES = Path(finplan.__file__).parent / "examples"


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_demo_prints_french_tables_its_bridges_and_what_they_cost_and_exits_0():
    result = run("demo")
    # the example's subsidies arrive late: its bridges carry the cash (exit 0)
    assert result.exit_code == 0, result.output
    assert ("Trésorerie mensuelle après les financements relais : point bas 0 € en mars "
            "2027 ; besoin de financement relais restant : 0 €.") in result.output
    assert "Financements relais (trésorerie mensuelle)" in result.output
    assert "6616 Intérêts des financements relais               0 €          23 €" in (
        result.output)
    assert "627 Frais des financements relais                   0 €         150 €" in (
        result.output)
    assert ("« Avance remboursable France Active » au plus haut : 30 000 € en février "
            "2028") in result.output
    assert ("Seul, « Avance remboursable France Active » comblerait le besoin de 35 646 € "
            "en prêtant jusqu'à 35 646 € (plafond prévu : 30 000 €)") in result.output
    assert "Le plan est équilibré : tous les contrôles sont passés." in result.output
    for heading in ("Budget prévisionnel (lignes du Cerfa 12156)",
                    "Financeurs par besoin et par année", "Plan de financement",
                    "Trésorerie en fin d'année", "Contrôles",
                    "Capacité d'autofinancement (CAF)"):
        assert heading in result.output
    assert "  État : aide au poste ACI                        66 381 €" in result.output
    assert "Avertissement : Aide au poste ACI : aucun montant connu pour 2027" in (
        result.output)


def test_plan_json_and_exit_1_when_a_check_fails():
    result = run("plan", str(EXAMPLES / "atelier-velo.toml"), "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["cash_end"] == [-7800.0, -6920.0]
    assert data["ok"] is False


def test_bad_input_exits_2_with_the_report_and_no_traceback(tmp_path):
    path = tmp_path / "cas.toml"
    path.write_text('format = "finplan/1"\n[project]\nname = "x"\norganisation = "y"\n'
                    'first_year = 2027\nstart_month = 13\n', "utf-8")
    result = run("plan", str(path))
    assert result.exit_code == 2
    assert result.output == ("Erreur : Le dossier contient 1 erreur :\n"
                             "- project.start_month : attendu un entier de 1 à 12, "
                             "trouvé « 13 ».\n")


def test_missing_file_exits_2(tmp_path):
    result = run("plan", str(tmp_path / "absent.toml"))
    assert result.exit_code == 2
    assert "Fichier introuvable" in result.output
    assert "Traceback" not in result.output


def test_demo_save_never_overwrites(tmp_path):
    target = tmp_path / "cas.toml"
    assert run("demo", "--save", str(target)).exit_code == 0
    assert "Recyclerie de Chalosse" in target.read_text("utf-8")
    target.write_text("mon travail", "utf-8")
    result = run("demo", "--save", str(target))
    assert result.exit_code == 2
    assert target.read_text("utf-8") == "mon travail"


def test_console_script_runs_the_demo_as_installed():
    completed = subprocess.run([sys.executable, "-m", "finplan.cli", "demo", "--json"],
                               capture_output=True, text=True, encoding="utf-8",
                               check=False)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["format"] == "finplan-result/1"
