"""finplan excel init never loses a file: --force keeps backups, refusals say why."""

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import finplan
from finplan.cli import main

FILES = ["LISEZMOI.txt", "finplan_plan.py", "finplan_plan.xlsx", "xlwings-lite/main.py",
         "xlwings-lite/requirements.txt"]


def _init(folder: Path, *args: str):
    return CliRunner().invoke(main, ["excel", "init", str(folder), *args])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in folder.rglob("*") if path.is_file()}


def _filled_folder(tmp_path: Path) -> Path:
    """A folder prepared with the example, whose workbook and notes a volunteer edited."""
    folder = tmp_path / "excel"
    assert _init(folder, "--case", str(finplan.demo_path())).exit_code == 0
    book = load_workbook(folder / "finplan_plan.xlsx")
    book.create_sheet("Mes notes")["A1"] = "Rendez-vous avec la Région le 12 mars"
    book.save(folder / "finplan_plan.xlsx")
    with open(folder / "LISEZMOI.txt", "a", encoding="utf-8") as notes:
        notes.write("\nMes remarques : appeler la mairie.\n")
    return folder


def test_force_keeps_every_replaced_file_as_a_backup(tmp_path):
    folder = _filled_folder(tmp_path)
    before = _snapshot(folder)
    result = _init(folder, "--force")
    assert result.exit_code == 0, result.output
    after = _snapshot(folder)
    backups = {"finplan_plan.xlsx": "finplan_plan.bak.xlsx",
               "finplan_plan.py": "finplan_plan.bak.py",
               "LISEZMOI.txt": "LISEZMOI.bak.txt",
               "xlwings-lite/main.py": "xlwings-lite/main.bak.py",
               "xlwings-lite/requirements.txt": "xlwings-lite/requirements.bak.txt"}
    for name, backup in backups.items():
        assert after[backup] == before[name], name
    assert sorted(after) == sorted([*FILES, *backups.values()])  # no temporary file left
    assert "Mes notes" not in load_workbook(folder / "finplan_plan.xlsx").sheetnames
    assert "ancien fichier gardé : " in result.output


def test_the_refusal_lists_the_files_and_says_what_force_would_do(tmp_path):
    folder = _filled_folder(tmp_path)
    before = _snapshot(folder)
    result = _init(folder)
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    for name in FILES:
        assert name in message
    assert "ces fichiers seraient remplacés" in message and "--force" in message
    assert "xlwings-lite/main.bak.py" in message
    assert ("votre classeur rempli finplan_plan.xlsx serait remplacé par un modèle vierge "
            "(gardé sous finplan_plan.bak.xlsx)") in message
    assert _snapshot(folder) == before


def test_a_blank_workbook_is_not_called_filled(tmp_path):
    folder = tmp_path / "excel"
    assert _init(folder).exit_code == 0
    result = _init(folder, "--case", str(finplan.demo_path()))
    assert result.exit_code == 2 and "existe déjà" in result.output
    assert "rempli" not in result.output


@pytest.mark.parametrize("lock, program", [("~$finplan_plan.xlsx", "Excel"),
                                           (".~lock.finplan_plan.xlsx#", "LibreOffice")])
def test_a_workbook_open_in_excel_is_refused_even_with_force(tmp_path, lock, program):
    folder = _filled_folder(tmp_path)
    (folder / lock).write_bytes(b"owner")
    before = _snapshot(folder)
    result = _init(folder, "--force")
    assert result.exit_code == 2 and f"ouvert dans {program}" in result.output
    assert _snapshot(folder) == before


def test_a_read_only_file_stops_force_before_anything_is_written(tmp_path, monkeypatch):
    folder = _filled_folder(tmp_path)
    before = _snapshot(folder)
    locked = folder / "xlwings-lite" / "requirements.txt"
    real_access = os.access
    # the tests run as root, who may write anything: the permission is simulated
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == locked
                        else real_access(path, mode))
    result = _init(folder, "--force")
    assert result.exit_code == 2 and "est en lecture seule" in result.output
    assert _snapshot(folder) == before


