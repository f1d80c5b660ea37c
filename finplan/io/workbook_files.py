"""Saving workbooks without ever losing what a user wrote.

- a new file is never written over an existing one unless asked (``force``),
  and then the old one is kept as a backup;
- a save goes to a temporary file in the same folder, then replaces the
  target in one step, so a crash leaves either the old or the new file;
- a workbook open in Excel (its ``~$`` lock file is present), or that cannot be
  written, is left alone with a clear message;
- two finplan commands on the same workbook cannot interleave (an advisory
  lock on a ``.finplan-lock`` file beside it).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from finplan.errors import FinplanError

__all__ = ["backup_path", "charts_by_sheet", "check_writable", "exclusive", "lost_content",
           "save_atomic", "save_new", "save_text_new"]


def backup_path(path: Path) -> Path:
    """``plan.xlsx`` -> ``plan.bak.xlsx``."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def check_writable(path: Path) -> None:
    """Refuse to touch a workbook that is open in Excel or read-only."""
    lock = path.with_name("~$" + path.name)
    if lock.exists():
        raise FinplanError(f"{path.name} semble ouvert dans Excel (le fichier {lock.name} "
                           "est présent) : fermez le classeur puis relancez la commande. "
                           "Rien n'a été modifié.")
    if path.exists() and not os.access(path, os.W_OK):
        raise FinplanError(f"{path} est en lecture seule : finplan ne peut pas l'enregistrer. "
                           "Rien n'a été modifié.")
    if not os.access(path.parent, os.W_OK):
        raise FinplanError(f"Le dossier {path.parent} n'accepte pas d'écriture : finplan ne "
                           "peut pas y enregistrer le classeur. Rien n'a été modifié.")


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold the workbook's finplan lock; a second command stops with a message."""
    lock_path = path.with_name(f".{path.name}.finplan-lock")
    with open(lock_path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FinplanError(f"Une autre commande finplan travaille déjà sur {path.name} : "
                               "attendez qu'elle se termine puis relancez. Rien n'a été "
                               "modifié.") from None
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                lock_path.unlink()
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_atomic(book: Workbook, path: Path, *, backup: bool = True,
                keep_content: bool = False) -> Path | None:
    """Save ``book`` to ``path`` through a temporary file; keep the old file as a
    backup. Returns the backup's path, if one was made.

    With ``keep_content``, refuse (and change nothing) when the rewritten file
    would lose content of the old one that openpyxl cannot carry over (images,
    xlwings Lite code, macros in an .xlsx, user charts…).
    """
    def refuse_losses(temporary: str) -> None:
        lost = lost_content(path, temporary) if keep_content and path.exists() else []
        if lost:
            raise FinplanError(
                f"finplan ne peut pas réécrire {path.name} sans perdre : {', '.join(lost)}. "
                "Rien n'a été modifié. Calculez ce classeur avec le bouton « Calculer le "
                "plan » dans Excel, ou travaillez sur une copie sans ces éléments.")

    return _replace(path, book.save, backup=backup, check=refuse_losses)


def _replace(path: Path, write: Callable[[str], None], *, backup: bool,
             check: Callable[[str], None] | None = None) -> Path | None:
    """Write a temporary file beside ``path`` with ``write``, ``check`` it, keep the old
    file as a backup, then put the new one in place in one step (the temporary file
    is removed if anything fails)."""
    check_writable(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".~finplan-",
                                         suffix=path.suffix)
    os.close(handle)
    kept = None
    try:
        write(temporary)
        if check is not None:
            check(temporary)
        os.chmod(temporary, _mode_for(path))
        if backup and path.exists():
            kept = backup_path(path)
            shutil.copy2(path, kept)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return kept


def _mode_for(path: Path) -> int:
    """The permissions the saved file gets: the old file's, else the usual ones."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise FinplanError(f"{path} existe déjà : finplan n'écrase jamais un fichier. "
                           "Choisissez un autre nom, ou ajoutez --force (l'ancien fichier "
                           f"sera gardé sous le nom {backup_path(path).name}).")


def save_new(book: Workbook, path: Path, *, force: bool = False) -> Path | None:
    """Save a new workbook; an existing file is replaced only with ``force`` (and
    kept as a backup)."""
    _refuse_existing(path, force)
    return save_atomic(book, path, backup=True)


def save_text_new(text: str, path: Path, *, force: bool = False) -> Path | None:
    """Write a new text file (a case file) through a temporary file; an existing file
    is replaced only with ``force``, and then kept as a backup."""
    _refuse_existing(path, force)
    return _replace(path, lambda temporary: Path(temporary).write_text(text, "utf-8"),
                    backup=True)


# Parts of a workbook package that openpyxl does not carry over when it rewrites
# the file, with what they mean to a user.
_FRAGILE_PARTS = (
    ("xl/media/", "des images"),
    ("xl/webextensions/", "des compléments Office enregistrés dans le classeur (dont le "
                          "code xlwings Lite)"),
    ("customXml/", "des données XML personnalisées"),
    ("xl/vbaProject.bin", "des macros VBA"),
    ("xl/pivotTables/", "des tableaux croisés dynamiques"),
    ("xl/ctrlProps/", "des boutons ou contrôles de formulaire"),
    ("xl/activeX/", "des contrôles ActiveX"),
    ("xl/embeddings/", "des objets incorporés"),
    ("xl/slicers/", "des segments"),
    ("xl/timelines/", "des chronologies"),
)


def lost_content(before: Path, after: str | Path) -> list[str]:
    """What the workbook ``before`` holds that its rewritten version ``after`` lost."""
    import zipfile

    with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
        old_names, new_names = old.namelist(), new.namelist()
        old_charts, new_charts = charts_by_sheet(old), charts_by_sheet(new)
    lost = [label for prefix, label in _FRAGILE_PARTS
            if any(name.startswith(prefix) for name in old_names)
            and not any(name.startswith(prefix) for name in new_names)]
    for sheet, count in old_charts.items():
        missing = count - new_charts.get(sheet, 0)
        if missing > 0:
            lost.append(f"{missing} graphique(s) de la feuille « {sheet} »")
    return lost


_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_OFFICE_RELATIONSHIPS = ("{http://schemas.openxmlformats.org/officeDocument/2006/"
                         "relationships}id")


def charts_by_sheet(package) -> dict[str, int]:
    """How many charts each sheet of an open workbook package shows (by sheet name).

    >>> import io, zipfile
    >>> from openpyxl import Workbook
    >>> from openpyxl.chart import BarChart, Reference
    >>> book = Workbook(); sheet = book.active; sheet["A1"] = 1
    >>> chart = BarChart(); chart.add_data(Reference(sheet, min_col=1, min_row=1))
    >>> sheet.add_chart(chart, "C3"); buffer = io.BytesIO(); book.save(buffer)
    >>> charts_by_sheet(zipfile.ZipFile(buffer))
    {'Sheet': 1}
    """
    from defusedxml import ElementTree

    def relations(part: str) -> dict[str, str]:
        folder, name = part.rsplit("/", 1)
        rels = f"{folder}/_rels/{name}.rels"
        if rels not in package.namelist():
            return {}
        root = ElementTree.fromstring(package.read(rels))
        return {rel.get("Id"): _resolve(folder, rel.get("Target", ""))
                for rel in root.iter(f"{_RELATIONSHIPS}Relationship")}

    counts: dict[str, int] = {}
    try:
        workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    except KeyError:
        return counts
    targets = relations("xl/workbook.xml")
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        part = targets.get(sheet.get(_OFFICE_RELATIONSHIPS))
        if not part:
            continue
        charts = 0
        for drawing in relations(part).values():
            if "/drawings/" in drawing and not drawing.endswith(".vml"):
                charts += sum(1 for target in relations(drawing).values()
                              if "/charts/" in target)
        if charts:
            counts[sheet.get("name")] = charts
    return counts


def _resolve(folder: str, target: str) -> str:
    """A relationship target as a package path (``../drawings/d1.xml`` from ``xl/worksheets``)."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts = folder.split("/")
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)
