"""Hostile files: XML attacks, zip bombs, oversized files, smuggled formulas and macros.

Every one is refused (exit 2, a French message, no traceback) before anything is
unpacked, and nothing is written.
"""

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import finplan
from finplan.cli import main
from finplan.errors import InputFileError
from finplan.io import package_guard
from finplan.io.toml_case import case_to_toml, parse_case_text
from finplan.io.workbook_package import charts_by_sheet
from finplan.io.workbook_read import open_workbook
from finplan.io.workbook_write import build_workbook

from helpers import refused

LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10 if n > 1
                                               else b"&lol;" * 10) for n in range(1, 10))
          + b']>\n<lolz>&lol9;</lolz>')


def _demo_workbook(folder: Path, name: str = "plan.xlsx") -> Path:
    target = folder / name
    build_workbook(finplan.load_case(finplan.demo_path())).workbook.save(target)
    return target


def _rewrite(source: Path, target: Path, replace: dict[str, bytes],
             compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A copy of a workbook package with some parts replaced or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", compression) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.pop(info.filename, old.read(info)))
        for name, data in replace.items():
            new.writestr(name, data)
    return target


def test_billion_laughs_is_refused_before_parsing(tmp_path):
    source = _demo_workbook(tmp_path / "..", "source-laughs.xlsx")
    bomb = _rewrite(source, tmp_path / "rire.xlsx", {"xl/workbook.xml": LAUGHS})
    output = refused(tmp_path, bomb)
    assert "déclare des entités XML" in output and "xl/workbook.xml" in output
    assert "déclare des entités XML" in refused(tmp_path, bomb, "case")


def test_defusedxml_is_the_second_line_of_defence(tmp_path, monkeypatch):
    source = _demo_workbook(tmp_path)
    bomb = _rewrite(source, tmp_path / "rire.xlsx", {"xl/workbook.xml": LAUGHS})
    monkeypatch.setattr("finplan.io.workbook_read.inspect_package", lambda path: None)
    with pytest.raises(InputFileError, match="ne peut pas être lu comme un classeur"):
        open_workbook(bomb)


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path):
    source = _demo_workbook(tmp_path / "..", "source-bomb.xlsx")
    zeros = b"0" * 30_000_000  # 30 MB that deflate to about 30 kB
    bomb = _rewrite(source, tmp_path / "bombe.xlsx", {"xl/media/image1.png": zeros})
    assert bomb.stat().st_size < 1_000_000
    assert "« bombe zip »" in refused(tmp_path, bomb)


def test_a_part_larger_than_its_declared_size_isrefused(tmp_path):
    source = _demo_workbook(tmp_path / "..", "source-lie.xlsx")
    liar = _rewrite(source, tmp_path / "menteur.xlsx", {"xl/extra.xml": b"<a>" + b"x" * 500_000
                                                         + b"</a>"})
    data = bytearray(liar.read_bytes())
    entry = data.rfind(b"xl/extra.xml") - 46  # its central directory entry (last copy)
    assert data[entry:entry + 4] == b"PK\x01\x02"
    data[entry + 24:entry + 28] = (1000).to_bytes(4, "little")  # declared: 1 000 bytes
    liar.write_bytes(bytes(data))
    # zipfile stops at the declared size and finds the checksum wrong: refused either
    # way, and never unpacked beyond what the directory announced
    output = refused(tmp_path, liar)
    assert "ne peut pas être lu comme un classeur Excel (BadZipFile)" in output


def test_too_many_cells_arerefused(tmp_path, monkeypatch):
    target = _demo_workbook(tmp_path)
    monkeypatch.setitem(package_guard.LIMITS, "cells", 500)
    with pytest.raises(InputFileError, match="plus de 500 cellules"):
        open_workbook(target)


def test_cells_are_counted_across_reading_chunks(monkeypatch, tmp_path):
    sheet = b"<worksheet><sheetData><row>" + b'<c r="A1"/>' * 3000 + b"</row></sheetData>"
    sheet += b"</worksheet>"
    path = tmp_path / "cells.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("xl/worksheets/sheet1.xml", sheet)
    monkeypatch.setattr(package_guard, "_CHUNK", 1000)
    with zipfile.ZipFile(path) as package:
        info = package.getinfo("xl/worksheets/sheet1.xml")
        assert package_guard._stream(path, package, info, 10**9) == (len(sheet), 3000)


