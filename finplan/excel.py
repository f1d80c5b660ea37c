"""Excel front door through xlwings: the « Calculer le plan » button and the
worksheet functions.

:func:`calculer` takes an ``xlwings.Book`` — a desktop workbook (RunPython,
the finplan add-in) or the JSON book of xlwings Lite / Server — and does the
same as ``finplan fill``: read the ``Hypothèses`` sheet, compute, write every
output sheet with the look ``fill`` gives it.  It first refuses, before writing
anything, what ``fill`` refuses (a cell or a chart a user added to a result
sheet).  The values take one bulk write per sheet (:data:`MAX_CALLS` writes and
messages, whatever the number of lines, and one more for each sheet of a
collective's member or funder's dossier); the look one call per rectangle of each
part of a look, a number that depends on the sheets' structure (about 900 for the
example, its four dossiers included), not on the number of expense lines.
Through xlwings Lite or the remote engine all of it is one exchange.

The worksheet functions are plain Python functions calling the engine; the
modules :mod:`finplan.excel_desktop` and :mod:`finplan.excel_lite` only
decorate them for xlwings.

>>> aide_poste("ACI", 2025, 2)
47842.0
>>> repartir(1000, [1, 1, 2], [100, None, None])
[[100.0], [300.0], [600.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from decimal import Decimal
from typing import Any

from finplan.errors import CaseError, FinplanError
from finplan.io.cells import column_letter, split
from finplan.io.numbers import day_number
from finplan.io.sheet_marks import (
    added_cells,
    decode_cells,
    encode_cells,
    grid_cells,
    referred_sheet,
    refuse_added_cells,
    refuse_additions,
    renamed_sheet,
)
from finplan.io.workbook_grids import (
    SheetLook,
    error_sheet,
    output_parts,
    pad,
    protect_text,
    sheet_look,
)
from finplan.io.workbook_layout import (
    EXTRA_RECORD_RANGE,
    INPUT_SHEET,
    LISTS_SHEET,
    MAX_EXTRA_RECORDS,
    OUTPUT_SHEETS,
    RECORD_RANGE,
    SHEETS,
)
from finplan.io.workbook_members import foreign_sheets
from finplan.io.workbook_outputs import (
    NAME_SHEETS,
    extra_sheet_titles,
    standalone_sheet_titles,
)
from finplan.io.workbook_package import CHART_MARK
from finplan.io.workbook_read import FROM_BLANK_TEMPLATE, missing_input_sheet, read_grid_case
from finplan.io.workbook_snapshot import SNAPSHOT_COLUMNS, SNAPSHOT_ROWS
from finplan.model.allocation import water_fill
from finplan.model.assets import depreciation, loan_schedule
from finplan.model.case import Investment, Loan
from finplan.model.engine import compute
from finplan.model.money import euros, to_cents
from finplan.model.vocabulary import counted
from finplan.rates import UnknownRate, aide_au_poste

__all__ = ["calculer", "main", "aide_poste", "repartir", "amortissement", "interets",
           "MAX_CALLS", "MAX_EXTENT", "MAX_EXTENT_CELLS", "previous_extents"]

# 8 result sheets, « Listes », « Dernier calcul », the message; a collective's members'
# sheets and the funders' dossiers add one each, and one for their records on « Listes »
MAX_CALLS = 11
# Largest (rows, columns) an output sheet can take, with a wide margin (a case at the
# list limits writes about 2 000 rows; Trésorerie is 4 + 60 months wide): the
# extents read back from « Listes » are bounded by it, so one write stays small.
MAX_EXTENT = (10_000, 100)
MAX_EXTENT_CELLS = 100_000  # and at most this many cells (rows × columns) per sheet
TITLE = "finplan"


def _number(value: Any) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def calculer(book: Any) -> bool:
    """Compute the plan of an open workbook and write its output sheets.

    Returns True when every check passes.  Problems in the inputs are written to
    the ``Contrôles`` sheet and shown in a message naming the cells to fix; no
    input cell is ever written, and no Python traceback reaches the volunteer.
    """
    try:
        return _calculer(book)
    except FinplanError as error:
        book.app.alert(f"Le plan n'a pas été calculé : {error}", TITLE)
    except Exception as error:
        book.app.alert("Erreur interne de finplan : ce n'est pas votre saisie qui est en "
                       "cause. Rien n'a été modifié dans les hypothèses. Merci de signaler "
                       f"le problème ({type(error).__name__}).", TITLE)
    return False


def _calculer(book: Any) -> bool:
    # « Graphiques » is newer than the other sheets: a workbook made before it gets it
    charts = SHEETS["charts"]
    missing = [name for name in (INPUT_SHEET, LISTS_SHEET, *OUTPUT_TITLES)
               if not _has_sheet(book, name)]
    refusal = _missing_sheets(book, missing)
    if refusal:
        book.app.alert(f"Le plan n'a pas été calculé : {refusal}", TITLE)
        return False
    inputs, lists = book.sheets[INPUT_SHEET], book.sheets[LISTS_SHEET]
    last = inputs.used_range.last_cell
    # err_to_str: a cell showing #REF!, #N/A… arrives as that text (xlwings' default is
    # None, which the reader could only call an empty cell)
    rows = inputs.range((1, 1), (last.row, last.column)).options(
        ndim=2, err_to_str=True).value
    records = lists.range(RECORD_RANGE).options(ndim=2).value
    previous = previous_extents(records)
    stamps = {SHEETS[key]: row[2] if isinstance(row, list) and len(row) > 2 else None
              for key, row in zip(OUTPUT_SHEETS, records or [])}
    extras = _extra_records(lists.range(EXTRA_RECORD_RANGE).options(ndim=2).value)
    previous.update({title: extent for title, (extent, _) in extras.items()})
    stamps.update({title: cells for title, (_, cells) in extras.items()})
    look = _look_of(book)
    try:
        found = read_grid_case(rows)
    except CaseError as error:
        checks = SHEETS["checks"]
        model = error_sheet(error)
        sheets = {checks: (model.grid(), sheet_look(model))}
        _refuse_additions(book, sheets, previous, stamps, look)
        _write_sheets(book, sheets, previous, stamps, lists, look)
        count = len(error.issues)
        book.app.alert(_bounded(
            f"Le plan n'a pas été calculé : {count} erreur{'s' if count > 1 else ''} dans "
            "les hypothèses.", [str(issue) for issue in error.issues], "Contrôles"), TITLE)
        return False
    plan = compute(found.case)
    # a collective's « Membres » and members' sheets: those recorded are finplan's; a
    # member no longer in the collective gets a note on each of its sheets
    wanted = extra_sheet_titles(plan)
    foreign = [title for title in wanted if title not in extras and _has_sheet(book, title)]
    if foreign:
        raise FinplanError(foreign_sheets(foreign))
    retired = [title for title in extras if title not in wanted and _has_sheet(book, title)]
    sheets, names = output_parts(plan, found.layout, found.notes, found.text_cells, retired)
    if not look.full:  # a client that cannot add a sheet: the standalone sheets it has
        for title in standalone_sheet_titles(plan):
            if title in sheets and not _has_sheet(book, title):
                del sheets[title]
    former = not _has_sheet(book, charts)
    _refuse_additions(book, sheets, previous, stamps, look, former)  # before any write
    for title in sheets:  # a deleted result sheet made again after finplan's previous
        if not _has_sheet(book, title):  # sheet; a member's after the last
            book.sheets.add(title, after=_sheet_before(book, title))
    _write_sheets(book, sheets, previous, stamps, lists, look, former)
    if look.desktop:
        com_page_setups(book, sheets)
    _write_snapshot(book, rows)
    if look.full:
        _write_names(book, names)
    book.app.alert(click_message(plan, found.notes), TITLE)
    return plan.ok and not found.notes


OUTPUT_TITLES = tuple(SHEETS[key] for key in OUTPUT_SHEETS)


def _missing_sheets(book: Any, missing: Sequence[str]) -> str | None:
    """Why the button cannot compute a workbook whose sheets ``missing`` are gone, in
    words a volunteer follows in Excel (None: it can — a deleted result sheet is made
    again, as ``fill`` does).  A sheet renamed, which finplan's defined names follow,
    is refused as ``fill`` refuses it: its old figures would stay beside new ones."""
    renamed = _renamed_sheets(book, missing)
    if INPUT_SHEET in missing:
        issue = missing_input_sheet(renamed.get(INPUT_SHEET))
        return f"{issue.problem} ; {issue.hint}. Rien n'a été modifié."
    for title in missing:
        if title in renamed:
            return renamed_sheet(title, renamed[title])
    if LISTS_SHEET in missing:
        return (f"la feuille cachée « {LISTS_SHEET} » est introuvable (supprimée ?) : "
                f"elle ne peut pas être recréée. {FROM_BLANK_TEMPLATE[0].upper()}"
                f"{FROM_BLANK_TEMPLATE[1:]}. Rien n'a été modifié.")
    return None


def _renamed_sheets(book: Any, missing: Sequence[str]) -> dict[str, str]:
    """Each sheet of ``missing`` a user renamed -> its new title, found by finplan's
    defined names (Excel makes them follow a renamed sheet)."""
    found = {}
    try:
        names = [(name.name, name.refers_to) for name in book.names]
    except Exception:  # a client that sends no names
        return found
    for name, refers_to in names:
        title = NAME_SHEETS.get(name)
        target = referred_sheet(refers_to)
        if (title in missing and title not in found and target is not None
                and target != title and _has_sheet(book, target)):
            found[title] = target
    return found


def _sheet_before(book: Any, title: str) -> Any:
    """The sheet a result sheet made again goes after: finplan's previous one (a member's
    sheets, and « Membres », after the last sheet and « Contrôles »)."""
    if title == SHEETS["members"]:
        return book.sheets[SHEETS["checks"]]
    order = list(SHEETS.values())  # the workbook's order
    if title in order:
        for before in reversed(order[:order.index(title)]):
            if _has_sheet(book, before):
                return book.sheets[before]
    return book.sheets[len(book.sheets) - 1]


def _has_sheet(book: Any, name: str) -> bool:
    try:
        book.sheets[name]
    except Exception:  # each engine says « no such sheet » its own way
        return False
    return True


class _Look:
    """What the client that sent the book can play: everything (the desktop add-in,
    xlwings Lite and the Office add-in), or only values, number formats and fills
    (xlwings' VBA remote client, and the others, which stop at an action they have
    no macro for); column widths in characters (desktop) or points (Office.js); and
    whether it lists each sheet's charts."""

    def __init__(self, client: str | None, charts: bool) -> None:
        self.full = client in (None, "Office.js")
        self.desktop = client is None  # Excel itself (COM): the page setup too
        self.points = client == "Office.js"
        self.charts = self.full and charts


