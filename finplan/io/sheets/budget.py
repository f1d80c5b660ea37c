"""The « Budget » sheet: the budget of the Cerfa n° 12156*06, line by line.

Charges 60 to 69 and produits 70 to 79 with the form's sub-lines
(:data:`finplan.model.budget.CERFA_SUB_LINES`, :data:`~finplan.vocabulary.CERFA_74_LINES`),
each case item under the sub-line of its account; « Ressources propres affectées au
projet » (own funders); the totals; « Excédent prévisionnel » / « Insuffisance
prévisionnelle » so that the form balances every year; 86 and 87 with their
sub-lines; the form's final « TOTAL » on each side; then the accounting result and
the CAF.  The formulas mirror :mod:`finplan.model.budget` (``line_totals``,
``surplus``, ``shortfall``, ``result``, ``caf``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NamedTuple

from finplan.io.grid import Book, Expectations
from finplan.io.sheets.calculs import Details
from finplan.io.sheets.financeurs import Funders
from finplan.io.sheets.rows import SheetWriter, money, sum_local, sum_of
from finplan.io.workbook_layout import (
    CODE_COLUMN,
    FIRST_OUTPUT_ROW,
    LABEL_COLUMN,
    quote_sheet,
)
from finplan.io.workbook_styles import EUROS, NOTE_FONT, NUMBER
from finplan.model.bridging import bridge_costs
from finplan.model.budget import (
    BRIDGE_ACCOUNTS,
    CERFA_SUB_LINES,
    CHARGE_LINES,
    CHARGES_TOTAL,
    CONTRIBUTIONS_CODE,
    DONATIONS_CODE,
    ENGINE_ACCOUNTS,
    GRAND_TOTAL,
    GRANT_RELEASE_CODE,
    IN_KIND_LINES,
    INDIRECT_CHARGES,
    OWN_RESOURCES,
    PRODUIT_LINES,
    PRODUITS_TOTAL,
    SHORTFALL,
    SURPLUS,
    TAX_LINE,
    add,
    sub_line,
)
from finplan.model.cash import payer_name
from finplan.model.in_kind import ACCOUNTS
from finplan.model.money import Cents
from finplan.model.plan import PlanInternals
from finplan.model.vocabulary import CERFA_74_LINES

__all__ = ["Budget", "link_bridges", "write_budget"]

NOTES = (
    "Équilibre du formulaire : TOTAL DES CHARGES + Excédent prévisionnel = TOTAL DES "
    "PRODUITS + Insuffisance prévisionnelle, chaque année.",
    "Ressources propres affectées au projet : les fonds propres de la structure qui "
    "couvrent le déficit (réserves) ; ce ne sont pas des produits, d'où le résultat "
    "comptable ci-dessous.",
    "747 : la part des subventions d'investissement reprise chaque année au rythme de "
    "l'amortissement des biens qu'elles ont financés (voir Calculs) ; ce n'est pas un "
    "versement de l'année.",
    "Les subventions (74) et les dons de financeurs (75) sont répartis par finplan (voir "
    "Financeurs).",
    "86 / 87 : les contributions volontaires en nature (bénévolat, locaux prêtés, dons en "
    "nature), valorisées dans Calculs (heures × valeur de l'heure, le SMIC par défaut) ; "
    "le même montant des deux côtés, hors du résultat et de la trésorerie.",
    "Point mort = (charges fixes − autres produits − subventions) × recettes propres / "
    "(recettes propres − charges variables) ; « aucun » : chaque euro vendu coûte un euro "
    "ou plus de charges variables.",
    "Lignes et libellés : formulaire Cerfa n° 12156*06 (budget du projet), tels que repris "
    "par la plateforme Dauphin de l'État.",
)


class Budget:
    """Rows of the Budget sheet that other sheets refer to."""

    def __init__(self, sheet: SheetWriter) -> None:
        self.sheet = sheet
        self.charges_total = self.produits_total = self.line_68 = self.release = 0
        self.result = self.caf = 0
        # the break-even block's rows the chart reads: own revenue, the point with and
        # without the grants (one under the other)
        self.break_even: tuple[int, ...] = ()
        # the row of each line of the form, by the key of its
        # :class:`~finplan.model.dossier.FormLine` (the dossiers refer to them)
        self.form_rows: dict[str, int] = {}
        self.bridges: dict[str, int] = {}  # the facilities' interest and fees, by account

    def operating_charges(self, y: int) -> str:
        """Year ``y``'s charges total without the bridging facilities' interest and
        fees (the base of the operating need and of the BFR, spec §3b), as a formula
        term for another sheet."""
        total = self.sheet.ref(self.charges_total, y)
        if not self.bridges:
            return total
        costs = "+".join(self.sheet.ref(row, y) for row in self.bridges.values())
        return f"({total}-({costs}))"


class _Entry(NamedTuple):
    """One figure under a line: a case item, an engine account or a funder."""

    code: str
    label: str
    formula: Callable[[int], str] | None  # None: a value, until a later sheet links it
    cents: Sequence[Cents]
    merged: bool = False  # an engine account: its sub-line row shows it, no row of its own


def _write_line(sheet: SheetWriter, code: str, text: str, entries: Sequence[_Entry],
                cents: Sequence[Cents], found: dict[str, int] | None = None) -> int:
    """A line of the form, its sub-lines (each with its entries) and the entries no
    sub-line takes; the line adds up its sub-lines and loose entries; ``found`` gets
    the row of each bridging-facility entry (linked once « Trésorerie » is written)."""
    years = sheet.years
    line_row = sheet.line(code, text, None, [money(c) for c in cents], style="line")
    groups: dict[int | None, list[_Entry]] = {}
    for entry in entries:
        groups.setdefault(sub_line(entry.code), []).append(entry)
    children = []
    for index, (sub_code, sub_text, _) in enumerate(CERFA_SUB_LINES.get(code, ())):
        members = groups.get(index, [])
        sub_cents = add([0] * years, *(entry.cents for entry in members))
        sub_row = sheet.line(sub_code, "  " + sub_text, None, [money(c) for c in sub_cents])
        children.append(sub_row)
        rows = _write_entries(sheet, [e for e in members if not e.merged], "    ", found)
        merged = [e for e in members if e.merged]
        if rows or merged:
            for y in range(1, years + 1):
                terms = ([sum_local(sheet, rows, y)] if rows else []) + [
                    e.formula(y) for e in merged]
                sheet.formula(sheet.local(sub_row, y), "+".join(terms),
                              money(sub_cents[y - 1]))
    children += _write_entries(sheet, groups.get(None, []), "  ", found)
    if children:
        for y in range(1, years + 1):
            sheet.formula(sheet.local(line_row, y), sum_local(sheet, children, y),
                          money(cents[y - 1]))
    return line_row


def _write_entries(sheet: SheetWriter, entries: Sequence[_Entry], indent: str,
                   found: dict[str, int] | None = None) -> list[int]:
    rows = []
    for entry in entries:
        rows.append(sheet.line(entry.code, indent + entry.label, entry.formula,
                               [money(c) for c in entry.cents]))
        if found is not None and entry.formula is None and entry.code in BRIDGE_ACCOUNTS:
            found[entry.code] = rows[-1]
    return rows


def _charge_entries(plan: PlanInternals, details: Details) -> list[_Entry]:
    """The case's expenses (from Calculs) and the accounts the engine fills."""
    calc, years = details.sheet, len(plan.years)
    entries = [_Entry(item.account, item.label, lambda y, r=row: calc.ref(r, y), cents)
               for item, row, cents in zip(plan.case.expenses, details.expense,
                                           plan.expenses_by_item)]
    engine = {
        "641": (details.gross, [sum(c.gross[y] for c in plan.staff_costs)
                                for y in range(years)]),
        "645": (details.social, [sum(c.social[y] for c in plan.staff_costs)
                                 for y in range(years)]),
        "661": (details.interest, plan.interest),
        "681": (details.depreciation, plan.depreciation),
    }
    for account, (rows, cents) in engine.items():
        entries.append(_Entry(account, ENGINE_ACCOUNTS[account],
                              lambda y, rows=rows: sum_of(calc, rows, y), cents,
                              merged=sub_line(account) is not None))
    # the bridging facilities' interest and fees: values until « Trésorerie », where
    # they are computed month by month, is written (link_bridges)
    entries += [_Entry(code, BRIDGE_ACCOUNTS[code], None, cents)
                for code, cents in _bridge_costs(plan).items()]
    return sorted(entries, key=lambda entry: entry.code)


