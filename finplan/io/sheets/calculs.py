"""The « Calculs » sheet: every step from the inputs to the figures of the other sheets.

Its formulas mirror :mod:`finplan.model.staff` (gross pay, employer charges, FTE-years),
:mod:`finplan.model.funders` (``per_fte_rate``, ``counts_for``), the depreciation and
loan schedules and the grant release of :mod:`finplan.model.assets`, the
operating need of :mod:`finplan.model.engine` (spec §2–§3).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import accumulate

from finplan.io.cells import column_letter as get_column_letter
from finplan.io.grid import Book, Expectations
from finplan.io.sheets.rows import (
    SheetWriter,
    hyp,
    money,
    or_else,
    per_year_input,
    runs,
    sum_local,
    year_input,
)
from finplan.io.workbook_layout import (
    CODE_COLUMN,
    FIRST_OUTPUT_ROW,
    LABEL_COLUMN,
    InputLayout,
    quote_sheet,
)
from finplan.io.workbook_styles import (
    BOLD,
    EUROS,
    NOTE_FONT,
    NUMBER,
)
from finplan.model.amounts import months_active
from finplan.model.assets import LoanSchedule, loan_start
from finplan.model.budget import CERFA_SUB_LINES
from finplan.model.case import Case, Loan, Need
from finplan.model.cash import payer_name
from finplan.model.contracts import contract_hours, fte_hours
from finplan.model.funders import (
    counts_for,
    per_fte_rate,
    socle_part,
    total_cap,
    within_approved,
    yearly_caps,
)
from finplan.model.in_kind import ACCOUNTS
from finplan.model.money import to_cents
from finplan.model.needs import covered_lines
from finplan.model.plan import PlanInternals
from finplan.model.staff import StaffCosts
from finplan.model.vocabulary import label
from finplan.rates import smic


class Details:
    """Rows of the Calculs sheet that other sheets refer to."""

    def __init__(self, sheet: SheetWriter) -> None:
        self.sheet = sheet
        self.gross: list[int] = []
        self.social: list[int] = []
        self.revenue: list[int] = []
        self.contracts: list[int] = []  # each contract's value (own revenue)
        self.hours: list[int] = []  # each contract's hours worked
        self.fte: list[int] = []  # each staff line's FTE-years
        self.expense: list[int] = []
        self.depreciation: list[int] = []
        self.interest: list[int] = []
        self.repaid: list[int] = []
        self.investments = self.loans = self.own_revenue = self.release = 0
        self.earmarked = 0  # row: what the earmarked needs' funders pay (0: none)
        self.needs: dict[str, int] = {}
        self.cap_excess: list[int] = []  # rows: what exceeds each funder's ceilings
        self.fixed_shortfall: list[int] = []  # rows: what was not paid of fixed amounts
        self.per_fte: dict[str, int] = {}  # funder -> row of its offer per FTE
        self.variable = 0  # row: the variable charges of the year (break-even)
        # rows: the contributions in kind of the year by 86 account (none: no line)
        self.in_kind: dict[str, int] = {}
        self.variable_flags = ""  # column: each expense's « Charge variable » as 1 or 0
        # formula terms by year: the quantities sold the break-even scales (sold_terms)
        self.sold: list[Callable[[int], str]] = []
        self.opening_cash = "p_tresorerie"  # the opening cash, as a formula term


def write_details(book: Book, plan: PlanInternals, layout: InputLayout, expected: Expectations,
                   funder_cells: Callable[[str, int], str]) -> Details:
    sheet = SheetWriter(book, "details", plan, expected)
    case, years = plan.case, len(plan.years)
    sheet.title("Détail des calculs", "Chaque montant des autres feuilles vient d'ici ; "
                "chaque formule renvoie aux hypothèses.")
    details = Details(sheet)
    details.opening_cash = layout.opening_cash
    helpers = sheet.first_year_column + years  # helper columns after the years
    sheet.header("Calendrier", extra=())
    sheet.line("mois", "Mois d'activité", lambda y: "13-p_mois_debut" if y == 1
                            else "12", [months_active(y, case.project)
                                        for y in range(1, years + 1)],
                            total=False, number_format="0")

    # staff
    first = sheet.section("Personnel")
    fte_rows: list[int] = []
    for i, (staff, costs) in enumerate(zip(case.staff, plan.staff_costs)):
        if staff.hours_from is not None:  # the hours of a contract, in FTE
            _write_hours_staff(sheet, case, layout, details, fte_rows, i, costs, helpers)
            continue

        def fte(y: int, i: int = i) -> str:
            return year_input(layout, "staff", i, "fte", y).typed()

        def months(y: int, i: int = i) -> str:
            if y > 1:
                return "12"
            start = hyp(layout.cell("staff", i, "start_month"))
            return f"(13-MAX({or_else(start, 'p_mois_debut')},p_mois_debut))"

        gross = hyp(layout.cell("staff", i, "monthly_gross"))
        rate = hyp(layout.cell("staff", i, "employer_rate"))
        def gross_formula(y: int, f: Callable = fte, m: Callable = months,
                          g: str = gross) -> str:
            return f"ROUND({f(y)}*{g}*(1+idx_salaires)^{y - 1}*{m(y)},2)"

        gross_row = sheet.line("641", f"Salaire brut — {staff.role}", gross_formula,
            [money(c) for c in costs.gross], total=False)
        social_row = sheet.line("645", f"Charges patronales — {staff.role}",
                                lambda y, r=gross_row, t=rate: f"ROUND({sheet.local(r, y)}*{t},2)",
                                [money(c) for c in costs.social], total=False)
        fte_rows.append(sheet.line("", f"ETP-années — {staff.role}",
                                   lambda y, f=fte, m=months: f"{f(y)}*{m(y)}/12",
                                   list(costs.fte_years), total=False, number_format=NUMBER))
        details.gross.append(gross_row)
        details.social.append(social_row)
    details.fte = fte_rows
    book.names["calculs_personnel"] = (f"{quote_sheet(sheet.name)}!$A${first}:"
                                       f"${sheet.column(years)}${max(sheet.row - 1, first)}")
    details.per_fte = write_per_fte(sheet, plan, layout, fte_rows, helpers)

    def per_year_amount(key: str, i: int, column: str, y: int, factor: str) -> str:
        """A per-year input: the year column as is, else the single number × factor —
        or, when « Année(s) » names years (:func:`once_formula`), the single number as
        typed in those years and 0 in the others."""
        typed = year_input(layout, key, i, column, y)
        base = typed.single
        formula = f"IF({typed.given},ROUND({typed.value},2),ROUND({base}*{factor},2))"
        if "years" not in {c.key for c in layout.table(key).spec.columns}:  # earlier workbook
            return formula
        years = hyp(layout.cell(key, i, "years"))
        return f"IF({years}=\"\",{formula},IF({once_formula(years, y)},ROUND({base},2),0))"

    def factor(index: str, y: int) -> str:
        return "(13-p_mois_debut)/12" if y == 1 else f"(1+{index})^{y - 1}"

    sheet.section("Recettes propres")
    for i, (item, amounts) in enumerate(zip(case.revenue, plan.revenue_by_item)):
        def revenue(y: int, i: int = i) -> str:
            quantity = year_input(layout, "revenue", i, "quantity", y)
            price = hyp(layout.cell("revenue", i, "unit_price"))
            by_quantity = f"ROUND({quantity.typed()}*{price}*(1+idx_prix)^{y - 1},2)"
            by_amount = per_year_amount("revenue", i, "amount", y, factor("idx_prix", y))
            return (f"IF(OR(ISNUMBER({quantity.single}),{quantity.given}),{by_quantity},"
                    f"{by_amount})")
        details.revenue.append(sheet.line(item.account, item.label, revenue,
                                          [money(c) for c in amounts], total=False))
    if case.contracts:
        sheet.section("Contrats en heures")
    for i, (item, amounts) in enumerate(zip(case.contracts, plan.contracts_by_item)):
        shared = layout.worked_hours(i, 1) is not None  # a member's part of the hours
        hours = sheet.line("", f"Heures {'travaillées' if shared else 'vendues'} — "
                           f"{item.label}", lambda y, i=i: worked_hours(layout, i, y),
                           [contract_hours(item, y) for y in range(1, years + 1)],
                           total=False, number_format=NUMBER)
        details.hours.append(hours)

        def value(y: int, i: int = i, hours: int = hours, shared: bool = shared) -> str:
            price = hyp(layout.cell("contract", i, "hourly_price"))
            sold = contract_hours_input(layout, i, y) if shared else sheet.local(hours, y)
            by_hours = f"ROUND({sold}*{price}*(1+idx_prix)^{y - 1},2)"
            amount = year_input(layout, "contract", i, "amount", y).typed()
            return f"IF(ISNUMBER({price}),{by_hours},ROUND({amount},2))"
        details.contracts.append(sheet.line(
            item.account, payer_name(item), None if layout.generated("contract", i)
            else value, [money(c) for c in amounts], total=False))

    charges_row = sheet.section("Charges")
    for i, (item, amounts) in enumerate(zip(case.expenses, plan.expenses_by_item)):
        details.expense.append(sheet.line(
            item.account, item.label, None if layout.generated("expense", i) else
            lambda y, i=i: per_year_amount("expense", i, "amount", y, factor("idx_charges", y)),
            [money(c) for c in amounts], total=False))
    _write_variable_flags(sheet, case, layout, details, charges_row, helpers)

    # investments: purchases and depreciation, with helper columns
    sheet.section("Investissements et amortissements")
    year_col, month_col, amount_col = (get_column_letter(helpers + k) for k in range(3))
    if case.investments:
        for text, column in (("Année d'achat", year_col), ("Mois d'achat", month_col),
                             ("Montant", amount_col)):
            sheet.sheet.put(f"{column}{sheet.row - 1}", text, font=BOLD)
    purchases = []
    for i, (item, dep) in enumerate(zip(case.investments, plan.depreciation_by_item)):
        row = sheet.row
        year_ref = f"${year_col}{row + 1}"
        month_ref, amount_ref = f"${month_col}{row + 1}", f"${amount_col}{row + 1}"
        purchases.append(sheet.line("", f"Achat — {item.label}",
                                    lambda y, yr=year_ref, a=amount_ref: f"IF({yr}={y},{a},0)",
                                    [money(to_cents(item.amount)) if item.year == y
                                     else Decimal(0) for y in range(1, years + 1)],
                                    total=False))
        life = hyp(layout.cell("investment", i, "life_years"))

        def cumulative(y: int, yr: str = year_ref, mo: str = month_ref, a: str = amount_ref,
                       life: str = life) -> str:
            return f"ROUND(MIN({a},{a}/{life}*MAX(0,12*({y}-{yr})+13-{mo})/12),2)"

        dep_row = sheet.line("681", f"Amortissement — {item.label}",
                             lambda y, c=cumulative: f"{c(y)}-{c(y - 1)}",
                             [money(c) for c in dep], total=False)
        details.depreciation.append(dep_row)
        hyp_year = hyp(layout.cell("investment", i, "year"))
        hyp_month = hyp(layout.cell("investment", i, "month"))
        sheet.formula(f"{year_col}{dep_row}", or_else(hyp_year, "1"), item.year, "0")
        sheet.formula(f"{month_col}{dep_row}",
                      or_else(hyp_month, f"IF({year_col}{dep_row}=1,p_mois_debut,1)"), item.month,
                      "0")
        sheet.formula(f"{amount_col}{dep_row}",
                      f"ROUND({hyp(layout.cell('investment', i, 'amount'))},2)",
                      money(to_cents(item.amount)))
    details.investments = sheet.line(
        "", "Investissements de l'année", lambda y: sum_local(sheet, purchases, y),
        [money(c) for c in plan.investments], total=False, style="line")
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
                                      [money(c) for c in plan.cohort_depreciation[a - 1]],
                                      total=False))

    _write_loans(sheet, plan, layout, details, helpers)

    # needs
    first = sheet.section("Besoins")
    details.own_revenue = sheet.line("", "Recettes propres", lambda y: sum_local(
        sheet, [*details.revenue, *details.contracts], y),
        [money(c) for c in plan.own_revenue], total=False)
    investment_funders = [f for f in plan.funder_results
                          if f.funder.finances == "investment" and f.type != "own"]
    subsidised = sheet.line(
        "", "Subventions d'investissement reçues (hors fonds propres)",
        lambda y: "+".join(funder_cells(f.name, y) for f in investment_funders) or "0",
        [money(c) for c in plan.subsidised], total=False)

    def release(y: int) -> str:
        terms = [f"IF({sheet.local(details.investments, a)}>0,{sheet.local(subsidised, a)}*"
                 f"{sheet.local(cohort_rows[a - 1], y)}/{sheet.local(details.investments, a)},0)"
                 for a in range(1, years + 1)]
        return f"ROUND({'+'.join(terms)},2)"

    details.release = sheet.line("747", "Quote-part des subventions d'investissement virée "
                                 "au résultat", release,
                                 [money(c) for c in plan.grant_release], total=False)
    def investment_need(y: int) -> str:
        return (f"MAX(0,{sheet.local(details.investments, y)}-"
                f"{sheet.local(details.loans, y)})")

    def custom_need(index: int) -> Callable[[int], str]:
        def amount(y: int) -> str:
            return f"ROUND({year_input(layout, 'need', index, 'amount', y).typed()},2)"
        return amount

    def earmarked_need(index: int, need: Need) -> Callable[[int], str]:
        """share(y) × the covered lines' cost (:func:`finplan.model.needs.earmarked_need`)"""
        lines = covered_lines(need, case)
        rows = [row for i in lines["staff"] for row in (details.gross[i], details.social[i])]
        rows += [details.expense[i] for i in lines["expense"]]

        def amount(y: int) -> str:
            share = year_input(layout, "need", index, "share", y).typed("1")
            return f"ROUND({share}*({sum_local(sheet, rows, y)}),2)"
        return amount

    earmarked = [f for f in plan.funder_results
                 if case.need(f.funder.finances).is_earmarked]
    if earmarked:
        details.earmarked = sheet.line(
            "", "Financements des besoins affectés (déduits du besoin de fonctionnement)",
            lambda y: "+".join(funder_cells(f.name, y) for f in earmarked),
            [money(sum(f.amounts[y] for f in earmarked)) for y in range(years)],
            total=False)
    custom_ids = [n.id for n in case.needs if n.is_custom]
    for need in plan.need_results:
        need_id = need.need.id
        if need_id == "investment":
            formula: Callable[[int], str] | None = investment_need
        elif need_id == "operating":
            formula = None  # set once the budget exists (it needs the charges total)
        elif need.need.is_earmarked:
            formula = earmarked_need(custom_ids.index(need_id), need.need)
        else:
            formula = custom_need(custom_ids.index(need_id))
        details.needs[need_id] = sheet.line(
            "", f"Besoin — {need.need.label}", formula,
            [money(c) for c in need.amounts], total=False, style="line")
    book.names["calculs_besoins"] = (f"{quote_sheet(sheet.name)}!$A${first}:"
                                     f"${sheet.column(years)}${sheet.row - 1}")
    write_funder_limits(sheet, plan, layout, details, funder_cells)
    _write_variable_charges(sheet, plan, details)
    _write_in_kind(sheet, plan, layout, details, helpers)
    details.sold = sold_terms(plan, layout, [lambda y, r=row: sheet.ref(r, y)
                                             for row in details.hours])
    widths = {get_column_letter(helpers + k): 13 for k in range(len(_LOAN_HELPERS))}
    # split across pages, each page repeats the labels (and the banner above them)
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 8, LABEL_COLUMN: 52,
                                                    **widths}, title_columns=2)
    return details