def _look_of(book: Any) -> _Look:
    api = getattr(book, "api", None)
    if not isinstance(api, dict):  # a desktop Excel, through COM or AppleScript
        return _Look(None, True)
    return _Look(api.get("client"), all("charts" in sheet for sheet in api.get("sheets", ())))


def _refuse_additions(book: Any, sheets: dict[str, tuple[list[list[Any]], SheetLook]],
                      previous: dict[str, tuple[int, int]], stamps: dict[str, Any],
                      look: _Look, former: bool = False) -> None:
    """Refuse, before anything is written, what ``fill`` refuses: a cell a user typed
    on a result sheet outside what finplan wrote there (it would be blanked or
    overwritten), a chart of the user's on one (it would be deleted)."""
    added = {}
    for name, (grid, _) in sheets.items():
        if not _has_sheet(book, name):
            continue  # a sheet the click is about to add (see _calculer)
        sheet = book.sheets[name]
        end = sheet.used_range.last_cell
        held = sheet.range((1, 1), (end.row, end.column)).options(ndim=2).value
        known = previous.get(name, (0, 0))
        extent = known if known != (0, 0) else None
        added[name] = added_cells(grid_cells(held), grid_cells(grid),
                                  decode_cells(stamps.get(name)), extent)
    refuse_added_cells(added)
    if look.charts:
        charts = [f"« {name} » : {counted(count, 'graphique')}"
                  for name, count in ((name, _user_charts(book.sheets[name],
                                                          _ours(name, sheet.charts, former)))
                                      for name, (_, sheet) in sheets.items()
                                      if _has_sheet(book, name)) if count]
        if charts:
            raise refuse_additions(charts)


