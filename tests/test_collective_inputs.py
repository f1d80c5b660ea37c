"""Issue 15, step 7: a collective typed on the « Hypothèses » sheet — the « Membres du
collectif » table, the « Membre » column of every line table, the contracts' hours by
member, the mandataire's fee and the members' contributions — read back as the same
case, by openpyxl and from the grid the Excel button reads."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from openpyxl import Workbook

import finplan
from finplan.errors import CaseError
from finplan.io.grid_openpyxl import write_book
from finplan.io.workbook_layout import INPUT_SHEET, LISTS_SHEET
from finplan.io.workbook_read import read_grid_case, read_workbook_case, read_workbook_file
from finplan.io.workbook_write import _input_sheets, template_workbook

EXAMPLE = finplan.demo_path().parent / "collectif-releve.toml"


def typed(case: finplan.Case) -> tuple[Workbook, object]:
    """The case's input sheets as finplan writes them (no results)."""
    model, layout = _input_sheets(case, {})
    book = Workbook()
    book.remove(book.active)
    write_book(model, book)
    return book, layout


def grid(book: Workbook) -> list[list[object]]:
    return [list(row) for row in book[INPUT_SHEET].iter_rows(values_only=True)]


def with_hours() -> finplan.Case:
    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    second = raw["contract"][1]
    del second["split"], second["hours"]
    second["split_hours"] = {"layon": [0, 900, 1000], "jardins": [0, 900, 800]}
    return finplan.load_case(raw)


@pytest.mark.parametrize("case", [finplan.load_case(EXAMPLE), with_hours()],
                         ids=["parts", "heures"])
def test_a_collective_typed_on_the_sheet_reads_back_as_the_same_case(case):
    book, layout = typed(case)
    assert read_workbook_case(book).case == case
    assert read_grid_case(grid(book)).case == case
    sheet = book[INPUT_SHEET]
    members = layout.table("member")
    assert [sheet.cell(members.first_row + i, 3).value for i in range(5)] == [
        "Alise", "Chantiers du Layon", "Tremplin Bâtiment", "Ressources Emploi",
        "Jardins de l'Aubance"]
    # the project's own opening cash stays empty: each member has its own
    assert sheet[layout.cell("member", 0, "opening_cash")].value == 30000
    splits = layout.table("contract.split")
    assert sheet.cell(splits.first_row, 2).value == "releve"
    assert sheet.cell(splits.first_row, 3).value == "alise"


def test_the_member_columns_offer_the_members_typed(tmp_path):
    book, layout = typed(finplan.load_case(EXAMPLE))
    lists = book[LISTS_SHEET]
    member_list = book.defined_names["liste_membres"].attr_text
    column = member_list.split("!")[1][1]
    formulas = [lists[f"{column}{row}"].value for row in range(2, 7)]
    assert formulas[0] == f"=IF('{INPUT_SHEET}'!B{layout.table('member').first_row}=\"\",\"\"," \
                          f"'{INPUT_SHEET}'!B{layout.table('member').first_row})"
    member_cell = layout.cell("staff", 0, "member")
    validations = [v for v in book[INPUT_SHEET].data_validations.dataValidation
                   if v.formula1 == "=liste_membres"]
    assert validations and any(member_cell in str(v.sqref) for v in validations)


def _messages(book: Workbook) -> list[str]:
    with pytest.raises(CaseError) as error:
        read_workbook_case(book)
    return [str(issue) for issue in error.value.issues]


def test_a_volunteer_s_collective_mistakes_name_the_cells():
    book, layout = typed(finplan.load_case(EXAMPLE))
    sheet = book[INPUT_SHEET]
    splits = layout.table("contract.split")
    share = layout.cell("contract.split", 1, "share")
    sheet[share] = 0.2  # Layon's 30 % typed 20 %: the shares make 90 %
    sheet[layout.cell("expense", 0, "member")] = "lyon"
    assert _messages(book) == [
        f"Hypothèses!{layout.cell('expense', 0, 'member')} (« Frais de coordination "
        "(déplacements) ») : attendu l'identifiant d'un membre : alise ; layon ; tremplin ; "
        "ressources ; "
        "jardins, trouvé « lyon ».",
        f"Hypothèses!{layout.cell('contract.split', 0, 'share')} (« Relève des compteurs "
        "d'eau ») : les parts des membres font 90 %, pas 100 % ; corrigez-les pour "
        "qu'elles fassent 1 (100 %)."]
    sheet[share] = 0.3
    sheet[layout.cell("expense", 0, "member")] = None
    sheet.cell(splits.first_row, 2).value = "relevé"
    sheet[layout.cell("contract.split", 2, "share")] = None
    assert _messages(book) == [
        f"Hypothèses!{layout.cell('contract.split', 0, 'contract')} : contrat « relevé » "
        "inconnu (contrats du tableau « Contrats en heures » : « releve », « second ») ; "
        "saisissez l'identifiant d'un contrat.",
        f"Hypothèses!{layout.cell('contract.split', 2, 'share')} : donnez la « Part des "
        "heures » du membre, ou ses « Heures par an ».",
        # what the rows read give (a volunteer who fixes the two above never sees it)
        f"Hypothèses!{layout.cell('contract.split', 1, 'share')} (« Relève des compteurs "
        "d'eau ») : les parts des membres font 60 %, pas 100 % ; corrigez-les pour "
        "qu'elles fassent 1 (100 %)."]


def test_a_workbook_made_before_the_member_columns_still_reads(tmp_path):
    """The contract-in-hours case's workbook as finplan made it before the « Membre »
    columns and the collective's tables: it reads as the same case."""
    older = tmp_path / "contrat-heures.xlsx"
    shutil.copy(Path(__file__).parent / "cases" / "earlier" / "contrat-heures-2026-12.xlsx",
                older)
    case = finplan.load_case(Path(__file__).parent / "cases" / "contrat-heures.toml")
    assert read_workbook_file(older).case == case


def test_the_template_has_the_collective_s_tables():
    book = template_workbook()
    headers = [cell.value for row in book[INPUT_SHEET].iter_rows() for cell in row
               if cell.value in ("Membres du collectif", "Heures des contrats par membre")]
    assert headers == ["Membres du collectif", "Heures des contrats par membre"]


def _collective_template() -> Workbook:
    """The blank template with two members typed in « Membres du collectif »."""
    book = template_workbook()
    sheet = book[INPUT_SHEET]
    for cell, value in (("C6", "Relève"), ("C7", "Collectif de l'Aubance"), ("C8", 2027)):
        sheet[cell] = value
    layout = read_workbook_case(book).layout
    for index, (member_id, name, mandataire) in enumerate(
            (("alise", "Alise", "oui"), ("layon", "Chantiers du Layon", None))):
        sheet[layout.cell("member", index, "id")] = member_id
        sheet[layout.cell("member", index, "name")] = name
        sheet[layout.cell("member", index, "mandataire")] = mandataire
    assert len(read_workbook_case(book).case.members) == 2
    return book


def test_every_contract_of_a_case_has_its_row():
    """« Contrats en heures » grows with the case (it kept 3 rows whatever the case)."""
    raw = tomllib.loads((Path(__file__).parent / "cases" / "contrat-heures.toml").read_text(
        encoding="utf-8"))
    first = raw["contract"][0]
    raw["contract"] = [{**first, "id": f"c{k}", "label": f"Contrat {k}"} for k in range(5)]
    for line in raw["staff"]:
        if "hours_from" in line:
            line["hours_from"] = "c0"
    case = finplan.load_case(raw)
    assert read_workbook_case(template_workbook(case)).case == case