def once_formula(cell: str, y: int) -> str:
    """Whether the « Année(s) » ``cell`` names plan year ``y``, by its calendar year or
    its number, among years separated by « ; », « , » or spaces
    (:func:`finplan.io.workbook_read.plan_years`)."""
    text = (f'";"&SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM({cell}),",",";")," ",";"),'
            f'CHAR(160),";")&";"')
    return (f'OR(ISNUMBER(SEARCH(";"&(p_annee1+{y - 1})&";",{text})),'
            f'ISNUMBER(SEARCH(";{y};",{text})))')


def contract_hours_input(layout: InputLayout, index: int, y: int) -> str:
    """A contract's hours of year ``y`` as typed: its year column, else the single
    number (:func:`finplan.model.contracts.contract_hours`)."""
    return year_input(layout, "contract", index, "hours", y).typed()


def worked_hours(layout: InputLayout, index: int, y: int) -> str:
    """The hours of contract ``index`` worked in year ``y``: those it sells, or a
    collective's member's part of them (``hours × share``, or its own hours typed, or
    none; :func:`finplan.model.contracts.member_hours`)."""
    part = layout.worked_hours(index, y)
    if part is None:
        return contract_hours_input(layout, index, y)
    if part[0] == "share":
        if part[1] is None:  # the contract gives it no hours
            return "0"
        return f"{contract_hours_input(layout, index, y)}*{hyp(part[1])}"
    return part[1].typed()