def _write_sheets(book: Any, sheets: dict[str, tuple[list[list[Any]], SheetLook]],
                  previous: dict[str, tuple[int, int]], stamps: dict[str, Any], lists: Any,
                  look: _Look, former: bool = False) -> None:
    """Each sheet's values in one write (blanking what the previous write left), what
    each sheet now holds on « Listes » (for the next click and the next fill), then
    each sheet's look."""
    extents = dict(previous)
    for name, (grid, _) in sheets.items():
        _write(book, name, grid, previous.get(name, (0, 0)))
        extents[name] = (len(grid), max(len(row) for row in grid))
        stamps[name] = encode_cells(grid_cells(grid))
    lists.range(RECORD_RANGE).value = [[*extents[title], stamps.get(title) or ""]
                                       for title in OUTPUT_TITLES]
    extra = [title for title in sheets if title not in OUTPUT_TITLES]
    if extra or any(title not in OUTPUT_TITLES for title in previous):
        lists.range(EXTRA_RECORD_RANGE).value = [
            [title, *extents[title], stamps.get(title) or ""] if title else ["", "", "", ""]
            for title in (extra + [""] * MAX_EXTRA_RECORDS)[:MAX_EXTRA_RECORDS]]
    for name, (grid, sheet_look_) in sheets.items():
        before = previous.get(name, (0, 0))
        extent = (max(len(grid), before[0], 1),
                  max(max((len(row) for row in grid), default=0), before[1], 1))
        _style(book.sheets[name], sheet_look_, extent, look)
        if look.charts:
            _charts(book, book.sheets[name], sheet_look_.charts,
                    _ours(name, sheet_look_.charts, former))


