"""The « Plan de financement » sheet: emplois, ressources and year-end cash, its
formulas mirroring :mod:`finplan.model.financing` (``working_capital``,
``financing_rows``, ``cash_end``).
"""

from __future__ import annotations

from collections.abc import Callable

from finplan.io.grid import Book, Expectations
from finplan.io.sheets.budget import Budget
from finplan.io.sheets.calculs import Details
from finplan.io.sheets.financeurs import Funders
from finplan.io.sheets.rows import (
    SheetWriter,
    money,
    sum_local,
    sum_of,
)
from finplan.io.workbook_layout import (
    CODE_COLUMN,
    FIRST_OUTPUT_ROW,
    LABEL_COLUMN,
)
from finplan.io.workbook_print import fit_one_page
from finplan.model.financing import FinancingRow
from finplan.model.plan import PlanInternals


def _bridge_line(sheet: SheetWriter, row: FinancingRow) -> int:
    """A row of the bridging facilities' balances' change, as values until
    « Trésorerie » is written (:func:`~finplan.io.sheets.budget.link_bridges`)."""
    written = sheet.line("", row.label, None, [money(c) for c in row.amounts], total=False)
    sheet.rows[row.code] = [written]
    return written


def _write_reconciliation(sheet: SheetWriter, plan: PlanInternals, cash: int, bfr: int) -> None:
    """Why December's balance on « Trésorerie » is not the year-end cash, year by year:
    ``monthly(12y) = cash_end(y) + bfr(y) − receivable(y)`` (:mod:`finplan.model.cash`).
    Formulas, but for what is still to receive, which finplan computes from the
    payment schedules; the balance of « Trésorerie » is linked once that sheet is
    written (:func:`link_reconciliation`), the gap is watched on « Contrôles »."""
    monthly, years = plan.monthly, len(plan.years)
    decembers = [money(monthly.balances[12 * y - 1]) for y in range(1, years + 1)]
    sheet.row += 1
    sheet.section("RAPPROCHEMENT AVEC LA TRÉSORERIE MENSUELLE (fin décembre)")
    added = sheet.line("", "plus : BFR (une réserve, pas une dépense)",
                       lambda y: sheet.local(bfr, y), [money(c) for c in plan.bfr],
                       total=False)
    receivable = sheet.line("", "moins : financements encore à recevoir", None,
                            [money(c) for c in monthly.receivable_by_year], total=False)
    december = sheet.line("", "égale : trésorerie de fin de décembre",
                          lambda y: (f"{sheet.local(cash, y)}+{sheet.local(added, y)}"
                                     f"-{sheet.local(receivable, y)}"),
                          decembers, total=False, style="total")
    shown = sheet.line("", "Trésorerie de fin de décembre (feuille Trésorerie)", None,
                       decembers, total=False)
    gap = sheet.line("", "écart avec la feuille Trésorerie",
                     lambda y: f"ROUND({sheet.local(december, y)}-{sheet.local(shown, y)},2)",
                     [money(0)] * years, total=False)
    sheet.rows["reconciliation"] = [shown]
    sheet.rows["reconciliation_gap"] = [gap]  # watched on « Contrôles »


def link_reconciliation(financing: tuple[SheetWriter, int, int], month_sheet: SheetWriter,
                        balance: int) -> None:
    """The reconciliation's December balances (:func:`_write_reconciliation`): those
    of « Trésorerie », row ``balance``, now written."""
    sheet, plan = financing[0], financing[0].plan
    for row in sheet.rows.get("reconciliation", []):
        for y in range(1, len(plan.years) + 1):
            sheet.formula(sheet.local(row, y), month_sheet.ref(balance, 12 * y),
                          money(plan.monthly.balances[12 * y - 1]))


