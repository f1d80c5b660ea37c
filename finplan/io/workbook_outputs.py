"""The output sheets: Calculs, Budget, Financeurs, Plan de financement, Contrôles.

Every figure Excel can derive from the inputs is a live formula pointing at the
``Hypothèses`` cells (through the ``Calculs`` sheet, which shows each step);
the funders' amounts are the engine's allocation, written as values.  For
every formula cell the writer also records the engine's value
(:data:`Expectations`), so that a test can recalculate the workbook with a
real spreadsheet engine and compare each cell to the cent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import CellIsRule
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from finplan.io.workbook_inputs import Expectations, put
from finplan.io.workbook_layout import (
    BANNER_CELL,
    CHECK_COLUMNS,
    CODE_COLUMN,
    FIRST_OUTPUT_ROW,
    FIRST_YEAR_COLUMN,
    FUNDER_FIRST_YEAR_COLUMN,
    FUNDER_RULE_COLUMN,
    FUNDER_TYPE_COLUMN,
    HEADER_ROW,
    INPUT_SHEET,
    LABEL_COLUMN,
    OUTPUT_SHEETS,
    SHEETS,
    SUBTITLE_CELL,
    TITLE_CELL,
    InputLayout,
    absolute,
    quote_sheet,
)
from finplan.io.workbook_snapshot import FRESH_NAME, banner_formula
from finplan.io.workbook_styles import (
    BANNER_FONT,
    BOLD,
    EUROS,
    HEADER_FILL,
    HEADER_FONT,
    KO_FILL,
    LINE_FILL,
    NOTE_FONT,
    NUMBER,
    OK_FILL,
    PERCENT,
    RIGHT,
    TITLE_FONT,
    TOTAL_BORDER,
    WARN_FILL,
    WRAP,
    print_setup,
)
from finplan.model.budget import CHARGE_LINES, ENGINE_ACCOUNTS, PRODUIT_LINES
from finplan.model.cash import month_label
from finplan.model.engine import counts_for, per_fte_rate
from finplan.model.money import Cents, euros, format_euros, to_cents
from finplan.model.plan import Plan
from finplan.model.vocabulary import CERFA_74_LINES, label
from finplan.report import LIMIT_WORDS

__all__ = ["write_outputs", "write_placeholders", "OUTPUT_NAMES", "STATUS"]

STATUS = {"ok": "OK", "error": "À revoir", "warning": "Attention"}
# Defined names of the output blocks (a fill replaces them with the sheets).
OUTPUT_NAMES = ("scenarios_comparaison", "tresorerie_mensuelle", "calculs_personnel",
                "calculs_besoins",
                "budget_charges", "budget_produits", "budget_resultat", "budget_caf",
                "financeurs_tableau", "financeurs_repartition", "plan_emplois", "plan_ressources",
                "plan_tresorerie_fin", "controles", "controles_verdict", FRESH_NAME)

_EXTRA_CHARGE_LINES = {"69": "Impôts sur les bénéfices (IS)"}
_CVN_CHARGES = ("86", "Emplois des contributions volontaires en nature")
_CVN_PRODUITS = ("87", "Contributions volontaires en nature")


def _money(cents: Cents) -> Decimal:
    return euros(cents)


def _hyp(coordinate: str) -> str:
    return f"{quote_sheet(INPUT_SHEET)}!{absolute(coordinate)}"


def _or(reference: str, default: str) -> str:
    return f"IF(ISNUMBER({reference}),{reference},{default})"


@dataclass
class _Sheet:
    """An output sheet being written row by row, recording each formula's value."""

    book: Workbook
    key: str
    plan: Plan
    expected: Expectations
    first_year_column: int = FIRST_YEAR_COLUMN
    row: int = 1
    sheet: Worksheet = field(init=False)
    period_labels: Sequence[Any] | None = None  # columns other than the plan's years

    def __post_init__(self) -> None:
        self.sheet = self.book.create_sheet(SHEETS[self.key])

    @property
    def name(self) -> str:
        return self.sheet.title

    @property
    def years(self) -> int:
        return len(self.periods)

    @property
    def periods(self) -> Sequence[Any]:
        """What the value columns stand for: the plan's years, or months."""
        return self.period_labels if self.period_labels is not None else self.plan.years

    def column(self, y: int) -> str:
        """Letter of plan year ``y`` (1-based)."""
        return get_column_letter(self.first_year_column + y - 1)

    @property
    def total_column(self) -> str:
        return self.column(self.years + 1)

    def ref(self, row: int, y: int, absolute_ref: bool = False) -> str:
        """A reference to this sheet's cell, usable from any sheet."""
        coordinate = f"{self.column(y)}{row}"
        return f"{quote_sheet(self.name)}!{absolute(coordinate) if absolute_ref else coordinate}"

    def local(self, row: int, y: int) -> str:
        return f"{self.column(y)}{row}"

    def span(self, row: int) -> str:
        """The year cells of a row, as a local range."""
        return f"{self.column(1)}{row}:{self.column(self.years)}{row}"

    def formula(self, coordinate: str, text: str, value: Any, number_format: str = EUROS
                ) -> None:
        cell = self.sheet[coordinate]
        cell.value = "=" + text
        cell.number_format = number_format
        self.expected[(self.name, coordinate)] = value

    def title(self, text: str, subtitle: str) -> None:
        put(self.sheet, TITLE_CELL, text)
        self.sheet[TITLE_CELL].font = TITLE_FONT
        put(self.sheet, SUBTITLE_CELL, subtitle)
        self.sheet[SUBTITLE_CELL].font = NOTE_FONT
        # empty while the results follow the inputs (see workbook_snapshot)
        self.formula(BANNER_CELL, banner_formula(), "", "General")
        self.sheet[BANNER_CELL].font = BANNER_FONT
        self.row = HEADER_ROW

    def header(self, first: str, extra: Sequence[str] = ("Total",),
               before: Sequence[str] = ()) -> int:
        row = self.row
        put(self.sheet, f"{LABEL_COLUMN}{row}", first)
        for offset, text in enumerate(before):
            put(self.sheet, f"{get_column_letter(3 + offset)}{row}", text)
        for y, period in enumerate(self.periods, start=1):
            cell = self.sheet[f"{self.column(y)}{row}"]
            if isinstance(period, str):
                put(self.sheet, cell.coordinate, period)
            else:
                cell.value = period
        for offset, text in enumerate(extra):
            put(self.sheet, f"{self.column(self.years + 1 + offset)}{row}", text)
        last = self.first_year_column + self.years + len(extra) - 1
        for column in range(1, last + 1):
            cell = self.sheet.cell(row, column)
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
            cell.alignment = RIGHT if column >= self.first_year_column else WRAP
        self.row += 1
        return row

    def section(self, text: str) -> int:
        row = self.row
        put(self.sheet, f"{LABEL_COLUMN}{row}", text)
        self.sheet[f"{LABEL_COLUMN}{row}"].font = BOLD
        self.row += 1
        return row

    def line(self, code: str, text: str, formulas: Callable[[int], str] | None,
             values: Sequence[Any], *, total: bool = True, style: str = "detail",
             number_format: str = EUROS) -> int:
        """One row: code, label, a formula (or a value) a year, and a total."""
        row = self.row
        if code:
            put(self.sheet, f"{CODE_COLUMN}{row}", code)
        put(self.sheet, f"{LABEL_COLUMN}{row}", text)
        for y in range(1, self.years + 1):
            coordinate = self.local(row, y)
            value = values[y - 1]
            if formulas is None:
                self.sheet[coordinate] = float(value) if isinstance(value, Decimal) else value
                self.sheet[coordinate].number_format = number_format
            else:
                self.formula(coordinate, formulas(y), value, number_format)
        if total:
            numbers = [value for value in values if isinstance(value, Decimal)]
            self.formula(f"{self.total_column}{row}", f"SUM({self.span(row)})",
                         sum(numbers, Decimal(0)), number_format)
        last = self.first_year_column + self.years - (0 if total else 1)
        if style in ("line", "total"):
            for column in range(1, last + 1):
                cell = self.sheet.cell(row, column)
                cell.font = BOLD
                if style == "line":
                    cell.fill = LINE_FILL
                else:
                    cell.border = TOTAL_BORDER
        self.row += 1
        return row

    def name_block(self, name: str, first_row: int, last_row: int,
                   last_column: int | None = None) -> None:
        last = get_column_letter(last_column or self.first_year_column + self.years)
        self.book.defined_names[name] = DefinedName(
            name, attr_text=f"{quote_sheet(self.name)}!$A${first_row}:${last}${last_row}")

    def finish(self, freeze: str, widths: dict[str, float]) -> None:
        project = self.plan.case.project
        print_setup(self.sheet, project.organisation, project.name,
                    title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
        self.sheet.freeze_panes = freeze
        for letter, width in widths.items():
            self.sheet.column_dimensions[letter].width = width
        for y in range(1, self.years + 2):
            self.sheet.column_dimensions[self.column(y)].width = 14


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive rows grouped: [5, 6, 7, 9] -> [(5, 7), (9, 9)].

    >>> _runs([9, 5, 6, 7])
    [(5, 7), (9, 9)]
    """
    runs: list[tuple[int, int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _sum(rows: Sequence[int], cell: Callable[[int], str], prefix: str = "") -> str:
    """``SUM`` over the cells of ``rows`` (``cell(row)`` gives one), consecutive rows as
    one range — a row a reviewer inserts inside a block is counted (0 if none)."""
    if not rows:
        return "0"
    return "SUM(" + ",".join(prefix + cell(first) + ("" if first == last else
                                                     f":{cell(last)}")
                             for first, last in _runs(rows)) + ")"


def _sum_of(sheet: _Sheet, rows: Sequence[int], y: int) -> str:
    """Formula text adding the year-``y`` cells of ``rows`` of another sheet (0 if none)."""
    return _sum(rows, lambda row: sheet.local(row, y), f"{quote_sheet(sheet.name)}!")


# -- Calculs --------------------------------------------------------------------------

@dataclass
class _Details:
    """Rows of the Calculs sheet that other sheets refer to."""

    sheet: _Sheet
    gross: list[int] = field(default_factory=list)
    social: list[int] = field(default_factory=list)
    revenue: list[int] = field(default_factory=list)
    expense: list[int] = field(default_factory=list)
    depreciation: list[int] = field(default_factory=list)
    interest: list[int] = field(default_factory=list)
    repaid: list[int] = field(default_factory=list)
    investments: int = 0
    loans: int = 0
    own_revenue: int = 0
    release: int = 0
    needs: dict[str, int] = field(default_factory=dict)


def _write_details(book: Workbook, plan: Plan, layout: InputLayout, expected: Expectations,
                   funder_cells: Callable[[str, int], str]) -> _Details:
    sheet = _Sheet(book, "details", plan, expected)
    case, years = plan.case, len(plan.years)
    sheet.title("Détail des calculs", "Chaque montant des autres feuilles vient d'ici ; "
                "chaque formule renvoie aux hypothèses.")
    details = _Details(sheet)
    helpers = sheet.first_year_column + years  # helper columns after the years
    sheet.header("Calendrier", extra=())
    sheet.line("mois", "Mois d'activité", lambda y: "13-p_mois_debut" if y == 1
                            else "12", [13 - case.project.start_month if y == 1 else 12
                                        for y in range(1, years + 1)],
                            total=False, number_format="0")

    # staff
    first = sheet.section("Personnel")
    fte_rows: list[int] = []
    for i, (staff, costs) in enumerate(zip(case.staff, plan.staff_costs)):
        def fte(y: int, i: int = i) -> str:
            return _or(_hyp(layout.cell("staff", i, "fte", y)),
                       _hyp(layout.cell("staff", i, "fte")))

        def months(y: int, i: int = i) -> str:
            if y > 1:
                return "12"
            start = _hyp(layout.cell("staff", i, "start_month"))
            return f"(13-MAX({_or(start, 'p_mois_debut')},p_mois_debut))"

        gross = _hyp(layout.cell("staff", i, "monthly_gross"))
        rate = _hyp(layout.cell("staff", i, "employer_rate"))
        def gross_formula(y: int, f: Callable = fte, m: Callable = months,
                          g: str = gross) -> str:
            return f"ROUND({f(y)}*{g}*(1+idx_salaires)^{y - 1}*{m(y)},2)"

        gross_row = sheet.line("641", f"Salaire brut — {staff.role}", gross_formula,
            [_money(c) for c in costs.gross], total=False)
        social_row = sheet.line("645", f"Charges patronales — {staff.role}",
                                lambda y, r=gross_row, t=rate: f"ROUND({sheet.local(r, y)}*{t},2)",
                                [_money(c) for c in costs.social], total=False)
        fte_rows.append(sheet.line("", f"ETP-années — {staff.role}",
                                   lambda y, f=fte, m=months: f"{f(y)}*{m(y)}/12",
                                   list(costs.fte_years), total=False, number_format=NUMBER))
        details.gross.append(gross_row)
        details.social.append(social_row)
    book.defined_names["calculs_personnel"] = DefinedName(
        "calculs_personnel", attr_text=f"{quote_sheet(sheet.name)}!$A${first}:"
        f"${sheet.column(years)}${max(sheet.row - 1, first)}")
    _write_per_fte(sheet, plan, layout, fte_rows, helpers)

    def per_year_amount(key: str, i: int, column: str, y: int, factor: str) -> str:
        """A per-year input: the year column as is, else the single number × factor."""
        year_cell = _hyp(layout.cell(key, i, column, y))
        base = _hyp(layout.cell(key, i, column))
        return f"IF(ISNUMBER({year_cell}),ROUND({year_cell},2),ROUND({base}*{factor},2))"

    def factor(index: str, y: int) -> str:
        return "(13-p_mois_debut)/12" if y == 1 else f"(1+{index})^{y - 1}"

    sheet.section("Recettes propres")
    for i, (item, amounts) in enumerate(zip(case.revenue, plan.revenue_by_item)):
        def revenue(y: int, i: int = i) -> str:
            quantity = _hyp(layout.cell("revenue", i, "quantity"))
            quantity_y = _hyp(layout.cell("revenue", i, "quantity", y))
            price = _hyp(layout.cell("revenue", i, "unit_price"))
            by_quantity = (f"ROUND({_or(quantity_y, quantity)}*{price}*(1+idx_prix)^{y - 1},2)")
            by_amount = per_year_amount("revenue", i, "amount", y, factor("idx_prix", y))
            return (f"IF(OR(ISNUMBER({quantity}),ISNUMBER({quantity_y})),{by_quantity},"
                    f"{by_amount})")
        details.revenue.append(sheet.line(item.account, item.label, revenue,
                                          [_money(c) for c in amounts], total=False))

    sheet.section("Charges")
    for i, (item, amounts) in enumerate(zip(case.expenses, plan.expenses_by_item)):
        details.expense.append(sheet.line(
            item.account, item.label,
            lambda y, i=i: per_year_amount("expense", i, "amount", y, factor("idx_charges", y)),
            [_money(c) for c in amounts], total=False))

    # investments: purchases and depreciation, with helper columns
    sheet.section("Investissements et amortissements")
    year_col, month_col, amount_col = (get_column_letter(helpers + k) for k in range(3))
    if case.investments:
        for text, column in (("Année d'achat", year_col), ("Mois d'achat", month_col),
                             ("Montant", amount_col)):
            put(sheet.sheet, f"{column}{sheet.row - 1}", text)
            sheet.sheet[f"{column}{sheet.row - 1}"].font = BOLD
    purchases = []
    for i, (item, dep) in enumerate(zip(case.investments, plan.depreciation_by_item)):
        row = sheet.row
        year_ref = f"${year_col}{row + 1}"
        month_ref, amount_ref = f"${month_col}{row + 1}", f"${amount_col}{row + 1}"
        purchases.append(sheet.line("", f"Achat — {item.label}",
                                    lambda y, yr=year_ref, a=amount_ref: f"IF({yr}={y},{a},0)",
                                    [_money(to_cents(item.amount)) if item.year == y
                                     else Decimal(0) for y in range(1, years + 1)],
                                    total=False))
        life = _hyp(layout.cell("investment", i, "life_years"))

        def cumulative(y: int, yr: str = year_ref, mo: str = month_ref, a: str = amount_ref,
                       life: str = life) -> str:
            return f"ROUND(MIN({a},{a}/{life}*MAX(0,12*({y}-{yr})+13-{mo})/12),2)"

        dep_row = sheet.line("681", f"Amortissement — {item.label}",
                             lambda y, c=cumulative: f"{c(y)}-{c(y - 1)}",
                             [_money(c) for c in dep], total=False)
        details.depreciation.append(dep_row)
        hyp_year = _hyp(layout.cell("investment", i, "year"))
        hyp_month = _hyp(layout.cell("investment", i, "month"))
        sheet.formula(f"{year_col}{dep_row}", _or(hyp_year, "1"), item.year, "0")
        sheet.formula(f"{month_col}{dep_row}",
                      _or(hyp_month, f"IF({year_col}{dep_row}=1,p_mois_debut,1)"), item.month,
                      "0")
        sheet.formula(f"{amount_col}{dep_row}",
                      f"ROUND({_hyp(layout.cell('investment', i, 'amount'))},2)",
                      _money(to_cents(item.amount)))
    details.investments = sheet.line(
        "", "Investissements de l'année", lambda y: _sum_local(sheet, purchases, y),
        [_money(c) for c in plan.investments], total=False, style="line")
    cohort_rows = []
    for a in range(1, years + 1):
        cohort: Callable[[int], str] | None = None
        if details.depreciation:
            first_dep, last_dep = details.depreciation[0], details.depreciation[-1]

            def cohort(y: int, a: int = a, first_dep: int = first_dep,
                       last_dep: int = last_dep) -> str:
                column = sheet.column(y)
                return (f"SUMIF(${year_col}${first_dep}:${year_col}${last_dep},{a},"
                        f"{column}${first_dep}:{column}${last_dep})")
        cohort_rows.append(sheet.line("", f"Amortissements des achats de l'année {a}", cohort,
                                      [_money(c) for c in plan.cohort_depreciation[a - 1]],
                                      total=False))

    # loans
    sheet.section("Emprunts")
    received = []
    for i, (loan, schedule) in enumerate(zip(case.loans, plan.loan_schedules)):
        principal = _hyp(layout.cell("loan", i, "principal"))
        rate = f"({_hyp(layout.cell('loan', i, 'annual_rate'))}/12)"
        term = _hyp(layout.cell("loan", i, "months"))
        loan_year = _or(_hyp(layout.cell("loan", i, "year")), "1")
        month = _or(_hyp(layout.cell("loan", i, "month")), f"IF({loan_year}=1,p_mois_debut,1)")
        t0 = f"(12*({loan_year}-1)+{month})"

        def paid(y: int, term: str = term, t0: str = t0) -> str:
            return f"MIN({term},12*{y}-{t0})"

        def cum_interest(y: int, rate: str = rate, term: str = term, p: str = principal,
                         paid: Callable[[int], str] = paid) -> str:
            return (f"ROUND(IF(OR({rate}=0,{paid(y)}<1),0,"
                    f"-CUMIPMT({rate},{term},{p},1,{paid(y)},0)),2)")

        def cum_principal(y: int, rate: str = rate, term: str = term, p: str = principal,
                          paid: Callable[[int], str] = paid) -> str:
            return (f"ROUND(IF({paid(y)}<1,0,IF({rate}=0,{p}*{paid(y)}/{term},"
                    f"-CUMPRINC({rate},{term},{p},1,{paid(y)},0))),2)")

        details.interest.append(sheet.line(
            "661", f"Intérêts — {loan.label}",
            lambda y, c=cum_interest: f"{c(y)}-{c(y - 1)}",
            [_money(c) for c in schedule.interest], total=False))
        details.repaid.append(sheet.line(
            "", f"Capital remboursé — {loan.label}",
            lambda y, c=cum_principal: f"{c(y)}-{c(y - 1)}",
            [_money(c) for c in schedule.repaid], total=False))
        received.append(sheet.line(
            "", f"Capital reçu — {loan.label}",
            lambda y, yr=loan_year, p=principal: f"IF({yr}={y},ROUND({p},2),0)",
            [_money(c) for c in schedule.received], total=False))
    details.loans = sheet.line("", "Emprunts reçus dans l'année",
                               lambda y: _sum_local(sheet, received, y),
                               [_money(c) for c in plan.loans_received], total=False,
                               style="line")

    # needs
    first = sheet.section("Besoins")
    details.own_revenue = sheet.line("", "Recettes propres", lambda y: _sum_local(
        sheet, details.revenue, y), [_money(sum(r[y] for r in plan.revenue_by_item))
                                     for y in range(years)], total=False)
    investment_funders = [f for f in plan.funder_results
                          if f.funder.finances == "investment" and f.type != "own"]
    subsidised = sheet.line(
        "", "Subventions d'investissement reçues (hors fonds propres)",
        lambda y: "+".join(funder_cells(f.name, y) for f in investment_funders) or "0",
        [_money(c) for c in plan.subsidised], total=False)

    def release(y: int) -> str:
        terms = [f"IF({sheet.local(details.investments, a)}>0,{sheet.local(subsidised, a)}*"
                 f"{sheet.local(cohort_rows[a - 1], y)}/{sheet.local(details.investments, a)},0)"
                 for a in range(1, years + 1)]
        return f"ROUND({'+'.join(terms)},2)"

    details.release = sheet.line("747", "Quote-part des subventions d'investissement virée "
                                 "au résultat", release,
                                 [_money(c) for c in plan.grant_release], total=False)
    def investment_need(y: int) -> str:
        return (f"MAX(0,{sheet.local(details.investments, y)}-"
                f"{sheet.local(details.loans, y)})")

    def custom_need(index: int) -> Callable[[int], str]:
        def amount(y: int) -> str:
            year_cell = _hyp(layout.cell("need", index, "amount", y))
            return f"ROUND({_or(year_cell, _hyp(layout.cell('need', index, 'amount')))},2)"
        return amount

    custom_ids = [n.id for n in case.needs if n.is_custom]
    for need in plan.need_results:
        need_id = need.need.id
        if need_id == "investment":
            formula: Callable[[int], str] | None = investment_need
        elif need_id == "operating":
            formula = None  # set once the budget exists (it needs the charges total)
        else:
            formula = custom_need(custom_ids.index(need_id))
        details.needs[need_id] = sheet.line(
            "", f"Besoin — {need.need.label}", formula,
            [_money(c) for c in need.amounts], total=False, style="line")
    book.defined_names["calculs_besoins"] = DefinedName(
        "calculs_besoins", attr_text=f"{quote_sheet(sheet.name)}!$A${first}:"
        f"${sheet.column(years)}${sheet.row - 1}")
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 8, LABEL_COLUMN: 52,
                                                    year_col: 12, month_col: 12,
                                                    amount_col: 14})
    return details


def _write_per_fte(sheet: _Sheet, plan: Plan, layout: InputLayout, fte_rows: list[int],
                   note_column: int) -> None:
    """Each ``per_fte`` funder's offer, traced to the inputs: the FTE-years of the staff
    lines it pays for, its amount per FTE (the aide au poste with its source, or the
    amount typed), and their product (:func:`finplan.model.engine.per_fte_rate`,
    ``counts_for``). What the funder then pays is the allocation's (Financeurs)."""
    case = plan.case
    per_fte = [(i, funder) for i, funder in enumerate(case.funders)
               if funder.rule == "per_fte"]
    if not per_fte:
        return
    sheet.section("Aides par ETP (aide au poste de l'IAE)")
    offered = {funding.funder.name: funding.offered for need in plan.need_results
               for funding in need.funding if funding.offered is not None}
    for index, funder in per_fte:
        staff = [i for i, line in enumerate(case.staff) if counts_for(funder, line)]
        fte_years = [sum((plan.staff_costs[i].fte_years[y] for i in staff), Decimal(0))
                     for y in range(len(plan.years))]
        base = sheet.line("", f"ETP-années aidés — {funder.name}",
                          lambda y, rows=[fte_rows[i] for i in staff]: _sum_local(
                              sheet, rows, y), fte_years, total=False, number_format=NUMBER)
        rates = [per_fte_rate(funder, y, year)
                 for y, year in enumerate(case.years, start=1)]
        label = f"Montant par ETP — {funder.name}"
        if isinstance(funder.amount_per_fte, str):
            label = f"Montant par ETP (barème {funder.amount_per_fte}) — {funder.name}"
            rate = sheet.line("", label, None,
                              [amount for amount, _, _ in rates], total=False)
            sources = dict.fromkeys(source for _, found, _ in rates for source in found)
            put(sheet.sheet, f"{get_column_letter(note_column)}{rate}",
                "Source : " + " ; ".join(sources))
        else:
            rate = sheet.line("", label, lambda y, i=index: _per_year_input(
                layout, i, "amount_per_fte", y), [amount for amount, _, _ in rates],
                total=False)
        sheet.line("", f"Aide par ETP demandée — {funder.name}",
                   lambda y, b=base, r=rate: f"ROUND({sheet.local(b, y)}*{sheet.local(r, y)},2)",
                   [_money(c) for c in offered.get(funder.name, (0,) * len(plan.years))],
                   total=False)


def _sum_local(sheet: _Sheet, rows: Sequence[int], y: int) -> str:
    """Formula text adding the year-``y`` cells of ``rows`` of this sheet (0 if none)."""
    return _sum(rows, lambda row: sheet.local(row, y))


def _link_operating_need(details: _Details, budget_total_row: int, budget: _Sheet,
                         plan: Plan) -> None:
    """The operating need refers to the budget's charges total."""
    sheet = details.sheet
    row = details.needs["operating"]
    need = next(n for n in plan.need_results if n.need.id == "operating")
    for y in range(1, len(plan.years) + 1):
        sheet.formula(sheet.local(row, y),
                      f"MAX(0,{budget.ref(budget_total_row, y)}-"
                      f"{sheet.local(details.own_revenue, y)}-{sheet.local(details.release, y)})",
                      _money(need.amounts[y - 1]))


def _add_series(chart: BarChart | LineChart, sheet: _Sheet, rows: Sequence[int]) -> None:
    """One series a row: the year cells, titled by the row's label (column B)."""
    for row in rows:
        values = Reference(sheet.sheet, min_col=sheet.first_year_column,
                           max_col=sheet.first_year_column + sheet.years - 1,
                           min_row=row, max_row=row)
        series = Series(values)
        series.tx = SeriesLabel(strRef=StrRef(f"{quote_sheet(sheet.name)}!$B${row}"))
        chart.series.append(series)


def _line_chart(sheet: _Sheet, title: str, row: int, periods: int,
                size: tuple[float, float]) -> LineChart:
    """A cash line over the periods of the header row: straight segments between the
    real values (a smoothed curve would overshoot them), labels under the plot even
    below zero."""
    chart = LineChart()
    chart.title = title
    chart.x_axis.tickLblPos = "low"
    chart.y_axis.title = "euros"
    chart.y_axis.numFmt = "#,##0"
    _add_series(chart, sheet, [row])
    for series in chart.series:
        series.smooth = False
    chart.set_categories(Reference(sheet.sheet, min_col=sheet.first_year_column,
                                   max_col=sheet.first_year_column + periods - 1,
                                   min_row=HEADER_ROW, max_row=HEADER_ROW))
    chart.height, chart.width = size
    return chart


# -- Financeurs -----------------------------------------------------------------------

@dataclass
class _Funders:
    """Rows of the Financeurs sheet."""

    sheet: _Sheet
    funder_rows: dict[str, int] = field(default_factory=dict)
    need_rows: dict[str, int] = field(default_factory=dict)
    unfunded_rows: dict[str, int] = field(default_factory=dict)
    surplus_rows: dict[str, int] = field(default_factory=dict)
    public_rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # public, ceiling
    mix_rows: list[int] = field(default_factory=list)

    def cell(self, name: str, y: int) -> str:
        return self.sheet.ref(self.funder_rows[name], y)


def _write_funders(book: Workbook, plan: Plan, expected: Expectations) -> _Funders:
    sheet = _Sheet(book, "funders", plan, expected, FUNDER_FIRST_YEAR_COLUMN)
    years = len(plan.years)
    sheet.title("Financeurs", "Montants répartis par finplan selon les règles de chaque "
                "financeur ; part de chaque besoin et ce qui a limité chaque montant.")
    limits_first = FUNDER_FIRST_YEAR_COLUMN + years + 2
    sheet.header("Financeur", extra=("Total", "Part du besoin",
                                     *[f"Limité par ({year})" for year in plan.years]),
                 before=("Type", "Règle"))
    funders = _Funders(sheet)
    first = sheet.row
    for need in plan.need_results:
        need_id = need.need.id
        funders.need_rows[need_id] = sheet.line("", f"Besoin : {need.need.label}", None,
                                                [_money(c) for c in need.amounts],
                                                style="line")
        for funding in need.funding:
            row = sheet.line("", funding.name, None, [_money(c) for c in funding.amounts])
            funders.funder_rows[funding.name] = row
            put(sheet.sheet, f"{FUNDER_TYPE_COLUMN}{row}", label("type", funding.type))
            put(sheet.sheet, f"{FUNDER_RULE_COLUMN}{row}", label("rule", funding.funder.rule))
            need_total = sum(need.amounts)
            share_cell = f"{get_column_letter(FUNDER_FIRST_YEAR_COLUMN + years + 1)}{row}"
            total_cell = f"{sheet.total_column}{row}"
            need_total_cell = f"{sheet.total_column}{funders.need_rows[need_id]}"
            sheet.formula(share_cell, f"IF({need_total_cell}>0,{total_cell}/{need_total_cell},0)",
                          Decimal(funding.total) / Decimal(need_total) if need_total else
                          Decimal(0), PERCENT)
            for y, limit in enumerate(funding.limited_by, start=1):
                amount = funding.amounts[y - 1]
                words = LIMIT_WORDS[limit] if amount or limit != "need" else "rien à financer"
                put(sheet.sheet, f"{get_column_letter(limits_first + y - 1)}{row}", words)
        funders.unfunded_rows[need_id] = sheet.line(
            "", "Non financé", None, [_money(c) for c in need.unfunded], style="total")
        if any(f.funder.rule == "per_fte" for f in need.funding):
            funders.surplus_rows[need_id] = sheet.line(
                "", "Excédent (aides par ETP au-delà du besoin)", None,
                [_money(c) for c in need.surplus])
        if need.need.max_public_share is not None:
            funders.public_rows[need_id] = (
                sheet.line("", "Financements publics", None, [_money(c) for c in need.public]),
                sheet.line("", "Plafond de la part publique", None,
                           [_money(c or 0) for c in need.ceilings]))
        sheet.row += 1
    sheet.name_block("financeurs_tableau", first - 1, sheet.row - 2,
                     limits_first + years - 1)
    return funders


def _link_funders(funders: _Funders, details: _Details, plan: Plan,
                  layout: InputLayout) -> None:
    """Formulas of the Financeurs sheet that refer to the Calculs sheet."""
    sheet, calc = funders.sheet, details.sheet
    years = len(plan.years)
    custom = [n.id for n in plan.case.needs if n.is_custom]
    for need in plan.need_results:
        need_id = need.need.id
        funder_rows = [funders.funder_rows[f.name] for f in need.funding]
        for y in range(1, years + 1):
            sheet.formula(sheet.local(funders.need_rows[need_id], y),
                          calc.ref(details.needs[need_id], y), _money(need.amounts[y - 1]))
            paid = _sum_local(sheet, funder_rows, y)
            sheet.formula(sheet.local(funders.unfunded_rows[need_id], y),
                          f"MAX(0,{sheet.local(funders.need_rows[need_id], y)}-({paid}))",
                          _money(need.unfunded[y - 1]))
            if need_id in funders.surplus_rows:
                sheet.formula(sheet.local(funders.surplus_rows[need_id], y),
                              f"MAX(0,({paid})-{sheet.local(funders.need_rows[need_id], y)})",
                              _money(need.surplus[y - 1]))
            if need_id in funders.public_rows:
                public_row, ceiling_row = funders.public_rows[need_id]
                public = [funders.funder_rows[f.name] for f in need.funding
                          if f.type == "public"]
                sheet.formula(sheet.local(public_row, y), _sum_local(sheet, public, y),
                              _money(need.public[y - 1]))
                if need_id in custom:
                    share = _hyp(layout.cell("need", custom.index(need_id),
                                             "max_public_share"))
                else:
                    share = ("plafond_public_fonct" if need_id == "operating"
                             else "plafond_public_invest")
                sheet.formula(sheet.local(ceiling_row, y),
                              f"ROUND({share}*{sheet.local(funders.need_rows[need_id], y)},2)",
                              _money(need.ceilings[y - 1] or 0))
    # the funding mix, for the chart
    sheet.row += 1
    mix_title = sheet.section("Répartition des ressources par année (graphique)")
    by_type = {kind: [funders.funder_rows[f.name] for f in plan.funder_results
                      if f.type == kind] for kind in ("public", "private", "own")}
    own_revenue = [sum(r[y] for r in plan.revenue_by_item) for y in range(years)]
    rows = [sheet.line("", "Recettes propres", lambda y: calc.ref(details.own_revenue, y),
                       [_money(c) for c in own_revenue])]
    for kind, text in (("public", "Financements publics"), ("private", "Aides privées"),
                       ("own", "Fonds propres de la structure")):
        totals = [sum(f.amounts[y] for f in plan.funder_results if f.type == kind)
                  for y in range(years)]
        rows.append(sheet.line("", text, lambda y, r=by_type[kind]: _sum_local(sheet, r, y),
                               [_money(c) for c in totals]))
    funders.mix_rows = rows
    sheet.name_block("financeurs_repartition", mix_title, rows[-1])
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = "Ressources par année"
    chart.y_axis.title = "euros"
    chart.y_axis.numFmt = "#,##0"
    _add_series(chart, sheet, rows)
    chart.set_categories(Reference(sheet.sheet, min_col=sheet.first_year_column,
                                   max_col=sheet.first_year_column + years - 1,
                                   min_row=HEADER_ROW, max_row=HEADER_ROW))
    chart.height, chart.width = 9, 18
    sheet.sheet.add_chart(chart, f"{LABEL_COLUMN}{rows[-1] + 2}")
    share_column = FUNDER_FIRST_YEAR_COLUMN + years + 1
    widths = {CODE_COLUMN: 3, LABEL_COLUMN: 46, FUNDER_TYPE_COLUMN: 14, FUNDER_RULE_COLUMN: 24,
              get_column_letter(share_column): 15}
    widths.update({get_column_letter(share_column + 1 + k): 30 for k in range(years)})
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), widths)


