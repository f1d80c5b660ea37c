"""``finplan excel installer`` and the « Envoyer vers » command it writes: every
decision tested with a fake home folder, a fake platform and a fake command runner;
the command the Windows menu runs is run here on a renamed copy in a synced-looking
folder."""

from __future__ import annotations

import shlex
import subprocess
import sys

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import finplan
from finplan.cli import main
from finplan.io.excel_install import SEND_TO_NAME, install, send_to_script


class Runner:
    """Records the commands; answers with ``code``."""

    def __init__(self, code: int = 0, stderr: str = "",
                 stdout: str = "Successfully installed the xlwings add-in! ") -> None:
        self.commands: list[list[str]] = []
        self.code, self.stderr, self.stdout = code, stderr, stdout

    def __call__(self, command):
        self.commands.append(list(command))
        return subprocess.CompletedProcess(command, self.code, self.stdout, self.stderr)


WINDOWS_PYTHON = r"C:\Users\Zoé\AppData\Local\Programs\Python\Python313\python.exe"


def test_a_python_too_old_is_refused_before_anything_is_done(tmp_path):
    runner = Runner()
    done, report = install(home=tmp_path, platform="win32", executable=WINDOWS_PYTHON,
                           version=(3, 9, 7), run=runner)
    assert not done and "Python 3.9.7 est trop ancien" in report[0] and "3.11" in report[0]
    assert runner.commands == [] and list(tmp_path.iterdir()) == []


def test_on_windows_the_addin_the_interpreter_and_the_send_to_menu_are_set(tmp_path):
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"PYTHONPATH","C:\\\\projets"\n"INTERPRETER_WIN","C:\\\\vieux.exe"\n',
                    "utf-8")
    runner = Runner()
    done, report = install(home=tmp_path, platform="win32", executable=WINDOWS_PYTHON,
                           version=(3, 13, 1), run=runner)
    assert done
    assert report[0].startswith("Python 3.13.1 : bon (finplan demande Python 3.11 ou plus "
                                "récent")
    addin = tmp_path / ".xlwings" / "finplan" / "finplan.excel_desktop.xlam"
    assert runner.commands == [[WINDOWS_PYTHON, "-m", "xlwings.cli", "addin", "install"],
                               [WINDOWS_PYTHON, "-m", "xlwings.cli", "addin", "install",
                                "--file", str(addin)]]
    assert addin.is_file()
    lines = conf.read_text("utf-8").splitlines()
    assert lines == ['"PYTHONPATH","C:\\\\projets"',
                     f'"INTERPRETER_WIN","{WINDOWS_PYTHON[:-10]}pythonw.exe"']
    assert (tmp_path / ".xlwings" / "xlwings.bak.conf").read_text("utf-8").count(
        "vieux.exe") == 1, "the user's settings are kept"
    send_to = tmp_path / "AppData" / "Roaming" / "Microsoft" / "Windows" / "SendTo"
    script = (send_to / SEND_TO_NAME).read_bytes().decode("utf-8")
    assert f'"{WINDOWS_PYTHON}" -m finplan.cli fill "%~1"' in script
    assert script.startswith("@echo off\r\nchcp 65001")  # accents in the paths
    assert any("Accès approuvé au modèle d'objet du projet VBA" in line for line in report)


def test_on_a_mac_the_mac_interpreter_is_set_and_no_send_to_menu(tmp_path):
    done, _ = install(home=tmp_path, platform="darwin", executable="/usr/local/bin/python3",
                      version=(3, 12, 0), run=Runner())
    assert done
    assert (tmp_path / ".xlwings" / "xlwings.conf").read_text("utf-8") == \
        '"INTERPRETER_MAC","/usr/local/bin/python3"\n'
    assert not (tmp_path / "AppData").exists()


def test_an_addin_that_cannot_be_installed_is_said_and_nothing_else_is_written(tmp_path):
    done, report = install(home=tmp_path, platform="win32", executable=WINDOWS_PYTHON,
                           version=(3, 13, 1),
                           run=Runner(1, "PermissionError: XLSTART\n"))
    assert not done
    assert "n'a pas pu être installé (PermissionError: XLSTART)" in report[-1]
    assert "Fermez Excel" in report[-1]
    assert not (tmp_path / ".xlwings").exists()


