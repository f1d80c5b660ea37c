"""Actuals against the plan (issue 16 item 6), worked by hand.

The plan, one year (2027) from January: rent 12 000 € (613), supplies 3 000 € (606),
travel 1 000 € (625), services sold 5 000 € (706); the Commune gives a fixed 6 000 €
(voted, 3 600 € received on 15 April 2027), the Département the rest, 5 000 €
(requested). Charges 16 000 €, produits 16 000 €, result 0.

The year's accounts (the FEC below): supplies 3 250 €, rent 12 000 €, travel 640 €,
services 4 500 €, grants 6 000 € (Commune) + 4 000 € (Département) on 74, and 100 h
of volunteering at 12,02 € (864 / 870: 1 202 €); the rest are balance-sheet accounts.

By hand: 60 +250 € (+8,3 %, completion 108,3 %), 61 0, 62 −360 € (−36,0 %); charges
15 890 € (−110 €, −0,7 %); 70 −500 € (−10,0 %); 74 −1 000 € (−9,1 %); produits
14 500 € (−1 500 €, −9,4 %); result −1 390 € (nothing planned: no percentage); 86 and
87 1 202 € against 0. The Commune: 6 000 € voted, 3 600 € received, 2 400 € to come;
the Département: 5 000 € planned, nothing voted nor received.
"""

from __future__ import annotations

import pytest

import finplan
from finplan.errors import InputFileError
from finplan.io.fec import FEC_COLUMNS, read_accounts, read_accounts_bytes
from finplan.model.actuals import compare, follow_up
from finplan.model.engine import compute

from helpers import cents

CASE = {
    "format": "finplan/1",
    "project": {"name": "Atelier", "organisation": "Asso", "first_year": 2027, "years": 1,
                "opening_cash": 10000},
    "revenue": [{"label": "Prestations", "account": "706", "amount": 5000}],
    "expense": [{"label": "Loyer", "account": "613", "amount": 12000},
                {"label": "Fournitures", "account": "606", "amount": 3000},
                {"label": "Déplacements", "account": "625", "amount": 1000}],
    "funder": [
        {"name": "Commune", "type": "public", "line": "commune", "rule": "fixed",
         "amount": 6000, "priority": 10, "status": "vote", "voted": 6000,
         "received": [["2027-04-15", 3600]]},
        {"name": "Département", "type": "public", "line": "departement",
         "rule": "residual", "priority": 20}],
}

# (journal, entry, date, account, label, debit, credit): each entry balances
ENTRIES = [
    ("AC", "1", "20270131", "6061", "Fournitures Leroy", "3250.00", "0"),
    ("AC", "1", "20270131", "401000", "Fournisseurs", "0", "3250.00"),
    ("AC", "2", "20270201", "613200", "Loyer de l'année", "12000.00", "0"),
    ("AC", "2", "20270201", "401000", "Fournisseurs", "0", "12000.00"),
    ("AC", "3", "20270310", "6251", "Déplacements à Évreux", "640.00", "0"),
    ("AC", "3", "20270310", "401000", "Fournisseurs", "0", "640.00"),
    ("VT", "1", "20270630", "411000", "Clients", "4500.00", "0"),
    ("VT", "1", "20270630", "706000", "Prestations", "0", "4500.00"),
    ("OD", "1", "20270301", "441000", "Subvention Commune", "6000.00", "0"),
    ("OD", "1", "20270301", "7474", "Subvention Commune", "0", "6000.00"),
    ("OD", "2", "20270601", "441000", "Subvention Département", "4000.00", "0"),
    ("OD", "2", "20270601", "7473", "Subvention Département", "0", "4000.00"),
    ("BQ", "1", "20270415", "512000", "Versement Commune", "3600.00", "0"),
    ("BQ", "1", "20270415", "441000", "Versement Commune", "0", "3600.00"),
    ("OD", "3", "20271231", "864", "Bénévolat 100 h", "1202.00", "0"),
    ("OD", "3", "20271231", "870", "Bénévolat 100 h", "0", "1202.00"),
]


def fec_text(entries=ENTRIES, separator="\t", comma=True, columns=FEC_COLUMNS) -> str:
    """A FEC in the column layout of article A47 A-1: the 18 zones, a header line."""
    lines = [separator.join(columns)]
    for journal, entry, day, account, label, debit, credit in entries:
        if comma:
            debit, credit = debit.replace(".", ","), credit.replace(".", ",")
        zones = dict.fromkeys(columns, "")
        zones.update(JournalCode=journal, JournalLib=journal, EcritureNum=entry,
                     EcritureDate=day, CompteNum=account, CompteLib=label,
                     PieceRef=f"{journal}{entry}", PieceDate=day, EcritureLib=label,
                     Debit=debit, Credit=credit, ValidDate=day)
        lines.append(separator.join(zones[name] for name in columns))
    return "\r\n".join(lines) + "\r\n"