def test_oversized_and_non_workbook_files_arerefused(tmp_path):
    big = tmp_path / "enorme.toml"
    big.write_bytes(b"# " + b"x" * 2_100_000)
    result = CliRunner().invoke(main, ["plan", str(big)])
    assert result.exit_code == 2 and "plus que les 2000000 octets" in result.output
    fake = tmp_path / "faux.xlsx"
    fake.write_bytes(b"PK\x03\x04 pas vraiment un zip")
    assert "ne peut pas être lu comme un classeur Excel" in refused(tmp_path, fake)


def test_deeply_nested_toml_isrefused(tmp_path):
    nested = tmp_path / "imbrique.toml"
    nested.write_text("a = " + "[" * 50_000 + "]" * 50_000, "utf-8")
    result = CliRunner().invoke(main, ["plan", str(nested)])
    assert result.exit_code == 2 and "imbriquées" in result.output


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formula_looking_text_is_written_as_text_everywhere(tmp_path, start):
    raw = parse_case_text(finplan.demo_path().read_text("utf-8"))
    raw["project"]["name"] = f'{start}HYPERLINK("http://example.invalid","clic")'
    raw["expense"][0]["label"] = f"{start}cmd|' /C calc'!A0"
    region = next(funder for funder in raw["funder"]
                  if funder["name"] == "Région Nouvelle-Aquitaine (ESS)")
    region["name"] = f"{start}1+1"
    raw["montecarlo"]["vary"][2]["path"] = f"funder[{start}1+1].cap_total"
    raw["scenario"] = [{"name": f"{start}SUM(A1:A9)", "set": {"project.opening_cash": 1}}]
    case_file = tmp_path / "cas.toml"
    case_file.write_text(case_to_toml(finplan.load_case(raw)), "utf-8")
    outputs = {"build": tmp_path / "plan.xlsx", "montecarlo": tmp_path / "mc.xlsx",
               "sensitivity": tmp_path / "sens.xlsx"}
    runner = CliRunner()
    runner.invoke(main, ["build", str(case_file), "-o", str(outputs["build"])])
    runner.invoke(main, ["montecarlo", str(case_file), "--draws", "50", "-o",
                         str(outputs["montecarlo"])])
    runner.invoke(main, ["sensitivity", str(case_file), "--vary",
                         "expense[0].amount=-10%..+10%", "--steps", "2", "-o",
                         str(outputs["sensitivity"])])
    for path in outputs.values():
        book = load_workbook(path)
        injected = [cell for sheet in book.worksheets for row in sheet.iter_rows()
                    for cell in row if isinstance(cell.value, str)
                    and ("HYPERLINK" in cell.value or "cmd|" in cell.value
                         or f"{start}1+1" in cell.value or "SUM(A1" in cell.value)]
        for cell in injected:
            assert cell.data_type == "s", (path.name, cell.coordinate, cell.value)
    assert any("HYPERLINK" in str(cell.value) for sheet in load_workbook(
        outputs["build"]).worksheets for row in sheet.iter_rows() for cell in row)


def test_no_output_of_finplan_carries_macros(tmp_path):
    case_file = finplan.demo_path()
    runner = CliRunner()
    made = [tmp_path / "plan.xlsx", tmp_path / "modele.xlsx", tmp_path / "mc.xlsx"]
    runner.invoke(main, ["build", str(case_file), "-o", str(made[0])])
    runner.invoke(main, ["template", "-o", str(made[1])])
    runner.invoke(main, ["montecarlo", str(case_file), "--draws", "20", "-o", str(made[2])])
    runner.invoke(main, ["excel", "init", str(tmp_path / "excel")])
    made += list((tmp_path / "excel").glob("*.xls*"))
    for path in made:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
            types = package.read("[Content_Types].xml")
        assert not any("vbaProject" in name for name in names), path
        assert b"macroEnabled" not in types, path