def _write_hours_staff(sheet: SheetWriter, case: Case, layout: InputLayout,
                       details: Details, fte_rows: list[int], i: int, costs: StaffCosts,
                       note_column: int) -> None:
    """A staff line that works a contract's hours (:func:`finplan.model.staff.fte_years`,
    ``gross_salary``): its FTE-years are the contract's hours over the hours of one FTE
    (typed on the line, else the sourced figure, its source beside it), its gross pay
    ``FTE-years × 12 × monthly gross × (1 + salaries)^(y-1)``."""
    staff = case.staff[i]
    contract = next(k for k, c in enumerate(case.contracts) if c.id == staff.hours_from)
    sourced = fte_hours(staff)
    per_fte = or_else(hyp(layout.cell("staff", i, "hours_per_fte")), f"{sourced.hours}")
    fte_row = sheet.line("", f"ETP-années — {staff.role} (heures du contrat ÷ heures d'un "
                         "ETP)", lambda y: f"{worked_hours(layout, contract, y)}/{per_fte}",
                         list(costs.fte_years), total=False, number_format=NUMBER)
    if staff.hours_per_fte is None:
        sheet.sheet.put(f"{get_column_letter(note_column)}{fte_row}",
                        f"Heures d'un ETP : {sourced.source}")
    gross = hyp(layout.cell("staff", i, "monthly_gross"))
    rate = hyp(layout.cell("staff", i, "employer_rate"))
    gross_row = sheet.line("641", f"Salaire brut — {staff.role}",
                           lambda y: (f"ROUND({sheet.local(fte_row, y)}*12*{gross}"
                                      f"*(1+idx_salaires)^{y - 1},2)"),
                           [money(c) for c in costs.gross], total=False)
    social_row = sheet.line("645", f"Charges patronales — {staff.role}",
                            lambda y: f"ROUND({sheet.local(gross_row, y)}*{rate},2)",
                            [money(c) for c in costs.social], total=False)
    fte_rows.append(fte_row)
    details.gross.append(gross_row)
    details.social.append(social_row)


