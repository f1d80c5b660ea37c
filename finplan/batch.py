"""Many structures at once: a workbook per case file and a summary of all of them.

A bad case does not stop the batch: its row in the summary carries the French
error report, and the other cases go on.

What a batch never does (see :func:`run_batch`):

- replace a file it did not create in this run, unless ``force`` is given; then
  each replaced file goes through the same safe save as ``fill`` (temporary
  file, atomic replace, the old file kept as ``<name>.bak.xlsx``). A workbook
  open in Excel (its ``~$`` lock file is present) is refused even with ``force``;
- write two things under one name. Names are compared as a case-insensitive,
  Unicode-normalising disk (Windows, macOS) compares them: ``A.toml`` and
  ``a.TOML``, or ``é`` composed and decomposed, would write the same workbook
  there, so the second case (in name order) gets an error row instead. The
  summary names (``synthese.xlsx``, ``synthese.json``) are reserved: a case
  file ``synthese.toml`` gets an error row, never the summary over its workbook.

>>> import tempfile, shutil, finplan
>>> folder = Path(tempfile.mkdtemp())
>>> _ = shutil.copy(finplan.demo_path(), folder)
>>> result = run_batch(folder, folder / "sorties", progress=False)
>>> result.rows[0]["cas"], result.rows[0]["erreurs"]
('recyclerie-chalosse', '')
"""

from __future__ import annotations

import errno
import json
import os
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from finplan.errors import FinplanError
from finplan.model.money import euros, json_number

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["run_batch", "BatchResult", "SUMMARY_NAME", "case_files", "name_key"]

SUMMARY_NAME = "synthese"
SUMMARY_SUFFIXES = (".xlsx", ".json")


@dataclass(frozen=True)
class BatchResult:
    """One summary row per case file, and where the summary was written."""

    rows: list[dict[str, Any]]
    summary_json: Path
    summary_workbook: Path

    @property
    def summary(self) -> pd.DataFrame:
        """The summary as a DataFrame, one row per case (amounts in ``Decimal`` euros)."""
        import pandas as pd

        return pd.DataFrame(self.rows).set_index("cas")

    @property
    def exit_code(self) -> int:
        """2 when a case has errors, else 1 when a plan fails a check, else 0."""
        if any(row["erreurs"] for row in self.rows):
            return 2
        return 0 if all(row["valide"] for row in self.rows) else 1


def name_key(name: str) -> str:
    """A file name as a case-insensitive, Unicode-normalising disk compares it
    (NTFS, APFS): NFC normal form, case folded.

    >>> name_key("Été.xlsx") == name_key("e\\u0301TÉ.XLSX")
    True
    >>> name_key("a.xlsx") == name_key("b.xlsx")
    False
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def case_files(folder: Path) -> list[Path]:
    """The case files of a folder: every regular file whose extension is ``.toml``
    in any case (``.TOML``, ``.Toml``), in name order."""
    return sorted(path for path in folder.iterdir()
                  if path.suffix.lower() == ".toml" and path.is_file())


@dataclass(frozen=True)
class _Job:
    """One case to build: where its workbook goes, and what stands in the way.

    ``refusal`` is a French error decided before the run (a name collision);
    ``existing`` the name of a file already in the output folder under the
    workbook's name (as a case-insensitive disk sees it); ``backup`` where
    ``force`` keeps it.
    """

    case_path: Path
    target: Path
    force: bool
    refusal: str | None = None
    existing: str | None = None
    locked: tuple[str, str] | None = None  # (program, lock file) of an open workbook


_ZERO = Decimal("0.00")  # the amounts of a case that could not be computed


def _empty_row(case_path: Path) -> dict[str, Any]:
    return {"cas": case_path.stem, "fichier": case_path.name, "valide": False,
            "controles_en_echec": "", "besoins": _ZERO, "non_finance": _ZERO,
            "tresorerie_fin": _ZERO, "besoin_relais": _ZERO, "classeur": "",
            "ancienne_version": "", "erreurs": ""}


# Names Windows gives to devices, whatever their extension: no file can bear them there.
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
                    *(f"LPT{n}" for n in range(1, 10))}


def _obstacle(job: _Job) -> str | None:
    """Why the job's workbook must not be written, in French (None: it may)."""
    from finplan.io.workbook_files import backup_path, open_elsewhere, open_message

    if job.refusal:
        return job.refusal
    if job.target.stem.split(".")[0].upper() in WINDOWS_RESERVED:
        return (f"{job.case_path.name} donnerait le classeur {job.target.name}, un nom que "
                "Windows réserve à un périphérique (CON, PRN, AUX, NUL, COM1…, LPT1…) : "
                "renommez ce fichier. Aucun classeur n'a été écrit pour ce dossier.")
    found = job.locked or open_elsewhere(job.target)
    if found:
        return (f"{open_message(job.target.name, *found, job.target.parent)} : il "
                "n'est pas remplacé, même avec --force. Fermez-le puis relancez. Aucun "
                "classeur n'a été écrit pour ce dossier.")
    if job.existing and not job.force:
        return (f"{job.target.parent / job.existing} existe déjà : finplan batch ne "
                "remplace pas un fichier qu'il n'a pas créé, et ce fichier est resté tel "
                "quel. Choisissez un autre dossier de sortie, ou relancez avec --force "
                f"(l'ancien fichier sera gardé sous {backup_path(job.target).name}). "
                "Aucun classeur n'a été écrit pour ce dossier.")
    return None


