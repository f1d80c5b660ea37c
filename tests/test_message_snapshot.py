"""Issue 28, item 2: every French message of the validation, kept as it is today.

The case is about to be described once (a table of fields drives the workbook, the
case file and the validation). Before the validation changes, this test freezes the
messages it gives for a walk of hostile edits of bundled cases — each value replaced
by values of a wrong kind, out of range or empty, each key removed, an unknown key
added to each table — in the order the validation gives them, rendered in the case
file's words and, where they differ, in the workbook's. After the change the
messages are the same, or each change is listed in its commit.

``FINPLAN_SNAPSHOT=write python -m pytest tests/test_message_snapshot.py`` rewrites
the snapshot (then read its diff: every changed line is a changed message).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import finplan
from finplan.errors import CaseError
from finplan.io.toml_case import parse_case_text
from finplan.io.workbook_read import WorkbookWords
from finplan.model.validation import validate_case

SNAPSHOT = Path(__file__).parent / "snapshots" / "validation-messages.txt"
CASES = ("recyclerie-chalosse", "collectif-releve")


def _leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(key path, value) of every value of a raw case, tables walked into; the
    tables themselves too (path, dict), before their values."""
    if isinstance(node, dict):
        if path:
            yield path, node
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list) and node and all(isinstance(item, dict) for item in node):
        for index, item in enumerate(node):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, node


def _hostile(value: Any) -> list[Any]:
    """Values a user may give instead of ``value``."""
    if isinstance(value, bool):
        return ["oui", 1]
    if isinstance(value, (int, float, Decimal)):
        return [-1, "beaucoup", 10 ** 12, True, Decimal("0.5")]
    if isinstance(value, str):
        return ["", 7, "x" * 250, "n'importe quoi"]
    if isinstance(value, list):
        return [[1], ["a", 2, 3], [], "x"]
    return ["x"]


def _set(raw: dict, path: str, value: Any) -> None:
    """Replace (or, with ``...``, remove) the value at ``path`` of ``raw``."""
    node: Any = raw
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if value is ...:
        del node[last]
    else:
        node[last] = value


def _short(value: Any) -> str:
    """An edit's value as the snapshot names it (« 'x' * 250 » for the long text)."""
    if isinstance(value, str) and len(value) > 40:
        return f"{value[0]!r} * {len(value)}"
    return repr(value)


def _messages(raw: dict) -> list[str]:
    try:
        validate_case(raw)
    except CaseError as error:
        lines = []
        for issue, worded in zip(error.issues, error.render(WorkbookWords()).issues):
            lines.append(f"- {issue}")
            if str(worded) != str(issue):
                lines.append(f"  workbook: {worded}")
        return lines
    return []


# Edits beyond the kinds of values: paths a variation names, the plan's duration
# (every list of values a year then has the wrong length), a name given twice.
_SPECIAL = {
    "path": ["expense[0].label", "revenue[99].amount", "funder[Inconnu].cap", "x.y.z"],
    "years": [2, 6],
}


def walk() -> list[str]:
    """The snapshot's lines: each edit, then the messages it gets."""
    lines = []
    for name in CASES:
        path = finplan.demo_path().parent / f"{name}.toml"
        raw = parse_case_text(path.read_text("utf-8"))
        for key_path, value in list(_leaves(raw)):
            if isinstance(value, dict):
                edits = [("inconnu", None)]
            else:
                special = _SPECIAL.get(key_path.rpartition(".")[2], [])
                if key_path.endswith("].name") and key_path.startswith("funder["):
                    special = [raw["funder"][0]["name"]]  # a funder's name given twice
                edits = [(None, hostile) for hostile in [*_hostile(value), *special]] + [
                    (None, ...)]
            for extra, new in edits:
                edited = copy.deepcopy(raw)
                if extra is not None:
                    _set(edited, f"{key_path}.{extra}", 1)
                    shown = f"{key_path}.{extra} = 1"
                else:
                    _set(edited, key_path, new)
                    shown = f"{key_path} removed" if new is ... else f"{key_path} = {_short(new)}"
                lines.append(f"## {name}: {shown}")
                lines.extend(_messages(edited))
    return lines


def test_the_validation_messages_are_those_of_the_snapshot():
    found = "\n".join(walk()) + "\n"
    if os.environ.get("FINPLAN_SNAPSHOT") == "write":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(found, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8")
    if found != expected:
        changed = [f"- {old}\n+ {new}" for old, new in
                   zip(expected.splitlines(), found.splitlines()) if old != new]
        raise AssertionError(f"{len(changed)} lines differ from {SNAPSHOT.name}; the "
                             "first:\n" + "\n".join(changed[:10]))
    assert found.count("\n- ") > 1000  # the walk reached many messages