# How a flag of the « Charge variable » helper column shows: 1 « oui », 0 « non ».
YES_NO_FORMAT = '"oui";"";"non"'


def yes_formula(cell: str) -> str:
    """Whether an input cell answers yes as :mod:`finplan.io.workbook_read` reads it
    (« oui », « vrai », any case, spaces around, or a TRUE typed), as a formula.

    >>> yes_formula("A1")
    'OR(TRIM(A1)="oui",TRIM(A1)="vrai",A1=TRUE)'
    """
    return f'OR(TRIM({cell})="oui",TRIM({cell})="vrai",{cell}=TRUE)'


def _write_variable_flags(sheet: SheetWriter, case: Case, layout: InputLayout,
                          details: Details, header_row: int, helpers: int) -> None:
    """Each expense's « Charge variable » answer as 1 or 0, in the helper column after
    the years (a line without an input row, or a workbook made before that column:
    the engine's answer, a value)."""
    column = get_column_letter(helpers)
    if case.expenses:
        sheet.sheet.put(f"{column}{header_row}", "Charge variable", font=BOLD)
    typed = "variable" in {c.key for c in layout.table("expense").spec.columns}
    for i, (item, row) in enumerate(zip(case.expenses, details.expense)):
        flag = 1 if item.variable else 0
        if typed and not layout.generated("expense", i):
            answer = yes_formula(hyp(layout.cell("expense", i, "variable")))
            sheet.formula(f"{column}{row}", f"IF({answer},1,0)", flag, YES_NO_FORMAT)
        else:
            sheet.sheet.put(f"{column}{row}", flag, number_format=YES_NO_FORMAT)
    details.variable_flags = column


