"""The « Membres » sheet of a collective: each member's hours, insertion FTE, own
revenue, aide au poste, result and year-end cash side by side, by year — each cell a
reference to the member's own sheets (Calculs, Financeurs, Budget, Plan de
financement), each block ending with the members' total (the consolidated own revenue,
without what the mandataire passes on to the members, for the revenue)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from finplan.io.grid import Book, Expectations
from finplan.io.sheets.budget import Budget
from finplan.io.sheets.calculs import Details
from finplan.io.sheets.financeurs import Funders
from finplan.io.sheets.rows import SheetWriter, money, sum_local, sum_of
from finplan.io.workbook_layout import FIRST_OUTPUT_ROW, LABEL_COLUMN
from finplan.io.workbook_styles import EUROS, NUMBER
from finplan.model.case import Member
from finplan.model.plan import PlanInternals

__all__ = ["MemberSheets", "write_members"]


@dataclass(frozen=True)
class MemberSheets:
    """A member, its plan and the rows of its sheets."""

    member: Member
    plan: PlanInternals
    funders: Funders
    details: Details
    budget: Budget
    financing: tuple[SheetWriter, int, int]
    monthly: tuple[SheetWriter, int]


def write_members(book: Book, plan: PlanInternals, parts: Sequence[MemberSheets],
                  own_revenue: Callable[[int], str], expected: Expectations) -> SheetWriter:
    """The sheet (module docstring); ``own_revenue(y)``: the consolidated own revenue
    of year ``y`` as a formula term."""
    sheet = SheetWriter(book, "members", plan, expected)
    years = len(plan.years)
    sheet.title(f"Membres du collectif — {plan.case.project.name}",
                "Chiffres de chaque membre, tirés de ses feuilles (Budget, Calculs, "
                "Financeurs, Plan de financement) ; le mandataire répond aux contrats et "
                "reverse aux autres leur part.")
    sheet.header("Membre")

    def block(title: str, figure: Callable[[MemberSheets], tuple[Callable[[int], str],
                                                                 Sequence[Decimal]]],
              number_format: str = EUROS, total: tuple[str, Callable[[int], str],
                                                       Sequence[Decimal]] | None = None,
              across: bool = True) -> None:
        """A figure, a member a row, then the members' total; ``across``: with the
        plan's total in the last column (not for a balance: cash at the end of each
        year does not add up over the years)."""
        sheet.section(title)
        rows, figures = [], []
        for part in parts:
            formula, values = figure(part)
            name = part.member.name + (" (mandataire)" if part.member.mandataire else "")
            rows.append(sheet.line("", "  " + name, formula, values,
                                   number_format=number_format, total=across))
            figures.append(values)
        label, formula, values = total or (
            "Total des membres", lambda y: sum_local(sheet, rows, y),
            [sum(year, Decimal(0)) for year in zip(*figures)])
        sheet.line("", label, formula, values, style="total", number_format=number_format,
                   total=across)
        sheet.row += 1

    def hours(part: MemberSheets) -> tuple[Callable[[int], str], list[Decimal]]:
        rows = part.details.hours
        return ((lambda y: sum_of(part.details.sheet, rows, y)),
                [sum((h[y] for h in part.plan.hours.values()), Decimal(0))
                 for y in range(years)])

    def fte(part: MemberSheets) -> tuple[Callable[[int], str], list[Decimal]]:
        rows = [row for line, row in zip(part.plan.case.staff, part.details.fte)
                if line.kind == "insertion"]
        return (lambda y: sum_of(part.details.sheet, rows, y)), list(part.plan.fte_insertion)

    def revenue(part: MemberSheets) -> tuple[Callable[[int], str], list[Decimal]]:
        return ((lambda y: part.details.sheet.ref(part.details.own_revenue, y)),
                [money(c) for c in part.plan.own_revenue])

    def aid(part: MemberSheets) -> tuple[Callable[[int], str], list[Decimal]]:
        rows = [part.funders.funder_rows[f.name] for f in part.plan.funder_results
                if f.funder.rule == "per_fte"]
        return ((lambda y: sum_of(part.funders.sheet, rows, y)),
                [money(c) for c in part.plan.per_fte_aid])

    def result(part: MemberSheets) -> tuple[Callable[[int], str], list[Decimal]]:
        return ((lambda y: part.budget.sheet.ref(part.budget.result, y)),
                [money(c) for c in part.plan.result])

    def cash(part: MemberSheets) -> tuple[Callable[[int], str], list[Decimal]]:
        financing, row, _ = part.financing
        return ((lambda y: financing.ref(row, y)), [money(c) for c in part.plan.cash_end])

    block("Heures travaillées sur les contrats", hours, "# ##0")
    block("ETP d'insertion (ETP-années)", fte, NUMBER)
    block("Recettes propres (avec les parts de contrats reversées par le mandataire)",
          revenue, total=("Collectif, sans les reversements entre membres", own_revenue,
                          [money(c) for c in plan.own_revenue]))
    block("Aides par ETP (aide au poste)", aid)
    block("Résultat comptable", result)
    block("Trésorerie de fin d'année", cash, across=False)
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {LABEL_COLUMN: 60})
    return sheet
