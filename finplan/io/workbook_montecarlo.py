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

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from finplan.io.workbook_inputs import put
from finplan.io.workbook_styles import (
    BOLD,
    EUROS,
    HEADER_FILL,
    HEADER_FONT,
    NOTE_FONT,
    PERCENT,
    RIGHT,
    TITLE_FONT,
    print_setup,
)
from finplan.model.money import format_euros

__all__ = ["DRAWS_SHEET", "DRAWS_SHEET_ROWS", "SUMMARY_SHEET", "draws_csv",
           "montecarlo_workbook"]

SUMMARY_SHEET, DRAWS_SHEET = "Monte Carlo", "Tirages"
DRAWS_SHEET_ROWS = 10_000  # at most this many draws in the workbook (about 1 MB)
HISTOGRAM_BINS = 20
CASH_END_LOW = "Trésorerie de fin d'année la plus basse"


def _header(sheet: Worksheet, row: int, values: list[str], first_column: int = 2) -> None:
    for offset, value in enumerate(values):
        cell = sheet.cell(row, first_column + offset)
        put(sheet, cell.coordinate, value)
        cell.fill, cell.font, cell.alignment = HEADER_FILL, HEADER_FONT, RIGHT


def _shown(simulation: Any) -> int:
    """How many draws the ``Tirages`` sheet holds."""
    return min(simulation.draws, DRAWS_SHEET_ROWS)


def _draws_sheet(book: Workbook, simulation: Any) -> dict[str, str]:
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
        note = sheet.cell(1, len(headers) + 2)
        put(sheet, note.coordinate, f"Les {_count(shown)} premiers des "
            f"{_count(simulation.draws)} tirages (tous les tirages : finplan montecarlo "
            "--draws-csv).")
        note.font = NOTE_FONT
    measures = [*(simulation.measures[measure] for measure in MEASURES),
                simulation.cash_end_low]
    xs = simulation.variations
    for draw in range(shown):
        sheet.append([draw + 1, *[float(xs[k, draw]) for k in range(len(vary))],
                      *[int(values[draw]) / 100 for values in measures]])
    last = shown + 1
    ranges = {}
    for offset, measure in enumerate(columns):
        letter = get_column_letter(2 + len(vary) + offset)
        ranges[measure] = f"'{DRAWS_SHEET}'!${letter}$2:${letter}${last}"
        for cells in sheet[f"{letter}2:{letter}{last}"]:
            cells[0].number_format = '#,##0.00 "€";[Red]-#,##0.00 "€"'
        sheet.column_dimensions[letter].width = 22
    for k in range(len(vary)):
        letter = get_column_letter(2 + k)
        for cells in sheet[f"{letter}2:{letter}{last}"]:
            cells[0].number_format = PERCENT
        sheet.column_dimensions[letter].width = 24
    sheet.freeze_panes = "B2"
    return ranges


def _count(number: int) -> str:
    """``1000000`` -> ``'1 000 000'``."""
    return f"{number:,}".replace(",", " ")