# -- Budget ---------------------------------------------------------------------------

@dataclass
class _Budget:
    sheet: _Sheet
    charges_total: int = 0
    produits_total: int = 0
    line_68: int = 0
    release: int = 0
    result: int = 0
    caf: int = 0


def _write_budget(book: Workbook, plan: Plan, details: _Details, funders: _Funders,
                  expected: Expectations) -> _Budget:
    sheet = _Sheet(book, "budget", plan, expected)
    calc, case, years = details.sheet, plan.case, len(plan.years)
    budget = _Budget(sheet)
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
            values = [_money(c) for c in totals] if totals else [Decimal(0)] * years
            line_row = sheet.row
            sheet.line(code, text, None, values, style="line")
            line_rows.append(line_row)
            detail_rows = []
            for entry in rows:
                sub_code, sub_label, formula, cents, level = entry
                detail_rows.append(sheet.line(sub_code, ("    " if level == 2 else "  ")
                                              + sub_label, formula, [_money(c) for c in cents]))
            direct = [r for r, e in zip(detail_rows, rows) if e[4] == 1]
            if direct:
                for y in range(1, years + 1):
                    sheet.formula(sheet.local(line_row, y), _sum_local(sheet, direct, y),
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
             lambda y, rows=rows: _sum_of(calc, rows, y), cents, 1))
    for code in charge_detail:
        charge_detail[code].sort(key=lambda entry: entry[0])
    sheet.section("CHARGES")
    charge_lines = block("charges", {**CHARGE_LINES, **_EXTRA_CHARGE_LINES}, charge_detail)
    first_charges = charge_lines[0]
    budget.line_68 = charge_lines[list(CHARGE_LINES).index("68")]
    budget.charges_total = sheet.line(
        "", "Total des charges", lambda y: _sum_local(sheet, charge_lines, y),
        [_money(c) for c in plan.charges_total], style="total")
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
        line_row = sheet.line("74", text, None, [_money(c) for c in plan.produits["74"]],
                              style="line")
        produit_lines.append(line_row)
        sub_rows = []
        for sub_label, cents, members in entries_74:
            sub_row = sheet.line("", "  " + sub_label, None, [_money(c) for c in cents])
            sub_rows.append(sub_row)
            member_rows = [sheet.line("", "    " + f.name,
                                      lambda y, name=f.name: funders.cell(name, y),
                                      [_money(c) for c in f.amounts]) for f in members]
            for y in range(1, years + 1):
                sheet.formula(sheet.local(sub_row, y), _sum_local(sheet, member_rows, y),
                              _money(cents[y - 1]))
        budget.release = sheet.line("747", "  " + ENGINE_ACCOUNTS["747"],
                                    lambda y: calc.ref(details.release, y),
                                    [_money(c) for c in plan.grant_release])
        sub_rows.append(budget.release)
        for y in range(1, years + 1):
            sheet.formula(sheet.local(line_row, y), _sum_local(sheet, sub_rows, y),
                          _money(plan.produits["74"][y - 1]))
    budget.produits_total = sheet.line(
        "", "Total des produits", lambda y: _sum_local(sheet, produit_lines, y),
        [_money(c) for c in plan.produits_total], style="total")
    sheet.line(*_CVN_PRODUITS, None, [Decimal(0)] * years)
    sheet.name_block("budget_produits", produit_lines[0], budget.produits_total)
    sheet.row += 1
    budget.result = sheet.line(
        "", "Résultat (excédent + / déficit −)",
        lambda y: f"{sheet.local(budget.produits_total, y)}-{sheet.local(budget.charges_total, y)}",
        [_money(c) for c in plan.result], style="total")
    budget.caf = sheet.line(
        "", "Capacité d'autofinancement (résultat + amortissements − quote-part 747)",
        lambda y: (f"{sheet.local(budget.result, y)}+{sheet.local(budget.line_68, y)}"
                   f"-{sheet.local(budget.release, y)}"),
        [_money(c) for c in plan.caf], style="total")
    sheet.name_block("budget_resultat", budget.result, budget.result)
    sheet.name_block("budget_caf", budget.caf, budget.caf)
    note = sheet.row + 1
    put(sheet.sheet, f"{LABEL_COLUMN}{note}", "Les subventions d'exploitation (74) sont "
        "réparties par "
        "finplan ; les contributions volontaires en nature (86/87) ne sont pas évaluées.")
    sheet.sheet[f"{LABEL_COLUMN}{note}"].font = NOTE_FONT
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 9, LABEL_COLUMN: 62})
    return budget


