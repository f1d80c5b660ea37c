"""finplan: multi-funder financing plans and 3-year forecast budgets.

>>> import finplan
>>> case = finplan.load_case(finplan.demo_path())
>>> plan = finplan.compute(case)
>>> plan.years
(2027, 2028, 2029)
>>> plan.funding.loc["État : aide au poste ACI", 2027]
Decimal('66380.78')
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from finplan.errors import CaseError, FinplanError, InputFileError, Issue
from finplan.version import __version__  # written only in finplan/version.py

if TYPE_CHECKING:
    from finplan.analysis import compare_plans, replace
    from finplan.model.case import Case
    from finplan.model.public import Plan, compute

# Loaded on first use (PEP 562): ``import finplan`` stays cheap for a command or an
# Excel click that needs only part of it.
_LAZY = {"Case": "finplan.model.case", "Plan": "finplan.model.public",
         "compute": "finplan.model.public", "replace": "finplan.analysis",
         "compare_plans": "finplan.analysis"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'finplan' has no attribute {name!r}")

__all__ = [
    "Case",
    "CaseError",
    "FinplanError",
    "InputFileError",
    "Issue",
    "Plan",
    "__version__",
    "compare_plans",
    "compute",
    "demo_path",
    "load_case",
    "replace",
    "write_workbook",
]


def load_case(source: str | Path | Mapping[str, Any]) -> Case:
    """A validated, frozen case from a case file path (TOML, or a finplan workbook
    ``.xlsx``/``.xlsm``: the case typed in its Hypothèses sheet) or a dict.

    >>> load_case({"format": "finplan/1", "project": {"name": "Recyclerie",
    ...            "organisation": "Asso", "first_year": 2027}}).project.years
    3
    """
    if isinstance(source, Mapping):
        from finplan.model.validation import validate_case

        return validate_case(source)
    if isinstance(source, (str, Path)):
        if Path(source).suffix.lower() in (".xlsx", ".xlsm"):
            from finplan.io.workbook_read import read_workbook_file

            return read_workbook_file(source).case
        from finplan.io.toml_case import read_case_file

        return read_case_file(source)
    raise TypeError("load_case expects a path or a dict")


def write_workbook(plan: Plan, path: str | Path, *, force: bool = False) -> Path | None:
    """Save the plan's complete workbook, the one ``finplan build`` writes (its case
    typed in the Hypothèses sheet, every figure a formula a reviewer can follow), at
    ``path`` (``.xlsx``), safely: through a temporary file, never through an unexpected
    link. An existing file is replaced only with ``force``, and is then kept as a
    backup, whose path is returned (None when no file was replaced). A refusal is a
    :class:`FinplanError` in French, the file unchanged.

    >>> import tempfile, finplan
    >>> plan = finplan.compute(load_case(demo_path()))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "plan.xlsx"
    ...     first = write_workbook(plan, target)
    ...     again = write_workbook(plan, target, force=True)
    ...     print(first, again.name, target.exists())
    None plan.bak.xlsx True
    """
    from finplan.io.workbook_files import save_new, xlsx_path
    from finplan.io.workbook_write import build_workbook

    target = xlsx_path(path)
    return save_new(build_workbook(plan.case, plan).workbook, target, force=force)


def example_paths() -> list[Path]:
    """Paths of every bundled example case, by name."""
    folder = demo_path().parent
    return sorted(folder.glob("*.toml"))


def demo_path() -> Path:
    """Path of the bundled example case (the recyclerie of Chalosse)."""
    return Path(__file__).parent / "examples" / "recyclerie-chalosse.toml"
