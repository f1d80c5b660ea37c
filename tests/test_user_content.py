"""A corpus of user workbooks carrying what openpyxl cannot carry, through ``fill``.

Each workbook is the demo's, with one kind of content a volunteer or Excel adds —
built by editing the package's XML the way Excel writes it.  After ``finplan fill``
either every part and element of the user's is still there, byte for byte (the
fill replaced finplan's sheets only), or the fill refused with a French message
saying what would be lost, and the file is byte for byte unchanged.
"""

from __future__ import annotations

import posixpath
import re
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from defusedxml import ElementTree
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

import finplan
from finplan.cli import main
from finplan.io.sheets.dossiers import dossier_titles
from finplan.io.workbook_layout import OUTPUT_SHEETS, SHEETS
from finplan.io.workbook_write import build_workbook
from finplan.model.engine import compute

from helpers import refused

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FINPLAN_TITLES = {SHEETS[key] for key in (*OUTPUT_SHEETS, "lists", "snapshot")}
FINPLAN_TITLES |= set(dossier_titles(compute(finplan.load_case(
    finplan.demo_path()))).values())  # the demo's funders' dossiers


class Package:
    """A workbook package opened for editing as text, part by part."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as package:
            self.parts = {name: package.read(name) for name in package.namelist()}

    def text(self, name: str) -> str:
        return self.parts[name].decode("utf-8")

    def set(self, name: str, text: str | bytes, content_type: str | None = None) -> None:
        self.parts[name] = text.encode("utf-8") if isinstance(text, str) else text
        if content_type:
            types = self.text("[Content_Types].xml").replace(
                "</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/>'
                "</Types>")
            self.parts["[Content_Types].xml"] = types.encode()

    def relate(self, source: str, kind: str, target: str, external: bool = False) -> str:
        """Add a relationship from part ``source`` ("" for the package itself)."""
        folder, name = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        text = self.parts.get(rels, b'<Relationships xmlns="http://schemas.openxmlformats.'
                              b'org/package/2006/relationships"></Relationships>').decode()
        number = len(re.findall("<Relationship ", text)) + 1
        rid = f"rIdU{number}"
        kind = kind if kind.startswith("http") else REL + kind
        mode = ' TargetMode="External"' if external else ""
        target = target if external else "/" + target
        text = text.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{kind}" '
                            f'Target="{target}"{mode}/></Relationships>')
        self.parts[rels] = text.encode()
        return rid

    def sheet(self, title: str) -> str:
        """The part of the sheet called ``title``."""
        workbook = self.text("xl/workbook.xml")
        rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="(\w+)"',
                        workbook).group(1)
        rels = self.text("xl/_rels/workbook.xml.rels")
        target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"',
                           rels).group(1)
        return target.lstrip("/")

    def edit(self, name: str, old: str, new: str) -> None:
        text = self.text(name)
        assert old in text, (name, old)
        self.parts[name] = text.replace(old, new, 1).encode("utf-8")

    def add_to_sheet(self, title: str, xml: str, before: str = "</worksheet>") -> None:
        """Insert ``xml`` in a sheet before the first of ``before`` found."""
        part = self.sheet(title)
        text = self.text(part)
        for anchor in before.split("|"):
            if anchor in text:
                self.parts[part] = text.replace(anchor, xml + anchor, 1).encode()
                return
        raise AssertionError(before)

    def save(self, path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in self.parts.items():
                package.writestr(name, data)


def _demo(tmp_path: Path) -> Path:
    book = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    notes = book.create_sheet("Mes notes")
    notes["A1"] = "Relancer la Région avant juin"
    notes["B2"] = 1200
    target = tmp_path / "plan.xlsx"
    book.save(target)
    return target


# --- what a user adds to their own sheets or to the package: always kept ----------

def drawing_with(package: Package, title: str, anchor_xml: str) -> None:
    drawing = "xl/drawings/drawingU1.xml"
    package.set(drawing, '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/'
                '2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/'
                'drawingml/2006/main">' + anchor_xml + "</xdr:wsDr>",
                "application/vnd.openxmlformats-officedocument.drawing+xml")
    rid = package.relate(package.sheet(title), "drawing", drawing)
    package.add_to_sheet(title, f'<drawing xmlns:r="{REL[:-1]}" r:id="{rid}"/>',
                         "<legacyDrawing|<tableParts|<extLst|</worksheet>")


ANCHOR = ('<xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff>'
          '<xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>6'
          '</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>8</xdr:row><xdr:rowOff>0'
          '</xdr:rowOff></xdr:to>{}<xdr:clientData/></xdr:twoCellAnchor>')
TEXT_BOX = ANCHOR.format(
    '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="Zone de texte 1"/>'
    '<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext '
    'cx="100" cy="100"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    '</xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>À vérifier avec la '
    'Région</a:t></a:r></a:p></xdr:txBody></xdr:sp>')


def text_box(package: Package, title: str = "Mes notes") -> None:
    drawing_with(package, title, TEXT_BOX)


def picture(package: Package, title: str = "Mes notes") -> None:
    package.set("xl/media/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    package.edit("[Content_Types].xml", "</Types>",
                 '<Default Extension="png" ContentType="image/png"/></Types>')
    drawing_with(package, title, ANCHOR.format(
        '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="3" name="Logo"/><xdr:cNvPicPr/></xdr:nvPicPr>'
        '<xdr:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships" r:embed="rIdU1"/></xdr:blipFill><xdr:spPr/></xdr:pic>'))
    package.relate("xl/drawings/drawingU1.xml", "image", "xl/media/logo.png")


def legacy_comment(package: Package, title: str = "Mes notes") -> None:
    comments = "xl/commentsU1.xml"
    package.set(comments, f'<comments xmlns="{MAIN}"><authors><author>Claire</author>'
                '</authors><commentList><comment ref="A1" authorId="0"><text><r><t>Vu avec '
                'la trésorière</t></r></text></comment></commentList></comments>',
                "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml")
    sheet = package.sheet(title)
    package.relate(sheet, "comments", comments)
    vml = "xl/drawings/vmlDrawingU1.vml"
    package.set(vml, '<xml xmlns:v="urn:schemas-microsoft-com:vml"><v:shape type="#_x0000_t202">'
                '</v:shape></xml>')
    if 'Extension="vml"' not in package.text("[Content_Types].xml"):
        package.edit("[Content_Types].xml", "</Types>", '<Default Extension="vml" ContentType='
                     '"application/vnd.openxmlformats-officedocument.vmlDrawing"/></Types>')
    rid = package.relate(sheet, "vmlDrawing", vml)
    package.add_to_sheet(title, f'<legacyDrawing xmlns:r="{REL[:-1]}" r:id="{rid}"/>',
                         "<tableParts|<extLst|</worksheet>")


def threaded_comment(package: Package) -> None:
    legacy_comment(package)
    thread = "xl/threadedComments/threadedComment1.xml"
    package.set(thread, '<ThreadedComments xmlns="http://schemas.microsoft.com/office/'
                'spreadsheetml/2018/threadedcomments"><threadedComment ref="A1" '
                'dT="2026-11-02T10:00:00" personId="{1}" id="{2}"><text>Vu avec la '
                'trésorière</text></threadedComment><threadedComment ref="A1" '
                'dT="2026-11-03T10:00:00" personId="{1}" id="{3}" parentId="{2}"><text>Et '
                'avec le CA</text></threadedComment></ThreadedComments>',
                "application/vnd.ms-excel.threadedcomments+xml")
    package.relate(package.sheet("Mes notes"), "http://schemas.microsoft.com/office/2017/10/"
                   "relationships/threadedComment", thread)
    persons = "xl/persons/person.xml"
    package.set(persons, '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml'
                '/2018/threadedcomments"><person displayName="Claire" id="{1}" userId="c" '
                'providerId="None"/></personList>', "application/vnd.ms-excel.person+xml")
    package.relate("xl/workbook.xml", "http://schemas.microsoft.com/office/2017/10/"
                   "relationships/person", persons)


def sheet_extension(xml: str):
    def add(package: Package, title: str = "Mes notes") -> None:
        package.add_to_sheet(title, f'<extLst><ext uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}"'
                             f' xmlns:x14="{X14}">{xml}</ext></extLst>')
    return add


sparklines = sheet_extension(
    '<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/>'
    '<x14:sparklines><x14:sparkline><xm:f>Budget!C5:E5</xm:f><xm:sqref>C2</xm:sqref>'
    '</x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups>')
x14_validation = sheet_extension(
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/'
    'main"><x14:dataValidation type="list"><x14:formula1><xm:f>Listes!$A$2:$A$4</xm:f>'
    '</x14:formula1><xm:sqref>C3</xm:sqref></x14:dataValidation></x14:dataValidations>')
data_bars = sheet_extension(
    '<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.'
    'microsoft.com/office/excel/2006/main"><x14:cfRule type="dataBar" id="{AAAA-1}">'
    '<x14:dataBar minLength="0" maxLength="100"><x14:cfvo type="autoMin"/><x14:cfvo '
    'type="autoMax"/></x14:dataBar></x14:cfRule><xm:sqref>B2:B9</xm:sqref>'
    '</x14:conditionalFormatting></x14:conditionalFormattings>')


def dynamic_array(package: Package) -> None:
    package.set("xl/metadata.xml", f'<metadata xmlns="{MAIN}" xmlns:xda="http://schemas.'
                'microsoft.com/office/spreadsheetml/2017/dynamicarray"><metadataTypes count="1">'
                '<metadataType name="XLDAPR" minSupportedVersion="120000"/></metadataTypes>'
                '<cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata></metadata>',
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml")
    package.relate("xl/workbook.xml", "sheetMetadata", "xl/metadata.xml")
    package.edit(package.sheet("Mes notes"), '<c r="B2" t="n"><v>1200</v></c>',
                 '<c r="B2" cm="1"><f t="array" ref="B2:B3">SORT(C2:C3)</f><v>1200</v></c>')


def connection(package: Package) -> None:
    package.set("xl/connections.xml", f'<connections xmlns="{MAIN}"><connection id="1" '
                'name="Banque" type="6" refreshedVersion="6"><textPr sourceFile="C:\\\\releves'
                '.csv"/></connection></connections>',
                "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml")
    package.relate("xl/workbook.xml", "connections", "xl/connections.xml")


def external_link(package: Package) -> None:
    link = "xl/externalLinks/externalLink1.xml"
    package.set(link, f'<externalLink xmlns="{MAIN}"><externalBook xmlns:r="{REL[:-1]}" '
                'r:id="rIdU1"><sheetNames><sheetName val="Feuil1"/></sheetNames>'
                '</externalBook></externalLink>',
                "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml")
    package.relate(link, "externalLinkPath", "comptes-2026.xlsx", external=True)
    rid = package.relate("xl/workbook.xml", "externalLink", link)
    package.edit("xl/workbook.xml", "<definedNames>", f"<externalReferences><externalReference "
                 f'r:id="{rid}"/></externalReferences><definedNames>')


def pivot(package: Package) -> None:
    cache = "xl/pivotCache/pivotCacheDefinition1.xml"
    package.set(cache, f'<pivotCacheDefinition xmlns="{MAIN}" recordCount="0"><cacheSource '
                'type="worksheet"><worksheetSource ref="A1:B2" sheet="Mes notes"/>'
                '</cacheSource><cacheFields count="0"/></pivotCacheDefinition>',
                "application/vnd.openxmlformats-officedocument.spreadsheetml."
                "pivotCacheDefinition+xml")
    rid = package.relate("xl/workbook.xml", "pivotCacheDefinition", cache)
    package.edit("xl/workbook.xml", "<calcPr", f'<pivotCaches><pivotCache cacheId="1" '
                 f'r:id="{rid}"/></pivotCaches><calcPr')
    table = "xl/pivotTables/pivotTable1.xml"
    package.set(table, f'<pivotTableDefinition xmlns="{MAIN}" name="TCD1" cacheId="1" '
                'dataCaption="Valeurs"><location ref="D1:E2" firstHeaderRow="1" '
                'firstDataRow="1" firstDataCol="1"/></pivotTableDefinition>',
                "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotTable+xml")
    package.relate(package.sheet("Mes notes"), "pivotTable", table)
    package.relate(table, "pivotCacheDefinition", cache)


def slicer(package: Package) -> None:
    package.set("xl/slicerCaches/slicerCache1.xml", '<slicerCacheDefinition xmlns="http://'
                'schemas.microsoft.com/office/spreadsheetml/2009/9/main" name="Segment_Annee" '
                'sourceName="Annee"/>', "application/vnd.ms-excel.slicerCache+xml")
    rid = package.relate("xl/workbook.xml", "http://schemas.microsoft.com/office/2007/"
                         "relationships/slicerCache", "xl/slicerCaches/slicerCache1.xml")
    package.edit("xl/workbook.xml", "</workbook>", f'<extLst><ext uri="{{BBE1A952-AA13-448e-'
                 f'AADC-164F8A28A991}}" xmlns:x14="{X14}"><x14:slicerCaches><x14:slicerCache '
                 f'xmlns:r="{REL[:-1]}" r:id="{rid}"/></x14:slicerCaches></ext></extLst>'
                 "</workbook>")
    package.set("xl/slicers/slicer1.xml", '<slicers xmlns="http://schemas.microsoft.com/office'
                '/spreadsheetml/2009/9/main"><slicer name="Annee" cache="Segment_Annee" '
                'caption="Année" rowHeight="241300"/></slicers>',
                "application/vnd.ms-excel.slicer+xml")
    package.relate(package.sheet("Mes notes"), "http://schemas.microsoft.com/office/2007/"
                   "relationships/slicer", "xl/slicers/slicer1.xml")


def form_control(package: Package) -> None:
    legacy_comment(package)
    package.set("xl/ctrlProps/ctrlProp1.xml", '<formControlPr xmlns="http://schemas.microsoft'
                '.com/office/spreadsheetml/2009/9/main" objectType="Button" lockText="1"/>',
                "application/vnd.ms-excel.controlproperties+xml")
    package.relate(package.sheet("Mes notes"), "ctrlProp", "xl/ctrlProps/ctrlProp1.xml")


def custom_xml(package: Package) -> None:
    package.set("customXml/item1.xml", "<suivi><dossier>DLA-2026-14</dossier></suivi>")
    package.relate("xl/workbook.xml", "customXml", "customXml/item1.xml")


def web_extension(package: Package) -> None:
    package.set("xl/webextensions/webextension1.xml", '<we:webextension xmlns:we="http://'
                'schemas.microsoft.com/office/webextensions/webextension/2010/11" id="{X}">'
                '<we:reference id="wa200008175" version="1.0.0.0" store="fr-FR" '
                'storeType="OMEX"/></we:webextension>',
                "application/vnd.ms-office.webextension+xml")
    package.set("xl/webextensions/taskpanes.xml", '<wetp:taskpanes xmlns:wetp="http://schemas.'
                'microsoft.com/office/webextensions/taskpanes/2010/11"/>',
                "application/vnd.ms-office.webextensiontaskpanes+xml")
    package.relate("", "http://schemas.microsoft.com/office/2011/relationships/"
                   "webextensiontaskpanes", "xl/webextensions/taskpanes.xml")


def custom_properties(package: Package) -> None:
    package.set("docProps/custom.xml", '<Properties xmlns="http://schemas.openxmlformats.org/'
                'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats'
                '.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-'
                '9397-08002B2CF9AE}" pid="2" name="Dossier"><vt:lpwstr>DLA-14</vt:lpwstr>'
                '</property></Properties>',
                "application/vnd.openxmlformats-officedocument.custom-properties+xml")
    package.relate("", "custom-properties", "docProps/custom.xml")


def workbook_extension(package: Package) -> None:
    package.edit("xl/workbook.xml", "</workbook>", '<extLst><ext uri="{140A7094-0E35-4892-8432-'
                 'C4D2E57EDEB5}" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/'
                 '2010/11/main"><x15:workbookPr chartTrackingRefBase="1"/></ext></extLst>'
                 "</workbook>")


def user_name(package: Package) -> None:
    package.edit("xl/workbook.xml", "<definedNames>", "<definedNames><definedName name="
                 "\"releve_banque\">'Mes notes'!$B$2</definedName>")


def rich_text_input(package: Package) -> None:
    # the project's name typed with a word in bold (rich text, inline)
    sheet = package.sheet("Hypothèses")
    text = package.text(sheet)
    found = re.search(r'<c r="C6"[^>]*>.*?</c>', text).group(0)
    style = re.search(r' s="\d+"', found)
    rich = (f'<c r="C6"{style.group(0) if style else ""} t="inlineStr"><is><r><t>Recyclerie '
            '</t></r><r><rPr><b/></rPr><t>de Chalosse</t></r></is></c>')
    package.parts[sheet] = text.replace(found, rich).encode()


def input_formula(package: Package) -> None:
    # the opening cash typed as a formula, with the value Excel computed for it
    sheet = package.sheet("Hypothèses")
    text = package.text(sheet)
    found = re.search(r'<c r="C11"[^>]*>.*?</c>|<c r="C11"[^>]*/>', text).group(0)
    style = re.search(r' s="\d+"', found)
    package.parts[sheet] = text.replace(found, f'<c r="C11"{style.group(0) if style else ""}>'
                                        '<f>5000*2</f><v>10000</v></c>').encode()


def hyperlink_and_merge(package: Package) -> None:
    rid = package.relate(package.sheet("Mes notes"), "hyperlink",
                         "https://www.landes.fr/", external=True)
    package.add_to_sheet("Mes notes", '<mergeCells count="1"><mergeCell ref="A5:C5"/>'
                         f'</mergeCells><hyperlinks><hyperlink xmlns:r="{REL[:-1]}" ref="A1" '
                         f'r:id="{rid}"/></hyperlinks>', "<pageMargins|</worksheet>")


def protection(package: Package) -> None:
    package.add_to_sheet("Mes notes", '<sheetProtection sheet="1" objects="1"/>',
                         "<pageMargins|</worksheet>")


def printer_settings(package: Package) -> None:
    package.set("xl/printerSettings/printerSettings1.bin", b"\x00\x01imprimante du bureau")
    package.edit("[Content_Types].xml", "</Types>", '<Default Extension="bin" ContentType="'
                 'application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"'
                 '/></Types>')
    rid = package.relate(package.sheet("Hypothèses"), "printerSettings",
                         "xl/printerSettings/printerSettings1.bin")
    package.add_to_sheet("Hypothèses", f'<pageSetup paperSize="9" orientation="landscape" '
                         f'xmlns:r="{REL[:-1]}" r:id="{rid}"/>', "<headerFooter|<drawing|"
                         "<legacyDrawing|<tableParts|</worksheet>")


def hidden_sheet(package: Package) -> None:
    found = re.search(r'<sheet [^>]*name="Mes notes"[^>]*>', package.text("xl/workbook.xml"))
    package.edit("xl/workbook.xml", found.group(0),
                 found.group(0).replace('state="visible"', 'state="veryHidden"'))


def calc_chain(package: Package) -> None:
    # Excel's calculation chain: dropped on purpose (finplan's formulas change), Excel
    # rebuilds it; the test checks it is the only part that goes
    package.set("xl/calcChain.xml", f'<calcChain xmlns="{MAIN}"><c r="C5" i="3"/></calcChain>',
                "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml")
    package.relate("xl/workbook.xml", "calcChain", "xl/calcChain.xml")


def user_chart(package: Package) -> None:
    chart = "xl/charts/chartU1.xml"  # a copy of one of finplan's charts, on their sheet
    package.set(chart, package.parts["xl/charts/chart1.xml"],
                "application/vnd.openxmlformats-officedocument.drawingml.chart+xml")
    drawing_with(package, "Mes notes", ANCHOR.format(
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="4" name="Graphique"/>'
        '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm/><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://'
        'schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships" r:id="rIdU1"/></a:graphicData></a:graphic>'
        '</xdr:graphicFrame>'))
    package.relate("xl/drawings/drawingU1.xml", "chart", chart)


def macros(package: Package) -> None:
    package.set("xl/vbaProject.bin", b"VBA\x00macros du tresorier")
    package.relate("xl/workbook.xml", "http://schemas.microsoft.com/office/2006/relationships/"
                   "vbaProject", "xl/vbaProject.bin")
    package.edit("[Content_Types].xml",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                 "application/vnd.ms-excel.sheet.macroEnabled.main+xml")


def output_sheet_name(package: Package) -> None:
    # a name the user scoped to an output sheet: kept, still on that sheet
    index = [m.group(1) for m in re.finditer(r'<sheet [^>]*name="([^"]+)"',
                                              package.text("xl/workbook.xml"))].index("Budget")
    package.edit("xl/workbook.xml", "<definedNames>", f'<definedNames><definedName '
                 f'name="mon_total" localSheetId="{index}">Budget!$C$5</definedName>')


KEPT = {
    "zone de texte": text_box, "image": picture, "commentaire": legacy_comment,
    "commentaire en fil de discussion": threaded_comment, "sparklines": sparklines,
    "validation x14": x14_validation, "barres de données x14": data_bars,
    "formule matricielle dynamique": dynamic_array, "connexion de données": connection,
    "liaison externe": external_link, "tableau croisé dynamique": pivot, "segment": slicer,
    "contrôle de formulaire": form_control, "XML personnalisé": custom_xml,
    "complément Office (xlwings Lite)": web_extension,
    "propriétés personnalisées": custom_properties,
    "extension du classeur": workbook_extension, "nom défini": user_name,
    "texte enrichi dans une cellule d'entrée": rich_text_input,
    "formule d'entrée avec sa valeur": input_formula,
    "lien hypertexte et cellules fusionnées": hyperlink_and_merge,
    "protection de feuille": protection, "paramètres d'imprimante": printer_settings,
    "feuille très masquée": hidden_sheet, "chaîne de calcul": calc_chain,
    "graphique": user_chart, "nom limité à une feuille de résultats": output_sheet_name,
    "macros": macros,
}


def _finplan_parts(path: Path) -> set[str]:
    """Parts a fill may replace: finplan's sheets, what they lead to, the four edited
    parts, and Excel's calculation chain."""
    from finplan.io.workbook_package import _Package

    package = _Package(str(path))
    owned = {part for title, part in package.sheets() if title in FINPLAN_TITLES}
    parts = set(owned)
    for part in owned:
        parts |= package.reachable(part)
        folder, name = posixpath.split(part)
        parts.add(posixpath.join(folder, "_rels", name + ".rels"))
    for part in list(parts):
        folder, name = posixpath.split(part)
        parts.add(posixpath.join(folder, "_rels", name + ".rels"))
    package.zip.close()
    return parts | {"xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml",
                    "xl/_rels/workbook.xml.rels", "xl/calcChain.xml"}


