"""The « Trésorerie » sheet: the monthly cash plan of :mod:`finplan.model.cash`
(flows as values, balances as formulas); its December balances are linked into the
reconciliation under the financing plan (:func:`~finplan.io.sheets.plan.link_reconciliation`).
"""

from __future__ import annotations

from collections.abc import Callable

from finplan.io.grid import Book, CellRule, Expectations
from finplan.io.sheets.plan import link_reconciliation
from finplan.io.sheets.rows import (
    SheetWriter,
    money,
    sum_local,
)
from finplan.io.workbook_layout import (
    CODE_COLUMN,
    FIRST_OUTPUT_ROW,
    INPUT_SHEET,
    LABEL_COLUMN,
    InputLayout,
    absolute,
    quote_sheet,
)
from finplan.io.workbook_styles import (
    BOLD,
    KO_FILL,
    NOTE_FONT,
)
from finplan.model.case import Bridge, Case
from finplan.model.cash import month_label
from finplan.model.money import Cents, format_euros
from finplan.model.plan import PlanInternals


def write_monthly(book: Book, plan: PlanInternals, expected: Expectations,
                   financing: tuple[SheetWriter, int, int],
                   opening_cash: str = "p_tresorerie",
                   rate_of: Callable[[Bridge], str] | None = None
                   ) -> tuple[SheetWriter, int]:
    """The monthly cash plan: months as columns, the bridging facilities, the balance
    line and its chart; ``opening_cash``: the opening cash as a formula term,
    ``rate_of(bridge)``: the cell of a facility's annual rate (None: its value)."""
    cash = plan.monthly
    first_year = plan.years[0]
    labels = [month_label(month, first_year) for month in range(1, cash.months + 1)]
    sheet = SheetWriter(book, "monthly", plan, expected, period_labels=labels)
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
        """A section of flows by month (values) and its total line (formulas); each
        row kept as ``rows["<title>:<name>"]`` (the dossiers read the inflows)."""
        sheet.section(title)
        rows = [sheet.line("", name, None, [money(c) for c in row], total=False)
                for name, row in table.items()]
        for name, row in zip(table, rows):
            sheet.rows[f"{title}:{name}"] = [row]
        return sheet.line("", total_label, lambda m: sum_local(sheet, rows, m),
                          [money(sum(row[m] for row in table.values()))
                           for m in range(cash.months)], total=False, style="total")

    total_in = flows("ENCAISSEMENTS", cash.inflows, "Total des encaissements")
    total_out = flows("DÉCAISSEMENTS", cash.outflows, "Total des décaissements")
    effect = _write_bridges(sheet, plan, rate_of) if cash.bridges else None
    balance = sheet.line("", "Trésorerie de fin de mois",
                         lambda m: (f"{sheet.local(start, m)}+{sheet.local(total_in, m)}"
                                    f"-{sheet.local(total_out, m)}"
                                    + (f"+{sheet.local(effect, m)}" if effect else "")),
                         [money(c) for c in balances], total=False, style="total")
    end = sheet.row
    sheet.row = start
    sheet.line("", "Trésorerie de début de mois",
               lambda m: f"ROUND({opening_cash},2)" if m == 1 else sheet.local(balance, m - 1),
               [money(c) for c in opening], total=False)
    sheet.row = end + 1
    sheet.sheet.rules.append(CellRule(
        f"{sheet.column(1)}{balance}:{sheet.column(cash.months)}{balance}", "lessThan", "0",
        KO_FILL))
    low, month = cash.low
    if cash.bridging_need and cash.bridges:
        words = (f"Les financements relais prévus ne suffisent pas : il manque encore "
                 f"{format_euros(cash.bridging_need)}, au plus bas en "
                 f"{month_label(month, first_year)}.")
    elif cash.bridging_need:
        cause = (f" La cause principale est le versement tardif de « {cash.main_cause} »."
                 if cash.main_cause else "")
        words = (f"Besoin de financement relais : {format_euros(cash.bridging_need)}, au plus "
                 f"bas en {month_label(month, first_year)}.{cause} Un prêt relais ou une "
                 "avance remboursable sur subvention (France Active, fonds locaux) peut le "
                 "couvrir.")
    elif cash.bridges:
        words = (f"Avec les financements relais, la trésorerie reste positive (point bas : "
                 f"{format_euros(low)} en {month_label(month, first_year)}) ; leurs intérêts "
                 "et frais sont au Budget (66 et 627).")
    else:
        words = (f"Pas de besoin de financement relais : la trésorerie reste positive (point "
                 f"bas : {format_euros(low)} en {month_label(month, first_year)}).")
    notes = [plan.bridging_advice[-1]] if cash.bridges and plan.bridging_advice else []
    if cash.receivable_end:
        notes.append(f"Reste à recevoir des financeurs après la fin du plan : "
                     f"{format_euros(cash.receivable_end)} (versements prévus après "
                     f"{month_label(cash.months, first_year)}).")
    sheet.sheet.put(f"{LABEL_COLUMN}{sheet.row}", words, font=BOLD)
    for offset, text in enumerate(notes, start=1):
        sheet.sheet.put(f"{LABEL_COLUMN}{sheet.row + offset}", text, font=NOTE_FONT)
    sheet.name_block("tresorerie_mensuelle", start, balance,
                     sheet.first_year_column + cash.months - 1)
    sheet.row += max(3, len(notes) + 2)
    link_reconciliation(financing, sheet, balance)
    # printed half a year a page, the labels repeated on each page (a year a page would
    # take a scale below 70 %)
    sheet.period_width = 12
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 3, LABEL_COLUMN: 34},
                 breaks=[sheet.first_year_column + 6 * half - 1
                         for half in range(1, (cash.months + 5) // 6)],
                 title_columns=2)
    return sheet, balance


def rate_cells(layout: InputLayout, case: Case) -> Callable[[Bridge], str]:
    """``rate_of`` for :func:`write_monthly`: a facility's « Taux annuel » cell on
    « Hypothèses » (``layout`` may be a member's view of the collective's inputs)."""
    labels = [bridge.label for bridge in case.bridges]

    def rate_of(bridge: Bridge) -> str:
        cell = layout.cell("bridge", labels.index(bridge.label), "annual_rate")
        return f"{quote_sheet(INPUT_SHEET)}!{absolute(cell)}"
    return rate_of


def _write_bridges(sheet: SheetWriter, plan: PlanInternals,
                   rate_of: Callable[[Bridge], str] | None) -> int:
    """Each facility's draws, repayments and fees (the engine's, as values: it decides
    them month by month, :mod:`finplan.model.bridging`), its interest on last month's
    balance and its balance (formulas), and their effect on the cash; the rows of the
    interest, the fees and the balances are kept in ``sheet.rows`` for the Budget and
    the Plan de financement.  A facility without interest rate or fee has no row for
    them (a rate typed later makes the workbook stale until it is calculated again)."""
    cash = plan.monthly
    sheet.section("FINANCEMENTS RELAIS")
    effects = []
    for facility in cash.bridges:
        bridge = facility.bridge
        rate = rate_of(bridge) if rate_of else str(bridge.annual_rate)
        sheet.section(bridge.label)
        drawn = sheet.line("", "  tirages", None, [money(c) for c in facility.drawn],
                           total=False)
        repaid = sheet.line("", "  remboursements", None,
                            [money(c) for c in facility.repaid], total=False)
        costs = []
        balance = sheet.row + bool(bridge.annual_rate) + bool(bridge.fee)  # below them
        if bridge.annual_rate:
            costs.append(sheet.line(
                "", "  intérêts (66)", lambda m, b=balance, r=rate: (
                    f"ROUND({sheet.local(b, m - 1)}*{r}/12,2)" if m > 1 else "0"),
                [money(c) for c in facility.interest], total=False))
            sheet.rows.setdefault("bridge_interest", []).append(costs[-1])
        if bridge.fee:
            costs.append(sheet.line("", "  frais (627)", None,
                                    [money(c) for c in facility.fees], total=False))
            sheet.rows.setdefault("bridge_fees", []).append(costs[-1])
        sheet.line("", "  encours en fin de mois",
                   lambda m, d=drawn, p=repaid, b=balance: (
                       (f"{sheet.local(b, m - 1)}+" if m > 1 else "")
                       + f"{sheet.local(d, m)}-{sheet.local(p, m)}"),
                   [money(c) for c in facility.balance], total=False, style="line")
        sheet.rows.setdefault("bridge_balance", []).append(balance)
        effects.append((drawn, repaid, costs))
    monthly = [sum(facility.effect(t) for facility in cash.bridges)
               for t in range(1, cash.months + 1)]
    return sheet.line("", "Effet des relais sur la trésorerie",
                      lambda m: "+".join(f"{sheet.local(d, m)}-{sheet.local(p, m)}" + "".join(
                          f"-{sheet.local(cost, m)}" for cost in costs)
                          for d, p, costs in effects),
                      [money(c) for c in monthly], total=False, style="total")