def test_a_folder_that_is_a_file_is_a_french_error(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("mes notes", "utf-8")
    result = _init(target)
    assert result.exit_code == 2 and "est un fichier, pas un dossier" in result.output
    assert target.read_text("utf-8") == "mes notes"


def test_force_twice_never_replaces_the_backup_of_a_filled_workbook_by_a_blank_one(
        tmp_path):
    folder = _filled_folder(tmp_path)
    filled = (folder / "finplan_plan.xlsx").read_bytes()
    assert _init(folder, "--force").exit_code == 0
    before = _snapshot(folder)
    again = _init(folder, "--force")
    assert again.exit_code == 2 and "garde un classeur rempli" in again.output
    assert _snapshot(folder) == before and before["finplan_plan.bak.xlsx"] == filled


def test_the_worksheet_functions_come_from_a_module_that_survives_a_rename(tmp_path):
    import importlib

    folder = tmp_path / "excel"
    assert _init(folder).exit_code == 0
    renamed = folder / "Plan eau 2027 (2).xlsx"
    (folder / "finplan_plan.xlsx").rename(renamed)
    (folder / "finplan_plan.py").unlink()  # a copy sent alone by mail
    sheet = load_workbook(renamed)["xlwings.conf"]
    assert (sheet["A1"].value, sheet["B1"].value) == ("UDF Modules", "finplan.excel_desktop")
    module = importlib.import_module(sheet["B1"].value)  # installed with finplan
    assert module.FINPLAN_AIDE_POSTE("ACI", 2027) == 23921.0


def test_the_instructions_install_the_wheel_not_a_missing_package(tmp_path):
    folder = tmp_path / "excel"
    assert _init(folder).exit_code == 0
    readme = (folder / "LISEZMOI.txt").read_text("utf-8")
    module = (folder / "finplan_plan.py").read_text("utf-8")
    for text in (readme, module):
        assert "pip install finplan\n" not in text and "pip install finplan " not in text
    readme = " ".join(readme.split())  # the words, whatever the line breaks
    assert f"pip install --user finplan-{finplan.__version__}-py3-none-any.whl" in readme
    assert "py -m finplan.cli excel installer" in readme
    assert "Python 3.11 ou plus récent" in readme
    assert "onglet « finplan » du ruban, bouton « Calculer le plan »" in readme
    assert ".xlsm" in readme and "Accès approuvé au modèle d'objet du projet VBA" in readme
    assert "Microsoft 365 ou Office 2021+, macOS 13+" in readme and "Restart" in readme


def test_lite_requirements_name_the_hosted_wheel_or_the_pinned_release(tmp_path):
    url = f"https://plans.example.org/roues/finplan-{finplan.__version__}-py3-none-any.whl"
    folder = tmp_path / "hosted"
    result = _init(folder, "--wheel-url", url)
    assert result.exit_code == 0, result.output
    lines = (folder / "xlwings-lite" / "requirements.txt").read_text("utf-8").splitlines()
    requirements = [line for line in lines if line and not line.startswith("#")]
    assert requirements == [url]  # the only line micropip reads
    comments = " ".join(" ".join(line.lstrip("# ") for line in lines).split())
    assert "GARDEZ les lignes déjà présentes" in comments and "Restart" in comments
    folder = tmp_path / "pypi"
    assert _init(folder).exit_code == 0
    lines = (folder / "xlwings-lite" / "requirements.txt").read_text("utf-8").splitlines()
    assert [line for line in lines if line and not line.startswith("#")] == [
        f"finplan=={finplan.__version__}"]


def test_a_wheel_address_lite_cannot_read_is_refused_before_anything_is_written(tmp_path):
    for url in ("http://plans.example.org/finplan-0.1.0-py3-none-any.whl",
                "https://plans.example.org/finplan.zip",
                "C:\\Users\\Zoé\\finplan-0.1.0-py3-none-any.whl"):
        result = _init(tmp_path / "excel", "--wheel-url", url)
        assert result.exit_code == 2, result.output
        assert "attendu l'adresse https://" in result.output and "Rien n'a été écrit" in \
            " ".join(result.output.split())
        assert not (tmp_path / "excel").exists()


def test_the_python_the_installer_asks_for_is_that_of_pyproject():
    import tomllib

    from finplan.io.excel_install import MIN_PYTHON

    pyproject = Path(__file__).parent.parent / "pyproject.toml"
    requires = tomllib.loads(pyproject.read_text("utf-8"))["project"]["requires-python"]
    assert requires == ">=" + ".".join(map(str, MIN_PYTHON))
