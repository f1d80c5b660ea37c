"""The workbooks print like a document a funder files (issue 12, item 6).

Each bundled example is built by finplan, with the empty template; LibreOffice
exports them all to PDF in one run (recalculating them on load, as in
test_workbook.py); poppler's pdftotext then reads each page as it is printed:

- the number of pages of each sheet stays within a bound (``PAGES``);
- every text finplan wrote in a printed sheet appears whole on some page of that
  sheet: not cut by the next cell, the page edge or a repeated title column, not
  broken inside a word, no ``###`` for a number wider than its column;
- no two words of a page overlap (wrapped text in a row too short for it);
- no sheet prints below 70 % (computed from the saved workbook, below);
- a chart is never under the columns repeated on each page (it would be printed
  again on each page) and stays within one page's columns;
- the date of the headers is French text, never the printing machine's ``&D``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, coordinate_to_tuple
from openpyxl.worksheet.worksheet import Worksheet
from spreadsheet import make_profile, soffice

import finplan
from finplan.io.workbook_layout import INPUT_SHEET, PARAM_ROW, PARAMS
from finplan.io.workbook_write import build_workbook, template_workbook

EXAMPLES = {path.stem: path for path in sorted(finplan.demo_path().parent.glob("*.toml"))}
WORKBOOKS = [*EXAMPLES, "modele"]

# Pages a sheet may take, and why. A4 landscape holds about 30 rows of a table at 100 %.
PAGES = {
    "Guide": 2,  # a page of text, and its last lines
    # the parameters on a page; then the tables in groups, each as many pages wide as
    # its widest (two for the staff and the contracts, three for the funders with their
    # « Commentaire »): about 5 groups of one to three pages (the collective's members'
    # tables and columns make it longer), then the contributions in kind and the
    # accounts of past years (« Réalisé »)
    "Hypothèses": 14,
    "Budget": 4,  # ~60 Cerfa and account lines of the examples, 30 a page, the point mort
    "Financeurs": 6,  # the amounts, then the « Limité par » reasons: 2 parts × 3 bands
    "Plan de financement": 1,  # the table (its chart is on Graphiques)
    # half a year a page (a year would need < 70 %): 6 × 3 bands, the third for the
    # recyclerie's bridging facilities (drawn, repaid, interest, fees, balance of each)
    # and the reconciliation with the financing plan
    "Trésorerie": 18,
    "Scénarios": 2,
    "Contrôles": 2,
    "Calculs": 4,  # ~70 lines of the examples (with the ceilings and fixed amounts checked)
    "Graphiques": 4,  # a chart a page
    "Membres": 3,  # a collective: six blocks of its members, ~45 rows
    "Dossier": 2,  # a funder's dossier, portrait: its request, the form, the others
    "Réalisé": 2,  # portrait: a year's Cerfa lines side by side, then its funders
}


# A collective's sheets are longer: its inputs hold the members' tables, its checks
# are each member's (about six a member), its mandataire's cash plan has a row per
# member it passes a contract's part on to (three bands of rows).
COLLECTIVE_PAGES = {"Hypothèses": 17, "Contrôles": 6, "Trésorerie": 18}


def _bound(sheet: str, collective: bool) -> int:
    """The pages a sheet may take; a collective's member sheet (« Budget (layon) ») as
    the sheet it is one of."""
    base = "Dossier" if sheet.startswith("Dossier ") else re.sub(r" \(.*\)$", "", sheet)
    return (COLLECTIVE_PAGES if collective else PAGES).get(base, PAGES[base])
MIN_SCALE = 0.70  # issue 12: no page below about 70 %
A4_LANDSCAPE_WIDTH = 841.89  # points
# A column width unit is the width of a digit of the workbook's font (Calibri 11:
# 5.25 pt). LibreOffice without Carlito prints with DejaVu Sans, a third wider:
# 7 pt a unit, the case where pages are widest, is the one computed here.
POINTS_PER_UNIT = 7.0
DEFAULT_WIDTH = 9.140625
NOT_PRINTED = ("Listes", "Dernier calcul")  # hidden
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")


@dataclass
class Printed:
    """A workbook as saved by finplan and its pages as LibreOffice printed them."""

    book: object
    layout: dict[str, list[str]]  # sheet -> the text of its pages (pdftotext -layout)
    raw: dict[str, list[str]]  # the same in the order cells were drawn (-raw)
    words: dict[str, list[list[tuple[float, float, float, float, str]]]]  # -bbox


def _pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=120).stdout


def _crop(book) -> list[str]:
    """pdftotext options keeping what is printed inside the side margins: LibreOffice
    writes a text cut at the page edge whole into the PDF, clipped."""
    sheets = [s for s in book.worksheets if s.title not in NOT_PRINTED]
    left = min(s.page_margins.left for s in sheets) * 72
    right = min(s.page_margins.right for s in sheets) * 72
    # as tall as a portrait page (the funders' dossiers print portrait)
    return ["-x", str(math.floor(left - 1)), "-y", "0",
            "-W", str(math.ceil(A4_LANDSCAPE_WIDTH - left - right + 2)), "-H", "850"]


def _footer(words: list[tuple[float, float, float, float, str]], book) -> str:
    """The sheet a page belongs to: the name on the left of its footer (the words in
    the bottom margin, left half of the page)."""
    marks = [word for index, word in enumerate(words[:-3]) if word[4] == "Page"
             and words[index + 1][4].isdigit() and words[index + 2][4] == "/"]
    if not marks:
        return "(a page without a footer)"
    level = marks[-1][1]
    line = " ".join(w[4] for w in sorted(words, key=lambda w: w[0])
                    if abs(w[1] - level) < 3 and w[0] < A4_LANDSCAPE_WIDTH / 2)
    titles = sorted((s.title for s in _printed_sheets(book)), key=len, reverse=True)
    return next((title for title in titles if (line + " ").startswith(title + " ")), line)


def _by_sheet(pages: list[str], sheet_of_page: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for text, sheet in zip(pages, sheet_of_page):
        found.setdefault(sheet, []).append(text)
    return found


def _words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    pages = []
    for page in _pdftotext(pdf, "-bbox").split("<page ")[1:]:
        pages.append([(float(x0), float(y0), float(x1), float(y1), word) for
                      x0, y0, x1, y1, word in re.findall(
                          r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                          r'yMax="([\d.]+)">(.*?)</word>', page)])
    return pages


def print_workbooks(folder: Path, sources: dict[str, Path]) -> dict[str, Printed]:
    """Print each workbook of ``sources`` (name -> file) with LibreOffice (one run, a
    profile of its own, recalculating on load) and read its pages back."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed: apt-get install poppler-utils")
    subprocess.run([soffice(), f"-env:UserInstallation={make_profile(folder / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(folder / "pdf"),
                    *map(str, sources.values())], check=True, capture_output=True,
                   timeout=300)
    result = {}
    for name, source in sources.items():
        pdf = folder / "pdf" / f"{source.stem}.pdf"
        book = load_workbook(source)
        words = _words(pdf)
        sheet_of_page = [_footer(page, book) for page in words]
        crop = _crop(book)
        result[name] = Printed(
            book,
            _by_sheet(_pdftotext(pdf, "-layout", *crop).split("\f")[:-1], sheet_of_page),
            _by_sheet(_pdftotext(pdf, "-raw", *crop).split("\f")[:-1], sheet_of_page),
            _by_sheet(words, sheet_of_page))
    return result


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Printed]:
    folder = tmp_path_factory.mktemp("print")
    sources = {}
    for name in WORKBOOKS:
        book = (template_workbook() if name == "modele"
                else build_workbook(finplan.load_case(EXAMPLES[name])).workbook)
        sources[name] = folder / f"{name}.xlsx"
        book.save(sources[name])
    return print_workbooks(folder, sources)


