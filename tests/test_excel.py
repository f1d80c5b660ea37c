"""The Excel button through xlwings' remote engine, and the worksheet functions.

A template filled with a case that is not in the repository is sent as the
xlwings add-in sends it; the actions that ``finplan.excel.calculer`` returns are
played on the workbook, which LibreOffice then recalculates: every output sheet
must equal the workbook of ``finplan build``.
"""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import xlwings as xw  # the remote engine is active: see conftest.py (licence key)
from openpyxl import load_workbook
from spreadsheet import convert, make_profile, same_cell
from xlwings_client import apply, payload

import finplan
from finplan import excel
from finplan.io.sheets.dossiers import dossier_titles
from finplan.io.toml_case import parse_case_text
from finplan.io.workbook_layout import INPUT_SHEET, OUTPUT_SHEETS, SHEETS, InputLayout
from finplan.io.workbook_outputs import OUTPUT_NAMES
from finplan.io.workbook_write import build_workbook, item_counts, template_workbook
from finplan.model.engine import compute

CASE = Path(__file__).parent / "cases" / "cinq-ans.toml"




def _dossiers(path: Path) -> int:
    """How many dossier sheets a case's workbook has: one per funder asked."""
    return len(dossier_titles(compute(finplan.load_case(path))))


DOSSIERS = _dossiers(CASE)  # the case clicked below


@pytest.fixture(scope="module")
def clicked(tmp_path_factory):
    """(actions, recalculated workbook after the click, recalculated build)."""
    folder = tmp_path_factory.mktemp("excel")
    profile = make_profile(folder / "profile")
    case = finplan.load_case(CASE)
    filled = folder / "rempli.xlsx"
    template_workbook(case).save(filled)
    built = folder / "build.xlsx"
    build_workbook(case).workbook.save(built)
    shown, built_values = convert([filled, built], folder / "shown", profile)
    book = xw.Book(json=payload(load_workbook(shown, data_only=True), client="Office.js"))
    assert excel.calculer(book) is False  # this case fails two checks
    actions = book.json()["actions"]
    workbook = load_workbook(filled)
    alerts = apply(actions, workbook, points=True)
    clicked_path = folder / "clique.xlsx"
    workbook.save(clicked_path)
    (after,) = convert([clicked_path], folder / "after", profile)
    return actions, alerts, load_workbook(after, data_only=True), load_workbook(
        built_values, data_only=True), load_workbook(filled), load_workbook(clicked_path)


def test_a_bounded_number_of_actions(clicked):
    actions, alerts, *_ = clicked
    # one bulk write per output sheet, the sizes they now take, one message
    # 8 output sheets, their sizes and cells (Listes), the inputs read (Dernier calcul),
    # then a sheet per funder's dossier and the records of those sheets (Listes)
    values = [a["func"] for a in actions if a["func"] in ("setValues", "alert")]
    assert values == ["setValues"] * (10 + DOSSIERS + 1) + ["alert"]
    assert len(values) <= excel.MAX_CALLS + DOSSIERS + 1
    assert actions[-1]["func"] == "alert"
    assert alerts[0]["args"][0].startswith("Plan calculé, à revoir :\n- Besoin « "
                                           "Fonctionnement")


@pytest.mark.parametrize("key", OUTPUT_SHEETS)
def test_outputs_equal_finplan_build(clicked, key):
    _, _, after, built, *_ = clicked
    name = SHEETS[key]
    got, want = after[name], built[name]
    cells = [(cell.coordinate, cell.value) for row in want.iter_rows() for cell in row]
    different = [(coordinate, value, got[coordinate].value) for coordinate, value in cells
                 if not same_cell(value, got[coordinate].value)]
    assert different == []
    assert got.max_row <= want.max_row


def test_no_input_cell_is_written(clicked):
    *_, filled, clicked_book = clicked
    before = {c.coordinate: c.value for r in filled[INPUT_SHEET].iter_rows() for c in r}
    after = {c.coordinate: c.value for r in clicked_book[INPUT_SHEET].iter_rows() for c in r}
    assert before == after


def _actions(raw) -> list[dict]:
    book = xw.Book(json=payload(template_workbook(finplan.load_case(raw)), client="Office.js"))
    excel.calculer(book)
    return book.json()["actions"]