# -- Plan de financement --------------------------------------------------------------

def _write_financing(book: Workbook, plan: Plan, details: _Details, budget: _Budget,
                     funders: _Funders, expected: Expectations) -> tuple[_Sheet, int, int]:
    """The financing plan; returns its sheet and the rows of the year-end cash and of
    the BFR."""
    sheet = _Sheet(book, "financing", plan, expected)
    calc, bud, years = details.sheet, budget.sheet, len(plan.years)
    sheet.title(f"Plan de financement — {plan.case.project.name}",
                f"{plan.case.project.organisation} · emplois et ressources par année, "
                "trésorerie de fin d'année, en euros")
    sheet.header("Plan de financement", extra=())
    rows = {row.code: row for row in plan.financing_rows if row.code != "funding"}
    caf = sheet.line("", "Capacité d'autofinancement (CAF, voir Budget)",
                     lambda y: bud.ref(budget.caf, y), [_money(c) for c in plan.caf],
                     total=False)
    bfr = sheet.line("", "Besoin en fonds de roulement (BFR) de fin d'année",
                     lambda y: (f"ROUND(bfr_jours/360*({bud.ref(budget.charges_total, y)}-"
                                f"{bud.ref(budget.line_68, y)}),2)"),
                     [_money(c) for c in plan.bfr], total=False)
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
                   [_money(c) for c in rows["investments"].amounts], total=False),
        sheet.line("", rows["repaid"].label, lambda y: _sum_of(calc, details.repaid, y),
                   [_money(c) for c in rows["repaid"].amounts], total=False),
        sheet.line("", rows["bfr_increase"].label,
                   lambda y: bfr_change(y, 1),
                   [_money(c) for c in rows["bfr_increase"].amounts], total=False),
        sheet.line("", rows["caf_negative"].label, lambda y: f"MAX(0,-{sheet.local(caf, y)})",
                   [_money(c) for c in rows["caf_negative"].amounts], total=False),
    ]
    total_emplois = sheet.line("", "Total des emplois", lambda y: _sum_local(sheet, emplois, y),
                               [_money(c) for c in plan.emplois], total=False, style="total")
    sheet.name_block("plan_emplois", first, total_emplois, sheet.first_year_column + years - 1)
    first = sheet.section("RESSOURCES")
    ressources = [
        sheet.line("", rows["caf"].label, lambda y: f"MAX(0,{sheet.local(caf, y)})",
                   [_money(c) for c in rows["caf"].amounts], total=False),
        sheet.line("", rows["loans"].label, lambda y: calc.ref(details.loans, y),
                   [_money(c) for c in rows["loans"].amounts], total=False),
    ]
    for row in plan.financing_rows:
        if row.code == "funding":
            ressources.append(sheet.line("", row.label,
                                         lambda y, name=row.label: funders.cell(name, y),
                                         [_money(c) for c in row.amounts], total=False))
    ressources.append(sheet.line("", rows["bfr_decrease"].label,
                                 lambda y: bfr_change(y, -1),
                                 [_money(c) for c in rows["bfr_decrease"].amounts],
                                 total=False))
    total_ressources = sheet.line("", "Total des ressources",
                                  lambda y: _sum_local(sheet, ressources, y),
                                  [_money(c) for c in plan.ressources], total=False,
                                  style="total")
    sheet.name_block("plan_ressources", first, total_ressources,
                     sheet.first_year_column + years - 1)
    sheet.row += 1
    movement = sheet.line("", "Variation de trésorerie",
                          lambda y: f"{sheet.local(total_ressources, y)}-"
                                    f"{sheet.local(total_emplois, y)}",
                          [_money(r - e) for r, e in zip(plan.ressources, plan.emplois)],
                          total=False)
    opening = [to_cents(plan.case.project.opening_cash), *plan.cash_end[:-1]]
    start = sheet.row
    sheet.line("", "Trésorerie de début d'année",
               lambda y: "ROUND(p_tresorerie,2)" if y == 1 else sheet.local(start + 1, y - 1),
               [_money(c) for c in opening], total=False)
    cash = sheet.line("", "Trésorerie de fin d'année",
                      lambda y: f"{sheet.local(start, y)}+{sheet.local(movement, y)}",
                      [_money(c) for c in plan.cash_end], total=False, style="total")
    sheet.name_block("plan_tresorerie_fin", cash, cash, sheet.first_year_column + years - 1)
    custom = [n for n in plan.need_results if n.need.is_custom]
    if custom:
        sheet.row += 1
        sheet.section("Besoins hors comptes de la structure (payés directement par les "
                      "financeurs, hors trésorerie)")
        for need in custom:
            sheet.line("", need.need.label, lambda y, n=need.need.id: calc.ref(
                details.needs[n], y), [_money(c) for c in need.amounts], total=False)
            for funding in need.funding:
                sheet.line("", "  " + funding.name,
                           lambda y, name=funding.name: funders.cell(name, y),
                           [_money(c) for c in funding.amounts], total=False)
    sheet.sheet.add_chart(_line_chart(sheet, "Trésorerie de fin d'année", cash, years,
                                      (8, 16)), f"{LABEL_COLUMN}{sheet.row + 2}")
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 3, LABEL_COLUMN: 60})
    return sheet, cash, bfr


