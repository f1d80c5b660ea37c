"""Generated workbooks recalculated by LibreOffice: every formula equals the engine.

One LibreOffice run converts every workbook of this module (recalculating on
load); each formula cell is then compared with the value the engine computed
for it, to the cent, and no cell may hold an error value.
"""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from spreadsheet import convert, formula_mismatches, is_error, make_profile

import finplan
from finplan.io.toml_case import parse_case_text
from finplan.io.workbook_layout import InputLayout
from finplan.io.workbook_write import (
    build_workbook,
    fill_workbook,
    item_counts,
    template_workbook,
)

CASES = {
    "recyclerie": finplan.demo_path(),
    "epicerie": finplan.demo_path().parent / "epicerie-solidaire.toml",
    "atelier-velo": finplan.demo_path().parent / "atelier-velo.toml",
    "cinq-ans": Path(__file__).parent / "cases" / "cinq-ans.toml",
    "cerfa": Path(__file__).parent / "cases" / "cerfa.toml",
    "affecte": Path(__file__).parent / "cases" / "affecte.toml",  # earmarked needs
    "heures": Path(__file__).parent / "cases" / "contrat-heures.toml",  # contracts in hours
}

NAMES = [*CASES, "benevole", "ancien"]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """name -> (expectations, recalculated workbook values, formulas of the source)."""
    folder = tmp_path_factory.mktemp("workbooks")
    built, sources = {}, []
    for name, path in CASES.items():
        built[name] = build_workbook(finplan.load_case(path))
        source = folder / f"{name}.xlsx"
        built[name].workbook.save(source)
        sources.append(source)
    # a template filled by a volunteer, then computed by finplan fill
    volunteer = folder / "benevole.xlsx"
    _fill_template_as_a_volunteer(volunteer)
    filled = {"benevole": fill_workbook(volunteer).expected}
    sources.append(volunteer)
    # a five-year plan typed in a template of an earlier finplan (its values of each
    # year in year columns « an 1 » … « an 5 »), computed by this finplan's fill
    older = folder / "ancien.xlsx"
    shutil.copy(Path(__file__).parent / "cases" / "earlier" /
                "recyclerie-cinq-ans-2026-12.xlsx", older)
    filled["ancien"] = fill_workbook(older).expected
    sources.append(older)
    converted = convert(sources, folder / "recalculated", make_profile(folder / "profile"))
    results = {}
    for name, source, output in zip(NAMES, sources, converted):
        expected = built[name].expected if name in built else filled[name]
        results[name] = (expected, load_workbook(output, data_only=True),
                         load_workbook(source))
    return results


# What Excel stores when a volunteer types in a French Excel: numbers are numbers
# ("1 823,03" typed becomes 1823.03, "11 %" becomes 0.11); choices are French labels.
VOLUNTEER_PARAMS = {"C6": "Jardin d'insertion", "C7": "Les Potagers", "C8": 2028, "C9": 3,
                    "C10": 4, "C11": 5000, "C13": 0.02, "C14": 0.015}
# A value a year: typed as text in its cell, as a French Excel keeps it.
VOLUNTEER_ROWS = {
    "staff": [
        {"role": "Jardiniers en insertion", "kind": "Insertion (salariés en parcours, CDDI)",
         "contract": "ACI", "fte": "3 ; 4,5 ; 4,5", "monthly_gross": 1823.03,
         "employer_rate": 0.11, "start_month": 5},
        {"role": "Encadrante maraîchère", "kind": "encadrement", "fte": 1,
         "monthly_gross": 2380, "employer_rate": 0.42},
    ],
    "revenue": [{"label": "Paniers de légumes", "account": "707",
                 "amount": "18 000 ; 24 000 ; 26 500,5"}],
    "expense": [{"label": "Location de terrain", "account": "613", "amount": 3600}],
    "funder": [
        {"name": "ASP", "type": "Public", "line": "ASP (emplois aidés)", "rule": "Par ETP",
         "amount_per_fte": "ACI", "staff_kind": "Insertion", "contract": "ACI"},
        {"name": "Département", "type": "Public", "line": "Département", "rule": "Solde"},
    ],
}


def _fill_template_as_a_volunteer(path: Path) -> None:
    """The template, filled with what a volunteer types (French spellings)."""
    book = template_workbook()
    sheet = book["Hypothèses"]
    layout = InputLayout.for_counts({})
    for cell, value in VOLUNTEER_PARAMS.items():
        sheet[cell] = value
    for key, items in VOLUNTEER_ROWS.items():
        for index, item in enumerate(items):
            for column, value in item.items():
                sheet[layout.cell(key, index, column)] = value
    book.save(path)