def test_the_number_of_actions_does_not_grow_with_the_case(tmp_path):
    # one round trip whatever the case (the remote engine sends every action at once);
    # values: one write per sheet; the look: a few rectangles per part of a look, the
    # same for 190 more expense lines or 20 more funders, and a few more per staff line
    # (the cost and FTE rows of Calculs alternate, a long role wraps); a funder asked
    # brings its dossier sheet, whose look is as bounded as a sheet's
    raw = parse_case_text(finplan.demo_path().read_text("utf-8"))
    demo = _actions(raw)
    more_lines = dict(raw, expense=raw["expense"] + [
        dict(raw["expense"][k % len(raw["expense"])], label=f"Charge {k}") for k in range(190)])
    more_funders = dict(raw, funder=raw["funder"] + [
        {"name": f"Fondation {k}", "type": "private", "rule": "fixed", "amount": 1000,
         "status": "refuse"} for k in range(20)])
    assert abs(len(_actions(more_lines)) - len(demo)) <= 2
    dossier = max(Counter(a["sheet_position"] for a in demo
                          if a["sheet_position"] is not None).values())
    assert len(_actions(more_funders)) - len(demo) <= 2 + 20 * (dossier + 1)
    staff = dict(raw, staff=[dict(line, role=f"Poste {k}-{i}") for k in range(10)
                             for i, line in enumerate(raw["staff"])])
    actions = _actions(staff)
    # 10 writes, the message, and the demo's four dossiers with their records
    assert len([a for a in actions if a["func"] in ("setValues", "alert")]) == 11 + 4 + 1
    assert len(actions) <= len(demo) + 5 * (len(staff["staff"]) - len(raw["staff"]))


def test_errors_are_shown_with_their_cells_and_no_input_is_written(tmp_path):
    case = finplan.load_case(finplan.demo_path())
    workbook = template_workbook(case)
    layout = InputLayout.for_counts(item_counts(case))
    workbook[INPUT_SHEET][layout.cell("staff", 0, "employer_rate")] = 42
    book = xw.Book(json=payload(workbook, client="Office.js"))
    assert excel.calculer(book) is False
    actions = book.json()["actions"]
    # the errors on Contrôles, the sizes on Listes, then Contrôles' look, then the message
    assert [a["func"] for a in actions if a["func"] in ("setValues", "alert")] == [
        "setValues", "setValues", "alert"]
    checks = workbook.sheetnames.index("Contrôles")
    assert actions[0]["sheet_position"] == checks
    assert {a["sheet_position"] for a in actions[2:-1]} == {checks}
    message = actions[-1]["args"][0]
    assert message.startswith("Le plan n'a pas été calculé : 1 erreur dans les hypothèses."
                              "\n- Hypothèses!G25")
    assert "Traceback" not in message
    written = {a["sheet_position"] for a in actions if a["func"] == "setValues"}
    assert workbook.sheetnames.index(INPUT_SHEET) not in written
    # the cell to fix is readable: its column is as wide as the cell's words
    widths = {a["start_column"]: a["args"][0] for a in actions
              if a["func"] == "setColumnWidth"}
    assert widths[1] >= (40 * 7 + 5) * 0.75 and widths[2] >= (60 * 7 + 5) * 0.75  # points
    cells = actions[0]["values"]
    assert cells[4][1].startswith("'Hypothèses!G25") and "attendu" in cells[4][2]


def test_a_chart_of_the_users_on_a_result_sheet_is_refused_before_anything_is_written():
    # fill refuses to drop it; the click refuses too, before writing anything (deleting
    # it, or failing halfway through, would lose it)
    from openpyxl.chart import BarChart, Reference

    workbook = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    chart = BarChart()
    chart.add_data(Reference(workbook["Financeurs"], min_col=5, min_row=5, max_row=9))
    workbook["Financeurs"].add_chart(chart, "N3")  # a second chart, the user's
    book = xw.Book(json=payload(workbook, client="Office.js"))
    assert excel.calculer(book) is False
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][0].startswith(
        "Le plan n'a pas été calculé : finplan réécrit ses feuilles de résultats à chaque "
        "calcul, et vous y avez ajouté ce qu'il ne saurait pas garder — « Financeurs » : "
        "1 graphique. Rien n'a été modifié.")


