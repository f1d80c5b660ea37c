"""Test-session settings shared by the doctests of finplan/ and the tests/ suite."""

import os

# xlwings' remote engine and its custom-function machinery (xlwings PRO) run here
# under the PolyForm Noncommercial licence, which the key "noncommercial" selects.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
# and xlwings' decorators are those of xlwings Lite / Server, as in Lite itself
# (finplan.excel_lite imports them as Lite's documentation does: from xlwings import …)
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