def _elements(data: bytes) -> Counter:
    return Counter(element.tag for element in ElementTree.fromstring(data).iter())


@pytest.mark.parametrize("kind", KEPT)
def test_what_a_user_added_is_kept_byte_for_byte(tmp_path, kind):
    target = _demo(tmp_path)
    package = Package(target)
    KEPT[kind](package)
    if kind == "macros":
        target = target.with_suffix(".xlsm")
    package.save(target)
    before = Package(target).parts
    finplans = _finplan_parts(target)
    result = CliRunner().invoke(main, ["fill", str(target)])
    assert result.exit_code in (0, 1), result.output
    after = Package(target).parts
    for name, data in before.items():
        if name not in finplans:
            assert after.get(name) == data, f"{kind}: {name} changed or lost"
    # the edited parts kept every element they had (finplan's names excepted)
    for name in ("xl/workbook.xml", "xl/styles.xml"):
        lost = _elements(before[name]) - _elements(after[name])
        lost.pop(f"{{{MAIN}}}definedName", None)
        assert not lost, f"{kind}: {name} lost {lost}"
    # every content type and workbook relationship of the user's parts is still there
    for name, pattern in (("[Content_Types].xml", r'PartName="/([^"]+)"'),
                          ("xl/_rels/workbook.xml.rels", r'Target="/?(?:xl/)?([^"]+)"')):
        kept = set(re.findall(pattern, after[name].decode()))
        for part in re.findall(pattern, before[name].decode()):
            if part not in finplans and f"xl/{part}" not in finplans:
                assert part in kept, f"{kind}: {name} lost {part}"
    assert "xl/calcChain.xml" not in after
    with warnings.catch_warnings():  # openpyxl's own: "extension is not supported"
        warnings.simplefilter("ignore", UserWarning)
        filled = load_workbook(target)  # still a workbook openpyxl reads
    assert filled["Mes notes"]["A1"].value == "Relancer la Région avant juin"
    assert filled["Budget"]["B1"].value.startswith("Budget prévisionnel")


