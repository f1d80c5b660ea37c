"""One module per output sheet, plus the shared row writer (:mod:`.rows`) and charts
(:mod:`.charts`); :mod:`finplan.io.workbook_outputs` writes them in order."""
