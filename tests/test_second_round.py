"""Issue 29, the second round as users would: each item a test that failed before."""

from __future__ import annotations

import re
import warnings
import zipfile

import pytest
from click.testing import CliRunner

import finplan
from finplan import cli
from finplan.cli import main
from finplan.io.workbook_write import build_workbook
from finplan.model.engine import compute


def run(*args):
    return CliRunner().invoke(main, list(args))


# -- item 16: Ctrl-C, usage errors, a zip with a part twice ---------------------------

def test_ctrl_c_exits_130_with_a_french_message_never_1(monkeypatch):
    def interrupted(case):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "compute", interrupted)
    result = run("demo")
    assert result.exit_code == 130
    assert "Interrompu (Ctrl-C)" in result.output and "Aborted" not in result.output


@pytest.mark.parametrize("args, words", [
    (["plan", "--jsn", "dossier.toml"],
     "option inconnue « --jsn » (vouliez-vous dire « --json » ?)"),
    (["plan"], "il manque l'argument DOSSIER"),
    (["calculer"], "commande inconnue « calculer »"),
    (["plan", "a.toml", "b.toml"], "argument en trop : b.toml"),
    (["montecarlo", "x.toml", "--draws", "beaucoup"],
     "valeur « beaucoup » refusée pour --draws : un nombre entier est attendu"),
    (["montecarlo", "x.toml", "--draws"], "l'option --draws attend une valeur"),
])
def test_usage_errors_are_in_french_with_exit_2(args, words):
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.startswith("Erreur d'utilisation : " + words), result.output
    assert "Aide : finplan --help" in result.output
    assert "Usage:" not in result.output and "Error:" not in result.output


def test_a_package_with_a_part_twice_is_refused_in_french(tmp_path):
    path = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is told to add
        with zipfile.ZipFile(path, "a") as package:
            package.writestr("XL/worksheets/sheet1.xml", b"<worksheet/>")
    before = path.read_bytes()
    result = run("fill", str(path))
    assert result.exit_code == 2
    assert "il contient deux fois la partie XL/worksheets/sheet1.xml" in result.output
    assert path.read_bytes() == before


# -- item 11: a file the user named plan.bak.xlsx is never replaced -----------------------

def test_the_user_s_own_backup_is_never_replaced_by_fill(tmp_path):
    from finplan.io.workbook_write import fill_workbook

    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    mine = tmp_path / "plan.bak.xlsx"
    mine.write_bytes(b"the treasurer's own copy")
    first = target.read_bytes()
    result = run("fill", str(target))
    assert result.exit_code == 0, result.output
    assert (f"version précédente gardée : {tmp_path / 'plan.bak-2.xlsx'} ; plan.bak.xlsx, "
            "qui n'est pas une sauvegarde faite par finplan, est laissé tel quel") in (
        result.output)  # says which, and why
    assert mine.read_bytes() == b"the treasurer's own copy"
    assert (tmp_path / "plan.bak-2.xlsx").read_bytes() == first
    second = target.read_bytes()
    assert fill_workbook(target).backup == tmp_path / "plan.bak-2.xlsx"  # finplan's: rolled
    assert (tmp_path / "plan.bak-2.xlsx").read_bytes() == second
    assert mine.read_bytes() == b"the treasurer's own copy"
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == [
        "plan.bak-2.xlsx", "plan.bak.xlsx"]


def test_finplan_s_backup_edited_by_the_user_becomes_theirs(tmp_path):
    from finplan.io.workbook_write import fill_workbook

    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    assert fill_workbook(target).backup == tmp_path / "plan.bak.xlsx"  # free: taken
    assert fill_workbook(target).backup == tmp_path / "plan.bak.xlsx"  # finplan's: rolled
    (tmp_path / "plan.bak.xlsx").write_bytes(b"edited since")
    assert fill_workbook(target).backup == tmp_path / "plan.bak-2.xlsx"
    assert (tmp_path / "plan.bak.xlsx").read_bytes() == b"edited since"


# -- item 17 (part): batch --jobs capped at the cases and the cores ------------------------

