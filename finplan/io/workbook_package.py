"""A fill puts finplan's sheets into the user's workbook package and leaves every
other part of it as it was, byte for byte.

openpyxl cannot carry everything a workbook holds (text boxes and shapes,
threaded comments, sparklines, x14 validations and data bars, dynamic arrays,
connections, slicers, pivot caches, form controls, macros, the cached values of
formulas, rich text…).  So a fill never saves the user's workbook through
openpyxl: openpyxl writes finplan's sheets (the output sheets and the hidden
``Listes``), and :func:`merge_sheets` copies them, with their drawings and
charts, into the *original* package:

- the user's parts are copied unchanged — every sheet but finplan's, input
  sheet included (values, formulas and their cached values, formatting);
- ``styles.xml`` is only appended to: the cell formats finplan's sheets use are
  added after the user's (an identical format already there is reused, so the
  file does not grow from one fill to the next), and finplan's sheets point to
  them; their texts are written inline, so the shared strings are untouched;
- ``workbook.xml`` keeps every element; only finplan's defined names are
  replaced, a sheet finplan adds is inserted after finplan's previous sheet (the
  indexes of sheet-scoped names and views follow), and the calculation chain is
  dropped with ``fullCalcOnLoad`` set so Excel recomputes every formula;
- before a finplan sheet is replaced, :func:`user_additions` lists what the user
  added to it that finplan would not write again (comments, shapes, validations,
  merged cells, recent-Excel extensions…): the caller refuses rather than drop it.

Finally the merged package is checked against the original: every part that is
neither finplan's nor one of the four edited ones must be there, byte for byte.
"""

from __future__ import annotations

import copy
import html
import io
import itertools
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

from finplan.errors import FinplanError
from finplan.io.sheet_marks import finplan_title, referred_sheets, refuse_additions
from finplan.model.vocabulary import counted, spaced

