"""Hostile and misleading inputs: what a volunteer's machine or a crafted file can
put in a case file or a workbook, and what finplan says about it.

Every refusal is exit 2 with a French message saying what, where and how to fix
it, never « Erreur interne » (exit 3), and every file of the folder is left byte
for byte as it was.  The hostile files are built here, small and fast.
"""

import re
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest
import xlwings as xw  # the remote engine is active: see conftest.py (licence key)
from click.testing import CliRunner
from openpyxl import load_workbook
from xlwings_client import payload

import finplan
from finplan import excel
from finplan.cli import main
from finplan.errors import CaseError, InputFileError
from finplan.io import package_guard
from finplan.io.input_files import file_kind
from finplan.io.toml_case import case_to_toml, parse_case_text
from finplan.io.workbook_layout import INPUT_SHEET, LISTS_SHEET, InputLayout
from finplan.io.workbook_read import open_workbook
from finplan.io.workbook_write import build_workbook, item_counts, template_workbook
from finplan.model.montecarlo import target_of
from finplan.model.names import clean_text, name_key
from finplan.model.scenarios import get_path
from finplan.model.validation import validate_case

from helpers import symlink_or_skip

SAVE_AS = "« Fichier > Enregistrer sous… > Classeur Excel (.xlsx) »"
NFD_REGION = unicodedata.normalize("NFD", "Région")
LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
          b"<lolz>&lol2;</lolz>")


# -- helpers ---------------------------------------------------------------------------

def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _refused(folder: Path, *args: str) -> str:
    """Run a command that must refuse in French (exit 2) and change no file."""
    before = _snapshot(folder)
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Erreur : "), result.output
    assert "Traceback" not in result.output and "Erreur interne" not in result.output
    assert _snapshot(folder) == before
    return result.output


def _demo_raw() -> dict:
    return parse_case_text(finplan.demo_path().read_text("utf-8"))


def _demo_workbook(path: Path) -> Path:
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(path)
    return path


