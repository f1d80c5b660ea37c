"""The « Budget » sheet: the Cerfa 12156*06 budget, its formulas mirroring
:mod:`finplan.model.budget` (``line_totals``, ``result``, ``caf``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from openpyxl.workbook.workbook import Workbook

from finplan.io.sheets.calculs import Details
from finplan.io.sheets.financeurs import Funders
from finplan.io.sheets.rows import (
    SheetWriter,
    money,
    sum_local,
    sum_of,
)
from finplan.io.workbook_inputs import Expectations, put
from finplan.io.workbook_layout import (
    CODE_COLUMN,
    FIRST_OUTPUT_ROW,
    LABEL_COLUMN,
)
from finplan.io.workbook_styles import (
    NOTE_FONT,
)
from finplan.model.budget import CHARGE_LINES, ENGINE_ACCOUNTS, PRODUIT_LINES
from finplan.model.plan import Plan
from finplan.model.vocabulary import CERFA_74_LINES

_EXTRA_CHARGE_LINES = {"69": "Impôts sur les bénéfices (IS)"}
_CVN_CHARGES = ("86", "Emplois des contributions volontaires en nature")
_CVN_PRODUITS = ("87", "Contributions volontaires en nature")


@dataclass
class Budget:
    sheet: SheetWriter
    charges_total: int = 0
    produits_total: int = 0
    line_68: int = 0
    release: int = 0
    result: int = 0
    caf: int = 0


def write_budget(book: Workbook, plan: Plan, details: Details, funders: Funders,
                  expected: Expectations) -> Budget:
    sheet = SheetWriter(book, "budget", plan, expected)
    calc, case, years = details.sheet, plan.case, len(plan.years)
    budget = Budget(sheet)
    sheet.title(f"Budget prévisionnel — {case.project.name}",
                f"{case.project.organisation} · compte de résultat prévisionnel selon les "
                "lignes du formulaire Cerfa n° 12156, en euros")
    sheet.header("Charges et produits")

    def block(section: str, lines: dict[str, str], detail: dict[str, list[tuple]]) -> list[int]:
        """Cerfa lines, each followed by its detail rows (code, label, formula, cents)."""
        line_rows = []
        for code, text in lines.items():
            rows = detail.get(code, [])
            totals = (plan.charges if section == "charges" else plan.produits).get(code)
            values = [money(c) for c in totals] if totals else [Decimal(0)] * years
            line_row = sheet.row
            sheet.line(code, text, None, values, style="line")
            line_rows.append(line_row)
            detail_rows = []
            for entry in rows:
                sub_code, sub_label, formula, cents, level = entry
                detail_rows.append(sheet.line(sub_code, ("    " if level == 2 else "  ")
                                              + sub_label, formula, [money(c) for c in cents]))
            direct = [r for r, e in zip(detail_rows, rows) if e[4] == 1]
            if direct:
                for y in range(1, years + 1):
                    sheet.formula(sheet.local(line_row, y), sum_local(sheet, direct, y),
                                  values[y - 1])
        return line_rows

    charge_detail: dict[str, list[tuple]] = {}
    for i, item in enumerate(case.expenses):
        charge_detail.setdefault(item.account[:2], []).append(
            (item.account, item.label, lambda y, r=details.expense[i]: calc.ref(r, y),
             plan.expenses_by_item[i], 1))
    engine_rows = {
        "641": (details.gross, [sum(c.gross[y] for c in plan.staff_costs) for y in range(years)]),
        "645": (details.social, [sum(c.social[y] for c in plan.staff_costs)
                                 for y in range(years)]),
        "661": (details.interest, plan.interest),
        "681": (details.depreciation, plan.depreciation),
    }
    for account, (rows, cents) in engine_rows.items():
        charge_detail.setdefault(account[:2], []).append(
            (account, ENGINE_ACCOUNTS[account],
             lambda y, rows=rows: sum_of(calc, rows, y), cents, 1))
    for code in charge_detail:
        charge_detail[code].sort(key=lambda entry: entry[0])
    sheet.section("CHARGES")
    charge_lines = block("charges", {**CHARGE_LINES, **_EXTRA_CHARGE_LINES}, charge_detail)
    first_charges = charge_lines[0]
    budget.line_68 = charge_lines[list(CHARGE_LINES).index("68")]
    budget.charges_total = sheet.line(
        "", "Total des charges", lambda y: sum_local(sheet, charge_lines, y),
        [money(c) for c in plan.charges_total], style="total")
    sheet.line(*_CVN_CHARGES, None, [Decimal(0)] * years)
    sheet.name_block("budget_charges", first_charges, budget.charges_total)

    produit_detail: dict[str, list[tuple]] = {}
    for i, item in enumerate(case.revenue):
        produit_detail.setdefault(item.account[:2], []).append(
            (item.account, item.label, lambda y, r=details.revenue[i]: calc.ref(r, y),
             plan.revenue_by_item[i], 1))
    subsidies = plan.subsidies()
    operating = next(n for n in plan.need_results if n.need.id == "operating")
    entries_74: list[tuple] = []
    for sub_line, sub_label in CERFA_74_LINES.items():
        members = [f for f in operating.funding if f.type != "own" and f.line == sub_line]
        entries_74.append((sub_label, subsidies[sub_line], members))
    sheet.section("PRODUITS")
    produit_lines = []
    for code, text in PRODUIT_LINES.items():
        if code != "74":
            produit_lines += block("produits", {code: text}, produit_detail)
            continue
        line_row = sheet.line("74", text, None, [money(c) for c in plan.produits["74"]],
                              style="line")
        produit_lines.append(line_row)
        sub_rows = []
        for sub_label, cents, members in entries_74:
            sub_row = sheet.line("", "  " + sub_label, None, [money(c) for c in cents])
            sub_rows.append(sub_row)
            member_rows = [sheet.line("", "    " + f.name,
                                      lambda y, name=f.name: funders.cell(name, y),
                                      [money(c) for c in f.amounts]) for f in members]
            for y in range(1, years + 1):
                sheet.formula(sheet.local(sub_row, y), sum_local(sheet, member_rows, y),
                              money(cents[y - 1]))
        budget.release = sheet.line("747", "  " + ENGINE_ACCOUNTS["747"],
                                    lambda y: calc.ref(details.release, y),
                                    [money(c) for c in plan.grant_release])
        sub_rows.append(budget.release)
        for y in range(1, years + 1):
            sheet.formula(sheet.local(line_row, y), sum_local(sheet, sub_rows, y),
                          money(plan.produits["74"][y - 1]))
    budget.produits_total = sheet.line(
        "", "Total des produits", lambda y: sum_local(sheet, produit_lines, y),
        [money(c) for c in plan.produits_total], style="total")
    sheet.line(*_CVN_PRODUITS, None, [Decimal(0)] * years)
    sheet.name_block("budget_produits", produit_lines[0], budget.produits_total)
    sheet.row += 1
    budget.result = sheet.line(
        "", "Résultat (excédent + / déficit −)",
        lambda y: f"{sheet.local(budget.produits_total, y)}-{sheet.local(budget.charges_total, y)}",
        [money(c) for c in plan.result], style="total")
    budget.caf = sheet.line(
        "", "Capacité d'autofinancement (résultat + amortissements − quote-part 747)",
        lambda y: (f"{sheet.local(budget.result, y)}+{sheet.local(budget.line_68, y)}"
                   f"-{sheet.local(budget.release, y)}"),
        [money(c) for c in plan.caf], style="total")
    sheet.name_block("budget_resultat", budget.result, budget.result)
    sheet.name_block("budget_caf", budget.caf, budget.caf)
    note = sheet.row + 1
    put(sheet.sheet, f"{LABEL_COLUMN}{note}", "Les subventions d'exploitation (74) sont "
        "réparties par "
        "finplan ; les contributions volontaires en nature (86/87) ne sont pas évaluées.")
    sheet.sheet[f"{LABEL_COLUMN}{note}"].font = NOTE_FONT
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 9, LABEL_COLUMN: 62})
    return budget