def test_fill_of_an_xlsm_keeps_its_macros_without_running_them(tmp_path):
    source = _demo_workbook(tmp_path / "..", "source-xlsm.xlsx")
    vba = b"\xd0\xcf\x11\xe0 macros of the volunteer, never run"
    xlsm = tmp_path / "plan.xlsm"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(xlsm, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    b".main+xml", b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                    b'"application/vnd.ms-office.vbaProject"/></Types>')
            new.writestr(info.filename, data)
        new.writestr("xl/vbaProject.bin", vba)
    result = CliRunner().invoke(main, ["fill", str(xlsm)])
    assert result.exit_code in (0, 1), result.output
    with zipfile.ZipFile(xlsm) as package:
        assert package.read("xl/vbaProject.bin") == vba


def test_what_a_volunteer_added_is_kept_or_fill_refuses(tmp_path):
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment

    target = _demo_workbook(tmp_path)
    book = load_workbook(target)
    notes = book.create_sheet("Mes notes")
    notes["A1"] = "Relancer la Région avant juin"
    notes["A1"].comment = Comment("Vu avec la trésorière", "Claire")
    book["Hypothèses"]["B3"].comment = Comment("Hypothèses validées en CA", "Claire")
    book.save(target)
    result = CliRunner().invoke(main, ["fill", str(target)])
    assert result.exit_code in (0, 1), result.output
    kept = load_workbook(target)
    assert kept["Mes notes"]["A1"].value == "Relancer la Région avant juin"
    assert kept["Mes notes"]["A1"].comment.text == "Vu avec la trésorière"
    assert kept["Hypothèses"]["B3"].comment.text == "Hypothèses validées en CA"
    # a chart the volunteer drew on their own sheet is kept
    chart = BarChart()
    chart.add_data(Reference(kept["Budget"], min_col=3, min_row=5, max_row=9))
    kept["Mes notes"].add_chart(chart, "C3")
    kept.save(target)
    assert CliRunner().invoke(main, ["fill", str(target)]).exit_code in (0, 1)
    assert charts_by_sheet(target.read_bytes())["Mes notes"] == 1


def test_charts_openpyxl_would_drop_make_fill_refuse(tmp_path):
    target = _demo_workbook(tmp_path)
    book = load_workbook(target)
    # a chart on an output sheet is dropped when finplan rewrites that sheet
    book["Budget"].add_chart(_bar(book), "H3")
    book.save(target)
    assert "« Budget » : 1 graphique" in refused(tmp_path, target)
    # an Excel 2016 chart (chartEx) openpyxl cannot read at all
    book = load_workbook(_demo_workbook(tmp_path / "..", "source-chartex.xlsx"))
    book.create_sheet("Mes notes").add_chart(_bar(book), "C3")
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    with zipfile.ZipFile(plain) as package:  # our 4 charts, then the volunteer's 5th
        drawing_rels = next(name for name in package.namelist()
                            if name.startswith("xl/drawings/_rels/")
                            and b"/xl/charts/chart5.xml" in package.read(name))
        rels = package.read(drawing_rels).replace(
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart",
            b"http://schemas.microsoft.com/office/2014/relationships/chartEx").replace(
            b"xl/charts/chart5.xml", b"xl/charts/chartEx1.xml")
    waterfall = _rewrite(plain, tmp_path / "cascade.xlsx", {
        drawing_rels: rels, "xl/charts/chartEx1.xml": CHART_EX})
    output = refused(tmp_path, waterfall)
    assert "des graphiques récents d'Excel" in output and "Rien n'a été modifié" in output


CHART_EX = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<cx:chartSpace xmlns:cx="http://schemas.microsoft.com/office/drawing/2014/'
            b'chartex"><cx:chartData><cx:data id="0"><cx:numDim type="val"><cx:f>'
            b"Budget!$C$5:$C$9</cx:f></cx:numDim></cx:data></cx:chartData><cx:chart>"
            b'<cx:plotArea><cx:plotAreaRegion><cx:series layoutId="waterfall"><cx:dataId '
            b'val="0"/></cx:series></cx:plotAreaRegion></cx:plotArea></cx:chart>'
            b"</cx:chartSpace>")