def test_the_user_names_and_input_cells_survive_exactly(tmp_path):
    target = _demo(tmp_path)
    package = Package(target)
    rich_text_input(package)
    input_formula(package)
    output_sheet_name(package)
    user_name(package)
    package.save(target)
    inputs = Package(target).parts[Package(target).sheet("Hypothèses")]
    assert CliRunner().invoke(main, ["fill", str(target)]).exit_code in (0, 1)
    after = Package(target)
    assert after.parts[after.sheet("Hypothèses")] == inputs
    workbook = after.text("xl/workbook.xml")
    titles = re.findall(r'<sheet [^>]*name="([^"]+)"', workbook)
    assert f'<definedName name="mon_total" localSheetId="{titles.index("Budget")}">' in workbook
    assert "<definedName name=\"releve_banque\">'Mes notes'!$B$2</definedName>" in workbook
    # and the next fill reads the same case: the formula's cached value is still there
    assert CliRunner().invoke(main, ["fill", str(target)]).exit_code in (0, 1)
    assert finplan.load_case(target).project.opening_cash == 10000


# --- what a user adds to finplan's output sheets: refused, nothing changed ---------

def typed_outside(package: Package) -> None:
    package.add_to_sheet("Budget", '<row r="200"><c r="K200" t="inlineStr"><is><t>à revoir '
                         'avec le CA</t></is></c></row>', "</sheetData>")


