"""Template and example workbooks up to date; round trips; fill keeps every input;
errors cite sheet and cell."""

import os
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from workbook_compare import differences, saved

import finplan
from finplan.cli import main
from finplan.errors import CaseError, FinplanError
from finplan.io.toml_case import case_to_toml, parse_case_text
from finplan.io.workbook_layout import INPUT_SHEET, InputLayout
from finplan.io.workbook_read import open_workbook, read_workbook_case, read_workbook_file
from finplan.io.workbook_write import (
    build_workbook,
    fill_workbook,
    item_counts,
    template_workbook,
)
from finplan.model.validation import validate_case

ROOT = Path(__file__).parent.parent
# the bundled examples of one organisation (a collective's workbook is not filled in
# place yet)
SINGLE = [path for path in finplan.example_paths() if not finplan.load_case(path).members]
CASES = [*SINGLE, Path(__file__).parent / "cases" / "cinq-ans.toml"]
EARLIER = Path(__file__).parent / "cases" / "earlier"
REGENERATE = "run `finplan regenerate` at the repository root and commit the result"


def test_template_is_up_to_date(tmp_path):
    fresh = saved(template_workbook(), tmp_path, "finplan.xlsx")
    assert differences(fresh, ROOT / "templates" / "finplan.xlsx") == [], REGENERATE


def test_the_comparison_sees_a_changed_look(tmp_path):
    """The template and the examples are compared style by style too (issue 28: they
    stay the same while the case's description changes): a fill, a number format, a
    column's width, a comment, a print setting are each a difference."""
    committed = ROOT / "templates" / "finplan.xlsx"
    edits = {
        "cells": lambda sheet: setattr(sheet["C8"], "number_format", "0.000"),
        "widths": lambda sheet: setattr(sheet.column_dimensions["B"], "width", 50),
        "comments": lambda sheet: setattr(sheet["B24"], "comment", None),
        "page": lambda sheet: setattr(sheet.page_setup, "scale", 90),
    }
    for what, edit in edits.items():
        book = load_workbook(committed)
        edit(book[INPUT_SHEET])
        found = differences(saved(book, tmp_path, "edited.xlsx"), committed)
        assert found and all(INPUT_SHEET in line for line in found), (what, found)
        assert (what == "cells") == ("look different" in found[0]), (what, found)


@pytest.mark.parametrize("example", finplan.example_paths(), ids=lambda p: p.stem)
def test_example_workbooks_are_up_to_date(tmp_path, example):
    built = build_workbook(finplan.load_case(example)).workbook
    fresh = saved(built, tmp_path, f"{example.stem}.xlsx")
    assert differences(fresh, ROOT / "workbooks" / f"{example.stem}.xlsx") == [], REGENERATE


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_round_trip_toml_workbook_toml(tmp_path, path):
    case = finplan.load_case(path)
    target = tmp_path / "plan.xlsx"
    build_workbook(case).workbook.save(target)
    read_back = read_workbook_case(open_workbook(target)).case
    assert read_back == case
    assert validate_case(parse_case_text(case_to_toml(read_back))) == case


def _inputs(path: Path) -> dict:
    """Every cell of the input sheet: value, number format, fill, font colour, comment."""
    sheet = load_workbook(path)[INPUT_SHEET]
    return {cell.coordinate: (cell.value, cell.number_format, cell.fill.fgColor.rgb,
                              cell.font.color.rgb if cell.font.color else None,
                              cell.comment.text if cell.comment else None)
            for row in sheet.iter_rows() for cell in row}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_fill_never_changes_an_input_cell(tmp_path, path):
    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(path)).workbook.save(target)
    before = _inputs(target)
    first = fill_workbook(target)
    assert _inputs(target) == before
    assert first.backup == tmp_path / "plan.bak.xlsx"
    second_before = target.read_bytes()
    fill_workbook(target)
    assert _inputs(target) == before
    assert (tmp_path / "plan.bak.xlsx").read_bytes() == second_before


