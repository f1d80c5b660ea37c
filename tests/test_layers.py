"""finplan's layers import one way only, and no module imports itself back.

Every ``import`` statement of ``finplan/`` is read with :mod:`ast` — at the top of a
module, inside a function or under ``TYPE_CHECKING`` alike: a lazy import is still a
dependency — and checked against the layers of docs/architecture.md (« Layers »):

1. ``version``, ``errors``, ``rates``: below everything, they import nothing of
   finplan but each other;
2. ``model/``: the pure core; it imports only itself and the layer below;
3. ``analysis``, ``simulation``, ``report``, ``plots``: computations, texts and charts
   over a plan (scenarios, Monte Carlo, French tables, matplotlib figures), no file and
   no Excel; ``io/`` may use them;
4. ``io/``: the adapters (case files, workbooks); never the commands, the Excel entry
   points or the package root;
5. the package root, ``batch``, ``cli``, ``excel*``: the entry points.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "finplan"

# (layer, the module names or package prefixes in it), lowest first
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("finplan.version", "finplan.errors", "finplan.rates")),
    ("model", ("finplan.model",)),
    ("services", ("finplan.analysis", "finplan.simulation", "finplan.report",
                  "finplan.plots")),
    ("io", ("finplan.io",)),
    ("entry", ("finplan", "finplan.batch", "finplan.cli", "finplan.excel",
               "finplan.excel_desktop", "finplan.excel_lite")),
)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The finplan modules ``name`` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def module_of(dotted: str) -> str:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {module_of(alias.name) for alias in node.names
                      if alias.name.split(".")[0] == "finplan"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            if base.split(".")[0] != "finplan":
                continue
            for alias in node.names:  # ``from finplan.model import checks`` is a module
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else module_of(base))
    found.discard(name)
    return found


def layer_of(name: str) -> int:
    """The index of the layer holding ``name`` (the longest matching prefix)."""
    best, length = -1, -1
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            if (name == member or name.startswith(member + ".")) and len(member) > length:
                best, length = index, len(member)
    return best


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    known = modules(package)
    return {name: imports(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


EDGES = graph()


def test_every_module_has_a_layer():
    assert [name for name in EDGES if layer_of(name) < 0] == []


@pytest.mark.parametrize("name", sorted(EDGES))
def test_a_module_imports_only_its_layer_and_those_below(name):
    above = sorted(target for target in EDGES[name] if layer_of(target) > layer_of(name))
    assert above == [], f"{name} ({LAYERS[layer_of(name)][0]}) imports {above}"


def test_no_import_cycle():
    assert cycles(EDGES) == []


def test_the_checker_sees_what_the_issue_named(tmp_path):
    """The three breaks issue 26 found on main, rebuilt in a small package: each is
    reported (the checker is not blind to lazy imports, relative imports or the root)."""
    package = tmp_path / "finplan"
    for name, source in {
        "__init__.py": "__version__ = '0'\n",
        "errors.py": "def f():\n    from finplan.model.vocabulary import WORDS\n",
        "model/__init__.py": "",
        "model/vocabulary.py": "WORDS = 1\n",
        "model/montecarlo.py": "def drawn():\n    from .validation import check\n",
        "model/validation.py": "from finplan.model.montecarlo import drawn\n",
        "io/__init__.py": "",
        "io/setup.py": "def version():\n    from finplan import __version__\n",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(source, encoding="utf-8")
    edges = graph(package)
    assert cycles(edges) == [["finplan.model.montecarlo", "finplan.model.validation"]]
    upward = {name: sorted(t for t in targets if layer_of(t) > layer_of(name))
              for name, targets in edges.items()}
    assert upward["finplan.errors"] == ["finplan.model.vocabulary"]
    assert upward["finplan.io.setup"] == ["finplan"]