def typed_inside(package: Package) -> None:
    # a note in an empty cell inside the area finplan wrote: the record of the cells
    # finplan wrote tells
    sheet = package.sheet("Contrôles")
    text = package.text(sheet)
    row = re.search(r'<row r="3"[^>]*>', text)
    note = '<c r="H3" t="inlineStr"><is><t>ok trésorière</t></is></c>'
    if row:
        end = text.index("</row>", row.end())
        text = text[:end] + note + text[end:]
    else:
        text = text.replace('<row r="4"', f'<row r="3">{note}</row><row r="4"', 1)
    package.parts[sheet] = text.encode()


REFUSED = {
    "texte hors des blocs": (typed_outside, "K200"),
    "texte dans une cellule vide des résultats": (typed_inside, "H3"),
    "zone de texte": (lambda p: text_box(p, "Budget"), "des formes, zones de texte"),
    "commentaire": (lambda p: legacy_comment(p, "Trésorerie"), "des commentaires"),
    "sparklines": (lambda p: sparklines(p, "Financeurs"), "Excel récent"),
    "validation": (lambda p: p.add_to_sheet(
        "Budget", '<dataValidations count="1"><dataValidation type="list" sqref="K3">'
        '<formula1>"oui,non"</formula1></dataValidation></dataValidations>',
        "<printOptions|<pageMargins"), "des listes de validation"),
    "cellules fusionnées": (lambda p: p.add_to_sheet(
        "Calculs", '<mergeCells count="1"><mergeCell ref="K1:L1"/></mergeCells>',
        "<printOptions|<pageMargins"), "des cellules fusionnées"),
    "graphique": (lambda p: drawing_with(p, "Contrôles", ANCHOR.format(
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="9" name="G"/>'
        '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm/><a:graphic>'
        '<a:graphicData uri="c"><c:chart xmlns:c="http://schemas.openxmlformats.org/'
        'drawingml/2006/chart" xmlns:r="r" r:id="rIdU1"/></a:graphicData></a:graphic>'
        '</xdr:graphicFrame>')), "1 graphique"),
}