# -- Trésorerie mensuelle ------------------------------------------------------------

def _write_monthly(book: Workbook, plan: Plan, expected: Expectations,
                   financing: tuple[_Sheet, int, int]) -> tuple[_Sheet, int]:
    """The monthly cash plan: months as columns, the balance line and its chart."""
    cash = plan.monthly
    first_year = plan.years[0]
    labels = [month_label(month, first_year) for month in range(1, cash.months + 1)]
    sheet = _Sheet(book, "monthly", plan, expected, period_labels=labels)
    project = plan.case.project
    sheet.title(f"Trésorerie mensuelle — {project.name}",
                f"{project.organisation} · encaissements selon le calendrier de versement "
                "de chaque financeur, décaissements au mois où ils ont lieu, en euros")
    sheet.header("Mois", extra=())
    balances = cash.balances
    start = sheet.row
    opening = [cash.opening, *balances[:-1]]
    sheet.row += 1  # the opening line refers to the balance line, written below

    def flows(title: str, table: dict[str, list[Cents]], total_label: str) -> int:
        """A section of flows by month (values) and its total line (formulas)."""
        sheet.section(title)
        rows = [sheet.line("", name, None, [_money(c) for c in row], total=False)
                for name, row in table.items()]
        return sheet.line("", total_label, lambda m: _sum_local(sheet, rows, m),
                          [_money(sum(row[m] for row in table.values()))
                           for m in range(cash.months)], total=False, style="total")

    total_in = flows("ENCAISSEMENTS", cash.inflows, "Total des encaissements")
    total_out = flows("DÉCAISSEMENTS", cash.outflows, "Total des décaissements")
    balance = sheet.line("", "Trésorerie de fin de mois",
                         lambda m: (f"{sheet.local(start, m)}+{sheet.local(total_in, m)}"
                                    f"-{sheet.local(total_out, m)}"),
                         [_money(c) for c in balances], total=False, style="total")
    end = sheet.row
    sheet.row = start
    sheet.line("", "Trésorerie de début de mois",
               lambda m: "ROUND(p_tresorerie,2)" if m == 1 else sheet.local(balance, m - 1),
               [_money(c) for c in opening], total=False)
    sheet.row = end + 1
    sheet.sheet.conditional_formatting.add(
        f"{sheet.column(1)}{balance}:{sheet.column(cash.months)}{balance}",
        CellIsRule(operator="lessThan", formula=["0"], fill=KO_FILL))
    low, month = cash.low
    if cash.bridging_need:
        cause = (f" La cause principale est le versement tardif de « {cash.main_cause} »."
                 if cash.main_cause else "")
        words = (f"Besoin de financement relais : {format_euros(cash.bridging_need)}, au plus "
                 f"bas en {month_label(month, first_year)}.{cause} Un prêt relais ou une "
                 "avance remboursable sur subvention (France Active, fonds locaux) peut le "
                 "couvrir.")
    else:
        words = (f"Pas de besoin de financement relais : la trésorerie reste positive (point "
                 f"bas : {format_euros(low)} en {month_label(month, first_year)}).")
    put(sheet.sheet, f"{LABEL_COLUMN}{sheet.row}", words)
    sheet.sheet[f"{LABEL_COLUMN}{sheet.row}"].font = BOLD
    if cash.receivable_end:
        put(sheet.sheet, f"{LABEL_COLUMN}{sheet.row + 1}",
            f"Reste à recevoir des financeurs après la fin du plan : "
            f"{format_euros(cash.receivable_end)} (versements prévus après "
            f"{month_label(cash.months, first_year)}).")
        sheet.sheet[f"{LABEL_COLUMN}{sheet.row + 1}"].font = NOTE_FONT
    sheet.name_block("tresorerie_mensuelle", start, balance,
                     sheet.first_year_column + cash.months - 1)
    sheet.row += 3
    _write_reconciliation(sheet, plan, financing, balance)
    sheet.sheet.add_chart(_line_chart(sheet, "Trésorerie de fin de mois", balance,
                                      cash.months, (9, 24)), f"{LABEL_COLUMN}{sheet.row + 1}")
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 3, LABEL_COLUMN: 44})
    # printed one year a page wide, the labels repeated on each page
    sheet.sheet.page_setup.fitToWidth = len(plan.years)
    sheet.sheet.print_title_cols = f"{CODE_COLUMN}:{LABEL_COLUMN}"
    return sheet, balance


