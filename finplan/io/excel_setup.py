"""``finplan excel init``: a ready-to-use folder for the Excel buttons.

Writes, in a folder:

- ``NAME.xlsx``: the template (or a case's workbook), with an ``xlwings.conf``
  sheet telling the classic xlwings add-in where the worksheet functions are;
- ``NAME.py``: the module the add-in's **Run main** button runs (``main()``) and
  whose ``FINPLAN_*`` functions **Import Functions** brings into Excel;
- ``xlwings-lite/main.py`` and ``xlwings-lite/requirements.txt``: what to paste
  into the xlwings Lite task pane (button « Calculer le plan », ``FINPLAN.*``
  functions);
- ``LISEZMOI.txt``: the steps, in French.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl.workbook.workbook import Workbook

from finplan.errors import FinplanError
from finplan.io.workbook_inputs import put

__all__ = ["init_folder", "CONFIG_SHEET", "Written", "add_xlwings_config",
           "workbook_state"]

CONFIG_SHEET = "xlwings.conf"

DESKTOP_MODULE = '''"""Module xlwings du classeur {name}.xlsx (écrit par « finplan excel init »).

- Ruban xlwings > « Run main » : calcule le plan du classeur (main).
- Ruban xlwings > « Import Functions » : fonctions FINPLAN_AIDE_POSTE,
  FINPLAN_REPARTIR, FINPLAN_AMORTISSEMENT, FINPLAN_INTERETS.
"""

from finplan.excel_desktop import *  # noqa: F403
'''

LITE_MAIN = '''# Code xlwings Lite de finplan (écrit par « finplan excel init »).
# Collez ce texte dans l'onglet main.py du volet xlwings Lite, et le fichier
# requirements.txt voisin dans l'onglet requirements.txt.
# Le volet affiche alors le bouton « Calculer le plan » ; les fonctions
# =FINPLAN.AIDE_POSTE(), =FINPLAN.REPARTIR(), =FINPLAN.AMORTISSEMENT() et
# =FINPLAN.INTERETS() sont disponibles dans les cellules.

from finplan.excel_lite import *  # noqa: F403
'''

LITE_REQUIREMENTS = '''# finplan n'est pas encore publié sur PyPI : remplacez la ligne ci-dessous
# par l'adresse (https://…) de la roue finplan-{version}-py3-none-any.whl
# (construite avec « python -m build »), déposée sur un site en HTTPS qui
# renvoie l'en-tête Access-Control-Allow-Origin (CORS, voir docs/excel.md).
# Après tout changement de ce fichier : menu de xlwings Lite > Restart.
finplan
'''

README = '''finplan dans Excel — démarrage
================================

Ce dossier contient :
- {name}.xlsx : le classeur à remplir (feuille « Hypothèses ») ;
- {name}.py : le module Python appelé par le classeur ;
- xlwings-lite/ : le code à coller dans xlwings Lite ;
- ce fichier.

Deux façons de cliquer sur « Calculer le plan » (détail : docs/excel.md) :

1. Excel sur ordinateur (Windows ou Mac) avec Python 3.11 à 3.13 installé :
   py -m pip install --user finplan-<version>-py3-none-any.whl (le fichier remis
   par la personne qui installe finplan), puis finplan excel installer (une fois) ;
   ouvrez {name}.xlsx, onglet « xlwings » du ruban, bouton « Run main ».
   « Run main » appelle {name}.py : gardez le même nom pour les deux. Pour un
   classeur renommé ou copié : fermez-le, clic droit > Envoyer vers > Calculer
   le plan (finplan) (Windows).

2. xlwings Lite (sans installer Python) : installez le complément xlwings Lite
   depuis la boutique Office, ouvrez le volet, collez xlwings-lite/main.py et
   xlwings-lite/requirements.txt, puis cliquez sur « Calculer le plan » dans le
   volet.

Les erreurs de saisie sont indiquées dans un message et dans la feuille
« Contrôles », avec la cellule à corriger. Les hypothèses ne sont jamais
modifiées.
'''


def add_xlwings_config(book: Workbook, module: str) -> None:
    """The ``xlwings.conf`` sheet the classic add-in reads (UDF modules)."""
    sheet = book.create_sheet(CONFIG_SHEET)
    put(sheet, "A1", "UDF Modules")
    put(sheet, "B1", module)
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 30


class Written(NamedTuple):
    """A file ``excel init`` wrote, and where the file it replaced is kept (if any)."""

    path: Path
    backup: Path | None


def _cell_values(sheet: Any) -> dict[str, Any]:
    return {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row
            if cell.value is not None}


def workbook_state(path: Path) -> str:
    """What an existing workbook holds: ``"blank"`` (the input sheet is that of the
    blank template), ``"filled"`` (something was typed in it), or ``"unreadable"``.

    >>> import tempfile
    >>> from finplan.io.workbook_write import template_workbook
    >>> target = Path(tempfile.mkdtemp()) / "plan.xlsx"
    >>> template_workbook().save(target)
    >>> workbook_state(target)
    'blank'
    """
    from finplan.io.workbook_layout import INPUT_SHEET
    from finplan.io.workbook_read import open_workbook
    from finplan.io.workbook_write import template_workbook

    try:
        book = open_workbook(path)
    except FinplanError:
        return "unreadable"
    if INPUT_SHEET not in book.sheetnames:
        return "filled"  # not a finplan workbook: whatever it holds is the user's
    blank = _cell_values(template_workbook()[INPUT_SHEET])
    return "blank" if _cell_values(book[INPUT_SHEET]) == blank else "filled"


def _refusal(folder: Path, existing: list[Path], workbook: Path, replacement: str) -> str:
    """The French refusal without ``--force``: what exists, what --force would do."""
    from finplan.io.workbook_files import backup_path

    names = ", ".join(path.relative_to(folder).as_posix() for path in existing)
    backups = ", ".join(backup_path(path).relative_to(folder).as_posix()
                        for path in existing)
    text = (f"Dans le dossier {folder}, chacun de ces fichiers existe déjà : {names}. "
            "finplan n'écrase jamais un "
            "fichier : rien n'a été modifié. Avec --force, ces fichiers seraient "
            f"remplacés, chaque ancien fichier étant gardé sous un nom en .bak ({backups})")
    if workbook in existing:
        kept = backup_path(workbook).name
        state = workbook_state(workbook)
        if state == "filled":
            text += (f" ; votre classeur rempli {workbook.name} serait remplacé par "
                     f"{replacement} (gardé sous {kept})")
        elif state == "unreadable":
            text += (f" ; le classeur {workbook.name}, que finplan ne sait pas lire, "
                     f"serait remplacé par {replacement} (gardé sous {kept})")
    return (text + ". Pour garder vos fichiers tels quels, choisissez un autre dossier "
            "ou un autre nom (--name).")


def _writable_folder(path: Path) -> Path:
    """The nearest existing folder at or above ``path``."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _check_writable(folder: Path, targets: list[Path]) -> None:
    """Refuse, before anything is written, a target open in Excel, read-only, or in a
    folder that cannot be written."""
    for path in targets:
        lock = path.with_name("~$" + path.name)
        if lock.exists():
            raise FinplanError(f"{path.name} semble ouvert dans Excel (le fichier "
                               f"{lock.name} est présent dans {path.parent}) : fermez le "
                               "classeur puis relancez, même avec --force. Rien n'a été "
                               "modifié.")
    if folder.exists() and not folder.is_dir():
        raise FinplanError(f"{folder} est un fichier, pas un dossier : donnez le dossier "
                           "où préparer le classeur. Rien n'a été modifié.")
    for path in targets:
        if path.exists() and not os.access(path, os.W_OK):
            raise FinplanError(f"{path} est en lecture seule : finplan ne peut pas le "
                               "remplacer. Rien n'a été modifié.")
        parent = _writable_folder(path.parent)
        if not parent.is_dir() or not os.access(parent, os.W_OK):
            raise FinplanError(f"Le dossier {parent} n'accepte pas d'écriture : finplan ne "
                               "peut pas y préparer le classeur. Rien n'a été modifié.")


