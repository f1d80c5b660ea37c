"""The « Financeurs » sheet: each funder's amount by need (the allocation of
:mod:`finplan.model.allocation`, written as values) and, as formulas, the unfunded
part, the surplus of per-FTE aids, the public share and its ceiling.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from finplan.io.cells import column_index
from finplan.io.cells import column_letter as get_column_letter
from finplan.io.grid import Book, Expectations
from finplan.io.sheets.calculs import Details
from finplan.io.sheets.rows import (
    SheetWriter,
    hyp,
    money,
    sum_local,
)
from finplan.io.workbook_layout import (
    CODE_COLUMN,
    FIRST_OUTPUT_ROW,
    FUNDER_FIRST_YEAR_COLUMN,
    FUNDER_RULE_COLUMN,
    FUNDER_TYPE_COLUMN,
    LABEL_COLUMN,
    InputLayout,
)
from finplan.io.workbook_styles import HEADER_FILL, HEADER_FONT, PERCENT, RIGHT, WRAP
from finplan.model.funders import takes_the_rest
from finplan.model.plan import NeedResult, PlanInternals
from finplan.model.vocabulary import label
from finplan.report import LEFT_TO_OPERATING, LIMIT_WORDS


class Funders:
    """Rows of the Financeurs sheet."""

    def __init__(self, sheet: SheetWriter) -> None:
        self.sheet = sheet
        self.funder_rows: dict[str, int] = {}
        self.need_rows: dict[str, int] = {}
        self.unfunded_rows: dict[str, int] = {}
        self.left_rows: dict[str, int] = {}  # earmarked needs: what stays operating
        self.surplus_rows: dict[str, int] = {}
        self.public_rows: dict[str, tuple[int, int]] = {}  # public, ceiling
        self.mix_rows: list[int] = []
        self.requested_rows: dict[str, int] = {}  # a decided request: its « demandé » row

    def cell(self, name: str, y: int) -> str:
        return self.sheet.ref(self.funder_rows[name], y)


def write_funders(book: Book, plan: PlanInternals, expected: Expectations) -> Funders:
    sheet = SheetWriter(book, "funders", plan, expected, FUNDER_FIRST_YEAR_COLUMN)
    years = len(plan.years)
    basis = plan.case.project.basis
    sheet.title("Financeurs", "Montants répartis par finplan selon les règles de chaque "
                "financeur ; part de chaque besoin et ce qui a limité chaque montant."
                + ("" if basis == "demande" else f" Base du calcul : « {label('basis', basis)} "
                   "» : « Limité par » donne le statut de chaque demande, la ligne « "
                   "demandé » son montant demandé."))
    limits_first = FUNDER_FIRST_YEAR_COLUMN + years + 2
    sheet.header("Financeur", extra=("Total", "Part du besoin",
                                     *[f"Limité par ({year})" for year in plan.years]),
                 before=("Type", "Règle"))
    funders = Funders(sheet)
    first = sheet.row
    for need in plan.need_results:
        need_id = need.need.id
        funders.need_rows[need_id] = sheet.line("", f"Besoin : {need.need.label}", None,
                                                [money(c) for c in need.amounts],
                                                style="line")
        for funding in need.funding:
            row = sheet.line("", funding.name, None, [money(c) for c in funding.amounts])
            funders.funder_rows[funding.name] = row
            sheet.sheet.put(f"{FUNDER_TYPE_COLUMN}{row}", label("type", funding.type))
            sheet.sheet.put(f"{FUNDER_RULE_COLUMN}{row}", label("rule", funding.funder.rule))
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
                if funding.decided:  # its decision gave the amount (spec §7)
                    words = label("status", funding.statuses()[y - 1])
                sheet.sheet.put(f"{get_column_letter(limits_first + y - 1)}{row}", words)
            if funding.decided:
                funders.requested_rows[funding.name] = sheet.line(
                    "", "   demandé", None, [money(c) for c in funding.requested_amounts])
        if need.need.is_earmarked:
            funders.left_rows[need_id] = sheet.line(
                "", LEFT_TO_OPERATING, None, [money(c) for c in need.to_operating],
                style="total")
        else:
            funders.unfunded_rows[need_id] = sheet.line(
                "", "Non financé", None, [money(c) for c in need.unfunded], style="total")
        decided = any(f.decided for f in need.funding) and any(need.surplus)
        if decided or any(f.funder.rule == "per_fte" for f in need.funding):
            funders.surplus_rows[need_id] = sheet.line(
                "", "Excédent (montants décidés au-delà du besoin)" if decided
                else "Excédent (aides par ETP au-delà du besoin)", None,
                [money(c) for c in need.surplus])
        if need.need.max_public_share is not None:
            funders.public_rows[need_id] = (
                sheet.line("", "Financements publics", None, [money(c) for c in need.public]),
                sheet.line("", "Plafond de la part publique", None,
                           [money(c or 0) for c in need.ceilings]))
        sheet.row += 1
    sheet.name_block("financeurs_tableau", first - 1, sheet.row - 2,
                     limits_first + years - 1)
    if plan.gaps:
        _write_gaps(funders, plan)
    return funders


def _write_gaps(funders: Funders, plan: PlanInternals) -> None:
    """What refused and reduced requests leave and who takes it
    (:mod:`finplan.model.gaps`): each request's « demandé − retenu » and their total as
    formulas over the rows above; what the other funders take, what stays unfunded
    and how the need changed, as the engine computed them (the plan as requested is
    not on the sheet); then the same in words."""
    sheet = funders.sheet
    sheet.section("Écarts avec les demandes (montant demandé − montant retenu)")
    for gap in plan.gaps:
        sheet.line("", f"Besoin : {gap.label}", None, [None] * sheet.years, total=False,
                   style="line")
        rows = []
        for name, asked, got in gap.requests:
            asked_row, got_row = funders.requested_rows[name], funders.funder_rows[name]
            rows.append(sheet.line(
                "", name, lambda y, a=asked_row, g=got_row: (
                    f"{sheet.local(a, y)}-{sheet.local(g, y)}"),
                [money(a - g) for a, g in zip(asked, got)]))
        sheet.line("", "Écart total", lambda y, r=tuple(rows): sum_local(sheet, r, y),
                   [money(c) for c in gap.gap], style="total")
        for name, more in gap.taken:
            sheet.line("", f"   repris par {name}", None, [money(c) for c in more])
        for words, values in (("non financé en plus", gap.unfunded),
                              ("besoin en plus", gap.need_change),
                              ("excédent en plus", gap.surplus_change)):
            if any(values):
                sheet.line("", f"   {words}", None, [money(c) for c in values])
    for text in plan.gap_advice:
        sheet.sheet.put(f"{LABEL_COLUMN}{sheet.row}", text, align=WRAP)
        sheet.row += 1
    sheet.row += 1


def _link_rest(sheet: SheetWriter, funders: Funders, need: NeedResult) -> None:
    """The funder that takes the rest of its need (own funds, often), as the formula it
    is: « besoin − autres financements » (:func:`finplan.model.funders.takes_the_rest`)."""
    need_funders = [f.funder for f in need.funding]
    for funding in need.funding:
        if funding.decided or not takes_the_rest(funding.funder, need_funders,
                                                 need.need.max_public_share is not None):
            continue
        others = [f for f in need.funding if f is not funding]
        rows = [funders.funder_rows[f.name] for f in others]
        need_row = funders.need_rows[need.need.id]
        for y in range(1, sheet.years + 1):
            rest = max(0, need.amounts[y - 1] - sum(f.amounts[y - 1] for f in others))
            if rest != funding.amounts[y - 1]:  # the rule above says it cannot differ
                raise AssertionError(f"{funding.name}: {rest} != {funding.amounts[y - 1]}")
            sheet.formula(sheet.local(funders.funder_rows[funding.name], y),
                          f"MAX(0,{sheet.local(need_row, y)}-{sum_local(sheet, rows, y)})",
                          money(rest))


def _link_per_fte(funders: Funders, details: Details, need: NeedResult) -> None:
    """A ``per_fte`` funder pays its offer (the allocation never limits it): its amounts
    are the offer's cells on Calculs (« Aide par ETP demandée »)."""
    sheet = funders.sheet
    for funding in need.funding:
        row = details.per_fte.get(funding.name)
        if funding.funder.rule != "per_fte" or funding.decided or row is None:
            continue
        for y, amount in enumerate(funding.amounts, start=1):
            sheet.formula(sheet.local(funders.funder_rows[funding.name], y),
                          details.sheet.ref(row, y), money(amount))


