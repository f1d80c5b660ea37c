"""Looks of the finplan workbook: fonts, fills, number formats, print setup."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["EUROS", "PERCENT", "NUMBER", "INPUT_FILL", "INPUT_FONT", "HEADER_FILL",
           "HEADER_FONT", "TITLE_FONT", "BOLD", "TOTAL_BORDER", "LINE_FILL", "WRAP",
           "print_setup", "OK_FILL", "KO_FILL", "WARN_FILL", "NOTE_FONT", "CENTER", "RIGHT"]

# Format codes are written the international way; each reader's locale displays them
# (a French Excel shows 1 234,56 € and 2,78). A locale tag would make LibreOffice read
# the code itself the French way and misplace the separators.
EUROS = '#,##0.00 "€";[Red]-#,##0.00 "€";"–"'  # cents shown: parts add up to totals
PERCENT = "0.0 %"
NUMBER = "#,##0.00"

INPUT_FILL = PatternFill("solid", fgColor="FFF6D5")
INPUT_FONT = Font(color="1F3F9F")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(color="FFFFFF", bold=True)
LINE_FILL = PatternFill("solid", fgColor="DDEBF7")
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
KO_FILL = PatternFill("solid", fgColor="FFC7CE")
WARN_FILL = PatternFill("solid", fgColor="FFEB9C")
TITLE_FONT = Font(size=14, bold=True, color="1F4E79")
NOTE_FONT = Font(italic=True, color="595959")
BANNER_FONT = Font(bold=True, color="C00000")
BOLD = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"), bottom=Side(style="double"))
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="top", wrap_text=True)


def print_setup(sheet: Worksheet, organisation: str, project: str,
                title_rows: str | None = None) -> None:
    """Landscape, one page wide, header with organisation, project and date."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.top = 0.8
    sheet.page_margins.bottom = 0.7
    sheet.oddHeader.left.text = _escape(organisation)
    sheet.oddHeader.center.text = _escape(project)
    sheet.oddHeader.right.text = "&D"
    sheet.oddFooter.left.text = _escape(sheet.title)
    sheet.oddFooter.right.text = "Page &P / &N"
    if title_rows:
        sheet.print_title_rows = title_rows


def _escape(text: str) -> str:
    """Header text: & starts a code in Excel headers, so it is doubled."""
    return text.replace("&", "&&")
