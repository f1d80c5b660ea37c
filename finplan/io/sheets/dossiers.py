"""The dossier sheets: one per funder a request is filed with (« Dossier Région… »),
what its form asks (:mod:`finplan.model.dossier`), every figure a formula over the
sheets it comes from — the amounts from Financeurs, the form's budget from Budget, the
payments from Trésorerie — so that a dossier never says other than the plan, even after
a reviewer changes an input.  Printed portrait, one page wide.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from finplan.io.grid import Align, Book, Expectations
from finplan.io.sheets.budget import Budget
from finplan.io.sheets.financeurs import Funders
from finplan.io.sheets.rows import SheetWriter, share, share_formula, sum_local
from finplan.io.workbook_layout import CODE_COLUMN, FIRST_OUTPUT_ROW, LABEL_COLUMN
from finplan.io.workbook_styles import EUROS, NOTE_FONT, PERCENT
from finplan.model.cash import MONTHS_FR
from finplan.model.dossier import Dossier, FunderLine, dossier_of, requesters
from finplan.model.plan import PlanInternals
from finplan.model.vocabulary import label

__all__ = ["dossier_titles", "euros_throughout", "write_dossiers"]

_MAX_TITLE = 31  # Excel's longest sheet name
_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\=|"})
PREFIX = "Dossier "
_RIGHT = Align(horizontal="right")  # not wrapped: a status fits its column
INFLOWS = "ENCAISSEMENTS"  # the section of Trésorerie whose rows the schedule reads


def _title(name: str, taken: set[str]) -> str:
    """« Dossier Région Nouvelle-Aquit… »: the funder's name in a sheet name (Excel's
    forbidden characters, « = » and « | » as « - », no sign at its head, 31 characters
    at most, a number when two funders would share one).

    >>> _title("Région Nouvelle-Aquitaine", set())
    'Dossier Région Nouvelle-Aquita…'
    >>> _title("État : DREETS", {"Dossier État - DREETS"})
    'Dossier État - DREETS 2'
    """
    # no sign a formula starts with at the head of the name (« +1+1 »): the title is
    # written in formulas that watch the sheet
    text = (PREFIX + name.translate(_FORBIDDEN).lstrip("=+-@ ")).strip("' ")
    for number in range(1, 1000):
        suffix = "" if number == 1 else f" {number}"
        room = _MAX_TITLE - len(suffix)
        title = (text if len(text) <= room else text[:room - 1] + "…") + suffix
        if title.casefold() not in {t.casefold() for t in taken}:
            return title
    raise ValueError("too many dossiers")


def dossier_titles(plan: PlanInternals) -> dict[str, str]:
    """The dossier sheets of a plan: funder (:func:`~finplan.model.dossier.requesters`)
    -> sheet name; none for a plan without requests."""
    titles: dict[str, str] = {}
    for name in requesters(plan):
        titles[name] = _title(name, set(titles.values()))
    return titles


def write_dossiers(book: Book, plan: PlanInternals, expected: Expectations, funders: Funders,
                   budget: Budget, monthly: tuple[SheetWriter, int]) -> list[str]:
    """Each funder's dossier sheet, in the order of the case; their names."""
    titles = dossier_titles(plan)
    for name, title in titles.items():
        _write_dossier(book, plan, expected, dossier_of(plan, name), title, funders,
                       budget, monthly[0])
    return list(titles.values())


def _requested(funders: Funders, name: str) -> Callable[[int], str]:
    """The amount requested from a funder line, by year, as a formula term: its
    « demandé » row on Financeurs when the plan retains other than it asked, else the
    amount."""
    row = funders.requested_rows.get(name, funders.funder_rows[name])
    return lambda y: funders.sheet.ref(row, y)


def _funder_line(sheet: SheetWriter, funders: Funders, line: FunderLine, text: str) -> int:
    """A funder line: what it requests (a formula), its status each year (as computed),
    what the plan retains when that differs; the row of the amount requested."""
    row = sheet.line("", text, _requested(funders, line.name),
                     list(line.requested))
    if any(status is not None for status in line.statuses):
        sheet.line("", "    statut de la demande", None,
                   ["—" if s is None else label("status", s) for s in line.statuses],
                   total=False)
    if line.name in funders.requested_rows:
        sheet.line("", "    retenu dans le plan", lambda y: funders.cell(line.name, y),
                   list(line.retained))
    return row