__all__ = ["merge_sheets", "charts_by_sheet"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_REL_TYPES = _OFFICE_RELS + "/"
_WORKSHEET_TYPE = _REL_TYPES + "worksheet"
_WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_WORKBOOK, _CONTENT_TYPES = "xl/workbook.xml", "[Content_Types].xml"
#: the start of the name of finplan's charts (fill's and the Excel button's): its mark
CHART_MARK = "finplan "
#: Excel's limit of unique cell formats in a workbook (« Spécifications et limites
#: d'Excel »: 64 000)
MAX_CELL_FORMATS = 64_000

# Worksheet elements finplan writes itself, or that only set out a sheet: replacing
# them loses nothing of the user's.
_LAYOUT_ELEMENTS = {"sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols",
                    "sheetData", "printOptions", "pageMargins", "pageSetup", "headerFooter",
                    "rowBreaks", "colBreaks", "drawing", "ignoredErrors", "phoneticPr",
                    "sheetCalcPr"}
_ELEMENT_WORDS = {
    "dataValidations": "des listes de validation",
    "conditionalFormatting": "des mises en forme conditionnelles",
    "mergeCells": "des cellules fusionnées",
    "hyperlinks": "des liens hypertexte",
    "extLst": "des éléments d'Excel récent (sparklines, barres de données, validations…)",
    "sheetProtection": "une protection de la feuille",
    "protectedRanges": "des plages protégées",
    "autoFilter": "un filtre automatique",
    "sortState": "un tri enregistré",
    "tableParts": "des tableaux",
    "picture": "une image d'arrière-plan",
    "legacyDrawing": "des commentaires",
    "legacyDrawingHF": "des images d'en-tête ou de pied de page",
    "oleObjects": "des objets incorporés",
    "controls": "des contrôles de formulaire",
    "customSheetViews": "des affichages personnalisés",
    "scenarios": "des scénarios Excel",
}
# Relationships of a finplan sheet that carry nothing of the user's.
_OWN_RELATIONS = {"drawing", "printerSettings"}
_RELATION_WORDS = {
    "comments": "des commentaires",
    "threadedComment": "des commentaires en fil de discussion",
    "vmlDrawing": "des commentaires ou des contrôles de formulaire",
    "table": "des tableaux",
    "pivotTable": "des tableaux croisés dynamiques",
    "hyperlink": "des liens hypertexte",
    "image": "une image d'arrière-plan",
    "ctrlProp": "des contrôles de formulaire",
    "oleObject": "des objets incorporés",
    "package": "des objets incorporés",
    "slicer": "des segments",
    "timeline": "des chronologies",
}


@dataclass(frozen=True)
class _Relation:
    id: str
    type: str
    target: str  # a part name, or the external address
    external: bool

    @property
    def kind(self) -> str:
        """The last word of the type (``drawing``, ``comments``…)."""
        return self.type.rsplit("/", 1)[-1]


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


class _Package:
    """The parts of a workbook package, with what a merge changes kept aside."""

    def __init__(self, data: bytes | str, known: Collection[str] = ()) -> None:
        """``known``: finplan's titles, a sheet Excel takes for one of them being
        given finplan's spelling (:func:`finplan.io.sheet_marks.finplan_title`)."""
        self.zip = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        self.known = known
        self.names = self.zip.namelist()
        self.changed: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def read(self, name: str) -> bytes:
        return self.changed[name] if name in self.changed else self.zip.read(name)

    def exists(self, name: str) -> bool:
        return name not in self.removed and (name in self.changed or name in self.names)

    def text(self, name: str) -> str:
        return self.read(name).decode("utf-8")

    def relations(self, part: str) -> list[_Relation]:
        rels = _rels_name(part)
        if not self.exists(rels):
            return []
        root = SafeET.fromstring(self.read(rels))
        found = []
        for rel in root.iter(f"{{{_PACKAGE_RELS}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            found.append(_Relation(rel.get("Id", ""), rel.get("Type", ""),
                                   target if external else _resolve(part, target), external))
        return found

    def sheets(self) -> list[tuple[str, str]]:
        """(title, part) of every sheet, in the workbook's order (finplan's sheets under
        finplan's spelling)."""
        return [(finplan_title(title, self.known), part) for title, part in self.raw_sheets()]

    def raw_sheets(self) -> list[tuple[str, str]]:
        """(title, part) of every sheet, titles as the workbook spells them."""
        targets = {rel.id: rel.target for rel in self.relations(_WORKBOOK)}
        root = SafeET.fromstring(self.read(_WORKBOOK))
        return [(sheet.get("name", ""), targets.get(sheet.get(f"{{{_OFFICE_RELS}}}id"), ""))
                for sheet in root.iter(f"{{{_MAIN}}}sheet")]

    def reachable(self, part: str) -> set[str]:
        """Every internal part ``part`` leads to through relationships (not itself)."""
        seen: set[str] = set()
        todo = [part]
        while todo:
            for rel in self.relations(todo.pop()):
                if not rel.external and rel.target not in seen and rel.target != part:
                    seen.add(rel.target)
                    todo.append(rel.target)
        return seen

    def content_type(self, part: str) -> str:
        text = self.text(_CONTENT_TYPES)
        found = re.search(rf'<(?:\w+:)?Override\b[^>]*PartName="/{re.escape(part)}"[^>]*>',
                          text)
        if found:
            return re.search(r'ContentType="([^"]*)"', found.group(0)).group(1)
        extension = part.rsplit(".", 1)[-1]
        found = re.search(rf'<(?:\w+:)?Default\b[^>]*Extension="{extension}"[^>]*>', text,
                          re.IGNORECASE)
        return re.search(r'ContentType="([^"]*)"', found.group(0)).group(1) if found else ""

    @cached_property
    def charts_marked(self) -> bool:
        """Whether finplan's mark is on some chart of the package (a workbook filled
        since the marks): then a chart without it is the user's."""
        mark = f'name="{CHART_MARK}'.encode()
        return any(mark in self.zip.read(name) for name in self.names
                   if name.startswith("xl/drawings/") and name.endswith(".xml"))

    def free_name(self, like: str, taken: set[str]) -> str:
        """A part name of the same folder and stem as ``like`` that nothing uses."""
        folder, name = posixpath.split(like)
        stem, extension = re.match(r"(.*?)\d*(\.[^.]*)$", name).groups()
        number = 1
        while True:
            candidate = posixpath.join(folder, f"{stem}{number}{extension}")
            if not self.exists(candidate) and candidate not in taken:
                return candidate
            number += 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def user_additions(old: _Package, part: str, new: _Package, new_part: str | None
                   ) -> list[str]:
    """What the sheet ``part`` of ``old`` holds that finplan's new version of it
    (``new_part`` of ``new``, or nothing) would not: in French words."""
    new = new if new_part else None
    found = []
    kinds = {rel.kind for rel in old.relations(part)} - _OWN_RELATIONS
    found += sorted({_RELATION_WORDS.get(kind, f"des éléments « {kind} »") for kind in kinds})
    old_elements = _top_elements(old.read(part))
    new_elements = _top_elements(new.read(new_part)) if new else Counter()
    for element, count in old_elements.items():
        if element not in _LAYOUT_ELEMENTS and count > new_elements[element]:
            word = _ELEMENT_WORDS.get(element, f"des éléments « {element} »")
            if word not in found:
                found.append(word)
    drawn = _drawing_objects(old, part)
    if old.charts_marked:  # finplan marks its charts: any other chart is the user's
        users = drawn.theirs
    else:  # a workbook of a finplan before the marks: its charts by count, and those it
        # drew on the result sheets before « Graphiques » by title
        new_charts = _drawing_objects(new, new_part).charts if new else 0
        users = drawn.charts - new_charts - sum(
            1 for title in _chart_titles(old, part) if title in FORMER_CHARTS)
    if drawn.other:
        found.append("des formes, zones de texte ou images")
    if drawn.inside:
        found.append("des formes ou zones de texte dans un graphique")
    if users > 0:
        found.append(counted(users, "graphique"))
    return found


_SHEET_DATA = re.compile(rb"<((?:\w+:)?)sheetData\b[^>]*?(?:/>|>.*?</\1sheetData>)", re.S)


def _top_elements(xml: bytes) -> Counter:
    """How many of each element a worksheet holds at its top level: its cells
    (``sheetData``, most of the part) are skipped before the rest is parsed.

    >>> _top_elements(b'<worksheet xmlns="urn:x"><sheetData><row r="1"><c r="A1"/></row>'
    ...               b'</sheetData><mergeCells/><mergeCells/></worksheet>')
    Counter({'mergeCells': 2, 'sheetData': 1})
    """
    light = _SHEET_DATA.sub(lambda found: b"<" + found.group(1) + b"sheetData/>", xml, count=1)
    return Counter(_local(child.tag) for child in SafeET.fromstring(light))