def _bridge_costs(plan: PlanInternals) -> dict[str, list[Cents]]:
    """The bridging facilities' interest (6616) and fees (627) by year, for the accounts
    they fill (:func:`~finplan.model.bridging.bridge_costs`)."""
    return bridge_costs(plan.bridges, len(plan.years))


def _produit_entries(plan: PlanInternals, details: Details, funders: Funders) -> list[_Entry]:
    """The case's own revenue (from Calculs), the donors placed on 75 and a
    collective's members' contributions to the mandataire (756; Financeurs)."""
    calc = details.sheet
    entries = [_Entry(item.account, item.label, lambda y, r=row: calc.ref(r, y), cents)
               for item, row, cents in zip(plan.case.revenue, details.revenue,
                                           plan.revenue_by_item)]
    entries += [_Entry(item.account, payer_name(item), lambda y, r=row: calc.ref(r, y), cents)
                for item, row, cents in zip(plan.case.contracts, details.contracts,
                                            plan.contracts_by_item)]
    entries += [_Entry(DONATIONS_CODE if f.line == "dons_mecenat" else CONTRIBUTIONS_CODE,
                       f.name, lambda y, n=f.name: funders.cell(n, y), f.amounts)
                for f in plan.charge_funding if f.line in ("dons_mecenat", "cotisations")]
    return sorted(entries, key=lambda entry: entry.code)


