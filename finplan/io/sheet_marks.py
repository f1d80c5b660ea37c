"""Which sheets of a workbook are finplan's own, and what a user added to them.

finplan rewrites its output sheets (Budget, Financeurs, …) and its hidden
``Listes`` sheet at every fill.  It recognises them by a **mark** it writes, not
by their name alone: a hidden name scoped to the sheet, ``finplan_feuille``,
whose text is the sheet's key (``"budget"``).  A sheet a user made and called
« Trésorerie » carries no mark, so finplan refuses to replace it; when a user
deletes a sheet, Excel deletes its scoped names with it.

What finplan last wrote on each output sheet is **recorded**: the list of the
cells that hold something, compressed into one text kept on the ``Listes``
sheet beside the sheet's size (written by ``fill``, ``build`` and the Excel
button alike).  At the next fill, a cell holding something that is not on that
list was typed by a user — whether or not the new calculation would write
there — and the fill refuses rather than overwrite or drop it.  Without a list
(a workbook from an older finplan, a damaged ``Listes``), the cells outside the
recorded size are the user's.

>>> from openpyxl import Workbook
>>> book = Workbook(); sheet = book.active; sheet.title = "Budget"
>>> mark_sheet(sheet, "budget"); sheet_key(sheet)
'budget'
>>> sheet["B2"] = "Total"; sheet["C2"] = 12; sorted(content_cells(sheet))
['B2', 'C2']
>>> sorted(decode_cells(encode_cells({"B2", "C2", "B7"})))
['B2', 'B7', 'C2']
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from finplan.errors import FinplanError
from finplan.io.cells import column_letter as get_column_letter
from finplan.io.cells import split as coordinate_to_tuple
from finplan.io.workbook_layout import LIST_NAMES, SHEETS

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

__all__ = ["MARK_NAME", "finplan_title", "align_titles", "renamed_sheet", "referred_sheet",
           "referred_sheets",
           "mark_sheet", "sheet_key",
           "finplan_sheets", "content_cells", "encode_cells", "decode_cells", "grid_cells",
           "added_cells", "refuse_additions", "refuse_added_cells"]

MARK_NAME = "finplan_feuille"


def finplan_title(title: str, known: Iterable[str]) -> str:
    """``title`` as finplan spells it when Excel takes it for one of ``known``, else
    ``title`` itself: Excel compares sheet names without regard to case, so a sheet a
    user renamed « TRÉSORERIE » is still the sheet « Trésorerie ».

    >>> finplan_title("TRÉSORERIE", ["Budget", "Trésorerie"])
    'Trésorerie'
    >>> finplan_title("Mes notes", ["Budget", "Trésorerie"])
    'Mes notes'
    """
    folded = title.casefold()
    return next((name for name in known if name.casefold() == folded), title)


def renamed_sheet(title: str, renamed: str) -> str:
    """What to do, in Excel, with a finplan sheet a user renamed (the same words for
    ``fill`` and the Excel button, which both refuse rather than leave the old figures
    beside new ones).

    >>> renamed_sheet("Budget", "Budget 2027").startswith("la feuille « Budget » de")
    True
    """
    return (f"la feuille « {title} » de finplan a été renommée « {renamed} » : rendez-lui "
            f"son nom (clic droit sur l'onglet « {renamed} » > Renommer, tapez « {title} ») "
            "puis relancez le calcul. Pour garder une version de ces chiffres, copiez la "
            "feuille (clic droit sur l'onglet > Déplacer ou copier > Créer une copie) au "
            "lieu de la renommer. Rien n'a été modifié.")


# A sheet a formula points to: 'Plan de financement'! (quotes doubled inside) or Budget!
_SHEET = r"(?:'((?:[^']|'')+)'|([^\W\d][\w.]*))!"


def _sheet_of(found: re.Match) -> str:
    return found.group(1).replace("''", "'") if found.group(1) else found.group(2)


def referred_sheet(text: str | None) -> str | None:
    """The sheet a defined name's reference points to (None: no sheet, or several).

    >>> referred_sheet("='Budget 2027'!$A$5:$F$50"), referred_sheet("Calculs!$C$6")
    ('Budget 2027', 'Calculs')
    >>> referred_sheet("#REF!$C$6") is None
    True
    """
    found = re.fullmatch(rf"=?{_SHEET}\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?",
                         (text or "").strip())
    return _sheet_of(found) if found else None


def referred_sheets(text: str) -> set[str]:
    """Every sheet a formula points to.

    >>> sorted(referred_sheets("SUM('Plan de financement'!C5,Budget!D9)"))
    ['Budget', 'Plan de financement']
    """
    return {_sheet_of(found) for found in re.finditer(_SHEET, text)}


def align_titles(book: Workbook, known: Iterable[str]) -> dict[str, str]:
    """Give finplan's spelling (:func:`finplan_title`) to the sheets of ``book`` Excel
    takes for one of ``known``; the titles so changed, old -> new."""
    known = list(known)
    renamed = {}
    for sheet in [*book.worksheets, *book.chartsheets]:
        title = finplan_title(sheet.title, known)
        if title != sheet.title:
            renamed[sheet.title] = title
            # openpyxl numbers a title equal but for case to a sheet's, its own included:
            # through a title no sheet has
            sheet.title = f"finplan renommage {len(renamed)}"
            sheet.title = title
    return renamed


def mark_sheet(sheet, key: str) -> None:
    """Write the mark saying that ``sheet`` is finplan's sheet ``key``."""
    from openpyxl.workbook.defined_name import DefinedName

    sheet.defined_names[MARK_NAME] = DefinedName(MARK_NAME, attr_text=f'"{key}"',
                                                 hidden=True)