def com_page_setups(book: Any, sheets: dict[str, tuple[list[list[Any]], SheetLook]]) -> None:
    """Each result sheet prints as ``fill`` makes it print (desktop Excel only: the
    remote clients have no page setup): A4, its orientation, one page wide or its
    scale, margins, the header with the date of this calculation, the footer, the
    repeated titles, the print area and the page breaks. A sheet Excel cannot set up
    (no printer installed: Excel then refuses to touch ``PageSetup``) keeps its own;
    the figures are written already."""
    app = book.app.api
    with suppress(Exception):  # an Excel without it (before 2010), or a Mac
        app.PrintCommunication = False  # one exchange with the printer driver, not 20
    try:
        for name, (_, sheet_look_) in sheets.items():
            if sheet_look_.page is not None:
                with suppress(Exception):  # no printer, a protected sheet: it keeps its own
                    com_page_setup(book.sheets[name].api, sheet_look_.page)
    finally:
        with suppress(Exception):
            app.PrintCommunication = True


_A4, _PORTRAIT, _LANDSCAPE = 9, 1, 2  # Excel's xlPaperA4, xlPortrait, xlLandscape
_ORDER = {"downThenOver": 1, "overThenDown": 2}  # xlDownThenOver, xlOverThenDown
_POINTS = 72  # a margin of finplan's pages is in inches; Excel's PageSetup takes points


def com_page_setup(worksheet: Any, page: Any) -> None:
    """Excel's ``PageSetup`` of ``worksheet`` (its COM object) from finplan's
    :class:`~finplan.io.grid.Page`, as :mod:`finplan.io.grid_openpyxl` writes it."""
    setup = worksheet.PageSetup
    setup.PaperSize = _A4
    setup.Orientation = _LANDSCAPE if page.landscape else _PORTRAIT
    if page.fit_to_page:
        setup.Zoom = False  # the pages wide and tall decide the scale
        setup.FitToPagesWide = page.fit_width or False  # False: as many as needed
        setup.FitToPagesTall = page.fit_height or False
    elif page.scale is not None:
        setup.Zoom = page.scale
    if page.page_order is not None:
        setup.Order = _ORDER[page.page_order]
    setup.CenterHorizontally = page.centered
    (setup.LeftMargin, setup.RightMargin, setup.TopMargin,
     setup.BottomMargin) = (inches * _POINTS for inches in page.margins)
    (setup.LeftHeader, setup.CenterHeader, setup.RightHeader) = page.header
    (setup.LeftFooter, setup.CenterFooter, setup.RightFooter) = page.footer
    setup.PrintTitleRows = _absolute(page.title_rows) if page.title_rows else ""
    setup.PrintTitleColumns = _absolute(page.title_columns) if page.title_columns else ""
    setup.PrintArea = page.area or ""
    worksheet.ResetAllPageBreaks()
    for column in page.column_breaks:  # a break after the column, as in the file
        worksheet.VPageBreaks.Add(worksheet.Columns(column + 1))
    for row in page.row_breaks:
        worksheet.HPageBreaks.Add(worksheet.Rows(row + 1))


def _absolute(span: str) -> str:
    """``1:4`` as ``$1:$4``, ``A:B`` as ``$A:$B`` (rows or columns repeated).

    >>> _absolute("1:4"), _absolute("A:C")
    ('$1:$4', '$A:$C')
    """
    return ":".join(f"${part}" for part in span.split(":"))


def _write_names(book: Any, names: dict[str, str]) -> None:
    """The defined names of the result blocks (« budget_charges »…), as ``fill``
    defines them: replaced where they exist, added where they do not."""
    for name, text in names.items():
        try:
            existing = book.names[name]
        except Exception:  # each engine says « no such name » its own way
            book.names.add(name, "=" + text)
        else:
            existing.refers_to = "=" + text


