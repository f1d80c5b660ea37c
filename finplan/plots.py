"""The workbook's charts for notebooks and reports, drawn with matplotlib (issue 18).

``pip install finplan[plot]`` adds matplotlib. Each chart has two functions:

- one gives its figures, a DataFrame in euros (floats, ready to plot), with no
  matplotlib needed: :func:`resources_data`, :func:`year_end_cash_data`,
  :func:`monthly_cash_data`, :func:`break_even_data`, :func:`histogram_data`;
- one draws them on a matplotlib ``Axes`` (a new figure when none is given) and returns
  it: :func:`resources`, :func:`year_end_cash`, :func:`monthly_cash`, :func:`break_even`
  and, for a Monte Carlo run, :func:`histogram`.

The charts are those of the workbook's « Graphiques » sheet, with the same titles:
« Ressources par année », « Trésorerie de fin d'année », « Trésorerie de fin de mois »
(here with the bridging need marked) and « Point mort et recettes propres prévues ».
Save one with ``ax.figure.savefig("chart.png")``.

>>> import finplan
>>> plan = finplan.compute(finplan.load_case(finplan.demo_path()))
>>> resources_data(plan).columns.tolist()
['Recettes propres', 'Financements publics', 'Aides privées', 'Fonds propres de la structure']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from finplan.errors import FinplanError
from finplan.model.cash import month_label
from finplan.model.public import Plan

if TYPE_CHECKING:
    import pandas as pd

    from finplan.simulation import Simulation

__all__ = ["break_even", "break_even_data", "histogram", "histogram_data",
           "monthly_cash", "monthly_cash_data", "resources", "resources_data",
           "year_end_cash", "year_end_cash_data"]

# The workbook's chart titles (io/sheets/graphiques.py), and a series' names.
RESOURCES = "Ressources par année"
YEAR_END_CASH = "Trésorerie de fin d'année"
MONTHLY_CASH = "Trésorerie de fin de mois"
BREAK_EVEN = "Point mort et recettes propres prévues"
_TYPES = {"public": "Financements publics", "private": "Aides privées",
          "own": "Fonds propres de la structure"}


def _frame(data: dict[str, list[Any]], index: list[Any], name: str) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(data, index=index)
    frame.index.name = name
    return frame


def resources_data(plan: Plan, by: str = "type") -> pd.DataFrame:
    """The resources of each year (rows) in euros: own revenue, then the funders by
    type (``by="type"``, as the workbook's chart) or each funder (``by="funder"``)."""
    if by not in ("type", "funder"):
        raise ValueError('by: "type" or "funder"')
    years = list(plan.years)
    funding = plan.funding[["type", *years]]
    data = {"Recettes propres": [float(value) for value in plan.own_revenue]}
    if by == "type":
        for kind, text in _TYPES.items():
            data[text] = [float(sum(funding[funding["type"] == kind][year]))
                          for year in years]
    else:
        for name, row in funding.iterrows():
            data[str(name)] = [float(row[year]) for year in years]
    return _frame(data, years, "année")


def year_end_cash_data(plan: Plan) -> pd.DataFrame:
    """The cash at the end of each year, in euros."""
    return _frame({YEAR_END_CASH: [float(value) for value in plan.cash_end]},
                  list(plan.years), "année")


def monthly_cash_data(plan: Plan) -> pd.DataFrame:
    """The cash at the end of each month of the plan, in euros (« janv. 2027 »…)."""
    first = plan.years[0]
    labels = [month_label(m, first) for m in range(1, len(plan.cash_monthly) + 1)]
    return _frame({MONTHLY_CASH: [float(value) for value in plan.cash_monthly]}, labels,
                  "mois")


def break_even_data(plan: Plan) -> pd.DataFrame:
    """Each year's own revenue planned and its break-even with and without the grants
    (:attr:`~finplan.model.public.Plan.break_even`), in euros; NaN where there is none."""
    point = plan.break_even

    def floats(measure: str) -> list[float]:
        return [float("nan") if value is None else float(value)
                for value in point.loc[measure, list(plan.years)]]

    return _frame({"Recettes propres prévues": floats("revenue"),
                   "Point mort avec les subventions": floats("with_grants"),
                   "Point mort sans les subventions": floats("without_grants")},
                  list(plan.years), "année")


def histogram_data(simulation: Simulation, measure: str = "result",
                   bins: int = 20) -> pd.DataFrame:
    """A Monte Carlo measure's draws by class (:meth:`Simulation.histogram`), the
    bounds in euros as floats."""
    frame = simulation.histogram(measure, bins)
    return frame.astype({"de": float, "à": float})


def _axes(ax: Any, title: str) -> Any:
    """``ax``, or the axes of a new figure; titled, amounts as French thousands."""
    try:
        from matplotlib.ticker import FuncFormatter
    except ImportError:
        raise FinplanError("Les graphiques demandent matplotlib : pip install "
                           "'finplan[plot]'.") from None
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.subplots(figsize=(8, 4.5), layout="constrained")[1]  # labels kept inside
    ax.set_title(title)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"
                                               .replace(",", "\u202f")))
    ax.set_ylabel("euros")
    return ax