def sheet_key(sheet) -> str | None:
    """The key of finplan's mark on ``sheet`` (None: not a sheet finplan marked)."""
    names = getattr(sheet, "defined_names", None)
    mark = names.get(MARK_NAME) if names is not None else None
    if mark is None or not mark.attr_text:
        return None
    return mark.attr_text.strip().strip('"')


# The cells a finplan template's result sheet holds before its first calculation: its
# title and « Cette feuille sera remplie par le calcul du plan… »
PLACEHOLDER_CELLS = frozenset({"B1", "B3"})


def finplan_sheets(book: Workbook, keys: Iterable[str],
                   block_names: Collection[str] = (),
                   filled: dict[str, set[str]] | None = None) -> dict[str, str]:
    """Key -> title of each of finplan's sheets ``keys`` that exists in ``book``.

    A sheet with finplan's name but without finplan's mark is the user's: refuse.
    finplan's sheet renamed (its mark on a sheet of another name): refuse too
    (:func:`renamed_sheet`), as the Excel button does.
    A workbook where no sheet carries a mark may come from a finplan older than the
    marks — but a workbook without marks is no proof of it (issue 29): its sheets are
    finplan's when the workbook holds finplan's result blocks (``block_names``, the
    defined names finplan gives its result tables), or, one by one, when a sheet is
    still a placeholder of finplan's template (``filled``: title -> its filled cells,
    just :data:`PLACEHOLDER_CELLS`); any other sheet named like a result sheet is the
    user's (the association's own « Budget »): refuse.
    """
    marked = any(sheet_key(sheet) for sheet in book.worksheets)
    computed = any(name in book.defined_names for name in block_names)
    owned, foreign = {}, []
    for key in keys:
        title = SHEETS[key]
        if title not in book.sheetnames:
            renamed = next((sheet.title for sheet in book.worksheets
                            if sheet_key(sheet) == key), None)
            if renamed is not None:  # its old figures would stay beside the new ones
                text = renamed_sheet(title, renamed)
                raise FinplanError(text[0].upper() + text[1:])
            continue
        sheet = book[title]
        if marked:
            ours = sheet_key(sheet) == key
        elif key in ("lists", "snapshot"):  # its hidden sheets, behind its lists' names
            ours = any(name in book.defined_names for name in LIST_NAMES.values())
        else:
            cells = (filled or {}).get(title)
            ours = computed or (cells is not None and "B3" in cells
                                and cells <= PLACEHOLDER_CELLS)
        if ours:
            owned[key] = title
        else:
            foreign.append(title)
    if foreign:
        listed = ", ".join(f"« {title} »" for title in foreign)
        raise FinplanError(
            f"La feuille {listed} n'a pas été créée par finplan (elle porte le nom d'une "
            "feuille de résultats, mais pas sa marque) : finplan ne la remplace pas. "
            "Renommez-la (par exemple « … (perso) ») puis relancez : finplan recréera sa "
            "propre feuille à côté. Rien n'a été modifié.")
    return owned


