"""Desktop Excel's click sets each result sheet's page setup as ``fill`` writes it, so a
sheet the click adds (a funder's dossier, « Réalisé », a member's) prints on its pages
instead of Excel's defaults; the remote clients, which have no page setup, are left
alone. Excel is not on this machine: the COM objects are recorded by fakes, and the
values they receive are those openpyxl writes for ``fill`` (compared below)."""

from __future__ import annotations

from types import SimpleNamespace

import finplan
from finplan import excel
from finplan.io.grid import Page
from finplan.io.workbook_grids import output_parts
from finplan.io.workbook_read import read_workbook_file
from finplan.io.workbook_write import build_workbook


class _Recorder:
    """A COM object's properties, as set."""

    def __init__(self) -> None:
        object.__setattr__(self, "values", {})

    def __setattr__(self, name, value) -> None:
        self.values[name] = value


class _Breaks:
    def __init__(self, calls: list) -> None:
        self.calls = calls

    def Add(self, before) -> None:  # Excel's names
        self.calls.append(before)


class _Worksheet:
    """What ``sheet.api`` is in desktop Excel, for the page setup."""

    def __init__(self, printer: bool = True) -> None:
        self.printer = printer
        self.PageSetup = _Recorder()
        self.vertical, self.horizontal, self.resets = [], [], 0
        self.VPageBreaks, self.HPageBreaks = _Breaks(self.vertical), _Breaks(self.horizontal)

    def __getattribute__(self, name):
        if name == "PageSetup" and not object.__getattribute__(self, "printer"):
            raise RuntimeError("Impossible de définir la propriété Orientation")  # Excel
        return object.__getattribute__(self, name)

    def ResetAllPageBreaks(self) -> None:
        self.resets += 1

    def Columns(self, number):
        return ("column", number)

    def Rows(self, number):
        return ("row", number)


def test_a_page_is_set_up_as_fill_writes_it():
    page = Page(header=("Asso & Co", "Recyclerie", "Calculé le 6 décembre 2026"),
                footer=("Budget", "", "Page &P / &N"), title_rows="1:4")
    page.title_columns = "A:B"
    page.column_breaks, page.row_breaks = [14, 26], [40]
    page.area = "A1:N60"
    sheet = _Worksheet()
    excel.com_page_setup(sheet, page)
    assert sheet.PageSetup.values == {
        "PaperSize": 9, "Orientation": 2, "Zoom": False, "FitToPagesWide": 1,
        "FitToPagesTall": False, "CenterHorizontally": True,
        "LeftMargin": 36.0, "RightMargin": 36.0, "TopMargin": 57.6, "BottomMargin": 50.4,
        "LeftHeader": "Asso & Co", "CenterHeader": "Recyclerie",
        "RightHeader": "Calculé le 6 décembre 2026", "LeftFooter": "Budget",
        "CenterFooter": "", "RightFooter": "Page &P / &N", "PrintTitleRows": "$1:$4",
        "PrintTitleColumns": "$A:$B", "PrintArea": "A1:N60"}
    # breaks after columns N and Z and row 40: before column 15, 27 and row 41
    assert sheet.vertical == [("column", 15), ("column", 27)]
    assert sheet.horizontal == [("row", 41)]
    assert sheet.resets == 1


def test_a_page_at_a_fixed_scale_in_portrait():
    page = Page()
    page.landscape, page.fit_to_page, page.scale = False, False, 75
    page.page_order = "overThenDown"
    sheet = _Worksheet()
    excel.com_page_setup(sheet, page)
    values = sheet.PageSetup.values
    assert (values["Orientation"], values["Zoom"], values["Order"]) == (1, 75, 2)
    assert "FitToPagesWide" not in values
    assert values["PrintTitleRows"] == values["PrintArea"] == ""


def _desktop_book(titles, no_printer=()):
    sheets = {title: SimpleNamespace(api=_Worksheet(title not in no_printer))
              for title in titles}
    app = _Recorder()
    return SimpleNamespace(sheets=sheets, app=SimpleNamespace(api=app)), sheets, app


def test_every_result_sheet_of_a_click_and_one_excel_cannot_set_up(tmp_path):
    case = finplan.load_case(finplan.demo_path())
    path = tmp_path / "plan.xlsx"
    build_workbook(case).workbook.save(path)
    found = read_workbook_file(path)
    plan = finplan.compute(case).internals
    sheets, _ = output_parts(plan, found.layout)
    dossier = next(title for title in sheets if title.startswith("Dossier "))
    book, fakes, app = _desktop_book(sheets, no_printer={"Budget"})
    excel.com_page_setups(book, sheets)
    # what fill writes for the same sheet: openpyxl's page setup of the built workbook
    built = build_workbook(case).workbook[dossier]
    values = fakes[dossier].api.PageSetup.values
    assert values["Orientation"] == {"landscape": 2, "portrait": 1}[
        built.page_setup.orientation]
    assert values["FitToPagesWide"] == built.page_setup.fitToWidth == 1
    assert values["LeftFooter"] == built.oddFooter.left.text == dossier
    assert values["RightFooter"] == built.oddFooter.right.text
    assert values["LeftHeader"] == built.oddHeader.left.text
    assert values["RightHeader"].startswith("Calculé le ")
    # every sheet set up but Budget (no printer: Excel refuses), which keeps its own
    assert all(fakes[title].api.PageSetup.values for title in sheets if title != "Budget")
    assert app.values["PrintCommunication"] is True  # given back to Excel
