"""What editors and type checkers see of a case (issue 18): the line classes are made at
run time from model/fields.py, and declared for type checkers in the ``TYPE_CHECKING``
branch of model/case.py, which ``finplan regenerate`` writes from the same tables. The
declarations are up to date, and they describe the classes the code runs with."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from finplan.model import case as case_module

SOURCE = Path(case_module.__file__)


def test_the_declarations_are_those_regenerate_writes():
    text = SOURCE.read_text("utf-8")
    assert case_module.with_declarations(text) == text, (
        "run `finplan regenerate` at the root of the repository")


def _declared() -> dict[str, type]:
    """The classes of the declarations, made as a type checker reads them."""
    text = case_module.declarations()
    body = "\n".join(line[4:] for line in text.splitlines())  # out of the if block
    namespace = {"dataclass": dataclasses.dataclass, "Decimal": Decimal,
                 "datetime": datetime, "PerYear": case_module.PerYear,
                 "Payments": case_module.Payments, "Receipts": case_module.Receipts,
                 "_NeedKinds": case_module._NeedKinds, "__name__": case_module.__name__}
    exec(compile("from __future__ import annotations\n" + body, "declarations", "exec"),
         namespace)
    return {name: value for name, value in namespace.items()
            if isinstance(value, type) and dataclasses.is_dataclass(value)}


@pytest.mark.parametrize("name", sorted(_declared()))
def test_each_declaration_is_the_class_the_code_runs_with(name):
    declared, running = _declared()[name], getattr(case_module, name)
    assert running._fields_key  # made from model/fields.py
    assert [(f.name, str(f.type), f.default) for f in dataclasses.fields(declared)] == [
        (f.name, str(f.type), f.default) for f in dataclasses.fields(running)]
    assert declared.__bases__[0].__name__ == running.__bases__[0].__name__


def test_every_line_class_is_declared():
    running = {name for name, value in vars(case_module).items()
               if isinstance(value, type) and hasattr(value, "_fields_key")}
    assert running == set(_declared())
    assert {"Funder", "Staff", "Project", "Need", "Variation"} <= running


def test_the_package_says_it_is_typed():
    # PEP 561: without this marker, a type checker ignores the package's annotations
    assert (resources.files("finplan") / "py.typed").is_file()
    assert '"py.typed"' in (SOURCE.parents[2] / "pyproject.toml").read_text("utf-8")