def test_batch_runs_no_more_processes_than_cases_and_cores(tmp_path, monkeypatch):
    import finplan.batch as batch

    folder = tmp_path / "dossiers"
    folder.mkdir()
    for name in ("a.toml", "b.toml"):
        (folder / name).write_text(finplan.demo_path().read_text("utf-8"), "utf-8")
    started = []

    class Recorded(batch.ProcessPoolExecutor):
        def __init__(self, max_workers=None, **kwargs):
            started.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", Recorded)
    monkeypatch.setattr(batch.os, "cpu_count", lambda: 8)
    result = run("batch", str(folder), "-o", str(tmp_path / "sorties"), "--jobs", "64")
    assert result.exit_code == 0, result.output
    assert started == [2]  # two cases: two processes, not 64
    monkeypatch.setattr(batch.os, "cpu_count", lambda: 1)
    result = run("batch", str(folder), "-o", str(tmp_path / "autres"), "--jobs", "64")
    assert result.exit_code == 0 and started == [2]  # one core: no pool at all


def test_a_filled_file_keeps_its_owner_and_mode(tmp_path):
    import os

    if not hasattr(os, "chown") or os.geteuid() != 0:
        pytest.skip("changing a file's owner needs an administrator on a POSIX system")
    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    os.chown(target, 65534, 65534)  # the volunteer's file, filled by an administrator
    target.chmod(0o640)
    assert run("fill", str(target)).exit_code == 0
    status = target.stat()
    assert (status.st_uid, status.st_gid, status.st_mode & 0o777) == (65534, 65534, 0o640)


def test_a_workbook_with_a_protected_structure_gets_no_new_sheet(tmp_path):
    from openpyxl import load_workbook
    from openpyxl.workbook.protection import WorkbookProtection

    target = tmp_path / "plan.xlsx"
    book = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    book.security = WorkbookProtection(lockStructure=True)
    book.save(target)
    assert run("fill", str(target)).exit_code == 0  # its sheets replaced: no new one
    book = load_workbook(target)
    del book["Graphiques"]  # a fill would add it back
    book.save(target)
    before = target.read_bytes()
    result = run("fill", str(target))
    assert result.exit_code == 2
    assert ("La structure de ce classeur est protégée (« Révision > Protéger le "
            "classeur ») : finplan devrait y ajouter « Graphiques »") in result.output
    assert target.read_bytes() == before


# -- item 9: a sheet named like a result sheet, in a workbook without marks ---------------

def _without_marks(book, keep_blocks: bool) -> None:
    """The workbook as a finplan older than the marks would have left it (its result
    blocks' names kept or not)."""
    from finplan.io.sheet_marks import MARK_NAME
    from finplan.io.workbook_outputs import OUTPUT_NAMES

    for sheet in book.worksheets:
        if MARK_NAME in sheet.defined_names:
            del sheet.defined_names[MARK_NAME]
    if not keep_blocks:
        for name in OUTPUT_NAMES:
            if name in book.defined_names:
                del book.defined_names[name]


def test_the_association_s_own_budget_in_an_unmarked_workbook_is_refused(tmp_path):
    from openpyxl import load_workbook

    from finplan.io.workbook_write import template_workbook

    target = tmp_path / "plan.xlsx"
    book = template_workbook(finplan.load_case(finplan.demo_path()))
    book.save(target)
    book = load_workbook(target)
    _without_marks(book, keep_blocks=False)  # a template of a finplan before the marks
    budget = book["Budget"]
    budget["B3"] = None
    budget["B5"] = "Budget 2027 de l'association, voté en AG"
    book.save(target)
    before = target.read_bytes()
    result = run("fill", str(target))
    assert result.exit_code == 2, result.output
    assert "La feuille « Budget » n'a pas été créée par finplan" in result.output
    assert target.read_bytes() == before
    # the same template with finplan's placeholder still there is finplan's: filled
    book = load_workbook(target)
    book["Budget"]["B5"] = None
    book["Budget"]["B3"] = "Cette feuille sera remplie par le calcul du plan : saisissez…"
    book.save(target)
    assert run("fill", str(target)).exit_code == 0