def content_cells(sheet) -> set[str]:
    """Coordinates of the cells of ``sheet`` that hold a value or a formula."""
    # the cell store itself: iter_rows() would create every empty cell it visits
    return {f"{get_column_letter(column)}{row}"
            for (row, column), cell in sheet._cells.items() if cell.value is not None}


_PREFIX = "cellules:"
MAX_RECORD = 32_000  # characters: an Excel cell holds 32 767
_MAX_DECODED = 2_000_000  # bytes a record may unpack to (a hostile one is ignored)
_MAX_CELLS = 2_000_000  # as many as a workbook finplan opens may hold


def encode_cells(cells: Iterable[str]) -> str:
    """The cells as one short text: per row, its runs of columns (``5:2-12.14``), the
    whole compressed. An empty text when it would not fit in a cell."""
    rows: dict[int, list[int]] = {}
    for cell in cells:
        row, column = coordinate_to_tuple(cell)
        rows.setdefault(row, []).append(column)
    parts = []
    for row in sorted(rows):
        columns = sorted(rows[row])
        runs, start = [], columns[0]
        for previous, column in zip(columns, [*columns[1:], None]):
            if column is None or column != previous + 1:  # a run ends
                runs.append(f"{start}-{previous}" if previous > start else f"{start}")
                start = column
        parts.append(f"{row}:{'.'.join(runs)}")
    text = _PREFIX + base64.b64encode(zlib.compress(";".join(parts).encode(), 9)).decode()
    return text if len(text) <= MAX_RECORD else ""


def decode_cells(text: object) -> set[str] | None:
    """The cells :func:`encode_cells` recorded; None for anything else (nothing kept,
    or a text that is not such a record, or that would unpack to absurd sizes).

    >>> decode_cells("cellules:eJwztDLUNTSAAQAUQwKr") is None  # row 1, columns 1 to 10⁹
    True
    """
    if not isinstance(text, str) or not text.startswith(_PREFIX):
        return None
    try:
        unpacker = zlib.decompressobj()
        plain = unpacker.decompress(base64.b64decode(text[len(_PREFIX):], validate=True),
                                    _MAX_DECODED)
        if unpacker.unconsumed_tail:
            return None
        cells: set[str] = set()
        for part in filter(None, plain.decode().split(";")):
            row, runs = part.split(":")
            for run in runs.split("."):
                first, _, last = run.partition("-")
                columns = range(int(first), int(last or first) + 1)
                if not (0 < int(row) <= 1_048_576 and columns.start > 0
                        and columns.stop <= 16_385
                        and len(cells) + len(columns) <= _MAX_CELLS):
                    return None  # not a sheet's cells: someone else's text
                cells.update(f"{get_column_letter(column)}{int(row)}" for column in columns)
        return cells
    except (ValueError, zlib.error, UnicodeDecodeError):
        return None


def grid_cells(grid: Iterable[Iterable[object]]) -> set[str]:
    """The cells a grid of values written from A1 fills (empty texts are blanks), as
    the Excel button writes a sheet: once in Excel, what :func:`content_cells` finds.

    >>> sorted(grid_cells([["", "Total"], [None, 12]]))
    ['B1', 'B2']
    """
    return {f"{get_column_letter(column)}{row}"
            for row, values in enumerate(grid, start=1)
            for column, value in enumerate(values, start=1)
            if value is not None and value != ""}


