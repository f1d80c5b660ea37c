"""Looks of the finplan workbook: number formats, fonts, fills, borders, alignments,
as parts of a cell's look (:mod:`finplan.io.grid`), written once here."""

from __future__ import annotations

from finplan.io.grid import Align, Border, Font

__all__ = ["EUROS", "PERCENT", "NUMBER", "INPUT_FILL", "INPUT_FONT", "HEADER_FILL",
           "HEADER_FONT", "TITLE_FONT", "BOLD", "TOTAL_BORDER", "LINE_FILL", "WRAP",
           "OK_FILL", "KO_FILL", "WARN_FILL", "NOTE_FONT", "BANNER_FONT", "CENTER", "RIGHT"]

# Format codes are written the international way; each reader's locale displays them
# (a French Excel shows 1 234,56 € and 2,78). A locale tag would make LibreOffice read
# the code itself the French way and misplace the separators.
EUROS = '#,##0.00 "€";[Red]-#,##0.00 "€";"–"'  # cents shown: parts add up to totals
PERCENT = "0.0 %"
NUMBER = "#,##0.00"

INPUT_FILL = "FFF6D5"
INPUT_FONT = Font(color="1F3F9F")
HEADER_FILL = "1F4E79"
HEADER_FONT = Font(color="FFFFFF", bold=True)
LINE_FILL = "DDEBF7"
OK_FILL = "C6EFCE"
KO_FILL = "FFC7CE"
WARN_FILL = "FFEB9C"
TITLE_FONT = Font(size=14, bold=True, color="1F4E79")
NOTE_FONT = Font(italic=True, color="595959")
BANNER_FONT = Font(bold=True, color="C00000")
BOLD = Font(bold=True)
TOTAL_BORDER = Border(top="thin", bottom="double")
WRAP = Align(wrap=True, vertical="top")
CENTER = Align(horizontal="center", vertical="center", wrap=True)
RIGHT = Align(horizontal="right", vertical="top", wrap=True)