def _one(job: _Job) -> dict[str, Any]:
    """Build one case's workbook; never raises for a bad case or a refused file."""
    from finplan import load_case
    from finplan.io.workbook_files import save_new
    from finplan.io.workbook_write import build_workbook
    from finplan.model.engine import compute

    row = _empty_row(job.case_path)
    try:
        obstacle = _obstacle(job)
        if obstacle:
            raise FinplanError(obstacle)
        case = load_case(job.case_path)
        plan = compute(case)
        book = build_workbook(case, plan).workbook
        backup, target = save_new(book, job.target, force=job.force), job.target.name
    except FinplanError as error:
        row["erreurs"] = str(error)
        return row
    row.update(
        valide=plan.ok,
        controles_en_echec=", ".join(c.id + (f" ({c.member})" if c.member else "")
                                     for c in plan.check_results if c.fails),
        besoins=euros(sum(sum(r.amounts) for r in plan.need_results)),
        non_finance=euros(sum(sum(r.unfunded) for r in plan.need_results)),
        tresorerie_fin=euros(plan.cash_end[-1]),
        besoin_relais=euros(plan.monthly.bridging_need),
        classeur=target,
        ancienne_version=Path(backup).name if backup else "")
    return row


def _progress(items: Iterator, total: int, enabled: bool) -> Iterator:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc="Dossiers", unit="dossier")


_OS_REASONS = {
    errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
    errno.EEXIST: "un fichier porte déjà ce nom",
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.EROFS: "le disque est en lecture seule",
    errno.ENOSPC: "le disque est plein",
    errno.ENAMETOOLONG: "le nom est trop long",
}


def _reason(error: OSError) -> str:
    """Why the system refused, in French."""
    return _OS_REASONS.get(error.errno or 0, f"erreur du système n° {error.errno}")


def _output_folder(output: Path) -> dict[str, str]:
    """Make sure ``output`` is a writable folder (created if missing); returns the
    names already in it, by :func:`name_key`. Raises before anything is written."""
    if output.exists() and not output.is_dir():
        raise FinplanError(f"{output} est un fichier, pas un dossier : -o attend le dossier "
                           "où écrire les classeurs et la synthèse (il est créé s'il "
                           "n'existe pas). Choisissez un dossier. Rien n'a été écrit.")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FinplanError(f"Le dossier de sortie {output} ne peut pas être créé "
                           f"({_reason(error)}) : choisissez un autre emplacement. Rien "
                           "n'a été écrit.") from None
    if not os.access(output, os.W_OK):
        raise FinplanError(f"Le dossier de sortie {output} est en lecture seule : finplan ne "
                           "peut pas y écrire. Choisissez un autre dossier, ou demandez le "
                           "droit d'y écrire. Rien n'a été écrit.")
    return {name_key(entry.name): entry.name for entry in output.iterdir()}


def _summary_paths(output: Path, existing: dict[str, str], force: bool) -> list[Path]:
    """Where the summary files go; refuses (before anything is written) a summary
    left by an earlier run without ``force``, and one open in Excel."""
    from finplan.io.workbook_files import open_elsewhere, open_message

    paths = []
    for suffix in SUMMARY_SUFFIXES:
        name = SUMMARY_NAME + suffix
        found = open_elsewhere(output / name, lambda lock: existing.get(name_key(lock)))
        if found:
            raise FinplanError(f"{open_message(name, *found, output)} : fermez-le puis "
                               "relancez. Rien n'a été écrit.")
        there = existing.get(name_key(name))
        if there and not force:
            raise FinplanError(f"{output / there} existe déjà (la synthèse d'un lot "
                               "précédent ?) : finplan batch ne remplace pas un fichier "
                               "qu'il n'a pas créé. Choisissez un autre dossier de sortie, "
                               "ou relancez avec --force (chaque fichier remplacé sera gardé "
                               "sous un nom en .bak). Rien n'a été écrit.")
        paths.append(output / (there or name))
    return paths


