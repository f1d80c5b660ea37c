"""Looks of the finplan workbook: fonts, fills, number formats (the print setup is
:mod:`finplan.io.workbook_print`'s, re-exported here)."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from finplan.io.workbook_print import print_setup

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
FONT = "Calibri"  # named: without a name LibreOffice prints a wider serif face
INPUT_FONT = Font(name=FONT, color="1F3F9F")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(name=FONT, color="FFFFFF", bold=True)
LINE_FILL = PatternFill("solid", fgColor="DDEBF7")
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
KO_FILL = PatternFill("solid", fgColor="FFC7CE")
WARN_FILL = PatternFill("solid", fgColor="FFEB9C")
TITLE_FONT = Font(name=FONT, size=14, bold=True, color="1F4E79")
NOTE_FONT = Font(name=FONT, italic=True, color="595959")
BANNER_FONT = Font(name=FONT, bold=True, color="C00000")
BOLD = Font(name=FONT, bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"), bottom=Side(style="double"))
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="top", wrap_text=True)