_CELL = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(/>|>(.*?)</\1c>)", re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
_FILLED = re.compile(rb"<(?:\w+:)?(?:f\b|is\b|v>[^<])")
_EMPTY_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                b'main"><sheetData/></worksheet>')


def filled_cells(xml: bytes) -> set[str] | None:
    """The cells of a worksheet part that hold a value or a formula — what openpyxl
    would load as not empty — read straight from its XML (None: a cell without its
    address, which only a full load can place).

    >>> sorted(filled_cells(b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
    ...                     b'<c r="B1" s="2"/><c r="C1"><f>A1</f><v/></c></row></sheetData>'
    ...                     b'</worksheet>'))
    ['A1', 'C1']
    >>> filled_cells(b'<sheetData><row><c><v>1</v></c></row></sheetData>') is None
    True
    """
    found = set()
    for cell in _CELL.finditer(xml):
        body = cell.group(4)
        if not body or not _FILLED.search(body):
            continue
        address = _CELL_REF.search(cell.group(2))
        if address is None:
            return None
        found.add(address.group(1).decode("ascii"))
    return found


def without_cells(path: str, titles: Collection[str]) -> tuple[bytes, dict[str, set[str]]]:
    """The package of ``path`` with the sheets ``titles`` emptied (no cells, no drawing,
    no relationship) so that openpyxl loads the rest fast, and the cells those sheets
    held (:func:`filled_cells`).  A sheet that cannot be read this way is kept whole
    (absent from the cells returned).

    A fill rewrites finplan's result sheets: it needs their filled cells (to refuse
    rather than drop what a user typed there), not a model of them.
    """
    package = _Package(path, titles)
    try:
        emptied, cells = {}, {}
        for title, part in package.sheets():
            if title not in titles or not package.exists(part):
                continue
            found = filled_cells(package.read(part))
            if found is not None:
                emptied[part], cells[title] = _EMPTY_SHEET, found
        dropped = {_rels_name(part) for part in emptied}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as light:
            for name in package.names:
                if name in emptied:
                    light.writestr(name, emptied[name])
                elif name not in dropped:
                    light.writestr(name, package.zip.read(name))
        return buffer.getvalue(), cells
    finally:
        package.zip.close()


#: the titles of the charts finplan drew on its result sheets before they moved to
#: « Graphiques »: such a chart on a result sheet is finplan's, replaced by a fill
FORMER_CHARTS = ("Ressources par année", "Trésorerie de fin d'année",
                 "Trésorerie de fin de mois")


def _chart_titles(package: _Package, part: str) -> list[str]:
    """The title of each chart drawn on a sheet (its text, runs joined)."""
    titles = []
    for rel in package.relations(part):
        if rel.kind != "drawing" or rel.external or not package.exists(rel.target):
            continue
        for chart in package.relations(rel.target):
            if chart.external or not package.exists(chart.target) or "chart" not in chart.kind:
                continue
            root = SafeET.fromstring(package.read(chart.target))
            title = root.find(f".//{{{_CHART}}}title")
            if title is not None:
                titles.append("".join(text.text or "" for text in title.iter(
                    "{http://schemas.openxmlformats.org/drawingml/2006/main}t")))
    return titles


def charts_by_sheet(data: bytes | str) -> dict[str, int]:
    """How many charts each sheet of a workbook package shows, by sheet name.

    >>> import io
    >>> from openpyxl import Workbook
    >>> from openpyxl.chart import BarChart, Reference
    >>> book = Workbook(); sheet = book.active; sheet["A1"] = 1
    >>> chart = BarChart(); chart.add_data(Reference(sheet, min_col=1, min_row=1))
    >>> sheet.add_chart(chart, "C3"); buffer = io.BytesIO(); book.save(buffer)
    >>> charts_by_sheet(buffer.getvalue())
    {'Sheet': 1}
    """
    package = _Package(data)
    try:
        counts = {title: _drawing_objects(package, part).charts
                  for title, part in package.sheets()}
    finally:
        package.zip.close()
    return {title: count for title, count in counts.items() if count}


@dataclass(frozen=True)
class _Drawn:
    """What is drawn on a sheet: finplan's charts (its mark, :data:`CHART_MARK`), the
    other charts, other objects (shapes, text boxes, pictures) and the shapes drawn
    inside a chart."""

    ours: int = 0
    theirs: int = 0
    other: int = 0
    inside: int = 0

    @property
    def charts(self) -> int:
        return self.ours + self.theirs


