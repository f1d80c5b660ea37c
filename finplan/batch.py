"""Many structures at once: a workbook per case file and a summary of all of them.

A bad case does not stop the batch: its row in the summary carries the French
error report, and the other cases go on.

>>> import tempfile, shutil, finplan
>>> folder = Path(tempfile.mkdtemp())
>>> _ = shutil.copy(finplan.demo_path(), folder)
>>> result = run_batch(folder, folder / "sorties", progress=False)
>>> result.rows[0]["cas"], result.rows[0]["erreurs"]
('recyclerie-chalosse', '')
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from finplan.errors import FinplanError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["run_batch", "BatchResult", "SUMMARY_NAME"]

SUMMARY_NAME = "synthese"


@dataclass(frozen=True)
class BatchResult:
    """One summary row per case file, and where the summary was written."""

    rows: list[dict[str, Any]]
    summary_json: Path
    summary_workbook: Path

    @property
    def summary(self) -> pd.DataFrame:
        """The summary as a DataFrame, one row per case."""
        import pandas as pd

        return pd.DataFrame(self.rows).set_index("cas")

    @property
    def exit_code(self) -> int:
        """2 when a case has errors, else 1 when a plan fails a check, else 0."""
        if any(row["erreurs"] for row in self.rows):
            return 2
        return 0 if all(row["valide"] for row in self.rows) else 1


def _one(case_path: Path, output: Path) -> dict[str, Any]:
    """Build one case's workbook; never raises for a bad case."""
    from finplan import compute, load_case
    from finplan.io.workbook_write import build_workbook

    row: dict[str, Any] = {"cas": case_path.stem, "fichier": case_path.name, "valide": False,
                           "controles_en_echec": "", "besoins": 0.0, "non_finance": 0.0,
                           "tresorerie_fin": 0.0, "besoin_relais": 0.0, "classeur": "",
                           "erreurs": ""}
    try:
        case = load_case(case_path)
        plan = compute(case)
        target = output / f"{case_path.stem}.xlsx"
        build_workbook(case, plan).workbook.save(target)
    except FinplanError as error:
        row["erreurs"] = str(error)
        return row
    row.update(
        valide=plan.ok,
        controles_en_echec=", ".join(c.id for c in plan.check_results if c.fails),
        besoins=sum(sum(r.amounts) for r in plan.need_results) / 100,
        non_finance=sum(sum(r.unfunded) for r in plan.need_results) / 100,
        tresorerie_fin=plan.cash_end[-1] / 100,
        besoin_relais=plan.monthly.bridging_need / 100,
        classeur=target.name)
    return row


def _progress(items: Iterator, total: int, enabled: bool) -> Iterator:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc="Dossiers", unit="dossier")


def run_batch(folder: str | Path, output: str | Path, *, jobs: int = 1,
              progress: bool = True) -> BatchResult:
    """Build a workbook for every ``*.toml`` of ``folder`` into ``output``, and a
    summary (``synthese.json``, ``synthese.xlsx``)."""
    folder, output = Path(folder), Path(output)
    if not folder.is_dir():
        raise FinplanError(f"Dossier introuvable : {folder}.")
    cases = sorted(folder.glob("*.toml"))
    if not cases:
        raise FinplanError(f"Aucun dossier .toml dans {folder}.")
    output.mkdir(parents=True, exist_ok=True)
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            rows = list(_progress(pool.map(_one, cases, [output] * len(cases)),
                                  len(cases), progress))
    else:
        rows = [_one(path, output) for path in _progress(iter(cases), len(cases), progress)]
    summary_json = output / f"{SUMMARY_NAME}.json"
    summary_json.write_text(json.dumps({"format": "finplan-batch/1", "cases": rows},
                                       ensure_ascii=False, indent=2), encoding="utf-8")
    summary_workbook = output / f"{SUMMARY_NAME}.xlsx"
    _summary_workbook(rows).save(summary_workbook)
    return BatchResult(rows, summary_json, summary_workbook)


_HEADERS = {"cas": "Dossier", "fichier": "Fichier", "valide": "Plan validé",
            "controles_en_echec": "Contrôles à revoir", "besoins": "Besoins (€)",
            "non_finance": "Non financé (€)", "tresorerie_fin": "Trésorerie finale (€)",
            "besoin_relais": "Besoin relais (€)", "classeur": "Classeur",
            "erreurs": "Erreurs de saisie"}


def _summary_workbook(rows: list[dict[str, Any]]) -> Any:
    from openpyxl import Workbook

    from finplan.io.workbook_inputs import put
    from finplan.io.workbook_styles import BOLD, EUROS, print_setup

    book = Workbook()
    sheet = book.active
    sheet.title = "Synthèse"
    for column, header in enumerate(_HEADERS.values(), start=1):
        put(sheet, sheet.cell(1, column).coordinate, header)
        sheet.cell(1, column).font = BOLD
    for number, row in enumerate(rows, start=2):
        for column, key in enumerate(_HEADERS, start=1):
            value = row[key]
            if key == "valide":
                value = "oui" if value else ("—" if row["erreurs"] else "non")
            cell = sheet.cell(number, column)
            put(sheet, cell.coordinate, value)
            if isinstance(value, float):
                cell.number_format = EUROS
    for letter, width in zip("ABCDEFGHIJ", (28, 28, 12, 40, 16, 16, 18, 16, 28, 80)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B2"
    print_setup(sheet, "", "Synthèse des dossiers")
    return book