@pytest.mark.parametrize("name", NAMES)
def test_every_formula_equals_the_engine_to_the_cent(recalculated, name):
    expected, values, sources = recalculated[name]
    assert formula_mismatches(expected, values, sources) == []
    assert len(expected) > 200


@pytest.mark.parametrize("name", NAMES)
def test_no_cell_holds_an_error_value(recalculated, name):
    _, values, _ = recalculated[name]
    errors = [(sheet.title, cell.coordinate, cell.value) for sheet in values.worksheets
              for row in sheet.iter_rows() for cell in row if is_error(cell.value)]
    assert errors == []


# The budget of the Cerfa n° 12156*06, in the form's order (Dauphin's wording).
CERFA_CHARGES = [
    "Achats", "Prestations de services", "Achats matières et fournitures",
    "Autres fournitures", "Services extérieurs", "Locations", "Entretien et réparation",
    "Assurance", "Documentation", "Autres services extérieurs",
    "Rémunérations intermédiaires et honoraires", "Publicité, publication",
    "Déplacements, missions", "Services bancaires, autres", "Impôts et taxes",
    "Impôts et taxes sur rémunération", "Autres impôts et taxes", "Charges de personnel",
    "Rémunération des personnels", "Charges sociales", "Autres charges de personnel",
    "Autres charges de gestion courante", "Charges financières", "Charges exceptionnelles",
    "Dotation aux amortissements",
    "Impôt sur les bénéfices (IS) ; Participation des salariés", "Charges indirectes",
    "Charges fixes de fonctionnement", "Frais financiers", "Autres", "TOTAL DES CHARGES",
    "Excédent prévisionnel (bénéfice)", "Emplois des contributions volontaires en nature",
    "Secours en nature", "Mise à disposition gratuite de biens et services", "Prestations",
    "Personnel bénévole", "TOTAL"]
CERFA_PRODUITS = [
    "Vente de produits finis, de marchandises, prestations de services",
    "Dotations et produits de tarification", "Subventions d'exploitation",
    "État : préciser le(s) ministère(s), directions ou services déconcentrés sollicité(s)",
    "Région(s)", "Département(s)", "Intercommunalité(s) : EPCI", "Commune(s)",
    "Organismes sociaux (CAF, etc. détailler)", "Fonds européens (FSE, FEDER, etc.)",
    "L'agence de services et de paiement (emplois aidés)", "Autres établissements publics",
    "Aides privées (fondation)",
    "Quote-part des subventions d'investissement virée au résultat de l'exercice",
    "Autres produits de gestion courante", "Cotisations", "Dons manuels - Mécénat",
    "Autres produits de gestion courante", "Produits financiers", "Produits exceptionnels",
    "Reprises sur amortissements et provisions", "Transfert de charges",
    "Ressources propres affectées au projet", "TOTAL DES PRODUITS",
    "Insuffisance prévisionnelle (perte)", "Contributions volontaires en nature",
    "Bénévolat", "Prestations en nature", "Dons en nature", "TOTAL"]


def _budget_rows(values, years: int) -> dict[str, list[tuple[str, list]]]:
    """The recalculated Budget sheet: section -> [(label, year values)] in order."""
    sheet, section = values["Budget"], None
    rows: dict[str, list[tuple[str, list]]] = {"CHARGES": [], "PRODUITS": []}
    for row in sheet.iter_rows(min_row=5, values_only=True):
        label = (row[1] or "").strip()
        if label in rows:
            section = label
        elif section and label and isinstance(row[2], (int, float)):
            rows[section].append((label, list(row[2:2 + years])))
        elif section and not label:
            section = None if rows[section] else section
    return rows


