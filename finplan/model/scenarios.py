"""Scenarios: a case with some values overridden by key path.

A key path names one value of a case file: ``project.start_month``,
``revenue[0].quantity``, ``needs.investment.max_public_share``; a list item is
chosen by index (from 0) or, for funders, by name:
``funder[Région Nouvelle-Aquitaine (ESS)].cap_total``.

>>> parse_path("funder[Région (ESS)].cap_total")
[('funder', 'Région (ESS)'), ('cap_total', None)]
>>> raw = {"revenue": [{"label": "Ventes", "quantity": 10}]}
>>> set_path(raw, "revenue[0].quantity", [35, 55, 70])["revenue"][0]["quantity"]
[35, 55, 70]
>>> raw["revenue"][0]["quantity"]
10
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from finplan.model.names import clean_text, name_key
from finplan.model.vocabulary import counted

__all__ = ["Scenario", "parse_path", "get_path", "set_path", "PathError", "names_item"]

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]+)\])?")


class PathError(ValueError):
    """A key path that does not name a value of the case (French message)."""


@dataclass(frozen=True)
class Scenario:
    """A named set of overrides: key path -> value as in a case file."""

    name: str
    overrides: tuple[tuple[str, Any], ...]


def parse_path(path: str) -> list[tuple[str, str | None]]:
    """Split a key path into (key, index or name) segments (the path read as
    :func:`~finplan.model.names.clean_text` reads a name)."""
    path = clean_text(path)
    segments, position = [], 0
    while position < len(path):
        found = _SEGMENT.match(path, position)
        if not found:
            raise PathError(f"chemin de clé illisible « {path} »")
        segments.append((found.group(1), found.group(2)))
        position = found.end()
        if position < len(path):
            if path[position] != ".":
                raise PathError(f"chemin de clé illisible « {path} »")
            position += 1
    if not segments:
        raise PathError("chemin de clé vide")
    return segments


def _item(items: Any, selector: str, key: str) -> dict:
    if not isinstance(items, list):
        raise PathError(f"« {key} » n'est pas une liste du dossier")
    if selector.strip().lstrip("-").isdigit():
        index = int(selector)
        if not 0 <= index < len(items):
            raise PathError(f"{key}[{index}] n'existe pas : la liste a "
                            f"{counted(len(items), 'élément')}, numérotés à partir de 0")
        return items[index]
    for item in items:
        if names_item(item, selector):
            return item
    raise PathError(f"aucun élément « {selector} » dans {key}")


def names_item(item: Any, selector: str) -> bool:
    """Whether a list item of a raw case is the one ``selector`` names (its name,
    label, role or id, compared as a person reads them: :func:`name_key`).

    >>> names_item({"name": "Re\u0301gion"}, "Région\u200b")
    True
    """
    if not isinstance(item, dict):
        return False
    wanted = name_key(selector)
    return any(isinstance(item.get(key), str) and name_key(item[key]) == wanted
               for key in ("name", "label", "role", "id"))


def _parent(raw: dict, path: str) -> tuple[dict, str]:
    segments = parse_path(path)
    node: Any = raw
    for key, selector in segments[:-1]:
        if not isinstance(node, dict):
            raise PathError(f"« {path} » ne désigne pas une valeur du dossier")
        node = node.setdefault(key, {}) if selector is None else _item(node.get(key), selector,
                                                                       key)
    key, selector = segments[-1]
    if selector is not None:
        node = _item(node.get(key), selector, key)
        raise PathError(f"« {path} » désigne un élément entier, pas une valeur")
    if not isinstance(node, dict):
        raise PathError(f"« {path} » ne désigne pas une valeur du dossier")
    return node, key


def get_path(raw: dict, path: str) -> Any:
    """The value at ``path`` (None when absent)."""
    node, key = _parent(copy.deepcopy(raw), path)
    return node.get(key)


def set_path(raw: dict, path: str, value: Any) -> dict:
    """A copy of ``raw`` with ``value`` at ``path``; ``None`` removes the value (an
    optional one then takes its default).

    >>> set_path({"funder": [{"name": "Région", "cap": 9}]}, "funder[Région].cap", None)
    {'funder': [{'name': 'Région'}]}
    """
    changed = copy.deepcopy(raw)
    node, key = _parent(changed, path)
    if value is None:
        node.pop(key, None)
    else:
        node[key] = value
    return changed
