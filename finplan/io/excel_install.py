"""``finplan excel installer``: set up a volunteer's machine for the desktop route.

What it does, each step reported in French:

1. checks the Python version (:data:`MIN_PYTHON`);
2. installs the classic xlwings add-in (``python -m xlwings.cli addin install``, xlwings' own
   command: it copies ``xlwings.xlam`` into Excel's XLSTART folder), needed for
   the worksheet functions (**Import Functions**);
3. builds and installs the **finplan add-in** (``xlwings addin install --file``):
   xlwings' own ribbon add-in (``quickstart_addin_ribbon.xlam``, shipped with the
   installed xlwings, so its VBA matches the Python package) under the name
   :data:`ADDIN_NAME`, with a ribbon tab « finplan » and a button « Calculer le
   plan ». Its VBA runs ``import M;M.main()`` where ``M`` is the *add-in's* file
   name without extension, so the button always runs
   ``finplan.excel_desktop.main()`` on the active workbook, whatever the
   workbook's name (renamed copy, spaces, accents). Its own settings sheet
   (``myaddin.conf``, read after the workbook's) holds the interpreter and
   ``ADD_WORKBOOK_TO_PYTHONPATH = False``: finplan is installed, so the
   workbook's folder is not needed, and xlwings never has to translate the web
   address Excel gives a OneDrive or SharePoint workbook into a folder (the step
   that fails for synced folders);
4. writes the interpreter into the user's xlwings settings,
   ``~/.xlwings/xlwings.conf`` (the file the classic add-in reads; one
   ``"KEY","value"`` line per setting, the other lines kept as they were, the old
   file kept as ``xlwings.bak.conf``);
5. on Windows, adds « Calculer le plan (finplan) » to the Explorer's « Envoyer vers »
   menu: a ``.cmd`` that runs ``finplan fill`` on the workbook it is given — whatever
   its name or folder (renamed copy, OneDrive or SharePoint folder synced on the disk).

What it cannot do is listed at the end (the Trust Center settings Excel asks for).
Nothing here imports Excel or a Windows module: the platform, the home folder and
the command runner are parameters, so every decision is tested on any machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from finplan.errors import FinplanError
from finplan.io.workbook_files import replace_file

__all__ = ["ADDIN_NAME", "MIN_PYTHON", "addin_module", "addin_python_argv", "build_addin",
           "conf_text", "install", "interpreter", "send_to_script"]

MIN_PYTHON = (3, 11)
SEND_TO_NAME = "Calculer le plan (finplan).cmd"
#: the finplan add-in's file name: its VBA imports the module named like it
ADDIN_NAME = "finplan.excel_desktop.xlam"
#: the settings sheet of xlwings' ribbon add-in (``PROJECT_NAME = "myaddin"`` in its
#: VBA); shipped disabled as ``_myaddin.conf``
ADDIN_CONF_SHEET = "myaddin.conf"
EXCEL_EXE = r"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE"

RIBBON = """<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
    <ribbon>
        <tabs>
            <tab id="finplanTab" label="finplan">
                <group id="finplanGroup" label="Plan de financement">
                    <button id="finplanRun" label="Calculer le plan" size="large"
                        screentip="Calcule le plan du classeur ouvert (feuille Hypothèses)"
                        onAction="RibbonMyAddin.RunMain" imageMso="MacroPlay" />
                </group>
            </tab>
        </tabs>
    </ribbon>
