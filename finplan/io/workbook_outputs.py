"""The output sheets, written in order: Financeurs, Calculs, Budget, Plan de financement,
Trésorerie, Scénarios, Contrôles (one module each in :mod:`finplan.io.sheets`).

Every figure Excel can derive from the inputs is a live formula pointing at the
``Hypothèses`` cells (through the ``Calculs`` sheet, which shows each step);
the funders' amounts are the engine's allocation, written as values.  For
every formula cell the writer also records the engine's value
(:data:`Expectations`), so that a test can recalculate the workbook with a
real spreadsheet engine and compare each cell to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence

from finplan.io.cells import column_index
from finplan.io.grid import Book, Expectations, Page
from finplan.io.result_watch import watch_results
from finplan.io.sheets.budget import link_bridges, write_budget
from finplan.io.sheets.calculs import link_operating_need, write_details
from finplan.io.sheets.controles import FRESHNESS_CHECK, STATUS, write_checks
from finplan.io.sheets.dossiers import dossier_titles, write_dossiers
from finplan.io.sheets.financeurs import link_funders, write_funders
from finplan.io.sheets.graphiques import write_charts
from finplan.io.sheets.plan import write_financing
from finplan.io.sheets.realise import actuals_titles, write_actuals
from finplan.io.sheets.scenarios import write_scenarios, write_table
from finplan.io.sheets.tresorerie import rate_cells, write_monthly
from finplan.io.workbook_layout import (
    INPUT_SHEET,
    LIST_NAMES,
    LISTS_SHEET,
    OUTPUT_SHEETS,
    PARAMS,
    SHEETS,
    TITLE_CELL,
    InputLayout,
)
from finplan.io.workbook_members import member_titles, write_collective
from finplan.io.workbook_print import fit_texts, widen_for_words
from finplan.io.workbook_snapshot import FRESH_NAME
from finplan.io.workbook_styles import NOTE_FONT, TITLE_FONT
from finplan.model.plan import PlanInternals

__all__ = ["FRESHNESS_CHECK", "OUTPUT_NAMES", "NAME_SHEETS", "STATUS", "extra_sheet_titles",
           "standalone_sheet_titles", "write_outputs", "write_placeholders", "write_table"]

# Defined names of the output blocks (a fill replaces them with the sheets).
OUTPUT_NAMES = ("scenarios_comparaison", "tresorerie_mensuelle", "calculs_personnel",
                "calculs_besoins",
                "budget_charges", "budget_produits", "budget_resultat", "budget_caf",
                "budget_point_mort",
                "financeurs_tableau", "financeurs_repartition", "plan_emplois", "plan_ressources",
                "plan_tresorerie_fin", "controles", "controles_verdict", FRESH_NAME)
# the sheet of each result block's name, by the name's first word
_BLOCK_SHEETS = {"scenarios": "scenarios", "tresorerie": "monthly", "calculs": "details",
                 "budget": "budget", "financeurs": "funders", "plan": "financing",
                 "controles": "checks"}
#: finplan's defined names -> the sheet each points to (Excel makes a name follow a
#: renamed sheet: where it points then tells the new title)
NAME_SHEETS = {**{param.name: INPUT_SHEET for param in PARAMS},
               **{name: LISTS_SHEET for name in LIST_NAMES.values()},
               **{name: SHEETS[_BLOCK_SHEETS[name.split("_")[0]]]
                  for name in OUTPUT_NAMES if name != FRESH_NAME}}


def standalone_sheet_titles(plan: PlanInternals) -> list[str]:
    """The result sheets a plan may have that no other sheet refers to: a dossier
    sheet per funder a request is filed with, then « Réalisé » when the inputs give
    accounts of a year of the plan (a client that cannot add a sheet may go without
    them)."""
    return [*dossier_titles(plan).values(), *actuals_titles(plan)]


def extra_sheet_titles(plan: PlanInternals) -> list[str]:
    """The result sheets a plan has beyond finplan's fixed set: a collective's
    « Membres » and members' sheets, then :func:`standalone_sheet_titles`."""
    return [*member_titles(plan), *standalone_sheet_titles(plan)]


def write_outputs(book: Book, plan: PlanInternals, layout: InputLayout, expected: Expectations,
                  notes: Sequence[str] = (), text_cells: Sequence[str] = ()) -> None:
    """Write every output sheet of ``plan`` (a collective's: its consolidated sheets,
    « Membres » and each member's, :func:`~finplan.io.workbook_members.write_collective`);
    ``notes`` are remarks on the inputs shown under the checks, ``text_cells`` the
    input cells holding a number typed as text (a check of its own, « À revoir » until
    they hold numbers)."""
    watched = [*(SHEETS[key] for key in OUTPUT_SHEETS if key != "checks"),
               *extra_sheet_titles(plan)]
    if plan.case.members:
        write_collective(book, plan, layout, expected, notes, text_cells, watched)
    else:
        _write_single(book, plan, layout, expected, notes, text_cells, watched)
    watch_results(book, expected, watched)


def _write_single(book: Book, plan: PlanInternals, layout: InputLayout, expected: Expectations,
                  notes: Sequence[str], text_cells: Sequence[str],
                  watched: Sequence[str]) -> None:
    """The result sheets of one organisation's plan."""
    funders = write_funders(book, plan, expected)
    details = write_details(book, plan, layout, expected, funders.cell)
    budget = write_budget(book, plan, details, funders, expected)
    link_operating_need(details, budget.operating_charges, plan)
    link_funders(funders, details, plan, layout)
    financing = write_financing(book, plan, details, budget, funders, expected)
    monthly = write_monthly(book, plan, expected, financing,
                            rate_of=rate_cells(layout, plan.case))
    link_bridges(budget, financing, monthly)
    write_charts(book, plan, expected, funders, financing, monthly, budget)
    write_scenarios(book, plan, expected)
    write_checks(book, plan, funders, details, financing, monthly, expected, notes,
                 text_cells, results=watched)
    write_dossiers(book, plan, expected, funders, budget, monthly)
    write_actuals(book, plan, layout, expected, budget, funders)


def write_placeholders(book: Book, plan: PlanInternals, layout: InputLayout,
                       blank: bool = False) -> None:
    """The output sheets of a template that has not been computed yet, each printing
    as it will once computed: the Excel button writes cells and looks but cannot set
    a sheet's print setup, so the template carries the one ``fill`` gives ``plan``
    (scale, repeated titles, column breaks; not the breaks above charts, which
    depend on the figures, nor a date; nor, for a ``blank`` template, the names of
    ``plan``'s project)."""
    computed = Book()
    write_outputs(computed, plan, layout, {})
    for key in OUTPUT_SHEETS:
        sheet = book.create_sheet(SHEETS[key])
        sheet.put(TITLE_CELL, SHEETS[key], font=TITLE_FONT)
        sheet.put("B3", "Cette feuille sera remplie par le calcul du plan : saisissez la "
                  "feuille « Hypothèses », puis cliquez sur « Calculer le plan » ou lancez "
                  "finplan fill sur ce classeur.", font=NOTE_FONT)
        future = computed[SHEETS[key]]
        sheet.widths = dict(future.widths)
        page = future.page or Page()
        page.header = ("", "", "") if blank else (page.header[0], page.header[1], "")
        if key != "charts":  # its breaks are fixed; the others' follow the figures
            page.row_breaks = []
        sheet.page = page
        titles = page.title_columns.split(":")[1] if page.title_columns else None
        widen_for_words(sheet)
        fit_texts(sheet, page.column_breaks, column_index(titles) if titles else 0)