def test_fill_keeps_charts_validations_names_and_tables(tmp_path):
    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    fill_workbook(target)
    with zipfile.ZipFile(target) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
    assert len(charts) == 4
    book = load_workbook(target)
    sheet = book[INPUT_SHEET]
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert formulas == {"=liste_categories", "=liste_contrats", "=liste_types",
                        "=liste_regles", "=liste_lignes", "=liste_besoins", "=liste_lois",
                        "=liste_membres", "=liste_relais", "=liste_remboursements",
                        "=liste_financeurs", "=liste_statuts", "=liste_bases",
                        "=liste_natures"}
    assert set(sheet.tables) == {"tbl_personnel", "tbl_recettes", "tbl_contrats",
                                 "tbl_charges", "tbl_investissements", "tbl_emprunts",
                                 "tbl_besoins", "tbl_financeurs", "tbl_scenarios",
                                 "tbl_montecarlo", "tbl_membres", "tbl_heures_membres",
                                 "tbl_relais", "tbl_nature", "tbl_realise"}
    for name in ("p_annee1", "idx_salaires", "liste_types", "budget_charges",
                 "financeurs_tableau", "plan_tresorerie_fin", "controles"):
        assert name in book.defined_names
    assert book.sheetnames == ["Guide", "Hypothèses", "Budget", "Financeurs",
                               "Plan de financement", "Trésorerie", "Graphiques", "Scénarios",
                               "Contrôles", "Calculs", "Listes", "Dernier calcul",
                               "Dossier DLA des Landes", "Dossier Département des Landes",
                               "Dossier Région Nouvelle-Aquita…", "Dossier SIETOM de Chalosse"]


def test_fill_of_the_template_fills_every_output_sheet(tmp_path):
    target = tmp_path / "modele.xlsx"
    template_workbook().save(target)
    with pytest.raises(CaseError) as caught:
        fill_workbook(target)
    assert [issue.location for issue in caught.value.issues] == [
        "Hypothèses!C6", "Hypothèses!C7", "Hypothèses!C8"]
    assert not (tmp_path / "modele.bak.xlsx").exists()


def _workbook_with(tmp_path, edits: dict[str, object], case_path=None) -> Path:
    case = finplan.load_case(case_path or finplan.demo_path())
    book = build_workbook(case).workbook
    layout = InputLayout.for_counts(item_counts(case))
    for (key, index, column, *year), value in edits.items():
        book[INPUT_SHEET][layout.cell(key, index, column, *year)] = value
    target = tmp_path / "plan.xlsx"
    book.save(target)
    return target


def _errors(path: Path) -> list[str]:
    with pytest.raises(CaseError) as caught:
        read_workbook_case(open_workbook(path))
    return [str(issue) for issue in caught.value.issues]


def test_errors_cite_the_cell(tmp_path):
    path = _workbook_with(tmp_path, {("staff", 0, "employer_rate"): 42,
                                     ("funder", 5, "type"): "Publique",
                                     ("expense", 1, "amount"): "beaucoup"})
    assert _errors(path) == [
        "Hypothèses!G25 (« Salariés en parcours d'insertion (CDDI, 26 h) ») : attendu une "
        "fraction entre 0 et 1 (13 % s'écrit 0,13 ou 13 %), trouvé « 42 » ; 42 vaut 4200 % "
        ": pour 42 %, écrivez 0,42 ou 42 %.",
        "Hypothèses!D61 (« Eau, énergie ») : attendu un nombre positif ou nul, ou une valeur "
        "par année séparées par « ; » (« 3 ; 4 ; 5 »), trouvé « beaucoup ».",
        "Hypothèses!C114 (« SIETOM de Chalosse ») : attendu l'une des valeurs « Public », "
        "« Privé » ou « Fonds propres », trouvé « Publique ».",
    ]


