"""Small builders shared by the tests: a minimal valid case as a dict."""

from __future__ import annotations

import copy
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import finplan
from finplan.cli import main
from finplan.model.engine import compute
from finplan.model.plan import PlanInternals


def base_case(**project: Any) -> dict[str, Any]:
    """The smallest valid case: a project and nothing else (2 years from 2027)."""
    settings = {"name": "Essai", "organisation": "Association d'essai",
                "first_year": 2027, "years": 2}
    settings.update(project)
    return {"format": "finplan/1", "project": settings}


def case_with(**sections: Any) -> dict[str, Any]:
    """A base case plus the given top-level sections (``expense=[...]``...)."""
    raw = base_case()
    for key, value in sections.items():
        if key == "project":
            raw["project"].update(value)
        else:
            raw[key] = copy.deepcopy(value)
    return raw


def plan_of(raw: dict[str, Any]) -> PlanInternals:
    """The engine's plan (cents) of a raw case."""
    return compute(finplan.load_case(raw))


def cents(amount: str | int) -> int:
    """Euros written as in the arithmetic comments -> integer cents."""
    return int(Decimal(str(amount)) * 100)


def key_paths(node: Any, prefix: tuple = ()):
    """Every key path of a nested case, as tuples of keys and indexes."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from key_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from key_paths(value, (*prefix, index))


def refused(folder: Path, path: Path, command: str = "fill") -> str:
    """Run ``finplan COMMAND path``: it must stop with exit 2 and a French message,
    ``path`` byte for byte unchanged and nothing added to or removed from ``folder``.
    Returns the message."""
    before = sorted(p.name for p in folder.iterdir())
    content = path.read_bytes()
    result = CliRunner().invoke(main, [command, str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Erreur interne" not in result.output
    assert path.read_bytes() == content
    assert sorted(p.name for p in folder.iterdir()) == before
    return result.output


def symlink_or_skip(link: Path, to: Path | str) -> None:
    """Make a symbolic link, or skip the test where the account may not (Windows
    without the privilege): the behaviour under test needs a real link."""
    import pytest

    try:
        os.symlink(to, link)
    except (OSError, NotImplementedError) as error:
        pytest.skip(f"symbolic links cannot be made here: {error}")


def draws_and_plans(case: Any) -> tuple[Any, list[PlanInternals]]:
    """The Monte Carlo evaluation of a case's draws (``compute_draws``) and the
    engine's plan of each drawn case, to compare them draw by draw."""
    from finplan.model.case_dict import case_to_dict
    from finplan.model.engine import compute_draws
    from finplan.model.montecarlo import draws_of
    from finplan.simulation import drawn_case

    settings = case.montecarlo
    xs = draws_of(case, settings.draws, settings.seed)
    typed = case_to_dict(case)
    return compute_draws(case, xs), [compute(drawn_case(case, typed, xs[:, draw]))
                                     for draw in range(settings.draws)]


def click_recalculated(filled: Path, shown: Path, folder: Path, profile: Path,
                       clicks: int = 1) -> tuple[list[bool], Path]:
    """Click « Calculer le plan » on the workbook ``filled`` through xlwings' remote
    engine ``clicks`` times (the first time as LibreOffice showed it: ``shown``, then
    as the previous click left it), play the actions on it, save it and recalculate it
    with LibreOffice: what each click returned, and the recalculated workbook."""
    import xlwings as xw  # the remote engine is active: see conftest.py (licence key)
    from openpyxl import load_workbook
    from spreadsheet import convert
    from xlwings_client import apply, payload

    from finplan import excel

    workbook = load_workbook(filled)
    returned = []
    for click in range(clicks):
        book = xw.Book(json=payload(load_workbook(shown, data_only=True) if click == 0
                                    else workbook, client="Office.js"))
        returned.append(excel.calculer(book))
        apply(book.json()["actions"], workbook, points=True)
    clicked = folder / "clique.xlsx"
    workbook.save(clicked)
    (after,) = convert([clicked], folder / "after", profile)
    return returned, after


def clicked_and_built(template: Any, case: Any, folder: Path) -> tuple[list[bool], Any, Any]:
    """The workbook ``template`` (filled in as a volunteer would) saved, clicked once
    (:func:`click_recalculated`), and ``case``'s workbook from finplan build, both
    recalculated by LibreOffice: what the click returned, the clicked workbook's values
    and build's."""
    from openpyxl import load_workbook
    from spreadsheet import convert, make_profile

    from finplan.io.workbook_write import build_workbook

    filled = folder / "plan.xlsx"
    template.save(filled)
    built = folder / "build.xlsx"
    build_workbook(case).workbook.save(built)
    profile = make_profile(folder / "profile")
    shown, built_values = convert([filled, built], folder / "shown", profile)
    returned, after = click_recalculated(filled, shown, folder, profile)
    return returned, load_workbook(after, data_only=True), load_workbook(built_values,
                                                                          data_only=True)
