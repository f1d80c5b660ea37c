"""``finplan excel init``: a ready-to-use folder for the Excel buttons.

Writes, in a folder:

- ``NAME.xlsx``: the template (or a case's workbook), with an ``xlwings.conf``
  sheet telling the classic xlwings add-in that the worksheet functions are in
  the installed module ``finplan.excel_desktop`` (a fixed name: a renamed or
  copied workbook keeps them);
- ``NAME.py``: the module the classic add-in's **Run main** button runs (it
  imports the module named like the workbook); the finplan add-in's **Calculer
  le plan** button (``finplan excel installer``) does not need it;
- ``xlwings-lite/main.py`` and ``xlwings-lite/requirements.txt``: what to paste
  into the xlwings Lite task pane (button « Calculer le plan », ``FINPLAN.*``
  functions); the requirement is the wheel's web address when one is given
  (``--wheel-url``), else ``finplan==VERSION`` (works once finplan is on PyPI);
- ``LISEZMOI.txt``: the steps, in French.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from openpyxl.workbook.workbook import Workbook

from finplan.errors import FinplanError
from finplan.io.grid_openpyxl import put

__all__ = ["init_folder", "CONFIG_SHEET", "UDF_MODULE", "Written", "add_xlwings_config",
           "lite_requirements", "workbook_state"]

CONFIG_SHEET = "xlwings.conf"
#: where the desktop worksheet functions live, whatever the workbook's name
UDF_MODULE = "finplan.excel_desktop"

DESKTOP_MODULE = '''"""Module xlwings du classeur {name}.xlsx (écrit par « finplan excel init »).

- Ruban xlwings > « Run main » : calcule le plan du classeur (main), tant que le
  classeur s'appelle {name}.xlsx et reste dans ce dossier. Le bouton « Calculer
  le plan » de l'onglet finplan (finplan excel installer) n'a pas besoin de ce
  fichier et marche quel que soit le nom du classeur.
- Ruban xlwings > « Import Functions » (classeur .xlsm) : fonctions
  FINPLAN_AIDE_POSTE, FINPLAN_REPARTIR, FINPLAN_AMORTISSEMENT, FINPLAN_INTERETS
  (la feuille xlwings.conf du classeur les fait venir de finplan.excel_desktop).
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

LITE_REQUIREMENTS = '''# Paquets de xlwings Lite pour finplan (écrit par « finplan excel init »).
# Dans l'onglet requirements.txt du volet xlwings Lite : GARDEZ les lignes déjà
# présentes (xlwings…) et AJOUTEZ la dernière ligne de ce fichier. finplan demande
# xlwings 0.37.8 ou plus récent : si la ligne xlwings de l'onglet indique une version
# plus ancienne, remplacez-la par xlwings==0.37.8 (ou plus récent).
# {source}
# Après tout changement de l'onglet : menu ☰ de xlwings Lite > Restart.
{requirement}
'''

LITE_FROM_WHEEL = ("La roue finplan est lue à cette adresse : elle doit rester accessible "
                   "en HTTPS, avec l'en-tête CORS (voir docs/excel.md).")
LITE_FROM_PYPI = ("finplan n'est pas encore sur PyPI : tant qu'il n'y est pas, remplacez "
                  "la ligne ci-dessous par l'adresse https://… de la roue "
                  "finplan-{version}-py3-none-any.whl, déposée sur un site en HTTPS avec "
                  "l'en-tête CORS (voir docs/excel.md), ou relancez finplan excel init "
                  "avec --wheel-url.")


# A wheel's file name (the binary distribution format, PEP 427): name, version,
# optional build tag, then the python, ABI and platform tags
_WHEEL_NAME = re.compile(r"finplan-[0-9][0-9A-Za-z.+!_]*(-[0-9][0-9A-Za-z_.]*)?"
                         r"(-[A-Za-z0-9_.]+){3}\.whl")


def lite_requirements(version: str, wheel_url: str | None = None) -> str:
    """The ``requirements.txt`` for xlwings Lite: the wheel's address when given
    (checked: HTTPS, a finplan wheel), else ``finplan==version``.

    >>> lite_requirements("0.1.0", "https://plans.example.org/finplan-0.1.0-py3-none-any.whl"
    ...                   ).splitlines()[-1]
    'https://plans.example.org/finplan-0.1.0-py3-none-any.whl'
    >>> lite_requirements("0.1.0").splitlines()[-1]
    'finplan==0.1.0'
    """
    if wheel_url is None:
        return LITE_REQUIREMENTS.format(source=LITE_FROM_PYPI.format(version=version),
                                        requirement=f"finplan=={version}")
    file_name = unquote(wheel_url.rsplit("/", 1)[-1])
    copy = re.fullmatch(r"(finplan-.*?)\s*\(\d+\)(\.whl)", file_name)
    if copy:  # a browser's second download: pip refuses that name
        raise FinplanError(f"--wheel-url « {wheel_url} » : le fichier « {file_name} » a été "
                           "renommé par le navigateur (téléchargé une deuxième fois) et "
                           "n'est plus un nom de roue que pip accepte. Renommez-le "
                           f"« {copy.group(1)}{copy.group(2)} », déposez-le à nouveau et "
                           "relancez avec son adresse. Rien n'a été écrit.")
    if not wheel_url.startswith("https://") or not _WHEEL_NAME.fullmatch(file_name):
        raise FinplanError(f"--wheel-url « {wheel_url} » : attendu l'adresse https://… "
                           "d'une roue finplan (fichier finplan-X.Y.Z-py3-none-any.whl, "
                           "construit par « python -m build »). xlwings Lite ne lit que "
                           "des adresses HTTPS. Rien n'a été écrit.")
    return LITE_REQUIREMENTS.format(source=LITE_FROM_WHEEL, requirement=wheel_url)


