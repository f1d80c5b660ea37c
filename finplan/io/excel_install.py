"""``finplan excel installer``: set up a volunteer's machine for the desktop route.

What it does, each step reported in French:

1. checks the Python version (:data:`MIN_PYTHON`);
2. installs the classic xlwings add-in (``xlwings addin install``, xlwings' own
   command: it copies ``xlwings.xlam`` into Excel's XLSTART folder);
3. writes the interpreter into the user's xlwings settings,
   ``~/.xlwings/xlwings.conf`` (the file the add-in reads; one ``"KEY","value"``
   line per setting, the other lines kept as they were, the old file kept as
   ``xlwings.bak.conf``);
4. on Windows, adds « Calculer le plan (finplan) » to the Explorer's « Envoyer vers »
   menu: a ``.cmd`` that runs ``finplan fill`` on the workbook it is given — whatever
   its name or folder (renamed copy, OneDrive or SharePoint folder synced on the disk).

What it cannot do is listed at the end (the Trust Center settings Excel asks for).
Nothing here imports Excel or a Windows module: the platform, the home folder and
the command runner are parameters, so every decision is tested on any machine.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from finplan.io.workbook_files import replace_file

__all__ = ["MIN_PYTHON", "conf_text", "install", "interpreter", "send_to_script"]

MIN_PYTHON = (3, 11)
SEND_TO_NAME = "Calculer le plan (finplan).cmd"
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


def _run(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), capture_output=True, text=True, check=False)


def install(*, home: Path, platform: str = sys.platform, executable: str = sys.executable,
            version: tuple[int, ...] = tuple(sys.version_info[:3]),
            run: Runner = _run) -> tuple[bool, list[str]]:
    """Set up the desktop route; returns (everything done, the French report lines)."""
    report: list[str] = []
    shown = ".".join(map(str, version[:3]))
    if tuple(version[:2]) < MIN_PYTHON:
        wanted = ".".join(map(str, MIN_PYTHON))
        return False, [f"Python {shown} est trop ancien : finplan demande Python {wanted} "
                       "ou plus récent. Installez-le depuis python.org (cochez « Add "
                       "python.exe to PATH »), puis relancez cette commande."]
    report.append(f"Python {shown} : bon ({executable}).")
    windows, mac = platform.startswith("win"), platform == "darwin"
    if not (windows or mac):
        report.append("Ce système n'a pas Excel de bureau : le complément xlwings n'est "
                      "pas installé. Utilisez finplan fill, ou xlwings Lite dans Excel "
                      "sur le web.")
        return False, report
    added = run([executable, "-m", "xlwings", "addin", "install"])
    if added.returncode != 0:
        detail = (added.stderr or added.stdout or "").strip().splitlines()
        report.append("Le complément xlwings n'a pas pu être installé"
                      + (f" ({detail[-1]})" if detail else "") + ". Fermez Excel et "
                      "relancez cette commande ; sinon voir docs/excel.md, « Si ça ne "
                      "marche pas ».")
        return False, report
    report.append("Complément xlwings installé dans Excel (onglet « xlwings » du ruban, "
                  "au prochain démarrage d'Excel).")
    conf = home / ".xlwings" / "xlwings.conf"
    key = "INTERPRETER_WIN" if windows else "INTERPRETER_MAC"
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
    report.append("Reste à faire dans Excel, une fois : Fichier > Options > Centre de "
                  "gestion de la confidentialité > Paramètres > Paramètres des macros : "
                  "cochez « Accès approuvé au modèle d'objet du projet VBA » (pour les "
                  "fonctions FINPLAN_*), puis redémarrez Excel.")
    return True, report