def write_financing(book: Book, plan: PlanInternals, details: Details, budget: Budget,
                     funders: Funders, expected: Expectations,
                     bfr_of: Callable[[int], str] | None = None
                     ) -> tuple[SheetWriter, int, int]:
    """The financing plan; returns its sheet and the rows of the year-end cash and of
    the BFR. ``bfr_of(y)``: the BFR of year ``y`` when it is not this plan's charges'
    (a collective's: its members' sum)."""
    sheet = SheetWriter(book, "financing", plan, expected)
    calc, bud, years = details.sheet, budget.sheet, len(plan.years)
    sheet.title(f"Plan de financement — {plan.case.project.name}",
                f"{plan.case.project.organisation} · emplois et ressources par année, "
                "trésorerie de fin d'année, en euros")
    sheet.header("Plan de financement", extra=())
    rows = {row.code: row for row in plan.financing_rows if row.code != "funding"}
    caf = sheet.line("", "Capacité d'autofinancement (CAF, voir Budget)",
                     lambda y: bud.ref(budget.caf, y), [money(c) for c in plan.caf],
                     total=False)
    bfr = sheet.line("", "Besoin en fonds de roulement (BFR) de fin d'année",
                     bfr_of or (lambda y: (f"ROUND(bfr_jours/360*("
                                           f"{budget.operating_charges(y)}-"
                                           f"{bud.ref(budget.line_68, y)}),2)")),
                     [money(c) for c in plan.bfr], total=False)
    sheet.row += 1

    def bfr_change(y: int, sign: int) -> str:
        """The BFR's increase (sign 1) or decrease (sign -1) in year ``y``; year 1
        starts from no BFR."""
        current = sheet.local(bfr, y)
        if y == 1:
            return f"MAX(0,{'' if sign > 0 else '-'}{current})"
        previous = sheet.local(bfr, y - 1)
        return (f"MAX(0,{current}-{previous})" if sign > 0
                else f"MAX(0,{previous}-{current})")

    first = sheet.section("EMPLOIS")
    emplois = [
        sheet.line("", rows["investments"].label, lambda y: calc.ref(details.investments, y),
                   [money(c) for c in rows["investments"].amounts], total=False),
        sheet.line("", rows["repaid"].label, lambda y: sum_of(calc, details.repaid, y),
                   [money(c) for c in rows["repaid"].amounts], total=False),
        sheet.line("", rows["bfr_increase"].label,
                   lambda y: bfr_change(y, 1),
                   [money(c) for c in rows["bfr_increase"].amounts], total=False),
        sheet.line("", rows["caf_negative"].label, lambda y: f"MAX(0,-{sheet.local(caf, y)})",
                   [money(c) for c in rows["caf_negative"].amounts], total=False),
    ]
    if "bridges_repaid" in rows:  # formulas once « Trésorerie » is written (link_bridges)
        emplois.append(_bridge_line(sheet, rows["bridges_repaid"]))
    total_emplois = sheet.line("", "Total des emplois", lambda y: sum_local(sheet, emplois, y),
                               [money(c) for c in plan.emplois], total=False, style="total")
    sheet.name_block("plan_emplois", first, total_emplois, sheet.first_year_column + years - 1)
    first = sheet.section("RESSOURCES")
    ressources = [
        sheet.line("", rows["caf"].label, lambda y: f"MAX(0,{sheet.local(caf, y)})",
                   [money(c) for c in rows["caf"].amounts], total=False),
        sheet.line("", rows["loans"].label, lambda y: calc.ref(details.loans, y),
                   [money(c) for c in rows["loans"].amounts], total=False),
    ]
    for row in plan.financing_rows:
        if row.code == "funding":
            ressources.append(sheet.line("", row.label,
                                         lambda y, name=row.label: funders.cell(name, y),
                                         [money(c) for c in row.amounts], total=False))
    ressources.append(sheet.line("", rows["bfr_decrease"].label,
                                 lambda y: bfr_change(y, -1),
                                 [money(c) for c in rows["bfr_decrease"].amounts],
                                 total=False))
    if "bridges" in rows:
        ressources.append(_bridge_line(sheet, rows["bridges"]))
    total_ressources = sheet.line("", "Total des ressources",
                                  lambda y: sum_local(sheet, ressources, y),
                                  [money(c) for c in plan.ressources], total=False,
                                  style="total")
    sheet.name_block("plan_ressources", first, total_ressources,
                     sheet.first_year_column + years - 1)
    sheet.row += 1
    movement = sheet.line("", "Variation de trésorerie",
                          lambda y: f"{sheet.local(total_ressources, y)}-"
                                    f"{sheet.local(total_emplois, y)}",
                          [money(r - e) for r, e in zip(plan.ressources, plan.emplois)],
                          total=False)
    opening = [plan.monthly.opening, *plan.cash_end[:-1]]  # a collective: its members'
    start = sheet.row
    sheet.line("", "Trésorerie de début d'année",
               lambda y: (f"ROUND({details.opening_cash},2)" if y == 1
                          else sheet.local(start + 1, y - 1)),
               [money(c) for c in opening], total=False)
    cash = sheet.line("", "Trésorerie de fin d'année",
                      lambda y: f"{sheet.local(start, y)}+{sheet.local(movement, y)}",
                      [money(c) for c in plan.cash_end], total=False, style="total")
    sheet.name_block("plan_tresorerie_fin", cash, cash, sheet.first_year_column + years - 1)
    _write_reconciliation(sheet, plan, cash, bfr)
    custom = [n for n in plan.need_results if n.need.is_custom and not n.need.is_earmarked]
    if custom:
        sheet.row += 1
        sheet.section("Besoins hors comptes de la structure (payés directement par les "
                      "financeurs, hors trésorerie)")
        for need in custom:
            sheet.line("", need.need.label, lambda y, n=need.need.id: calc.ref(
                details.needs[n], y), [money(c) for c in need.amounts], total=False)
            for funding in need.funding:
                sheet.line("", "  " + funding.name,
                           lambda y, name=funding.name: funders.cell(name, y),
                           [money(c) for c in funding.amounts], total=False)
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 3, LABEL_COLUMN: 60})
    fit_one_page(sheet.sheet)  # the financing plan on one sheet of paper
    return sheet, cash, bfr