def _write_74(sheet: SheetWriter, plan: PlanInternals, details: Details, funders: Funders,
              budget: Budget) -> int:
    """Line 74: one sub-line per level of public funder, the private aids, each with
    its funders (Financeurs), and the release of investment subsidies (747)."""
    years = sheet.years
    subsidies = plan.subsidies()
    line_row = sheet.line("74", PRODUIT_LINES["74"], None,
                          [money(c) for c in plan.produits["74"]], style="line")
    sub_rows = []
    for key, text in CERFA_74_LINES.items():
        members = [f for f in plan.charge_funding
                   if f.type != "own" and f.line == key]
        sub_row = sheet.line("", "  " + text, None, [money(c) for c in subsidies[key]])
        sub_rows.append(sub_row)
        budget.form_rows[f"74.{key}"] = sub_row
        rows = _write_entries(sheet, [
            _Entry("", f.name, lambda y, n=f.name: funders.cell(n, y), f.amounts)
            for f in members], "    ")
        for y in range(1, years + 1):
            sheet.formula(sheet.local(sub_row, y), sum_local(sheet, rows, y),
                          money(subsidies[key][y - 1]))
    budget.release = sheet.line(GRANT_RELEASE_CODE, "  " + ENGINE_ACCOUNTS["747"],
                                lambda y: details.sheet.ref(details.release, y),
                                [money(c) for c in plan.grant_release])
    sub_rows.append(budget.release)
    budget.form_rows["747"] = budget.release
    for y in range(1, years + 1):
        sheet.formula(sheet.local(line_row, y), sum_local(sheet, sub_rows, y),
                      money(plan.produits["74"][y - 1]))
    return line_row


def _write_unvalued(sheet: SheetWriter, code: str, title: str,
                    sub_lines: Sequence[tuple[str, str]]) -> int:
    """A block of the form finplan does not value (0): its line, the sum of its
    sub-lines ((code, wording) each)."""
    zeros = [Decimal(0)] * sheet.years
    line_row = sheet.line(code, title, None, zeros, style="line")
    rows = [sheet.line(sub_code, "  " + text, None, zeros) for sub_code, text in sub_lines]
    for y in range(1, sheet.years + 1):
        sheet.formula(sheet.local(line_row, y), sum_local(sheet, rows, y), Decimal(0))
    return line_row


def _write_indirect(sheet: SheetWriter) -> int:
    """The form's « Charges indirectes » and its sub-lines (:data:`INDIRECT_CHARGES`),
    not budgeted by finplan (0)."""
    title, lines = INDIRECT_CHARGES
    return _write_unvalued(sheet, "", title, [("", text) for text in lines])