def _write_variable_charges(sheet: SheetWriter, plan: PlanInternals, details: Details) -> None:
    """The variable charges of each year (:attr:`finplan.model.plan.PlanInternals.break_even`):
    the expenses whose « Charge variable » flag is 1, ``SUMPRODUCT(amounts, flags)``
    over the expense rows."""
    flags = details.variable_flags

    def variable(y: int) -> str:
        column = sheet.column(y)
        terms = [f"SUMPRODUCT({column}{first}:{column}{last},${flags}${first}:${flags}${last})"
                 for first, last in runs(details.expense)]
        return "+".join(terms) or "0"

    sheet.section("Point mort (voir Budget)")
    details.variable = sheet.line(
        "", "Charges variables (les charges marquées « Charge variable »)", variable,
        [money(c) for c in plan.break_even.variable], total=False)


def _write_in_kind(sheet: SheetWriter, plan: PlanInternals, layout: InputLayout, details: Details,
                   helpers: int) -> None:
    """The contributions in kind (:mod:`finplan.model.in_kind`): the SMIC of each year
    (the default value of an hour, :func:`finplan.rates.smic`), each line's value
    (``hours × rate`` or its ``amount``, :func:`~finplan.model.in_kind.contribution_amounts`)
    with its 86 account in the helper column, read from its « Nature », then each 86
    account's total (``SUMIF`` over that column), which Budget shows on 86 and 87."""
    case = plan.case
    if not case.in_kind:
        return
    column = get_column_letter(helpers)
    header = sheet.section("Contributions en nature (86 et 87, hors résultat et trésorerie)")
    sheet.sheet.put(f"{column}{header}", "Compte 86", font=BOLD)
    rates = [smic(year) for year in plan.years]
    smic_row = sheet.line("", "SMIC horaire brut au 1er janvier (valeur d'une heure de "
                          "bénévolat par défaut)", None, [rate.hourly for rate in rates],
                          total=False)
    sheet.sheet.put(f"{LABEL_COLUMN}{sheet.row}", "Source du SMIC : " + " ; ".join(
        dict.fromkeys(rate.source for rate in rates)), font=NOTE_FONT)
    sheet.row += 1
    first = sheet.row
    for i, (item, amounts) in enumerate(zip(case.in_kind, plan.in_kind.items)):
        def value(y: int, i: int = i) -> str:
            hours = year_input(layout, "in_kind", i, "hours", y)
            rate = hyp(layout.cell("in_kind", i, "hourly_rate"))
            by_hours = (f"ROUND({hours.typed()}*{or_else(rate, sheet.local(smic_row, y))}"
                        ",2)")
            amount = year_input(layout, "in_kind", i, "amount", y).typed()
            return (f"IF(OR(ISNUMBER({hours.single}),{hours.given}),{by_hours},"
                    f"ROUND({amount},2))")
        row = sheet.line("", item.label, value, [money(c) for c in amounts], total=False)
        nature = hyp(layout.cell("in_kind", i, "kind"))
        choices = "".join(f'IF(TRIM({nature})="{label("in_kind", kind)}","{accounts[0]}",'
                          for kind, accounts in ACCOUNTS.items())
        sheet.formula(f"{column}{row}", f'{choices}"{ACCOUNTS[item.kind][0]}"'
                      + ")" * len(ACCOUNTS), ACCOUNTS[item.kind][0], "@")
    last = sheet.row - 1
    for code, text, _ in CERFA_SUB_LINES["86"]:
        def total(y: int, code: str = code) -> str:
            values = f"{sheet.column(y)}${first}:{sheet.column(y)}${last}"
            return f'SUMIF(${column}${first}:${column}${last},"{code}",{values})'
        details.in_kind[code] = sheet.line(code, text, total, [
            money(c) for c in plan.in_kind.charges[code]], total=False)