def _printed_sheets(book) -> list[Worksheet]:
    return [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]


def _flat(text: str) -> str:
    """Any run of spaces, line ends or non-breaking spaces as one space; a word wrapped
    after its hyphen (« quote- / part ») joined again."""
    text = re.sub(r"-\n\s*", "-", text)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_sheet_prints_on_a_bounded_number_of_pages(printed, name):
    pages = {sheet: len(texts) for sheet, texts in printed[name].layout.items()}
    visible = [sheet.title for sheet in _printed_sheets(printed[name].book)]
    assert sorted(pages) == sorted(visible), "every visible sheet is printed, nothing else"
    collective = bool(finplan.load_case(EXAMPLES[name]).members) if name in EXAMPLES else False
    too_many = {sheet: count for sheet, count in pages.items()
                if count > _bound(sheet, collective)}
    assert not too_many, f"{name}: pages {too_many}, bounds {PAGES}"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_text_prints_whole(printed, name):
    """Each text cell of a printed sheet (labels of column B, headers such as
    « septembre 2027 », sentences…) is found whole in the text of one of the sheet's
    pages: in the layout text (lines as printed) or, for a text wrapped over several
    lines beside other wrapped cells, in the raw text (each cell's lines together).
    Outside the print areas is only the help of the parameters (on screen, for the
    volunteer: the printed parameters are their labels and values)."""
    cut, unprinted = [], []
    for sheet in _printed_sheets(printed[name].book):
        pages = [_flat(text) for text in printed[name].layout[sheet.title]]
        pages += [_flat(text) for text in printed[name].raw[sheet.title]]
        for row in sheet.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.data_type != "f"
                        and _flat(cell.value)):
                    continue
                if any(_flat(cell.value) in page for page in pages):
                    continue
                if _in_print_area(sheet, cell.row, cell.column):
                    cut.append(f"{sheet.title}!{cell.coordinate} « {cell.value} »")
                else:
                    unprinted.append(f"{sheet.title}!{cell.coordinate}")
        hashes = [text for text in pages if "###" in text]
        assert not hashes, f"{sheet.title}: a number wider than its column (###)"
    assert not cut, f"{name}: {len(cut)} texts cut or missing:\n" + "\n".join(cut[:30])
    help_rows = range(PARAM_ROW - 1, PARAM_ROW + len(PARAMS))
    assert unprinted and set(unprinted) <= {f"{INPUT_SHEET}!D{row}" for row in help_rows}