VARIANTS = {
    "official (tab, decimal comma, ISO 8859-15)": lambda: fec_text().encode("iso-8859-15"),
    "pipe separator": lambda: fec_text(separator="|").encode("utf-8"),
    "Latin-1 (Windows)": lambda: fec_text(separator="|").encode("latin-1"),
    "decimal point, UTF-8 with its mark": lambda: fec_text(comma=False).encode("utf-8-sig"),
    "Montant and Sens": lambda: _signed().encode("utf-8"),
}


def _signed() -> str:
    columns = [c for c in FEC_COLUMNS if c not in ("Debit", "Credit")] + ["Montant", "Sens"]
    lines = ["|".join(columns)]
    for journal, entry, day, account, _label, debit, credit in ENTRIES:
        direction, amount = ("D", debit) if debit != "0" else ("C", credit)
        zones = dict.fromkeys(columns, "")
        zones.update(JournalCode=journal, EcritureNum=entry, EcritureDate=day,
                     CompteNum=account, Montant=amount.replace(".", ","), Sens=direction)
        lines.append("|".join(zones[name] for name in columns))
    return "\n".join(lines) + "\n"


EXPECTED_ACCOUNTS = {"6061": 325000, "613200": 1200000, "6251": 64000, "706000": 450000,
                     "7474": 600000, "7473": 400000, "864": 120200, "870": 120200}


@pytest.fixture(scope="module")
def plan():
    return compute(finplan.load_case(CASE))


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_common_fec_gives_the_same_accounts(variant):
    found = read_accounts_bytes(VARIANTS[variant](), "FEC.txt")
    assert found.accounts == EXPECTED_ACCOUNTS
    assert (found.year, found.kind, found.lines) == (2027, "FEC", 16)
    assert (found.first.isoformat(), found.last.isoformat()) == ("2027-01-31", "2027-12-31")


def test_the_comparison_by_cerfa_line_worked_by_hand(plan):
    shown = compare(plan, EXPECTED_ACCOUNTS, 2027)
    charges = {row.code or row.label: row for row in shown.charges}
    produits = {row.code or row.label: row for row in shown.produits}
    assert (charges["60"].planned, charges["60"].actual) == (cents(3000), cents(3250))
    assert charges["60"].difference == cents(250)
    assert str(charges["60"].difference_percent) == "8.3"
    assert str(charges["60"].completion) == "108.3"
    assert charges["61"].difference == 0
    assert (charges["62"].difference, str(charges["62"].difference_percent)) == (
        cents(-360), "-36.0")
    total = charges["TOTAL DES CHARGES"]
    assert (total.planned, total.actual, str(total.difference_percent)) == (
        cents(16000), cents(15890), "-0.7")
    assert (produits["70"].difference, str(produits["70"].difference_percent)) == (
        cents(-500), "-10.0")
    assert (produits["74"].planned, produits["74"].actual) == (cents(11000), cents(10000))
    assert str(produits["74"].difference_percent) == "-9.1"
    total = produits["TOTAL DES PRODUITS"]
    assert (total.actual, total.difference, str(total.difference_percent)) == (
        cents(14500), cents(-1500), "-9.4")
    assert (shown.result.planned, shown.result.actual) == (0, cents(-1390))
    assert shown.result.difference_percent is None
    assert (charges["86"].planned, charges["86"].actual) == (0, cents(1202))
    assert (produits["87"].actual, produits["87"].completion) == (cents(1202), None)


def test_each_funder_voted_received_remaining(plan):
    found = {row.name: row for row in follow_up(plan, 2027)}
    commune, departement = found["Commune"], found["Département"]
    assert (commune.status, commune.planned, commune.voted, commune.received,
            commune.remaining, commune.paid_in_year) == (
        "vote", cents(6000), cents(6000), cents(3600), cents(2400), cents(3600))
    assert (departement.status, departement.planned, departement.voted,
            departement.received, departement.remaining) == (
        "sollicite", cents(5000), None, 0, cents(5000))


def test_a_year_outside_the_plan_is_refused(plan):
    with pytest.raises(ValueError):
        compare(plan, EXPECTED_ACCOUNTS, 2031)