def sold_terms(plan: PlanInternals, layout: InputLayout, hours: Sequence[Callable[[int], str]]
               ) -> list[Callable[[int], str]]:
    """The quantities :meth:`finplan.model.plan.PlanInternals.sold_at_break_even` scales, as
    formula terms by year, in its order: each revenue line's quantity as typed (the
    lines given by quantity), then each contract's hours (``hours``)."""
    terms: list[Callable[[int], str]] = [
        lambda y, i=i: year_input(layout, "revenue", i, "quantity", y).typed()
        for i, item in enumerate(plan.case.revenue) if item.quantity is not None]
    return terms + list(hours)


def write_funder_limits(sheet: SheetWriter, plan: PlanInternals, layout: InputLayout,
                        details: Details, funder_cells: Callable[[str, int], str]) -> None:
    """What the checks of the funders' ceilings and fixed amounts read, one row per
    funder concerned, so that each check is one formula over one block whatever the
    number of funders: by how much a funder's amount exceeds its yearly ceiling
    (``max(0, paid - cap)``), by how much what it has paid since the start exceeds its
    total ceiling, by how much a fixed amount was not paid (``max(0, amount - paid)``)
    — each 0 when all is well (:mod:`finplan.model.checks`: ``caps``,
    ``fixed_honoured``)."""
    case, years = plan.case, len(plan.years)
    funding = {f.funder.name: f for f in plan.funder_results}
    # a request's decision, not the funder's rule, gives the amounts of a funding
    # « decided » (spec §7): neither its ceilings nor its fixed amount apply
    capped = [(i, f) for i, f in enumerate(case.funders) if not funding[f.name].decided
              and (f.cap is not None or f.cap_total is not None)]
    fixed = [(i, f) for i, f in enumerate(case.funders)
             if f.rule == "fixed" and not funding[f.name].decided]
    if not capped and not fixed:
        return
    sheet.section("Plafonds des financeurs et montants fixes (contrôles)")
    for index, funder in capped:
        paid = funding[funder.name].amounts
        if funder.cap is not None:
            caps = yearly_caps(funder, years)
            details.cap_excess.append(sheet.line(
                "", f"Dépassement du plafond annuel — {funder.name}",
                lambda y, i=index, n=funder.name: (
                    f"MAX(0,{funder_cells(n, y)}-{per_year_input(layout, i, 'cap', y)})"),
                [money(max(0, p - c)) for p, c in zip(paid, caps)], total=False))
        if funder.cap_total is not None:
            ceiling = hyp(layout.cell("funder", index, "cap_total"))
            cap_total = total_cap(funder)
            details.cap_excess.append(sheet.line(
                "", f"Dépassement du plafond total (depuis le début) — {funder.name}",
                lambda y, n=funder.name, c=ceiling: (
                    f"MAX(0,{'+'.join(funder_cells(n, k) for k in range(1, y + 1))}"
                    f"-ROUND({c},2))"),
                [money(max(0, sum(paid[:y]) - cap_total)) for y in range(1, years + 1)],
                total=False))
    for index, funder in fixed:
        result = funding[funder.name]
        details.fixed_shortfall.append(sheet.line(
            "", f"Montant fixe non versé — {funder.name}",
            lambda y, i=index, n=funder.name: (
                f"MAX(0,{per_year_input(layout, i, 'amount', y)}-{funder_cells(n, y)})"),
            [money(max(0, o - p)) for o, p in zip(result.offered, result.amounts)],
            total=False))