def _write_in_kind(sheet: SheetWriter, details: Details, budget: Budget, code: str) -> int:
    """86 or 87 with the form's sub-lines: each account the contributions in kind of
    Calculs give it (:data:`finplan.model.in_kind.ACCOUNTS`: 870 is 864, 871 is 861 and
    862, 875 is 860), the line their sum."""
    in_kind, calc = sheet.plan.in_kind, details.sheet
    amounts = in_kind.charges if code == "86" else in_kind.produits
    line_row = sheet.line(code, IN_KIND_LINES[code], None, [money(c) for c in in_kind.total],
                          style="line")
    rows = []
    for account, text, _ in CERFA_SUB_LINES[code]:
        sources = [account] if code == "86" else list(dict.fromkeys(
            charge for charge, produit in ACCOUNTS.values() if produit == account))
        formula = None
        if details.in_kind:
            def formula(y: int, sources: list[str] = sources) -> str:
                return "+".join(calc.ref(details.in_kind[c], y) for c in sources)
        rows.append(sheet.line(account, "  " + text, formula,
                               [money(c) for c in amounts[account]]))
        budget.form_rows[account] = rows[-1]
    for y in range(1, sheet.years + 1):
        sheet.formula(sheet.local(line_row, y), sum_local(sheet, rows, y),
                      money(in_kind.total[y - 1]))
    return line_row


# What the break-even block shows when no revenue brings the result to zero (each euro
# sold costs a euro or more of variable charges), and for what follows from it.
NO_POINT, NO_FIGURE = "aucun", "—"


def _write_break_even(sheet: SheetWriter, details: Details, budget: Budget,
                      produit_lines: Sequence[int]) -> None:
    """The break-even of each year (:mod:`finplan.model.breakeven`): the variable
    charges (Calculs), the fixed ones (the rest of the charges), the grants (74, with
    747), the other produits, the own revenue planned, then the own revenue at which
    the result is zero with and without the grants, the margin of safety and what is
    sold then (each quantity × point / planned revenue)."""
    plan, calc = sheet.plan, details.sheet
    point = plan.break_even
    first = sheet.section("Point mort (seuil de rentabilité) : les recettes propres pour "
                          "un résultat nul")

    def row(text: str, formula: Callable[[int], str], values: Sequence[object],
            number_format: str = EUROS, style: str = "detail") -> int:
        return sheet.line("", text, formula, values, total=False, style=style,
                          number_format=number_format)

    def shown(cents: Sequence[Cents | None], none: str) -> list[object]:
        return [none if c is None else money(c) for c in cents]

    variable = row("Charges variables (les charges marquées « Charge variable », voir "
                   "Calculs)", lambda y: calc.ref(details.variable, y),
                   [money(c) for c in point.variable])
    fixed = row("Charges fixes (total des charges − charges variables)",
                lambda y: f"{sheet.local(budget.charges_total, y)}-{sheet.local(variable, y)}",
                [money(c) for c in point.fixed])
    grants = row("Subventions (74, avec la quote-part virée au résultat 747)",
                 lambda y: sheet.local(budget.form_rows["74"], y),
                 [money(c) for c in point.grants])
    revenue_row = sheet.row + 1  # written just after « other », which refers to it
    other = row("Autres produits (70 à 79 hors recettes propres et subventions)",
                lambda y: (f"{sum_local(sheet, produit_lines, y)}"
                           f"-{sheet.local(revenue_row, y)}-{sheet.local(grants, y)}"),
                [money(c) for c in point.other])
    revenue = row("Recettes propres prévues (ventes, prestations, contrats)",
                  lambda y: calc.ref(details.own_revenue, y),
                  [money(c) for c in point.revenue])

    def at_zero(y: int, with_grants: bool) -> str:
        r, v, f, o = (sheet.local(k, y) for k in (revenue, variable, fixed, other))
        covered = f"({o}+{sheet.local(grants, y)})" if with_grants else o
        return (f'IF({r}<=0,MAX(0,{f}+{v}-{covered}),IF({v}>={r},"{NO_POINT}",'
                f"MAX(0,ROUND(({f}-{covered})*{r}/({r}-{v}),2))))")

    with_grants = row("Point mort avec les subventions", lambda y: at_zero(y, True),
                      shown(point.with_grants, NO_POINT), style="total")
    without = row("Point mort sans les subventions", lambda y: at_zero(y, False),
                  shown(point.without_grants, NO_POINT), style="total")
    margin = row("Marge de sécurité (recettes propres prévues − point mort)",
                 lambda y: (f"IF(ISNUMBER({sheet.local(with_grants, y)}),"
                            f'{sheet.local(revenue, y)}-{sheet.local(with_grants, y)},'
                            f'"{NO_FIGURE}")'), shown(point.margin, NO_FIGURE))
    last = margin
    for (label, sold), term in zip(plan.sold_at_break_even().items(), details.sold):
        def quantity(y: int, term: Callable[[int], str] = term) -> str:
            p, r = sheet.local(with_grants, y), sheet.local(revenue, y)
            return (f"IF(ISNUMBER({p}),IF({r}>0,ROUND({term(y)}*{p}/{r},2),0),"
                    f'"{NO_FIGURE}")')
        last = row(f"Vendu au point mort — {label}", quantity,
                   [NO_FIGURE if q is None else q for q in sold], number_format=NUMBER)
    budget.break_even = (revenue, with_grants, without)
    sheet.name_block("budget_point_mort", first, last)