def refuse_additions(found: Collection[str]) -> FinplanError:
    """The refusal when what a user added to finplan's result sheets would be lost;
    ``found`` says what, sheet by sheet (« « Financeurs » : 1 graphique »)."""
    return FinplanError(
        "finplan réécrit ses feuilles de résultats à chaque calcul, et vous y avez "
        f"ajouté ce qu'il ne saurait pas garder — {' ; '.join(found)}. Rien n'a été "
        "modifié. Déplacez ces ajouts dans une feuille à vous (clic droit sur l'onglet "
        "> Déplacer ou copier, ou copier-coller), retirez-les des feuilles de "
        "résultats, puis relancez le calcul.")


def refuse_added_cells(added: dict[str, list[str]]) -> None:
    """Refuse when cells a user typed on result sheets would vanish (``added``: sheet
    title -> those cells, in order); nothing to refuse when none."""
    lost = [f"« {title} » : " + ", ".join(cells[:6]) + (
        f"… ({len(cells)} au total)" if len(cells) > 6 else "")
        for title, cells in added.items() if cells]
    if lost:
        raise FinplanError(
            "Des cellules ont été saisies dans les feuilles de résultats, hors de ce que "
            f"finplan y écrit — {' ; '.join(lost)}. finplan réécrit ces feuilles à chaque "
            "calcul et les effacerait. Rien n'a été modifié. Copiez ces cellules dans une "
            "feuille à vous, videz-les dans la feuille de résultats, puis relancez.")


def _rows(cells: Collection[str]) -> list[frozenset[int]]:
    """Each row's filled columns, from row 1 to the last filled one."""
    columns: dict[int, set[int]] = {}
    for cell in cells:
        row, column = coordinate_to_tuple(cell)
        columns.setdefault(row, set()).add(column)
    return [frozenset(columns.get(row, ())) for row in range(1, max(columns, default=0) + 1)]


def _unaligned(old: Collection[str], recorded: Collection[str]) -> set[str]:
    """The cells of ``old`` that finplan's ``recorded`` ones do not explain once their
    rows are aligned (difflib's longest matching blocks of rows, a row known by its
    filled columns): a row inserted inside finplan's table moves every row below it,
    but only what was typed in it is the user's."""
    from difflib import SequenceMatcher

    mine, theirs = _rows(recorded), _rows(old)
    found = set()
    matcher = SequenceMatcher(a=mine, b=theirs, autojunk=False)
    for tag, first, last, start, end in matcher.get_opcodes():
        if tag == "equal" or tag == "delete":
            continue
        for offset, row in enumerate(range(start, end)):
            known = mine[first + offset] if tag == "replace" and first + offset < last \
                else frozenset()
            found |= {f"{get_column_letter(column)}{row + 1}"
                      for column in theirs[row] - known}
    return found


def added_cells(old: Collection[str], new: Collection[str], recorded: set[str] | None,
                extent: tuple[int, int] | None) -> list[str]:
    """Cells of an output sheet that a user typed: they hold something, and finplan
    did not write them last time (``recorded``). Without a record, the cells outside
    the ``extent`` (rows, columns) finplan recorded; without either, the cells the new
    calculation would leave behind.

    >>> added_cells({"B2", "C5"}, {"B2", "C5"}, {"B2"}, None)  # C5 would be overwritten
    ['C5']
    >>> added_cells({"B2", "C5"}, {"B2"}, {"B2", "C5"}, None)  # finplan's, not written again
    []
    >>> added_cells({"B2", "Z90"}, {"B2"}, None, (40, 8))
    ['Z90']

    Rows a user inserted (or deleted) move finplan's cells: the rows are aligned first
    (:func:`_unaligned`), so that only the cells the user typed are named.

    >>> added_cells({"B2", "C2", "B3", "B4", "C4"}, set(), {"B2", "C2", "B3", "C3"}, None)
    ['B3']
    """
    if recorded is not None:
        added = set(old) - recorded
        if added:
            aligned = _unaligned(old, recorded)
            added = aligned if len(aligned) < len(added) else added
    elif extent is not None:
        rows, columns = extent
        added = {cell for cell in old if coordinate_to_tuple(cell)[0] > rows
                 or coordinate_to_tuple(cell)[1] > columns}
    else:
        added = set(old) - set(new)
    return sorted(added, key=coordinate_to_tuple)