def test_the_click_replaces_fills_charts_and_its_own():
    # a workbook filled (charts without finplan's names), clicked twice: each result
    # sheet ends with its one chart, the last first deleted so indexes stay valid
    workbook = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    for _ in range(2):
        book = xw.Book(json=payload(workbook, client="Office.js"))
        excel.calculer(book)
        apply(book.json()["actions"], workbook, points=True)
    assert {sheet.title: len(sheet._charts) for sheet in workbook.worksheets
            if sheet._charts} == {"Graphiques": 4}


def test_missing_input_sheet_is_a_message():
    workbook = template_workbook()
    workbook[INPUT_SHEET].title = "Autre"
    book = xw.Book(json=payload(workbook))
    assert excel.calculer(book) is False
    (action,) = book.json()["actions"]
    assert action["func"] == "alert" and "introuvable" in action["args"][0]


def test_worksheet_functions_as_python_functions():
    # aide au poste ACI 2027 (latest figure, 23 921) × 3.7 FTE = 88 507.70
    assert excel.aide_poste("ACI", 2027, 3.7) == 88507.70
    assert excel.aide_poste("aci", 2024) == 23535.17  # 10 months × 23 458 + 2 × 23 921
    # 10 000 by 1/1/2 with caps 1 000 and 2 000: 1 000, 2 000, then 7 000 for the last
    assert excel.repartir(10000, [[1], [1], [2]], [[1000], [2000], [None]]) == [
        [1000.0], [2000.0], [7000.0]]
    # 12 000 over 3 years bought in April of year 1: 3 000 in year 1, 4 000 in year 2
    assert excel.amortissement(12000, 3, 1, 1, 4) == 3000.0
    assert excel.amortissement(12000, 3, 2, 1, 4) == 4000.0
    # 10 000 at 6 % over 24 months from July: the engine's year-2 interest
    from finplan.model.assets import loan_schedule
    from finplan.model.case import Loan
    schedule = loan_schedule(Loan("", Decimal(10000), Decimal("0.06"), 24, 1, 7), 2)
    assert excel.interets(10000, 0.06, 24, 2, 1, 7) == schedule.interest[1] / 100
    with pytest.raises(finplan.FinplanError, match="aucun montant d'aide au poste EITI"):
        excel.aide_poste("EITI", 2023)


def test_worksheet_functions_through_their_xlwings_metadata():
    import asyncio

    from xlwings.server import custom_functions_call, custom_functions_meta, custom_scripts_meta

    from finplan import excel_desktop, excel_lite

    functions = {f["name"]: f for f in custom_functions_meta(excel_lite)["functions"]}
    assert set(functions) == {"FINPLAN.AIDE_POSTE", "FINPLAN.REPARTIR",
                              "FINPLAN.AMORTISSEMENT", "FINPLAN.INTERETS"}
    assert [p["name"] for p in functions["FINPLAN.AIDE_POSTE"]["parameters"]] == [
        "contrat", "annee", "etp"]
    assert functions["FINPLAN.AIDE_POSTE"]["parameters"][2]["optional"] is True
    (calculate,) = custom_scripts_meta(excel_lite)
    assert (calculate["function_name"], calculate["name"]) == ("calculer_le_plan",
                                                               "Calculer le plan")

    def call(name, *args):
        data = {"func_name": name, "args": list(args), "version": xw.__version__,
                "client": "Office.js", "caller_address": "Feuil1!A1", "runtime": "1.4",
                "culture_info_name": "fr-FR", "date_format": "dd/mm/yyyy"}
        return asyncio.run(custom_functions_call(data, excel_lite))

    assert call("aide_poste", [["ACI"]], [[2027]], [[3.7]]) == [[88507.70]]
    assert call("repartir", [[1000]], [[1], [1], [2]], [[100], [None], [None]]) == [
        [100.0], [300.0], [600.0]]
    # the desktop module exposes the same functions under VBA-safe names, and main()
    assert excel_desktop.FINPLAN_AIDE_POSTE("ACI", 2027, 3.7) == 88507.70
    assert excel_desktop.main is excel.main