@pytest.mark.parametrize("name", NAMES)
def test_the_budget_is_the_cerfa_form_and_balances_every_year(recalculated, name):
    """Recalculated by LibreOffice: the form's lines in its order, charges = produits
    through the surplus / shortfall, 86 = 87, and the final totals equal."""
    _, values, _ = recalculated[name]
    years = len([c for c in next(values["Budget"].iter_rows(min_row=4, max_row=4,
                                                             values_only=True))[2:]
                 if isinstance(c, int)])
    rows = _budget_rows(values, years)
    for section, form in (("CHARGES", CERFA_CHARGES), ("PRODUITS", CERFA_PRODUITS)):
        labels = [label for label, _ in rows[section]]
        positions = [labels.index(text, labels.index(form[k - 1]) + 1 if k else 0)
                     for k, text in enumerate(form)]
        assert positions == sorted(positions), f"{section}: the form's order"
    charges, produits = dict(rows["CHARGES"]), dict(rows["PRODUITS"])
    for y in range(years):
        def cents(value) -> int:
            return round(Decimal(repr(value)) * 100)
        assert cents(charges["TOTAL DES CHARGES"][y]) + cents(
            charges["Excédent prévisionnel (bénéfice)"][y]) == cents(
            produits["TOTAL DES PRODUITS"][y]) + cents(
            produits["Insuffisance prévisionnelle (perte)"][y])
        assert cents(charges["Emplois des contributions volontaires en nature"][y]) == cents(
            produits["Contributions volontaires en nature"][y])
        assert cents(charges["TOTAL"][y]) == cents(produits["TOTAL"][y])
        assert min(charges["Excédent prévisionnel (bénéfice)"][y],
                   produits["Insuffisance prévisionnelle (perte)"][y]) == 0


def test_the_cerfa_case_places_each_figure_on_the_form(recalculated):
    """Worked by hand from tests/cases/cerfa.toml."""
    _, values, _ = recalculated["cerfa"]
    rows = _budget_rows(values, 2)
    charges, produits = rows["CHARGES"], rows["PRODUITS"]
    # 627 goes to « Services bancaires, autres »; 611 has no sub-line: under 61
    labels = [label for label, _ in charges]
    assert labels.index("Frais bancaires") == labels.index("Services bancaires, autres") + 1
    assert labels.index("Sous-traitance du nettoyage") > labels.index("Documentation")
    assert dict(charges)["Services extérieurs"] == [2400 + 6000, 2400 + 50000]
    # 75: cotisations 1 200; dons 2 000 (754) + crowdfunding 5 000 in year 2 (year 1:
    # the need is covered before its turn)
    produit = dict(produits)
    assert produit["Cotisations"] == [1200, 1200]
    assert produit["Dons manuels - Mécénat"] == [2000, 7000]
    assert produit["Campagne de financement participatif"] == [0, 5000]
    assert produit["Ressources propres affectées au projet"] == [0, 3000]
    # year 1: the aide au poste (4 FTE x 23 921 = 95 684) goes beyond the need
    assert produit["L'agence de services et de paiement (emplois aidés)"][0] == 95684
    assert dict(charges)["Excédent prévisionnel (bénéfice)"][0] > 0
    # year 2: charges 82 982.76; produits 20 000 + 1 200 + 2 000 + 2 000 (commune)
    # + 23 921 + 5 000 = 54 121; own funds 3 000 -> shortfall 25 861.76
    assert produit["TOTAL DES PRODUITS"][1] == 57121
    assert produit["Insuffisance prévisionnelle (perte)"][1] == pytest.approx(25861.76)


def test_a_reviewer_changing_a_salary_sees_the_budget_move(tmp_path):
    case = finplan.load_case(CASES["atelier-velo"])
    built = build_workbook(case)
    # the coordination salary: 2 000 -> 2 500 a month, 12 months, charges 50 %
    layout = InputLayout.for_counts(item_counts(case))
    built.workbook["Hypothèses"][layout.cell("staff", 0, "monthly_gross")] = 2500
    path = tmp_path / "modifie.xlsx"
    built.workbook.save(path)
    (output,) = convert([path], tmp_path / "out", make_profile(tmp_path / "profile"))
    budget = load_workbook(output, data_only=True)["Budget"]
    line_64 = next(row for row in budget.iter_rows() if row[0].value == "64")
    # 36 000 before; now 2 500 × 12 × 1.5 = 45 000
    assert line_64[2].value == 45000


def test_no_formula_is_longer_than_excel_allows():
    # Excel takes formulas of at most 8 192 characters: the checks of the funders'
    # ceilings and fixed amounts read one block of Calculs, whatever the number of
    # funders (before: one condition per funder and year, 11 256 characters for 32
    # funders over 5 years)
    raw = parse_case_text((Path(__file__).parent / "cases" / "cinq-ans.toml")
                          .read_text("utf-8"))
    raw["funder"] += [{"name": f"Fondation {k}", "type": "private", "rule": "fixed",
                       "amount": 1000, "cap": 900, "cap_total": 3000, "priority": 50}
                      for k in range(60)]
    book = build_workbook(finplan.load_case(raw)).workbook
    longest = max((len(cell.value), f"{sheet.title}!{cell.coordinate}")
                  for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                  if cell.data_type == "f")
    assert longest[0] <= 8192, longest