def _drawing_objects(package: _Package, part: str) -> _Drawn:
    """What is drawn on the sheet ``part`` (:class:`_Drawn`)."""
    ours = theirs = other = inside = 0
    for rel in package.relations(part):
        if rel.kind != "drawing" or rel.external or not package.exists(rel.target):
            continue
        charts = {chart.id: chart.target for chart in package.relations(rel.target)}
        for anchor in SafeET.fromstring(package.read(rel.target)):
            if _local(anchor.tag) not in ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor"):
                continue
            shapes = [_local(child.tag) for child in anchor
                      if _local(child.tag) not in ("from", "to", "pos", "ext", "clientData")]
            chart = anchor.find(f".//{{{_CHART}}}chart")
            if shapes == ["graphicFrame"] and chart is not None:
                frame = anchor.find(f".//{{{_DRAWING}}}cNvPr")
                name = frame.get("name", "") if frame is not None else ""
                if name.startswith(CHART_MARK):
                    ours += 1
                else:
                    theirs += 1
                target = charts.get(chart.get(f"{{{_OFFICE_RELS}}}id"), "")
                if package.exists(target) and any(inner.kind == "chartUserShapes"
                                                  for inner in package.relations(target)):
                    inside += 1
            elif shapes:
                other += 1
    return _Drawn(ours, theirs, other, inside)


def mark_drawing(xml: bytes) -> bytes:
    """finplan's mark on the objects of a drawing it wrote (its charts' frames): the
    name « finplan N », which the Excel button gives its charts too.

    >>> mark_drawing(b'<xdr:cNvPr id="2" name="Chart 1"/>')
    b'<xdr:cNvPr id="2" name="finplan 1"/>'
    """
    count = itertools.count(1)
    return re.sub(rb'(<(?:\w+:)?cNvPr\b[^>]*?\bname=")[^"]*(")',
                  lambda found: found.group(1) + f"{CHART_MARK}{next(count)}".encode()
                  + found.group(2), xml)


class _Styles:
    """The user's ``styles.xml`` with the formats of finplan's sheets appended."""

    _COLLECTIONS = ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")

    def __init__(self, old: bytes, new: bytes) -> None:
        self.text = old.decode("utf-8")
        self.prefix = re.search(r"<(\w+:)?styleSheet\b", self.text).group(1) or ""
        old_root, new_root = SafeET.fromstring(old), SafeET.fromstring(new)
        self.old = {name: self._children(old_root, name) for name in self._COLLECTIONS}
        self.new = {name: self._children(new_root, name) for name in self._COLLECTIONS}
        self.index: dict[str, dict[tuple, int]] = {
            name: {_canonical(e): i for i, e in reversed(list(enumerate(items)))}
                      for name, items in self.old.items()}
        self.added: dict[str, list[str]] = {name: [] for name in self._COLLECTIONS}
        self.formats = {e.get("formatCode"): int(e.get("numFmtId"))
                        for e in self.old["numFmts"]}
        self.new_formats = {int(e.get("numFmtId")): e.get("formatCode")
                            for e in self.new["numFmts"]}
        self.memo: dict[tuple[str, int], int] = {}

    @staticmethod
    def _children(root: ET.Element, name: str) -> list[ET.Element]:
        found = root.find(f"{{{_MAIN}}}{name}")
        return list(found) if found is not None else []

    def _append(self, name: str, element: ET.Element) -> int:
        canonical = _canonical(element)
        if canonical in self.index[name]:
            return self.index[name][canonical]
        position = len(self.old[name]) + len(self.added[name])
        self.added[name].append(_serialise(element, self.prefix))
        self.index[name][canonical] = position
        return position

    def _format(self, number: int) -> int:
        if number < 164 or number not in self.new_formats:
            return number
        code = self.new_formats[number]
        if code not in self.formats:
            used = [*self.formats.values(), 163]
            self.formats[code] = max(used) + 1
            element = ET.Element(f"{{{_MAIN}}}numFmt",
                                 {"numFmtId": str(self.formats[code]), "formatCode": code})
            self._append("numFmts", element)
        return self.formats[code]

    def cell_format(self, number: int) -> int:
        """The index, in the merged styles, of finplan's cell format ``number``."""
        key = ("cellXfs", number)
        if key not in self.memo:
            xf = copy.deepcopy(self.new["cellXfs"][number])
            xf.set("numFmtId", str(self._format(int(xf.get("numFmtId", "0")))))
            for attribute, collection in (("fontId", "fonts"), ("fillId", "fills"),
                                          ("borderId", "borders")):
                source = int(xf.get(attribute, "0"))
                xf.set(attribute, str(self._append(collection,
                                                   self.new[collection][source])))
            xf.set("xfId", "0")
            self.memo[key] = self._append("cellXfs", xf)
        return self.memo[key]

    def differential(self, number: int) -> int:
        """The index, in the merged styles, of finplan's differential format ``number``."""
        key = ("dxfs", number)
        if key not in self.memo:
            self.memo[key] = self._append("dxfs", self.new["dxfs"][number])
        return self.memo[key]

    def refuse_too_many(self) -> None:
        """Refuse a merge that would pass Excel's limit of cell formats: Excel would open
        the file with « Trop de formats de cellules différents » and drop formatting."""
        had, added = len(self.old["cellXfs"]), len(self.added["cellXfs"])
        if had + added > MAX_CELL_FORMATS:
            raise FinplanError(
                f"Ce classeur a déjà {spaced(had)} formats de cellule différents : avec les "
                f"{spaced(added)} des feuilles de finplan, il dépasserait les "
                f"{spaced(MAX_CELL_FORMATS)} qu'Excel accepte (Excel ouvrirait le fichier en "
                "signalant « Trop de formats de cellules différents » et perdrait des mises "
                "en forme). Allégez-le d'abord (ils viennent souvent de copier-coller depuis "
                "d'autres classeurs) : dans Excel, supprimez les styles de cellule inutiles "
                "(Accueil > Styles de cellules, clic droit > Supprimer), ou copiez vos "
                "saisies dans un modèle finplan neuf. Rien n'a été modifié.")

    def merged(self) -> str:
        """The user's styles.xml with the added formats, nothing else changed."""
        text = self.text
        for name in self._COLLECTIONS:
            if self.added[name]:
                text = self._insert(text, name, "".join(self.added[name]),
                                    len(self.old[name]) + len(self.added[name]))
        return text

    def _insert(self, text: str, name: str, snippets: str, count: int) -> str:
        tag = self.prefix + name
        opening = re.search(rf"<{re.escape(tag)}\b[^>]*?(/?)>", text)
        if opening is None:
            block = f'<{tag} count="{count}">{snippets}</{tag}>'
            if name == "numFmts":
                start = re.search(r"<(\w+:)?styleSheet\b[^>]*>", text).end()
            else:  # dxfs: after cellStyles, before the elements that follow it
                start = re.search(rf"<{self.prefix}(tableStyles|colors|extLst)\b|"
                                  rf"</{self.prefix}styleSheet>", text).start()
            return text[:start] + block + text[start:]
        head = re.sub(r'\scount="\d*"', "", opening.group(0).rstrip("/>").rstrip(">"))
        head = f'{head} count="{count}">'
        if opening.group(1):  # <dxfs count="0"/>
            return text[:opening.start()] + head + snippets + f"</{tag}>" + text[
                opening.end():]
        closing = text.index(f"</{tag}>", opening.end())
        return (text[:opening.start()] + head + text[opening.end():closing] + snippets
                + text[closing:])