def test_the_lite_script_computes_the_plan():
    import asyncio

    from xlwings.server import custom_scripts_call

    from finplan import excel_lite

    case = finplan.load_case(finplan.demo_path())
    book = xw.Book(json=payload(template_workbook(case)))
    # as xlwings Lite runs a script: the book is injected by its type hint
    asyncio.run(custom_scripts_call(excel_lite, "calculer_le_plan",
                                    typehint_to_value={xw.Book: book}))
    actions = book.json()["actions"]
    # 8 output sheets, their sizes and cells (Listes), the inputs read (Dernier calcul);
    # not the dossiers: this client (the payload's VBA) cannot add a sheet
    assert [a["func"] for a in actions if a["func"] in ("setValues", "alert")] == [
        "setValues"] * 10 + ["alert"]
    assert actions[-1]["args"][0].startswith("Plan calculé : tous les contrôles sont "
                                             "passés.")


def test_excel_init_writes_a_ready_folder_whose_buttons_survive_a_fill(tmp_path):
    import importlib.util

    from click.testing import CliRunner
    from xlwings.server import custom_scripts_meta

    from finplan.cli import main

    folder = tmp_path / "excel"
    result = CliRunner().invoke(main, ["excel", "init", str(folder), "--case",
                                       str(finplan.demo_path())])
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file()) == ["LISEZMOI.txt", "finplan_plan.py", "finplan_plan.xlsx",
                                      "xlwings-lite/main.py",
                                      "xlwings-lite/requirements.txt"]
    again = CliRunner().invoke(main, ["excel", "init", str(folder)])
    assert again.exit_code == 2 and "existe déjà" in again.output
    # desktop: the add-in's "Run main" runs main() of the module named like the workbook
    spec = importlib.util.spec_from_file_location("finplan_plan", folder / "finplan_plan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main is excel.main and module.FINPLAN_AIDE_POSTE("ACI", 2027) == 23921.0
    # a fill rewrites the workbook: the add-in's configuration sheet is still there,
    # and the buttons live in the add-in (ribbon, task pane), not in the file
    assert CliRunner().invoke(main, ["fill", str(folder / "finplan_plan.xlsx")]).exit_code == 0
    book = load_workbook(folder / "finplan_plan.xlsx")
    assert book["xlwings.conf"]["A1"].value == "UDF Modules"
    assert book["xlwings.conf"]["B1"].value == "finplan.excel_desktop"
    # xlwings Lite: the pasted main.py registers the « Calculer le plan » script
    namespace = {}
    exec((folder / "xlwings-lite" / "main.py").read_text("utf-8"), namespace)
    lite = type("main", (), {})
    for key, value in namespace.items():
        setattr(lite, key, value)
    assert [s["name"] for s in custom_scripts_meta(lite)] == ["Calculer le plan"]
    # and the filled workbook, clicked through the remote engine, still computes
    book = xw.Book(json=payload(load_workbook(folder / "finplan_plan.xlsx")))
    assert excel.calculer(book) is True  # the example carries its bridges
    assert book.json()["actions"][-1]["args"][0].startswith("Plan calculé : tous les")


def test_an_internal_error_is_a_french_message_not_a_traceback(monkeypatch):
    def broken(case):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(excel, "compute", broken)
    book = xw.Book(json=payload(template_workbook(finplan.load_case(finplan.demo_path()))))
    assert excel.calculer(book) is False
    (action,) = book.json()["actions"]
    assert action["func"] == "alert"
    assert action["args"][0].startswith("Erreur interne de finplan")
    assert "Traceback" not in action["args"][0]


def test_the_button_records_what_it_wrote_so_a_later_fill_is_not_refused(clicked, tmp_path):
    # the click keeps, beside each sheet's size, the cells it wrote: the cells a fill
    # finds there, so a fill after a click knows them as finplan's own (even those a
    # smaller plan no longer writes, or a larger one writes again)
    from finplan.io.sheet_marks import content_cells, decode_cells
    from finplan.io.workbook_write import fill_workbook

    *_, clicked_book = clicked
    lists = clicked_book["Listes"]
    for offset, key in enumerate(OUTPUT_SHEETS):
        recorded = decode_cells(lists[f"L{2 + offset}"].value)
        assert recorded == content_cells(clicked_book[SHEETS[key]]), key
    path = tmp_path / "clique.xlsx"
    clicked_book.save(path)
    assert fill_workbook(path).plan is not None


@pytest.fixture(scope="module")
def filled_by_fill(clicked, tmp_path_factory):
    """The same template, filled by ``finplan fill`` (formulas, not values)."""
    import shutil

    from finplan.io.workbook_write import fill_workbook

    folder = tmp_path_factory.mktemp("fill")
    case = finplan.load_case(CASE)
    path = folder / "rempli.xlsx"
    template_workbook(case).save(path)
    shutil.copy(path, folder / "copie.xlsx")
    fill_workbook(path)
    return load_workbook(path)


@pytest.mark.parametrize("key", OUTPUT_SHEETS)
def test_the_first_click_gives_the_workbook_of_fill(clicked, filled_by_fill, key):
    # every cell fill writes has the same value or formula and the same number
    # format after the click (before: « General » everywhere, shares as 0.8)
    *_, clicked_book = clicked
    name = SHEETS[key]
    got, want = clicked_book[name], filled_by_fill[name]
    different = []
    for row in want.iter_rows(max_row=max(want.max_row, got.max_row),
                              max_col=max(want.max_column, got.max_column)):
        for cell in row:
            other = got[cell.coordinate]
            if not same_cell(cell.value, other.value) or (
                    cell.value is not None and cell.number_format != other.number_format):
                different.append((cell.coordinate, cell.value, cell.number_format,
                                  other.value, other.number_format))
    assert different == []


def _font(cell):
    color = cell.font.color.rgb if cell.font.color is not None else None
    return (bool(cell.font.b), bool(cell.font.i), cell.font.sz or 11.0,
            color[-6:] if isinstance(color, str) else None)


def _lines(cell):
    return (cell.border.top.style if cell.border.top else None,
            cell.border.bottom.style if cell.border.bottom else None)


def _alignment(cell):
    return (cell.alignment.horizontal, cell.alignment.vertical,
            bool(cell.alignment.wrap_text))


def _charts(sheet):
    """Each chart as a reviewer sees it: kind, stacking, title, where it stands, the
    name and values of each series, the categories, the axis title and format."""
    found = []
    for chart in sheet._charts:
        title = "".join(run.t for paragraph in chart.title.tx.rich.p
                        for run in paragraph.r or ())
        series = [(s.tx.strRef.f, s.val.numRef.f) for s in chart.series]
        categories = {(s.cat.numRef or s.cat.strRef).f for s in chart.series if s.cat}
        axis = "".join(run.t for paragraph in chart.y_axis.title.tx.rich.p
                       for run in paragraph.r or ()) if chart.y_axis.title else None
        found.append((type(chart).__name__, getattr(chart, "grouping", None), title,
                      chart.anchor._from.col, chart.anchor._from.row,
                      round(chart.width, 3), round(chart.height, 3), series, categories,
                      axis, chart.y_axis.numFmt.formatCode if chart.y_axis.numFmt else None,
                      chart.legend is None, chart.x_axis.crosses))
    return found


@pytest.mark.parametrize("key", OUTPUT_SHEETS)
def test_the_first_click_gives_the_look_of_fill(clicked, filled_by_fill, key):
    # the whole look of fill: bold, italic, size and colour of the fonts, fills, the
    # lines of total rows, wrapping and alignment, column widths, row heights, frozen
    # panes, conditional formats and charts
    *_, clicked_book = clicked
    name = SHEETS[key]
    got, want = clicked_book[name], filled_by_fill[name]
    different = []
    for row in want.iter_rows():
        for cell in row:
            other = got[cell.coordinate]
            mine = (_font(cell), _lines(cell), _alignment(cell),
                    cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None)
            theirs = (_font(other), _lines(other), _alignment(other),
                      other.fill.fgColor.rgb[-6:] if other.fill.fill_type == "solid"
                      else None)
            if mine != theirs:
                different.append((cell.coordinate, mine, theirs))
    assert different == []
    widths = {k: d.width for k, d in want.column_dimensions.items() if d.customWidth}
    assert {k: got.column_dimensions[k].width for k in widths} == widths
    heights = {k: d.height for k, d in want.row_dimensions.items() if d.height}
    assert {k: d.height for k, d in got.row_dimensions.items() if d.height} == heights
    assert got.freeze_panes == want.freeze_panes

    def rules(sheet):
        return sorted((str(area.sqref), rule.operator, tuple(rule.formula))
                      for area in sheet.conditional_formatting for rule in area.rules)

    assert rules(got) == rules(want)
    assert _charts(got) == _charts(want)


def _printing(sheet):
    setup = sheet.page_setup
    return (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight,
            sheet.sheet_properties.pageSetUpPr.fitToPage, setup.scale, setup.pageOrder,
            sheet.print_title_rows, sheet.print_title_cols,
            [brk.id for brk in sheet.col_breaks.brk], sheet.oddHeader.left.text,
            sheet.oddHeader.center.text, sheet.oddFooter.left.text)


@pytest.mark.parametrize("key", OUTPUT_SHEETS)
def test_after_the_first_click_each_sheet_prints_as_after_fill(clicked, filled_by_fill, key):
    # xlwings cannot set a sheet's print setup: the template carries the one fill gives
    # (scale, repeated rows and columns, pages split where fill splits them)
    *_, clicked_book = clicked
    name = SHEETS[key]
    assert _printing(clicked_book[name]) == _printing(filled_by_fill[name])


def test_the_click_makes_the_charts_of_fill(clicked, filled_by_fill):
    # the four charts, on Graphiques, made by the click through xlwings' chart actions
    # (before, only finplan fill made them), each reading its own sheet
    *_, clicked_book = clicked
    charts = _charts(clicked_book["Graphiques"])
    assert [chart[2] for chart in charts] == [
        "Ressources par année", "Trésorerie de fin d'année", "Trésorerie de fin de mois",
        "Point mort et recettes propres prévues"]
    assert [chart[7][0][1].split("!")[0] for chart in charts] == [
        "'Financeurs'", "'Plan de financement'", "'Trésorerie'", "'Budget'"]
    assert all(not sheet._charts for sheet in clicked_book.worksheets
               if sheet.title != "Graphiques")


def test_a_second_click_clears_the_look_of_the_first(clicked):
    # each click first clears the formats of what the previous one wrote
    actions, *_ = clicked
    clears = [a for a in actions if a["func"] == "rangeClearFormats"]
    assert len(clears) == len(OUTPUT_SHEETS) + DOSSIERS
    first_style = min(i for i, a in enumerate(actions) if a["func"] == "setNumberFormat")
    assert all(actions.index(a) < first_style for a in clears[:1])


def test_the_vba_client_gets_only_the_actions_it_knows():
    # xlwings' VBA remote client stops at an action it has no macro for (Remote.bas runs
    # Application.Run action("func")): it gets values, number formats and fills only
    book = xw.Book(json=payload(template_workbook(finplan.load_case(finplan.demo_path()))))
    excel.calculer(book)
    known = {"setValues", "rangeClearFormats", "setNumberFormat", "setRangeColor", "alert"}
    funcs = {a["func"] for a in book.json()["actions"]}
    assert funcs == known


def test_the_message_names_every_cut_funder_and_every_warning():
    # a foundation offering 10 000 € for a need the others already cover is cut to 0 €:
    # the click's message says so, and what limited it, not only the failed checks
    raw = parse_case_text(finplan.demo_path().read_text("utf-8"))
    raw["funder"].append({"name": "Fondation Eau vive", "type": "private",
                          "finances": "etude", "rule": "fixed", "amount": 10000})
    plan = compute(finplan.load_case(raw))
    funding = next(f for f in plan.funder_results if f.name == "Fondation Eau vive")
    assert funding.total == 0
    book = xw.Book(json=payload(template_workbook(finplan.load_case(raw))))
    excel.calculer(book)
    message = book.json()["actions"][-1]["args"][0]
    # 10 000 € a year over the 3 years of the plan, none of it needed
    assert ("- Fondation Eau vive : 30 000 € proposés, 0 € retenus — mis à zéro (limité "
            "par le besoin restant en 2027, 2028, 2029)") in message
    assert message.index("Financeurs réduits ou mis à zéro") < message.index("Fondation")
    for warning in plan.warnings:
        assert f"- {warning}" in message
    assert "Avertissements :" in message


def test_a_click_does_not_import_openpyxl_pandas_or_numpy_financial(tmp_path):
    # a desktop click starts a new Python: finplan's side of it (read the inputs' grid,
    # compute, describe the sheets and their look) loads neither openpyxl (importing it
    # costs about 0.1 s) nor pandas, nor numpy-financial, even for a case with a loan
    # (finplan computes the loan's payments itself; xlwings loads pandas itself when it
    # is installed)
    import json
    import subprocess
    import sys

    script = tmp_path / "click.py"
    script.write_text(
        "import json, sys\n"
        "import finplan.excel\n"
        "from finplan.model.engine import compute\n"
        "from finplan.io.workbook_read import read_grid_case\n"
        "found = read_grid_case(json.load(open(sys.argv[1], encoding='utf-8')))\n"
        "from finplan.io.workbook_grids import output_parts\n"
        "output_parts(compute(found.case), found.layout, found.notes)\n"
        "print(sorted(m for m in ('openpyxl', 'pandas', 'numpy_financial') "
        "if m in sys.modules))\n", "utf-8")

    def loaded(case):
        sheet = template_workbook(finplan.load_case(case))[INPUT_SHEET]
        grid = tmp_path / "grid.json"
        grid.write_text(json.dumps([[cell.value for cell in row] for row in sheet.iter_rows()]),
                        "utf-8")
        return subprocess.run([sys.executable, str(script), str(grid)], capture_output=True,
                              text=True, check=True).stdout.strip()

    assert loaded(finplan.demo_path()) == "[]"  # the demo has loans
    assert loaded(CASE.parent / "cerfa.toml") == "[]"  # no loan


def _office_book(workbook, charts=True):
    data = payload(workbook, client="Office.js")
    if not charts:
        for sheet in data["sheets"]:
            del sheet["charts"]
    return xw.Book(json=data)


def test_a_client_that_lists_no_charts_gets_everything_but_charts():
    book = _office_book(template_workbook(finplan.load_case(finplan.demo_path())),
                        charts=False)
    excel.calculer(book)
    funcs = {a["func"] for a in book.json()["actions"]}
    assert "addChart" not in funcs and "setFontProperty" in funcs
    assert book.json()["actions"][-1]["args"][0].startswith("Plan calculé")


@pytest.mark.parametrize("client", ["VBA", "Microsoft Office Scripts", "Google Apps Script"])
def test_clients_without_the_whole_look_get_values_formats_and_fills(client):
    data = payload(template_workbook(finplan.load_case(finplan.demo_path())), client=client)
    book = xw.Book(json=data)
    excel.calculer(book)
    funcs = {a["func"] for a in book.json()["actions"]}
    assert funcs == {"setValues", "rangeClearFormats", "setNumberFormat", "setRangeColor",
                     "alert"}


def test_a_cell_typed_on_a_result_sheet_is_refused_before_anything_is_written():
    # as fill refuses: the click would blank or overwrite it
    workbook = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    workbook["Budget"]["H5"] = "à vérifier avec la Région"
    book = _office_book(workbook)
    assert excel.calculer(book) is False
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][0] == (
        "Le plan n'a pas été calculé : Des cellules ont été saisies dans les feuilles de "
        "résultats, hors de ce que finplan y écrit — « Budget » : H5. finplan réécrit ces "
        "feuilles à chaque calcul et les effacerait. Rien n'a été modifié. Copiez ces "
        "cellules dans une feuille à vous, videz-les dans la feuille de résultats, puis "
        "relancez.")