def test_a_table_by_account(tmp_path):
    path = tmp_path / "comptes.csv"
    path.write_text("Compte;Libellé;Montant\n6061;Fournitures;3 250,00\n613200;Loyer;12000\n"
                    "706;Prestations;4 500\n512;Banque;9 999\n", "utf-8")
    found = read_accounts(path, 2027)
    assert found.accounts == {"6061": 325000, "613200": 1200000, "706": 450000}
    debit_credit = tmp_path / "balance.csv"
    debit_credit.write_text("Compte,Débit,Crédit\n6061,3250,0\n706,0,4500\n", "utf-8")
    assert read_accounts(debit_credit, 2027).accounts == {"6061": 325000, "706": 450000}


def _refusal(text: str, encoding: str = "utf-8") -> str:
    with pytest.raises(InputFileError) as caught:
        read_accounts_bytes(text.encode(encoding), "FEC.txt")
    return str(caught.value)


def test_wrong_columns_are_named():
    columns = [c for c in FEC_COLUMNS if c != "Debit"]
    said = _refusal(fec_text(columns=columns))
    assert "ligne 1" in said and "« Debit »" in said and "A47 A-1" in said


def test_a_line_with_a_missing_zone_is_named():
    text = fec_text().splitlines()
    text[3] = "\t".join(text[3].split("\t")[:10])
    said = _refusal("\n".join(text))
    assert "ligne 4 : 10 zones au lieu de 18" in said


def test_an_unbalanced_entry_is_named_with_its_lines():
    entries = list(ENTRIES)
    entries[5] = ("AC", "3", "20270310", "401000", "Fournisseurs", "0", "604.00")
    said = _refusal(fec_text(entries))
    assert ("l'écriture 3 du journal AC (ligne(s) 6 à 7) n'est pas équilibrée : débit "
            "640,00 €, crédit 604,00 €") in said.replace("\u202f", " ").replace("\xa0", " ")


def test_unknown_accounts_dates_and_amounts_are_named():
    entries = list(ENTRIES)
    entries[0] = ("AC", "1", "20270131", "9061", "Analytique", "3250.00", "0")
    entries[2] = ("AC", "2", "2027-02-31", "613200", "Loyer", "12000.00", "0")
    entries[4] = ("AC", "3", "20270310", "6251", "Déplacements", "6 40.00", "0")
    said = _refusal(fec_text(entries))
    assert "ligne 2 : CompteNum « 9061 » n'est pas un compte du plan comptable" in said
    assert "ligne 4 : EcritureDate « 2027-02-31 » n'est pas une date AAAAMMJJ" in said
    assert "ligne 6 : Debit « 6 40,00 » n'est pas un montant" in said


def test_a_file_with_both_separators_or_none_is_refused():
    said = _refusal(fec_text(separator=";"))
    assert "tabulation ou par une barre verticale" in said


def test_a_table_without_its_year_or_its_columns_is_refused(tmp_path):
    path = tmp_path / "comptes.csv"
    path.write_text("Compte;Montant\n613;12000\n", "utf-8")
    with pytest.raises(InputFileError, match="--year 2027"):
        read_accounts(path)
    path.write_text("Numéro;Valeur\n613;12000\n", "utf-8")
    with pytest.raises(InputFileError, match="« Compte » et « Montant »"):
        read_accounts(path, 2027)


def test_the_command_compares_and_gives_the_compte_rendu(tmp_path):
    """`finplan actuals CASE FEC`: the text by hand, the JSON, the Commune's compte
    rendu financier (Cerfa 15059) with its explanation fields; a file of another year,
    an unknown funder and an unreadable file are refused (exit 2, French)."""
    import json

    from click.testing import CliRunner

    from finplan.cli import main
    from finplan.io.toml_case import case_to_toml

    source = tmp_path / "atelier.toml"
    source.write_text(case_to_toml(finplan.load_case(CASE)), "utf-8")
    fec = tmp_path / "FEC.txt"
    fec.write_bytes(VARIANTS["official (tab, decimal comma, ISO 8859-15)"]())
    runner = CliRunner()
    shown = runner.invoke(main, ["actuals", str(source), str(fec)])
    assert shown.exit_code == 0, shown.output
    text = shown.output.replace("\u202f", " ").replace("\xa0", " ")
    assert "Réalisé 2027 et plan — Atelier" in text
    assert "60 Achats" in text and "8,3 %" in text and "-36,0 %" in text
    assert "Commune" in text and "2 400 €" in text
    as_json = json.loads(runner.invoke(main, ["actuals", str(source), str(fec),
                                              "--json"]).output)
    assert as_json["result"]["actual"] == -1390.0
    assert as_json["funders"][0] == {"name": "Commune", "status": "vote", "planned": 6000.0,
                                     "voted": 6000.0, "received": 3600.0,
                                     "remaining": 2400.0, "paid_in_year": 3600.0}
    report = runner.invoke(main, ["actuals", str(source), str(fec), "--funder", "commune"])
    assert report.exit_code == 0
    assert "Compte rendu financier de l'action subventionnée — Commune, 2027" in report.output
    assert "108,3 %" in report.output
    assert "Règles de répartition des charges indirectes" in report.output
    other_year = runner.invoke(main, ["actuals", str(source), str(fec), "--year", "2029"])
    assert other_year.exit_code == 2 and "--year" in other_year.output
    unknown = runner.invoke(main, ["actuals", str(source), str(fec), "--funder", "Région"])
    assert unknown.exit_code == 2 and "« Commune », « Département »" in unknown.output
    broken = tmp_path / "casse.txt"
    broken.write_text(fec_text(separator="|").replace("|6251|", "|ABC|"), "utf-8")
    refused = runner.invoke(main, ["actuals", str(source), str(broken)])
    assert refused.exit_code == 2
    assert "ligne 6 : CompteNum « ABC » n'est pas un compte" in refused.output


