"""A real spreadsheet engine for the tests: LibreOffice, headless.

Each workbook is converted xlsx -> xlsx by LibreOffice with recalculation on
load forced (a profile whose OOXMLRecalcMode is 0, "always"), so no cached
value survives; openpyxl then reads the recalculated values.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

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


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
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