def test_a_computed_workbook_of_a_finplan_before_the_marks_is_still_filled(tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    book = load_workbook(target)
    _without_marks(book, keep_blocks=True)
    book.save(target)
    assert run("fill", str(target)).exit_code == 0


# -- item 14: sheet names compared as Excel does, without regard to case ------------

def _renamed(path, old: str, new: str) -> None:
    """Rename a sheet as Excel does: its name and every reference to it."""
    from test_user_content import Package

    package = Package(path)
    for name, data in package.parts.items():
        if name.endswith(".xml"):
            text = data.decode("utf-8").replace(f'name="{old}"', f'name="{new}"')
            text = text.replace(f"'{old}'!", f"'{new}'!").replace(f"{old}!", f"{new}!")
            package.parts[name] = text.encode("utf-8")
    package.save(path)


def _folded(titles) -> list[str]:
    return sorted(title.casefold() for title in titles)


@pytest.mark.parametrize("example, old, new", [
    ("recyclerie-chalosse.toml", "Trésorerie", "TRÉSORERIE"),
    ("recyclerie-chalosse.toml", "Budget", "budget"),
    ("recyclerie-chalosse.toml", "Hypothèses", "HYPOTHÈSES"),
    ("collectif-releve.toml", "Budget (layon)", "BUDGET (LAYON)"),
])
def test_a_sheet_renamed_but_for_case_is_still_finplan_s(tmp_path, example, old, new):
    from openpyxl import load_workbook

    case = finplan.load_case(finplan.demo_path().parent / example)
    target = tmp_path / "plan.xlsx"
    book = build_workbook(case).workbook
    titles = book.sheetnames
    assert old in titles
    notes = book.create_sheet("Mes notes")
    notes["A1"] = f"='{old}'!C5"
    book.save(target)
    _renamed(target, old, new)
    result = run("fill", str(target))
    assert result.exit_code == 0, result.output
    filled = load_workbook(target)
    assert filled.sheetnames == [*titles, "Mes notes"]  # no « TRÉSORERIE1 » beside
    assert filled["Mes notes"]["A1"].value == f"='{new}'!C5"  # the user's formula kept
    assert filled[old]["B1"].value  # rewritten by this fill
    assert _folded(filled.sheetnames) == sorted(set(_folded(filled.sheetnames)))


# -- item 13: workbook.xml whose sheets are written <sheet …></sheet> ---------------

def test_sheets_written_with_an_end_tag_keep_their_names_when_a_sheet_is_added(tmp_path):
    import re

    from openpyxl import load_workbook
    from test_user_content import Package

    from finplan.io.sheet_marks import sheet_key
    from finplan.io.workbook_layout import SHEETS
    from finplan.io.workbook_members import MEMBER_MARK

    target = tmp_path / "plan.xlsx"
    book = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    del book["Graphiques"]  # the fill adds it back, in the middle of the workbook
    book.create_sheet("Mes notes")["A1"] = "Relancer la Région"
    book.save(target)
    package = Package(target)
    workbook = package.text("xl/workbook.xml")
    index = [found.group(1) for found in re.finditer(r'<sheet [^>]*name="([^"]+)"',
                                                     workbook)].index("Mes notes")
    workbook = workbook.replace("<definedNames>", '<definedNames><definedName '
                                f'name="mes_relances" localSheetId="{index}">'
                                "'Mes notes'!$A$1</definedName>", 1)
    package.parts["xl/workbook.xml"] = re.sub(  # as some writers spell an empty element
        r"<sheet ([^>]*?)\s*/>", r"<sheet \1></sheet>", workbook).encode("utf-8")
    package.save(target)
    assert "></sheet>" in Package(target).text("xl/workbook.xml")
    result = run("fill", str(target))
    assert result.exit_code == 0, result.output
    filled = load_workbook(target)
    assert filled.sheetnames.index("Graphiques") == filled.sheetnames.index("Trésorerie") + 1
    keys = {title: key for key, title in SHEETS.items()}
    for sheet in filled.worksheets:
        # a funder's dossier: one of finplan's extra result sheets
        extra = MEMBER_MARK if sheet.title.startswith("Dossier ") else None
        assert sheet_key(sheet) in (keys.get(sheet.title, extra), None), sheet.title
        if sheet.title in ("Budget", "Trésorerie", "Graphiques", "Listes"):
            assert sheet_key(sheet) == keys[sheet.title]
    assert "mes_relances" in filled["Mes notes"].defined_names


# -- item 17: a user's name spelt like finplan's; Excel's limit of cell formats -------

def test_a_user_s_workbook_name_spelt_like_finplan_s_is_refused_not_replaced(tmp_path):
    from test_user_content import Package

    target = tmp_path / "plan.xlsx"
    book = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    book.create_sheet("Mes notes")["A1"] = 12000
    book.save(target)
    package = Package(target)
    workbook = package.text("xl/workbook.xml")
    package.parts["xl/workbook.xml"] = re.sub(
        r'<definedName name="controles"[^>]*>[^<]*</definedName>',
        "<definedName name=\"controles\">'Mes notes'!$A$1</definedName>",
        workbook).encode("utf-8")
    package.save(target)
    before = target.read_bytes()
    result = run("fill", str(target))
    assert result.exit_code == 2, result.output
    assert ("Le nom défini « controles » (='Mes notes'!$A$1) est un nom que finplan donne "
            "à ses résultats") in result.output
    assert "Gestionnaire de noms" in result.output
    assert target.read_bytes() == before
    # finplan's own « controles », on its sheet, is replaced as ever
    book.save(target)
    assert run("fill", str(target)).exit_code == 0


def _styles_with(path, count: int) -> None:
    """Give the workbook ``count`` cell formats (the user's own, all different)."""
    from test_user_content import Package

    package = Package(path)
    styles = package.text("xl/styles.xml")
    found = re.search(r'<cellXfs count="(\d+)">(.*?)</cellXfs>', styles, re.DOTALL)
    had = int(found.group(1))
    extra = "".join(f'<xf numFmtId="{n % 50}" fontId="0" fillId="0" borderId="0" xfId="0" '
                    f'applyAlignment="1"><alignment indent="{n // 50 % 250}" '
                    f'textRotation="{n // 12500}"/></xf>' for n in range(count - had))
    styles = (styles[:found.start()] + f'<cellXfs count="{count}">' + found.group(2) + extra
              + "</cellXfs>" + styles[found.end():])
    package.parts["xl/styles.xml"] = styles.encode("utf-8")
    package.save(path)


def test_a_workbook_near_excel_s_limit_of_cell_formats_is_refused(tmp_path):
    from openpyxl import load_workbook

    from finplan.io.workbook_write import template_workbook

    target = tmp_path / "plan.xlsx"
    template_workbook(finplan.load_case(finplan.demo_path())).save(target)
    _styles_with(target, 63_990)
    before = target.read_bytes()
    result = run("fill", str(target))
    assert result.exit_code == 2, result.output
    assert "Ce classeur a déjà 63 990 formats de cellule différents : avec les " in \
        result.output
    assert "il dépasserait les 64 000 qu'Excel accepte" in result.output
    assert target.read_bytes() == before
    # with room for finplan's formats, filled
    template_workbook(finplan.load_case(finplan.demo_path())).save(target)
    _styles_with(target, 63_000)
    assert run("fill", str(target)).exit_code == 0
    assert 63_000 < len(load_workbook(target)._cell_styles) <= 64_000


# -- items 1 and 2: results typed over are seen; a per-FTE funder follows its offer ---

def _row_of(sheet, label: str) -> int:
    return next(row for row in range(1, sheet.max_row + 1)
                if str(sheet.cell(row, 2).value or "").startswith(label))


def _type_over_funder(book):
    sheet = book["Financeurs"]
    row = _row_of(sheet, "SIETOM de Chalosse")
    assert sheet.cell(row, 5).value == 25000
    sheet.cell(row, 5).value = 35000


def _type_over_rate(book):
    sheet = book["Calculs"]
    row = _row_of(sheet, "Montant par ETP (barème ACI)")
    sheet.cell(row, 3).value = sheet.cell(row, 3).value + 1000


def _replace_a_formula(book):
    sheet = book["Budget"]
    row = _row_of(sheet, "TOTAL DES CHARGES")
    assert str(sheet.cell(row, 3).value).startswith("=")
    sheet.cell(row, 3).value = 1000


def _swap_two_figures(book):
    sheet = book["Trésorerie"]
    row = _row_of(sheet, "Département des Landes (insertion)")
    cells = [cell for cell in sheet[row][2:] if isinstance(cell.value, (int, float))]
    first = cells[0]
    second = next(cell for cell in cells if cell.value != first.value)
    first.value, second.value = second.value, first.value


def _type_over_receivable(book):
    sheet = book["Plan de financement"]
    row = _row_of(sheet, "moins : financements encore à recevoir")
    cell = next(cell for cell in sheet[row][2:] if isinstance(cell.value, (int, float)))
    cell.value += 5000


TYPED_OVER = {
    "montant d'un financeur (Financeurs)": (_type_over_funder, "Financeurs"),
    "montant par ETP (Calculs)": (_type_over_rate, "Calculs"),
    "formule remplacée par un nombre (Budget)": (_replace_a_formula, "Budget"),
    "deux montants échangés (Trésorerie)": (_swap_two_figures, "Trésorerie"),
    "reste à recevoir (Plan de financement)": (_type_over_receivable, "Plan de financement"),
}


@pytest.fixture(scope="module")
def typed_over(tmp_path_factory):
    from openpyxl import load_workbook
    from spreadsheet import convert, make_profile

    folder = tmp_path_factory.mktemp("typed")
    built = folder / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(built)
    sources = {"inchangé": built}
    for number, (name, (edit, _)) in enumerate(TYPED_OVER.items()):
        book = load_workbook(built)
        edit(book)
        sources[name] = folder / f"{number}.xlsx"
        book.save(sources[name])
    refilled = folder / "rempli.xlsx"
    refilled.write_bytes(sources["montant d'un financeur (Financeurs)"].read_bytes())
    assert run("fill", str(refilled)).exit_code == 0
    sources["après fill"] = refilled
    converted = convert(list(sources.values()), folder / "out", make_profile(folder / "p"))
    return {name: load_workbook(path, data_only=True)
            for name, path in zip(sources, converted)}


def _state(values):
    from finplan.io.sheets.controles import RECONCILIATION_CHECK, RESULTS_CHECK
    from finplan.io.workbook_layout import OUTPUT_SHEETS, SHEETS

    checks = values["Contrôles"]
    statuses = {row[1].value: row[2].value for row in checks.iter_rows()}
    banners = {SHEETS[key]: values[SHEETS[key]]["B3"].value for key in OUTPUT_SHEETS}
    return (statuses[RESULTS_CHECK], statuses[RECONCILIATION_CHECK], statuses["Verdict"],
            {title: text for title, text in banners.items() if text})


@pytest.mark.parametrize("edit", TYPED_OVER)
def test_a_result_typed_over_is_shown_on_its_sheet_and_on_the_verdict(typed_over, edit):
    from finplan.io.workbook_snapshot import TYPED_BANNER

    results, _, verdict, banners = _state(typed_over[edit])
    assert results == "À revoir"
    assert verdict == "Plan à revoir"
    assert banners[TYPED_OVER[edit][1]] == TYPED_BANNER
    assert set(banners.values()) == {TYPED_BANNER}  # never « les hypothèses ont changé »


def test_the_trésorerie_reconciliation_gap_is_a_check(typed_over):
    _, reconciliation, _, _ = _state(typed_over["reste à recevoir (Plan de financement)"])
    assert reconciliation == "À revoir"
    assert _state(typed_over["inchangé"])[1] == "OK"


@pytest.mark.parametrize("name", ["inchangé", "après fill"])
def test_results_as_finplan_wrote_them_are_plan_validé(typed_over, name):
    assert _state(typed_over[name]) == ("OK", "OK", "Plan validé", {})


def test_a_per_fte_funder_s_amount_follows_its_offer_on_calculs(typed_over):
    values = typed_over["montant par ETP (Calculs)"]
    calculs, funders = values["Calculs"], values["Financeurs"]
    offer = calculs.cell(_row_of(calculs, "Aide par ETP demandée — État"), 3).value
    paid = funders.cell(_row_of(funders, "État : aide au poste ACI"), 5).value
    before = typed_over["inchangé"]["Financeurs"]
    assert paid == pytest.approx(offer, abs=0.005)
    assert paid > before.cell(_row_of(before, "État : aide au poste ACI"), 5).value


# -- item 7: a renamed sheet, alike for the click and for fill; advice for Excel -----

def test_fill_refuses_a_renamed_result_sheet_as_the_click_does(tmp_path):
    target = tmp_path / "plan.xlsx"
    book = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    book["Budget"].title = "Budget 2027"
    book.save(target)
    before = target.read_bytes()
    result = run("fill", str(target))
    assert result.exit_code == 2
    assert ("La feuille « Budget » de finplan a été renommée « Budget 2027 » : rendez-lui "
            "son nom (clic droit sur l'onglet « Budget 2027 » > Renommer, tapez « Budget »)"
            ) in result.output
    assert target.read_bytes() == before  # never a new « Budget » beside the stale one


@pytest.mark.parametrize("deleted", [False, True])
def test_a_renamed_input_sheet_gets_advice_a_volunteer_follows_in_excel(tmp_path, deleted):
    import xlwings as xw
    from test_excel import rename_as_excel_does
    from xlwings_client import payload

    from finplan import excel

    target = tmp_path / "plan.xlsx"
    book = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    if deleted:
        del book["Hypothèses"]
        words = ("la feuille « Hypothèses » est introuvable (supprimée ?) ; elle ne peut pas "
                 "être recréée : ouvrez le modèle finplan vierge (finplan.xlsx), recopiez-y "
                 "vos hypothèses et cliquez sur « Calculer le plan »")
    else:
        rename_as_excel_does(book, "Hypothèses", "Mes hypothèses")
        words = ("la feuille « Hypothèses » est introuvable : elle a été renommée « Mes "
                 "hypothèses » ; rendez-lui son nom (clic droit sur l'onglet « Mes "
                 "hypothèses » > Renommer, tapez « Hypothèses ») puis relancez le calcul")
    book.save(target)
    result = run("fill", str(target))
    assert result.exit_code == 2 and words in result.output
    assert "finplan template" not in result.output  # no command line for a volunteer
    clicked = xw.Book(json=payload(book, client="Office.js"))
    assert excel.calculer(clicked) is False
    (alert,) = clicked.json()["actions"]
    assert alert["args"][0] == f"Le plan n'a pas été calculé : {words}. Rien n'a été modifié."


# -- item 6: an amount of one year, said so in « Année(s) »; a warning otherwise -----

def _volunteer_template(tmp_path, **years):
    """The example's template as a volunteer fills it, with a study of 8 000 € and a
    purchase of 1 500 € added to the charges (their « Année(s) » as given)."""
    from finplan.io.workbook_layout import InputLayout
    from finplan.io.workbook_write import item_counts, template_workbook

    case = finplan.load_case(finplan.demo_path())
    layout = InputLayout.for_counts(item_counts(case))
    book = template_workbook(case)
    sheet = book["Hypothèses"]
    count = len(case.expenses)
    lines = [("Étude de faisabilité", "617", 8000), ("Achat de petit matériel", "606", 1500)]
    for offset, (label, account, amount) in enumerate(lines):
        for column, value in (("label", label), ("account", account), ("amount", amount),
                              ("years", years.get(account))):
            sheet[layout.cell("expense", count + offset, column)] = value
    path = tmp_path / "plan.xlsx"
    book.save(path)
    return path, layout, count


def test_a_one_off_amount_counts_in_its_year_only_and_follows_its_cell(tmp_path):
    from openpyxl import load_workbook
    from spreadsheet import convert, make_profile

    from finplan.io.workbook_read import read_workbook_file

    path, layout, count = _volunteer_template(tmp_path, **{"617": "2027", "606": "2028 ; 2029"})
    plan = compute(read_workbook_file(path).case)
    assert list(plan.expenses_by_item[count]) == [800000, 0, 0]  # not 3 × 8 000
    assert list(plan.expenses_by_item[count + 1]) == [0, 150000, 150000]  # as typed
    assert not any("Étude" in text or "Achat" in text for text in plan.warnings)
    assert run("fill", str(path)).exit_code == 0
    moved = tmp_path / "deplace.xlsx"
    book = load_workbook(path)
    book["Hypothèses"][layout.cell("expense", count, "years")] = 2029  # typed as a number
    book.save(moved)
    fresh, edited = convert([path, moved], tmp_path / "out", make_profile(tmp_path / "p"))

    def study(file):
        sheet = load_workbook(file, data_only=True)["Calculs"]
        row = next(r for r in sheet.iter_rows() if r[1].value == "Étude de faisabilité")
        return [cell.value for cell in row[2:5]]

    assert study(fresh) == [8000, 0, 0]
    assert study(edited) == [0, 0, 8000]


def test_an_amount_named_like_a_one_off_counted_every_year_is_warned(tmp_path):
    from finplan.io.workbook_read import read_workbook_file

    path, _, _ = _volunteer_template(tmp_path)
    plan = compute(read_workbook_file(path).case)
    warned = [text for text in plan.warnings if text.startswith("Charge « ")]
    assert [text.split(" : ")[0] for text in warned] == [
        "Charge « Étude de faisabilité »", "Charge « Achat de petit matériel »"]
    assert ("si elle n'a lieu qu'une fois, indiquez son année dans la colonne « Année(s) »"
            in warned[0])
    result = run("plan", str(path))
    assert "Charge « Étude de faisabilité » : comptée chaque année" in result.output


@pytest.mark.parametrize("years, words", [
    ("2031", "année « 2031 » hors du plan (2027 à 2029) : indiquez une année du plan"),
    ("l'an prochain", "« l'an » n'est pas une année"),
])
def test_a_wrong_année_s_is_named_with_its_cell(tmp_path, years, words):
    path, layout, count = _volunteer_template(tmp_path, **{"617": years})
    result = run("fill", str(path))
    assert result.exit_code == 2
    assert f"{layout.cell('expense', count, 'years')} (« Étude de faisabilité ») : " \
        f"{words}" in result.output


# -- item 10: a refusal names the user's cells, not finplan's shifted ones ----------

def test_a_note_typed_in_an_inserted_row_is_named_by_its_own_cell(tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    book = load_workbook(target)
    budget = book["Budget"]
    budget.insert_rows(12)  # as Excel's « Insérer une ligne »: every row below moves down
    budget["B12"] = "Note : devis du loyer à confirmer"
    book.save(target)
    before = target.read_bytes()
    result = run("fill", str(target))
    assert result.exit_code == 2
    assert "« Budget » : B12. finplan réécrit" in result.output, result.output
    assert target.read_bytes() == before
    # as advised: the note copied to a sheet of one's own, cleared on Budget (the row
    # inserted stays): filled, the note kept
    book = load_workbook(target)
    book.create_sheet("Mes notes")["A1"] = book["Budget"]["B12"].value
    book["Budget"]["B12"] = None
    book.save(target)
    assert run("fill", str(target)).exit_code == 0
    assert load_workbook(target)["Mes notes"]["A1"].value.startswith("Note : devis")


# -- item 8 (part): a wheel the browser renamed « … (1).whl » -------------------------

@pytest.mark.parametrize("name", ["finplan-0.1.0-py3-none-any (1).whl",
                                  "finplan-0.1.0-py3-none-any%20(2).whl"])
def test_excel_init_refuses_a_wheel_the_browser_renamed(tmp_path, name):
    folder = tmp_path / "excel"
    result = run("excel", "init", str(folder), "--wheel-url",
                 f"https://plans.example.org/roues/{name}")
    assert result.exit_code == 2, result.output
    words = " ".join(result.output.split())
    assert "a été renommé par le navigateur (téléchargé une deuxième fois)" in words
    assert "Renommez-le « finplan-0.1.0-py3-none-any.whl »" in words
    assert not folder.exists()


# -- item 8 (part): a blank parameter named by its label; amounts written « 12 000 » --

def test_a_blank_parameter_is_named_by_its_label_and_amounts_read_as_written(tmp_path):
    from finplan.io.workbook_layout import InputLayout
    from finplan.io.workbook_write import item_counts, template_workbook

    case = finplan.load_case(finplan.demo_path())
    layout = InputLayout.for_counts(item_counts(case))
    book = template_workbook(case)
    sheet = book["Hypothèses"]
    sheet["C8"] = None  # « Première année du plan »
    sheet[layout.cell("expense", 0, "amount")] = -12000
    path = tmp_path / "plan.xlsx"
    book.save(path)
    result = run("fill", str(path))
    assert result.exit_code == 2
    words = " ".join(result.output.split())
    assert "Hypothèses!C8 (« Première année du plan ») : attendu un entier de 2000 à 2100, " \
        "trouvé une cellule vide" in words
    assert "trouvé « -12 000 »" in words, words


# -- item 8 (part): the volunteer's documentation reachable; Mac steps; the verdict --

def test_the_guide_and_lisezmoi_send_the_volunteer_to_what_they_have(tmp_path):
    from test_excel_installer import Runner

    from finplan.io.excel_install import install
    from finplan.io.workbook_write import template_workbook

    guide = " ".join(str(cell.value) for row in template_workbook()["Guide"].iter_rows()
                     for cell in row if cell.value)
    assert "docs/" not in guide
    assert "« Mode protégé »" in guide and "« Activer la modification »" in guide
    assert "LISEZMOI.txt remis avec ce classeur" in guide
    assert run("excel", "init", str(tmp_path / "excel")).exit_code == 0
    readme = (tmp_path / "excel" / "LISEZMOI.txt").read_text("utf-8")
    assert "docs/excel.md" not in readme.split("xlwings-lite/requirements.txt")[0]
    assert "Si ça ne marche pas" in readme and "« Mode protégé »" in readme
    assert "is not a valid wheel filename" in readme
    done, report = install(home=tmp_path / "mac", platform="darwin",
                           executable="/usr/local/bin/python3", version=(3, 12, 0),
                           run=Runner())
    words = " ".join(report)
    assert done and "quittez Excel (Excel > Quitter Excel)" in words
    for windows_only in ("Centre de gestion", ".xlsm", "Envoyer vers", "Import Functions"):
        assert windows_only not in words


def test_a_plan_not_validated_says_why_and_that_the_installation_is_fine(tmp_path):
    import tomli_w

    from finplan.io.toml_case import case_to_dict

    raw = case_to_dict(finplan.load_case(finplan.demo_path()))
    raw.pop("bridge")  # the example's cash needs its bridging facilities
    path = tmp_path / "sans-relais.toml"
    path.write_text(tomli_w.dumps(raw), "utf-8")
    result = run("plan", str(path))
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Le plan n'est pas validé : 1 contrôle à revoir ([À revoir] "
                           "ci-dessus) ; ce sont les chiffres du dossier qui sont en cause"), \
        result.output[-600:]


# -- item 12: finplan's charts known by finplan's mark, not by count or title ---------

CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def _filled_demo(tmp_path):
    """The example built then filled once (its charts carry finplan's mark)."""
    target = tmp_path / "plan.xlsx"
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    assert run("fill", str(target)).exit_code == 0
    return target


def _refused_unchanged(package, target, words: str) -> None:
    """Save the edited package, fill it: refused with ``words``, the file unchanged."""
    package.save(target)
    before = target.read_bytes()
    result = run("fill", str(target))
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert target.read_bytes() == before


def test_a_text_box_drawn_inside_a_finplan_chart_is_refused(tmp_path):
    from test_user_content import TEXT_BOX, Package

    target = _filled_demo(tmp_path)
    package = Package(target)
    chart = next(name for name in package.parts if re.fullmatch(r"xl/charts/chart\d+\.xml",
                                                                 name))
    shapes = "xl/drawings/drawingU9.xml"
    package.set(shapes, '<c:userShapes xmlns:c="' + CHART_NS + '" xmlns:cdr="http://schemas.'
                'openxmlformats.org/drawingml/2006/chartDrawing" xmlns:a="http://schemas.'
                'openxmlformats.org/drawingml/2006/main">' + TEXT_BOX.replace(
                    "xdr:twoCellAnchor", "cdr:relSizeAnchor").replace("xdr:", "cdr:")
                + "</c:userShapes>",
                "application/vnd.openxmlformats-officedocument.drawingml.chartshapes+xml")
    rid = package.relate(chart, "http://schemas.openxmlformats.org/officeDocument/2006/"
                         "relationships/chartUserShapes", shapes)
    closing = re.search(r"</(\w+:)?chartSpace>", package.text(chart)).group(0)
    package.edit(chart, closing, f'<c:userShapes xmlns:c="{CHART_NS}" xmlns:r="http://'
                 'schemas.openxmlformats.org/officeDocument/2006/relationships" '
                 f'r:id="{rid}"/>' + closing)
    _refused_unchanged(package, target,
                       "« Graphiques » : des formes ou zones de texte dans un graphique")


def test_a_user_chart_in_place_of_one_of_finplan_s_is_refused(tmp_path):
    from test_user_content import Package

    target = _filled_demo(tmp_path)
    package = Package(target)
    drawing = next(name for name, data in package.parts.items()
                   if name.startswith("xl/drawings/drawing") and b"finplan " in data)
    text = package.text(drawing)
    first = re.search(r'name="(finplan [^"]*)"', text).group(1)
    package.edit(drawing, f'name="{first}"', 'name="Graphique 7"')  # the user's own chart
    _refused_unchanged(package, target, "« Graphiques » : 1 graphique")


def test_a_user_chart_titled_like_a_former_finplan_chart_is_refused(tmp_path):
    from test_user_content import ANCHOR, Package, drawing_with

    target = _filled_demo(tmp_path)
    package = Package(target)
    chart = "xl/charts/chartU1.xml"  # a copy of « Ressources par année »…
    source = next(name for name, data in package.parts.items()
                  if re.fullmatch(r"xl/charts/chart\d+\.xml", name)
                  and "Ressources par année".encode() in data)
    package.set(chart, package.parts[source],
                "application/vnd.openxmlformats-officedocument.drawingml.chart+xml")
    drawing_with(package, "Financeurs", ANCHOR.format(  # … drawn by the user on Financeurs
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="4" name="Graphique"/>'
        '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm/><a:graphic><a:graphicData '
        f'uri="{CHART_NS}"><c:chart xmlns:c="{CHART_NS}" xmlns:r="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships" r:id="rIdU1"/></a:graphicData></a:graphic>'
        '</xdr:graphicFrame>'))
    package.relate("xl/drawings/drawingU1.xml", "chart", chart)
    _refused_unchanged(package, target, "« Financeurs » : 1 graphique")
