"""The « Contrôles » sheet: each check of :mod:`finplan.model.checks` with a
formula recomputing its status, the freshness check and the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from finplan.io.cells import column_index
from finplan.io.grid import Book, CellRule, Expectations
from finplan.io.result_watch import results_check
from finplan.io.sheets.calculs import Details
from finplan.io.sheets.financeurs import Funders
from finplan.io.sheets.rows import (
    SheetWriter,
    hyp,
    money,
)
from finplan.io.workbook_layout import (
    CHECK_COLUMNS,
    FIRST_OUTPUT_ROW,
    HEADER_ROW,
    TITLE_ROWS,
    absolute,
    quote_sheet,
)
from finplan.io.workbook_print import (
    calculation_date,
    fit_texts,
    fit_width,
    print_setup,
    widen_for_words,
)
from finplan.io.workbook_snapshot import FRESH_NAME
from finplan.io.workbook_styles import (
    BOLD,
    HEADER_FILL,
    HEADER_FONT,
    KO_FILL,
    NOTE_FONT,
    OK_FILL,
    WARN_FILL,
    WRAP,
)
from finplan.model.plan import PlanInternals

STATUS = {"ok": "OK", "error": "À revoir", "warning": "Attention"}

class CheckSources(NamedTuple):
    """The sheets one plan's checks watch (a collective: each member's)."""

    plan: PlanInternals
    funders: Funders
    details: Details
    financing: tuple[SheetWriter, int, int]
    monthly: tuple[SheetWriter, int]


_CHECK_LABELS = {
    "balanced": "Besoin entièrement financé",
    "caps": "Plafonds des financeurs respectés",
    "public_share": "Part publique dans la limite fixée",
    "cash": "Trésorerie positive en fin d'année",
    "cash_monthly": "Trésorerie positive à chaque fin de mois",
    "fixed_honoured": "Montants fixes versés en entier (avertissement)",
}


def write_checks(book: Book, plan: PlanInternals, funders: Funders, details: Details,
                  financing: tuple[SheetWriter, int, int], monthly: tuple[SheetWriter, int],
                  expected: Expectations, notes: Sequence[str],
                  text_cells: Sequence[str] = (),
                  members: Sequence[tuple[str, CheckSources]] = (),
                  results: Sequence[str] = ()) -> None:
    """Each check, its status a formula over the sheets it watches; a collective's
    ``members`` (id, that member's sheets): each member's checks over its own; then the
    workbook's own checks (:func:`write_workbook_checks`) over the result sheets
    ``results``."""
    sheet = SheetWriter(book, "checks", plan, expected)
    ws = sheet.sheet
    sheet.title("Contrôles", "Le statut est recalculé par les formules ; le message est "
                "celui du dernier calcul finplan.")
    headers = {"id": "N°", "description": "Contrôle", "status": "Statut",
               "message": "Message", "value": "Valeur contrôlée"}
    for key, text in headers.items():
        ws.put(f"{CHECK_COLUMNS[key]}{HEADER_ROW}", text, fill=HEADER_FILL, font=HEADER_FONT)
    column = CHECK_COLUMNS
    years = len(plan.years)
    case = plan.case
    row = FIRST_OUTPUT_ROW
    groups = [(check, sources) for member, sources in members
              for check in plan.check_results if check.member == member] or [
        (check, CheckSources(plan, funders, details, financing, monthly))
        for check in plan.check_results]
    for check, (own, funders, details, financing, monthly) in groups:
        fund = funders.sheet
        cash_sheet, cash_row, _ = financing
        labels = {n.need.id: n.need.label for n in own.need_results}
        family, _, need_id = check.id.partition(".")
        status_ok = STATUS["ok"]
        status_ko = STATUS["warning" if check.severity == "warning" else "error"]
        conditions: list[str] = []
        watched: tuple[str, Any] | None = None
        if family == "balanced":
            unfunded = funders.unfunded_rows[need_id]
            span = f"{quote_sheet(fund.name)}!{fund.span(unfunded)}"
            conditions = [f"MAX({span})<0.005"]
            need = next(n for n in own.need_results if n.need.id == need_id)
            watched = (f"MAX({span})", money(max(need.unfunded)))
        elif family == "public_share":
            public_row, ceiling_row = funders.public_rows[need_id]
            conditions = [f"{fund.ref(public_row, y)}<={fund.ref(ceiling_row, y)}+0.005"
                          for y in range(1, years + 1)]
        elif family == "cash":
            span = f"{quote_sheet(cash_sheet.name)}!{cash_sheet.span(cash_row)}"
            conditions = [f"MIN({span})>=-0.005"]
            watched = (f"MIN({span})", money(min(own.cash_end)))
        elif family == "cash_monthly":
            month_sheet, balance_row = monthly
            span = f"{quote_sheet(month_sheet.name)}!{month_sheet.span(balance_row)}"
            conditions = [f"MIN({span})>=-0.005"]
            watched = (f"MIN({span})", money(own.monthly.low[0]))
        elif family == "caps":
            conditions = _nothing_in(details.sheet, details.cap_excess)
        elif family == "fixed_honoured":
            conditions = _nothing_in(details.sheet, details.fixed_shortfall)
        # a reviewer reads a number and a French label, not the engine's identifier
        ws.put(f"{column['id']}{row}", row - FIRST_OUTPUT_ROW + 1)
        ws.put(f"{column['description']}{row}", _CHECK_LABELS[family] + (
            f" : {labels[need_id]}" if need_id else "") + (
            f" — {own.case.project.organisation}" if members else ""))
        expected_status = status_ok if check.ok else status_ko
        status_cell = f"{column['status']}{row}"
        if conditions:
            sheet.formula(status_cell, f'IF(AND({",".join(conditions)}),"{status_ok}",'
                          f'"{status_ko}")', expected_status, "General")
        else:
            ws.put(status_cell, expected_status)
        ws.put(f"{column['message']}{row}", check.message, align=WRAP)
        if watched:
            sheet.formula(f"{column['value']}{row}", *watched)
        row += 1
    row = write_workbook_checks(sheet, row, results,
                                [financing, *(sources.financing for _, sources in members)])
    write_freshness_check(sheet, row)
    if text_cells:
        row += 1
        write_text_check(sheet, row, text_cells)
    last = row
    statuses = f"{column['status']}{FIRST_OUTPUT_ROW}:{column['status']}{last}"
    for status, fill in (("ok", OK_FILL), ("error", KO_FILL), ("warning", WARN_FILL)):
        ws.rules.append(CellRule(statuses, "equal", f'"{STATUS[status]}"', fill))
    verdict = last + 2
    verdict_cell = f"{column['status']}{verdict}"
    ws.put(f"{column['description']}{verdict}", "Verdict", font=BOLD)
    # a status showing an error (#VALUE!…) is « À revoir » too: COUNTIF skips errors
    sheet.formula(verdict_cell, f'IF(AND(COUNTIF({statuses},"{STATUS["error"]}")=0,'
                  f'SUMPRODUCT(--ISERROR({statuses}))=0),"Plan validé","Plan à revoir")',
                  "Plan validé" if plan.ok and not text_cells else "Plan à revoir",
                  "General")
    ws.set(verdict_cell, font=BOLD)
    remarks = [f"Avertissement : {text}" for text in plan.warnings]
    remarks += [f"Saisie : {text}" for text in notes]
    for offset, text in enumerate(remarks):
        remark_cell = f"{column['description']}{verdict + 2 + offset}"
        ws.put(remark_cell, text, font=NOTE_FONT)
    book.names["controles"] = (f"{quote_sheet(sheet.name)}!${column['id']}${FIRST_OUTPUT_ROW}:"
                               f"${column['value']}${last}")
    book.names["controles_verdict"] = f"{quote_sheet(sheet.name)}!{absolute(verdict_cell)}"
    project = case.project
    print_setup(ws, project.organisation, project.name,
                title_rows=TITLE_ROWS, dated=calculation_date())
    ws.freeze = f"{column['id']}{FIRST_OUTPUT_ROW}"
    for key, width in {"id": 5, "description": 46, "status": 10, "message": 64,
                       "value": 16}.items():
        ws.widths[column_index(column[key])] = width
    widen_for_words(ws)
    fit_texts(ws, fit_width(ws))


RESULTS_CHECK = "Résultats tels que finplan les a calculés (aucun montant tapé par-dessus)"
RECONCILIATION_CHECK = "Trésorerie mensuelle et plan de financement concordants"


def write_workbook_checks(sheet: SheetWriter, row: int, watched: Sequence[str],
                          financings: Sequence[tuple[SheetWriter, int, int]]) -> int:
    """The checks of the workbook itself, true when finplan writes it and watched by
    formulas afterwards: no result sheet ``watched`` typed over (its banner says so,
    :mod:`finplan.io.result_watch`), and each Trésorerie's December balances equal to
    the financing plan's year-end cash (« écart » row of the reconciliation on the
    Plan de financement).  The row after them."""
    gaps = []
    for plan_sheet, _, _ in financings:
        for gap in plan_sheet.rows.get("reconciliation_gap", []):
            span = f"{quote_sheet(plan_sheet.name)}!{plan_sheet.span(gap)}"
            gaps.append(f"MAX({span})<0.005,MIN({span})>-0.005")
    checks = [(RESULTS_CHECK, results_check(watched) if watched else "",
               "Si « À revoir » : un montant a été tapé à la place d'un résultat (ou une "
               "formule remplacée par un nombre) sur une feuille qui le signale en haut ; "
               "cliquez sur « Calculer le plan » ou lancez finplan fill pour rétablir les "
               "résultats."),
              (RECONCILIATION_CHECK, f"AND({','.join(gaps)})" if gaps else "",
               "Si « À revoir » : la trésorerie de fin de décembre (Trésorerie) ne rejoint "
               "plus celle du plan de financement (voir le rapprochement sous le plan de "
               "financement) ; relancez le calcul.")]
    for label, condition, message in checks:
        if condition:
            _check_row(sheet, row, label, f'IF(IFERROR({condition},FALSE),"{STATUS["ok"]}",'
                       f'"{STATUS["error"]}")', STATUS["ok"], message)
            row += 1
    return row


def _check_row(sheet: SheetWriter, row: int, label: str, status: str, expected: str,
               message: str) -> None:
    """A check of the workbook on row ``row``: its number, ``label``, the ``status``
    formula (``expected`` when finplan writes it) and ``message``."""
    column, ws = CHECK_COLUMNS, sheet.sheet
    ws.put(f"{column['id']}{row}", row - FIRST_OUTPUT_ROW + 1)
    ws.put(f"{column['description']}{row}", label)
    sheet.formula(f"{column['status']}{row}", status, expected, "General")
    ws.put(f"{column['message']}{row}", message, align=WRAP)


FRESHNESS_CHECK = "Résultats calculés à partir des hypothèses actuelles"


def write_freshness_check(sheet: SheetWriter, row: int) -> None:
    """The check that the results were computed from the current inputs: « À revoir »
    (so the verdict too) the moment an input differs from what finplan read."""
    _check_row(sheet, row, FRESHNESS_CHECK,
               f'IF({FRESH_NAME},"{STATUS["ok"]}","{STATUS["error"]}")', STATUS["ok"],
               "Si « À revoir » : les hypothèses ont changé depuis le dernier calcul ; "
               "cliquez sur « Calculer le plan » ou lancez finplan fill.")


TEXT_CHECK = "Nombres saisis comme des nombres (pas comme du texte)"
MAX_TEXT_CELLS = 200  # cells the check's formula names (about 25 characters each)


def write_text_check(sheet: SheetWriter, row: int, cells: Sequence[str]) -> None:
    """The check that no number of the inputs is typed as text: finplan reads « 3,7 »
    typed as text, the workbook's formulas cannot; « À revoir » until each of those
    cells holds a number."""
    tests = ",".join(f"ISTEXT({hyp(cell)})" for cell in cells[:MAX_TEXT_CELLS])
    shown = ", ".join(cells[:10]) + ("…" if len(cells) > 10 else "")
    _check_row(sheet, row, TEXT_CHECK,
               f'IF(OR({tests}),"{STATUS["error"]}","{STATUS["ok"]}")', STATUS["error"],
               f"Des nombres sont saisis comme du texte dans la feuille Hypothèses ({shown}) "
               ": finplan les a lus, mais les formules du classeur ne le peuvent pas. "
               "Ressaisissez-les comme des nombres, puis relancez le calcul.")


def _nothing_in(sheet: SheetWriter, rows: Sequence[int]) -> list[str]:
    """The condition « every year cell of ``rows`` (consecutive rows of ``sheet``) is
    0 »: one formula whatever the number of rows (none: no condition)."""
    if not rows:
        return []
    span = f"{sheet.column(1)}{rows[0]}:{sheet.column(sheet.years)}{rows[-1]}"
    return [f"MAX({quote_sheet(sheet.name)}!{span})<0.005"]
