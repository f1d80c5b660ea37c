"""finplan on every platform Excel runs on: Windows, macOS, Linux.

- the commands a volunteer runs work in a Python where the Unix-only modules do not
  exist (as on Windows);
- the names finplan derives from a Windows path (backup, lock, temporary files) stay
  in the user's folder and are valid Windows names;
- folders and names with spaces, accents (composed or not, as macOS stores them),
  parentheses and dashes, as in a OneDrive folder, work for every command;
- a Windows output redirected to a file (ANSI code page) does not break the output;
- the LibreOffice tests skip only where the environment says so;
- the package: one version, and a wheel that works installed outside the repository.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
import spreadsheet
from click.testing import CliRunner

import finplan
from finplan.cli import main
from finplan.io import workbook_files
from finplan.io.workbook_files import backup_path

ROOT = Path(__file__).resolve().parent.parent

#: Modules that exist only on Unix (the Python documentation's « Unix Specific Services »
#: and « Availability: Unix » modules a program might import).
UNIX_ONLY = ("fcntl", "termios", "tty", "pty", "pwd", "grp", "resource", "syslog",
             "posix_ipc", "spwd", "nis", "crypt", "readline", "curses", "_curses")

#: Characters Windows refuses in a file name.
WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(code) for code in range(32)}

#: A volunteer's synced folder and workbook, as Windows and OneDrive name them.
ONEDRIVE_FOLDER = ("Users", "Zoé", "OneDrive - Asso Été", "Plans 2027")
WORKBOOK = "Plan eau 2027 (2) – copie.xlsx"


def _run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    """Run ``finplan ARGS`` in a new Python, as the installed command does."""
    code = "import sys; from finplan.cli import main; sys.argv[0] = 'finplan'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


# ---------------------------------------------------------------------------------------
# (a) A Python without the Unix-only modules.

def _env_without_unix_modules(tmp_path: Path) -> dict[str, str]:
    """An environment whose Python cannot import any of :data:`UNIX_ONLY`: a
    ``sitecustomize`` first on the path marks them unimportable before finplan runs."""
    hook = tmp_path / "hide-unix"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent(f"""
        import sys
        for name in {UNIX_ONLY!r}:
            sys.modules[name] = None  # "import name" now raises ImportError, as on Windows
        """), "utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(hook), str(ROOT),
                                        *filter(None, [env.get("PYTHONPATH")])])
    # any warning is an error, except filelock's note that a POSIX Python without fcntl
    # gets its soft lock (on Windows it takes msvcrt's lock: test_file_safety.py)
    env["PYTHONWARNINGS"] = "error,ignore:only soft file lock is available:UserWarning"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def test_the_hook_really_hides_the_unix_modules(tmp_path):
    env = _env_without_unix_modules(tmp_path)
    for name in ("fcntl", "pwd", "resource", "termios", "grp"):
        hidden = subprocess.run([sys.executable, "-c", f"import {name}"], env=env,
                                capture_output=True, text=True, timeout=60)
        assert hidden.returncode != 0 and "halted; None in sys.modules" in hidden.stderr, name


def test_the_volunteer_s_commands_run_without_unix_only_modules(tmp_path):
    env = _env_without_unix_modules(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    steps = [
        (["demo", "--save", "dossier.toml"], "dossier.toml"),
        (["template", "-o", "modele.xlsx"], "modele.xlsx"),
        (["build", "dossier.toml", "-o", "plan.xlsx"], "plan.xlsx"),
        (["fill", "plan.xlsx"], "plan.bak.xlsx"),
        (["case", "plan.xlsx", "-o", "relu.toml"], "relu.toml"),
    ]
    for args, made in steps:
        done = _run(args, cwd=work, env=env)
        # 1: the example's plan has a point « À revoir » (its cash), not a failure
        assert done.returncode in (0, 1), (args, done.stdout, done.stderr)
        assert "Erreur" not in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert (work / made).stat().st_size > 0, args
    assert finplan.load_case(work / "relu.toml") == finplan.load_case(work / "dossier.toml")
    # nothing left behind: no lock file, no temporary file
    assert sorted(p.name for p in work.iterdir()) == [
        "dossier.toml", "modele.xlsx", "plan.bak.xlsx", "plan.xlsx", "relu.toml"]


def test_no_finplan_module_imports_a_unix_only_module(tmp_path):
    # every module of the package, not only those the commands above load
    env = _env_without_unix_modules(tmp_path)
    code = textwrap.dedent("""
        import importlib, pkgutil, finplan
        for module in pkgutil.walk_packages(finplan.__path__, "finplan."):
            importlib.import_module(module.name)
        """)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------------------------------
# (b) Windows path rules: the names finplan derives from a user's path.

WINDOWS_TARGET = PureWindowsPath("C:/Users/Zoé/OneDrive - Asso/Plan eau 2027 (2).xlsx")


def _valid_windows_name(name: str) -> bool:
    """A file name Windows accepts: no forbidden character, no trailing dot or space,
    at most 255 characters."""
    return (not set(name) & WINDOWS_FORBIDDEN and not name.endswith((".", " "))
            and 0 < len(name) <= 255)


def test_derived_names_stay_beside_a_windows_file_and_are_valid_there():
    backup = backup_path(WINDOWS_TARGET)
    lock = workbook_files._lock_file(WINDOWS_TARGET)
    temporary = workbook_files._temporary_prefix(WINDOWS_TARGET, "new") + "abcd1234.tmp"
    assert backup == PureWindowsPath(r"C:\Users\Zoé\OneDrive - Asso\Plan eau 2027 (2).bak.xlsx")
    assert lock == PureWindowsPath(r"C:\Users\Zoé\OneDrive - Asso\.Plan eau 2027 (2).xlsx"
                                   ".finplan-lock")
    for name in (backup.name, lock.name, temporary):
        assert _valid_windows_name(name), name
    # Windows compares names without case: the backup and the lock are other files
    assert len({WINDOWS_TARGET.name.casefold(), backup.name.casefold(),
                lock.name.casefold()}) == 3


def test_derived_names_are_the_same_on_every_system():
    # the same user name gives the same backup / lock names under Windows and POSIX rules
    posix = PurePosixPath(WINDOWS_TARGET.as_posix())
    assert backup_path(posix).name == backup_path(WINDOWS_TARGET).name
    assert workbook_files._lock_file(posix).name == workbook_files._lock_file(
        WINDOWS_TARGET).name


def test_the_excel_lock_file_is_looked_for_beside_the_workbook(tmp_path):
    # Excel (Windows and macOS) writes « ~$Plan eau 2027 (2).xlsx » beside an open workbook
    folder = tmp_path.joinpath(*ONEDRIVE_FOLDER)
    folder.mkdir(parents=True)
    target = folder / "Plan eau 2027 (2).xlsx"
    target.write_bytes(b"user's")
    (folder / f"~${target.name}").write_bytes(b"")
    with pytest.raises(finplan.FinplanError, match="ouvert dans Excel"):
        workbook_files.check_writable(target)


class _WindowsOs:
    """The ``os`` module as ``workbook_files`` sees it on Windows: ``os.name == "nt"``
    (only that attribute differs; paths stay this machine's)."""

    name = "nt"

    def __getattr__(self, attribute):
        return getattr(os, attribute)


def test_a_save_under_windows_rules_does_not_open_the_folder(tmp_path, monkeypatch):
    # Windows cannot open a folder as a file: the folder flush (POSIX only) must not run
    opened: list[str] = []
    real_open = os.open

    def watching_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    windows = _WindowsOs()
    windows.open = watching_open
    monkeypatch.setattr(workbook_files, "os", windows)
    target = tmp_path / "Plan eau 2027 (2).xlsx"
    target.write_text("old", "utf-8")
    kept = workbook_files.replace_file(target, lambda tmp: Path(tmp).write_text("new", "utf-8"),
                                       backup=True)
    assert target.read_text("utf-8") == "new" and kept.read_text("utf-8") == "old"
    assert str(tmp_path) not in opened
    monkeypatch.undo()  # the same save under this machine's rules flushes the folder
    opened.clear()
    monkeypatch.setattr(workbook_files.os, "open", watching_open)
    workbook_files.replace_file(target, lambda tmp: Path(tmp).write_text("newer", "utf-8"),
                                backup=True)
    assert (str(tmp_path) in opened) == (os.name == "posix")


# ---------------------------------------------------------------------------------------
# (c) Spaces, accents, parentheses, dashes: a OneDrive-style folder, on this machine.

@pytest.mark.parametrize("form", ["NFC", "NFD"])  # NFD: accents as macOS stores them
def test_every_command_works_in_a_onedrive_style_folder(tmp_path, monkeypatch, form):
    folder = tmp_path.joinpath(*(unicodedata.normalize(form, part) for part in ONEDRIVE_FOLDER))
    folder.mkdir(parents=True)
    case = folder / unicodedata.normalize(form, "Dossier d'été (v2).toml")
    workbook = folder / unicodedata.normalize(form, WORKBOOK)
    template = folder / unicodedata.normalize(form, "Modèle vierge – 2027.xlsx")
    exported = folder / unicodedata.normalize(form, "Relu à l'écran.toml")
    runner = CliRunner()
    steps = [["demo", "--save", str(case)], ["template", "-o", str(template)],
             ["build", str(case), "-o", str(workbook)], ["fill", str(workbook)],
             ["case", str(workbook), "-o", str(exported)], ["plan", str(workbook)]]
    for args in steps:
        result = runner.invoke(main, args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "Erreur" not in result.output, result.output
    assert backup_path(workbook).exists() and template.exists()
    assert finplan.load_case(exported) == finplan.load_case(case)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (case, template, workbook, backup_path(workbook), exported))
    # and from the folder itself, with relative names, as a volunteer's shell would
    monkeypatch.chdir(folder)
    result = runner.invoke(main, ["build", case.name, "-o", workbook.name, "--force"])
    assert result.exit_code in (0, 1), result.output
    assert (folder / backup_path(Path(workbook.name)).name).exists()


# ---------------------------------------------------------------------------------------
# Windows' redirected output: the ANSI code page (cp1252) lacks finplan's table signs.

def test_an_output_redirected_to_a_file_in_the_windows_code_page_is_not_an_error(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="cp1252")
    done = subprocess.run([sys.executable, "-c", "import sys; from finplan.cli import main; "
                           "sys.argv[0] = 'finplan'; main()", "demo"], cwd=tmp_path, env=env,
                          capture_output=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    text = done.stdout.decode("utf-8")  # written in UTF-8, complete
    assert "Recyclerie de Chalosse" in text and "€" in text


# ---------------------------------------------------------------------------------------
# The LibreOffice tests: skipped only where the environment says LibreOffice is absent.

def test_a_missing_libreoffice_fails_unless_the_environment_says_skip(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv(spreadsheet.WITHOUT_LIBREOFFICE, raising=False)
    with pytest.raises(RuntimeError, match="LibreOffice"):
        spreadsheet.soffice()
    monkeypatch.setenv(spreadsheet.WITHOUT_LIBREOFFICE, "0")
    with pytest.raises(RuntimeError, match="LibreOffice"):
        spreadsheet.soffice()
    monkeypatch.setenv(spreadsheet.WITHOUT_LIBREOFFICE, "1")
    with pytest.raises(pytest.skip.Exception, match="FINPLAN_TESTS_WITHOUT_LIBREOFFICE=1"):
        spreadsheet.soffice()


def test_the_ci_workflow_runs_every_platform_without_libreoffice():
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text("utf-8")
    for runner in ("ubuntu-latest", "windows-latest", "macos-latest"):
        assert runner in workflow
    assert f"{spreadsheet.WITHOUT_LIBREOFFICE}: \"1\"" in workflow
    supported = _project()["requires-python"].removeprefix(">=3.")
    assert f'"3.{supported}"' in workflow


# ---------------------------------------------------------------------------------------
# Packaging.

def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def test_the_version_is_written_once():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "finplan.version.__version__"}
    assert importlib.metadata.version("finplan") == finplan.__version__
    assert CliRunner().invoke(main, ["--version"]).output.strip().endswith(finplan.__version__)


def test_the_metadata_says_who_can_run_it():
    project = _project()
    assert "Operating System :: Microsoft :: Windows" in project["classifiers"]
    assert "Natural Language :: French" in project["classifiers"]
    minor = int(project["requires-python"].removeprefix(">=3."))
    assert f"Programming Language :: Python :: 3.{minor}" in project["classifiers"]
    # the build tool is for the consultant, not for the volunteer's install
    assert not any(dep.startswith("build") for dep in project["dependencies"])
    assert any(dep.startswith("build") for dep in project["optional-dependencies"]["release"])


def _data_files() -> list[str]:
    """The files of the package that are not Python code (examples, rates…)."""
    return sorted(path.relative_to(ROOT).as_posix()
                  for path in (ROOT / "finplan").rglob("*")
                  if path.is_file() and path.suffix not in (".py", ".pyc")
                  and "__pycache__" not in path.parts)


def _build(out: Path) -> Path:
    """Build the wheel and sdist as the consultant does (``python -m build``); where
    the ``build`` tool is not installed, the wheel through pip (same backend)."""
    try:
        import build  # noqa: F401
        command = [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)]
    except ImportError:
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                   str(ROOT)]
    done = subprocess.run(command, cwd=out, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    return wheel


def _fresh_venv(place: Path) -> Path:
    """A new virtual environment that sees the test's dependencies (through a path
    file, which does not carry this checkout's editable finplan) but not finplan."""
    subprocess.run([sys.executable, "-m", "venv", str(place)], check=True, timeout=120)
    python = place / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip()
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    Path(site, "finplan-test-dependencies.pth").write_text("\n".join(ours) + "\n", "utf-8")
    return python


@pytest.mark.slow
def test_the_wheel_installed_outside_the_repository_runs_demo_and_template(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    wheel = _build(out)
    assert wheel.name == f"finplan-{finplan.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as package:
        names = set(package.namelist())
        metadata = package.read(f"finplan-{finplan.__version__}.dist-info/METADATA").decode()
    missing = [name for name in _data_files() if name not in names]
    assert missing == [] and "finplan/examples/recyclerie-chalosse.toml" in names
    assert f"Version: {finplan.__version__}" in metadata
    assert "Classifier: Operating System :: Microsoft :: Windows" in metadata
    for sdist in out.glob("*.tar.gz"):  # with `python -m build`: the sdist has them too
        import tarfile
        with tarfile.open(sdist) as archive:
            inside = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
        assert [name for name in _data_files() if name not in inside] == []

    python = _fresh_venv(tmp_path / "venv éco")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, timeout=120, capture_output=True)
    command = python.parent / ("finplan.exe" if os.name == "nt" else "finplan")
    work = tmp_path / "Dossier de Zoé"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(python), "-c", "import finplan; print(finplan.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv éco"), where
    for args, made in ((["demo", "--save", "exemple.toml"], "exemple.toml"),
                       (["template", "-o", "modèle.xlsx"], "modèle.xlsx"),
                       (["build", "exemple.toml", "-o", "plan.xlsx"], "plan.xlsx")):
        done = subprocess.run([str(command), *args], cwd=work, env=env, capture_output=True,
                              text=True, encoding="utf-8", timeout=120)
        assert done.returncode in (0, 1), (args, done.stdout, done.stderr)
        assert (work / made).stat().st_size > 0
    shown = subprocess.run([str(command), "demo"], cwd=work, env=env, capture_output=True,
                           text=True, encoding="utf-8", timeout=120)
    assert shown.returncode in (0, 1) and "Recyclerie de Chalosse" in shown.stdout
