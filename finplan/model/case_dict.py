"""A validated case back into the raw dict of its case file (the inverse of validation).

Used to write case files, and to apply scenarios: a scenario's case is the base
case's dict with some values replaced, validated again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from finplan.model.case import Case

__all__ = ["case_to_dict", "plain_value"]


def plain_value(value: Any) -> Any:
    """A case value as TOML writes it (tuples -> lists; integral decimals -> int)."""
    if isinstance(value, (tuple, list)):
        return [plain_value(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    return value


def case_to_dict(case: Case) -> dict[str, Any]:
    """A case as the raw dict of its case file (defaults written out).

    >>> import finplan
    >>> case = finplan.load_case(finplan.demo_path())
    >>> finplan.load_case(case_to_dict(case)) == case
    True
    """
    def table(item: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        return {key: plain_value(value) for key, value in vars(item).items()
                if value is not None and key not in skip}

    raw: dict[str, Any] = {"format": "finplan/1", "project": table(case.project),
                           "indexation": table(case.indexation),
                           "working_capital": {"days": plain_value(case.working_capital_days)}}
    ceilings = {need.id: {"max_public_share": plain_value(need.max_public_share)}
                for need in case.needs if not need.is_custom and need.max_public_share}
    if ceilings:
        raw["needs"] = ceilings
    if case.members:
        raw["member"] = [table(member) for member in case.members]
    for key, items in (("staff", case.staff), ("revenue", case.revenue),
                       ("contract", case.contracts), ("expense", case.expenses),
                       ("investment", case.investments), ("loan", case.loans)):
        if items:
            raw[key] = [table(item) for item in items]
    for contract in raw.get("contract", ()):
        for key in ("split", "split_hours"):  # a TOML table: id = share, id = hours
            if key in contract:
                contract[key] = dict(contract[key])
        if not contract.get("fee_rate"):
            contract.pop("fee_rate", None)
    if case.members:  # each member has its own opening cash
        raw["project"].pop("opening_cash", None)
    custom = [table(need) for need in case.needs if need.is_custom]
    if custom:
        raw["need"] = custom
    funders = []
    for funder in case.funders:
        entry = table(funder, skip=(() if funder.rule == "share" else ("weight",))
                      + (() if funder.brought_in else ("brought_in",)))
        funders.append(entry)
    if funders:
        raw["funder"] = funders
    if case.bridges:
        raw["bridge"] = [{"from" if key == "from_month" else key: value
                          for key, value in table(bridge).items()}
                         for bridge in case.bridges]
    if case.scenarios:
        raw["scenario"] = [{"name": scenario.name,
                            "set": {path: plain_value(value) for path, value in scenario.overrides}}
                           for scenario in case.scenarios]
    if case.montecarlo is not None:
        settings = case.montecarlo
        raw["montecarlo"] = {
            "draws": settings.draws, "seed": settings.seed,
            "vary": [{key: plain_value(value) for key, value in vars(variation).items()
                      if value is not None} for variation in settings.vary]}
    return raw
