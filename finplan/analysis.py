"""Comparing plans: scenarios side by side and sensitivity tables.

Both re-run the engine on variations of a case: a scenario replaces values by
key path; a sensitivity varies one or two values by a relative amount (applied
to every year of a per-year value).

>>> import finplan
>>> table = sensitivity(finplan.load_case(finplan.demo_path()),
...                     [("revenue[0].unit_price", Decimal("-0.1"), Decimal("0.1"))],
...                     steps=3, measure="result")
>>> list(table.index), table.columns.tolist()
(['-10 %', '+0 %', '+10 %'], ['result'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from finplan.errors import CaseError, FinplanError, Issue
from finplan.model.case import Case
from finplan.model.case_dict import case_to_dict, plain_value
from finplan.model.engine import compute
from finplan.model.money import Cents, euros, format_decimal
from finplan.model.plan import PlanInternals
from finplan.model.public import Plan, internals_of
from finplan.model.scenarios import PathError, Scenario, get_path, set_path
from finplan.model.validation import validate_case

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MEASURES", "PlanComparison", "Variation", "compare", "compare_plans", "measure_of",
           "replace", "scenario_case", "sensitivity"]

# What a sensitivity table can show, in cents, from a plan.
MEASURES = {
    "result": "Résultat cumulé sur le plan",
    "unfunded": "Besoins non financés (total)",
    "cash_low": "Point bas de trésorerie mensuelle",
    "bridging_need": "Besoin de financement relais",
}
Variation = tuple[str, Decimal, Decimal]  # key path, lowest and highest relative change


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise FinplanError(f"mesure inconnue « {measure} » : choisissez parmi "
                           f"{', '.join(MEASURES)}")


def measure_of(plan: Plan | PlanInternals, measure: str) -> Decimal:
    """One figure of a plan (:data:`MEASURES`), in euros.

    >>> import finplan
    >>> measure_of(finplan.compute(finplan.load_case(finplan.demo_path())), "result")
    Decimal('-173.36')
    """
    _check_measure(measure)
    return euros(_cents_of(internals_of(plan), measure))


def _cents_of(plan: PlanInternals, measure: str) -> Cents:
    if measure == "result":
        return sum(plan.result)
    if measure == "unfunded":
        return sum(sum(need.unfunded) for need in plan.need_results)
    if measure == "cash_low":
        return plan.monthly.low[0]
    return plan.monthly.bridging_need  # the last measure


def _base(case: Case) -> dict[str, Any]:
    raw = case_to_dict(case)
    raw.pop("scenario", None)
    return raw


def _validated(raw: dict[str, Any], where: str) -> Case:
    try:
        return validate_case(raw)
    except CaseError as error:
        raise CaseError(Issue(where, problem=f"la variante n'est pas valable : {issue}")
                        for issue in error.issues) from None


def scenario_case(case: Case, scenario: Scenario) -> Case:
    """The case of a scenario: the base case with the scenario's values."""
    raw = _base(case)
    for path, value in scenario.overrides:
        raw = set_path(raw, path, plain_value(value))
    return _validated(raw, f"scénario « {scenario.name} »")


_UNSET: Any = object()


def replace(case: Case, changes: str | Mapping[str, Any], value: Any = _UNSET) -> Case:
    """A variant of ``case``: the value at a key path replaced (``replace(case, path,
    value)``), or several at once (``replace(case, {path: value, …})``), the way
    :func:`dataclasses.replace` gives a changed copy. ``None`` removes a value: an
    optional one falls back to its default. Key paths are those of scenarios
    (:mod:`finplan.model.scenarios`): ``funder[Région].rate``, ``revenue[0].quantity``,
    ``project.start_month``. The variant is validated again; a bad path or value raises
    :class:`~finplan.errors.CaseError` with French messages naming the key path.

    >>> import finplan
    >>> case = finplan.load_case(finplan.demo_path())
    >>> later = replace(case, "project.start_month", 6)
    >>> later.project.start_month, case.project.start_month
    (6, 3)
    >>> several = replace(case, {"indexation.costs": 0.03, "funder[0].cap": None})
    >>> several.indexation.costs, several.funders[0].cap
    (Decimal('0.03'), None)
    """
    if isinstance(changes, str):
        if value is _UNSET:
            raise TypeError("replace(case, path, value): give the value for the path")
        changes = {changes: value}
    elif value is not _UNSET:
        raise TypeError("replace(case, {path: value, …}) takes no separate value")
    raw, issues = case_to_dict(case), []
    for path, new in changes.items():
        try:
            raw = set_path(raw, path, plain_value(new))
        except PathError as error:
            issues.append(Issue(path, problem=str(error), hint="une clé comme dans un "
                                "dossier finplan : funder[Région].rate, revenue[0].quantity, "
                                "project.start_month (listes numérotées à partir de 0)"))
    if issues:
        raise CaseError(issues)
    return validate_case(raw)


