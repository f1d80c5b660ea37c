"""Issue 15: a collective's workbook — the consolidated sheets, « Membres » and each
member's result sheets written by the single organisation's writers from the
collective's inputs, recalculated by LibreOffice: every formula equals the engine to
the cent, and the figures are the members' own."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from spreadsheet import convert, formula_mismatches, is_error, make_profile, same_cell

import finplan
from finplan.io.workbook_write import build_workbook
from finplan.model.engine import compute

from helpers import click_recalculated

EXAMPLE = finplan.demo_path().parent / "collectif-releve.toml"


@pytest.fixture(scope="module")
def members_recalculated(tmp_path_factory):
    """(expectations, recalculated values, the built workbook) of the example."""
    folder = tmp_path_factory.mktemp("collectif")
    built = build_workbook(finplan.load_case(EXAMPLE))
    path = folder / "collectif.xlsx"
    built.workbook.save(path)
    out = folder / "out"
    convert([path], out, make_profile(folder / "profile"))
    return built.expected, load_workbook(out / path.name, data_only=True), built.workbook


def test_the_collective_s_sheets_then_each_member_s(members_recalculated):
    *_, book = members_recalculated
    names = book.sheetnames
    assert names[:13] == ["Guide", "Hypothèses", "Budget", "Financeurs",
                          "Plan de financement", "Trésorerie", "Graphiques", "Scénarios",
                          "Contrôles", "Membres", "Calculs", "Listes", "Dernier calcul"]
    assert names[13:18] == ["Financeurs (alise)", "Calculs (alise)", "Budget (alise)",
                            "Plan de financement (alise)", "Trésorerie (alise)"]
    assert "Plan de financement (ressourc…)" in names  # 31 characters at most
    assert len(names) == 13 + 5 * 5 + 2
    assert names[-2:] == ["Dossier Département", "Dossier Fondation"]  # a sheet per request
    # the collective's « Calculs » says where each member's are
    assert book["Calculs"]["B4"].value == "Alise : feuille « Calculs (alise) »"


def test_every_formula_equals_the_engine_to_the_cent(members_recalculated):
    expected, values, book = members_recalculated
    assert formula_mismatches(expected, values, book) == []
    assert len(expected) > 3000
    errors = [(sheet.title, cell.coordinate) for sheet in values.worksheets
              for row in sheet.iter_rows() for cell in row if is_error(cell.value)]
    assert errors == []


def test_a_member_s_figures_follow_its_own_inputs(members_recalculated):
    """Layon's hours are the contract's × its share, typed in the collective's tables;
    its opening cash is its row of « Membres du collectif »."""
    _, values, _ = members_recalculated
    calc = values["Calculs (layon)"]
    hours = [row for row in calc.iter_rows(values_only=True)
             if row[1] == "Heures travaillées — Relève des compteurs d'eau"]
    assert hours and list(hours[0][2:5]) == [1350, 1350, 1350]
    plan = values["Plan de financement (layon)"]
    opening = [row for row in plan.iter_rows(values_only=True)
               if row[1] == "Trésorerie de début d'année"]
    assert opening[0][2] == 25000


def _rows(sheet) -> dict[str, list]:
    """Label -> its year values, for the rows of a sheet (the last of a label)."""
    return {row[1]: list(row[2:5]) for row in sheet.iter_rows(values_only=True)
            if isinstance(row[1], str)}


def test_the_members_sheet_shows_each_member_side_by_side(members_recalculated):
    """« Membres »: worked out by hand in tests/test_members.py — Layon works 30 % of
    4 500 h and half the second contract's 1 800 h from 2028; its aide au poste in 2027
    is 1 350 / 1 820 FTE × 23 921 € = 17 743,60 €; results and cash are its own."""
    _, values, _ = members_recalculated
    sheet = values["Membres"]
    rows = list(sheet.iter_rows(values_only=True))
    blocks: dict[str, dict[str, list]] = {}
    current = None
    for row in rows[4:]:
        label = row[1]
        if isinstance(label, str) and not label.startswith("  ") and row[2] is None:
            current = blocks.setdefault(label, {})
        elif isinstance(label, str) and current is not None:
            current[label.strip()] = list(row[2:6])
    hours = blocks["Heures travaillées sur les contrats"]
    assert hours["Chantiers du Layon"] == [1350, 2250, 2250, 5850]
    assert hours["Total des membres"] == [4500, 6300, 6300, 17100]
    aid = blocks["Aides par ETP (aide au poste)"]
    assert aid["Chantiers du Layon"][0] == pytest.approx(17743.60, abs=0.005)
    plan = compute(finplan.load_case(EXAMPLE))
    results = blocks["Résultat comptable"]
    assert results["Total des membres"][:3] == pytest.approx(
        [c / 100 for c in plan.result], abs=0.005)
    cash = blocks["Trésorerie de fin d'année"]
    assert cash["Alise (mandataire)"][:3] == pytest.approx(
        [c / 100 for c in plan.members[0].cash_end], abs=0.005)
    assert cash["Alise (mandataire)"][3] is None  # year-end balances do not add up
    revenue = blocks["Recettes propres (avec les parts de contrats reversées par le "
                     "mandataire)"]
    assert revenue["Collectif, sans les reversements entre membres"][:3] == pytest.approx(
        [c / 100 for c in plan.own_revenue], abs=0.005)


def test_the_consolidated_budget_leaves_out_what_members_pass_each_other(
        members_recalculated):
    """The collective's Budget: the pass-ons (604 « Reversement à … ») and the members'
    contributions (628 / 756) are not in it; its result is the members' sum."""
    _, values, _ = members_recalculated
    labels = [row[1] for row in values["Budget"].iter_rows(values_only=True)
              if isinstance(row[1], str)]
    assert not [text for text in labels if "Reversement" in text or "versée à" in text]
    assert any("Reversement à Chantiers du Layon" in text for text in [
        row[1] for row in values["Budget (alise)"].iter_rows(values_only=True)
        if isinstance(row[1], str)])