</customUI>
"""
Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def interpreter(executable: str, platform: str) -> str:
    """The interpreter the add-in starts: ``pythonw.exe`` beside ``python.exe`` on
    Windows (no console window flashing at each click), the same one elsewhere.

    >>> interpreter(r"C:\\Python313\\python.exe", "win32")
    'C:\\\\Python313\\\\pythonw.exe'
    >>> interpreter("/usr/bin/python3", "darwin")
    '/usr/bin/python3'
    """
    if platform.startswith("win") and executable.lower().endswith("python.exe"):
        return executable[: -len("python.exe")] + "pythonw.exe"
    return executable


def conf_text(existing: str, settings: dict[str, str]) -> str:
    """``existing`` (the user's xlwings.conf) with ``settings`` set: a key already there
    is replaced in place, a new one appended, every other line kept.

    >>> conf_text('"PYTHONPATH","C:\\\\x"\\n"INTERPRETER_WIN","old"\\n',
    ...           {"INTERPRETER_WIN": "new"})
    '"PYTHONPATH","C:\\\\x"\\n"INTERPRETER_WIN","new"\\n'
    """
    lines, done = [], set()
    for line in existing.splitlines():
        key = line.split(",", 1)[0].strip().strip('"').upper()
        if key in settings:
            line = f'"{key}","{settings[key]}"'
            done.add(key)
        lines.append(line)
    lines += [f'"{key}","{value}"' for key, value in settings.items() if key not in done]
    return "\n".join(lines) + "\n"


def addin_module(file_name: str) -> str:
    """The module an xlwings ribbon button imports: the file name without its last
    extension (VBA ``Left(Name, InStrRev(Name, ".") - 1)``).

    >>> addin_module("finplan.excel_desktop.xlam")
    'finplan.excel_desktop'
    """
    return file_name[: file_name.rindex(".")]


def _python_path_arg(workbook_fullname: str, addin_fullname: str,
                     settings: dict[str, str]) -> str:
    """The argument of ``prepare_sys_path`` that xlwings' ``RunPython`` builds:
    ``ADD_WORKBOOK_TO_PYTHONPATH;active book;add-in;OneDrive consumer;OneDrive
    commercial;SharePoint;PYTHONPATH``, backslashes doubled (``ExecuteWindows``; its
    ``&`` to ``^&`` is undone by ``cmd.exe``)."""
    parts = [settings.get("ADD_WORKBOOK_TO_PYTHONPATH", "true"), workbook_fullname,
             addin_fullname] + [settings.get(key, "") for key in (
                 "ONEDRIVE_CONSUMER_WIN", "ONEDRIVE_COMMERCIAL_WIN", "SHAREPOINT_WIN",
                 "PYTHONPATH")]
    return ";".join(parts).replace("\\", "\\\\")


def addin_python_argv(interpreter_path: str, *, workbook_fullname: str,
                      addin_fullname: str, settings: dict[str, str],
                      app: str = EXCEL_EXE,
                      hwnd: str = "1") -> list[str]:
    r"""The Python command line the finplan add-in's button starts on Windows, as
    ``cmd.exe`` hands it to Python (xlwings 0.37's ``ExecuteWindows``): ``-c`` with
    the path set-up and ``import finplan.excel_desktop;finplan.excel_desktop.main()``,
    then the active workbook's *name* (``--wb``, all ``Book.caller()`` uses).

    >>> argv = addin_python_argv("pythonw.exe", workbook_fullname=r"D:\Plan eau.xlsx",
    ...                          addin_fullname="x.xlam", settings={})
    >>> argv[3].rsplit("; ", 1)[1], argv[4]
    ('import finplan.excel_desktop;finplan.excel_desktop.main()', '--wb=Plan eau.xlsx')
    """
    module = addin_module(ADDIN_NAME)
    path = _python_path_arg(workbook_fullname, addin_fullname, settings)
    name = workbook_fullname.replace("\\", "/").rsplit("/", 1)[-1]
    code = (f'import xlwings.utils;xlwings.utils.prepare_sys_path("{path}"); '
            f"import {module};{module}.main()")
    return [interpreter_path, "-B", "-c", code, f"--wb={name}", "--from_xl=1",
            f"--app={app}", f"--hwnd={hwnd}"]


def _conf_sheet_xml(original: str, settings: dict[str, str]) -> str:
    """The add-in's settings sheet: one ``KEY | value`` row per setting (inline
    strings, column A contiguous as xlwings' ``GetConfigFromSheet`` reads it)."""
    rows = "".join(
        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{escape(key)}</t></is>'
        f'</c><c r="B{number}" t="inlineStr"><is><t>{escape(value)}</t></is></c></row>'
        for number, (key, value) in enumerate(settings.items(), start=1))
    text = re.sub(r"<sheetData>.*</sheetData>|<sheetData\s*/>",
                  lambda _: f"<sheetData>{rows}</sheetData>", original, flags=re.S)
    return re.sub(r'<dimension ref="[^"]*"\s*/>',
                  lambda _: f'<dimension ref="A1:B{max(len(settings), 1)}" />', text)


def build_addin(source: Path, target: Path, settings: dict[str, str]) -> None:
    """Write the finplan add-in at ``target`` from xlwings' ribbon add-in ``source``:
    the same VBA, byte for byte; the finplan ribbon; ``settings`` (the interpreter)
    and ``ADD_WORKBOOK_TO_PYTHONPATH = False`` in its enabled settings sheet.
    Refuses (French) an add-in that is not xlwings' model."""
    settings = {**settings, "ADD_WORKBOOK_TO_PYTHONPATH": "False"}
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    workbook = parts.get("xl/workbook.xml", b"").decode("utf-8")
    disabled = f'<sheet name="_{ADDIN_CONF_SHEET}"'
    if (disabled not in workbook or "customUI/customUI.xml" not in parts
            or "xl/worksheets/sheet1.xml" not in parts
            or b"RibbonMyAddin.RunMain" not in parts["customUI/customUI.xml"]):
        raise FinplanError(f"{source} n'est pas le modèle de complément à ruban de xlwings "
                           "attendu (xlwings 0.37) : le complément finplan n'a pas été "
                           "écrit. Réinstallez finplan (sa roue installe la bonne version "
                           "de xlwings), puis relancez finplan excel installer.")
    parts["xl/workbook.xml"] = workbook.replace(
        disabled, f"<sheet name={quoteattr(ADDIN_CONF_SHEET)}").encode("utf-8")
    parts["customUI/customUI.xml"] = RIBBON.encode("utf-8")
    parts["xl/worksheets/sheet1.xml"] = _conf_sheet_xml(
        parts["xl/worksheets/sheet1.xml"].decode("utf-8"), settings).encode("utf-8")

    def write(temporary: str) -> None:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)

    target.parent.mkdir(parents=True, exist_ok=True)
    replace_file(target, write, backup=False)


def send_to_script(executable: str) -> str:
    """The « Envoyer vers » command: ``finplan fill`` on each workbook given, by the
    interpreter that was set up (no dependence on the workbook's name or folder).

    >>> print(send_to_script(r"C:\\Python313\\python.exe").splitlines()[4])
    "C:\\Python313\\python.exe" -m finplan.cli fill "%~1"
    """
    return "\r\n".join([
        "@echo off",
        "chcp 65001 >nul",
        "rem Écrit par « finplan excel installer » : calcule le plan du classeur envoyé.",
        ":suivant",
        f'"{executable}" -m finplan.cli fill "%~1"',
        "shift",
        'if not "%~1"=="" goto suivant',
        "pause",
        "",
    ])


def _write_text(path: Path, text: str, encoding: str) -> Path | None:
    """Save ``text`` safely; an existing file is kept as a backup."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding=encoding, newline="") as handle:
            handle.write(text)

    return replace_file(path, write, backup=path.exists())


def _addin_install(run: Runner, command: list[str], which: str) -> str | None:
    """Run xlwings' ``addin install``; the French failure, or None when it worked.

    xlwings catches its own errors (Excel open, no rights on XLSTART), prints them and
    exits with 0: only its « Successfully installed » line counts as success.
    """
    done = run(command)
    if done.returncode == 0 and "Successfully installed" in (done.stdout or ""):
        return None
    detail = [line.strip() for line in f"{done.stdout or ''}\n{done.stderr or ''}"
              .splitlines() if line.strip()]
    return (f"Le complément {which} n'a pas pu être installé"
            + (f" ({detail[-1]})" if detail else "") + ". Fermez Excel (vérifiez qu'il ne "
            "reste aucun EXCEL.EXE dans le Gestionnaire des tâches) et relancez cette "
            "commande ; sinon voir le fichier LISEZMOI.txt remis avec le classeur, « Si ça "
            "ne marche pas ».")


def _xlwings_ribbon_addin() -> Path:
    """xlwings' ribbon add-in model, shipped with the installed xlwings."""
    import xlwings

    return Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"


def _run(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), capture_output=True, text=True, check=False)