_RECONCILIATION = (
    # short enough for the label column, repeated on every printed page
    "Trésorerie fin d'année (Plan de financement)",
    "plus : BFR (une réserve, pas une dépense)",
    "moins : financements encore à recevoir",
    "égale : trésorerie de fin de décembre",
    "écart avec la trésorerie de fin de mois",
)


def _write_reconciliation(sheet: _Sheet, plan: Plan, financing: tuple[_Sheet, int, int],
                          balance: int) -> None:
    """Why December's balance is not the year-end cash of the financing plan, under
    each December: ``monthly(12y) = cash_end(y) + bfr(y) − receivable(y)``
    (:mod:`finplan.model.cash`). Formulas, but for what is still to receive, which
    finplan computes from the payment schedules."""
    plan_sheet, cash_row, bfr_row = financing
    ws, cash = sheet.sheet, plan.monthly
    sheet.section("RAPPROCHEMENT (colonnes de décembre)")
    rows = [sheet.row + offset for offset in range(len(_RECONCILIATION))]
    for row, text in zip(rows, _RECONCILIATION):
        put(ws, f"{LABEL_COLUMN}{row}", text)
    for y in range(1, len(plan.years) + 1):
        month = 12 * y
        if month > cash.months:
            break
        column = sheet.column(month)
        first, bfr, receivable, december, gap = (f"{column}{row}" for row in rows)
        sheet.formula(first, plan_sheet.ref(cash_row, y), _money(plan.cash_end[y - 1]))
        sheet.formula(bfr, plan_sheet.ref(bfr_row, y), _money(plan.bfr[y - 1]))
        ws[receivable] = float(_money(cash.receivable_by_year[y - 1]))
        ws[receivable].number_format = EUROS
        sheet.formula(december, f"{first}+{bfr}-{receivable}",
                      _money(cash.balances[month - 1]))
        sheet.formula(gap, f"{december}-{column}{balance}", Decimal(0))
        ws[december].font = BOLD
    sheet.row += len(_RECONCILIATION)