class PlanComparison(NamedTuple):
    """Plans side by side (:func:`compare_plans`), in tidy frames, amounts in euros:
    ``funders`` a row per variant, funder and year (columns ``variant``, ``funder``,
    ``type``, ``year``, ``amount``); ``measures`` a row per key figure and a column per
    variant (the figures of :func:`compare`)."""

    funders: pd.DataFrame
    measures: pd.DataFrame


def compare_plans(plans: Mapping[str, Plan] | Sequence[Plan]) -> PlanComparison:
    """Several plans side by side (a mapping names the variants; a list numbers them
    from 1).

    >>> import finplan
    >>> case = finplan.load_case(finplan.demo_path())
    >>> both = compare_plans({"base": finplan.compute(case),
    ...                       "juin": finplan.compute(replace(case, "project.start_month", 6))})
    >>> both.measures.columns.tolist()
    ['base', 'juin']
    >>> both.funders.columns.tolist()
    ['variant', 'funder', 'type', 'year', 'amount']
    """
    import pandas as pd

    named = {name: internals_of(plan) for name, plan in (
        plans.items() if isinstance(plans, Mapping) else
        ((str(number), plan) for number, plan in enumerate(plans, start=1)))}
    funders = [{"variant": variant, "funder": funding.name, "type": funding.type,
                "year": year, "amount": euros(amount)}
               for variant, plan in named.items() for funding in plan.funder_results
               for year, amount in zip(plan.years, funding.amounts)]
    measures = pd.DataFrame({variant: _row(plan) for variant, plan in named.items()})
    return PlanComparison(pd.DataFrame(funders, columns=["variant", "funder", "type",
                                                          "year", "amount"]), measures)


def _row(plan: PlanInternals) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for year, value in zip(plan.years, plan.result):
        row[f"Résultat {year}"] = euros(value)
    row["Non financé (total)"] = measure_of(plan, "unfunded")
    for year, value in zip(plan.years, plan.cash_end):
        row[f"Trésorerie fin {year}"] = euros(value)
    row["Point bas de trésorerie"] = measure_of(plan, "cash_low")
    row["Besoin de financement relais"] = measure_of(plan, "bridging_need")
    row["Contrôles à revoir"] = ", ".join(c.id for c in plan.check_results if c.fails) or "—"
    return row


def compare(case: Case, base: Plan | PlanInternals | None = None) -> pd.DataFrame:
    """Key figures of the base case and of each scenario, side by side (``base``: the
    case's plan when it is already computed)."""
    import pandas as pd

    columns = {"Base": _row(compute(case) if base is None else internals_of(base))}
    for scenario in case.scenarios:
        columns[scenario.name] = _row(compute(scenario_case(case, scenario)))
    return pd.DataFrame(columns)


def _varied(value: Any, change: Decimal, path: str) -> Any:
    if isinstance(value, (list, tuple)):
        return [_varied(item, change, path) for item in value]
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        raise FinplanError(f"« {path} » n'est pas un nombre : on ne peut pas le faire varier")
    return Decimal(str(value)) * (1 + change)


def _steps(low: Decimal, high: Decimal, steps: int) -> list[Decimal]:
    if steps < 2:
        raise FinplanError("il faut au moins 2 pas pour une table de sensibilité")
    return [low + (high - low) * index / (steps - 1) for index in range(steps)]


def _label(change: Decimal) -> str:
    return ("+" if change >= 0 else "") + format_decimal(
        (change * 100).quantize(Decimal("0.1")).normalize()) + " %"


def sensitivity(case: Case, variations: Sequence[Variation], steps: int = 7,
                measure: str = "result") -> pd.DataFrame:
    """The measure for each relative change of one value (a column) or two (a grid).

    Each change multiplies every year of the value at the key path by
    ``1 + change``.
    """
    import pandas as pd

    if not 1 <= len(variations) <= 2:
        raise FinplanError("une table de sensibilité fait varier une ou deux valeurs")
    base = _base(case)
    originals = []
    for path, _, _ in variations:
        try:
            original = get_path(base, path)
        except PathError as error:
            raise FinplanError(str(error)) from None
        if original is None:
            raise FinplanError(f"« {path} » n'a pas de valeur dans ce dossier")
        originals.append(original)
    grids = [_steps(low, high, steps) for _, low, high in variations]

    def value(changes: Sequence[Decimal]) -> Decimal:
        raw = base
        for (path, _, _), original, change in zip(variations, originals, changes):
            raw = set_path(raw, path, _varied(original, change, path))
        where = ", ".join(f"{path} {_label(change)}"
                          for (path, _, _), change in zip(variations, changes))
        plan = compute(_validated(raw, where))
        return measure_of(plan, measure)

    _check_measure(measure)
    if len(variations) == 1:
        return pd.DataFrame({measure: [value([change]) for change in grids[0]]},
                            index=[_label(change) for change in grids[0]])
    return pd.DataFrame([[value([first, second]) for second in grids[1]]
                         for first in grids[0]],
                        index=pd.Index([_label(c) for c in grids[0]], name=variations[0][0]),
                        columns=pd.Index([_label(c) for c in grids[1]],
                                         name=variations[1][0]))