def _legend(ax: Any) -> None:
    """The legend right of the chart, where it hides no bar or line."""
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))


def resources(plan: Plan, by: str = "type", ax: Any = None) -> Any:
    """« Ressources par année »: stacked bars of :func:`resources_data`."""
    data = resources_data(plan, by)
    ax = _axes(ax, RESOURCES)
    bottom = [0.0] * len(data)
    labels = [str(year) for year in data.index]
    # each funder its own colour: 20 of them when the 10 of the default cycle repeat
    from matplotlib import colormaps

    colours = colormaps["tab20"].colors if len(data.columns) > 10 else [None] * 10
    for k, name in enumerate(data.columns):
        values = data[name].tolist()
        ax.bar(labels, values, bottom=bottom, label=name, color=colours[k % len(colours)])
        bottom = [b + v for b, v in zip(bottom, values)]
    _legend(ax)
    return ax


def year_end_cash(plan: Plan, ax: Any = None) -> Any:
    """« Trésorerie de fin d'année »: a line of :func:`year_end_cash_data`."""
    data = year_end_cash_data(plan)
    ax = _axes(ax, YEAR_END_CASH)
    ax.plot([str(year) for year in data.index], data[YEAR_END_CASH], marker="o",
            label=YEAR_END_CASH)
    ax.axhline(0, color="grey", linewidth=0.8)
    return ax


def monthly_cash(plan: Plan, ax: Any = None) -> Any:
    """« Trésorerie de fin de mois »: a line of :func:`monthly_cash_data`, the months
    below zero shaded, and the bridging need (the lowest balance before any bridging
    facility, :attr:`~finplan.model.cash.MonthlyCash.bridging_need`) in the legend."""
    data = monthly_cash_data(plan)
    ax = _axes(ax, MONTHLY_CASH)
    months = list(range(len(data)))
    values = data[MONTHLY_CASH].tolist()
    ax.plot(months, values, label=MONTHLY_CASH)
    ax.axhline(0, color="grey", linewidth=0.8)
    need = float(plan.bridging_need)
    ax.fill_between(months, values, 0, where=[v < 0 for v in values], color="tab:red",
                    alpha=0.3, label=f"Besoin de financement relais : {need:,.0f} €"
                    .replace(",", "\u202f"))
    step = 3 if len(months) <= 12 else 6
    ax.set_xticks(months[::step], data.index[::step], rotation=45, ha="right")
    _legend(ax)
    return ax


def break_even(plan: Plan, ax: Any = None) -> Any:
    """« Point mort et recettes propres prévues »: grouped bars of
    :func:`break_even_data`."""
    data = break_even_data(plan)
    ax = _axes(ax, BREAK_EVEN)
    width = 0.8 / len(data.columns)
    for k, name in enumerate(data.columns):
        ax.bar([i + k * width for i in range(len(data))], data[name], width, label=name)
    ax.set_xticks([i + width for i in range(len(data))], [str(y) for y in data.index])
    _legend(ax)
    return ax


def histogram(simulation: Simulation, measure: str = "result", bins: int = 20,
              ax: Any = None) -> Any:
    """A Monte Carlo measure's histogram (:func:`histogram_data`), titled with the
    measure's French name."""
    from finplan.simulation import MEASURES

    data = histogram_data(simulation, measure, bins)
    ax = _axes(ax, MEASURES[measure])
    ax.bar(data["de"], data["tirages"], width=(data["à"] - data["de"]).tolist(),
           align="edge", label="tirages")
    ax.set_ylabel("tirages")
    ax.xaxis.set_major_formatter(ax.yaxis.get_major_formatter())
    ax.yaxis.set_major_formatter("{x:.0f}")
    ax.set_xlabel("euros")
    return ax
