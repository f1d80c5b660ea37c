"""The desktop button that survives a rename, a copy and a synced folder.

``finplan excel installer`` installs a finplan add-in built from xlwings' own
ribbon add-in (``quickstart_addin_ribbon.xlam``, same version as the Python
package): its **Calculer le plan** button runs
``import finplan.excel_desktop;finplan.excel_desktop.main()`` — a module fixed by
the add-in's file name, never by the workbook's. The exact command line the
add-in's VBA (``ExecuteWindows``) builds is run here on a renamed copy in
OneDrive-like folders, with only Excel faked (xlwings' remote engine).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import finplan
from finplan.cli import main
from finplan.io import excel_install
from finplan.io.excel_install import (
    ADDIN_NAME,
    addin_module,
    addin_python_argv,
    build_addin,
)
from finplan.io.workbook_write import template_workbook

TESTS = Path(__file__).parent
WINDOWS_PYTHON = r"C:\Users\Zoé\AppData\Local\Programs\Python\Python313\pythonw.exe"

FAKE_EXCEL = '''
import atexit, os, sys
sys.path.insert(0, {tests!r})
import xlwings as xw
from openpyxl import load_workbook
from xlwings_client import apply, payload

PATH = os.environ["FINPLAN_FAKE_EXCEL"]


def caller(cls):
    """Excel, faked: the book named by --wb (as the add-in passes it), sent to the
    remote engine; the actions are played on the file when Python exits."""
    name = next(arg.split("=", 1)[1] for arg in sys.argv if arg.startswith("--wb="))
    if name != os.path.basename(PATH):
        raise SystemExit(f"--wb={{name}} is not the open workbook")
    book = xw.Book(json=payload(load_workbook(PATH), name=name))

    def save():
        workbook = load_workbook(PATH)
        apply(book.json()["actions"], workbook)
        workbook.save(PATH)
        print("ACTIONS", len(book.json()["actions"]))

    atexit.register(save)
    return book


xw.Book.caller = classmethod(caller)
'''


def _xlwings_addin() -> Path:
    import xlwings

    return Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"


def _conf_rows(path: Path) -> list[list[str]]:
    """The rows of the add-in's settings sheet (openpyxl does not open add-ins); every
    XML part must be well-formed."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(archive.read(name))
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    return [["".join(cell.itertext()) for cell in row.iter(f"{main}c")]
            for row in sheet.iter(f"{main}row")]


def test_the_module_the_addin_runs_is_fixed_by_the_addin_name():
    # the VBA: mymodule = Left(ThisWorkbook.Name, InStrRev(ThisWorkbook.Name, ".") - 1)
    assert addin_module(ADDIN_NAME) == "finplan.excel_desktop"
    # and that of the classic add-in's « Run main », for contrast: the workbook's name
    assert addin_module("Plan eau 2027 (2).xlsx") == "Plan eau 2027 (2)"


def test_the_finplan_addin_keeps_xlwings_code_and_sets_its_ribbon_and_settings(tmp_path):
    target = tmp_path / ADDIN_NAME
    build_addin(_xlwings_addin(), target, {"INTERPRETER_WIN": WINDOWS_PYTHON})
    with zipfile.ZipFile(_xlwings_addin()) as source, zipfile.ZipFile(target) as built:
        assert built.read("xl/vbaProject.bin") == source.read("xl/vbaProject.bin")
        assert sorted(built.namelist()) == sorted(source.namelist())
        ribbon = built.read("customUI/customUI.xml").decode("utf-8")
        workbook = built.read("xl/workbook.xml").decode("utf-8")
    assert 'label="finplan"' in ribbon and 'label="Calculer le plan"' in ribbon
    assert 'onAction="RibbonMyAddin.RunMain"' in ribbon
    # the add-in's own settings sheet (read by its GetConfig after the workbook's)
    assert '<sheet name="myaddin.conf"' in workbook
    assert _conf_rows(target) == [
        ["INTERPRETER_WIN", WINDOWS_PYTHON], ["ADD_WORKBOOK_TO_PYTHONPATH", "False"]]


def test_an_unknown_xlwings_addin_is_a_french_error(tmp_path):
    other = tmp_path / "autre.xlam"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(finplan.FinplanError, match="modèle de complément"):
        build_addin(other, tmp_path / ADDIN_NAME, {"INTERPRETER_WIN": "python"})
    assert not (tmp_path / ADDIN_NAME).exists()