README = '''finplan dans Excel — démarrage
================================

Ce dossier contient :
- {name}.xlsx : le classeur à remplir (feuille « Hypothèses ») ;
- {name}.py : le module du bouton « Run main » du complément xlwings ;
- xlwings-lite/ : le code à coller dans xlwings Lite ;
- ce fichier.

Deux façons de cliquer sur « Calculer le plan » (si ça ne marche pas : voir la fin
de ce fichier) :

1. Excel de bureau (Windows ou Mac), avec Python {python} ou plus récent :
   - installez finplan depuis le fichier remis par la personne qui l'installe :
     py -m pip install --user finplan-{version}-py3-none-any.whl
     (Mac : python3 -m pip install --user finplan-{version}-py3-none-any.whl) ;
   - une fois par ordinateur : py -m finplan.cli excel installer
     (puis redémarrez Excel) ;
   - ouvrez le classeur, onglet « finplan » du ruban, bouton « Calculer le plan ».
     Ce bouton marche quel que soit le nom du classeur (copie, renommé, dossier
     OneDrive ou SharePoint).
   Fonctions FINPLAN_* dans les cellules (Windows) : enregistrez le classeur en
   .xlsm (« prenant en charge les macros »), cochez dans Excel « Accès approuvé
   au modèle d'objet du projet VBA » (Centre de gestion de la confidentialité >
   Paramètres des macros), puis onglet xlwings > Import Functions.

2. xlwings Lite (sans installer Python ; Microsoft 365 ou Office 2021+, macOS 13+,
   ou Excel sur le web) : ajoutez le complément xlwings Lite (Accueil >
   Compléments), ouvrez son volet, collez xlwings-lite/main.py dans l'onglet
   main.py, ajoutez la dernière ligne de xlwings-lite/requirements.txt dans
   l'onglet requirements.txt, redémarrez xlwings Lite (menu ☰ > Restart), puis
   cliquez sur « Calculer le plan » dans le volet.

Les erreurs de saisie sont indiquées dans un message et dans la feuille
« Contrôles », avec la cellule à corriger. Les hypothèses ne sont jamais
modifiées.

Si ça ne marche pas
-------------------
- Bandeau jaune « Mode protégé » (classeur reçu par courriel) : cliquez sur
  « Activer la modification », puis enregistrez le classeur dans un dossier à vous.
  Bandeau rouge « Risque de sécurité » : fermez le classeur, clic droit sur le
  fichier > Propriétés, cochez « Débloquer », rouvrez-le.
- « 'py' n'est pas reconnu » : Python n'est pas installé ou pas dans le PATH ;
  relancez l'installeur de Python, « Modify », cochez « Add Python to environment
  variables ».
- « Requires-Python >={python} » : votre Python est trop ancien ; installez
  Python {python} ou plus récent (python.org).
- « is not a valid wheel filename » : le nom du fichier a changé (par exemple
  « finplan-{version}-py3-none-any (1).whl » après un second téléchargement) ;
  renommez-le exactement finplan-{version}-py3-none-any.whl.
- « finplan n'est pas reconnu » alors que l'installation a réussi : c'est normal
  avec --user sous Windows ; tapez py -m finplan.cli … comme ci-dessus.
- Le complément ne s'installe pas : fermez Excel (plus aucun EXCEL.EXE dans le
  Gestionnaire des tâches) et relancez py -m finplan.cli excel installer.
- Le bouton refuse de calculer : son message dit quelle cellule ou quelle feuille
  corriger, et comment, dans Excel ; rien n'a été modifié.
'''


def add_xlwings_config(book: Workbook, module: str = UDF_MODULE) -> None:
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
        from finplan.io.workbook_files import open_elsewhere, open_message

        found = open_elsewhere(path)
        if found:
            raise FinplanError(f"{open_message(path.name, *found, path.parent)} : fermez "
                               "le classeur puis relancez, même avec --force. Rien n'a été "
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


def _min_python() -> str:
    """The oldest Python finplan supports, as ``3.11``."""
    from finplan.io.excel_install import MIN_PYTHON

    return ".".join(map(str, MIN_PYTHON))


def init_folder(folder: Path, book: Workbook, name: str = "finplan_plan",
                force: bool = False, *,
                replacement: str = "un modèle vierge",
                wheel_url: str | None = None) -> list[Written]:
    """Write the Excel folder. An existing file is replaced only with ``force``, and
    then kept as a backup (``.bak``); every file is written atomically
    (:func:`finplan.io.workbook_files.save_new`, ``save_text_new``). Without
    ``force``, the refusal lists the files there and what ``force`` would do to
    them (``replacement`` says what the workbook would become). ``wheel_url`` is
    the address of the hosted wheel for xlwings Lite. A workbook open in
    Excel is refused even with ``force``. Every refusal comes before anything is
    written.
    """
    from finplan.io.workbook_files import save_new, save_text_new
    from finplan.version import __version__

    if not name.isidentifier():
        raise FinplanError(f"« {name} » ne peut pas nommer un module Python : utilisez "
                           "des lettres sans accent, des chiffres et _.")
    folder = Path(folder)
    files = {
        folder / f"{name}.py": DESKTOP_MODULE.format(name=name),
        folder / "xlwings-lite" / "main.py": LITE_MAIN,
        folder / "xlwings-lite" / "requirements.txt": lite_requirements(__version__,
                                                                          wheel_url),
        folder / "LISEZMOI.txt": README.format(name=name, version=__version__,
                                               python=_min_python()),
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
    add_xlwings_config(book)
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