def test_a_missing_file_or_a_workbook_is_refused(tmp_path):
    from finplan.io.workbook_write import template_workbook

    with pytest.raises(InputFileError, match="introuvable"):
        read_accounts(tmp_path / "FEC.txt")
    book = tmp_path / "comptes.xlsx"
    template_workbook().save(book)
    with pytest.raises(InputFileError, match="un classeur Excel, pas un fichier texte"):
        read_accounts(book, 2027)


ACTUALS = [{"year": 2027, "account": account, "amount": amount} for account, amount in (
    ("6061", 3250), ("613200", 12000), ("6251", 640), ("706000", 4500), ("7474", 6000),
    ("7473", 4000), ("864", 1202), ("870", 1202))]


def with_actuals(actuals=ACTUALS):
    import copy

    raw = copy.deepcopy(CASE)
    raw["actual"] = copy.deepcopy(actuals)
    return raw


def test_the_case_s_own_actuals_are_the_fec_s():
    """The same accounts typed in the case (« Réalisé ») compare as the FEC does; they
    round-trip through the case file; a line of another year or account is refused."""
    from finplan.io.toml_case import case_to_toml, parse_case_text
    from finplan.model.actuals import accounts_of

    loaded = finplan.load_case(with_actuals())
    assert accounts_of(loaded.actuals, 2027) == EXPECTED_ACCOUNTS
    assert finplan.load_case(parse_case_text(case_to_toml(loaded))) == loaded
    wrong = with_actuals([{"year": 2031, "account": "512", "amount": 3}])
    with pytest.raises(finplan.errors.CaseError) as caught:
        finplan.load_case(wrong)
    said = str(caught.value)
    assert "actual[0].year : attendu une année du plan, de 2027 à 2027" in said
    assert "actual[0].account : attendu un compte de charges (6…)" in said


def test_the_command_reads_the_case_s_actuals(tmp_path):
    from click.testing import CliRunner

    from finplan.cli import main
    from finplan.io.toml_case import case_to_toml

    source = tmp_path / "atelier.toml"
    source.write_text(case_to_toml(finplan.load_case(with_actuals())), "utf-8")
    shown = CliRunner().invoke(main, ["actuals", str(source)])
    assert shown.exit_code == 0, shown.output
    assert "tableau « Réalisé » du dossier, 8 lignes" in shown.output
    assert "-36,0 %" in shown.output
    plain = tmp_path / "plan.toml"
    plain.write_text(case_to_toml(finplan.load_case(CASE)), "utf-8")
    nothing = CliRunner().invoke(main, ["actuals", str(plain)])
    assert nothing.exit_code == 2 and "Aucun réalisé à comparer" in nothing.output


def _sheet_rows(sheet):
    return {row[1]: row[2:6] for row in sheet.iter_rows(values_only=True) if row[1]}


