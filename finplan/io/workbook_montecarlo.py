"""A Monte Carlo run as a workbook a reviewer can audit.

``Tirages``: one row per draw (the relative change of each value, then the
measures in euros).  ``Monte Carlo``: the settings, and live formulas over the
draws — probabilities (``COUNTIF``), percentiles (``PERCENTILE``, which is
``PERCENTILE.INC``: the same linear interpolation as finplan), means — and the
histogram of each measure (``COUNTIFS`` by class) with a bar chart.
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

__all__ = ["DRAWS_SHEET", "SUMMARY_SHEET", "montecarlo_workbook"]

SUMMARY_SHEET, DRAWS_SHEET = "Monte Carlo", "Tirages"
HISTOGRAM_BINS = 20
CASH_END_LOW = "Trésorerie de fin d'année la plus basse"


def _header(sheet: Worksheet, row: int, values: list[str], first_column: int = 2) -> None:
    for offset, value in enumerate(values):
        cell = sheet.cell(row, first_column + offset)
        put(sheet, cell.coordinate, value)
        cell.fill, cell.font, cell.alignment = HEADER_FILL, HEADER_FONT, RIGHT


def _draws_sheet(book: Workbook, simulation: Any) -> dict[str, str]:
    """Write the draws; returns the absolute range of each measure's column."""
    from finplan.simulation import MEASURES

    sheet = book.create_sheet(DRAWS_SHEET)
    vary = simulation.settings.vary
    columns = {**MEASURES, "cash_end_low": CASH_END_LOW}
    headers = ["Tirage", *[variation.path for variation in vary], *columns.values()]
    _header(sheet, 1, headers, first_column=1)
    measures = [*(simulation.measures[measure] for measure in MEASURES),
                simulation.cash_end_low]
    xs = simulation.variations
    for draw in range(simulation.draws):
        sheet.append([draw + 1, *[float(xs[k, draw]) for k in range(len(vary))],
                      *[int(values[draw]) / 100 for values in measures]])
    last = simulation.draws + 1
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


def montecarlo_workbook(simulation: Any) -> Workbook:
    """The workbook of a Monte Carlo run (see the module docstring)."""
    from finplan.simulation import MEASURES, PERCENTILES, PROBABILITIES, describe_variation

    book = Workbook()
    sheet = book.active
    sheet.title = SUMMARY_SHEET
    ranges = _draws_sheet(book, simulation)
    project = simulation.case.project
    settings = simulation.settings
    put(sheet, "B1", f"Monte Carlo — {project.name}")
    sheet["B1"].font = TITLE_FONT
    draws = f"{settings.draws:,}".replace(",", " ")
    put(sheet, "B2", f"{draws} tirages, graine {settings.seed} ; chaque valeur du dossier "
        "est multipliée par (1 + x) chaque année, x tiré selon sa loi ; les tirages sont "
        "dans la feuille « Tirages ».")
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
    for key, (area, criterion) in tests.items():
        row += 1
        put(sheet, f"B{row}", PROBABILITIES[key])
        sheet[f"C{row}"] = f'=COUNTIF({area},"{criterion}")/COUNT({area})'
        sheet[f"C{row}"].number_format = PERCENT
    row += 2
    _header(sheet, row, ["Mesure (euros)", *[f"P{q}" for q in PERCENTILES], "Moyenne"])
    for measure in MEASURES:
        row += 1
        put(sheet, f"B{row}", MEASURES[measure])
        for offset, q in enumerate(PERCENTILES):
            cell = sheet.cell(row, 3 + offset)
            cell.value = f"=ROUND(PERCENTILE({ranges[measure]},{q / 100}),2)"
            cell.number_format = EUROS
        cell = sheet.cell(row, 3 + len(PERCENTILES))
        cell.value = f"=ROUND(AVERAGE({ranges[measure]}),2)"
        cell.number_format = EUROS
    row += 2
    for measure in MEASURES:
        row = _histogram(sheet, simulation, measure, ranges[measure], row) + 2
    sheet.column_dimensions["B"].width = 52
    for letter in "CDEF":
        sheet.column_dimensions[letter].width = 16
    print_setup(sheet, project.organisation, f"Monte Carlo — {project.name}")
    return book


def _histogram(sheet: Worksheet, simulation: Any, measure: str, area: str, row: int) -> int:
    """A histogram table (classes and COUNTIFS) and its bar chart; returns its last row."""
    from finplan.simulation import MEASURES, histogram_counts

    _, edges = histogram_counts(simulation.measures[measure], HISTOGRAM_BINS)
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
        sheet[f"E{row}"] = (f'=COUNTIFS({area},">="&C{row},{area},{upper}&D{row})')
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
