"""A Monte Carlo run as a workbook a reviewer can audit, and its draws as a CSV file.

``Tirages``: one row per draw (the relative change of each value, then the
measures in euros), at most :data:`DRAWS_SHEET_ROWS` of them.  ``Monte Carlo``:
the settings, the probabilities, percentiles (``PERCENTILE``, which is
``PERCENTILE.INC``: the same linear interpolation as finplan) and means, and the
histogram of each measure with a bar chart.

When every draw is in ``Tirages`` (up to :data:`DRAWS_SHEET_ROWS`), those figures
are live formulas over it (``COUNTIF``, ``PERCENTILE``, ``AVERAGE``, ``COUNTIFS``
by class).  A larger run (up to 1 000 000 draws) would make a workbook of
hundreds of megabytes that Excel can hardly open: ``Tirages`` then holds the
first :data:`DRAWS_SHEET_ROWS` draws only, and the figures of ``Monte Carlo``
are written as values computed by finplan over *every* draw, with a note saying
so — a formula over the rows shown would contradict the text, which speaks of
the whole run.  Every draw can be kept outside the workbook with
:func:`draws_csv` (``finplan montecarlo --draws-csv``).
"""

from __future__ import annotations

from typing import Any

from finplan.io.cells import column_letter as get_column_letter
from finplan.io.grid import Book, Chart, Ref, Sheet, Style
from finplan.io.workbook_print import print_setup
from finplan.io.workbook_styles import (
    BOLD,
    EUROS,
    HEADER_FILL,
    HEADER_FONT,
    NOTE_FONT,
    PERCENT,
    RIGHT,
    TITLE_FONT,
)
from finplan.model.money import format_euros

__all__ = ["DRAWS_SHEET", "DRAWS_SHEET_ROWS", "SUMMARY_SHEET", "draws_csv",
           "montecarlo_workbook"]

SUMMARY_SHEET, DRAWS_SHEET = "Monte Carlo", "Tirages"
DRAWS_SHEET_ROWS = 10_000  # at most this many draws in the workbook (about 1 MB)
HISTOGRAM_BINS = 20
CASH_END_LOW = "Trésorerie de fin d'année la plus basse"


def _header(sheet: Sheet, row: int, values: list[str], first_column: int = 2) -> None:
    for offset, value in enumerate(values):
        sheet.put((row, first_column + offset), value, fill=HEADER_FILL, font=HEADER_FONT,
                  align=RIGHT)


def _shown(simulation: Any) -> int:
    """How many draws the ``Tirages`` sheet holds."""
    return min(simulation.draws, DRAWS_SHEET_ROWS)


def _draws_sheet(book: Book, simulation: Any) -> dict[str, str]:
    """Write the draws (the first :data:`DRAWS_SHEET_ROWS`); returns the absolute range
    of each measure's column."""
    from finplan.simulation import MEASURES

    sheet = book.create_sheet(DRAWS_SHEET)
    vary = simulation.settings.vary
    columns = {**MEASURES, "cash_end_low": CASH_END_LOW}
    headers = ["Tirage", *[variation.path for variation in vary], *columns.values()]
    _header(sheet, 1, headers, first_column=1)
    shown = _shown(simulation)
    if shown < simulation.draws:
        sheet.put((1, len(headers) + 2), f"Les {_count(shown)} premiers des "
                  f"{_count(simulation.draws)} tirages (tous les tirages : finplan "
                  "montecarlo --draws-csv).", font=NOTE_FONT)
    measures = [*(simulation.internals.measures[measure] for measure in MEASURES),
                simulation.internals.cash_end_low]
    xs = simulation.variations
    euros, percent = Style('#,##0.00 "€";[Red]-#,##0.00 "€"'), Style(PERCENT)
    first_measure = 2 + len(vary)
    sheet.put_rows(2, ([draw + 1, *[float(xs[k, draw]) for k in range(len(vary))],
                        *[int(values[draw]) / 100 for values in measures]]
                       for draw in range(shown)),
                   [None, *[percent] * len(vary), *[euros] * len(measures)])
    last = shown + 1
    ranges = {}
    for offset, measure in enumerate(columns):
        letter = get_column_letter(first_measure + offset)
        ranges[measure] = f"'{DRAWS_SHEET}'!${letter}$2:${letter}${last}"
        sheet.widths[first_measure + offset] = 22
    for k in range(len(vary)):
        sheet.widths[2 + k] = 24
    sheet.freeze = "B2"
    return ranges


