"""finplan.excel_lite imports as xlwings Lite's documentation writes it, and stays
importable outside Lite (a consultant's script, the test suite, a desktop Python)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import finplan.excel_lite


def test_the_decorators_come_from_xlwings_as_in_lite_s_documentation():
    tree = ast.parse(Path(finplan.excel_lite.__file__).read_text("utf-8"))
    imports = {(node.module, alias.name) for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert {("xlwings", "func"), ("xlwings", "script")} <= imports
    assert not any(module and module.startswith("xlwings.server") for module, _ in imports)


def test_outside_lite_the_module_imports_and_its_functions_are_plain_functions():
    env = {key: value for key, value in os.environ.items()
           if key not in ("XLWINGS_ON_SERVER", "XLWINGS_LICENSE_KEY")}
    code = ("import finplan.excel_lite as lite; "
            "print(lite.aide_poste('EI', 2025, 1), callable(lite.calculer_le_plan))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["13304.0", "True"]