@pytest.mark.parametrize("kind", REFUSED)
def test_what_a_user_added_to_an_output_sheet_makes_fill_refuse(tmp_path, kind):
    change, said = REFUSED[kind]
    target = _demo(tmp_path)
    package = Package(target)
    change(package)
    package.save(target)
    output = refused(tmp_path, target)
    assert said in output and "Rien n'a été modifié" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]


def test_a_user_sheet_with_an_output_sheets_name_is_never_replaced(tmp_path):
    target = _demo(tmp_path)
    book = load_workbook(target)
    book.remove(book["Trésorerie"])  # they deleted finplan's, and made their own
    mine = book.create_sheet("Trésorerie")
    mine["A1"] = "Relevé de banque"
    book.save(target)
    assert "« Trésorerie » n'a pas été créée par finplan" in refused(tmp_path, target)
    # once renamed, finplan makes its own sheet again and leaves theirs alone
    book = load_workbook(target)
    book["Trésorerie"].title = "Relevé banque"
    book.save(target)
    assert CliRunner().invoke(main, ["fill", str(target)]).exit_code in (0, 1)
    filled = load_workbook(target)
    assert filled["Relevé banque"]["A1"].value == "Relevé de banque"
    assert filled.sheetnames.index("Trésorerie") == filled.sheetnames.index(
        "Plan de financement") + 1