# Columns after the years holding each loan's terms, on its first row.
_LOAN_HELPERS = ("Année", "Mois", "Durée (mois)", "Taux mensuel", "Capital")


def _write_loans(sheet: SheetWriter, plan: PlanInternals, layout: InputLayout, details: Details,
                 helpers: int) -> None:
    """Each loan in named steps (:func:`finplan.model.assets.loan_schedule`): its terms
    in helper cells, the payments made by the end of each year, the cumulative
    interest (``CUMIPMT``) and principal (``CUMPRINC``) rounded to the cent, and the
    year's interest (661) and repayment as differences of two cumulative figures."""
    sheet.section("Emprunts")
    columns = [get_column_letter(helpers + k) for k in range(len(_LOAN_HELPERS))]
    if plan.case.loans:
        for text, column in zip(_LOAN_HELPERS, columns):
            sheet.sheet.put(f"{column}{sheet.row - 1}", text, font=BOLD)
    received = []
    for i, (loan, schedule) in enumerate(zip(plan.case.loans, plan.loan_schedules)):
        interest, repaid, got = _write_loan(sheet, layout, i, loan, schedule, columns)
        details.interest.append(interest)
        details.repaid.append(repaid)
        received.append(got)
    details.loans = sheet.line("", "Emprunts reçus dans l'année",
                               lambda y: sum_local(sheet, received, y),
                               [money(c) for c in plan.loans_received], total=False,
                               style="line")


def _write_loan(sheet: SheetWriter, layout: InputLayout, i: int, loan: Loan,
                schedule: LoanSchedule, columns: Sequence[str]) -> tuple[int, int, int]:
    """One loan's rows; returns those of its interest, repayment and capital received."""
    years, first = sheet.years, sheet.row
    year, month, term, rate, principal = (f"${column}${first}" for column in columns)
    inputs = {key: hyp(layout.cell("loan", i, key))
              for key in ("year", "month", "months", "annual_rate", "principal")}
    start = loan_start(loan)
    paid_row = sheet.line("", f"Échéances payées à la fin de l'année — {loan.label}",
                          lambda y: f"MAX(0,MIN({term},12*{y}-(12*({year}-1)+{month})))",
                          [max(0, min(loan.months, 12 * y - start))
                           for y in range(1, years + 1)], total=False, number_format="0")
    for (formula, value, number_format), column in zip((
            (or_else(inputs["year"], "1"), loan.year, "0"),
            (or_else(inputs["month"], f"IF({year}=1,p_mois_debut,1)"), loan.month, "0"),
            (inputs["months"], loan.months, "0"),
            (f"{inputs['annual_rate']}/12", loan.annual_rate / 12, "0.0000%"),
            (inputs["principal"], loan.principal, EUROS)), columns):
        sheet.formula(f"{column}{first}", formula, value, number_format)

    def paid(y: int) -> str:
        return sheet.local(paid_row, y)

    cum_interest = sheet.line(
        "", f"Intérêts cumulés — {loan.label}",
        lambda y: (f"ROUND(IF(OR({rate}=0,{paid(y)}=0),0,"
                   f"-CUMIPMT({rate},{term},{principal},1,{paid(y)},0)),2)"),
        [money(c) for c in accumulate(schedule.interest)], total=False)
    cum_principal = sheet.line(
        "", f"Capital remboursé cumulé — {loan.label}",
        lambda y: (f"ROUND(IF({paid(y)}=0,0,IF({rate}=0,{principal}*{paid(y)}/{term},"
                   f"-CUMPRINC({rate},{term},{principal},1,{paid(y)},0))),2)"),
        [money(c) for c in accumulate(schedule.repaid)], total=False)
    interest = sheet.line("661", f"Intérêts — {loan.label}",
                          lambda y: _year_part(sheet, cum_interest, y),
                          [money(c) for c in schedule.interest], total=False)
    repaid = sheet.line("", f"Capital remboursé — {loan.label}",
                        lambda y: _year_part(sheet, cum_principal, y),
                        [money(c) for c in schedule.repaid], total=False)
    received = sheet.line("", f"Capital reçu — {loan.label}",
                          lambda y: f"IF({year}={y},ROUND({principal},2),0)",
                          [money(c) for c in schedule.received], total=False)
    return interest, repaid, received


def _year_part(sheet: SheetWriter, cumulative: int, y: int) -> str:
    """A year's figure from a cumulative row: this year's minus last year's."""
    here = sheet.local(cumulative, y)
    return here if y == 1 else f"{here}-{sheet.local(cumulative, y - 1)}"