def test_the_command_on_this_machine_says_there_is_no_desktop_excel(tmp_path, monkeypatch):
    if sys.platform.startswith("win") or sys.platform == "darwin":
        pytest.skip("this machine may have Excel: the decision is tested above")
    monkeypatch.setenv("HOME", str(tmp_path))
    result = CliRunner().invoke(main, ["excel", "installer"])
    assert result.exit_code == 2
    assert "n'a pas Excel de bureau" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_send_to_command_fills_a_renamed_copy_in_a_synced_folder(tmp_path):
    """The exact command line of the Windows menu (the .cmd's line, « %~1 » being the
    workbook Explorer gives), run here: no dependence on the workbook's name."""
    folder = tmp_path / "OneDrive - Les Paniers du Lot" / "Dossiers 2027 été"
    folder.mkdir(parents=True)
    workbook = folder / "Plan eau 2027 (2).xlsx"
    result = CliRunner().invoke(main, ["template", "-o", str(workbook)])
    assert result.exit_code == 0, result.output
    line = next(text for text in send_to_script(sys.executable).split("\r\n")
                if "finplan.cli fill" in text)
    command = shlex.split(line.replace('"%~1"', shlex.quote(str(workbook))))
    assert command[:4] == [sys.executable, "-m", "finplan.cli", "fill"]
    completed = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                               check=False)
    # a blank template: finplan fills it and says what is missing (exit 1 or 2, French)
    assert completed.returncode in (0, 1, 2), completed.stderr
    assert "Traceback" not in completed.stderr
    book = load_workbook(workbook)
    assert "Contrôles" in book.sheetnames


def test_the_send_to_command_computes_a_filled_workbook_whatever_its_name(tmp_path):
    folder = tmp_path / "SharePoint - Collectif SIAE" / "Relevés d'eau"
    folder.mkdir(parents=True)
    workbook = folder / "finplan_plan (copie).xlsx"
    result = CliRunner().invoke(main, ["build", str(finplan.demo_path()), "-o",
                                       str(workbook)])
    assert result.exit_code in (0, 1), result.output
    before = workbook.read_bytes()
    line = next(text for text in send_to_script(sys.executable).split("\r\n")
                if "finplan.cli fill" in text)
    command = shlex.split(line.replace('"%~1"', shlex.quote(str(workbook))))
    completed = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                               check=False)
    assert completed.returncode in (0, 1), completed.stderr
    assert workbook.read_bytes() != before  # computed again, in place
    assert "Classeur" in completed.stdout or "classeur" in completed.stdout


def test_xlwings_reporting_a_failure_with_exit_code_0_is_a_failure(tmp_path):
    """xlwings' « addin install » prints its errors but still exits with 0 (it catches
    them): only its success line counts."""
    runner = Runner(0, "", stdout="Error: Failed to install the add-in: If Excel is "
                    "running, quit Excel and try again.\n")
    done, report = install(home=tmp_path, platform="win32", executable=WINDOWS_PYTHON,
                           version=(3, 13, 1), run=runner)
    assert not done and len(runner.commands) == 1
    assert "n'a pas pu être installé (Error: Failed to install the add-in" in report[-1]
    assert not (tmp_path / ".xlwings").exists()


def test_the_xlwings_command_the_installer_runs_exists(tmp_path):
    """The installer calls xlwings' CLI through the interpreter (its « xlwings » script
    may not be on the PATH after « pip install --user »): that module must run."""
    runner = Runner()
    install(home=tmp_path, platform="win32", executable=sys.executable,
            version=(3, 13, 1), run=runner)
    for command in runner.commands:
        assert command[:4] == [sys.executable, "-m", "xlwings.cli", "addin"]
        helped = subprocess.run([*command[:3], "addin", "install", "--help"],
                                capture_output=True, text=True, check=False)
        assert helped.returncode == 0, helped.stderr
        assert "--file" in helped.stdout