def link_funders(funders: Funders, details: Details, plan: PlanInternals,
                  layout: InputLayout) -> None:
    """Formulas of the Financeurs sheet that refer to the Calculs sheet."""
    sheet, calc = funders.sheet, details.sheet
    years = len(plan.years)
    custom = [n.id for n in plan.case.needs if n.is_custom]
    for need in plan.need_results:
        need_id = need.need.id
        funder_rows = [funders.funder_rows[f.name] for f in need.funding]
        _link_per_fte(funders, details, need)
        _link_rest(sheet, funders, need)
        for y in range(1, years + 1):
            sheet.formula(sheet.local(funders.need_rows[need_id], y),
                          calc.ref(details.needs[need_id], y), money(need.amounts[y - 1]))
            paid = sum_local(sheet, funder_rows, y)
            left, value = ((funders.left_rows[need_id], need.to_operating)
                           if need.need.is_earmarked
                           else (funders.unfunded_rows[need_id], need.unfunded))
            sheet.formula(sheet.local(left, y),
                          f"MAX(0,{sheet.local(funders.need_rows[need_id], y)}-({paid}))",
                          money(value[y - 1]))
            if need_id in funders.surplus_rows:
                sheet.formula(sheet.local(funders.surplus_rows[need_id], y),
                              f"MAX(0,({paid})-{sheet.local(funders.need_rows[need_id], y)})",
                              money(need.surplus[y - 1]))
            if need_id in funders.public_rows:
                public_row, ceiling_row = funders.public_rows[need_id]
                public = [funders.funder_rows[f.name] for f in need.funding
                          if f.type == "public"]
                sheet.formula(sheet.local(public_row, y), sum_local(sheet, public, y),
                              money(need.public[y - 1]))
                if need_id in custom:
                    share = hyp(layout.cell("need", custom.index(need_id),
                                             "max_public_share"))
                else:
                    share = ("plafond_public_fonct" if need_id == "operating"
                             else "plafond_public_invest")
                sheet.formula(sheet.local(ceiling_row, y),
                              f"ROUND({share}*{sheet.local(funders.need_rows[need_id], y)},2)",
                              money(need.ceilings[y - 1] or 0))
    write_mix(funders, details, plan)