def _rewrite(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """A copy of a workbook package with some parts replaced or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.pop(info.filename, old.read(info)))
        for name, data in replace.items():
            new.writestr(name, data)
    return target


def _part_of_sheet(path: Path, sheet: str) -> str:
    """The package part holding a sheet (``xl/worksheets/sheet2.xml``)."""
    book = load_workbook(path)
    return f"xl/worksheets/sheet{book.sheetnames.index(sheet) + 1}.xml"


# -- case files: numbers Python cannot read, control characters ----------------------

def test_a_5000_digit_integer_in_a_case_file_is_a_french_error(tmp_path):
    text = finplan.demo_path().read_text("utf-8")
    case = tmp_path / "cas.toml"
    case.write_text(text.replace("first_year = 2027", "first_year = " + "9" * 5000), "utf-8")
    line = text[:text.index("first_year = 2027")].count("\n") + 1
    output = _refused(tmp_path, "plan", str(case))
    assert f"ligne {line}" in output and "clé « first_year »" in output
    assert "5000 chiffres" in output and "100 milliards" in output
    # in hexadecimal, Python reads it, but it cannot be shown: still French
    case.write_text(text.replace("first_year = 2027", "first_year = 0x" + "F" * 5000),
                    "utf-8")
    output = _refused(tmp_path, "plan", str(case))
    assert "project.first_year" in output and "chiffres" in output


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f"])
def test_a_control_character_in_a_case_file_is_a_french_error(tmp_path, character):
    text = finplan.demo_path().read_text("utf-8")
    case = tmp_path / "cas.toml"
    case.write_text(text.replace('name = "Recyclerie', f'name = "Recy{character}clerie', 1),
                    "utf-8")
    line = text[:text.index('name = "Recyclerie')].count("\n") + 1
    output = _refused(tmp_path, "plan", str(case))
    assert f"ligne {line}, colonne 13 (clé « name »)" in output
    assert f"U+{ord(character):04X}" in output and "Illegal" not in output


def test_a_case_file_saved_in_utf16_without_bom_says_so(tmp_path):
    case = tmp_path / "cas.toml"
    case.write_bytes('format = "finplan/1"\n'.encode("utf-16-le"))
    assert "UTF-16" in _refused(tmp_path, "plan", str(case))


# -- other formats where a workbook or a case file is expected -------------------------

def _ods(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", "<office:document-content/>")
    return path


def _xlsb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return path


def _ole2(path: Path, stream: str) -> Path:
    # an OLE2 compound file: its magic, then a directory entry naming its stream
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
                     + stream.encode("utf-16-le") + bytes(1000))
    return path


FORMATS = {
    "ods": (_ods, "un classeur OpenDocument (LibreOffice Calc, .ods)"),
    "xls": (lambda path: _ole2(path, "Workbook"), "un classeur Excel 97-2003 (.xls)"),
    "xlsb": (_xlsb, "un classeur binaire Excel (.xlsb)"),
}


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_another_spreadsheet_format_is_named_with_how_to_save_it_as_xlsx(tmp_path, suffix):
    make, what = FORMATS[suffix]
    own = make(tmp_path / f"plan.{suffix}")
    renamed = tmp_path / "plan.xlsx"
    renamed.write_bytes(own.read_bytes())
    as_case = tmp_path / "cas.toml"
    as_case.write_bytes(own.read_bytes())
    for command in (["fill", str(own)], ["plan", str(own)], ["case", str(own)],
                    ["fill", str(renamed)], ["plan", str(renamed)],
                    ["case", str(renamed), "-o", str(tmp_path / "out.toml")],
                    ["plan", str(as_case)], ["montecarlo", str(as_case)]):
        output = _refused(tmp_path, *command)
        assert what in output, (command, output)
        assert SAVE_AS in output and "UTF-8" not in output, (command, output)


def test_a_password_protected_workbook_says_how_to_remove_the_password(tmp_path):
    locked = _ole2(tmp_path / "plan.xlsx", "EncryptionInfo")
    output = _refused(tmp_path, "fill", str(locked))
    assert "protégé par un mot de passe" in output and "Chiffrer avec mot de passe" in output


def test_a_real_workbook_given_as_a_case_file_is_named(tmp_path):
    workbook = _demo_workbook(tmp_path / "plan.xlsx")
    case = tmp_path / "plan.toml"
    case.write_bytes(workbook.read_bytes())
    workbook.unlink()
    output = _refused(tmp_path, "plan", str(case))
    assert "est un classeur Excel, pas un dossier finplan" in output
    assert file_kind(case) == "xlsx"


# -- defined names finplan relies on ----------------------------------------------------

@pytest.mark.parametrize(("target", "said"), [
    ("'Hypothèses'!$C$9:$C$1048576", "plusieurs cellules"),
    ("Guide!$C$9", "une autre feuille que Hypothèses"),
    ("#REF!", "#REF!"),
    ("'Hypothèses'!$C$9,'Hypothèses'!$D$9", "plusieurs plages"),
])
def test_a_defined_name_that_no_longer_names_one_input_cell_is_named(tmp_path, target,
                                                                      said):
    path = _demo_workbook(tmp_path / "plan.xlsx")
    book = load_workbook(path)
    book.defined_names["p_duree"].attr_text = target
    book.save(path)
    started = time.perf_counter()
    output = _refused(tmp_path, "plan", str(path))
    assert time.perf_counter() - started < 5
    assert "nom défini p_duree" in output and "« p_duree »" in output and said in output
    assert "Gestionnaire de noms" in output and "=Hypothèses!$C$9" in output
    _refused(tmp_path, "fill", str(path))


# -- error values and merged headers in input cells ------------------------------------

ERRORS = ["#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?"]


def _with_input(tmp_path: Path, value: str) -> tuple[Path, str]:
    case = finplan.load_case(finplan.demo_path())
    book = template_workbook(case)
    cell = InputLayout.for_counts(item_counts(case)).cell("staff", 0, "employer_rate")
    book[INPUT_SHEET][cell] = value
    path = tmp_path / "plan.xlsx"
    book.save(path)
    return path, cell


@pytest.mark.parametrize("error", ERRORS)
def test_the_excel_button_names_an_error_value_and_its_cell(tmp_path, error):
    path, cell = _with_input(tmp_path, error)
    book = xw.Book(json=payload(load_workbook(path, data_only=True)))
    assert excel.calculer(book) is False
    message = book.json()["actions"][-1]["args"][0]
    assert f"{INPUT_SHEET}!{cell}" in message and f"« {error} »" in message, message
    assert "cellule vide" not in message
    # the command line says the same of the same cell
    output = _refused(tmp_path, "plan", str(path))
    assert f"{INPUT_SHEET}!{cell}" in output and f"l'erreur Excel « {error} »" in output


def test_a_merged_header_is_named_as_a_merged_cell(tmp_path):
    path = _demo_workbook(tmp_path / "plan.xlsx")
    book = load_workbook(path)
    header = InputLayout.for_counts(item_counts(finplan.load_case(finplan.demo_path()))
                                    ).table("staff").header_row
    book[INPUT_SHEET].merge_cells(f"B{header}:C{header}")
    book.save(path)
    output = _refused(tmp_path, "plan", str(path))
    assert f"{INPUT_SHEET}!C{header}" in output and "cellule fusionnée" in output
    assert "« Catégorie »" in output and "None" not in output


# -- hostile sizes kept in the hidden « Listes » sheet ---------------------------------

@pytest.mark.parametrize("extent", [(1_000_000, 16_000), (5000, 5000), (-3, 4), ("x", 2),
                                    (2.5, 3)])
def test_the_excel_button_never_trusts_the_extents_kept_in_listes(extent):
    book = template_workbook(finplan.load_case(finplan.demo_path()))
    for row in range(2, 9):
        book[LISTS_SHEET][f"J{row}"], book[LISTS_SHEET][f"K{row}"] = extent
    xl = xw.Book(json=payload(book))
    excel.calculer(xl)
    actions = xl.json()["actions"]
    written = sum(len(a["values"]) * max(map(len, a["values"])) for a in actions
                  if a["func"] == "setValues")
    assert written < 100_000
    assert actions[-1]["args"][0].startswith("Plan calculé")


def test_sane_extents_still_blank_what_the_previous_calculation_left():
    book = template_workbook(finplan.load_case(finplan.demo_path()))
    book[LISTS_SHEET]["J2"], book[LISTS_SHEET]["K2"] = 900, 30  # Budget, once larger
    xl = xw.Book(json=payload(book))
    excel.calculer(xl)
    budget = next(a for a in xl.json()["actions"] if a["func"] == "setValues"
                  and a["sheet_position"] == book.sheetnames.index("Budget"))
    assert len(budget["values"]) >= 900 and len(budget["values"][0]) >= 30


# -- names as a person reads them --------------------------------------------------------

def test_clean_text_and_name_key_are_one_rule():
    assert clean_text(NFD_REGION) == "Région"
    for hidden in ("\u200b", "\u200c", "\u200d", "\ufeff", "\u202e", "\u200f", "\u00ad",
                   "\u2066"):
        assert name_key(f"Ré{hidden}gion") == "Région"
    assert name_key("Région\u00a0(ESS)") == "Région (ESS)"
    assert name_key("Région") != name_key("region")


@pytest.mark.parametrize("twin", [NFD_REGION, "Région\u200b", "\u202dRégion",
                                  "Ré\u00adgion", "Région\u00a0"])
def test_two_funders_that_look_the_same_are_duplicates(twin):
    raw = _demo_raw()
    raw["funder"][0]["name"] = "Région"
    raw["funder"][1]["name"] = twin
    with pytest.raises(CaseError) as caught:
        validate_case(raw)
    (issue,) = [i for i in caught.value.issues if i.path == "funder[1].name"]
    assert "funder[0]" in issue.message and "« Région »" in issue.message


def test_names_are_kept_in_nfc_without_invisible_characters():
    raw = _demo_raw()
    raw["funder"][0]["name"] = NFD_REGION + "\u200b"
    case = validate_case(raw)
    assert case.funders[0].name == "Région"
    assert "Région" in case_to_toml(case)


def test_a_key_path_written_in_another_normal_form_finds_its_funder():
    raw = _demo_raw()
    index, funder = next((i, f) for i, f in enumerate(raw["funder"])
                         if unicodedata.normalize("NFD", f["name"]) != f["name"])
    nfd = unicodedata.normalize("NFD", funder["name"]) + "\u200b"
    assert get_path(raw, f"funder[{nfd}].type") == funder["type"]
    # a scenario and a Monte Carlo line naming the funder in NFD
    funder.setdefault("cap_total", 50_000)
    raw["scenario"] = [{"name": "Prudent", "set": {f"funder[{nfd}].cap_total": 40_000}}]
    raw["montecarlo"]["vary"] = [{"path": f"funder[{nfd}].cap_total", "dist": "uniform",
                                  "low": -0.1, "high": 0.1}]
    case = validate_case(raw)
    assert case.scenarios[0].name == "Prudent"
    assert target_of(raw, case.montecarlo.vary[0].path).index == index


def test_two_scenarios_that_look_the_same_are_duplicates():
    raw = _demo_raw()
    path = "revenue[0].unit_price"
    raw["scenario"] = [{"name": "Prudent", "set": {path: 10}},
                       {"name": "Pru\u200bdent", "set": {path: 12}}]
    with pytest.raises(CaseError, match=r"scenario\[1\]\.name.*scenario\[0\]"):
        validate_case(raw)


def test_the_sensitivity_command_finds_a_funder_named_in_nfd(tmp_path):
    raw = _demo_raw()
    name = next(f["name"] for f in raw["funder"] if f.get("rule") == "rate")
    case = tmp_path / "cas.toml"
    case.write_text(finplan.demo_path().read_text("utf-8"), "utf-8")
    result = CliRunner().invoke(main, [
        "sensitivity", str(case), "--vary",
        f"funder[{unicodedata.normalize('NFD', name)}].rate=-10%..+10%", "--steps", "3"])
    assert result.exit_code in (0, 1), result.output


# -- hostile packages: absurd extents, UTF-16 parts, late DOCTYPEs ---------------------

def test_a_table_stretched_to_the_last_row_is_refused_unread(tmp_path):
    source = _demo_workbook(tmp_path.parent / f"{tmp_path.name}-source.xlsx")
    with zipfile.ZipFile(source) as package:
        name = next(n for n in package.namelist() if n.startswith("xl/tables/")
                    and b'displayName="tbl_personnel"' in package.read(n))
        table = package.read(name)
    stretched = re.sub(rb'ref="([A-Z]+\d+):([A-Z]+)\d+"', rb'ref="\1:\g<2>1048576"', table)
    assert stretched != table
    path = _rewrite(source, tmp_path / "plan.xlsx", {name: stretched})
    assert path.stat().st_size < 100_000
    for command in ("plan", "fill"):
        started = time.perf_counter()
        output = _refused(tmp_path, command, str(path))
        assert time.perf_counter() - started < 2
        assert "tbl_personnel" in output and "1 048 5" in output
        assert "Redimensionner le tableau" in output


def test_cells_of_a_utf16_sheet_are_counted(tmp_path, monkeypatch):
    source = _demo_workbook(tmp_path.parent / f"{tmp_path.name}-source.xlsx")
    part = _part_of_sheet(source, INPUT_SHEET)
    with zipfile.ZipFile(source) as package:
        xml = package.read(part).decode("utf-8")
        cells = sum(package.read(name).count(b"<c ") for name in package.namelist()
                    if name.startswith("xl/worksheets/"))
    assert xml.count("<c ") > 500
    utf16 = re.sub(r'encoding="[^"]+"', 'encoding="UTF-16"', xml).encode("utf-16")
    path = _rewrite(source, tmp_path / "plan.xlsx", {part: utf16})
    # one cell fewer than the workbook has: the UTF-16 sheet's cells must be counted
    monkeypatch.setitem(package_guard.LIMITS, "cells", cells - 1)
    monkeypatch.setattr(package_guard, "_CHUNK", 4096)  # across many decoding chunks
    with pytest.raises(InputFileError, match=f"plus de {cells - 1:,} cellules".replace(
            ",", " ")):
        open_workbook(path)


@pytest.mark.parametrize("shape", ["after a long comment", "in UTF-16", "in UTF-16-BE",
                                   "in a part with another name"])
def test_a_doctype_anywhere_before_the_root_is_refused(tmp_path, shape):
    source = _demo_workbook(tmp_path.parent / f"{tmp_path.name}-source.xlsx")
    part = _part_of_sheet(source, INPUT_SHEET)
    head = '<?xml version="1.0" encoding="{}"?>'
    if shape == "after a long comment":
        data = (head.format("UTF-8").encode() + b"<!--" + b"x" * 200_000 + b"-->" + LAUGHS)
    elif shape == "in UTF-16":
        data = (head.format("UTF-16") + LAUGHS.decode()).encode("utf-16")
    elif shape == "in UTF-16-BE":  # no byte order mark: found from the shape of « <? »
        data = (head.format("UTF-16") + LAUGHS.decode()).encode("utf-16-be")
    else:
        part = "xl/notes.dat"
        data = head.format("UTF-8").encode() + LAUGHS
    path = _rewrite(source, tmp_path / "plan.xlsx", {part: data})
    output = _refused(tmp_path, "plan", str(path))
    assert "déclare des entités XML (DOCTYPE/ENTITY)" in output and part in output


def test_a_part_in_an_unknown_encoding_is_refused(tmp_path):
    source = _demo_workbook(tmp_path.parent / f"{tmp_path.name}-source.xlsx")
    path = _rewrite(source, tmp_path / "plan.xlsx", {
        "xl/notes.xml": b'<?xml version="1.0" encoding="x-martien"?><a/>'})
    assert "encodage inconnu" in _refused(tmp_path, "plan", str(path))


def test_an_ordinary_workbook_still_reads(tmp_path):
    path = _demo_workbook(tmp_path / "plan.xlsx")
    result = CliRunner().invoke(main, ["plan", str(path)])
    assert result.exit_code == 0, result.output  # the demo's plan is validated


def test_a_strict_open_xml_workbook_is_named_with_how_to_save_it(tmp_path):
    # found by a hostile round: « la feuille Hypothèses est introuvable »
    import zipfile

    from click.testing import CliRunner

    from finplan.cli import main

    path = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", '<workbook xmlns="http://purl.oclc.org/ooxml/'
                         'spreadsheetml/main"><sheets/></workbook>')
    before = path.read_bytes()
    for command in ("fill", "plan"):
        result = CliRunner().invoke(main, [command, str(path)])
        assert result.exit_code == 2
        assert "Open XML stricte" in result.output and "Enregistrer sous" in result.output
    assert path.read_bytes() == before


def test_montecarlo_refuses_two_outputs_that_are_one_file(tmp_path):
    # found by a hostile round: --draws-csv a link to the -o workbook lost the user's file
    from click.testing import CliRunner

    import finplan
    from finplan.cli import main

    workbook = tmp_path / "mc.xlsx"
    workbook.write_bytes(b"le classeur de l'utilisateur")
    symlink_or_skip(tmp_path / "t.csv", workbook)
    result = CliRunner().invoke(main, ["montecarlo", str(finplan.demo_path()), "--draws",
                                       "10", "-o", str(workbook), "--draws-csv",
                                       str(tmp_path / "t.csv"), "--force"])
    assert result.exit_code == 2 and "le même fichier" in result.output
    assert workbook.read_bytes() == b"le classeur de l'utilisateur"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mc.xlsx", "t.csv"]