def _bar(book):
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.add_data(Reference(book["Budget"], min_col=3, min_row=5, max_row=9))
    return chart


def test_the_xlwings_grids_protect_formula_looking_text():
    from finplan.io.grid import Sheet

    sheet = Sheet("Budget")
    sheet.put("A1", "=cmd|' /C calc'!A0")
    sheet.put("B1", "@SUM(1)")
    sheet.formula("C1", "1+1")  # a formula finplan wrote on purpose stays a formula
    assert sheet.grid() == [["'=cmd|' /C calc'!A0", "'@SUM(1)", "=1+1"]]


def test_an_unexpected_failure_is_a_french_message_without_traceback(monkeypatch):
    def broken(case):
        raise RuntimeError("boom")

    monkeypatch.setattr("finplan.cli.compute", broken)
    result = CliRunner().invoke(main, ["plan", str(finplan.demo_path())])
    assert result.exit_code == 3
    assert result.output.startswith("Erreur interne de finplan : ce n'est pas votre "
                                    "dossier qui est en cause")
    assert "Traceback" not in result.output


def _corpus(folder: Path) -> list[Path]:
    """Malformed and hostile files of every kind a volunteer may receive."""
    source = _demo_workbook(folder.parent, f"source-{folder.name}.xlsx")
    files = {
        "vide.toml": b"",
        "binaire.toml": bytes(range(256)) * 4,
        "latin1.toml": 'format = "finplan/1"\n[project]\nname = "Épicerie"\n'.encode("latin-1"),
        "syntaxe.toml": b'format = "finplan/1"\n[project\nname = 1\n',
        "format.toml": b'format = "finplan/9"\n',
        "imbrique.toml": b"a = " + b"[" * 20000 + b"]" * 20000,
        "controle.toml": finplan.demo_path().read_bytes().replace(
            b'name = "Recyclerie de Chalosse"', b'name = "Recyclerie\\u0007"'),
        "vide.xlsx": b"",
        "texte.xlsx": b"ceci n'est pas un classeur",
        "tronque.xlsx": source.read_bytes()[:5000],
    }
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    paths.append(_rewrite(source, folder / "rire.xlsx", {"xl/workbook.xml": LAUGHS}))
    paths.append(_rewrite(source, folder / "bombe.xlsx",
                          {"xl/media/image1.png": b"0" * 30_000_000}))
    book = load_workbook(source)
    book["Hypothèses"].title = "Hypotheses"
    book.save(folder / "renomme.xlsx")
    paths.append(folder / "renomme.xlsx")
    return paths


@pytest.mark.parametrize("command", ["plan", "montecarlo", "build", "case", "fill"])
def test_a_corpus_of_bad_files_exits_2_in_french_and_changes_nothing(tmp_path, command):
    for path in _corpus(tmp_path):
        if command == "fill" and path.suffix != ".xlsx":
            continue
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
        args = [command, str(path)]
        if command == "build":
            args += ["-o", str(tmp_path / "sortie.xlsx")]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (path.name, result.output)
        assert result.output.startswith("Erreur : "), (path.name, result.output)
        # where: the file, or one line per problem with its key path, cell or sheet
        assert path.name in result.output or re.search(r"^- [^ ]+.* : ", result.output,
                                                       re.MULTILINE), result.output
        assert "Traceback" not in result.output
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before, path.name


def test_plan_reads_a_workbook_and_cites_its_cells(tmp_path):
    target = _demo_workbook(tmp_path)
    result = CliRunner().invoke(main, ["plan", str(target), "--json"])
    assert result.exit_code == 0  # the example's plan is validated
    book = load_workbook(target)
    book["Hypothèses"]["C8"] = "deux mille vingt-sept"
    book.save(target)
    result = CliRunner().invoke(main, ["plan", str(target)])
    assert result.exit_code == 2 and "Hypothèses!C8" in result.output