# -- Scénarios ------------------------------------------------------------------------

def write_table(sheet: Worksheet, table: Any, first_row: int, corner: str) -> int:
    """A DataFrame as a header row and rows of values (its index in column B);
    returns the last row written."""
    put(sheet, f"{LABEL_COLUMN}{first_row}", corner)
    for offset, name in enumerate(table.columns):
        put(sheet, f"{get_column_letter(3 + offset)}{first_row}", str(name))
    for column in range(2, 3 + len(table.columns)):
        cell = sheet.cell(first_row, column)
        cell.fill, cell.font, cell.alignment = HEADER_FILL, HEADER_FONT, RIGHT
    for number, (name, values) in enumerate(table.iterrows(), start=first_row + 1):
        put(sheet, f"{LABEL_COLUMN}{number}", str(name))
        for offset, value in enumerate(values):
            cell = sheet.cell(number, 3 + offset)
            if isinstance(value, Decimal):
                cell.value, cell.number_format = float(value), EUROS
            else:
                put(sheet, cell.coordinate, value)
    return first_row + len(table)


def _write_scenarios(book: Workbook, plan: Plan, expected: Expectations) -> None:
    """The scenarios of the case side by side (values: each is a whole computation)."""
    from finplan.analysis import compare

    sheet = _Sheet(book, "scenarios", plan, expected)
    project = plan.case.project
    sheet.title(f"Scénarios — {project.name}", f"{project.organisation} · chiffres clés du "
                "cas de base et de chaque scénario du tableau « Scénarios » des hypothèses")
    if not plan.case.scenarios:
        put(sheet.sheet, f"{LABEL_COLUMN}{HEADER_ROW}", "Aucun scénario : ajoutez-en dans le "
            "tableau « Scénarios » de la feuille Hypothèses (une ligne par valeur "
            "remplacée), puis relancez le calcul.")
        sheet.sheet[f"{LABEL_COLUMN}{HEADER_ROW}"].font = NOTE_FONT
    else:
        table = compare(plan.case, plan)
        last = write_table(sheet.sheet, table, HEADER_ROW, "Indicateur")
        sheet.name_block("scenarios_comparaison", HEADER_ROW, last, 2 + len(table.columns))
    print_setup(sheet.sheet, project.organisation, project.name)
    sheet.sheet.column_dimensions[LABEL_COLUMN].width = 36
    for offset in range(len(plan.case.scenarios) + 1):
        sheet.sheet.column_dimensions[get_column_letter(3 + offset)].width = 20