def _count(number: int) -> str:
    """``1000000`` -> ``'1 000 000'``."""
    return f"{number:,}".replace(",", " ")


def montecarlo_workbook(simulation: Any) -> Any:
    """The workbook of a Monte Carlo run (see the module docstring), as an openpyxl
    workbook."""
    from openpyxl import Workbook

    from finplan.io.grid_openpyxl import write_book

    book = Workbook()
    book.remove(book.active)
    write_book(montecarlo_book(simulation), book)
    return book


def montecarlo_book(simulation: Any) -> Book:
    """The sheets of :func:`montecarlo_workbook`."""
    from finplan.simulation import MEASURES, PERCENTILES, PROBABILITIES, describe_variation

    book = Book()
    sheet = book.create_sheet(SUMMARY_SHEET)
    ranges = _draws_sheet(book, simulation)
    live = _shown(simulation) == simulation.draws
    project = simulation.case.project
    settings = simulation.settings
    sheet.put("B1", f"Monte Carlo — {project.name}", font=TITLE_FONT)
    text = (f"{_count(settings.draws)} tirages, graine {settings.seed} ; chaque valeur du "
            "dossier est multipliée par (1 + x) chaque année, x tiré selon sa loi ; ")
    if live:
        text += "les tirages sont dans la feuille « Tirages »."
    else:
        text += (f"la feuille « Tirages » ne montre que les {_count(_shown(simulation))} "
                 "premiers : les probabilités, percentiles, moyennes et histogrammes "
                 f"ci-dessous portent sur les {_count(settings.draws)} tirages et sont des "
                 "valeurs calculées par finplan, pas des formules.")
    sheet.put("B2", text, font=NOTE_FONT)
    row = 4
    _header(sheet, row, ["Valeur qui varie", "Loi"])
    for variation in settings.vary:
        row += 1
        sheet.put(f"B{row}", variation.path)
        sheet.put(f"C{row}", describe_variation(variation))
    row += 2
    _header(sheet, row, ["Probabilité", "Tirages concernés"])
    tests = {"unfunded": (ranges["unfunded"], ">0"),
             "cash_negative": (ranges["cash_low"], "<0"),
             "cash_end_negative": (ranges["cash_end_low"], "<0")}
    probabilities = simulation.probabilities
    for key, (area, criterion) in tests.items():
        row += 1
        sheet.put(f"B{row}", PROBABILITIES[key])
        if live:
            sheet.formula(f"C{row}", f'COUNTIF({area},"{criterion}")/COUNT({area})')
        else:
            sheet.put(f"C{row}", probabilities[key])
        sheet.set(f"C{row}", number_format=PERCENT)
    row += 2
    _header(sheet, row, ["Mesure (euros)", *[f"P{q}" for q in PERCENTILES], "Moyenne"])
    summary = simulation.summary
    for measure in MEASURES:
        row += 1
        sheet.put(f"B{row}", MEASURES[measure])
        for offset, column in enumerate([*(f"P{q}" for q in PERCENTILES), "moyenne"]):
            place = (row, 3 + offset)
            if not live:
                sheet.put(place, float(summary.loc[measure, column]))
            elif column == "moyenne":
                sheet.formula(place, f"ROUND(AVERAGE({ranges[measure]}),2)")
            else:
                sheet.formula(place, f"ROUND(PERCENTILE({ranges[measure]},"
                                     f"{int(column[1:]) / 100}),2)")
            sheet.set(place, number_format=EUROS)
    row += 2
    for measure in MEASURES:
        area = ranges[measure] if live else None
        row = _histogram(sheet, simulation, measure, area, row) + 2
    sheet.widths[2] = 52
    for column in range(3, 7):
        sheet.widths[column] = 16
    print_setup(sheet, project.organisation, f"Monte Carlo — {project.name}")
    return book