MAX_MESSAGE_LINES = 8  # a message box shows about 1 000 characters (VBA's MsgBox cuts)


def _bounded(head: str, lines: Sequence[str], sheet: str) -> str:
    """``head`` and at most :data:`MAX_MESSAGE_LINES` of ``lines``, the others counted
    and sent to ``sheet``."""
    shown = "\n".join(f"- {line}" for line in lines[:MAX_MESSAGE_LINES])
    more = len(lines) - MAX_MESSAGE_LINES
    tail = (f"\n… et {more} autre{'s' if more > 1 else ''}, voir la feuille {sheet}."
            if more > 0 else "")
    return f"{head}\n{shown}{tail}" if lines else head


def click_message(plan: Any, notes: Sequence[str] = ()) -> str:
    """The button's message: the failed checks and the inputs to type again (numbers
    typed as text, which the workbook's formulas cannot read), then every funder whose
    amount was cut or zeroed (and what limited it), then every warning.

    >>> import finplan
    >>> print(click_message(compute(finplan.load_case(finplan.demo_path()))))
    ... # doctest: +ELLIPSIS
    Plan calculé : tous les contrôles sont passés.
    <BLANKLINE>
    Financeurs réduits ou mis à zéro (voir la feuille Financeurs) :
    - Région Nouvelle-Aquitaine (investissement) : 28 400 € proposés, 20 000 € retenus ...
    """
    from finplan.report import LIMIT_WORDS

    failed = [check.message for check in plan.check_results if check.fails] + list(notes)
    cut = [_cut_funder(funding, plan.years, LIMIT_WORDS) for funding in plan.funder_results]
    cut = [text for text in cut if text]
    warned = [check.message for check in plan.check_results
              if not check.ok and not check.fails] + list(plan.warnings)
    parts = ["Plan calculé : tous les contrôles sont passés." if not failed else
             _bounded("Plan calculé, à revoir :", failed, "Contrôles")]
    if cut:
        parts.append(_bounded("Financeurs réduits ou mis à zéro (voir la feuille "
                              "Financeurs) :", cut, "Financeurs"))
    if warned:
        parts.append(_bounded("Avertissements :", warned, "Contrôles"))
    return "\n\n".join(parts)


def _cut_funder(funding: Any, years: Sequence[int], words: dict[str, str]) -> str | None:
    """« Fondation X : 10 000 € demandés, 0 € retenus (limité par …, 2027) », or None
    when the funder pays what it offered (or offers a share, which is not « cut »
    unless a cap or ceiling limited it)."""
    from finplan.model.money import format_euros

    offered = funding.offered
    limits = []
    for index, (amount, limit) in enumerate(zip(funding.amounts, funding.limited_by)):
        reduced = amount < offered[index] if offered is not None else limit in (
            "cap", "cap_total", "public_ceiling")
        if reduced and limit != "none":
            limits.append((years[index], words.get(limit, limit)))
    if not limits:
        return None
    why = " ; ".join(f"{word} en {', '.join(str(y) for y, w in limits if w == word)}"
                     for word in dict.fromkeys(w for _, w in limits))
    got = format_euros(funding.total)
    if offered is None:
        return f"{funding.name} : {got} retenus ({why})"
    zero = " — mis à zéro" if funding.total == 0 else ""
    return (f"{funding.name} : {format_euros(sum(offered))} proposés, {got} retenus"
            f"{zero} ({why})")


def _client(book: Any) -> str | None:
    """The remote client that sent ``book`` (« VBA », « Office.js »…), None on desktop."""
    api = getattr(book, "api", None)
    return api.get("client") if isinstance(api, dict) else None


