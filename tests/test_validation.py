"""Bad input: every problem named by key path, in French, all reported at once."""

import pytest

import finplan
from finplan.errors import CaseError, InputFileError

from helpers import base_case, case_with

STAFF = {"role": "CDDI", "kind": "insertion", "contract": "ACI", "fte": 3,
         "monthly_gross": 1823.03, "employer_rate": 0.13}


def issues_of(raw):
    with pytest.raises(CaseError) as caught:
        finplan.load_case(raw)
    return [str(issue) for issue in caught.value.issues]


def test_unknown_key():
    raw = case_with(expense=[{"label": "Loyer", "account": "613", "amount": 1,
                              "montant": 2}])
    assert issues_of(raw) == [
        "expense[0].montant (« Loyer ») : clé inconnue « montant » ; clés possibles : "
        "account, amount, comment, label, monthly_profile, variable."]


def test_unknown_top_level_key():
    raw = base_case()
    raw["funders"] = []
    assert issues_of(raw)[0].startswith("funders : clé inconnue « funders »")


def test_wrong_type():
    raw = case_with(funder=[{"name": "Région", "type": "public", "rule": "fixed",
                             "amount": "mille"}])
    assert issues_of(raw) == [
        "funder[0].amount (« Région ») : attendu un nombre positif ou nul, ou une valeur "
        "par année (2 valeurs), trouvé « mille »."]


def test_list_of_the_wrong_length():
    raw = case_with(staff=[dict(STAFF, fte=[3, 3, 3])])
    assert issues_of(raw) == [
        "staff[0].fte (« CDDI ») : attendu un nombre positif ou nul, ou une valeur par "
        "année (2 valeurs), trouvé « [3, 3, 3] » ; la liste a 3 valeurs au lieu de 2, "
        "une par année du plan."]


def test_start_month_13():
    assert issues_of(base_case(start_month=13)) == [
        "project.start_month : attendu un entier de 1 à 12, trouvé « 13 »."]
    assert issues_of(case_with(staff=[dict(STAFF, start_month=13)])) == [
        "staff[0].start_month (« CDDI ») : attendu un entier de 1 à 12, trouvé « 13 »."]


def test_negative_amount():
    raw = case_with(expense=[{"label": "Loyer", "account": "613", "amount": -500}])
    assert issues_of(raw) == [
        "expense[0].amount (« Loyer ») : attendu un nombre positif ou nul, ou une valeur "
        "par année (2 valeurs), trouvé « -500 »."]


def test_negative_amount_inside_a_list():
    raw = case_with(expense=[{"label": "Loyer", "account": "613", "amount": [100, -5]}])
    assert issues_of(raw) == [
        "expense[0].amount[1] (« Loyer ») : attendu un nombre positif ou nul, trouvé "
        "« -5 »."]


def test_two_residuals_on_one_need():
    funders = [{"name": name, "type": "own", "rule": "residual"} for name in ("A", "B")]
    assert issues_of(case_with(funder=funders)) == [
        "funder[1].rule (« B ») : deux financeurs à la règle « residual » sur le besoin "
        "« operating » (funder[0] et celui-ci) ; un seul financeur peut prendre le solde "
        "d'un besoin."]


def test_unknown_need_id():
    raw = case_with(funder=[{"name": "DLA", "type": "public", "rule": "share",
                             "finances": "etdue"}],
                    need=[{"id": "etude", "label": "Étude", "amount": 100}])
    assert issues_of(raw) == [
        "funder[0].finances (« DLA ») : besoin inconnu « etdue » ; valeurs possibles : "
        "« operating », « investment », « etude »."]


def test_per_fte_on_a_staff_kind_that_does_not_exist():
    raw = case_with(staff=[dict(STAFF)], funder=[{
        "name": "ASP", "type": "public", "rule": "per_fte", "amount_per_fte": "ACI",
        "staff_kind": "supervision"}])
    assert issues_of(raw) == [
        "funder[0].staff_kind (« ASP ») : aucune ligne de personnel « supervision » ; "
        "ajoutez cette ligne dans [[staff]] ou corrigez « staff_kind » / « contract »."]
    raw["funder"][0].update(staff_kind="insertion", contract="EI")
    assert "aucune ligne de personnel « insertion » sous contrat « EI »" in issues_of(raw)[0]


def test_unknown_enumerated_value_lists_the_choices():
    raw = case_with(funder=[{"name": "X", "type": "publique", "rule": "fixed",
                             "amount": 1}])
    assert issues_of(raw) == [
        "funder[0].type (« X ») : attendu l'une des valeurs « public », « private » ou "
        "« own », trouvé « publique »."]


def test_rate_given_as_a_percentage_gets_a_hint():
    raw = case_with(staff=[dict(STAFF, employer_rate=42)])
    assert issues_of(raw) == [
        "staff[0].employer_rate (« CDDI ») : attendu une fraction entre 0 et 1 (13 % "
        "s'écrit 0.13 ou 13 %), trouvé « 42 » ; 42 vaut 4200 % : pour 42 %, écrivez 0.42 "
        "ou 42 %."]


def test_missing_required_keys_and_format():
    raw = {"project": {"name": "x"}}
    assert issues_of(raw) == [
        "format : attendu « finplan/1 », trouvé rien (clé absente) ; écrivez format = "
        "\"finplan/1\" en tête du fichier.",
        "project.organisation : attendu un texte (obligatoire), trouvé rien (clé absente).",
        "project.first_year : attendu un entier de 2000 à 2100, trouvé rien (clé absente).",
    ]


