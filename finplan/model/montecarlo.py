"""Monte Carlo settings: which values vary and how they are drawn.

A variation names one value of the case by key path (``revenue[0].quantity``,
``funder[Région (ESS)].cap``) and multiplies it by ``1 + x`` in every year,
``x`` drawn from its distribution.  Draws come from numpy's PCG64 generator
seeded with ``seed``: the variations in file order, all draws of the first,
then all draws of the second… so a run is reproduced exactly by its seed.

Only amounts can vary (see :data:`VARIABLE_FIELDS`): quantities, prices,
expenses, FTE, salaries, investments, loans, funders' amounts, rates and
ceilings, custom needs, the opening cash and the BFR days.  Months, years,
weights, priorities and indexation rates are the frame of the plan and stay put.

>>> from decimal import Decimal as D
>>> variation = Variation("revenue[0].quantity", "uniform", low=D("-0.3"), high=D("0.1"))
>>> xs = draw_variations((variation,), draws=4, seed=42)
>>> xs.shape, bool(((xs >= -0.3) & (xs <= 0.1)).all())
((1, 4), True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from finplan.model.case import Case, Variation
from finplan.model.decisions import PENDING, status_of
from finplan.model.fields import DEFAULT_DRAWS, DEFAULT_SEED, is_parameters, varying
from finplan.model.scenarios import PathError, names_item, parse_path
from finplan.model.vocabulary import counted

if TYPE_CHECKING:  # numpy is imported when draws are made: a click need not load it
    import numpy as np

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "VARIABLE_FIELDS",
    "ItemValues",
    "TYPED",
    "Target",
    "draws_of",
    "decision_targets",
    "draw_variations",
    "target_of",
]

# The values a variation may name: list key -> fields, those of the tables of
# parameters (project, working_capital: single values) last; marked so in
# finplan.model.fields.
VARIABLE_FIELDS: dict[str, tuple[str, ...]] = varying()


@dataclass(frozen=True)
class Target:
    """What a variation changes: ``collection[index].field`` (index None for a
    single value such as ``project.opening_cash``)."""

    collection: str
    index: int | None
    field: str


def _allowed_text() -> str:
    return ", ".join(f"{key}.{fields[0]}" if is_parameters(key)
                     else f"{key}[…].{'|'.join(fields)}"
                     for key, fields in VARIABLE_FIELDS.items())


def target_of(raw: Mapping[str, Any], path: str) -> Target:
    """Resolve a key path against a raw case; :class:`PathError` (French) if it does not
    name a value that can vary.

    >>> raw = {"funder": [{"name": "État", "amount": 5}, {"name": "Région", "cap": 9}]}
    >>> target_of(raw, "funder[Région].cap")
    Target(collection='funder', index=1, field='cap')
    >>> target_of(raw, "funder[1].weight")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    finplan.model.scenarios.PathError: « funder[1].weight » ne peut pas varier : ...
    """
    segments = parse_path(path)
    refused = PathError(f"« {path} » ne peut pas varier : seules ces valeurs peuvent "
                        f"varier : {_allowed_text()}")
    if len(segments) != 2:
        raise refused
    (key, selector), (field, extra) = segments
    if extra is not None or field not in VARIABLE_FIELDS.get(key, ()):
        raise refused
    if is_parameters(key):
        if selector is not None:
            raise refused
        return Target(key, None, field)
    if selector is None:
        raise PathError(f"« {path} » : précisez l'élément de la liste, par exemple "
                        f"{key}[0].{field}")
    items = raw.get(key)
    if not isinstance(items, list):
        raise PathError(f"« {path} » : le dossier n'a pas de liste « {key} »")
    index = _index(items, selector, key)
    item = items[index]
    if not isinstance(item, Mapping) or item.get(field) is None:
        raise PathError(f"« {path} » : cet élément n'a pas de valeur « {field} » à faire "
                        "varier")
    return Target(key, index, field)


def _index(items: Sequence[Any], selector: str, key: str) -> int:
    if selector.strip().lstrip("-").isdigit():
        index = int(selector)
        if not 0 <= index < len(items):
            raise PathError(f"{key}[{index}] n'existe pas : la liste a "
                            f"{counted(len(items), 'élément')}, numérotés à partir de 0")
        return index
    for index, item in enumerate(items):
        if isinstance(item, Mapping) and names_item(dict(item), selector):
            return index
    raise PathError(f"aucun élément « {selector} » dans {key}")


def decision_targets(case: Case) -> list[Target]:
    """The requests whose decision a Monte Carlo run draws (spec §7, basis
    ``attendu``): each funder with a year still envisaged or requested, in file order.
    Its draw is one uniform number ``u`` in [0, 1) for all its years: the request is
    granted in year ``y`` when ``u < probability(y)`` — one answer per request, the
    same in every year of equal probability.

    >>> from finplan.model.case import Funder, Project
    >>> case = Case(Project("P", "O", 2027, basis="attendu"), funders=(
    ...     Funder("Région", "public", "fixed", status="vote"),
    ...     Funder("Fondation", "private", "share", probability=Decimal("0.5"))))
    >>> decision_targets(case)
    [Target(collection='funder', index=1, field='decision')]
    """
    if case.project.basis != "attendu":
        return []
    return [Target("funder", index, "decision") for index, funder in enumerate(case.funders)
            if any(status_of(funder, y) in PENDING for y in range(1, case.project.years + 1))]


def draws_of(case: Case, draws: int, seed: int) -> np.ndarray:
    """A run's draws: one row per variation of ``case.montecarlo``, then one per
    request whose decision is drawn (:func:`decision_targets`), one column per draw."""
    assert case.montecarlo is not None
    return draw_variations(case.montecarlo.vary, draws, seed, len(decision_targets(case)))


def draw_variations(vary: Sequence[Variation], draws: int, seed: int, decisions: int = 0
                    ) -> np.ndarray:
    """The relative variations ``x``: one row per variation, one column per draw;
    then ``decisions`` rows of uniform numbers in [0, 1), one per request whose
    decision is drawn (:func:`draws_of`), drawn after the variations so that these
    stay the same."""
    import numpy as np

    generator = np.random.Generator(np.random.PCG64(seed))
    rows = []
    for variation in vary:
        if variation.dist == "uniform":
            row = generator.uniform(float(variation.low), float(variation.high), draws)
        elif variation.dist == "triangular":
            row = generator.triangular(float(variation.low), float(variation.mode),
                                       float(variation.high), draws)
        else:
            row = _truncated_normal(generator, float(variation.sd), draws)
        rows.append(row)
    rows += [generator.uniform(0.0, 1.0, draws) for _ in range(decisions)]
    return np.array(rows, dtype=np.float64).reshape(len(vary) + decisions, draws)


def _truncated_normal(generator: np.random.Generator, sd: float, draws: int) -> np.ndarray:
    """Normal(0, sd) conditioned on ``x >= -1`` (the value stays positive): the draws
    below are drawn again."""
    values = generator.normal(0.0, sd, draws)
    below = values < -1
    while below.any():
        values[below] = generator.normal(0.0, sd, int(below.sum()))
        below = values < -1
    return values


class Draws:
    """The draws of a run: the factor ``1 + x`` of each variation (draws), by the value
    it changes; ``count`` draws.  :meth:`item` gives one item's values as its formulas
    read them; a figure no variation touches is computed once by the rule for one plan
    and kept as one row (:meth:`row`), broadcast against the draws.

    >>> import numpy as np
    >>> from decimal import Decimal as D
    >>> draws = Draws({Target("expense", 0, "amount"): np.array([0.5, 1.5])}, count=2)
    >>> draws.item("expense", 0).of("amount").one(D(100), "amount").tolist()
    [[50.0], [150.0]]
    >>> draws.item("expense", 1) is TYPED, Draws.row([1, 2]).tolist()
    (True, [[1, 2]])
    """

    def __init__(self, factors: Mapping[Target, np.ndarray], count: int):
        self.factors, self.count = dict(factors), count

    @classmethod
    def of(cls, case: Case, xs: np.ndarray) -> Draws:
        """The draws of ``xs``: one row of relative variations per
        ``case.montecarlo.vary``, one column per draw (:func:`draw_variations`)."""
        factors = {}
        if case.montecarlo is not None and len(xs):
            from finplan.model.case_dict import case_to_dict

            raw = case_to_dict(case)
            vary = case.montecarlo.vary
            factors = {target_of(raw, variation.path): 1.0 + row
                       for variation, row in zip(vary, xs[:len(vary)], strict=True)}
            # the decisions drawn: the uniform numbers themselves (ItemValues.chance)
            factors.update(zip(decision_targets(case), xs[len(vary):], strict=True))
        return cls(factors, xs.shape[1])

    @property
    def rows(self) -> int:
        """The rows of a figure that varies (at least one)."""
        return max(self.count, 1)

    def item(self, collection: str, index: int | None) -> ItemValues:
        """The values of ``collection[index]`` (index None: a single section such as
        ``project``) as its formulas read them."""
        factors = {target.field: factor[:, None] for target, factor in self.factors.items()
                   if target.collection == collection and target.index == index}
        return ItemValues(factors) if factors else TYPED

    @staticmethod
    def row(cents: Sequence[int]) -> np.ndarray:
        """A figure that does not vary (cents by year, from the rule for one plan): one
        row."""
        import numpy as np

        return np.array([list(cents)], dtype=np.int64)


class ItemValues:
    """One item's values as a formula reads them, so that the formula is written once
    for one plan and for the draws of a run.

    :meth:`of` names the fields a formula reads.  While none of them varies, the
    values are the Decimals as typed (:data:`TYPED`): the formula computes exactly, as
    for one plan, and its result is one row for every draw.  Once one of them varies,
    every value the formula reads is a float, and a varied one a column (draws × 1) of
    the value times its drawn factors: one result per draw.

    >>> import numpy as np
    >>> from decimal import Decimal as D
    >>> values = ItemValues({"fte": np.array([[1.0], [0.5]])})
    >>> values.of("monthly_gross") is TYPED, values.of("fte").one(D(2), "fte").tolist()
    (True, [[2.0], [1.0]])
    >>> values.of("fte").number(D("1.5")), TYPED.year((D(1), D(2)), 2)
    (1.5, Decimal('2'))
    """

    exact = False

    def __init__(self, factors: Mapping[str, np.ndarray]):
        self.factors = dict(factors)

    def of(self, *fields: str) -> ItemValues:
        """The values for a formula reading ``fields``: exact unless one varies."""
        return self if any(field in self.factors for field in fields) else TYPED

    def number(self, value: Any) -> Any:
        """A number the formula derives (a growth factor, a life in years): a float."""
        return float(value)

    def one(self, value: Any, field: str | None = None) -> Any:
        """A single value: times its drawn factors when it is the varied field."""
        factor = self.factors.get(field) if field else None
        return float(value) if factor is None else float(value) * factor

    def year(self, value: Any, y: int, field: str | None = None) -> Any:
        """A per-year value's year ``y`` (one number, or the list's y-th)."""
        return self.one(value[y - 1] if isinstance(value, tuple) else value, field)

    def chance(self, probability: Decimal) -> Any:
        """What a pending request gives of its requested amount in a year of
        ``probability`` (:func:`~finplan.model.decisions.probability_of`): that
        probability, or where its decision is drawn, 1.0 in the draws that grant it
        (``u < probability``) and 0.0 in the others.

        >>> import numpy as np
        >>> from decimal import Decimal as D
        >>> ItemValues({"decision": np.array([[0.2], [0.7]])}).chance(D("0.5")).tolist()
        [[1.0], [0.0]]
        >>> TYPED.chance(D("0.5"))
        Decimal('0.5')
        """
        drawn = self.factors.get("decision")
        return probability if drawn is None else (drawn < float(probability)).astype(float)


class _Typed(ItemValues):
    """The values as typed: exact Decimals, one plan."""

    exact = True

    def __init__(self) -> None:
        super().__init__({})

    def of(self, *fields: str) -> ItemValues:
        return self

    def number(self, value: Any) -> Any:
        return value

    def one(self, value: Any, field: str | None = None) -> Any:
        return value

    def year(self, value: Any, y: int, field: str | None = None) -> Any:
        return value[y - 1] if isinstance(value, tuple) else value


TYPED = _Typed()  # the values of an item no variation touches, or of one plan