def test_a_plan_that_shrinks_is_not_taken_for_user_content(tmp_path):
    # fewer funders than last time: the rows finplan wrote then are its own
    target = _demo(tmp_path)
    assert CliRunner().invoke(main, ["fill", str(target)]).exit_code in (0, 1)
    book = load_workbook(target)
    _, first_row, _, end_row = range_boundaries(book["Hypothèses"].tables["tbl_financeurs"].ref)
    last_row = max(row for row in range(first_row + 1, end_row + 1)
                   if book["Hypothèses"][f"B{row}"].value)
    for cell in book["Hypothèses"][f"B{last_row}:Z{last_row}"][0]:
        cell.value = None
    book.save(target)
    result = CliRunner().invoke(main, ["fill", str(target)])
    assert result.exit_code in (0, 1), result.output


def test_a_note_where_a_longer_plan_will_write_is_refused_and_named_alone(tmp_path):
    # a note just under the funders' table, then one more funder: the new table covers
    # the note's cell, and every row of finplan's moves down one — the refusal names
    # the note, not finplan's moved cells
    target = _demo(tmp_path)
    book = load_workbook(target)
    funders = book["Financeurs"]
    note_row = funders.max_row + 1
    funders[f"B{note_row}"] = "relancer la Région"
    inputs = book["Hypothèses"]
    _, first_row, _, end_row = range_boundaries(inputs.tables["tbl_financeurs"].ref)
    filled = [row for row in range(first_row + 1, end_row + 1) if inputs[f"B{row}"].value]
    source = next(row for row in filled  # a funder whose rule is not the balance
                  if "Solde" not in [cell.value for cell in inputs[row]])
    free = filled[-1] + 1
    for cell in inputs[source]:
        if cell.value is not None:
            inputs.cell(free, cell.column, cell.value)
    inputs[f"B{free}"] = "Commune de Hagetmau"
    book.save(target)
    assert f"« Financeurs » : B{note_row}." in refused(tmp_path, target)