def montecarlo_workbook(simulation: Any) -> Workbook:
    """The workbook of a Monte Carlo run (see the module docstring)."""
    from finplan.simulation import MEASURES, PERCENTILES, PROBABILITIES, describe_variation

    book = Workbook()
    sheet = book.active
    sheet.title = SUMMARY_SHEET
    ranges = _draws_sheet(book, simulation)
    live = _shown(simulation) == simulation.draws
    project = simulation.case.project
    settings = simulation.settings
    put(sheet, "B1", f"Monte Carlo — {project.name}")
    sheet["B1"].font = TITLE_FONT
    text = (f"{_count(settings.draws)} tirages, graine {settings.seed} ; chaque valeur du "
            "dossier est multipliée par (1 + x) chaque année, x tiré selon sa loi ; ")
    if live:
        text += "les tirages sont dans la feuille « Tirages »."
    else:
        text += (f"la feuille « Tirages » ne montre que les {_count(_shown(simulation))} "
                 "premiers : les probabilités, percentiles, moyennes et histogrammes "
                 f"ci-dessous portent sur les {_count(settings.draws)} tirages et sont des "
                 "valeurs calculées par finplan, pas des formules.")
    put(sheet, "B2", text)
    sheet["B2"].font = NOTE_FONT
    row = 4
    _header(sheet, row, ["Valeur qui varie", "Loi"])
    for variation in settings.vary:
        row += 1
        put(sheet, f"B{row}", variation.path)
        put(sheet, f"C{row}", describe_variation(variation))
    row += 2
    _header(sheet, row, ["Probabilité", "Tirages concernés"])
    tests = {"unfunded": (ranges["unfunded"], ">0"),
             "cash_negative": (ranges["cash_low"], "<0"),
             "cash_end_negative": (ranges["cash_end_low"], "<0")}
    probabilities = simulation.probabilities
    for key, (area, criterion) in tests.items():
        row += 1
        put(sheet, f"B{row}", PROBABILITIES[key])
        sheet[f"C{row}"] = (f'=COUNTIF({area},"{criterion}")/COUNT({area})' if live
                            else probabilities[key])
        sheet[f"C{row}"].number_format = PERCENT
    row += 2
    _header(sheet, row, ["Mesure (euros)", *[f"P{q}" for q in PERCENTILES], "Moyenne"])
    summary = simulation.summary
    for measure in MEASURES:
        row += 1
        put(sheet, f"B{row}", MEASURES[measure])
        for offset, column in enumerate([*(f"P{q}" for q in PERCENTILES), "moyenne"]):
            cell = sheet.cell(row, 3 + offset)
            if not live:
                cell.value = float(summary.loc[measure, column])
            elif column == "moyenne":
                cell.value = f"=ROUND(AVERAGE({ranges[measure]}),2)"
            else:
                cell.value = (f"=ROUND(PERCENTILE({ranges[measure]},"
                              f"{int(column[1:]) / 100}),2)")
            cell.number_format = EUROS
    row += 2
    for measure in MEASURES:
        area = ranges[measure] if live else None
        row = _histogram(sheet, simulation, measure, area, row) + 2
    sheet.column_dimensions["B"].width = 52
    for letter in "CDEF":
        sheet.column_dimensions[letter].width = 16
    print_setup(sheet, project.organisation, f"Monte Carlo — {project.name}")
    return book


def _histogram(sheet: Worksheet, simulation: Any, measure: str, area: str | None,
               row: int) -> int:
    """A histogram table (classes and COUNTIFS over ``area``, or the counts of every
    draw as values when ``area`` is None) and its bar chart; returns its last row."""
    from finplan.simulation import MEASURES, histogram_counts

    counts, edges = histogram_counts(simulation.measures[measure], HISTOGRAM_BINS)
    put(sheet, f"B{row}", f"Histogramme : {MEASURES[measure]}")
    sheet[f"B{row}"].font = BOLD
    row += 1
    _header(sheet, row, ["Classe", "De (inclus)", "À", "Tirages"])
    first = row + 1
    classes = len(edges) - 1
    for k in range(classes):
        row += 1
        low, high = edges[k], edges[k + 1]
        last = k == classes - 1
        put(sheet, f"B{row}", f"{format_euros(low)} à {format_euros(high)}")
        sheet[f"C{row}"], sheet[f"D{row}"] = low / 100, high / 100
        sheet[f"C{row}"].number_format = sheet[f"D{row}"].number_format = EUROS
        upper = '"<="' if last else '"<"'
        sheet[f"E{row}"] = (f'=COUNTIFS({area},">="&C{row},{area},{upper}&D{row})'
                            if area else counts[k])
    chart = BarChart()
    chart.type, chart.gapWidth = "col", 10
    chart.title = f"Histogramme : {MEASURES[measure]}"
    chart.y_axis.title, chart.x_axis.title = "Tirages", "Euros"
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=5, min_row=first - 1, max_row=row),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, min_row=first, max_row=row))
    chart.width, chart.height = 18, 7
    sheet.add_chart(chart, f"G{first - 1}")
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
    (4, '1', '3260,52')
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
    euros = [*(simulation.measures[measure] for measure in MEASURES),
             simulation.cash_end_low]
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