def _plan_jobs(cases: list[Path], output: Path, existing: dict[str, str],
               summaries: list[Path], force: bool) -> list[_Job]:
    """A job per case, each with a workbook name no other output of the run takes.

    Names are taken in this order: the summary files, then (with ``force``) the
    backups of the files this run will replace, then the cases in name order; a
    case whose workbook name is already taken gets an error row.
    """
    from finplan.io.workbook_files import backup_path, open_elsewhere

    taken: dict[str, str] = {}
    for path in summaries:
        taken[name_key(path.name)] = f"le nom de la synthèse du lot ({path.name})"
        if force and name_key(path.name) in existing:
            backup = backup_path(path).name
            taken[name_key(backup)] = f"le nom de la sauvegarde de {path.name} ({backup})"
    targets = []
    for case in cases:
        name = f"{case.stem}.xlsx"
        there = existing.get(name_key(name))
        target = output / (there if there and force else name)
        targets.append((case, target, there))
        if force and there:
            backup = backup_path(target).name
            taken.setdefault(name_key(backup),
                             f"le nom de la sauvegarde de {target.name} ({backup})")
    jobs = []
    for case, target, there in targets:
        key = name_key(target.name)
        refusal = None
        if key in taken:
            refusal = (f"{case.name} donnerait le classeur {target.name}, qui est "
                       f"{taken[key]} : renommez ce fichier. Windows et macOS ne "
                       "distinguent ni les majuscules des minuscules, ni les deux façons "
                       "d'écrire un même accent. Aucun classeur n'a été écrit pour ce "
                       "dossier.")
        else:
            taken[key] = f"celui de {case.name}"
        locked = open_elsewhere(target, lambda lock: existing.get(name_key(lock)))
        jobs.append(_Job(case, target, force, refusal, there, locked))
    return jobs


def worker_count(jobs: int, cases: int, cores: int | None = None) -> int:
    """The processes a batch runs: ``--jobs``, but never more than its cases nor than the
    machine's cores (more would only share them and use more memory).

    >>> worker_count(64, 3, cores=8), worker_count(8, 100, cores=2), worker_count(1, 5, 4)
    (3, 2, 1)
    """
    cores = cores or os.cpu_count() or 1
    return max(1, min(jobs, cases, cores))


def run_batch(folder: str | Path, output: str | Path, *, jobs: int = 1,
              progress: bool = True, force: bool = False) -> BatchResult:
    """Build a workbook for every case file (``*.toml``, any case) of ``folder``
    into ``output``, and a summary (``synthese.json``, ``synthese.xlsx``).

    A file already in ``output`` is replaced only with ``force``, and then kept
    as a backup (``.bak``); without it the case gets an error row and the file is
    left as it was. Problems with ``output`` itself (a file, read-only, cannot be
    created, an old summary there without ``force``) raise before anything is
    written.
    """
    from finplan.io.workbook_files import save_new, save_text_new

    folder, output = Path(folder), Path(output)
    if not folder.is_dir():
        raise FinplanError(f"Dossier introuvable : {folder}.")
    cases = case_files(folder)
    if not cases:
        raise FinplanError(f"Aucun dossier .toml dans {folder}.")
    existing = _output_folder(output)
    summary_workbook, summary_json = _summary_paths(output, existing, force)
    planned = _plan_jobs(cases, output, existing, [summary_workbook, summary_json], force)
    workers = worker_count(jobs, len(planned))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = list(_progress(pool.map(_one, planned), len(planned), progress))
    else:
        rows = [_one(job) for job in _progress(iter(planned), len(planned), progress)]
    save_new(_summary_workbook(rows), summary_workbook, force=force)
    save_text_new(json.dumps({"format": "finplan-batch/1", "cases": rows},
                             ensure_ascii=False, indent=2, default=json_number) + "\n",
                  summary_json, force=force)
    return BatchResult(rows, summary_json, summary_workbook)


_HEADERS = {"cas": "Dossier", "fichier": "Fichier", "valide": "Plan validé",
            "controles_en_echec": "Contrôles à revoir", "besoins": "Besoins (€)",
            "non_finance": "Non financé (€)", "tresorerie_fin": "Trésorerie finale (€)",
            "besoin_relais": "Besoin relais (€)", "classeur": "Classeur",
            "ancienne_version": "Ancienne version gardée sous",
            "erreurs": "Erreurs"}
_WIDTHS = (28, 28, 12, 40, 16, 16, 18, 16, 28, 28, 80)


def _summary_workbook(rows: list[dict[str, Any]]) -> Any:
    from openpyxl import Workbook

    from finplan.io.grid import Book
    from finplan.io.grid_openpyxl import write_book
    from finplan.io.workbook_print import print_setup
    from finplan.io.workbook_styles import BOLD, EUROS

    model = Book()
    sheet = model.create_sheet("Synthèse")
    for column, header in enumerate(_HEADERS.values(), start=1):
        sheet.put((1, column), header, font=BOLD)
    for number, row in enumerate(rows, start=2):
        for column, key in enumerate(_HEADERS, start=1):
            value = row[key]
            if key == "valide":
                value = "oui" if value else ("—" if row["erreurs"] else "non")
            sheet.put((number, column), value)
            if isinstance(value, Decimal):  # an amount, in euros
                sheet.set((number, column), number_format=EUROS)
    for column, width in enumerate(_WIDTHS, start=1):
        sheet.widths[column] = width
    sheet.freeze = "B2"
    print_setup(sheet, "", "Synthèse des dossiers")
    book = Workbook()
    book.remove(book.active)
    write_book(model, book)
    return book