def _keep_filled_backup(workbook: Path) -> None:
    """Refuse a ``--force`` that would replace the backup of a filled workbook by a
    blank one (``excel init --force`` run twice)."""
    from finplan.io.workbook_files import backup_path

    backup = backup_path(workbook)
    if (workbook.exists() and backup.exists() and workbook_state(workbook) == "blank"
            and workbook_state(backup) != "blank"):
        raise FinplanError(f"{backup} garde un classeur rempli, et --force le remplacerait "
                           f"par {workbook.name}, qui est un modèle vierge. Déplacez ou "
                           f"renommez {backup.name} pour le garder, puis relancez. Rien "
                           "n'a été modifié.")


def init_folder(folder: Path, book: Workbook, name: str = "finplan_plan",
                force: bool = False, *,
                replacement: str = "un modèle vierge") -> list[Written]:
    """Write the Excel folder. An existing file is replaced only with ``force``, and
    then kept as a backup (``.bak``); every file is written atomically
    (:func:`finplan.io.workbook_files.save_new`, ``save_text_new``). Without
    ``force``, the refusal lists the files there and what ``force`` would do to
    them (``replacement`` says what the workbook would become). A workbook open in
    Excel is refused even with ``force``. Every refusal comes before anything is
    written.
    """
    from finplan import __version__
    from finplan.io.workbook_files import save_new, save_text_new

    if not name.isidentifier():
        raise FinplanError(f"« {name} » ne peut pas nommer un module Python : utilisez "
                           "des lettres sans accent, des chiffres et _.")
    folder = Path(folder)
    files = {
        folder / f"{name}.py": DESKTOP_MODULE.format(name=name),
        folder / "xlwings-lite" / "main.py": LITE_MAIN,
        folder / "xlwings-lite" / "requirements.txt": LITE_REQUIREMENTS.format(
            version=__version__),
        folder / "LISEZMOI.txt": README.format(name=name),
    }
    workbook_path = folder / f"{name}.xlsx"
    targets = [workbook_path, *files]
    _check_writable(folder, targets)
    existing = [path for path in targets if path.exists()]
    if existing and not force:
        raise FinplanError(_refusal(folder, existing, workbook_path, replacement))
    _keep_filled_backup(workbook_path)
    lite = folder / "xlwings-lite"
    created = [path for path in (*reversed(lite.parents), lite) if not path.exists()]
    try:
        lite.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FinplanError(f"Le dossier {folder} ne peut pas être créé "
                           f"({error.strerror}) : choisissez un autre emplacement.") from None
    add_xlwings_config(book, name)
    written = []
    try:
        written.append(Written(workbook_path, save_new(book, workbook_path, force=force)))
        for path, text in files.items():
            written.append(Written(path, save_text_new(text, path, force=force)))
    except FinplanError:
        if not written:  # nothing written: the folders made for it go too
            for path in reversed(created):
                with contextlib.suppress(OSError):
                    path.rmdir()
        raise
    return written
