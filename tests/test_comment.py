"""Issue 28, item 3: a small new field shows the case described once — an optional
``comment`` on every line (staff, revenue, expense, investment, loan, need, funder),
added to finplan.model.fields only. It goes through the case file, the workbook's
tables (column « Commentaire »), the Excel button, ``finplan case`` and the JSON."""

from __future__ import annotations

import pytest
import xlwings as xw  # the remote engine is active: see conftest.py (licence key)
from click.testing import CliRunner
from openpyxl import load_workbook
from xlwings_client import payload

import finplan
from finplan import excel
from finplan.cli import main
from finplan.errors import CaseError
from finplan.io.toml_case import case_to_toml, parse_case_text
from finplan.io.workbook_layout import INPUT_SHEET
from finplan.io.workbook_read import read_grid_case, read_workbook_case, read_workbook_file
from finplan.io.workbook_write import template_workbook
from finplan.model.engine import compute
from finplan.model.validation import validate_case

LISTS = {"staff": "staff", "revenue": "revenue", "expense": "expenses",
         "investment": "investments", "loan": "loans", "need": "needs",
         "funder": "funders"}


def _commented() -> dict:
    """The demo case file with a comment on the first line of each list."""
    raw = parse_case_text(finplan.demo_path().read_text("utf-8"))
    for key in LISTS:
        raw[key][0]["comment"] = f"Source : devis 2026 ({key})"
    return raw


def _comments(case) -> dict[str, str | None]:
    return {key: next(item for item in getattr(case, attribute)
                      if getattr(item, "is_custom", True)).comment
            for key, attribute in LISTS.items()}


EXPECTED = {key: f"Source : devis 2026 ({key})" for key in LISTS}


def test_a_comment_is_read_from_the_case_file_and_written_back():
    case = validate_case(_commented())
    assert _comments(case) == EXPECTED
    assert case.staff[1].comment is None
    again = finplan.load_case(parse_case_text(case_to_toml(case)))
    assert again == case
    assert 'comment = "Source : devis 2026 (funder)"' in case_to_toml(case)


def test_a_comment_is_checked_as_a_text():
    raw = _commented()
    raw["loan"][0]["comment"] = "x" * 250
    with pytest.raises(CaseError) as caught:
        validate_case(raw)
    assert [str(issue) for issue in caught.value.issues] == [
        "loan[0].comment (« Prêt bancaire garanti France Active ») : attendu un texte d'au "
        "plus 200 caractères, trouvé « xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xx… »."]


def test_a_comment_goes_through_the_workbook_the_button_and_finplan_case(tmp_path):
    case = validate_case(_commented())
    book = template_workbook(case)
    found = read_workbook_case(book)
    sheet = book[INPUT_SHEET]
    cell = found.layout.cell("funder", 0, "comment")
    assert sheet[cell].value == EXPECTED["funder"]
    header = sheet.cell(found.layout.table("funder").header_row, sheet[cell].column).value
    assert header == "Commentaire"
    assert found.case == case
    path = tmp_path / "plan.xlsx"
    book.save(path)
    # the button reads the values Excel shows
    remote = xw.Book(json=payload(load_workbook(path, data_only=True)))
    rows = remote.sheets[INPUT_SHEET].used_range.options(ndim=2).value
    assert _comments(read_grid_case(rows).case) == EXPECTED
    assert excel.calculer(xw.Book(json=payload(load_workbook(path, data_only=True))))
    # finplan case exports it
    result = CliRunner().invoke(main, ["case", str(path)])
    assert result.exit_code == 0, result.output
    assert _comments(finplan.load_case(parse_case_text(result.output))) == EXPECTED
    assert read_workbook_file(path).case == case


def test_the_json_shows_the_comments():
    plan = compute(validate_case(_commented()))
    comments = plan.to_dict()["comments"]
    assert comments[0] == {"list": "staff", "line": "staff[0]",
                           "name": "Salariés en parcours d'insertion (CDDI, 26 h)",
                           "comment": "Source : devis 2026 (staff)"}
    assert [item["list"] for item in comments] == list(LISTS)
    plain = compute(finplan.load_case(finplan.demo_path())).to_dict()
    assert "comments" not in plain