def write_budget(book: Book, plan: PlanInternals, details: Details, funders: Funders,
                 expected: Expectations) -> Budget:
    """The budget of the form, balanced every year (see the module docstring)."""
    sheet = SheetWriter(book, "budget", plan, expected)
    case, years = plan.case, len(plan.years)
    budget = Budget(sheet)
    sheet.title(f"Budget prévisionnel — {case.project.name}",
                f"{case.project.organisation} · budget du projet selon le formulaire Cerfa "
                "n° 12156*06, en euros")
    sheet.header("Charges et produits")

    def grouped(entries: list[_Entry]) -> dict[str, list[_Entry]]:
        lines: dict[str, list[_Entry]] = {}
        for entry in entries:
            lines.setdefault(entry.code[:2], []).append(entry)
        return lines

    zeros = [0] * years
    first = sheet.section("CHARGES")
    charges = grouped(_charge_entries(plan, details))
    charge_texts = {**CHARGE_LINES, TAX_LINE[0]: TAX_LINE[1]}
    charge_lines = [_write_line(sheet, code, text, charges.get(code, []),
                                plan.charges.get(code, zeros), budget.bridges)
                    for code, text in charge_texts.items()]
    budget.form_rows.update(zip(charge_texts, charge_lines))
    budget.line_68 = charge_lines[list(CHARGE_LINES).index("68")]
    charge_lines.append(_write_indirect(sheet))
    budget.charges_total = sheet.line(
        "", CHARGES_TOTAL, lambda y: sum_local(sheet, charge_lines, y),
        [money(c) for c in plan.charges_total], style="total")
    surplus_row = sheet.line("", SURPLUS, None, [money(c) for c in plan.budget_surplus],
                             style="line")
    in_kind_charges = _write_in_kind(sheet, details, budget, "86")
    charges_grand = sheet.line("", GRAND_TOTAL, None, [money(c + s + k) for c, s, k in zip(
        plan.charges_total, plan.budget_surplus, plan.in_kind.total)], style="total")
    sheet.name_block("budget_charges", first, charges_grand)

    sheet.row += 1
    first = sheet.section("PRODUITS")
    produits = grouped(_produit_entries(plan, details, funders))
    produit_lines = [_write_74(sheet, plan, details, funders, budget) if code == "74" else
                     _write_line(sheet, code, text, produits.get(code, []),
                                 plan.produits.get(code, zeros))
                     for code, text in PRODUIT_LINES.items()]
    budget.form_rows.update(zip(PRODUIT_LINES, produit_lines))
    # the own funders, by name, directly under the line (no sub-line of the form)
    own = _write_line(sheet, "", OWN_RESOURCES, [
        _Entry("", f.name, lambda y, n=f.name: funders.cell(n, y), f.amounts)
        for f in plan.charge_funding if f.type == "own"],
        plan.own_resources)
    budget.produits_total = sheet.line(
        "", PRODUITS_TOTAL, lambda y: sum_local(sheet, [*produit_lines, own], y),
        [money(p + o) for p, o in zip(plan.produits_total, plan.own_resources)],
        style="total")
    shortfall_row = sheet.line("", SHORTFALL, None,
                               [money(c) for c in plan.budget_shortfall], style="line")
    in_kind_produits = _write_in_kind(sheet, details, budget, "87")
    produits_grand = sheet.line("", GRAND_TOTAL, None, [
        money(p + o + s + k) for p, o, s, k in zip(
            plan.produits_total, plan.own_resources, plan.budget_shortfall,
            plan.in_kind.total)], style="total")
    sheet.name_block("budget_produits", first, produits_grand)
    budget.form_rows.update({
        "charges_total": budget.charges_total, "surplus": surplus_row, "86": in_kind_charges,
        "charges_grand": charges_grand, "own": own, "produits_total": budget.produits_total,
        "shortfall": shortfall_row, "87": in_kind_produits, "produits_grand": produits_grand})

    charges_cell, produits_cell = (lambda y, r=row: sheet.local(r, y)
                                   for row in (budget.charges_total, budget.produits_total))
    for y in range(1, years + 1):
        sheet.formula(sheet.local(surplus_row, y),
                      f"MAX(0,{produits_cell(y)}-{charges_cell(y)})",
                      money(plan.budget_surplus[y - 1]))
        sheet.formula(sheet.local(shortfall_row, y),
                      f"MAX(0,{charges_cell(y)}-{produits_cell(y)})",
                      money(plan.budget_shortfall[y - 1]))
        sheet.formula(sheet.local(charges_grand, y),
                      sum_local(sheet, [budget.charges_total, surplus_row, in_kind_charges], y),
                      money(plan.charges_total[y - 1] + plan.budget_surplus[y - 1]
                            + plan.in_kind.total[y - 1]))
        sheet.formula(sheet.local(produits_grand, y), sum_local(
            sheet, [budget.produits_total, shortfall_row, in_kind_produits], y),
            money(plan.produits_total[y - 1] + plan.own_resources[y - 1]
                  + plan.budget_shortfall[y - 1] + plan.in_kind.total[y - 1]))

    sheet.row += 1
    budget.result = sheet.line(
        "", "Résultat comptable (produits 70 à 79 − charges 60 à 69)",
        lambda y: f"{sum_local(sheet, produit_lines, y)}-{charges_cell(y)}",
        [money(c) for c in plan.result], style="total")
    budget.caf = sheet.line(
        "", "Capacité d'autofinancement (résultat + amortissements − 747)",
        lambda y: (f"{sheet.local(budget.result, y)}+{sheet.local(budget.line_68, y)}"
                   f"-{sheet.local(budget.release, y)}"),
        [money(c) for c in plan.caf], style="total")
    sheet.name_block("budget_resultat", budget.result, budget.result)
    sheet.name_block("budget_caf", budget.caf, budget.caf)
    sheet.row += 1
    _write_break_even(sheet, details, budget, produit_lines)
    for offset, text in enumerate(NOTES, start=sheet.row + 1):
        sheet.sheet.put(f"{LABEL_COLUMN}{offset}", text, font=NOTE_FONT)
    # the longest label of the form (747, with its indent) fits
    # a plan too long for one page wide (5 years) repeats the accounts and labels
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 7, LABEL_COLUMN: 80},
                 title_columns=2)
    return budget