def test_french_number_spellings_are_read_or_refused(tmp_path):
    path = _workbook_with(tmp_path, {("staff", 0, "employer_rate"): "13 %",
                                     ("staff", 1, "monthly_gross"): "2 350,00",
                                     ("expense", 0, "amount"): "21 600 €"})
    found = read_workbook_case(open_workbook(path))
    assert found.case == finplan.load_case(finplan.demo_path())
    assert found.notes[0].startswith("Hypothèses!G25 contient le texte « 13 % », lu comme "
                                     "le nombre 0,13")
    path = _workbook_with(tmp_path, {("staff", 1, "monthly_gross"): "2.350"})
    assert _errors(path) == ["Hypothèses!F26 : « 2.350 » est ambigu (point des milliers ou "
                             "point décimal ?) : écrivez 2350 ou 2,350."]
    path = _workbook_with(tmp_path, {("staff", 1, "monthly_gross"): "2,350.00"})
    assert _errors(path) == ["Hypothèses!F26 : « 2,350.00 » est écrit à l'anglaise : "
                             "écrivez 2 350,00."]


def test_per_year_values_typed_in_the_cell(tmp_path):
    """One value a year, « ; » between: read as the formulas read them (a decimal
    comma, spaces ignored, « % »), else each wrong value is named with its year, and a
    list of the wrong length with the plan's duration."""
    path = _workbook_with(tmp_path, {("expense", 0, "amount"): "1 000 ; 2 000 ; 3 000,5",
                                     ("revenue", 0, "quantity"): "50 ; 80,5 ; 100 ;"})
    case = read_workbook_file(path).case
    assert case.expenses[0].amount == (1000, 2000, Decimal("3000.5"))
    assert case.revenue[0].quantity == (50, Decimal("80.5"), 100)
    path = _workbook_with(tmp_path, {("expense", 0, "amount"): "1000 ; 2000",
                                     ("revenue", 1, "amount"): "10 ; ; 30",
                                     ("staff", 1, "fte"): "1.5 ; 2 ; 2"})
    assert _errors(path) == [
        "Hypothèses!E26 (« Encadrant technique ») : « ETP », année 1 : écrivez « 1,5 », "
        "comme les formules le lisent (virgule décimale, ni point ni « € »).",
        "Hypothèses!D42 (« Prestations d'enlèvement à domicile ») : « Montant par an (€) », "
        "année 2 : valeur manquante : écrivez-la (0 pour une année sans montant).",
        "Hypothèses!D60 (« Loyer du bâtiment (dépôt et boutique) ») : « Montant par an (€) » "
        ": 2 valeurs pour un plan de 3 ans ; donnez-en une par année, séparées par « ; », ou "
        "une seule pour toutes les années.",
    ]


def test_year_columns_of_an_earlier_workbook(tmp_path):
    """A workbook made before the values of a year were typed in the field's cell
    keeps its year columns « an 1 » … « an 5 »: a single value and year values on the
    same field, a missing year, a year past the horizon are named there, and a list in
    the field's cell is refused (its formulas read the year columns)."""
    older = tmp_path / "plan.xlsx"
    shutil.copy(EARLIER / "recyclerie-cinq-ans-2026-12.xlsx", older)
    book = load_workbook(older)
    sheet = book[INPUT_SHEET]
    sheet["C9"] = 3  # « Durée du plan »: 3 years, the values of years 4 and 5 past it
    sheet["E24"] = 4  # staff[0].fte, beside its year columns
    sheet["E26"] = "1 ; 2 ; 3"  # staff[2].fte: a list
    for cell in ("Q40", "R40", "S40"):  # revenue[0].quantity, years 3 to 5: missing
        sheet[cell] = None
    book.save(older)
    staff = "« Salariés en parcours d'insertion (CDDI, 26 h) »"
    errors = _errors(older)
    assert errors[:5] == [
        f"Hypothèses!O24 ({staff}) : valeur de « ETP » pour l'année 4 alors que le plan "
        "dure 3 ans ; videz cette cellule ou allongez le plan.",
        f"Hypothèses!P24 ({staff}) : valeur de « ETP » pour l'année 5 alors que le plan "
        "dure 3 ans ; videz cette cellule ou allongez le plan.",
        f"Hypothèses!E24 ({staff}) : donnez dans « ETP » soit une valeur unique, soit une "
        "valeur par année (colonnes « an 1 » à « an 3 »), pas les deux.",
        "Hypothèses!E26 (« Accompagnement socio-professionnel ») : « ETP » : ce classeur, "
        "fait par une version antérieure de finplan, prend les valeurs par année dans ses "
        "colonnes « an 1 » à « an 5 » en fin de tableau ; saisissez-les là, une par cellule.",
        "Hypothèses!Q40 (« Ventes en boutique (tonnes réemployées vendues) ») : valeur de "
        "« Quantité » manquante pour l'année 3 : remplissez toutes les années (0 pour une "
        "année sans montant) ou aucune.",
    ]
    # the others: the five-year values of the year columns past the three years
    assert all("alors que le plan dure 3 ans" in error for error in errors[5:])


