"""The « Graphiques » sheet: the resources by year (Financeurs), the year-end cash
(Plan de financement), the month-end cash (Trésorerie) and the break-even against the
own revenue planned (Budget), each chart reading the figures of its sheet and printed
on a page of its own.

The layout is fixed — one block of :data:`BLOCK_ROWS` rows a chart, a page break
after each block — so that a workbook computed by the Excel button, which cannot set
page breaks, prints as one computed by ``finplan fill``: the template carries the
same breaks.  The monthly chart reads its labels from a row of this sheet outside the
printed area, one label a quarter (or a half-year beyond a year): 36 slanted month
names run into each other, and the spreadsheets thin them each their own way.
"""

from __future__ import annotations

from finplan.io.grid import Book, Expectations, Ref
from finplan.io.sheets.budget import Budget
from finplan.io.sheets.charts import grouped_bars, line_chart, stacked_bars
from finplan.io.sheets.financeurs import Funders
from finplan.io.sheets.rows import SheetWriter
from finplan.io.workbook_layout import BANNER_ROW, LABEL_COLUMN
from finplan.io.workbook_print import calculation_date, fit_texts, fit_width, print_setup
from finplan.model.cash import MONTHS_SHORT
from finplan.model.plan import PlanInternals

__all__ = ["write_charts", "BLOCK_ROWS", "FIRST_CHART_ROW", "LABELS_ROW"]

FIRST_CHART_ROW = 5  # under the title, the subtitle and the banner
BLOCK_ROWS = 26  # a chart and its margin: one A4 landscape page (at 15 points a row)
# height, width in centimetres: under a page's height; at this width the spreadsheets
# label every other month of a 3-year monthly chart without overlapping them
SIZE = (12.0, 19.0)
CHARTS = 4
LABELS_ROW = FIRST_CHART_ROW + CHARTS * BLOCK_ROWS + 1  # the monthly chart's labels, unprinted


def _month_labels(sheet: SheetWriter, plan: PlanInternals) -> Ref:
    """The monthly chart's labels, a month a row of column B under the printed area:
    « janv. 2027 » every quarter (every half-year beyond a year), nothing between; the
    first pushed right, off the value axis's labels."""
    months = plan.monthly.months
    step = 3 if months <= 12 else 6
    first_year = plan.years[0]
    for month in range(1, months + 1):
        if (month - 1) % step == 0:
            # the first label stands on the value axis, centred: pushed right so that
            # it does not run under the axis's lowest figure (« 0 » when cash stays
            # positive)
            sheet.sheet.put((LABELS_ROW + month - 1, 2),
                            ("\u00a0" * 12 if month == 1 else "")
                            + f"{MONTHS_SHORT[(month - 1) % 12]} "
                            f"{first_year + (month - 1) // 12}")
    return Ref(sheet.name, LABELS_ROW, 2, LABELS_ROW + months - 1, 2)


def write_charts(book: Book, plan: PlanInternals, expected: Expectations, funders: Funders,
                 financing: tuple[SheetWriter, int, int],
                 monthly: tuple[SheetWriter, int], budget: Budget) -> SheetWriter:
    """The four charts, each anchored at the top of its page."""
    sheet = SheetWriter(book, "charts", plan, expected)
    project = plan.case.project
    sheet.title(f"Graphiques — {project.name}", f"{project.organisation} · chaque graphique "
                "lit les chiffres de sa feuille (Financeurs, Plan de financement, "
                "Trésorerie, Budget) ; un graphique par page imprimée")
    plan_sheet, cash_row, _ = financing
    month_sheet, balance_row = monthly
    anchors = [f"{LABEL_COLUMN}{FIRST_CHART_ROW + BLOCK_ROWS * k}" for k in range(CHARTS)]
    mix = funders.mix_rows
    sheet.sheet.charts.extend([
        stacked_bars(funders.sheet, "Ressources par année", mix, SIZE, anchors[0],
                     funders.sheet.first_year_column, mix[0] - 1),
        line_chart(plan_sheet, "Trésorerie de fin d'année", cash_row, SIZE, anchors[1]),
        line_chart(month_sheet, "Trésorerie de fin de mois", balance_row, SIZE, anchors[2],
                   _month_labels(sheet, plan)),
        grouped_bars(budget.sheet, "Point mort et recettes propres prévues",
                     budget.break_even, SIZE, anchors[3]),
    ])
    sheet.sheet.widths.update({1: 3, 2: 104})  # B holds the charts' width (19 cm)
    print_setup(sheet.sheet, project.organisation, project.name,
                title_rows=f"{BANNER_ROW}:{BANNER_ROW}", dated=calculation_date())
    fit_texts(sheet.sheet, fit_width(sheet.sheet, last_column=2), last_column=2)
    sheet.sheet.page.area = f"A1:B{LABELS_ROW - 1}"
    # each page starts a row above its chart: a chart right at a page's top is also
    # drawn, clipped, at the foot of the page before
    sheet.sheet.page.row_breaks.extend(FIRST_CHART_ROW - 2 + BLOCK_ROWS * k
                                       for k in range(1, CHARTS))
    return sheet