def _run_as_the_addin(workbook: Path, fullname: str, tmp_path: Path, add_dir: str):
    """Run the add-in's exact Python command line (as cmd.exe hands it to Python) on
    ``workbook``, Excel faked; ``fullname`` is what Excel reports as its FullName."""
    fake = tmp_path / "fake_excel"
    fake.mkdir(exist_ok=True)
    (fake / "sitecustomize.py").write_text(FAKE_EXCEL.format(tests=str(TESTS)), "utf-8")
    argv = addin_python_argv(sys.executable, workbook_fullname=fullname,
                             addin_fullname=str(tmp_path / ADDIN_NAME),
                             settings={"ADD_WORKBOOK_TO_PYTHONPATH": add_dir})
    env = dict(os.environ, PYTHONPATH=str(fake), FINPLAN_FAKE_EXCEL=str(workbook),
               PYTHONIOENCODING="utf-8")
    return argv, subprocess.run(argv, capture_output=True, text=True, encoding="utf-8",
                                env=env, cwd=tmp_path, check=False)


@pytest.mark.parametrize("folder, name", [
    ("OneDrive - Les Paniers du Lot/Dossiers 2027 été", "Plan eau 2027 (2).xlsx"),
    ("SharePoint - Collectif SIAE/Relevés d'eau & énergie", "finplan_plan (2).xlsx"),
])
def test_the_button_computes_a_renamed_copy_in_a_synced_folder(tmp_path, folder, name):
    place = tmp_path / folder
    place.mkdir(parents=True)
    workbook = place / name
    # the example's hypotheses typed in a fresh template: no result yet
    template_workbook(finplan.load_case(finplan.demo_path())).save(workbook)
    assert load_workbook(workbook)["Budget"].max_row < 5
    argv, completed = _run_as_the_addin(workbook, str(workbook), tmp_path, "False")
    assert argv[4] == f"--wb={name}"
    assert argv[3].endswith("; import finplan.excel_desktop;finplan.excel_desktop.main()")
    assert completed.returncode == 0, completed.stderr
    assert "ACTIONS" in completed.stdout
    budget = load_workbook(workbook)["Budget"]
    assert budget.max_row > 10  # the plan was computed and written
    assert any(isinstance(cell.value, (int, float)) for row in budget.iter_rows()
               for cell in row)


def test_a_workbook_seen_through_its_onedrive_address_still_runs(tmp_path):
    """With AutoSave, Excel gives a synced workbook's FullName as a web address that
    xlwings cannot always map to the disk: the classic add-in (workbook folder added
    to the Python path) fails before any finplan code runs; the finplan add-in,
    which needs no workbook folder, runs."""
    workbook = tmp_path / "Plan eau 2027.xlsx"
    assert CliRunner().invoke(main, ["template", "-o", str(workbook)]).exit_code == 0
    address = "https://d.docs.live.net/4f1e2a/Documents/Association/Plan eau 2027.xlsx"
    _, classic = _run_as_the_addin(workbook, address, tmp_path, "True")
    assert classic.returncode != 0
    assert "Couldn't find your local OneDrive file" in classic.stderr
    _, finplan_addin = _run_as_the_addin(workbook, address, tmp_path, "False")
    assert finplan_addin.returncode == 0, finplan_addin.stderr
    assert "Contrôles" in load_workbook(workbook).sheetnames


def test_the_installer_builds_and_installs_the_finplan_addin(tmp_path):
    calls = []

    def run(command):
        calls.append(list(command))
        return subprocess.CompletedProcess(command, 0, "Successfully installed", "")

    done, report = excel_install.install(
        home=tmp_path, platform="win32", executable=WINDOWS_PYTHON.replace("pythonw",
                                                                           "python"),
        version=(3, 13, 1), run=run, addin_source=_xlwings_addin())
    assert done, report
    addin = tmp_path / ".xlwings" / "finplan" / ADDIN_NAME
    assert calls[1][-2:] == ["--file", str(addin)]
    assert _conf_rows(addin)[0] == ["INTERPRETER_WIN", WINDOWS_PYTHON]
    assert any("onglet « finplan »" in line and "Calculer le plan" in line
               for line in report)