def _histogram(sheet: Sheet, simulation: Any, measure: str, area: str | None,
               row: int) -> int:
    """A histogram table (classes and COUNTIFS over ``area``, or the counts of every
    draw as values when ``area`` is None) and its bar chart; returns its last row."""
    from finplan.simulation import MEASURES, histogram_counts

    counts, edges = histogram_counts(simulation.internals.measures[measure], HISTOGRAM_BINS)
    sheet.put(f"B{row}", f"Histogramme : {MEASURES[measure]}", font=BOLD)
    row += 1
    _header(sheet, row, ["Classe", "De (inclus)", "À", "Tirages"])
    first = row + 1
    classes = len(edges) - 1
    for k in range(classes):
        row += 1
        low, high = edges[k], edges[k + 1]
        last = k == classes - 1
        sheet.put(f"B{row}", f"{format_euros(low)} à {format_euros(high)}")
        sheet.put(f"C{row}", low / 100, number_format=EUROS)
        sheet.put(f"D{row}", high / 100, number_format=EUROS)
        upper = '"<="' if last else '"<"'
        if area:
            sheet.formula(f"E{row}", f'COUNTIFS({area},">="&C{row},{area},{upper}&D{row})')
        else:
            sheet.put(f"E{row}", counts[k])
    name = sheet.title
    sheet.charts.append(Chart(
        "bars", f"Histogramme : {MEASURES[measure]}", f"G{first - 1}",
        ((Ref(name, first - 1, 5, first - 1, 5), Ref(name, first, 5, row, 5)),),
        Ref(name, first, 2, row, 2), width=18, height=7, y_title="Tirages",
        x_title="Euros", legend=False, gap_width=10))
    return max(row, first + 14)


CSV_CHUNK = 50_000  # draws formatted at a time


def draws_csv(simulation: Any) -> str:
    """Every draw of a run as CSV text for a French spreadsheet: UTF-8 with a byte
    order mark, ``;`` between columns, a decimal comma. Columns: the draw's number,
    each variation's relative change x (full precision), then the measures in euros.

    >>> import finplan
    >>> from finplan.simulation import montecarlo
    >>> run = montecarlo(finplan.load_case(finplan.demo_path()), draws=3, seed=1)
    >>> lines = draws_csv(run).splitlines()
    >>> lines[0].startswith("\\ufefftirage;revenue[0].quantity;")
    True
    >>> len(lines), lines[1].split(";")[0], lines[1].split(";")[-1]
    (4, '1', '3158,20')
    """
    import csv
    import io

    import numpy as np

    from finplan.simulation import MEASURES

    head = io.StringIO()
    columns = [*(variation.path for variation in simulation.settings.vary),
               *MEASURES.values(), CASH_END_LOW]
    csv.writer(head, delimiter=";", lineterminator="\n").writerow(["tirage", *columns])
    variations = simulation.variations
    euros = [*(simulation.internals.measures[measure] for measure in MEASURES),
             simulation.internals.cash_end_low]
    row_format = ";".join(["%d", *["%.17g"] * len(variations), *["%.2f"] * len(euros)])
    pieces = ["\ufeff", head.getvalue()]
    for first in range(0, simulation.draws, CSV_CHUNK):
        last = min(first + CSV_CHUNK, simulation.draws)
        block = np.column_stack([np.arange(first + 1, last + 1, dtype=np.float64),
                                 *(row for row in variations[:, first:last]),
                                 *(values[first:last] / 100 for values in euros)])
        body = io.StringIO()
        np.savetxt(body, block, fmt=row_format, delimiter=";", newline="\n")
        pieces.append(body.getvalue().replace(".", ","))
    return "".join(pieces)
