"""The « Réalisé » sheet: the accounts of past years against the plan (issue 16 item 6).

Written when the inputs' « Réalisé (comptes de l'année) » table has lines. For each
year it has, the lines of the Cerfa n° 12156*06 side by side
(:func:`finplan.model.actuals.compare`):

- « Prévu »: the Budget's cell of that line and year;
- « Réalisé »: the table's amounts of that year whose account starts with the line's
  two digits, a ``SUMPRODUCT`` over the table;
- « Écart » (réalisé − prévu) and « Écart % » (écart / prévu, when something was
  planned);

then the totals, 86 and 87, and the result. A reviewer who types or corrects an
account's amount sees every figure follow. Then each funder's request of that year
(:func:`finplan.model.actuals.follow_up`): planned (Financeurs), voted and received as
the last calculation read them, what remains (a formula).
"""

from __future__ import annotations

from finplan.io.cells import column_letter
from finplan.io.grid import Book, Expectations
from finplan.io.sheets.budget import Budget
from finplan.io.sheets.dossiers import euros_throughout
from finplan.io.sheets.financeurs import Funders
from finplan.io.sheets.rows import SheetWriter, money, share, share_formula
from finplan.io.workbook_layout import (
    CODE_COLUMN,
    FIRST_COLUMN,
    FIRST_OUTPUT_ROW,
    INPUT_SHEET,
    LABEL_COLUMN,
    InputLayout,
    quote_sheet,
)
from finplan.io.workbook_styles import NOTE_FONT, PERCENT
from finplan.model.actuals import (
    LineComparison,
    accounts_of,
    actual_years,
    compare,
    follow_up,
)
from finplan.model.budget import IN_KIND_LINES
from finplan.model.plan import PlanInternals

__all__ = ["TITLE", "actuals_titles", "write_actuals"]

TITLE = "Réalisé"
COLUMNS = ("Prévu", "Réalisé", "Écart", "Écart %")
FUNDER_COLUMNS = ("Prévu", "Voté", "Reçu", "Reste dû")
NOT_VOTED = "—"


def _years(plan: PlanInternals) -> list[int]:
    """The years of the plan the inputs give accounts for."""
    return [year for year in actual_years(plan.case.actuals) if year in plan.years]


def actuals_titles(plan: PlanInternals) -> list[str]:
    """The sheet's title when the plan has one (accounts of a year of the plan)."""
    return [TITLE] if _years(plan) else []


