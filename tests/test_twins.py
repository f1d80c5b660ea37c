"""Each rule's two shapes: a figure that is plain arithmetic is one function serving
one plan and the draws of a Monte Carlo run alike; an algorithmic kernel keeps a
``*_draws`` twin, which sits in the module of its scalar rule, under the same name,
its docstring pointing at it."""

from __future__ import annotations

import ast
from pathlib import Path

MODEL = Path(__file__).resolve().parent.parent / "finplan" / "model"
SUFFIX = "_draws"


def definitions(path: Path) -> dict[str, ast.AST]:
    """The functions and classes defined at the top of a module, by name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.ClassDef)}


def twins(path: Path) -> dict[str, str | None]:
    """Each ``*_draws`` function (or ``*Draws`` helper class) of the module -> the name
    of its scalar twin if the module defines it, else None."""
    defined = definitions(path)
    found = {}
    for name in defined:
        if name.endswith(SUFFIX):
            scalar = name.removesuffix(SUFFIX)
        elif name.endswith("Draws") and name != "Draws":
            scalar = name.removesuffix("Draws")
        else:
            continue
        found[name] = scalar if scalar in defined else None
    return found


ALL = {(path.stem, name): scalar for path in sorted(MODEL.glob("*.py"))
       for name, scalar in twins(path).items()}


def test_every_draws_function_has_its_scalar_twin_in_its_module():
    assert [f"{module}.{name}" for (module, name), scalar in ALL.items() if scalar is None] == []


def test_each_draws_docstring_points_at_its_scalar_twin():
    missing = []
    for path in sorted(MODEL.glob("*.py")):
        defined = definitions(path)
        for name, scalar in twins(path).items():
            if scalar and f"{scalar}`" not in (ast.get_docstring(defined[name]) or ""):
                missing.append(f"{path.stem}.{name}")
    assert missing == []


def test_the_kernels_have_both_shapes():
    expected = {("money", "split_draws"), ("allocation", "water_fill_draws"),
                ("allocation", "allocate_draws"), ("assets", "loan_schedule_draws"),
                ("assets", "grant_release_draws"), ("cash", "spread_draws"),
                ("cash", "monthly_cash_draws"), ("engine", "compute_draws")}
    assert expected <= set(ALL)
    assert not (MODEL / "vectorised.py").exists()


# Plain arithmetic, written once for both shapes (issue 27): no *_draws twin.
ONE_FORMULA = {"staff": ("gross_salary", "employer_charges", "fte_years", "staff_costs"),
               "amounts": ("expense_amounts", "revenue_amounts"),
               "assets": ("depreciation",),
               "financing": ("working_capital", "financing_rows", "cash_end"),
               "budget": ("result", "caf"), "money": ("to_cents", "times"),
               "funders": ("request", "per_fte_asks", "yearly_caps", "total_cap")}


def test_arithmetic_figures_are_one_function_for_both_shapes():
    for module, names in ONE_FORMULA.items():
        defined = definitions(MODEL / f"{module}.py")
        assert [name for name in names if name not in defined] == [], module
        assert [name for name in names if f"{name}{SUFFIX}" in defined] == [], module


def test_the_checker_finds_a_lonely_twin(tmp_path):
    module = tmp_path / "rule.py"
    module.write_text("def split(x):\n    pass\n\n\ndef split_draws(x):\n    pass\n\n\n"
                      "def spread_draws(x):\n    pass\n", encoding="utf-8")
    assert twins(module) == {"split_draws": "split", "spread_draws": None}