def _serialise(element: ET.Element, prefix: str) -> str:
    """A styles element as XML text in the user's prefix for the main namespace (the
    formats openpyxl writes hold main-namespace elements and plain attributes)."""
    tag = prefix + _local(element.tag)
    attributes = "".join(f' {key}="{_escape(value)}"' for key, value in element.attrib.items())
    inner = _escape(element.text or "") + "".join(_serialise(child, prefix)
                                                  for child in element)
    return f"<{tag}{attributes}>{inner}</{tag}>" if inner else f"<{tag}{attributes}/>"


def _canonical(element: ET.Element) -> tuple:
    """What makes two styles elements the same format: tag, attributes in any order,
    text without surrounding blanks, children in order (namespaces as URIs) — the
    content of their canonical XML with text stripped, without writing it."""
    return (element.tag, tuple(sorted(element.attrib.items())),
            (element.text or "").strip(), tuple(_canonical(child) for child in element))


_STYLED = re.compile(r'(<(?:c|row)\b[^>]*?\ss=")(\d+)"')
_COLUMN = re.compile(r'(<col\b[^>]*?\sstyle=")(\d+)"')
_RULE = re.compile(r'(<cfRule\b[^>]*?\sdxfId=")(\d+)"')
_SHARED = re.compile(r'<c\b([^>]*?)\st="s"([^>]*)><v>(\d+)</v></c>')


def _restyle(sheet: str, styles: _Styles, strings: list[str]) -> str:
    """finplan's sheet XML (as openpyxl writes it) pointing at the merged styles, its
    shared strings written inline."""
    def attribute(convert):
        return lambda found: f'{found.group(1)}{convert(int(found.group(2)))}"'

    sheet = _SHARED.sub(lambda f: f'<c{f.group(1)} t="inlineStr"{f.group(2)}><is>'
                        f"{strings[int(f.group(3))]}</is></c>", sheet)
    sheet = _STYLED.sub(attribute(styles.cell_format), sheet)
    sheet = _COLUMN.sub(attribute(styles.cell_format), sheet)
    return _RULE.sub(attribute(styles.differential), sheet)


def _shared_strings(package: _Package) -> list[str]:
    """The inner XML of each shared string of a package written by openpyxl."""
    name = "xl/sharedStrings.xml"
    if not package.exists(name):
        return []
    return re.findall(r"<si>(.*?)</si>", package.text(name), re.DOTALL)


def _relationships_xml(relations: Sequence[_Relation]) -> bytes:
    items = "".join(
        f'<Relationship Id="{r.id}" Type="{r.type}" Target="'
        + (_escape(r.target) + '" TargetMode="External"' if r.external
           else "/" + r.target + '"') + "/>" for r in relations)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            f'xmlns="{_PACKAGE_RELS}">{items}</Relationships>').encode()


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


_NAME = re.compile(r"<(\w+:)?definedName\b([^>]*?)(?:/>|>(.*?)</\1?definedName>)", re.DOTALL)


def _attribute(attributes: str, name: str) -> str | None:
    found = re.search(rf'\b{name}=(["\'])(.*?)\1', attributes)
    return found.group(2) if found else None