def link_bridges(budget: Budget, financing: tuple[SheetWriter, int, int],
                 monthly: tuple[SheetWriter, int]) -> None:
    """Once « Trésorerie » is written: the Budget's bridging interest (6616) and fees
    (627) are the sums of the year's months there, and the Plan de financement's
    « Financements relais » the change of the facilities' balances from one December
    to the next (an increase a ressource, a decrease an emploi)."""
    month_sheet = monthly[0]
    rows = month_sheet.rows
    if not rows.get("bridge_balance"):
        return
    plan = budget.sheet.plan
    years = len(plan.years)

    def months(row_names: str, y: int) -> str:
        first, last = month_sheet.column(12 * y - 11), month_sheet.column(12 * y)
        prefix = f"{quote_sheet(month_sheet.name)}!"
        return "+".join(f"SUM({prefix}{first}{row}:{last}{row})"
                        for row in rows.get(row_names, ())) or "0"

    costs = _bridge_costs(plan)
    for code, row in budget.bridges.items():
        figure = "bridge_interest" if code == "6616" else "bridge_fees"
        for y in range(1, years + 1):
            budget.sheet.formula(budget.sheet.local(row, y), months(figure, y),
                                 money(costs[code][y - 1]))
    plan_sheet = financing[0]
    amounts = {row.code: row.amounts for row in plan.financing_rows}

    def december(y: int) -> str:
        if y == 0:
            return "0"
        return "(" + "+".join(month_sheet.ref(row, 12 * y)
                              for row in rows["bridge_balance"]) + ")"

    for code, sign in (("bridges", 1), ("bridges_repaid", -1)):
        row = plan_sheet.rows[code][0]
        for y in range(1, years + 1):
            now, before = december(y), december(y - 1)
            change = f"{now}-{before}" if sign > 0 else f"{before}-{now}"
            plan_sheet.formula(plan_sheet.local(row, y), f"MAX(0,{change})",
                               money(amounts[code][y - 1]))