def write_actuals(book: Book, plan: PlanInternals, layout: InputLayout, expected: Expectations,
                  budget: Budget, funders: Funders) -> str | None:
    """The sheet (module docstring); its title, or None when there is nothing to
    compare (:func:`actuals_titles`)."""
    case = plan.case
    years = _years(plan)
    if not years:
        return None
    sheet = SheetWriter(book, "budget", plan, expected, period_labels=COLUMNS, title=TITLE)
    sheet.title(f"Réalisé et plan — {case.project.name}",
                f"{case.project.organisation} · les comptes de chaque année (tableau "
                "« Réalisé » des hypothèses) face au budget prévisionnel, ligne par ligne "
                "du Cerfa n° 12156*06, en euros")
    table = layout.table("actual")

    # the table's rows, and those typed just under it (read as its lines too)
    last = max(table.last_row, table.first_row + len(case.actuals) - 1)

    def column(key: str) -> str:
        letter = column_letter(FIRST_COLUMN + table.spec.column_index(key))
        return f"{quote_sheet(INPUT_SHEET)}!${letter}${table.first_row}:${letter}${last}"

    in_year, accounts, amounts = column("year"), column("account"), column("amount")
    for year in years:
        y = plan.years.index(year) + 1
        shown = compare(plan, accounts_of(case.actuals, year), year)
        sheet.header(f"Année {year}", extra=())
        this_year = f"(p_annee1+{y - 1})"

        def actual(code: str, this_year: str = this_year) -> str:
            prefix = f'LEFT({accounts},{len(code)})="{code}"'
            return f"SUMPRODUCT(({in_year}={this_year})*({prefix})*{amounts})"

        def write(line: LineComparison, planned: str, actual_formula: str,
                  style: str = "detail") -> int:
            row = sheet.row
            prevu, realise = sheet.local(row, 1), sheet.local(row, 2)
            formulas = {1: planned, 2: actual_formula, 3: f"{realise}-{prevu}",
                        4: share_formula(f"{realise}-{prevu}", prevu)}
            values = [money(line.planned), money(line.actual), money(line.difference),
                      share(line.difference_percent)]
            sheet.line(line.code, line.label, formulas.__getitem__, values, total=False,
                       style=style)
            sheet.sheet.set((row, sheet.first_year_column + 3), number_format=PERCENT)
            return row

        totals: dict[str, int] = {}
        for section, lines in (("CHARGES", shown.charges), ("PRODUITS", shown.produits)):
            sheet.section(section)
            rows = []
            for line in lines:
                if line.code:  # a line of the form: 60 to 79, then 86 or 87 (not added)
                    row = write(line, budget.sheet.ref(budget.form_rows[line.code], y),
                                actual(line.code))
                    if line.code not in IN_KIND_LINES:
                        rows.append(row)
                else:
                    key = "charges_total" if section == "CHARGES" else "produits_total"
                    planned = budget.sheet.ref(budget.form_rows[key], y)
                    if key == "produits_total":  # the accounts have no « ressources propres »
                        planned = (f"{planned}-"
                                   f"{budget.sheet.ref(budget.form_rows['own'], y)}")
                    totals[key] = write(line, planned,
                                        "+".join(sheet.local(r, 2) for r in rows),
                                        style="total")
        write(shown.result, budget.sheet.ref(budget.result, y),
              f"{sheet.local(totals['produits_total'], 2)}-"
              f"{sheet.local(totals['charges_total'], 2)}", style="total")
        sheet.row += 1
        _write_funders(sheet, plan, year, funders)
        sheet.row += 1
    sheet.sheet.put(f"{LABEL_COLUMN}{sheet.row}",
                    "Réalisé : la somme des montants du tableau « Réalisé » de l'année dont le "
                    "compte commence par les chiffres de la ligne (6061 va en 60). Écart % : "
                    "écart / prévu. Les produits prévus ne comptent pas les ressources propres "
                    "(des réserves, pas un produit des comptes).", font=NOTE_FONT)
    sheet.row += 1
    euros_throughout(sheet)
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 6, LABEL_COLUMN: 56},
                 title_columns=2)
    sheet.sheet.page.landscape = False
    return TITLE


def _write_funders(sheet: SheetWriter, plan: PlanInternals, year: int, funders: Funders) -> None:
    """Each funder's request of ``year``: planned (Financeurs), voted and received (the
    last calculation's), what remains (voted, else planned, − received)."""
    y = plan.years.index(year) + 1
    found = follow_up(plan, year)
    if not found:
        return
    sheet.period_labels = FUNDER_COLUMNS
    sheet.header(f"Financeurs : demandes de {year}", extra=())
    sheet.period_labels = COLUMNS
    for line in found:
        row = sheet.row
        voted = sheet.local(row, 2)
        formulas = {1: funders.cell(line.name, y), 2: None, 3: None,
                    4: f'IF(ISNUMBER({voted}),{voted},{sheet.local(row, 1)})'
                       f"-{sheet.local(row, 3)}"}
        values = [money(line.planned), NOT_VOTED if line.voted is None
                  else money(line.voted), money(line.received), money(line.remaining)]
        sheet.line("", line.name, None, values, total=False)
        for k in (1, 4):
            sheet.formula(sheet.local(row, k), formulas[k], values[k - 1])
    sheet.sheet.put(f"{LABEL_COLUMN}{sheet.row}", f"Reçu : ce que les « Versements reçus » "
                    f"paient de {year} (les plus anciennes années d'abord) ; voté et reçu tels "
                    "que le dernier calcul les a lus ; reste dû = voté (sinon prévu) − reçu.",
                    font=NOTE_FONT)
    sheet.row += 1