class _Merge:
    """One merge of finplan's sheets from ``new`` into ``old``."""

    def __init__(self, old: _Package, new: _Package, titles: Sequence[str],
                 order: Sequence[str], names: Collection[str]) -> None:
        self.old, self.new, self.titles, self.order = old, new, titles, order
        self.names = set(names)
        self.styles = _Styles(old.read("xl/styles.xml"), new.read("xl/styles.xml"))
        self.strings = _shared_strings(new)
        self.content_types: dict[str, str] = {}
        self.taken: set[str] = set()

    def run(self) -> None:
        old_sheets = dict(self.old.sheets())
        new_sheets = dict(self.new.sheets())
        replaced = [old_sheets[title] for title in self.titles if title in old_sheets]
        for part in replaced:
            self._remove_related(part, set(old_sheets.values()))
        added = []
        for title in self.titles:
            part = old_sheets.get(title)
            if part is None:
                part = self.old.free_name("xl/worksheets/sheet1.xml", self.taken)
                self.taken.add(part)
                self.content_types[part] = _WORKSHEET_CONTENT
                added.append((title, part))
            self._copy_sheet(new_sheets[title], part)
        self.styles.refuse_too_many()
        self._remove_calculation_chain()
        self._edit_workbook(added)
        self.old.changed["xl/styles.xml"] = self.styles.merged().encode("utf-8")
        self._edit_content_types()

    def _remove_related(self, part: str, sheets: set[str]) -> None:
        """Drop the drawings, charts… only finplan's old sheet ``part`` used."""
        related = self.old.reachable(part) - sheets
        elsewhere = set()
        for name in self.old.names:
            if name.endswith(".rels") or name in related or name == part:
                continue
            elsewhere |= {rel.target for rel in self.old.relations(name)}
        for name in related - elsewhere:
            self.old.removed |= {name, _rels_name(name)}
        self.old.removed.add(_rels_name(part))

    def _copy_sheet(self, source: str, part: str) -> None:
        xml = _restyle(self.new.text(source), self.styles, self.strings)
        self.old.changed[part] = xml.encode("utf-8")
        self.old.removed.discard(part)
        relations = self._copy_related(source)
        if relations:
            self.old.changed[_rels_name(part)] = _relationships_xml(relations)
            self.old.removed.discard(_rels_name(part))
        else:
            self.old.changed.pop(_rels_name(part), None)

    def _copy_related(self, source: str) -> list[_Relation]:
        """Copy the parts ``source`` points to (drawing, charts…) under free names."""
        copied = []
        for rel in self.new.relations(source):
            if rel.external:
                copied.append(rel)
                continue
            target = self.old.free_name(rel.target, self.taken)
            self.taken.add(target)
            data = self.new.read(rel.target)
            self.old.changed[target] = mark_drawing(data) if rel.kind == "drawing" else data
            self.old.removed.discard(target)
            self.content_types[target] = self.new.content_type(rel.target)
            inner = self._copy_related(rel.target)
            if inner:
                self.old.changed[_rels_name(target)] = _relationships_xml(inner)
                self.old.removed.discard(_rels_name(target))
            copied.append(_Relation(rel.id, rel.type, target, False))
        return copied

    def _remove_calculation_chain(self) -> None:
        for rel in self.old.relations(_WORKBOOK):
            if rel.kind == "calcChain":
                self.old.removed.add(rel.target)

    def _edit_workbook(self, added: list[tuple[str, str]]) -> None:
        text = self.old.text(_WORKBOOK)
        prefix = re.search(r"<(\w+:)?workbook\b", text).group(1) or ""
        titles = [title for title, _ in self.old.sheets()]
        positions = list(range(len(titles)))  # new position of each old sheet
        new_states = {name: state for name, state in re.findall(
            r'<sheet\b[^>]*name="([^"]*)"[^>]*state="(\w+)"', self.new.text(_WORKBOOK))}
        ids = [int(i) for i in re.findall(r'<(?:\w+:)?sheet\b[^>]*sheetId="(\d+)"', text)]
        relation_ids = {rel.id for rel in self.old.relations(_WORKBOOK)}
        new_relations = []
        for title, part in added:
            before = [i for i, name in enumerate(titles) if name in self.order
                      and self.order.index(name) < self.order.index(title)]
            at = max(before) + 1 if before else len(titles)
            positions = [p + 1 if p >= at else p for p in positions]
            titles.insert(at, title)
            number = len(relation_ids) + 1
            while f"rId{number}" in relation_ids:
                number += 1
            relation_ids.add(f"rId{number}")
            new_relations.append(_Relation(f"rId{number}", _WORKSHEET_TYPE, part, False))
            ids.append(max(ids, default=0) + 1)
            state = new_states.get(_escape(title), "visible")
            element = (f'<{prefix}sheet xmlns:r="{_OFFICE_RELS}" name="{_escape(title)}" '
                       f'sheetId="{ids[-1]}"' + (f' state="{state}"' if state != "visible"
                                                else "") + f' r:id="rId{number}"/>')
            text = self._insert_sheet(text, prefix, element, at)
        text = self._renumber_views(text, positions)
        text = self._respell(text, prefix)
        text = self._replace_names(text, prefix, positions, titles)
        text = self._full_calculation(text, prefix)
        self.old.changed[_WORKBOOK] = text.encode("utf-8")
        rels = self.old.text(_rels_name(_WORKBOOK))
        for rel in self.old.relations(_WORKBOOK):
            if rel.target in self.old.removed:
                rels = re.sub(rf'<(\w+:)?Relationship\b[^>]*\bId="{rel.id}"[^>]*/>', "", rels)
        extra = "".join(f'<Relationship Id="{r.id}" Type="{r.type}" Target="/{r.target}"/>'
                        for r in new_relations)
        rels = re.sub(r"(</(\w+:)?Relationships>)", lambda f: extra + f.group(1), rels)
        self.old.changed[_rels_name(_WORKBOOK)] = rels.encode("utf-8")

    @staticmethod
    def _insert_sheet(text: str, prefix: str, element: str, at: int) -> str:
        # an empty element, self-closing or not (<sheet …></sheet>, as some writers do)
        sheets = list(re.finditer(rf"<{prefix}sheet\b[^>]*?(?:/>|>\s*</{prefix}sheet>)",
                                  text))
        start = sheets[at].start() if at < len(sheets) else text.index(f"</{prefix}sheets>")
        return text[:start] + element + text[start:]

    def _respell(self, text: str, prefix: str) -> str:
        """finplan's spelling for its sheets a user renamed but for case (Excel takes
        « TRÉSORERIE » for « Trésorerie »; the user's formulas still point to it)."""
        for old, _ in self.old.raw_sheets():
            title = finplan_title(old, self.old.known)
            if old != title:
                spelt = _escape(title)
                text = re.sub(rf'(<{prefix}sheet\b[^>]*?\bname=")'
                              rf'{re.escape(_escape(old))}(")',
                              lambda found, spelt=spelt: found.group(1) + spelt + found.group(2),
                              text, count=1)
        return text

    @staticmethod
    def _renumber_views(text: str, positions: list[int]) -> str:
        def renumber(found: re.Match) -> str:
            index = int(found.group(2))
            return f'{found.group(1)}="{positions[index] if index < len(positions) else index}"'
        return re.sub(r'<(?:\w+:)?workbookView\b[^>]*>',
                      lambda f: re.sub(r'\b(activeTab|firstSheet)="(\d+)"', renumber,
                                       f.group(0)), text)

    def _replace_names(self, text: str, prefix: str, positions: list[int],
                       titles: list[str]) -> str:
        """Keep the user's defined names (sheet indexes renumbered), replace finplan's."""
        old_titles = [title for title, _ in self.old.sheets()]
        new_titles = [title for title, _ in self.new.sheets()]
        finplan_scoped = set()
        added = []
        for found in _NAME.finditer(self.new.text(_WORKBOOK)):
            attributes, name = found.group(2), _attribute(found.group(2), "name")
            local = _attribute(attributes, "localSheetId")
            if local is not None:
                title = new_titles[int(local)]
                if title not in self.titles:
                    continue
                finplan_scoped.add((title, name))
                attributes = re.sub(r'localSheetId="\d+"',
                                    f'localSheetId="{titles.index(title)}"', attributes)
            elif name not in self.names:
                continue
            added.append(f"<{prefix}definedName{attributes}>{found.group(3) or ''}"
                         f"</{prefix}definedName>")
        kept = []
        for found in _NAME.finditer(text):
            attributes, name = found.group(2), _attribute(found.group(2), "name")
            local = _attribute(attributes, "localSheetId")
            if local is None and name in self.names:
                continue
            if local is not None:
                index = int(local)
                if index < len(old_titles) and (old_titles[index], name) in finplan_scoped:
                    continue
                if index < len(positions):
                    attributes = re.sub(r'localSheetId="\d+"',
                                        f'localSheetId="{positions[index]}"', attributes)
            kept.append(f"<{prefix}definedName{attributes}>{found.group(3) or ''}"
                        f"</{prefix}definedName>")
        block = f"<{prefix}definedNames>{''.join(kept + added)}</{prefix}definedNames>"
        existing = re.search(rf"<{prefix}definedNames\b[^>]*?(/>|>.*?</{prefix}definedNames>)",
                             text, re.DOTALL)
        if existing:
            return text[:existing.start()] + block + text[existing.end():]
        after = max(text.index(f"</{prefix}sheets>") + len(f"</{prefix}sheets>"),
                    *(m.end() for m in re.finditer(
                        rf"</{prefix}(functionGroups|externalReferences)>|"
                        rf"<{prefix}functionGroups\b[^>]*/>", text)))
        return text[:after] + block + text[after:]

    @staticmethod
    def _full_calculation(text: str, prefix: str) -> str:
        found = re.search(rf"<{prefix}calcPr\b[^>]*?/?>", text)
        if found:
            element = re.sub(r'\sfullCalcOnLoad="\w*"', "", found.group(0))
            element = re.sub(r"(\s*/?>)$", r' fullCalcOnLoad="1"\1', element)
            return text[:found.start()] + element + text[found.end():]
        names_end = text.index(f"</{prefix}definedNames>") + len(f"</{prefix}definedNames>")
        return text[:names_end] + f'<{prefix}calcPr fullCalcOnLoad="1"/>' + text[names_end:]

    def _edit_content_types(self) -> None:
        text = self.old.text(_CONTENT_TYPES)
        for name in self.old.removed:
            text = re.sub(rf'<(\w+:)?Override\b[^>]*PartName="/{re.escape(name)}"[^>]*/>', "",
                          text)
        extra = "".join(f'<Override PartName="/{part}" ContentType="{kind}"/>'
                        for part, kind in self.content_types.items()
                        if kind and not re.search(rf'PartName="/{re.escape(part)}"', text))
        text = re.sub(r"(</(\w+:)?Types>)", lambda f: extra + f.group(1), text)
        self.old.changed[_CONTENT_TYPES] = text.encode("utf-8")

    def write(self, destination: io.BytesIO) -> None:
        with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.old.zip.infolist():
                if info.filename in self.old.removed:
                    continue
                out.writestr(copy.copy(info), self.old.read(info.filename))
            written = set(self.old.names)
            for name in self.old.changed:
                if name not in written and name not in self.old.removed:
                    out.writestr(name, self.old.changed[name])


