"""The Python side of a click on « Calculer le plan », against ``import xlwings``.

    XLWINGS_LICENSE_KEY=noncommercial python benchmarks/click.py [--repeat 7]

A desktop click starts a new Python each time: what the volunteer waits for is
the whole process (imports, reading the inputs, the computation, the grids and
their look).  This script times, as whole processes and in pairs (one baseline,
one click, alternately, after a warm-up), ``python -c "import xlwings"`` and a
click through xlwings' remote engine (the add-in's JSON book, prepared
beforehand as the add-in sends it: ``tests/xlwings_client.py``), for the demo
and for a generated case of 200 expense lines.  It prints min / median / max of
each and of the paired ratios, for the wall-clock time and for the processor time
(user + system, steadier on a shared machine).  Run on demand, never in the test suite; record
the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

BASELINE = "import xlwings"
CLICK = """
import json, sys
import xlwings as xw
import finplan.excel_desktop
from finplan import excel
book = xw.Book(json=json.load(open(sys.argv[1], encoding="utf-8")))
excel.calculer(book)
assert book.json()["actions"][-1]["args"][0].startswith("Plan calculé"), "not computed"
"""


def big_case(lines: int = 200) -> dict:
    """The demo with ``lines`` expense lines (distinct labels, the demo's amounts)."""
    import finplan
    from finplan.io.toml_case import parse_case_text

    raw = parse_case_text(finplan.demo_path().read_text("utf-8"))
    demo = raw["expense"]
    raw["expense"] = demo + [dict(demo[i % len(demo)], label=f"Charge {i + 1}")
                             for i in range(lines - len(demo))]
    return raw


def payload_file(raw, folder: Path, name: str) -> Path:
    """The add-in's JSON for a fresh template of ``raw``, saved in ``folder``."""
    from xlwings_client import payload

    import finplan
    from finplan.io.workbook_write import template_workbook

    path = folder / f"{name}.json"
    path.write_text(json.dumps(payload(
        template_workbook(finplan.load_case(raw)), client="Office.js")), "utf-8")
    return path


# A volunteer's finplan is installed from the wheel, which compiles its modules to
# bytecode: the children may write their bytecode caches (a PYTHONDONTWRITEBYTECODE
# inherited from a developer's shell would time Python's compiler at every click).
CHILD_ENV = {key: value for key, value in os.environ.items()
             if key != "PYTHONDONTWRITEBYTECODE"}


# The children run outside the repository: ``python -c`` puts the current folder
# first on sys.path, which would shadow a finplan given by PYTHONPATH (to time
# another checkout: PYTHONPATH=/path/to/it python benchmarks/click.py).
CHILD_FOLDER = tempfile.mkdtemp()


def seconds(arguments: list[str]) -> tuple[float, float]:
    """Wall-clock and processor seconds (user + system) of one run of ``arguments``;
    the processor time is less disturbed by other work on a shared machine (0 where
    the system does not report children's times, as on Windows)."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(arguments, check=True, capture_output=True, env=CHILD_ENV,
                   cwd=CHILD_FOLDER)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user
                  + after.children_system - before.children_system)


def summary(values: list[float]) -> str:
    return (f"min {min(values):6.3f}  median {statistics.median(values):6.3f}  "
            f"max {max(values):6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import finplan

    folder = Path(tempfile.mkdtemp())
    cases = {"demo": payload_file(finplan.demo_path(), folder, "demo"),
             "200 lignes": payload_file(big_case(), folder, "big")}
    python = sys.executable
    for name, path in cases.items():
        seconds([python, "-c", CLICK, str(path)])  # warm-up: bytecode and OS caches
        seconds([python, "-c", BASELINE])
        base, click = [], []
        for _ in range(repeat):
            base.append(seconds([python, "-c", BASELINE]))
            click.append(seconds([python, "-c", CLICK, str(path)]))
        for k, what in ((0, "wall"), (1, "cpu")):
            if not all(run[k] for run in base + click):
                continue
            ratios = [c[k] / b[k] for c, b in zip(click, base)]
            print(f"{name:11} import xlwings ({what} s) {summary([b[k] for b in base])}")
            print(f"{'':11} click ({what} s)          {summary([c[k] for c in click])}")
            print(f"{'':11} ratio click/xlwings {what:4} {summary(ratios)}")


if __name__ == "__main__":
    main()