def _in_print_area(sheet: Worksheet, row: int, column: int) -> bool:
    """Whether a cell is inside the sheet's print areas (all are when it has none)."""
    if not sheet.print_area:
        return True
    for part in sheet.print_area.split(","):
        low, high = part.split("!")[-1].replace("$", "").split(":")
        first, last = coordinate_to_tuple(low), coordinate_to_tuple(high)
        if first[0] <= row <= last[0] and first[1] <= column <= last[1]:
            return True
    return False


def _overlap(a, b) -> float:
    """Share of the smaller box that the two word boxes have in common."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller if smaller > 0 else 0.0


@pytest.mark.parametrize("name", WORKBOOKS)
def test_no_printed_words_overlap(printed, name):
    """Wrapped text in a row too short for it runs over the next row: its words then
    lie on others (the Guide did so)."""
    found = []
    for sheet, pages in printed[name].words.items():
        for number, words in enumerate(pages, start=1):
            words = sorted(words, key=lambda w: w[1])
            for index, word in enumerate(words):
                for other in words[index + 1:]:
                    if other[1] >= word[3]:
                        break
                    if _overlap(word, other) > 0.25:
                        found.append(f"{sheet} page {number}: « {word[4]} » / "
                                     f"« {other[4]} »")
    assert not found, f"{name}: words printed over each other:\n" + "\n".join(found[:20])


def _width(sheet: Worksheet, first: int, last: int) -> float:
    """Printed width of columns first..last at 100 %, in points."""
    total = 0.0
    for index in range(first, last + 1):
        dimension = sheet.column_dimensions.get(sheet.cell(1, index).column_letter)
        if dimension is not None and dimension.hidden:
            continue
        width = dimension.width if dimension is not None and dimension.width else DEFAULT_WIDTH
        total += width * POINTS_PER_UNIT
    return total


def _title_columns(sheet: Worksheet) -> int:
    if not sheet.print_title_cols:
        return 0
    return column_index_from_string(sheet.print_title_cols.split(":")[1].strip("$"))


def _charts(sheet: Worksheet) -> list[tuple[int, float]]:
    """(first column, width in points) of each chart of a sheet read back."""
    charts = []
    for chart in sheet._charts:
        start = chart.anchor._from.col + 1
        width = chart.anchor.ext.width / 12700 if chart.anchor.ext is not None else 0.0
        charts.append((start, width))
    return charts


def effective_scale(sheet: Worksheet) -> float:
    """The scale a sheet prints at, as LibreOffice computes it.

    Printable width ``P`` = A4 landscape width − side margins. Fit to ``N`` pages
    wide (``fitToPage``): the columns ``A`` to the last one used (``W``, charts
    included), split into ``N`` pages each repeating the title columns (``T``), must
    fit, so ``scale = min(1, N × P / (W + (N − 1) × T))`` — an upper bound: pages
    break between columns. A fixed scale is the ``scale`` stored; each part between
    the column breaks must then fit a page with the title columns, or LibreOffice
    would break it again: we require it, so the pages are those finplan planned.
    """
    margins = sheet.page_margins
    room = A4_LANDSCAPE_WIDTH - 72 * (margins.left + margins.right)
    last = sheet.max_column
    titles = _title_columns(sheet)
    charts = [(start, _width(sheet, 1, start - 1) + width) for start, width in _charts(sheet)]
    used = max([_width(sheet, 1, last), *[right for _, right in charts]])
    properties = sheet.sheet_properties.pageSetUpPr
    if properties is not None and properties.fitToPage:
        pages = sheet.page_setup.fitToWidth or 1
        return min(1.0, pages * room / (used + (pages - 1) * _width(sheet, 1, titles)))
    scale = (sheet.page_setup.scale or 100) / 100
    ends = [brk.id for brk in sheet.col_breaks.brk] + [last]
    start = titles + 1
    for end in ends:
        part = _width(sheet, start, end)
        needed = (_width(sheet, 1, titles) + part) * scale
        assert needed <= room, (f"{sheet.title}: columns {start}-{end} need {needed:.0f} "
                                f"pt at {scale:.0%}, the page has {room:.0f}")
        start = end + 1
    return scale


@pytest.mark.parametrize("name", WORKBOOKS)
def test_no_sheet_prints_below_70_percent(printed, name):
    scales = {sheet.title: effective_scale(sheet)
              for sheet in _printed_sheets(printed[name].book)}
    small = {title: f"{scale:.0%}" for title, scale in scales.items() if scale < MIN_SCALE}
    assert not small, f"{name}: printed below {MIN_SCALE:.0%}: {small}"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_charts_print_once_within_a_page(printed, name):
    """A chart over the columns repeated on each page would be printed on each page;
    a chart across a column break would be cut in two."""
    for sheet in _printed_sheets(printed[name].book):
        titles = _title_columns(sheet)
        breaks = [brk.id for brk in sheet.col_breaks.brk]
        for start, width in _charts(sheet):
            assert not titles or start > titles, f"{sheet.title}: chart under title columns"
            end = next((b for b in breaks if b >= start), sheet.max_column)
            # the narrower unit (Calibri 11, 5.25 pt) is where a chart covers most columns
            room = _width(sheet, start, end) * 5.25 / POINTS_PER_UNIT
            assert width <= room, f"{sheet.title}: chart across a page break"


@pytest.mark.parametrize("name", EXAMPLES)
def test_headers_carry_the_date_of_the_calculation_in_french(printed, name):
    """``&D`` prints the date the way the printing machine's locale writes it
    (11/23/2026 here): the output sheets carry the day of the calculation, in French
    words, written when finplan computes them."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    today = (dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
             if epoch.isdigit() else dt.date.today())
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")
    # the day the fixture built the workbooks: today, or yesterday just after midnight
    expected = {f"Calculé le {'1er' if day.day == 1 else day.day} {months[day.month - 1]} "
                f"{day.year}" for day in (today, today - dt.timedelta(days=1))}
    book = printed[name].book
    for sheet in _printed_sheets(book):
        for part in (sheet.oddHeader, sheet.oddFooter):
            for side in (part.left, part.center, part.right):
                assert "&D" not in (side.text or ""), sheet.title
    outputs = [s.title for s in _printed_sheets(book) if s.title not in ("Guide", "Hypothèses")]
    for title in outputs:
        header = book[title].oddHeader.right.text
        assert header in expected, f"{title}: {header}"
        assert header in _flat(printed[name].layout[title][0]), title
    for title, pages in printed[name].layout.items():
        for page in pages:
            assert not US_DATE.search(page), f"{title}: {US_DATE.search(page)[0]}"


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_chart_prints_whole_on_a_page_of_its_own(printed, name):
    # the charts are on Graphiques, a page each at fixed places, so that a workbook the
    # Excel button computed (it cannot set page breaks) prints as one fill computed
    pages = printed[name].layout["Graphiques"]
    titles = ("Ressources par année", "Trésorerie de fin d'année", "Trésorerie de fin de mois",
              "Point mort et recettes propres prévues")
    assert len(pages) == 4
    for page, title in zip(pages, titles):
        assert title in page and all(other not in page for other in titles if other != title)