def _style(sheet: Any, look: SheetLook, extent: tuple[int, int], client: _Look) -> None:
    """Give ``sheet`` the look ``finplan fill`` gives it: the formats the previous click
    left are cleared first (one call), then one call per rectangle of a part of a look
    (:class:`~finplan.io.workbook_grids.SheetLook`), then the frozen panes and the
    charts.  For a client that cannot play everything (see :class:`_Look`): number
    formats and fills only."""
    whole = sheet.range((1, 1), extent)
    whole.clear_formats()
    for number_format, box in look.formats:
        _box(sheet, box).number_format = number_format
    for color, box in look.fills:
        _box(sheet, box).color = color
    if not client.full:
        return
    whole.rows.autofit()  # the heights the previous click gave go back to automatic
    widths = {column: DEFAULT_COLUMN_WIDTH for column in range(1, extent[1] + 1)}
    for first, last, width in look.widths:  # columns the sheet no longer uses: default
        widths.update(dict.fromkeys(range(first, last + 1), width))
    for first, last, width in _column_runs(widths):
        sheet.range((1, first), (1, last)).column_width = (
            _points(width) if client.points else width)
    for first, last, height in look.heights:
        sheet.range((first, 1), (last, 1)).row_height = height
    for box in look.bold:
        _box(sheet, box).font.bold = True
    for box in look.italic:
        _box(sheet, box).font.italic = True
    for size, box in look.sizes:
        _box(sheet, box).font.size = size
    for color, box in look.colors:
        _box(sheet, box).font.color = color
    for side, line, box in look.borders:
        border = _box(sheet, box).borders[side]
        if line == "thin":
            border.line_style, border.weight = "continuous", "thin"
        else:
            border.line_style = line
    for box in look.wraps:
        _box(sheet, box).wrap_text = True
    for value, box in look.horizontal:
        _box(sheet, box).horizontal_alignment = value
    for value, box in look.vertical:
        _box(sheet, box).vertical_alignment = value
    for operator, formula, color, box in look.rules:
        _box(sheet, box).conditional_formats.add_cell_value(
            operator, formula, fill_color=color or None)
    if look.freeze:
        sheet.freeze_panes.freeze_at(_frozen(look.freeze))


DEFAULT_COLUMN_WIDTH = 8.43  # Excel's, in characters


def _points(width: float) -> float:
    """A column width in characters (Calibri 11: 7 pixels a digit, 5 pixels of margin)
    as the points Office.js measures columns in (0.75 point a pixel).

    >>> _points(14), _points(8.43)
    (77.25, 48.01)
    """
    return round((width * 7 + 5) * 0.75, 2)


def _column_runs(widths: dict[int, float]) -> list[tuple[int, int, float]]:
    """Consecutive columns of one width: ``{1: 3, 2: 9, 3: 9}`` -> ``[(1, 1, 3), (2, 3, 9)]``."""
    runs: list[tuple[int, int, float]] = []
    for column in sorted(widths):
        if runs and runs[-1][1] == column - 1 and runs[-1][2] == widths[column]:
            runs[-1] = (runs[-1][0], column, widths[column])
        else:
            runs.append((column, column, widths[column]))
    return runs


def _box(sheet: Any, box: tuple[int, int, int, int]) -> Any:
    return sheet.range(box[:2], box[2:])


def _frozen(freeze: str) -> str:
    """openpyxl's ``freeze_panes`` (the first cell that scrolls) as the range Excel
    freezes: ``C5`` -> ``A1:B4``, ``A5`` -> ``1:4``, ``C1`` -> ``A:B``.

    >>> _frozen("C5"), _frozen("A5"), _frozen("C1")
    ('A1:B4', '1:4', 'A:B')
    """
    row, column = split(freeze)
    if column == 1:
        return f"1:{row - 1}"
    if row == 1:
        return f"A:{column_letter(column - 1)}"
    return f"A1:{column_letter(column - 1)}{row - 1}"


_CHART_TYPES = {("line", False): "line", ("bars", True): "column_stacked",
                ("bars", False): "column_clustered"}
_POINTS_PER_CM = 72 / 2.54


# The result sheets where an earlier finplan drew a chart (before « Graphiques »).
_FORMER_CHARTS = {SHEETS["funders"]: 1, SHEETS["financing"]: 1, SHEETS["monthly"]: 1}


def _ours(name: str, charts: Sequence[Any], former: bool) -> int:
    """How many unnamed charts of sheet ``name`` may be finplan's: its own, and, in a
    workbook an earlier finplan made (``former``: it has no « Graphiques » yet), the
    one that finplan drew there."""
    return len(charts) + (_FORMER_CHARTS.get(name, 0) if former else 0)