# -- Contrôles ------------------------------------------------------------------------

_CHECK_LABELS = {
    "balanced": "Besoin entièrement financé",
    "caps": "Plafonds des financeurs respectés",
    "public_share": "Part publique dans la limite fixée",
    "cash": "Trésorerie positive en fin d'année",
    "cash_monthly": "Trésorerie positive à chaque fin de mois",
    "fixed_honoured": "Montants fixes versés en entier (avertissement)",
}


def _write_checks(book: Workbook, plan: Plan, layout: InputLayout, funders: _Funders,
                  financing: tuple[_Sheet, int, int], monthly: tuple[_Sheet, int],
                  expected: Expectations, notes: Sequence[str]) -> None:
    sheet = _Sheet(book, "checks", plan, expected)
    ws = sheet.sheet
    sheet.title("Contrôles", "Le statut est recalculé par les formules ; le message est "
                "celui du dernier calcul finplan.")
    headers = {"id": "N°", "description": "Contrôle", "status": "Statut",
               "message": "Message", "value": "Valeur contrôlée"}
    for key, text in headers.items():
        cell = ws[f"{CHECK_COLUMNS[key]}{HEADER_ROW}"]
        put(ws, cell.coordinate, text)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    column = CHECK_COLUMNS
    fund = funders.sheet
    cash_sheet, cash_row, _ = financing
    years = len(plan.years)
    case = plan.case
    row = FIRST_OUTPUT_ROW
    labels = {n.need.id: n.need.label for n in plan.need_results}
    for check in plan.check_results:
        family, _, need_id = check.id.partition(".")
        status_ok = STATUS["ok"]
        status_ko = STATUS["warning" if check.severity == "warning" else "error"]
        conditions: list[str] = []
        watched: tuple[str, Any] | None = None
        if family == "balanced":
            unfunded = funders.unfunded_rows[need_id]
            span = f"{quote_sheet(fund.name)}!{fund.span(unfunded)}"
            conditions = [f"MAX({span})<0.005"]
            need = next(n for n in plan.need_results if n.need.id == need_id)
            watched = (f"MAX({span})", _money(max(need.unfunded)))
        elif family == "public_share":
            public_row, ceiling_row = funders.public_rows[need_id]
            conditions = [f"{fund.ref(public_row, y)}<={fund.ref(ceiling_row, y)}+0.005"
                          for y in range(1, years + 1)]
        elif family == "cash":
            span = f"{quote_sheet(cash_sheet.name)}!{cash_sheet.span(cash_row)}"
            conditions = [f"MIN({span})>=-0.005"]
            watched = (f"MIN({span})", _money(min(plan.cash_end)))
        elif family == "cash_monthly":
            month_sheet, balance_row = monthly
            span = f"{quote_sheet(month_sheet.name)}!{month_sheet.span(balance_row)}"
            conditions = [f"MIN({span})>=-0.005"]
            watched = (f"MIN({span})", _money(plan.monthly.low[0]))
        elif family == "caps":
            conditions = _cap_conditions(plan, layout, funders)
        elif family == "fixed_honoured":
            conditions = _fixed_conditions(plan, layout, funders)
        # a reviewer reads a number and a French label, not the engine's identifier
        ws[f"{column['id']}{row}"] = row - FIRST_OUTPUT_ROW + 1
        put(ws, f"{column['description']}{row}", _CHECK_LABELS[family] + (
            f" : {labels[need_id]}" if need_id else ""))
        expected_status = status_ok if check.ok else status_ko
        status_cell = f"{column['status']}{row}"
        if conditions:
            sheet.formula(status_cell, f'IF(AND({",".join(conditions)}),"{status_ok}",'
                          f'"{status_ko}")', expected_status, "General")
        else:
            put(ws, status_cell, expected_status)
        put(ws, f"{column['message']}{row}", check.message)
        ws[f"{column['message']}{row}"].alignment = WRAP
        if watched:
            sheet.formula(f"{column['value']}{row}", *watched)
        row += 1
    _write_freshness_check(sheet, row)
    last = row
    statuses = f"{column['status']}{FIRST_OUTPUT_ROW}:{column['status']}{last}"
    for status, fill in (("ok", OK_FILL), ("error", KO_FILL), ("warning", WARN_FILL)):
        ws.conditional_formatting.add(statuses, CellIsRule(
            operator="equal", formula=[f'"{STATUS[status]}"'], fill=fill))
    verdict = last + 2
    verdict_cell = f"{column['status']}{verdict}"
    put(ws, f"{column['description']}{verdict}", "Verdict")
    ws[f"{column['description']}{verdict}"].font = BOLD
    sheet.formula(verdict_cell, f'IF(COUNTIF({statuses},"{STATUS["error"]}")=0,'
                  '"Plan validé","Plan à revoir")',
                  "Plan validé" if plan.ok else "Plan à revoir", "General")
    ws[verdict_cell].font = BOLD
    remarks = [f"Avertissement : {text}" for text in plan.warnings]
    remarks += [f"Saisie : {text}" for text in notes]
    for offset, text in enumerate(remarks):
        remark_cell = f"{column['description']}{verdict + 2 + offset}"
        put(ws, remark_cell, text)
        ws[remark_cell].font = NOTE_FONT
    book.defined_names["controles"] = DefinedName("controles", attr_text=(
        f"{quote_sheet(sheet.name)}!${column['id']}${FIRST_OUTPUT_ROW}:"
        f"${column['value']}${last}"))
    book.defined_names["controles_verdict"] = DefinedName(
        "controles_verdict", attr_text=f"{quote_sheet(sheet.name)}!{absolute(verdict_cell)}")
    project = case.project
    print_setup(ws, project.organisation, project.name,
                title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.freeze_panes = f"{column['id']}{FIRST_OUTPUT_ROW}"
    for key, width in {"id": 5, "description": 60, "status": 12, "message": 90,
                       "value": 16}.items():
        ws.column_dimensions[column[key]].width = width


FRESHNESS_CHECK = "Résultats calculés à partir des hypothèses actuelles"


def _write_freshness_check(sheet: _Sheet, row: int) -> None:
    """The check that the results were computed from the current inputs: « À revoir »
    (so the verdict too) the moment an input differs from what finplan read."""
    column, ws = CHECK_COLUMNS, sheet.sheet
    ws[f"{column['id']}{row}"] = row - FIRST_OUTPUT_ROW + 1
    put(ws, f"{column['description']}{row}", FRESHNESS_CHECK)
    sheet.formula(f"{column['status']}{row}",
                  f'IF({FRESH_NAME},"{STATUS["ok"]}","{STATUS["error"]}")', STATUS["ok"],
                  "General")
    put(ws, f"{column['message']}{row}", "Si « À revoir » : les hypothèses ont changé depuis "
        "le dernier calcul ; cliquez sur « Calculer le plan » ou lancez finplan fill.")
    ws[f"{column['message']}{row}"].alignment = WRAP


def _per_year_input(layout: InputLayout, index: int, column: str, y: int) -> str:
    year_cell = _hyp(layout.cell("funder", index, column, y))
    return f"ROUND({_or(year_cell, _hyp(layout.cell('funder', index, column)))},2)"


def _cap_conditions(plan: Plan, layout: InputLayout, funders: _Funders) -> list[str]:
    conditions = []
    for index, funder in enumerate(plan.case.funders):
        if funder.cap is not None:
            conditions += [f"{funders.cell(funder.name, y)}<="
                           f"{_per_year_input(layout, index, 'cap', y)}+0.005"
                           for y in range(1, len(plan.years) + 1)]
        if funder.cap_total is not None:
            total = f"{quote_sheet(funders.sheet.name)}!{funders.sheet.total_column}" \
                    f"{funders.funder_rows[funder.name]}"
            conditions.append(f"{total}<=ROUND("
                              f"{_hyp(layout.cell('funder', index, 'cap_total'))},2)+0.005")
    return conditions


def _fixed_conditions(plan: Plan, layout: InputLayout, funders: _Funders) -> list[str]:
    return [f"{funders.cell(funder.name, y)}>={_per_year_input(layout, index, 'amount', y)}"
            f"-0.005" for index, funder in enumerate(plan.case.funders)
            if funder.rule == "fixed" for y in range(1, len(plan.years) + 1)]


# -- all outputs ----------------------------------------------------------------------

def write_outputs(book: Workbook, plan: Plan, layout: InputLayout,
                  expected: Expectations, notes: Sequence[str] = ()) -> None:
    """Write every output sheet of ``plan`` (the input sheet must exist); ``notes``
    are remarks on the inputs shown under the checks."""
    funders = _write_funders(book, plan, expected)
    details = _write_details(book, plan, layout, expected, funders.cell)
    budget = _write_budget(book, plan, details, funders, expected)
    _link_operating_need(details, budget.charges_total, budget.sheet, plan)
    _link_funders(funders, details, plan, layout)
    financing = _write_financing(book, plan, details, budget, funders, expected)
    monthly = _write_monthly(book, plan, expected, financing)
    _write_scenarios(book, plan, expected)
    _write_checks(book, plan, layout, funders, financing, monthly, expected, notes)


def write_placeholders(book: Workbook) -> None:
    """The output sheets of a template that has not been computed yet."""
    for key in OUTPUT_SHEETS:
        sheet = book.create_sheet(SHEETS[key])
        put(sheet, TITLE_CELL, SHEETS[key])
        sheet[TITLE_CELL].font = TITLE_FONT
        put(sheet, "B3", "Cette feuille sera remplie par le calcul du plan : saisissez la "
            "feuille « Hypothèses », puis cliquez sur « Calculer le plan » ou lancez "
            "finplan fill sur ce classeur.")
        sheet["B3"].font = NOTE_FONT
        sheet.column_dimensions["B"].width = 100