def merge_sheets(original: str, rewritten: bytes, titles: Sequence[str],
                 order: Sequence[str], names: Collection[str],
                 retired: Collection[str] = ()) -> bytes:
    """The package ``original`` with its sheets ``titles`` replaced (or added) by those
    of ``rewritten`` (a package openpyxl wrote), as the bytes of the new file.

    ``order`` is finplan's order of sheets (where an added sheet goes); ``names`` the
    workbook-level defined names that are finplan's (replaced by ``rewritten``'s);
    ``retired``: finplan's sheets of a member no longer in the collective, replaced
    by a note — what finplan drew there (its cash rule, its charts) goes with the
    figures, so it is not taken for a user's addition.
    """
    old, new = _Package(original, order), _Package(rewritten)
    try:
        _refuse_locked_structure(old, titles)
        _refuse_user_names(old, names, order)
        _refuse_additions(old, new, [title for title in titles if title not in retired])
        merge = _Merge(old, new, titles, order, names)
        merge.run()
        merged = io.BytesIO()
        merge.write(merged)
        _verify(old, merged, set(old.changed) | old.removed)
        return merged.getvalue()
    finally:
        old.zip.close()
        new.zip.close()


def _refuse_user_names(old: _Package, names: Collection[str], order: Sequence[str]
                       ) -> None:
    """Refuse to replace a workbook-level name of the user's that is spelt like one of
    finplan's (``names``): finplan's point to finplan's sheets (``order``), the user's
    elsewhere (their own sheet, another workbook)."""
    ours = {title.casefold() for title in order}
    found = []
    for match in _NAME.finditer(old.text(_WORKBOOK)):
        attributes = match.group(2)
        name = _attribute(attributes, "name")
        if name not in names or _attribute(attributes, "localSheetId") is not None:
            continue
        text = html.unescape(match.group(3) or "")
        sheets = {sheet.casefold() for sheet in referred_sheets(text)}
        if "[" in text or sheets - ours:
            found.append(f"« {name} » (={text})")
    if found:
        raise FinplanError(
            f"Le nom défini {', '.join(found)} est un nom que finplan donne à ses "
            "résultats : finplan le remplacerait par le sien. Dans Excel, « Formules > "
            "Gestionnaire de noms », renommez le vôtre (par exemple « mon_… ») puis "
            "relancez. Rien n'a été modifié.")