def rename_as_excel_does(workbook, old: str, new: str) -> None:
    """Rename a sheet as Excel does: its title, and the defined names pointing to it."""
    workbook[old].title = new
    for defined in workbook.defined_names.values():
        if defined.attr_text and f"'{old}'!" in defined.attr_text:
            defined.attr_text = defined.attr_text.replace(f"'{old}'!", f"'{new}'!")


def test_a_renamed_result_sheet_is_refused_in_words_of_excel_and_nothing_is_written():
    workbook = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    rename_as_excel_does(workbook, "Trésorerie", "Trésorerie 2027")
    book = _office_book(workbook)
    assert excel.calculer(book) is False
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][0].startswith(
        "Le plan n'a pas été calculé : la feuille « Trésorerie » de finplan a été renommée "
        "« Trésorerie 2027 » : rendez-lui son nom (clic droit sur l'onglet « Trésorerie "
        "2027 » > Renommer, tapez « Trésorerie ») puis relancez le calcul.")


def test_a_deleted_result_sheet_is_made_again_at_its_place_as_fill_does():
    workbook = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    titles = workbook.sheetnames
    del workbook["Trésorerie"]
    book = _office_book(workbook)
    assert excel.calculer(book) is True
    apply(book.json()["actions"], workbook, points=True)
    assert workbook.sheetnames == titles
    assert workbook["Trésorerie"]["B1"].value.startswith("Trésorerie mensuelle")


