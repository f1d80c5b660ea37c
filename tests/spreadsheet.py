"""A real spreadsheet engine for the tests: LibreOffice, headless.

Each workbook is converted xlsx -> xlsx by LibreOffice with recalculation on
load forced (a profile whose OOXMLRecalcMode is 0, "always"), so no cached
value survives; openpyxl then reads the recalculated values.

LibreOffice is required: a test that needs it fails when it is missing (so that
``.ci/run`` never passes without recalculating a workbook), except where the
environment says ``FINPLAN_TESTS_WITHOUT_LIBREOFFICE=1`` (the Windows and macOS CI
runners, .github/workflows/ci.yml): there such a test is skipped, with that reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
ERROR_VALUES = ("#NAME?", "#VALUE!", "#DIV/0!", "#REF!", "#NUM!", "#N/A", "#NULL!",
                "Err:", "#ERR")


#: Set to 1 where LibreOffice is knowingly absent: its tests are then skipped, not failed.
WITHOUT_LIBREOFFICE = "FINPLAN_TESTS_WITHOUT_LIBREOFFICE"


def soffice() -> str:
    """The LibreOffice program; skips the calling test (or fixture) only where
    ``FINPLAN_TESTS_WITHOUT_LIBREOFFICE=1``, else a missing LibreOffice is an error."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found and os.environ.get(WITHOUT_LIBREOFFICE) == "1":
        pytest.skip(f"LibreOffice (soffice) is not installed and {WITHOUT_LIBREOFFICE}=1: "
                    "this test recalculates a workbook with it; .ci/run runs it on Linux")
    if not found:
        raise RuntimeError("LibreOffice (soffice) is required by these tests: "
                           "apt-get install libreoffice-calc-nogui (see .ci/run)")
    return found


def make_profile(folder: Path) -> Path:
    (folder / "user").mkdir(parents=True, exist_ok=True)
    (folder / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, "utf-8")
    return folder


def convert(paths: Sequence[Path], outdir: Path, profile: Path, target: str = "xlsx"
            ) -> list[Path]:
    """Open each workbook in LibreOffice (recalculating it) and save it as ``target``."""
    outdir.mkdir(parents=True, exist_ok=True)
    command = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--calc", "--convert-to", target, "--outdir", str(outdir),
               *map(str, paths)]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    converted = [outdir / f"{path.stem}.{target}" for path in paths]
    missing = [path for path in converted if not path.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not convert {missing}")
    return converted


def is_error(value: object) -> bool:
    return isinstance(value, str) and value.startswith(ERROR_VALUES)


def matches(expected: object, got: object) -> bool:
    """A recalculated cell shows the engine's value (to the cent for an amount)."""
    from decimal import Decimal

    if isinstance(expected, (bool, str)) or expected is None:
        return (got or "") == (expected or "")
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return False
    return abs(Decimal(repr(got)) - Decimal(expected)) < Decimal("0.005")


def same_cell(a: object, b: object) -> bool:
    """Two recalculated cells show the same: amounts to the cent, texts as they are
    (an empty cell and an empty text alike)."""
    from decimal import Decimal

    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(Decimal(repr(a)) - Decimal(repr(b))) < Decimal("0.005")
    return (a or None) == (b or None)


def formula_mismatches(expected: dict, values, sources) -> list:
    """Check a recalculated workbook (``values``) against the engine's value of each
    formula cell (``expected``: (sheet, cell) -> value) of the workbook written
    (``sources``): every formula cell has an expectation, and the cells that differ,
    as (key, expected, shown)."""
    formulas = {(sheet.title, cell.coordinate) for sheet in sources.worksheets
                for row in sheet.iter_rows() for cell in row
                if isinstance(cell.value, str) and cell.value.startswith("=")}
    assert formulas == set(expected), "every formula cell has an engine value"
    return [(key, value, values[key[0]][key[1]].value) for key, value in expected.items()
            if not matches(value, values[key[0]][key[1]].value)]