def _refuse_locked_structure(old: _Package, titles: Sequence[str]) -> None:
    """Refuse to add a sheet to a workbook whose structure is protected (Excel's
    « Protéger le classeur »): Excel would not have allowed it."""
    root = SafeET.fromstring(old.read(_WORKBOOK))
    protection = root.find(f"{{{_MAIN}}}workbookProtection")
    if protection is None or protection.get("lockStructure") not in ("1", "true"):
        return
    present = {title for title, _ in old.sheets()}
    added = [title for title in titles if title not in present]
    if added:
        listed = ", ".join(f"« {title} »" for title in added)
        raise FinplanError(f"La structure de ce classeur est protégée (« Révision > "
                           f"Protéger le classeur ») : finplan devrait y ajouter {listed}. "
                           "Ôtez la protection du classeur dans Excel, relancez, puis "
                           "protégez-le à nouveau si vous le souhaitez. Rien n'a été "
                           "modifié.")


def _refuse_additions(old: _Package, new: _Package, titles: Sequence[str]) -> None:
    """Refuse when a finplan sheet about to be replaced holds what a user added."""
    old_sheets, new_sheets = dict(old.sheets()), dict(new.sheets())
    found = []
    for title in titles:
        if title in old_sheets:
            added = user_additions(old, old_sheets[title], new, new_sheets.get(title))
            if added:
                found.append(f"« {title} » : {', '.join(added)}")
    if found:
        raise refuse_additions(found)


def _verify(old: _Package, destination: io.BytesIO, touched: set[str]) -> None:
    """Every part of the user's that the merge had no reason to touch is still there,
    byte for byte; the edited parts kept every element they had."""
    with zipfile.ZipFile(destination) as merged:
        infos = {info.filename: info for info in merged.infolist()}
        for info in old.zip.infolist():
            if info.filename in touched:
                continue
            kept = infos.get(info.filename)
            if kept is None or kept.CRC != info.CRC or kept.file_size != info.file_size:
                raise RuntimeError(f"merge lost or changed {info.filename}")
        before = Counter(el.tag for el in SafeET.fromstring(old.zip.read("xl/styles.xml")).iter())
        after = Counter(el.tag for el in SafeET.fromstring(merged.read("xl/styles.xml")).iter())
        if before - after:
            raise RuntimeError(f"merge lost styles: {before - after}")