def _three_years(value):
    """A 5-year case's raw values kept for its first 3 years."""
    if isinstance(value, dict):
        return {key: _three_years(item) for key, item in value.items()}
    if isinstance(value, list) and len(value) == 5 and all(
            isinstance(item, (int, float, Decimal)) for item in value):
        return value[:3]
    if isinstance(value, list):
        return [_three_years(item) for item in value]
    return value


def test_columns_a_shorter_plan_no_longer_uses_get_the_default_width():
    raw = parse_case_text(CASE.read_text("utf-8"))  # 5 years
    workbook = template_workbook(finplan.load_case(raw))
    book = _office_book(workbook)
    excel.calculer(book)
    apply(book.json()["actions"], workbook, points=True)
    shorter = _three_years(dict(raw, project=dict(raw["project"], years=3)))
    typed = template_workbook(finplan.load_case(shorter))[INPUT_SHEET]
    inputs = workbook[INPUT_SHEET]
    for row in inputs.iter_rows():
        for cell in row:
            cell.value = typed[cell.coordinate].value
    book = _office_book(workbook)
    excel.calculer(book)
    apply(book.json()["actions"], workbook, points=True)
    # Budget: years in C to E, the total in F; G and H held years 4 and 5 and the total
    widths = workbook["Budget"].column_dimensions
    assert [round(widths[letter].width, 2) for letter in "FGH"] == [14, 8.43, 8.43]