def link_members_funders(funders: Funders, members: Sequence[Funders],
                         details: Details, plan: PlanInternals) -> None:
    """A collective's Financeurs: each funder's amounts those of its member's sheet,
    each need's rows (amount, unfunded or left, surplus, public share and ceiling) the
    sum of its members' (each member's need is its own: a member's surplus does not
    fund another's need), then the funding mix."""
    sheet, years = funders.sheet, len(plan.years)
    sources = {name: (own, row) for own in members for name, row in own.funder_rows.items()}
    for need in plan.need_results:
        need_id = need.need.id
        for funding in need.funding:
            own, row = sources[funding.name]
            for y in range(1, years + 1):
                sheet.formula(sheet.local(funders.funder_rows[funding.name], y),
                              own.sheet.ref(row, y), money(funding.amounts[y - 1]))
        figures = {"need": need.amounts,
                   "left": need.to_operating if need.need.is_earmarked else need.unfunded,
                   "surplus": need.surplus, "public": need.public,
                   "ceiling": [c or 0 for c in need.ceilings]}
        for figure, amounts in figures.items():
            row = _need_rows(funders, need.need.is_earmarked)[figure].get(need_id)
            if row is None:
                continue
            places = [(own.sheet, found) for own in members if (found := _need_rows(
                own, need.need.is_earmarked)[figure].get(need_id)) is not None]
            for y in range(1, years + 1):
                sheet.formula(sheet.local(row, y), "+".join(
                    own.ref(found, y) for own, found in places) or "0",
                    money(amounts[y - 1]))
    write_mix(funders, details, plan)


