"""Monte Carlo: thousands of draws of the uncertain values of a case, evaluated together.

The case's ``[montecarlo]`` section says which values vary and how (see
:mod:`finplan.model.montecarlo`); :func:`montecarlo` draws them, evaluates every
draw at once (:func:`finplan.model.engine.compute_draws`, the same cents as
:func:`finplan.model.engine.compute`) and summarises: the probability that a need is left
unfunded, that the cash goes below zero at the end of a month, and the
percentiles of the cumulative result, the unfunded amount and the bridging need.

Percentiles interpolate linearly between draws, as Excel's ``PERCENTILE.INC``
(and numpy's default) do, then round half-up to the cent.

>>> import finplan
>>> case = finplan.load_case(finplan.demo_path())
>>> run = montecarlo(case, draws=500, seed=1, vary=[
...     Variation("revenue[0].quantity", "uniform", low=Decimal("-0.3"), high=Decimal(0))])
>>> run.draws, run.probabilities["cash_negative"]  # the example's facilities fall short
(500, 0.1)
>>> run.summary.loc["result", "P95"] <= Decimal(0)
True
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from finplan.analysis import MEASURES as PLAN_MEASURES
from finplan.errors import FinplanError
from finplan.model.case import Case, MonteCarlo, Variation
from finplan.model.decisions import probability_of
from finplan.model.engine import compute_draws
from finplan.model.money import euros, format_decimal
from finplan.model.montecarlo import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    ItemValues,
    Target,
    decision_targets,
    draws_of,
    target_of,
)
from finplan.model.scenarios import set_path
from finplan.model.validation import validate_case
from finplan.rates import aide_au_poste

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MEASURES", "PERCENTILES", "Simulation", "montecarlo", "Variation",
           "describe_variation"]

RESULT_FORMAT = "finplan-montecarlo/1"
CHUNK = 10_000  # draws evaluated together (bounds the memory)
PERCENTILES = (5, 50, 95)
# The measures of each draw, in cents, with their French names (those of the
# sensitivity tables), in the order they are shown.
MEASURES = {key: PLAN_MEASURES[key]
            for key in ("result", "unfunded", "bridging_need", "cash_low")}
PROBABILITIES = {
    "unfunded": "Probabilité qu'un besoin reste non financé",
    "cash_negative": "Probabilité d'une trésorerie négative en fin de mois",
    "cash_end_negative": "Probabilité d'une trésorerie négative en fin d'année",
}
DIST_WORDS = {"uniform": "uniforme", "triangular": "triangulaire", "normal": "normale"}


def _percent(value: Decimal) -> str:
    return ("+" if value > 0 else "") + format_decimal((value * 100).normalize()) + " %"


def describe_variation(variation: Variation) -> str:
    """A variation in French words.

    >>> describe_variation(Variation("revenue[0].quantity", "triangular", Decimal("-0.3"),
    ...                              Decimal(0), Decimal("0.1")))
    'triangulaire de -30 % à +10 %, mode 0 %'
    >>> describe_variation(Variation("staff[0].fte", "normal", sd=Decimal("0.1")))
    'normale, écart-type 10 % (tronquée à 0)'
    """
    words = DIST_WORDS[variation.dist]
    if variation.dist == "normal":
        return f"{words}, écart-type {_percent(variation.sd).lstrip('+')} (tronquée à 0)"
    text = f"{words} de {_percent(variation.low)} à {_percent(variation.high)}"
    if variation.dist == "triangular":
        text += f", mode {_percent(variation.mode)}"
    return text


@dataclass(frozen=True)
class DrawFigures:
    """Every draw's measures as the engine gives them, in integer cents (arrays): what
    a :class:`Simulation`'s euro views (``summary``, ``frame``, ``histogram``…) are
    made of, and what the Monte Carlo workbook writes."""

    measures: dict[str, np.ndarray]  # measure -> (draws,) cents
    result_by_year: np.ndarray  # (draws, years) cents
    cash_end_low: np.ndarray  # (draws,) lowest year-end cash, cents
    # a collective: member id -> its own measures (draws,) cents: « unfunded »,
    # « cash_low » (lowest month-end cash), « cash_end_low »
    member_measures: Mapping[str, Mapping[str, np.ndarray]] = field(default_factory=dict)


@dataclass(frozen=True)
class Simulation:
    """A Monte Carlo run: the drawn variations (relative changes) and what they give,
    in ``Decimal`` euros (``percentile``, ``summary``, ``result_by_year_summary``,
    ``frame``, ``histogram``) and as probabilities; the draws' figures in cents are in
    ``internals`` (:class:`DrawFigures`, not stable)."""

    case: Case
    settings: MonteCarlo
    variations: np.ndarray  # (variations, draws): the relative changes x
    internals: DrawFigures
    seconds: float

    @property
    def draws(self) -> int:
        return self.settings.draws

    @property
    def probabilities(self) -> dict[str, float]:
        """Share of the draws with an unfunded need (some need, some year), with a
        negative month-end cash, with a negative year-end cash."""
        return {"unfunded": float((self.internals.measures["unfunded"] > 0).mean()),
                "cash_negative": float((self.internals.measures["cash_low"] < 0).mean()),
                "cash_end_negative": float((self.internals.cash_end_low < 0).mean())}

    @property
    def member_probabilities(self) -> dict[str, dict[str, float]]:
        """A collective's members, each its own probabilities (:attr:`probabilities`):
        each member is a legal entity, its cash its own — one member's shortfall is
        not covered by another's surplus."""
        return {member: {"unfunded": float((measures["unfunded"] > 0).mean()),
                         "cash_negative": float((measures["cash_low"] < 0).mean()),
                         "cash_end_negative": float((measures["cash_end_low"] < 0).mean())}
                for member, measures in self.internals.member_measures.items()}

    def percentile(self, measure: str, q: float) -> Decimal:
        """The ``q``-th percentile of a measure, in euros (linear, rounded to the cent)."""
        return _percentile(self.internals.measures[measure], q)

    @property
    def result_by_year_summary(self) -> pd.DataFrame:
        """P5, P50, P95 and mean of the result of each year, in euros (Decimal)."""
        import pandas as pd

        rows = {}
        for index, year in enumerate(self.case.years):
            values = self.internals.result_by_year[:, index]
            row = {f"P{q}": _percentile(values, q) for q in PERCENTILES}
            row["moyenne"] = _cents_to_euros(float(values.mean()))
            rows[year] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    @property
    def summary(self) -> pd.DataFrame:
        """P5, P50, P95 and mean of each measure, in euros (Decimal)."""
        import pandas as pd

        rows = {}
        for measure in MEASURES:
            row = {f"P{q}": self.percentile(measure, q) for q in PERCENTILES}
            row["moyenne"] = _cents_to_euros(float(self.internals.measures[measure].mean()))
            rows[measure] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    @property
    def frame(self) -> pd.DataFrame:
        """One row per draw: each variation's relative change, then the measures in
        euros (Decimal)."""
        import pandas as pd

        data: dict[str, Any] = {variation.path: self.variations[k]
                                for k, variation in enumerate(self.settings.vary)}
        for measure in MEASURES:
            data[measure] = [euros(int(value)) for value in self.internals.measures[measure]]
        return pd.DataFrame(data, index=pd.RangeIndex(1, self.draws + 1, name="tirage"))

    def histogram(self, measure: str = "result", bins: int = 20) -> pd.DataFrame:
        """Counts of draws by class of a measure (euros): ``de``, ``à``, ``tirages``.

        Classes are left-closed ``[de, à[`` except the last, closed on both sides.
        """
        import pandas as pd

        counts, edges = histogram_counts(self.internals.measures[measure], bins)
        return pd.DataFrame({"de": [euros(int(e)) for e in edges[:-1]],
                             "à": [euros(int(e)) for e in edges[1:]],
                             "tirages": counts})

    def to_dict(self) -> dict[str, Any]:
        """The JSON result: settings, probabilities, percentiles and histograms."""
        summary = self.summary
        return {
            "format": RESULT_FORMAT,
            "project": self.case.project.name,
            "draws": self.draws,
            "seed": self.settings.seed,
            "vary": [{key: (float(value) if isinstance(value, Decimal) else value)
                      for key, value in vars(variation).items() if value is not None}
                     for variation in self.settings.vary],
            "probabilities": self.probabilities,
            **({"members": [{"id": member, "probabilities": probabilities}
                            for member, probabilities in self.member_probabilities.items()]}
               if self.internals.member_measures else {}),
            "percentiles": {measure: {column: float(summary.loc[measure, column])
                                      for column in summary.columns}
                            for measure in MEASURES},
            "result_by_year": {str(year): {column: float(value) for column, value
                                           in row.items()}
                               for year, row in self.result_by_year_summary.iterrows()},
            "histograms": {measure: [{"from": float(row["de"]), "to": float(row["à"]),
                                      "draws": int(row["tirages"])}
                                     for _, row in self.histogram(measure).iterrows()]
                           for measure in MEASURES},
        }