def install(*, home: Path, platform: str = sys.platform, executable: str = sys.executable,
            version: tuple[int, ...] = tuple(sys.version_info[:3]),
            run: Runner = _run, addin_source: Path | None = None) -> tuple[bool, list[str]]:
    """Set up the desktop route; returns (everything done, the French report lines).

    ``addin_source`` is xlwings' ribbon add-in (default: the one shipped with the
    installed xlwings); ``run`` runs a command (``subprocess.run`` by default)."""
    report: list[str] = []
    shown = ".".join(map(str, version[:3]))
    wanted = ".".join(map(str, MIN_PYTHON))
    if tuple(version[:2]) < MIN_PYTHON:
        return False, [f"Python {shown} est trop ancien : finplan demande Python {wanted} "
                       "ou plus récent. Installez-le depuis python.org (cochez « Add "
                       "python.exe to PATH »), puis relancez cette commande."]
    report.append(f"Python {shown} : bon (finplan demande Python {wanted} ou plus récent ; "
                  f"{executable}).")
    windows, mac = platform.startswith("win"), platform == "darwin"
    if not (windows or mac):
        report.append("Ce système n'a pas Excel de bureau : le complément xlwings n'est "
                      "pas installé. Utilisez finplan fill, ou xlwings Lite dans Excel "
                      "sur le web.")
        return False, report
    failure = _addin_install(run, [executable, "-m", "xlwings.cli", "addin", "install"],
                             "xlwings")
    if failure:
        report.append(failure)
        return False, report
    report.append("Complément xlwings installé dans Excel (onglet « xlwings » du ruban, "
                  "au prochain démarrage d'Excel).")
    key = "INTERPRETER_WIN" if windows else "INTERPRETER_MAC"
    addin = home / ".xlwings" / "finplan" / ADDIN_NAME
    build_addin(addin_source or _xlwings_ribbon_addin(), addin,
                {key: interpreter(executable, platform)})
    failure = _addin_install(run, [executable, "-m", "xlwings.cli", "addin", "install",
                                   "--file", str(addin)], "finplan")
    if failure:
        report.append(failure)
        return False, report
    report.append("Complément finplan installé : onglet « finplan » du ruban, bouton "
                  "« Calculer le plan », qui calcule le classeur ouvert quels que soient "
                  "son nom et son dossier (OneDrive et SharePoint compris).")
    conf = home / ".xlwings" / "xlwings.conf"
    existing = conf.read_text("utf-8") if conf.exists() else ""
    backup = _write_text(conf, conf_text(existing, {key: interpreter(executable, platform)}),
                         "utf-8")
    report.append(f"Réglage « Interpreter » du complément écrit dans {conf}"
                  + (f" (l'ancien fichier est gardé : {backup.name})." if backup else "."))
    if windows:
        send_to = home / "AppData" / "Roaming" / "Microsoft" / "Windows" / "SendTo"
        _write_text(send_to / SEND_TO_NAME, send_to_script(executable), "utf-8")
        report.append("Menu « Envoyer vers > Calculer le plan (finplan) » ajouté : clic "
                      "droit sur un classeur fermé, quels que soient son nom et son "
                      "dossier (OneDrive compris).")
    if mac:  # the cell functions are Windows-only: a Mac user gets Mac steps only
        report.append("Reste à faire dans Excel, une fois : quittez Excel (Excel > Quitter "
                      "Excel) et rouvrez-le ; au premier clic sur « Calculer le plan », "
                      "acceptez si macOS demande d'autoriser Excel à lancer Python.")
        return True, report
    report.append("Reste à faire dans Excel, une fois : redémarrez Excel. Pour les "
                  "fonctions FINPLAN_* seulement : Fichier > Options > Centre de gestion "
                  "de la confidentialité > Paramètres du Centre de gestion de la "
                  "confidentialité > Paramètres des macros : cochez « Accès approuvé au "
                  "modèle d'objet du projet VBA » (en anglais « Trust access to the VBA "
                  "project object model ») ; puis enregistrez le classeur en .xlsm "
                  "(« Classeur Excel (prenant en charge les macros) ») et cliquez sur "
                  "xlwings > Import Functions.")
    return True, report
