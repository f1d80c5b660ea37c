"""The workbook's charts drawn with matplotlib (issue 18): files written, titles, series
and their values as the plan has them."""

from __future__ import annotations

import math

import pytest

import finplan

pytest.importorskip("matplotlib")
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from finplan import plots


@pytest.fixture(scope="module")
def plan():
    return finplan.compute(finplan.load_case(finplan.demo_path()))


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_resources_by_type_stack_to_each_year_s_resources(plan, tmp_path):
    ax = plots.resources(plan)
    assert ax.get_title() == "Ressources par année"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "Recettes propres", "Financements publics", "Aides privées",
        "Fonds propres de la structure"]
    # each year's bars stack to the own revenue plus every funder's amount
    tops = {}
    for patch in ax.patches:
        x = round(patch.get_x() + patch.get_width() / 2, 3)
        tops[x] = max(tops.get(x, 0), patch.get_y() + patch.get_height())
    raw = plan.internals  # the engine's cents, against the chart's euros
    expected = [(raw.own_revenue[y] + sum(f.amounts[y] for f in raw.funder_results)) / 100
                for y in range(3)]
    assert [round(top, 2) for _, top in sorted(tops.items())] == [round(e, 2) for e in expected]
    path = tmp_path / "ressources.png"
    ax.figure.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_resources_by_funder_name_each_funder(plan):
    data = plots.resources_data(plan, by="funder")
    assert data.columns.tolist() == ["Recettes propres",
                                     *[f.name for f in plan.internals.funder_results]]
    assert data.loc[2027, "État : aide au poste ACI"] == pytest.approx(66380.78)
    with pytest.raises(ValueError):
        plots.resources_data(plan, by="member")


def test_the_cash_charts_and_the_bridging_need(plan, tmp_path):
    ax = plots.year_end_cash(plan)
    assert ax.get_title() == "Trésorerie de fin d'année"
    assert list(ax.lines[0].get_ydata()) == [c / 100 for c in plan.internals.cash_end]
    ax = plots.monthly_cash(plan)
    assert ax.get_title() == "Trésorerie de fin de mois"
    assert len(ax.lines[0].get_ydata()) == 36
    assert list(ax.lines[0].get_ydata()) == [c / 100 for c in plan.internals.monthly.balances]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend[1].startswith("Besoin de financement relais : ")
    ax.figure.savefig(tmp_path / "mois.png")
    assert (tmp_path / "mois.png").stat().st_size > 1000


def test_the_break_even_chart(plan):
    data = plots.break_even_data(plan)
    point = plan.internals.break_even
    assert data["Recettes propres prévues"].tolist() == [c / 100 for c in point.revenue]
    for got, want in zip(data["Point mort avec les subventions"], point.with_grants):
        assert math.isnan(got) if want is None else got == want / 100
    ax = plots.break_even(plan)
    assert ax.get_title() == "Point mort et recettes propres prévues"
    assert len(ax.patches) == 9  # three series, three years


def test_a_monte_carlo_histogram(tmp_path):
    from finplan.simulation import montecarlo

    simulation = montecarlo(finplan.load_case(finplan.demo_path()), draws=500, seed=1)
    data = plots.histogram_data(simulation, "result", bins=10)
    assert int(data["tirages"].sum()) == 500
    ax = plots.histogram(simulation, "result", bins=10)
    assert ax.get_title() == "Résultat cumulé sur le plan"
    assert [patch.get_height() for patch in ax.patches] == data["tirages"].tolist()
    ax.figure.savefig(tmp_path / "histogramme.png")


def test_without_matplotlib_it_says_how_to_install_it(plan, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.ticker", None)  # as if not installed
    with pytest.raises(finplan.FinplanError, match=r"pip install 'finplan\[plot\]'"):
        plots.resources(plan)
    assert plots.resources_data(plan).shape == (3, 4)  # the figures need no matplotlib