def test_fill_computes_a_collective_as_build_does(tmp_path):
    """finplan fill on the collective's workbook rewrites its consolidated, « Membres »
    and members' sheets as build wrote them, and again on a second fill."""
    from workbook_compare import differences

    from finplan.io.workbook_write import fill_workbook

    path = tmp_path / "collectif.xlsx"
    built = build_workbook(finplan.load_case(EXAMPLE)).workbook
    built.save(path)
    for _ in range(2):
        fill_workbook(path)
        assert differences(load_workbook(path), built) == []


def _volunteer_collective(tmp_path):
    """The blank template with a two-member collective typed in, filled once."""
    from test_collective_inputs import _collective_template

    from finplan.io.workbook_write import fill_workbook

    path = tmp_path / "collectif.xlsx"
    _collective_template().save(path)
    fill_workbook(path)
    return path


def test_a_volunteer_s_collective_gets_its_members_sheets_from_fill(tmp_path):
    path = _volunteer_collective(tmp_path)
    names = load_workbook(path).sheetnames
    assert names[9:11] == ["Membres", "Calculs"]
    assert names[13:] == [f"{sheet} ({member})" for member in ("alise", "layon")
                          for sheet in ("Financeurs", "Calculs", "Budget",
                                        "Plan de financement", "Trésorerie")]


def test_a_member_taken_out_leaves_a_note_not_stale_figures(tmp_path):
    from finplan.io.workbook_layout import INPUT_SHEET
    from finplan.io.workbook_read import read_workbook_case
    from finplan.io.workbook_write import fill_workbook

    path = _volunteer_collective(tmp_path)
    book = load_workbook(path)
    layout = read_workbook_case(book).layout
    for column in ("id", "name"):
        book[INPUT_SHEET][layout.cell("member", 1, column)] = None
    book.save(path)
    fill_workbook(path)
    sheet = load_workbook(path)["Budget (layon)"]
    assert sheet["B3"].value.startswith("Ce membre n'est plus dans le tableau « Membres du "
                                        "collectif »")
    assert [cell.coordinate for row in sheet.iter_rows() for cell in row
            if cell.value is not None] == ["B1", "B3"]


def test_a_cell_typed_on_a_member_s_sheet_is_never_lost(tmp_path):
    from click.testing import CliRunner

    from finplan.cli import main

    path = tmp_path / "collectif.xlsx"
    book = build_workbook(finplan.load_case(EXAMPLE)).workbook
    book["Budget (layon)"]["H50"] = "ma note"
    book.save(path)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert result.exit_code == 2
    assert "« Budget (layon) » : H50" in result.output
    assert path.read_bytes() == before


def test_the_button_computes_a_collective_as_build_does(tmp_path):
    """The collective typed in its template (as a volunteer would), clicked through
    xlwings' remote engine: the button adds « Membres » and the members' sheets, and
    every result sheet, recalculated by LibreOffice, shows build's figures; a second
    click and a fill after it are not refused (the button recorded what it wrote)."""

    from finplan.io.workbook_write import fill_workbook, template_workbook

    case = finplan.load_case(EXAMPLE)
    profile = make_profile(tmp_path / "profile")
    filled, built = tmp_path / "rempli.xlsx", tmp_path / "build.xlsx"
    template_workbook(case).save(filled)
    build_workbook(case).workbook.save(built)
    shown, built_values = convert([filled, built], tmp_path / "shown", profile)
    returned, after = click_recalculated(filled, shown, tmp_path, profile, clicks=2)
    assert returned == [True, True]
    values, expected = load_workbook(after, data_only=True), load_workbook(built_values,
                                                                           data_only=True)
    results = [title for title in expected.sheetnames
               if title not in ("Guide", "Hypothèses", "Listes", "Dernier calcul")]
    assert [title for title in values.sheetnames if title in results] == results
    different = [(title, cell.coordinate, cell.value, values[title][cell.coordinate].value)
                 for title in results for row in expected[title].iter_rows() for cell in row
                 if cell.value is not None and title != "Calculs"
                 and not same_cell(cell.value, values[title][cell.coordinate].value)]
    assert different == []
    assert fill_workbook(tmp_path / "clique.xlsx").plan.ok