def test_bool_is_not_a_number():
    raw = base_case(opening_cash=True)
    assert issues_of(raw) == [
        "project.opening_cash : attendu un nombre positif ou nul, trouvé « true »."]


def test_revenue_needs_amount_or_quantity_and_price():
    raw = case_with(revenue=[{"label": "Ventes", "quantity": 10},
                             {"label": "Dons", "account": "758"}])
    assert issues_of(raw) == [
        "revenue[0].unit_price (« Ventes ») : attendu un prix unitaire (obligatoire avec "
        "« quantity »), trouvé rien (clé absente).",
        "revenue[1] (« Dons ») : une recette se donne soit par un montant (« amount »), "
        "soit par une quantité et un prix (« quantity » et « unit_price ») ; gardez l'une des deux "
        "façons.",
    ]


def test_accounts_filled_by_the_engine_or_subsidies_are_refused():
    raw = case_with(expense=[{"label": "Salaires", "account": "641", "amount": 1}],
                    revenue=[{"label": "Subvention", "account": "741", "amount": 1}])
    found = issues_of(raw)
    assert found[0].startswith("revenue[0].account (« Subvention ») : attendu un compte "
                               "de produits")
    assert found[0].endswith("les subventions se déclarent dans [[funder]], pas dans les "
                             "recettes propres.")
    assert found[1].startswith("expense[0].account (« Salaires ») : le compte 641 est "
                               "rempli par finplan")


def test_rule_specific_keys():
    raw = case_with(funder=[{"name": "X", "type": "public", "rule": "share",
                             "amount": 1000}])
    assert issues_of(raw) == [
        "funder[0].amount (« X ») : « amount » ne s'applique pas à la règle « share » ; "
        "retirez cette clé ou changez de règle."]


def test_unknown_rate_code_and_years_before_the_table():
    raw = case_with(staff=[dict(STAFF)], funder=[{
        "name": "ASP", "type": "public", "rule": "per_fte", "amount_per_fte": "ACX",
        "staff_kind": "insertion"}])
    assert "attendu un montant par ETP ou un code du barème" in issues_of(raw)[0]
    raw = case_with(project={"first_year": 2021}, staff=[dict(STAFF)], funder=[{
        "name": "ASP", "type": "public", "rule": "per_fte", "amount_per_fte": "ACI",
        "staff_kind": "insertion"}])
    assert issues_of(raw) == [
        "funder[0].amount_per_fte (« ASP ») : aucun montant d'aide au poste ACI connu avant "
        "le 1er janvier 2023 (année 2021 demandée) ; indiquez le montant par ETP en "
        "nombre."]


def test_all_errors_of_a_file_are_collected_in_one_report():
    raw = case_with(
        project={"years": 3, "start_month": 0},
        staff=[dict(STAFF, fte=[1, 2], employer_rate=-1)],
        funder=[{"name": "A", "type": "own", "rule": "residual"},
                {"name": "A", "type": "own", "rule": "residual", "cap": "x"}])
    with pytest.raises(CaseError) as caught:
        finplan.load_case(raw)
    paths = [issue.path for issue in caught.value.issues]
    assert paths == ["project.start_month", "staff[0].fte", "staff[0].employer_rate",
                     "funder[1].cap"]
    report = caught.value.report()
    assert report.startswith("Le dossier contient 4 erreurs :\n- project.start_month")


def test_cross_checks_run_even_when_values_are_wrong():
    raw = case_with(funder=[{"name": "A", "type": "own", "rule": "residual"},
                            {"name": "A", "type": "own", "rule": "residual"}])
    found = issues_of(raw)
    assert found[0].startswith("funder[1].name : le nom « A » est déjà celui de funder[0]")
    assert found[1].startswith("funder[1].rule (« A ») : deux financeurs à la règle « residual »")


def test_invalid_toml_file(tmp_path):
    path = tmp_path / "cas.toml"
    path.write_text('format = "finplan/1"\n[project]\nname = Recyclerie\n', "utf-8")
    with pytest.raises(InputFileError) as caught:
        finplan.load_case(path)
    assert str(caught.value) == (
        f"{path} n'est pas un fichier TOML valide : ligne 3, colonne 8 : valeur invalide "
        "(un texte doit être entre guillemets, un nombre s'écrit avec un point décimal : "
        "1823.03).")


def test_missing_file(tmp_path):
    path = tmp_path / "absent.toml"
    with pytest.raises(InputFileError) as caught:
        finplan.load_case(path)
    assert str(caught.value) == (f"Fichier introuvable : {path}. Vérifiez le chemin et le "
                                 "nom du fichier.")


def test_not_utf8_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "Épicerie"'.encode("latin-1"))
    with pytest.raises(InputFileError, match="n'est pas encodé en UTF-8"):
        finplan.load_case(path)


def test_french_spellings_of_enumerations_are_accepted():
    case = finplan.load_case(case_with(
        staff=[dict(STAFF, kind="Insertion (salariés en parcours, CDDI)")],
        funder=[{"name": "Dép", "type": "Public", "line": "Département",
                 "rule": "Solde"}]))
    assert case.staff[0].kind == "insertion"
    assert (case.funders[0].line, case.funders[0].rule) == ("departement", "residual")


def test_case_is_frozen():
    case = finplan.load_case(base_case())
    with pytest.raises(AttributeError):
        case.project.years = 4  # type: ignore[misc]


def test_huge_numbers_are_refused():
    raw = case_with(expense=[{"label": "Loyer", "account": "613", "amount": 10**40}])
    assert issues_of(raw) == [
        "expense[0].amount (« Loyer ») : nombre trop grand (« 1000000000000000000000000000"
        "0000000000000 ») : finplan accepte au plus 100 milliards."]