def test_the_realise_sheet_follows_the_table_a_reviewer_corrects(tmp_path):
    """Recalculated by LibreOffice: « Réalisé » equals the engine to the cent and shows
    the hand-worked comparison; the case reads back from the workbook. A reviewer then
    corrects travel to 1 000 €: 62 has no difference left, the charges are 16 250 €
    (+1,6 %) and the result −1 750 €."""
    from openpyxl import load_workbook
    from spreadsheet import convert, formula_mismatches, make_profile

    from finplan.io.workbook_layout import INPUT_SHEET, InputLayout
    from finplan.io.workbook_read import open_workbook, read_workbook_case
    from finplan.io.workbook_write import build_workbook, item_counts

    loaded = finplan.load_case(with_actuals())
    built = build_workbook(loaded)
    assert "Réalisé" in built.workbook.sheetnames
    path = tmp_path / "reel.xlsx"
    built.workbook.save(path)
    assert read_workbook_case(open_workbook(path)).case == loaded
    layout = InputLayout.for_counts(item_counts(loaded))
    edited = load_workbook(path)
    edited[INPUT_SHEET][layout.cell("actual", 2, "amount")] = 1000
    changed = tmp_path / "corrige.xlsx"
    edited.save(changed)
    before, after = convert([path, changed], tmp_path / "out", make_profile(tmp_path / "p"))
    values = load_workbook(before, data_only=True)
    assert formula_mismatches(built.expected, values, built.workbook) == []
    shown = _sheet_rows(values["Réalisé"])
    assert shown["Achats"] == (3000, 3250, 250, 0.083)
    assert shown["Autres services extérieurs"] == (1000, 640, -360, -0.36)
    assert shown["TOTAL DES PRODUITS"] == (16000, 14500, -1500, -0.094)
    assert shown["Résultat (produits 70 à 79 − charges 60 à 69)"] == (0, -1390, -1390, "—")
    assert shown["Commune"] == (6000, 6000, 3600, 2400)
    assert shown["Département"] == (5000, "—", 0, 5000)
    moved = _sheet_rows(load_workbook(after, data_only=True)["Réalisé"])
    assert moved["Autres services extérieurs"] == (1000, 1000, 0, 0)
    assert moved["TOTAL DES CHARGES"] == (16000, 16250, 250, 0.016)
    assert moved["Résultat (produits 70 à 79 − charges 60 à 69)"][1] == -1750


def test_the_excel_button_adds_the_realise_sheet(tmp_path):
    """A volunteer types the year's accounts in a workbook's « Réalisé » table and
    clicks « Calculer le plan » (xlwings' remote engine, Office.js): the « Réalisé »
    sheet appears, recalculated by LibreOffice to the figures of finplan build."""
    from spreadsheet import same_cell

    from finplan.io.workbook_layout import INPUT_SHEET, InputLayout
    from finplan.io.workbook_write import item_counts, template_workbook

    from helpers import clicked_and_built

    example = finplan.load_case(with_actuals())
    template = template_workbook(example)  # a table of the right size, typed over
    layout = InputLayout.for_counts(item_counts(example))
    inputs = template[INPUT_SHEET]
    for index, line in enumerate(ACTUALS):
        for key, value in line.items():  # as typed: an account is a number
            inputs[layout.cell("actual", index, key)] = int(value) if key == "account" \
                else value
    returned, got, want = clicked_and_built(template, example, tmp_path)
    assert returned == [True]
    assert "Réalisé" in got.sheetnames
    different = [(cell.coordinate, cell.value, got["Réalisé"][cell.coordinate].value)
                 for row in want["Réalisé"].iter_rows(min_row=5) for cell in row
                 if not same_cell(cell.value, got["Réalisé"][cell.coordinate].value)]
    assert different == []


def test_a_collective_compares_its_consolidated_budget(tmp_path):
    """A collective's « Réalisé » reads its consolidated Budget; a member's volunteers
    are on its own Budget and the collective's: LibreOffice equals the engine."""
    from openpyxl import load_workbook
    from spreadsheet import convert, formula_mismatches, is_error, make_profile

    from finplan.io.workbook_write import build_workbook
    from finplan.model.case_dict import case_to_dict

    raw = case_to_dict(finplan.load_case(finplan.demo_path().parent / "collectif-releve.toml"))
    year = raw["project"]["first_year"]
    raw["actual"] = [{"year": year, "account": "604", "amount": 12000},
                     {"year": year, "account": "706", "amount": 50000}]
    member = raw["member"][1]["id"]
    raw["in_kind"] = [{"label": "Bénévoles", "kind": "volunteering", "hours": 100,
                       "member": member}]
    case = finplan.load_case(raw)
    built = build_workbook(case)
    path = tmp_path / "collectif.xlsx"
    built.workbook.save(path)
    (converted,) = convert([path], tmp_path / "out", make_profile(tmp_path / "p"))
    values = load_workbook(converted, data_only=True)
    assert formula_mismatches(built.expected, values, built.workbook) == []
    assert not [(s.title, c.coordinate) for s in values.worksheets for row in s.iter_rows()
                for c in row if is_error(c.value)]
    shown = _sheet_rows(values["Réalisé"])
    assert shown["Achats"][1] == 12000
    plan = compute(case)
    assert shown["Achats"][0] == plan.charges["60"][0] / 100
    assert plan.in_kind.total[0] == 120200  # 100 h at the SMIC of 1 January
