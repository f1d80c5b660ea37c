"""The Excel button through xlwings' remote engine, and the worksheet functions.

A template filled with a case that is not in the repository is sent as the
xlwings add-in sends it; the actions that ``finplan.excel.calculer`` returns are
played on the workbook, which LibreOffice then recalculates: every output sheet
must equal the workbook of ``finplan build``.
"""

from decimal import Decimal
from pathlib import Path

import pytest
import xlwings as xw  # the remote engine is active: see conftest.py (licence key)
from openpyxl import load_workbook
from spreadsheet import convert, make_profile
from xlwings_client import apply, payload

import finplan
from finplan import excel
from finplan.io.workbook_layout import INPUT_SHEET, OUTPUT_SHEETS, SHEETS, InputLayout
from finplan.io.workbook_write import build_workbook, item_counts, template_workbook

CASE = Path(__file__).parent / "cases" / "cinq-ans.toml"


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(Decimal(repr(a)) - Decimal(repr(b))) < Decimal("0.005")
    return (a or None) == (b or None)


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
    book = xw.Book(json=payload(load_workbook(shown, data_only=True)))
    assert excel.calculer(book) is False  # this case fails two checks
    actions = book.json()["actions"]
    workbook = load_workbook(filled)
    alerts = apply(actions, workbook)
    clicked_path = folder / "clique.xlsx"
    workbook.save(clicked_path)
    (after,) = convert([clicked_path], folder / "after", profile)
    return actions, alerts, load_workbook(after, data_only=True), load_workbook(
        built_values, data_only=True), load_workbook(filled), load_workbook(clicked_path)


def test_a_bounded_number_of_actions(clicked):
    actions, alerts, *_ = clicked
    # one bulk write per output sheet, the sizes they now take, one message
    # 7 output sheets, their sizes and cells (Listes), the inputs read (Dernier calcul)
    assert [a["func"] for a in actions] == ["setValues"] * 9 + ["alert"]
    assert len(actions) <= excel.MAX_CALLS
    assert alerts[0]["args"][0].startswith("Plan calculé, à revoir :\n- Besoin « "
                                           "Fonctionnement")


@pytest.mark.parametrize("key", OUTPUT_SHEETS)
def test_outputs_equal_finplan_build(clicked, key):
    _, _, after, built, *_ = clicked
    name = SHEETS[key]
    got, want = after[name], built[name]
    cells = [(cell.coordinate, cell.value) for row in want.iter_rows() for cell in row]
    different = [(coordinate, value, got[coordinate].value) for coordinate, value in cells
                 if not _same(value, got[coordinate].value)]
    assert different == []
    assert got.max_row <= want.max_row


def test_no_input_cell_is_written(clicked):
    *_, filled, clicked_book = clicked
    before = {c.coordinate: c.value for r in filled[INPUT_SHEET].iter_rows() for c in r}
    after = {c.coordinate: c.value for r in clicked_book[INPUT_SHEET].iter_rows() for c in r}
    assert before == after


def test_the_number_of_actions_does_not_grow_with_the_case(tmp_path):
    raw = finplan.io.toml_case.parse_case_text(finplan.demo_path().read_text("utf-8"))
    raw["staff"] = raw["staff"] * 10
    for index, line in enumerate(raw["staff"]):
        line["role"] = f"Poste {index}"
    case = finplan.load_case(raw)
    book = xw.Book(json=payload(template_workbook(case)))
    excel.calculer(book)
    assert len(book.json()["actions"]) == 10


def test_errors_are_shown_with_their_cells_and_no_input_is_written(tmp_path):
    case = finplan.load_case(finplan.demo_path())
    workbook = template_workbook(case)
    layout = InputLayout.for_counts(item_counts(case))
    workbook[INPUT_SHEET][layout.cell("staff", 0, "employer_rate")] = 42
    book = xw.Book(json=payload(workbook))
    assert excel.calculer(book) is False
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["setValues", "setValues", "alert"]
    assert actions[0]["sheet_position"] == workbook.sheetnames.index("Contrôles")
    message = actions[-1]["args"][0]
    assert message.startswith("Le plan n'a pas été calculé : 1 erreur(s) dans les hypothèses."
                              "\n- Hypothèses!G24")
    assert "Traceback" not in message
    written = {a["sheet_position"] for a in actions if a["func"] == "setValues"}
    assert workbook.sheetnames.index(INPUT_SHEET) not in written


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
    # 7 output sheets, their sizes and cells (Listes), the inputs read (Dernier calcul)
    assert [a["func"] for a in actions] == ["setValues"] * 9 + ["alert"]
    assert actions[-1]["args"][0].startswith("Plan calculé, à revoir :\n- Trésorerie "
                                             "négative en mars 2028")


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
    assert CliRunner().invoke(main, ["fill", str(folder / "finplan_plan.xlsx")]).exit_code == 1
    book = load_workbook(folder / "finplan_plan.xlsx")
    assert book["xlwings.conf"]["A1"].value == "UDF Modules"
    assert book["xlwings.conf"]["B1"].value == "finplan_plan"
    # xlwings Lite: the pasted main.py registers the « Calculer le plan » script
    namespace = {}
    exec((folder / "xlwings-lite" / "main.py").read_text("utf-8"), namespace)
    lite = type("main", (), {})
    for key, value in namespace.items():
        setattr(lite, key, value)
    assert [s["name"] for s in custom_scripts_meta(lite)] == ["Calculer le plan"]
    # and the filled workbook, clicked through the remote engine, still computes
    book = xw.Book(json=payload(load_workbook(folder / "finplan_plan.xlsx")))
    assert excel.calculer(book) is False  # the example needs a bridging loan
    assert book.json()["actions"][-1]["args"][0].startswith("Plan calculé, à revoir")


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