def _cents_to_euros(cents: float) -> Decimal:
    """A float number of cents as euros, rounded half-up to the cent."""
    return Decimal(repr(cents)).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 100


def _percentile(values: np.ndarray, q: float) -> Decimal:
    """Linear percentile (Excel's PERCENTILE.INC) of cents, in euros to the cent."""
    return _cents_to_euros(float(np.percentile(values, q)))


def histogram_counts(values: np.ndarray, bins: int) -> tuple[list[int], list[int]]:
    """Counts by class and the class edges (cents), at most ``bins`` classes of a
    round width (1, 2, 2.5 or 5 times a power of ten euros) starting on a multiple of
    it.  Classes are ``[from, to[``, the last one ``[from, to]``.

    >>> counts, edges = histogram_counts(np.array([-5_000_000, -120_000, 0]), 12)
    >>> counts, edges[:3], edges[-1]
    ([1, 0, 0, 0, 0, 0, 0, 0, 0, 2], [-5000000, -4500000, -4000000], 0)
    """
    low, high = int(values.min()), int(values.max())
    width = _round_width(max(1, -(-(high - low) // bins)))
    first = low // width * width
    count = max(1, -(-(high - first) // width))
    edges = [first + width * k for k in range(count + 1)]
    counts = np.histogram(values, bins=np.array(edges, dtype=np.float64))[0]
    return [int(number) for number in counts], edges


def _round_width(cents: int) -> int:
    """The smallest round width (1, 2, 2.5 or 5 × 10^k euros) of at least ``cents``."""
    power = 100
    while True:
        for step in (100, 200, 250, 500):
            width = step * power // 100
            if width >= cents:
                return width
        power *= 10


def montecarlo(case: Case, draws: int | None = None, seed: int | None = None,
               vary: Sequence[Variation] | None = None) -> Simulation:
    """Run the case's Monte Carlo: ``draws``, ``seed`` and ``vary`` override its
    ``[montecarlo]`` section (required when the case has none)."""
    settings = case.montecarlo
    if settings is None and vary is None:
        raise FinplanError("Ce dossier n'a pas de section [montecarlo] : ajoutez-la avec "
                           "au moins une table [[montecarlo.vary]] (path, dist, low, "
                           "high…). Voir docs/analysis.md.")
    settings = MonteCarlo(
        draws=draws if draws is not None else settings.draws if settings else DEFAULT_DRAWS,
        seed=seed if seed is not None else settings.seed if settings else DEFAULT_SEED,
        vary=tuple(vary) if vary is not None else settings.vary)
    if not 1 <= settings.draws <= 1_000_000:
        raise FinplanError("le nombre de tirages doit être entre 1 et 1 000 000")
    if vary is not None:
        from finplan.model.case_dict import case_to_dict
        from finplan.model.validation import validate_case

        raw = case_to_dict(replace(case, montecarlo=settings, scenarios=()))
        case = validate_case(raw)  # checks the variations (paths, bounds)
    else:
        case = replace(case, montecarlo=settings)
    start = time.perf_counter()
    xs = draws_of(case, settings.draws, settings.seed)
    measures, by_year, cash_end_low, members = _evaluate_in_chunks(case, xs)
    return Simulation(case, settings, xs, DrawFigures(measures, by_year, cash_end_low, members),
                      time.perf_counter() - start)


def _evaluate_in_chunks(case: Case, xs: np.ndarray
                        ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray,
                                   dict[str, dict[str, np.ndarray]]]:
    """The measures, results by year and lowest year-end cash of every draw, evaluated
    ``CHUNK`` draws at a time; each chunk's full outcomes (monthly balances, funding
    by need and funder) are dropped as soon as its measures are kept, so the memory
    grows with the draws by a few numbers per draw only."""
    draws = xs.shape[1]
    measures = {measure: np.empty(draws, dtype=np.int64) for measure in MEASURES}
    by_year = np.empty((draws, case.project.years), dtype=np.int64)
    cash_end_low = np.empty(draws, dtype=np.int64)
    members = {member.id: {measure: np.empty(draws, dtype=np.int64)
                           for measure in ("unfunded", "cash_low", "cash_end_low")}
               for member in case.members}
    for first in range(0, draws, CHUNK):
        part = compute_draws(case, xs[:, first:first + CHUNK])
        chunk = slice(first, first + len(part.result))
        low = part.low
        measures["result"][chunk] = part.result.sum(axis=1)
        measures["unfunded"][chunk] = part.total_unfunded
        measures["bridging_need"][chunk] = np.maximum(0, -low)
        measures["cash_low"][chunk] = low
        by_year[chunk] = part.result
        cash_end_low[chunk] = part.cash_end.min(axis=1)
        for member, own in part.members.items():
            members[member]["unfunded"][chunk] = own.total_unfunded
            members[member]["cash_low"][chunk] = own.low
            members[member]["cash_end_low"][chunk] = own.cash_end.min(axis=1)
    return measures, by_year, cash_end_low, members


# -- one draw as a case (to pin the draws' evaluation to compute) -------------------

def scaled_value(value: Any, factor: float) -> Any:
    """A case value (one number or one per year) times ``factor``, as the draws'
    evaluation computes it: in binary floating point, each product then written as
    the shortest decimal that reads back to the same float.

    >>> scaled_value((Decimal(35), Decimal(55)), 1.5)
    [Decimal('52.5'), Decimal('82.5')]
    """
    if isinstance(value, (tuple, list)):
        return [scaled_value(item, factor) for item in value]
    return Decimal(repr(float(value) * float(factor)))


def drawn_case(case: Case, raw: Mapping[str, Any], xs: Sequence[float]) -> Case:
    """The case of one draw: every variation's value times ``1 + x`` (validated again).

    ``raw`` is the case's raw dict (:func:`~finplan.model.case_dict.case_to_dict`);
    ``xs`` one relative variation per ``case.montecarlo.vary``, then one uniform number
    per request whose decision is drawn (:func:`~finplan.model.montecarlo.draws_of`):
    its probability becomes 1 in the years it grants the request, 0 in the others.
    Used to check the draws' evaluation (:func:`~finplan.model.engine.compute_draws`)
    against :func:`~finplan.model.engine.compute`, one draw at a time.
    """
    assert case.montecarlo is not None
    changed: dict[str, Any] = {key: value for key, value in raw.items()
                               if key not in ("montecarlo", "scenario")}
    vary = case.montecarlo.vary
    for target, u in zip(decision_targets(case), xs[len(vary):], strict=True):
        funder = case.funders[target.index]
        granted = [int(float(ItemValues({"decision": u}).chance(probability_of(funder, y))))
                   for y in range(1, case.project.years + 1)]
        changed = set_path(changed, f"funder[{target.index}].probability", granted)
    for variation, x in zip(vary, xs[:len(vary)], strict=True):
        target = target_of(changed, variation.path)
        value = _raw_value(changed, target)
        if target.collection == "funder" and isinstance(value, str):  # aide au poste code
            value = [aide_au_poste(value, year).amount for year in case.years]
        changed = set_path(changed, _canonical(target), scaled_value(value, 1.0 + x))
    return validate_case(changed)


def _raw_value(raw: Mapping[str, Any], target: Target) -> Any:
    if target.index is None:
        return raw[target.collection][target.field]
    return raw[target.collection][target.index][target.field]


def _canonical(target: Target) -> str:
    if target.index is None:
        return f"{target.collection}.{target.field}"
    return f"{target.collection}[{target.index}].{target.field}"