def test_fills_do_not_grow_the_styles(tmp_path):
    target = _demo(tmp_path)
    sizes = []
    for _ in range(3):
        assert CliRunner().invoke(main, ["fill", str(target)]).exit_code in (0, 1)
        sizes.append(len(Package(target).parts["xl/styles.xml"]))
    assert sizes[1] == sizes[2]


def test_a_workbook_saved_by_libreoffice_is_filled_and_recalculates_to_the_engine(tmp_path):
    # another producer's package (shared strings, its own styles and names): the merged
    # workbook opens in LibreOffice, and every formula equals the engine to the cent
    from spreadsheet import convert, is_error, make_profile
    from spreadsheet import matches as _matches

    from finplan.io.workbook_write import fill_workbook

    profile = make_profile(tmp_path / "profile")
    (saved,) = convert([_demo(tmp_path)], tmp_path / "libreoffice", profile)
    assert "xl/sharedStrings.xml" in Package(saved).parts
    from finplan.io.sheet_marks import sheet_key

    resaved = load_workbook(saved)  # finplan's marks survive LibreOffice
    assert [sheet_key(resaved[SHEETS[key]]) for key in OUTPUT_SHEETS] == list(OUTPUT_SHEETS)
    filled = fill_workbook(saved)
    (recalculated,) = convert([saved], tmp_path / "recalculated", profile)
    values = load_workbook(recalculated, data_only=True)
    wrong = [(key, value, values[key[0]][key[1]].value)
             for key, value in filled.expected.items()
             if not _matches(value, values[key[0]][key[1]].value)]
    assert wrong == [] and len(filled.expected) > 200
    assert values["Mes notes"]["A1"].value == "Relancer la Région avant juin"
    assert not [cell for sheet in values.worksheets for row in sheet.iter_rows()
                for cell in row if is_error(cell.value)]