def _need_rows(funders: Funders, earmarked: bool) -> dict[str, dict[str, int]]:
    """The rows of each need's figures on a Financeurs sheet, by figure."""
    return {"need": funders.need_rows,
            "left": funders.left_rows if earmarked else funders.unfunded_rows,
            "surplus": funders.surplus_rows,
            "public": {need: rows[0] for need, rows in funders.public_rows.items()},
            "ceiling": {need: rows[1] for need, rows in funders.public_rows.items()}}


def write_mix(funders: Funders, details: Details, plan: PlanInternals) -> None:
    """The funding mix, for the chart (Graphiques): a table of its own, its years in the
    columns of the funders' years above (a printed page repeats the funders' header:
    each figure stands under its own year), its labels just left of them (column D:
    the Excel button makes the chart from that one block, names first)."""
    sheet, calc, years = funders.sheet, details.sheet, len(plan.years)
    sheet.row += 1
    mix_title = sheet.section("Répartition des ressources par année (graphique)")
    header = sheet.row
    sheet.sheet.put(f"{FUNDER_RULE_COLUMN}{header}", "Ressources")
    for y in range(1, years + 1):
        sheet.formula(f"{get_column_letter(FUNDER_FIRST_YEAR_COLUMN + y - 1)}{header}",
                      f"p_annee1+{y - 1}" if y > 1 else "p_annee1", plan.years[y - 1], "0")
    sheet.sheet.put(f"{get_column_letter(FUNDER_FIRST_YEAR_COLUMN + years)}{header}", "Total")
    for column in range(column_index(FUNDER_RULE_COLUMN), FUNDER_FIRST_YEAR_COLUMN + years + 1):
        sheet.sheet.set((header, column), fill=HEADER_FILL, font=HEADER_FONT,
                        align=RIGHT if column >= FUNDER_FIRST_YEAR_COLUMN else WRAP)
    sheet.row += 1
    by_type = {kind: [funders.funder_rows[f.name] for f in plan.funder_results
                      if f.type == kind] for kind in ("public", "private", "own")}
    rows = [sheet.line("", "Recettes propres", lambda y: calc.ref(details.own_revenue, y),
                       [money(c) for c in plan.own_revenue])]
    for kind, text in (("public", "Financements publics"), ("private", "Aides privées"),
                       ("own", "Fonds propres de la structure")):
        totals = [sum(f.amounts[y] for f in plan.funder_results if f.type == kind)
                  for y in range(years)]
        rows.append(sheet.line("", text, lambda y, r=by_type[kind]: sum_local(sheet, r, y),
                               [money(c) for c in totals]))
    for row in rows:  # the labels next to the figures (see above)
        sheet.sheet.put(f"{FUNDER_RULE_COLUMN}{row}", sheet.sheet.value(f"{LABEL_COLUMN}{row}"))
        sheet.sheet.put(f"{LABEL_COLUMN}{row}", None)
    funders.mix_rows = rows
    sheet.name_block("financeurs_repartition", mix_title, rows[-1],
                     FUNDER_FIRST_YEAR_COLUMN + years)
    share_column = FUNDER_FIRST_YEAR_COLUMN + years + 1
    widths = {CODE_COLUMN: 3, LABEL_COLUMN: 40, FUNDER_TYPE_COLUMN: 14, FUNDER_RULE_COLUMN: 20,
              get_column_letter(share_column): 10}
    widths.update({get_column_letter(share_column + 1 + k): 24 for k in range(years)})
    # printed in two parts, the funders' names repeated: the amounts, then the reasons
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), widths, breaks=[share_column],
                 title_columns=2)