def test_profiles_and_payment_schedules_are_typed_in_one_cell(tmp_path):
    path = _workbook_with(tmp_path, {("revenue", 0, "monthly_profile"): "1 ; 1 ; 2,5",
                                     ("funder", 5, "payments"): "60 % en avril",
                                     ("funder", 6, "payments"): "50 % mois 4 ; 40 % mois 16"})
    assert _errors(path) == [
        "Hypothèses!P114 : « 60 % en avril » ne se lit pas ; écrivez par exemple « 60 % mois "
        "4 ; 40 % mois 16 ».",
        "Hypothèses!H41 (« Ventes en boutique (tonnes réemployées vendues) ») : attendu 12 "
        "poids positifs ou nuls (janvier à décembre), pas tous nuls, par exemple « 1 ; 1 ; "
        "2 ; 2 ; 2 ; 1 ; 1 ; 1 ; 1 ; 1 ; 1 ; 1 », trouvé « 1 ; 1 ; 2,5 ».",
        "Hypothèses!P115 (« Département des Landes (insertion) ») : les parts des versements "
        "doivent faire 100 % (elles font 90 %).",
    ]


def test_renamed_sheet_and_deleted_table(tmp_path):
    path = tmp_path / "plan.xlsx"
    book = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    book[INPUT_SHEET].title = "Hypotheses"
    book.save(path)
    assert _errors(path) == ["classeur : la feuille « Hypothèses » est introuvable : elle "
                             "a été renommée « Hypotheses » ; rendez-lui son nom (clic "
                             "droit sur l'onglet « Hypotheses » > Renommer, tapez "
                             "« Hypothèses ») puis relancez le calcul."]
    book = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    del book[INPUT_SHEET].tables["tbl_emprunts"]
    book.save(path)
    assert _errors(path) == ["Hypothèses : le tableau « Emprunts » (tbl_emprunts) est "
                             "introuvable dans la feuille Hypothèses ; repartez du modèle "
                             "finplan sans supprimer ni renommer ses tableaux."]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    raw = parse_case_text(finplan.demo_path().read_text("utf-8"))
    raw["expense"][0]["label"] = '=HYPERLINK("http://example.invalid","clic")'
    raw["funder"][0]["name"] = "=cmd|' /C calc'!A0"
    case = finplan.load_case(raw)
    target = tmp_path / "plan.xlsx"
    build_workbook(case).workbook.save(target)
    book = load_workbook(target)
    texts = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and ("HYPERLINK" in cell.value
                                                 or "cmd|" in cell.value)]
    assert texts and all(cell.data_type == "s" for cell in texts)
    assert read_workbook_case(open_workbook(target)).case == case


@pytest.mark.parametrize("lock, program", [("~$plan.xlsx", "Excel"),
                                           (".~lock.plan.xlsx#", "LibreOffice")])
def test_fill_refuses_a_workbook_open_in_excel(tmp_path, lock, program):
    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    before = target.read_bytes()
    (tmp_path / lock).write_bytes(b"owner")
    with pytest.raises(FinplanError, match=f"semble ouvert dans {program}"):
        fill_workbook(target)
    assert target.read_bytes() == before


def test_fill_refuses_a_read_only_workbook(tmp_path, monkeypatch):
    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    before = target.read_bytes()
    real_access = os.access
    # the tests run as root, who may write anything: the permission is simulated
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == target
                        else real_access(path, mode))
    with pytest.raises(FinplanError, match="est en lecture seule"):
        fill_workbook(target)
    assert target.read_bytes() == before