# -- issue 29, item 3: a stale workbook prints like a fresh one, its banner on every page

@pytest.fixture(scope="module")
def stale_printed(tmp_path_factory) -> dict[str, Printed]:
    """The example as built, with an input changed, and with a result typed over."""
    from finplan.io.workbook_layout import InputLayout
    from finplan.io.workbook_write import item_counts

    folder = tmp_path_factory.mktemp("stale")
    case = finplan.load_case(finplan.demo_path())
    layout = InputLayout.for_counts(item_counts(case))
    sources = {}
    for name in ("à jour", "hypothèse changée", "résultat modifié"):
        book = build_workbook(case).workbook
        if name == "hypothèse changée":
            book["Hypothèses"][layout.cell("revenue", 0, "unit_price")] = 1000
        elif name == "résultat modifié":
            funders = book["Financeurs"]
            row = next(r for r in range(1, funders.max_row + 1)
                       if funders.cell(r, 2).value == "SIETOM de Chalosse")
            funders.cell(row, 5).value = 35000
        sources[name] = folder / f"{len(sources)}.xlsx"
        book.save(sources[name])
    return print_workbooks(folder, sources)


def _scale(words: list[tuple[float, float, float, float, str]]) -> float:
    """The printed height of a page's words, a measure of its scale (median)."""
    heights = sorted(round(y1 - y0, 1) for _, y0, _, y1, _ in words)
    return heights[len(heights) // 2]


@pytest.mark.parametrize("name", ["hypothèse changée", "résultat modifié"])
def test_a_stale_workbook_keeps_its_pages_and_scale(stale_printed, name):
    fresh, stale = stale_printed["à jour"], stale_printed[name]
    assert {sheet: len(pages) for sheet, pages in stale.words.items()} == \
        {sheet: len(pages) for sheet, pages in fresh.words.items()}
    changed = {sheet: (_scale(fresh.words[sheet][0]), _scale(pages[0]))
               for sheet, pages in stale.words.items()
               if abs(_scale(pages[0]) - _scale(fresh.words[sheet][0])) > 0.2}
    assert not changed, f"scale changed by the banner: {changed}"


@pytest.mark.parametrize("name", ["hypothèse changée", "résultat modifié"])
def test_the_banner_prints_whole_on_every_page_of_a_result_sheet(stale_printed, name):
    from finplan.io.workbook_layout import OUTPUT_SHEETS, SHEETS
    from finplan.io.workbook_snapshot import BANNER, TYPED_BANNER

    printed = stale_printed[name]
    banner = _flat(BANNER if name == "hypothèse changée" else TYPED_BANNER)
    sheets = ([SHEETS[key] for key in OUTPUT_SHEETS if key not in ("checks", "charts")]
              if name == "hypothèse changée" else ["Financeurs", "Plan de financement"])
    missing = {}
    for sheet in sheets:
        pages = printed.raw[sheet]
        without = [number for number, text in enumerate(pages, start=1)
                   if banner not in _flat(text)]
        if without:
            missing[sheet] = f"{len(without)} of {len(pages)} pages: {without[:5]}"
    assert not missing, missing


# -- issue 29, item 4: a 5-year plan prints right ------------------------------------

def five_year_demo() -> dict:
    """The example over five years: every per-year list carried on with its last
    value."""
    import tomllib

    raw = tomllib.loads(finplan.demo_path().read_text("utf-8"))
    years = raw["project"]["years"]

    def extend(node):
        if isinstance(node, dict):
            return {key: extend(value) for key, value in node.items()}
        if isinstance(node, list) and len(node) == years and all(
                isinstance(value, (int, float)) for value in node):
            return [*node, *[node[-1]] * (5 - years)]
        if isinstance(node, list):
            return [extend(value) for value in node]
        return node

    raw = extend(raw)
    raw["project"]["years"] = 5
    return raw


@pytest.fixture(scope="module")
def five_years(tmp_path_factory) -> Printed:
    folder = tmp_path_factory.mktemp("five")
    source = folder / "cinq-ans.xlsx"
    build_workbook(finplan.load_case(five_year_demo())).workbook.save(source)
    return print_workbooks(folder, {"cinq ans": source})["cinq ans"]


def test_every_page_of_a_five_year_budget_and_calculs_carries_its_labels(five_years):
    """Split across pages, each page repeats the line labels (column B): some of them
    print on every page, never a page of figures alone (« 2031 | Total »). A page
    without any amount (the notes under the Budget running onto a page of their own)
    has no figures to label."""
    for sheet in ("Budget", "Calculs"):
        labels = {_flat(cell.value) for cell in five_years.book[sheet]["B"][4:]
                  if isinstance(cell.value, str) and len(cell.value) > 12}
        pages = [_flat(text) for text in five_years.raw[sheet]]
        assert len(pages) > 1, sheet
        without = [number for number, text in enumerate(pages, start=1)
                   if sum(label in text for label in labels) < 3
                   and re.search(r"\d[.,]\d\d\b", text)]
        assert not without, f"{sheet}: pages {without} without the labels"


@pytest.mark.parametrize("name", ["cinq ans", *WORKBOOKS])
def test_no_page_of_the_inputs_is_only_its_repeated_labels(printed, five_years, name):
    """Issue 29: the Hypothèses of a 5-year plan printed 27 pages, many of them the
    line labels repeated beside nothing (a narrow table's share of the columns of the
    widest). Now each page carries figures or headers of its own, and the sheet
    prints on a few pages."""
    found = five_years if name == "cinq ans" else printed[name]
    sheet = found.book[INPUT_SHEET]
    # the line labels: column B's texts, but for those that are also figures of a
    # line (a collective's member ids, in column B of its table, and in each line's
    # « Membre » column)
    figures = {_flat(cell.value) for row in sheet.iter_rows(min_col=3) for cell in row
               if isinstance(cell.value, str)}
    labels = sorted({_flat(cell.value) for cell in sheet["B"] if isinstance(cell.value, str)}
                    - figures, key=len, reverse=True)
    margins = [_flat(part) for part in (sheet.oddHeader.left.text, sheet.oddHeader.center.text)
               if part]
    pages = found.raw[INPUT_SHEET]
    for number, text in enumerate(pages, start=1):
        rest = _flat(text)
        for known in [*labels, *margins, INPUT_SHEET]:
            rest = rest.replace(known, " ")
        rest = re.sub(r"Page \d+ / \d+", " ", rest)
        assert re.search(r"\w", rest), f"{name}: page {number} of {INPUT_SHEET} has only labels"
    collective = name in EXAMPLES and bool(finplan.load_case(EXAMPLES[name]).members)
    assert len(pages) <= _bound(INPUT_SHEET, collective), f"{name}: {len(pages)} pages"


def test_the_funding_mix_stands_under_its_own_years(five_years):
    """The mix's years are the funders' year columns: on every page, under the header
    repeated at its top, each figure stands under its year."""
    book = five_years.book
    funders = book["Financeurs"]
    header = {cell.column: cell.value for cell in funders[4] if cell.value}
    mix = next(row for row in range(5, funders.max_row + 1)
               if funders.cell(row, 4).value == "Ressources")
    for cell in funders[mix][2:]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            year = int(cell.value.replace("=p_annee1", "").replace("+", "") or 0)
            assert header[cell.column] == f"=p_annee1+{year}" if year else "=p_annee1"


def test_no_minus_zero_is_printed(five_years):
    for sheet, pages in five_years.layout.items():
        for number, text in enumerate(pages, start=1):
            assert not re.search(r"-0[.,]00\b", text), f"{sheet} page {number}"


def test_the_reconciliation_prints_with_its_numbers(five_years):
    """Under the financing plan, a year a column: each label on the page of its
    figures (never a page of labels without them)."""
    pages = five_years.layout["Plan de financement"]
    assert len(pages) == 1
    line = next(line for line in pages[0].splitlines()
                if "écart avec la feuille Trésorerie" in line)
    assert line.count("–") == 5  # a dash a year: no gap
    assert not any("RAPPROCHEMENT" in text for text in five_years.layout["Trésorerie"])
