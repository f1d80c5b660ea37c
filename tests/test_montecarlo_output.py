"""montecarlo -o stays small for any number of draws; --draws-csv keeps every draw.

A 1 000 000-draw workbook used to take minutes, gigabytes and 84 MB on disk: the
draws sheet is now capped (``DRAWS_SHEET_ROWS``, patched small here) and the
summary of a capped run holds values over every draw, not formulas over the
rows shown.
"""

import csv

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import finplan
from finplan.cli import main
from finplan.io import workbook_montecarlo
from finplan.simulation import MEASURES, PROBABILITIES, montecarlo

DEMO = str(finplan.demo_path())


def _run(*args: str):
    return CliRunner().invoke(main, ["montecarlo", DEMO, "--draws", "120", "--seed", "3",
                                     *args])


def test_a_run_larger_than_the_draws_sheet_shows_values_over_every_draw(tmp_path,
                                                                         monkeypatch):
    monkeypatch.setattr(workbook_montecarlo, "DRAWS_SHEET_ROWS", 50)
    target = tmp_path / "mc.xlsx"
    result = _run("-o", str(target))
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    draws = book["Tirages"]
    assert draws.max_row == 51 and draws["A51"].value == 50  # the first 50 draws
    summary = book["Monte Carlo"]
    text = summary["B2"].value
    assert "120 tirages" in text and "ne montre que les 50 premiers" in text
    assert "portent sur les 120 tirages" in text
    formulas = [cell.coordinate for row in summary.iter_rows() for cell in row
                if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert formulas == []  # no formula over the 50 rows shown pretends to be the run
    run = montecarlo(finplan.load_case(DEMO), draws=120, seed=3)
    cells = {row[1].value: [cell.value for cell in row[2:7]]
             for row in summary.iter_rows() if row[1].value}
    for key, label in PROBABILITIES.items():
        assert cells[label][0] == run.probabilities[key]
    frame = run.summary
    for measure, label in MEASURES.items():
        assert cells[label][:4] == [float(frame.loc[measure, c]) for c in frame.columns]
    counts = [row[4] for row in summary.iter_rows(values_only=True)
              if isinstance(row[4], int) and row[1] and " à " in str(row[1])]
    assert sum(counts) == 120 * len(MEASURES)


def test_a_run_within_the_draws_sheet_keeps_its_live_formulas(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_montecarlo, "DRAWS_SHEET_ROWS", 120)
    target = tmp_path / "mc.xlsx"
    assert _run("-o", str(target)).exit_code == 0
    summary = load_workbook(target)["Monte Carlo"]
    assert "les tirages sont dans la feuille « Tirages »" in summary["B2"].value
    assert any(str(cell.value).startswith("=COUNTIF('Tirages'!")
               for row in summary.iter_rows() for cell in row)
    assert load_workbook(target)["Tirages"].max_row == 121


def test_draws_csv_keeps_every_draw(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_montecarlo, "DRAWS_SHEET_ROWS", 50)
    target = tmp_path / "tirages.csv"
    result = _run("--draws-csv", str(target))
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so that Excel reads the accents
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][0] == "tirage" and rows[0][-1] == workbook_montecarlo.CASH_END_LOW
    assert len(rows) == 121 and rows[-1][0] == "120"
    run = montecarlo(finplan.load_case(DEMO), draws=120, seed=3)
    measure_columns = {measure: rows[0].index(label) for measure, label in MEASURES.items()}
    for draw, row in enumerate(rows[1:]):
        for measure, column in measure_columns.items():
            cents = round(float(row[column].replace(",", ".")) * 100)
            assert cents == run.internals.measures[measure][draw], (draw, measure)
        for k in range(len(run.settings.vary)):
            assert float(row[1 + k].replace(",", ".")) == run.variations[k, draw]


def test_existing_outputs_are_refused_before_the_run_and_force_keeps_them(tmp_path):
    workbook, table = tmp_path / "mc.xlsx", tmp_path / "tirages.csv"
    workbook.write_bytes(b"mon classeur")
    table.write_text("mes tirages", "utf-8")
    refused = _run("-o", str(workbook), "--draws-csv", str(table))
    assert refused.exit_code == 2 and "existe déjà" in refused.output
    assert workbook.read_bytes() == b"mon classeur"
    assert table.read_text("utf-8") == "mes tirages"
    forced = _run("-o", str(workbook), "--draws-csv", str(table), "--force")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "mc.bak.xlsx").read_bytes() == b"mon classeur"
    assert (tmp_path / "tirages.bak.csv").read_text("utf-8") == "mes tirages"


@pytest.mark.parametrize("name", ["tirages.txt", "tirages.xlsx"])
def test_the_draws_file_must_be_a_csv(tmp_path, name):
    result = _run("--draws-csv", str(tmp_path / name))
    assert result.exit_code == 2 and "l'extension .csv" in result.output
    assert list(tmp_path.iterdir()) == []


def test_draws_evaluated_in_small_chunks_give_the_same_run(monkeypatch):
    """The run keeps each chunk's measures only; a last, partial chunk included."""
    import numpy as np

    from finplan import simulation

    case = finplan.load_case(DEMO)
    whole = montecarlo(case, draws=53, seed=2)
    monkeypatch.setattr(simulation, "CHUNK", 10)
    chunked = montecarlo(case, draws=53, seed=2)
    for measure in MEASURES:
        assert np.array_equal(whole.internals.measures[measure],
                              chunked.internals.measures[measure])
    assert np.array_equal(whole.internals.result_by_year, chunked.internals.result_by_year)
    assert np.array_equal(whole.internals.cash_end_low, chunked.internals.cash_end_low)
