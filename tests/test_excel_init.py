"""finplan excel init never loses a file: --force keeps backups, refusals say why."""

import os
from pathlib import Path

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


def test_a_workbook_open_in_excel_is_refused_even_with_force(tmp_path):
    folder = _filled_folder(tmp_path)
    (folder / "~$finplan_plan.xlsx").write_bytes(b"owner")
    before = _snapshot(folder)
    result = _init(folder, "--force")
    assert result.exit_code == 2 and "ouvert dans Excel" in result.output
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