def _charts(book: Any, sheet: Any, charts: Sequence[Any], ours: int) -> None:
    """The sheet's charts as ``fill`` makes them (the previous click's, or fill's,
    deleted first: a chart of the user's was refused before anything was written).
    Each is made from its block of its sheet — the series' names in the column just
    left of their values, rows one under the other — with the categories of its
    header row."""
    for chart in reversed(_finplan_charts(sheet, ours)):  # the last first: indexes stay valid
        chart.delete()
    for number, chart in enumerate(charts, start=1):
        names, values = chart.series[0][0], chart.series[0][1]
        last = chart.series[-1][1]
        source = book.sheets[values.sheet]
        made = sheet.charts.add(
            anchor=sheet.range(chart.anchor), width=chart.width * _POINTS_PER_CM,
            height=chart.height * _POINTS_PER_CM,
            chart_type=_CHART_TYPES[(chart.kind, chart.stacked)],
            source=source.range((values.first_row, names.first_column if names else
                                 values.first_column), (last.last_row, last.last_column)),
            plot_by="rows", name=f"{CHART_MARK}{number}")
        made.title = chart.title
        categories = chart.categories
        made.set_x_axis_values(book.sheets[categories.sheet].range(
            (categories.first_row, categories.first_column),
            (categories.last_row, categories.last_column)))
        if chart.y_title:
            made.value_axis.title = chart.y_title
        if chart.y_format:
            made.value_axis.number_format = chart.y_format
        if chart.axis_at_bottom:  # the category axis crosses the value axis at its minimum
            made.value_axis.crosses = "minimum"
        if not chart.legend:
            made.legend.visible = False


def _existing_charts(sheet: Any) -> list[Any]:
    """The charts of ``sheet`` (none when the client that sent it lists no charts)."""
    try:
        return list(sheet.charts)
    except KeyError:
        return []


def _finplan_charts(sheet: Any, ours: int) -> list[Any]:
    """The charts of ``sheet`` that are finplan's: those the click made (named
    « finplan … »), or — ``fill`` cannot name its charts — on a sheet holding none of
    them, its first ``ours`` charts (the number finplan puts there)."""
    charts = _existing_charts(sheet)
    named = [chart for chart in charts if chart.name.startswith(CHART_MARK)]
    return named if named else charts[:ours]


def _user_charts(sheet: Any, ours: int) -> int:
    """How many charts of ``sheet`` are a user's (see :func:`_finplan_charts`)."""
    return len(_existing_charts(sheet)) - len(_finplan_charts(sheet, ours))


def _write_snapshot(book: Any, rows: list[list[Any]]) -> None:
    """Keep the inputs just read on the hidden « Dernier calcul » sheet, in one write:
    ``finplan_a_jour`` is TRUE again (a workbook without that sheet is left as is)."""
    try:
        sheet = book.sheets[SHEETS["snapshot"]]
    except Exception:
        return
    # a date as Excel keeps it: written back as a number, it compares equal to its
    # input cell (xlwings would write it as a text)
    grid = [[protect_text(day_number(value)) for value in row[:SNAPSHOT_COLUMNS]]
            for row in rows[:SNAPSHOT_ROWS]]
    # blank what the previous copy holds beyond the new one (not the whole compared
    # area: 80 000 cells, most of them empty, would be most of a click's time)
    last = sheet.used_range.last_cell
    _put(sheet.range((1, 1)), pad(grid, min(last.row, SNAPSHOT_ROWS),
                                  min(last.column, SNAPSHOT_COLUMNS)))


_PLAIN = (str, int, float, type(None))


def _put(cell: Any, grid: list[list[Any]]) -> None:
    """Write ``grid`` from ``cell`` in one call; plain values (text, numbers, blanks:
    all the output grids hold) skip xlwings' cell-by-cell conversion, which costs
    more than the rest of a click on a large sheet.  A blank is written as "" as
    xlwings' conversion does (Office.js takes null as « leave the cell as it is »)."""
    if all(isinstance(value, _PLAIN) for row in grid for value in row):
        cell.resize(len(grid), len(grid[0]) if grid else 1).raw_value = [
            ["" if value is None else value for value in row] for row in grid]
    else:
        cell.value = grid


def previous_extents(extents: Any) -> dict[str, tuple[int, int]]:
    """What each output sheet held after the last calculation, as kept in the hidden
    « Listes » sheet: (rows, columns) by sheet name.  Those cells are anyone's to
    edit, so a value that is not a whole number within :data:`MAX_EXTENT` and
    :data:`MAX_EXTENT_CELLS` (text, a negative number, a million rows) is ignored
    (0: nothing to blank) instead of making the button write millions of cells.

    >>> previous_extents([[12, 5], [10**6, 16000], ["x", None]])["Budget"]
    (12, 5)
    >>> previous_extents([[12, 5], [10**6, 16000], ["x", None]])["Financeurs"]
    (0, 0)
    """
    rows = extents if isinstance(extents, (list, tuple)) else []
    found = {}
    for index, key in enumerate(OUTPUT_SHEETS):
        row = rows[index] if index < len(rows) and isinstance(rows[index], (list, tuple)) \
            else []
        found[SHEETS[key]] = _sane_extent(row[0] if row else None,
                                          row[1] if len(row) > 1 else None)
    return found