def _write_dossier(book: Book, plan: PlanInternals, expected: Expectations, dossier: Dossier,
                   title: str, funders: Funders, budget: Budget,
                   monthly: SheetWriter) -> None:
    sheet = SheetWriter(book, "budget", plan, expected, title=title)
    project, years = plan.case.project, len(plan.years)
    sheet.title(f"Dossier de demande — {dossier.funder}",
                f"{project.organisation} · {project.name} · ce que demande le formulaire "
                "(Cerfa n° 12156*06) ; chiffres tirés des feuilles Financeurs, Budget et "
                "Trésorerie")
    sheet.header("Montants en euros")
    sheet.section("La demande")
    rows = []
    for line in dossier.requests:
        text = line.name if line.in_budget else f"{line.name} (hors budget : {line.need})"
        rows.append((line, _funder_line(sheet, funders, line, text)))
    if len(rows) > 1:
        sheet.line("", "Total demandé", lambda y: sum_local(sheet, [r for _, r in rows], y),
                   list(dossier.requested), style="total")
    counted = [row for line, row in rows if line.in_budget]
    charges = budget.form_rows["charges_total"]

    share_row = sheet.line(
        "", "Part du budget de l'action (montants demandés / total des charges)",
        lambda y: share_formula(sum_local(sheet, counted, y), budget.sheet.ref(charges, y)),
        [share(s) for s in dossier.share], total=False, number_format=PERCENT)
    sheet.formula(f"{sheet.total_column}{share_row}", share_formula(
        "+".join(f"{sheet.total_column}{r}" for r in counted) or "0",
        budget.sheet.ref(charges, years + 1)), share(dossier.share_total), PERCENT)

    sheet.row += 1
    sheet.section("Budget prévisionnel de l'action (formulaire Cerfa n° 12156*06)")
    for section, lines in (("CHARGES", dossier.charges), ("PRODUITS", dossier.produits)):
        sheet.section(section)
        for line in lines:
            row = budget.form_rows[line.key]
            sheet.line(line.code, ("    " if line.kind == "sub" else "") + line.label,
                       lambda y, r=row: budget.sheet.ref(r, y),
                       list(line.amounts),
                       style="total" if line.kind == "total" else "detail")

    sheet.row += 1
    sheet.section("Autres financeurs (montant demandé et état de chaque demande)")
    for other in dossier.co_funders:
        _funder_line(sheet, funders, other, other.name)
    if not dossier.co_funders:
        sheet.sheet.put(f"{LABEL_COLUMN}{sheet.row}", "Aucun autre financeur.")
        sheet.row += 1

    sheet.row += 1
    _write_schedule(sheet, plan, dossier, monthly, funders)
    sheet.sheet.put(f"{LABEL_COLUMN}{sheet.row + 1}",
                    "Montants demandés : ceux que finplan répartit selon la règle de chaque "
                    "financeur (Financeurs) ; la part du budget ne compte que les lignes qui "
                    "paient des charges du budget (pas l'investissement).", font=NOTE_FONT)
    euros_throughout(sheet)
    sheet.finish(sheet.local(FIRST_OUTPUT_ROW, 1), {CODE_COLUMN: 6, LABEL_COLUMN: 60},
                 title_columns=2)
    sheet.sheet.page.landscape = False


def euros_throughout(sheet: SheetWriter) -> None:
    """The amount columns in euros and to the right (the statuses under the amounts)
    from the first line to the last, empty cells and texts included: one block of one
    look (the Excel button sets a look a block at a time), but for the share of the
    budget's format."""
    first = sheet.first_year_column
    for row in range(FIRST_OUTPUT_ROW, sheet.row):
        for column in range(first, first + sheet.years + 1):
            sheet.sheet.set((row, column), align=_RIGHT)
            if sheet.sheet.style((row, column)).number_format != PERCENT:
                sheet.sheet.set((row, column), number_format=EUROS)


def _write_schedule(sheet: SheetWriter, plan: PlanInternals, dossier: Dossier,
                    monthly: SheetWriter, funders: Funders) -> None:
    """The payments the plan's monthly cash expects from the funder's lines, a month a
    row and a year a column (Trésorerie's cells), their total, and what falls outside
    the plan's months (the total retained less the payments)."""
    sheet.section(f"Versements attendus de {dossier.funder} (Trésorerie)")
    inflows = [monthly.rows[f"{INFLOWS}:{line.name}"][0] for line in dossier.requests
               if f"{INFLOWS}:{line.name}" in monthly.rows]
    paid = [[Decimal("0.00")] * len(plan.years) for _ in range(12)]
    for month, amount in dossier.payments:  # month by month, as the dossier has them
        paid[(month - 1) % 12][(month - 1) // 12] = amount
    month_rows = []
    for m, month in enumerate(MONTHS_FR):
        def cell(y: int, m: int = m) -> str:
            terms = [monthly.ref(row, 12 * (y - 1) + m + 1) for row in inflows]
            return "+".join(terms) or "0"
        month_rows.append(sheet.line("", month, cell, paid[m]))
    total = sheet.line("", "Total versé dans l'année",
                       lambda y: sum_local(sheet, month_rows, y),
                       [sum(paid[m][y] for m in range(12))
                        for y in range(len(plan.years))], style="total")
    outside = sheet.row
    sheet.sheet.put(f"{LABEL_COLUMN}{outside}",
                    "Hors de la période du plan (versé après sa fin, ou reçu avant son début)")
    retained = "+".join(_retained_total(funders, line.name) for line in dossier.requests)
    sheet.formula(f"{sheet.total_column}{outside}",
                  f"{retained}-{sheet.total_column}{total}", dossier.outside)
    sheet.row += 1


def _retained_total(funders: Funders, name: str) -> str:
    """What a funder line pays over the plan: its « Total » on Financeurs."""
    row = funders.funder_rows[name]
    return funders.sheet.ref(row, funders.sheet.years + 1)
