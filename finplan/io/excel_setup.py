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

from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from finplan.errors import FinplanError
from finplan.io.workbook_inputs import put

__all__ = ["init_folder", "CONFIG_SHEET", "add_xlwings_config"]

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

LITE_REQUIREMENTS = '''# finplan n'est pas publié sur PyPI : remplacez la ligne ci-dessous
# par l'adresse (https://…) de la roue finplan-{version}-py3-none-any.whl
# construite avec « pip wheel --no-deps . » et déposée sur un site web.
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

1. Excel sur ordinateur (Windows ou Mac) avec Python installé :
   pip install finplan (ou le dossier du projet), puis xlwings addin install ;
   ouvrez {name}.xlsx, onglet « xlwings » du ruban, bouton « Run main ».
   Le bouton est dans le ruban du complément : réécrire le classeur
   (finplan fill) ne peut pas l'effacer.

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


def init_folder(folder: Path, book: Workbook, name: str = "finplan_plan",
                force: bool = False) -> list[Path]:
    """Write the Excel folder; never replaces a file unless ``force``."""
    from finplan import __version__

    if not name.isidentifier():
        raise FinplanError(f"« {name} » ne peut pas nommer un module Python : utilisez "
                           "des lettres sans accent, des chiffres et _.")
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        folder / f"{name}.py": DESKTOP_MODULE.format(name=name),
        folder / "xlwings-lite" / "main.py": LITE_MAIN,
        folder / "xlwings-lite" / "requirements.txt": LITE_REQUIREMENTS.format(
            version=__version__),
        folder / "LISEZMOI.txt": README.format(name=name),
    }
    workbook_path = folder / f"{name}.xlsx"
    existing = [path for path in [workbook_path, *files] if path.exists()]
    if existing and not force:
        raise FinplanError(f"{existing[0]} existe déjà : finplan n'écrase jamais un "
                           "fichier. Choisissez un autre dossier ou ajoutez --force.")
    add_xlwings_config(book, name)
    book.save(workbook_path)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [workbook_path, *files]
