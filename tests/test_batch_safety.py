"""finplan batch never loses a file: existing files, names that collide, bad outputs.

Each test reproduces a way the batch used to overwrite or crash (issue 11), then
checks the file is byte for byte what it was.
"""

import json
import os
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import finplan
from finplan.batch import run_batch
from finplan.cli import main
from finplan.errors import FinplanError
from finplan.io.workbook_write import build_workbook

SMALL_CASE = ('format = "finplan/1"\n[project]\nname = "Essai"\n'
              'organisation = "Association d\'essai"\nfirst_year = 2027\nyears = 2\n')


# the lock file each spreadsheet program puts beside a workbook it has open (issue 29:
# LibreOffice's too)
OPEN_IN = [("~$", "", "Excel"), (".~lock.", "#", "LibreOffice")]


def _cases(folder: Path, *names: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(SMALL_CASE, "utf-8")
    return folder


def _volunteer_workbook(path: Path) -> bytes:
    """A filled workbook with a sheet of the volunteer's own, saved at ``path``."""
    book = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    book.create_sheet("Mes notes")["A1"] = "Rendez-vous avec la Région le 12 mars"
    book.save(path)
    return path.read_bytes()


def name_key(name: str) -> str:
    """How Windows and macOS compare names, near enough: case folded, NFC."""
    return unicodedata.normalize("NFC", name).casefold()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def _batch(*args: str):
    return CliRunner().invoke(main, ["batch", *args])


def test_an_existing_workbook_is_left_alone_and_its_case_gets_an_error_row(tmp_path):
    folder = _cases(tmp_path / "dossiers", "plan.toml", "autre.toml")
    output = tmp_path / "sorties"
    output.mkdir()
    before = _volunteer_workbook(output / "plan.xlsx")
    result = _batch(str(folder), "-o", str(output))
    assert result.exit_code == 2, result.output
    assert (output / "plan.xlsx").read_bytes() == before
    assert "plan.xlsx existe déjà" in result.output and "--force" in result.output
    rows = {row["cas"]: row for row in json.loads(
        (output / "synthese.json").read_text("utf-8"))["cases"]}
    assert "ne remplace pas un fichier qu'il n'a pas créé" in rows["plan"]["erreurs"]
    assert rows["plan"]["classeur"] == ""
    assert rows["autre"]["erreurs"] == "" and (output / "autre.xlsx").exists()


def test_force_replaces_an_existing_workbook_and_keeps_it_as_a_backup(tmp_path):
    folder = _cases(tmp_path / "dossiers", "plan.toml")
    output = tmp_path / "sorties"
    output.mkdir()
    before = _volunteer_workbook(output / "plan.xlsx")
    result = _batch(str(folder), "-o", str(output), "--force")
    assert result.exit_code in (0, 1), result.output
    assert (output / "plan.bak.xlsx").read_bytes() == before
    assert "Mes notes" not in load_workbook(output / "plan.xlsx").sheetnames
    row = json.loads((output / "synthese.json").read_text("utf-8"))["cases"][0]
    assert row["classeur"] == "plan.xlsx" and row["ancienne_version"] == "plan.bak.xlsx"
    assert not [p for p in output.iterdir() if p.name.startswith(".~finplan")]


@pytest.mark.parametrize("before_name, after_name, program", OPEN_IN)
def test_a_workbook_open_in_excel_is_refused_even_with_force(tmp_path, before_name,
                                                             after_name, program):
    folder = _cases(tmp_path / "dossiers", "plan.toml")
    output = tmp_path / "sorties"
    output.mkdir()
    before = _volunteer_workbook(output / "plan.xlsx")
    (output / f"{before_name}plan.xlsx{after_name}").write_bytes(b"owner")
    result = run_batch(folder, output, progress=False, force=True)
    assert f"semble ouvert dans {program}" in result.rows[0]["erreurs"]
    assert result.exit_code == 2
    assert (output / "plan.xlsx").read_bytes() == before
    assert not (output / "plan.bak.xlsx").exists()


def test_an_existing_file_named_in_another_case_is_the_same_file(tmp_path):
    """On a case-sensitive disk too: Windows would see one file."""
    folder = _cases(tmp_path / "dossiers", "plan.toml")
    output = tmp_path / "sorties"
    output.mkdir()
    before = _volunteer_workbook(output / "PLAN.xlsx")
    result = run_batch(folder, output, progress=False)
    assert "PLAN.xlsx existe déjà" in result.rows[0]["erreurs"]
    assert _snapshot(output)["PLAN.xlsx"] == before and not (output / "plan.xlsx").exists()
    forced = run_batch(folder, output, progress=False, force=True)
    assert forced.rows[0]["classeur"] == "PLAN.xlsx"  # replaced, not doubled
    assert (output / "PLAN.bak.xlsx").read_bytes() == before
    assert not (output / "plan.xlsx").exists()


def test_a_summary_left_by_an_earlier_run_stops_the_batch_before_anything_is_written(
        tmp_path):
    folder = _cases(tmp_path / "dossiers", "plan.toml")
    output = tmp_path / "sorties"
    assert _batch(str(folder), "-o", str(output)).exit_code in (0, 1)
    _cases(folder, "nouveau.toml")
    before = _snapshot(output)
    again = _batch(str(folder), "-o", str(output))
    assert again.exit_code == 2
    assert "synthese.xlsx existe déjà" in again.output and "Rien n'a été écrit" in again.output
    assert _snapshot(output) == before
    forced = _batch(str(folder), "-o", str(output), "--force")
    assert forced.exit_code in (0, 1), forced.output
    assert (output / "synthese.bak.xlsx").read_bytes() == before["synthese.xlsx"]
    assert (output / "synthese.bak.json").read_bytes() == before["synthese.json"]
    assert (output / "plan.bak.xlsx").read_bytes() == before["plan.xlsx"]
    assert (output / "nouveau.xlsx").exists()


@pytest.mark.parametrize("before_name, after_name, program", OPEN_IN)
def test_a_summary_open_in_excel_stops_the_batch_even_with_force(tmp_path, before_name,
                                                                 after_name, program):
    folder = _cases(tmp_path / "dossiers", "plan.toml")
    output = tmp_path / "sorties"
    output.mkdir()
    lock = f"{before_name}synthese.xlsx{after_name}"
    (output / lock).write_bytes(b"owner")
    result = _batch(str(folder), "-o", str(output), "--force")
    assert result.exit_code == 2 and f"ouvert dans {program}" in result.output
    assert sorted(p.name for p in output.iterdir()) == [lock]


def test_a_case_named_like_the_summary_keeps_its_name_free_of_the_summary(tmp_path):
    folder = _cases(tmp_path / "dossiers", "synthese.toml", "Synthese.TOML", "plan.toml")
    output = tmp_path / "sorties"
    result = run_batch(folder, output, progress=False)
    rows = {row["fichier"]: row for row in result.rows}
    for name in ("synthese.toml", "Synthese.TOML"):
        assert "le nom de la synthèse du lot" in rows[name]["erreurs"]
        assert rows[name]["classeur"] == ""
    assert load_workbook(output / "synthese.xlsx").sheetnames == ["Synthèse"]
    assert sorted(p.name for p in output.iterdir()) == ["plan.xlsx", "synthese.json",
                                                       "synthese.xlsx"]
    assert result.exit_code == 2


def test_names_a_windows_or_mac_disk_confuses_never_share_a_workbook(tmp_path):
    nfc, nfd = (unicodedata.normalize(form, "été") for form in ("NFC", "NFD"))
    folder = _cases(tmp_path / "dossiers", "A.toml", "a.TOML", f"{nfc}.toml",
                    f"{nfd}.toml", "b.Toml")
    output = tmp_path / "sorties"
    result = run_batch(folder, output, progress=False)
    rows = {unicodedata.normalize("NFC", row["fichier"]) + str(index): row
            for index, row in enumerate(result.rows)}
    assert len(result.rows) == 5  # .TOML and .Toml are case files too
    errors = [row for row in result.rows if row["erreurs"]]
    assert len(errors) == 2, rows
    for row in errors:
        assert "renommez ce fichier" in row["erreurs"] and row["classeur"] == ""
    written = [p.name for p in output.iterdir() if p.suffix == ".xlsx"]
    keys = [name_key(name) for name in written]
    assert len(keys) == len(set(keys)) == 4  # a, été, b and the summary
    assert result.exit_code == 2


def test_with_force_a_case_never_takes_the_name_of_a_backup(tmp_path):
    folder = _cases(tmp_path / "dossiers", "plan.toml", "plan.bak.toml")
    output = tmp_path / "sorties"
    output.mkdir()
    before = _volunteer_workbook(output / "plan.xlsx")
    result = run_batch(folder, output, progress=False, force=True)
    rows = {row["fichier"]: row for row in result.rows}
    assert "le nom de la sauvegarde de plan.xlsx" in rows["plan.bak.toml"]["erreurs"]
    assert (output / "plan.bak.xlsx").read_bytes() == before


def test_upper_case_toml_files_are_case_files(tmp_path):
    folder = _cases(tmp_path / "dossiers", "UN.TOML", "deux.Toml")
    result = run_batch(folder, tmp_path / "sorties", progress=False)
    assert sorted(row["fichier"] for row in result.rows) == ["UN.TOML", "deux.Toml"]
    assert (tmp_path / "sorties" / "UN.xlsx").exists()


def test_an_output_that_is_a_file_is_refused_in_french(tmp_path):
    folder = _cases(tmp_path / "dossiers", "plan.toml")
    target = tmp_path / "notes.txt"
    target.write_text("mes notes", "utf-8")
    result = _batch(str(folder), "-o", str(target))
    assert result.exit_code == 2, result.output
    assert "est un fichier, pas un dossier" in result.output
    assert "Erreur interne" not in result.output
    assert target.read_text("utf-8") == "mes notes"
    under = _batch(str(folder), "-o", str(target / "sorties"))
    assert under.exit_code == 2 and "ne peut pas être créé" in under.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossiers", "notes.txt"]


def test_a_read_only_output_folder_is_refused_before_anything_is_written(tmp_path,
                                                                         monkeypatch):
    folder = _cases(tmp_path / "dossiers", "plan.toml")
    output = tmp_path / "sorties"
    output.mkdir()
    real_access = os.access
    # the tests run as root, who may write anything: the permission is simulated
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == output
                        else real_access(path, mode))
    with pytest.raises(FinplanError, match="est en lecture seule"):
        run_batch(folder, output, progress=False)
    assert list(output.iterdir()) == []


def test_names_windows_reserves_get_an_error_row(tmp_path):
    # found by a hostile round: CON.xlsx, aux.xlsx… cannot exist on Windows
    import shutil

    import finplan
    from finplan.batch import run_batch

    cases = tmp_path / "cas"
    cases.mkdir()
    for name in ("CON.toml", "aux.toml", "com1.toml", "ok.toml"):
        shutil.copy(finplan.demo_path(), cases / name)
    result = run_batch(cases, tmp_path / "sorties", progress=False)
    errors = {row["fichier"]: row["erreurs"] for row in result.rows}
    assert all("Windows réserve" in errors[name] for name in ("CON.toml", "aux.toml",
                                                                 "com1.toml"))
    assert errors["ok.toml"] == ""
    assert sorted(p.name for p in (tmp_path / "sorties").iterdir()
                  if p.suffix == ".xlsx") == ["ok.xlsx", "synthese.xlsx"]