def test_the_message_is_bounded_and_points_to_the_sheets():
    from finplan.excel import MAX_MESSAGE_LINES, _bounded

    lines = [f"Fondation {k} : 1 000 € proposés, 0 € retenus" for k in range(25)]
    text = _bounded("Financeurs réduits ou mis à zéro :", lines, "Financeurs")
    assert text.count("\n- ") == MAX_MESSAGE_LINES
    assert text.endswith("\n… et 17 autres, voir la feuille Financeurs.")


def test_the_click_defines_the_names_of_the_result_blocks_as_fill(clicked, filled_by_fill):
    *_, clicked_book = clicked

    def names(book):
        return {name: defined.attr_text for name, defined in book.defined_names.items()
                if name in OUTPUT_NAMES and name != "finplan_a_jour"}

    assert names(clicked_book) == names(filled_by_fill) and len(names(filled_by_fill)) >= 10


def _made_by_an_earlier_finplan():
    """A workbook as finplan filled it before the charts moved to « Graphiques »: a
    chart on Financeurs, Plan de financement and Trésorerie, titled as finplan titled
    them, no « Graphiques » sheet."""
    from openpyxl.chart import BarChart, LineChart, Reference

    workbook = build_workbook(finplan.load_case(finplan.demo_path())).workbook
    del workbook["Graphiques"]
    for name, kind, title in (("Financeurs", BarChart, "Ressources par année"),
                              ("Plan de financement", LineChart, "Trésorerie de fin d'année"),
                              ("Trésorerie", LineChart, "Trésorerie de fin de mois")):
        chart = kind()
        chart.title = title
        chart.add_data(Reference(workbook[name], min_col=3, max_col=5, min_row=6, max_row=6))
        workbook[name].add_chart(chart, "C40")
    return workbook


def test_a_workbook_of_an_earlier_finplan_gets_graphiques_from_fill(tmp_path):
    from finplan.io.workbook_write import fill_workbook

    path = tmp_path / "ancien.xlsx"
    _made_by_an_earlier_finplan().save(path)
    fill_workbook(path)
    charts = {sheet.title: len(sheet._charts) for sheet in load_workbook(path).worksheets
              if sheet._charts}
    assert charts == {"Graphiques": 4}


def test_a_workbook_of_an_earlier_finplan_gets_graphiques_from_the_click():
    workbook = _made_by_an_earlier_finplan()
    book = _office_book(workbook)
    excel.calculer(book)
    actions = book.json()["actions"]
    assert actions[-1]["args"][0].startswith("Plan calculé")
    apply(actions, workbook, points=True)
    charts = {sheet.title: len(sheet._charts) for sheet in workbook.worksheets
              if sheet._charts}
    assert charts == {"Graphiques": 4}
    assert workbook.sheetnames.index("Graphiques") == workbook.sheetnames.index(
        "Trésorerie") + 1
