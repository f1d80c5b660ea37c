"""A validated case back into the raw dict of its case file (the inverse of validation).

Used to write case files, and to apply scenarios: a scenario's case is the base
case's dict with some values replaced, validated again.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from finplan.model.case import Case
from finplan.model.fields import attributes, items_of, lines

__all__ = ["case_to_dict", "left_out", "plain_value"]


def plain_value(value: Any) -> Any:
    """A case value as TOML writes it (tuples -> lists; integral decimals -> int)."""
    if isinstance(value, (tuple, list)):
        return [plain_value(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def case_to_dict(case: Case) -> dict[str, Any]:
    """A case as the raw dict of its case file (defaults written out), each table and
    line as its fields in :mod:`finplan.model.fields` describe it.

    >>> import finplan
    >>> case = finplan.load_case(finplan.demo_path())
    >>> finplan.load_case(case_to_dict(case)) == case
    True
    """
    raw: dict[str, Any] = {"format": "finplan/1",
                           "project": _table(case.project, "project"),
                           "indexation": _table(case.indexation, "indexation"),
                           "working_capital": {"days": plain_value(case.working_capital_days)}}
    if case.members:  # each member has its own opening cash
        del raw["project"]["opening_cash"]
    ceilings = {need.id: {"max_public_share": plain_value(need.max_public_share)}
                for need in case.needs if not need.is_custom and need.max_public_share}
    if ceilings:
        raw["needs"] = ceilings
    # the members first: the other lines belong to them
    for described in sorted(lines(), key=lambda item: item.key != "member"):
        items = items_of(case, described)
        if items:
            raw[described.key] = [_table(item, described.key, left_out(described.key, item))
                                  for item in items]
    if case.scenarios:
        raw["scenario"] = [{"name": scenario.name,
                            "set": {path: plain_value(value) for path, value in scenario.overrides}}
                           for scenario in case.scenarios]
    if case.montecarlo is not None:
        settings = case.montecarlo
        raw["montecarlo"] = {"draws": settings.draws, "seed": settings.seed,
                             "vary": [_table(variation, "montecarlo.vary")
                                      for variation in settings.vary]}
    return raw


def _table(item: Any, key: str, left_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """A line of list ``key`` (or its table of parameters) as its case file writes it:
    each value under its field's key, a collective's shares as a TOML table
    (id = share); the values it does not have (None) and ``left_out`` aside."""
    table: dict[str, Any] = {}
    for described in attributes(key):
        value = getattr(item, described.attribute or described.key)
        if not described.case or value is None or described.key in left_out:
            continue
        table[described.key] = ({member: plain_value(part) for member, part in value}
                                if described.kind == "split" else plain_value(value))
    return table


def left_out(key: str, item: Any) -> tuple[str, ...]:
    """The values of a line of list ``key`` its case file and its workbook row leave
    out, as validation refuses them with the line's other values or they say nothing:
    a funder's weight but for the rule « share », own funds not brought in, a
    contract's fee outside a collective (0), a bridging facility's fee of 0.

    >>> from decimal import Decimal
    >>> from finplan.model.case import Funder
    >>> left_out("funder", Funder("Région", "public", "rate", rate=Decimal("0.2")))
    ('weight', 'brought_in')
    """
    if key == "funder":
        return (() if item.rule == "share" else ("weight",)) + (
            () if item.brought_in else ("brought_in",))
    if key == "expense" and not item.variable:
        return ("variable",)
    if key == "contract" and not item.fee_rate:
        return ("fee_rate",)
    if key == "bridge" and not item.fee:
        return ("fee",)
    return ()