def _extra_records(rows: Any) -> dict[str, tuple[tuple[int, int], Any]]:
    """The records of the result sheets beyond a single organisation's (title, rows,
    columns, cells a row on « Listes »): title -> (extent, cells), an extent that is
    not sane read as (0, 0), as :func:`previous_extents` does."""
    found = {}
    for row in rows if isinstance(rows, (list, tuple)) else []:
        if not isinstance(row, (list, tuple)) or len(row) < 4:
            continue
        title = row[0]
        if not isinstance(title, str) or not title:
            continue
        found[title] = (_sane_extent(row[1], row[2]), row[3])
    return found


def _sane_extent(rows: Any, columns: Any) -> tuple[int, int]:
    """A stored (rows, columns), (0, 0) when either is not a whole number within
    :data:`MAX_EXTENT` or they make more than :data:`MAX_EXTENT_CELLS` cells."""
    sizes = [_extent(value, MAX_EXTENT[i]) for i, value in enumerate((rows, columns))]
    sane = sizes[0] and sizes[1] and sizes[0] * sizes[1] <= MAX_EXTENT_CELLS
    return (sizes[0], sizes[1]) if sane else (0, 0)


def _extent(value: Any, high: int) -> int:
    """A stored row or column count, 0 when it is not a whole number from 0 to ``high``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    if value != value or not 0 <= value <= high or value != int(value):
        return 0
    return int(value)


def _write(book: Any, name: str, grid: list[list[Any]], previous: tuple[int, int]) -> None:
    """One bulk write from A1, padded to blank what the previous write left."""
    _put(book.sheets[name].range((1, 1)), pad(grid, *previous))


def main() -> None:
    """Entry point of the RunPython button (``xlwings.Book.caller()``)."""
    import xlwings as xw

    calculer(xw.Book.caller())


# -- worksheet functions -----------------------------------------------------------------

def aide_poste(contrat: str, annee: float, etp: float = 1) -> float:
    """IAE aide au poste (montant socle) of ``etp`` FTE under ``contrat`` in ``annee``.

    ``=FINPLAN.AIDE_POSTE("ACI"; 2027; 3,7)``: the figure in force that year (the
    latest known figure after the last arrêté) × FTE, to the cent.
    """
    try:
        rate = aide_au_poste(str(contrat).strip().upper(), int(annee))
    except UnknownRate as error:
        raise FinplanError(str(error)) from None
    return float(euros(to_cents(rate.amount * _number(etp))))


def repartir(besoin: float, poids: Sequence[Any], plafonds: Sequence[Any] | None = None
             ) -> list[list[float]]:
    """Split ``besoin`` by ``poids`` under ``plafonds`` (blank: no cap), water-filling as
    the engine's ``share`` rule; a column of amounts that add up to the cent."""
    weights = [_number(w) for w in _flat(poids)]
    caps = _flat(plafonds) if plafonds is not None else [None] * len(weights)
    if len(caps) != len(weights):
        raise FinplanError("REPARTIR : il faut autant de plafonds que de poids.")
    limits = [None if cap in (None, "") else to_cents(_number(cap)) for cap in caps]
    parts, _ = water_fill(to_cents(_number(besoin)), weights, limits)
    return [[float(euros(part))] for part in parts]


def amortissement(montant: float, duree_ans: float, annee: float, annee_achat: float = 1,
                  mois_achat: float = 1) -> float:
    """Linear depreciation in plan year ``annee`` of an asset bought in month
    ``mois_achat`` of plan year ``annee_achat`` (monthly proration, capped)."""
    asset = Investment("", _number(montant), _number(duree_ans), int(annee_achat),
                       int(mois_achat))
    return float(euros(depreciation(asset, int(annee))[-1]))


def interets(capital: float, taux_annuel: float, duree_mois: float, annee: float,
             annee_versement: float = 1, mois_versement: float = 1) -> float:
    """Interest paid in plan year ``annee`` on a loan with constant monthly payments."""
    loan = Loan("", _number(capital), _number(taux_annuel), int(duree_mois),
                int(annee_versement), int(mois_versement))
    return float(euros(loan_schedule(loan, int(annee)).interest[-1]))


def _flat(values: Any) -> list[Any]:
    if not isinstance(values, (list, tuple)):
        return [values]
    flat: list[Any] = []
    for value in values:
        flat.extend(_flat(value) if isinstance(value, (list, tuple)) else [value])
    return flat