def test_cli_build_fill_case_template(tmp_path):
    runner = CliRunner()
    target = tmp_path / "plan.xlsx"
    result = runner.invoke(main, ["build", str(finplan.demo_path()), "-o", str(target)])
    assert result.exit_code == 0, result.output  # the example carries its bridges
    assert "Tous les contrôles sont passés." in result.output
    again = runner.invoke(main, ["build", str(finplan.demo_path()), "-o", str(target)])
    assert again.exit_code == 2 and "existe déjà" in again.output
    forced = runner.invoke(main, ["build", str(finplan.demo_path()), "-o", str(target),
                                  "--force"])
    assert forced.exit_code == 0 and (tmp_path / "plan.bak.xlsx").exists()
    filled = runner.invoke(main, ["fill", str(target)])
    assert filled.exit_code == 0, filled.output
    exported = tmp_path / "cas.toml"
    result = runner.invoke(main, ["case", str(target), "-o", str(exported)])
    assert result.exit_code == 0
    assert finplan.load_case(exported) == finplan.load_case(finplan.demo_path())
    first = exported.read_bytes()
    again = runner.invoke(main, ["case", str(target), "-o", str(exported)])
    assert again.exit_code == 2 and "existe déjà" in again.output
    forced = runner.invoke(main, ["case", str(target), "-o", str(exported), "--force"])
    assert forced.exit_code == 0 and (tmp_path / "cas.bak.toml").read_bytes() == first
    assert not list(tmp_path.glob(".~finplan-*"))
    model = tmp_path / "modele.xlsx"
    assert runner.invoke(main, ["template", "-o", str(model)]).exit_code == 0
    result = runner.invoke(main, ["fill", str(model)])
    assert result.exit_code == 2 and "Hypothèses!C6" in result.output


def test_cli_fill_exit_1_when_a_check_fails(tmp_path):
    target = tmp_path / "velo.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path().parent / "atelier-velo.toml")
                   ).workbook.save(target)
    result = CliRunner().invoke(main, ["fill", str(target)])
    assert result.exit_code == 1
    assert "À revoir : Trésorerie négative" in result.output


def test_not_a_workbook(tmp_path):
    fake = tmp_path / "faux.xlsx"
    fake.write_text("pas un classeur", "utf-8")
    result = CliRunner().invoke(main, ["fill", str(fake)])
    assert result.exit_code == 2
    assert "ne peut pas être lu comme un classeur Excel" in result.output
    assert fake.read_text("utf-8") == "pas un classeur"


@pytest.mark.parametrize("part", ["xl/webextensions/webextension1.xml",
                                  "xl/media/image1.png"])
def test_fill_keeps_parts_openpyxl_cannot_read(tmp_path, part):
    # xlwings Lite code and images used to make fill refuse: the fill now copies every
    # part of the user's workbook as it is and only replaces finplan's sheets
    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    with zipfile.ZipFile(target, "a") as archive:
        archive.writestr(part, "<contenu/>")
    fill_workbook(target)
    with zipfile.ZipFile(target) as archive:
        assert archive.read(part) == b"<contenu/>"


def test_a_fill_reads_the_result_sheets_filled_cells_as_openpyxl_does(tmp_path):
    # a fill no longer loads the result sheets it rewrites: it reads which of their
    # cells hold something straight from the package; on finplan's workbooks and on
    # the same workbooks saved by LibreOffice (another writer: shared formulas, its
    # own way of writing cells), that is exactly the cells openpyxl finds filled
    from spreadsheet import convert, make_profile

    from finplan.io.sheet_marks import content_cells
    from finplan.io.workbook_layout import OUTPUT_SHEETS, SHEETS
    from finplan.io.workbook_package import without_cells
    from finplan.io.workbook_read import open_workbook

    workbooks = sorted((ROOT / "workbooks").glob("*.xlsx"))
    saved = convert(workbooks[:1], tmp_path / "lo", make_profile(tmp_path / "profile"))
    titles = [SHEETS[key] for key in OUTPUT_SHEETS]
    for path in [*workbooks, *saved]:
        book = open_workbook(path)
        _, cells = without_cells(str(path), titles)
        assert set(cells) == {title for title in titles if title in book.sheetnames}, path
        for title, found in cells.items():
            assert found == content_cells(book[title]), (path.name, title)