def write_per_fte(sheet: SheetWriter, plan: PlanInternals, layout: InputLayout, fte_rows: list[int],
                   note_column: int) -> dict[str, int]:
    """Each ``per_fte`` funder's offer, traced to the inputs: the FTE-years of the staff
    lines it pays for, its amount per FTE (the aide au poste with its source, or the
    amount typed), and their product (:func:`finplan.model.funders.per_fte_rate`,
    ``counts_for``) — what the funder pays, never limited (:mod:`finplan.model.allocation`),
    so Financeurs refers to it.  Funder -> the row of its offer."""
    case = plan.case
    per_fte = [(i, funder) for i, funder in enumerate(case.funders)
               if funder.rule == "per_fte"]
    rows: dict[str, int] = {}
    if not per_fte:
        return rows
    sheet.section("Aides par ETP (aide au poste de l'IAE)")
    offered = {funding.funder.name: funding.offered for need in plan.need_results
               for funding in need.funding if funding.offered is not None}
    for index, funder in per_fte:
        staff = [i for i, line in enumerate(case.staff) if counts_for(funder, line)]
        fte_years = [sum((plan.staff_costs[i].fte_years[y] for i in staff), Decimal(0))
                     for y in range(len(plan.years))]
        capped = case.approved_fte is not None and funder.staff_kind == "insertion"
        fte_years = [within_approved(funder, case, fte, y)  # a member's approved posts
                     for y, fte in enumerate(fte_years, start=1)]

        def helped(y: int, rows: tuple[int, ...] = tuple(fte_rows[i] for i in staff),
                   capped: bool = capped) -> str:
            worked = sum_local(sheet, rows, y)
            approved = layout.approved_fte(y)
            return (f"MIN({worked},{approved.typed()})"
                    if capped and approved else worked)
        base = sheet.line("", f"ETP-années aidés — {funder.name}", helped, fte_years,
                          total=False, number_format=NUMBER)
        rates = [per_fte_rate(funder, y, year)
                 for y, year in enumerate(case.years, start=1)]
        label = f"Montant par ETP — {funder.name}"
        if isinstance(funder.amount_per_fte, str):
            label = f"Montant par ETP (barème {funder.amount_per_fte}) — {funder.name}"
            rate = sheet.line("", label, None,
                              [amount for amount, _, _ in rates], total=False)
            sources = dict.fromkeys(source for _, found, _ in rates for source in found)
            sheet.sheet.put(f"{get_column_letter(note_column)}{rate}",
                "Source : " + " ; ".join(sources))
        else:
            rate = sheet.line("", label, lambda y, i=index: per_year_input(
                layout, i, "amount_per_fte", y), [amount for amount, _, _ in rates],
                total=False)
        asked = offered.get(funder.name, (0,) * len(plan.years))
        if funder.modulated is None:
            rows[funder.name] = sheet.line(
                "", f"Aide par ETP demandée — {funder.name}",
                lambda y, b=base, r=rate: f"ROUND({sheet.local(b, y)}*{sheet.local(r, y)},2)",
                [money(c) for c in asked], total=False)
            continue
        # the socle, then the part modulée on it (funders.per_fte_asks)
        socles = [socle_part(funder, y, amount) for y, amount in enumerate(asked, start=1)]
        socle = sheet.line(
            "", f"Montant socle — {funder.name}",
            lambda y, b=base, r=rate: f"ROUND({sheet.local(b, y)}*{sheet.local(r, y)},2)",
            [money(c) for c in socles], total=False)
        modulated = sheet.line(
            "", f"Part modulée — {funder.name}",
            lambda y, i=index, c=socle: (
                f"ROUND({sheet.local(c, y)}*"
                f"{year_input(layout, 'funder', i, 'modulated', y).typed()},2)"),
            [money(a - c) for a, c in zip(asked, socles)], total=False)
        rows[funder.name] = sheet.line(
            "", f"Aide par ETP demandée — {funder.name}",
            lambda y, c=socle, m=modulated: f"{sheet.local(c, y)}+{sheet.local(m, y)}",
            [money(c) for c in asked], total=False)
    return rows


def link_operating_need(details: Details, charges: Callable[[int], str],
                        plan: PlanInternals) -> None:
    """The operating need refers to the budget's charges total (``charges(y)``, without
    the bridging facilities' costs); it lacks what the earmarked needs' funders paid."""
    sheet = details.sheet
    row = details.needs["operating"]
    need = plan.need_result("operating")
    for y in range(1, len(plan.years) + 1):
        earmarked = f"-{sheet.local(details.earmarked, y)}" if details.earmarked else ""
        sheet.formula(sheet.local(row, y),
                      f"MAX(0,{charges(y)}-"
                      f"{sheet.local(details.own_revenue, y)}-{sheet.local(details.release, y)}"
                      f"{earmarked})", money(need.amounts[y - 1]))


