"""Issue 28: the case described once — each dataclass of the case has exactly the
fields of its section in finplan.model.fields, and what is derived from the table
(the workbook's columns, the keys validation accepts, what Monte Carlo may vary) is
the table's."""

from __future__ import annotations

from dataclasses import MISSING, fields
from decimal import Decimal

import pytest

from finplan.errors import CaseError
from finplan.io.workbook_layout import TABLES_BY_KEY
from finplan.model import case
from finplan.model.fields import REQUIRED, SECTIONS, attributes, case_keys, section
from finplan.model.montecarlo import VARIABLE_FIELDS
from finplan.model.validation import validate_case

CLASSES = {"staff": case.Staff, "revenue": case.Revenue, "contract": case.Contract,
           "expense": case.Expense, "investment": case.Investment, "loan": case.Loan,
           "need": case.Need, "funder": case.Funder, "bridge": case.Bridge,
           "member": case.Member, "montecarlo.vary": case.Variation,
           "project": case.Project, "indexation": case.Indexation}


@pytest.mark.parametrize("key", sorted(CLASSES))
def test_each_dataclass_has_its_sections_fields(key):
    """The dataclass of each list is made from its section: its attributes, types and
    defaults are the table's (the fields the engine sets itself included)."""
    described = [field for field in section(key).fields if field.case or field.internal]
    made = {f.name: f for f in fields(CLASSES[key])}
    assert set(made) == {field.attribute or field.key for field in described}
    for field in described:
        found = made[field.attribute or field.key]
        assert found.type == field.type
        assert (found.default is MISSING) == (field.default is REQUIRED)
        if field.default is not REQUIRED:
            assert found.default == field.default
    assert [f.name for f in fields(CLASSES[key])] == [
        field.attribute or field.key for field in attributes(key)]


def test_a_line_is_built_as_before():
    """Positional arguments keep their order: the fields without a default first."""
    staff = case.Staff("CDDI", "insertion", Decimal(1), Decimal(1800), Decimal("0.13"))
    assert (staff.role, staff.fte, staff.contract, staff.member) == (
        "CDDI", Decimal(1), None, None)
    assert case.Need("etude", "Étude").is_custom and not case.Need(
        "operating", "Fonctionnement").is_custom


def test_the_workbook_tables_are_the_sections():
    for item in SECTIONS:
        spec = TABLES_BY_KEY[item.key]
        assert (spec.title, spec.table_name, spec.min_rows) == (
            item.title, item.table_name, item.min_rows)
        assert spec.columns == tuple(field for field in item.fields if field.column)


@pytest.mark.parametrize("key", ["staff", "revenue", "expense", "investment", "loan",
                                 "funder", "bridge"])
def test_validation_accepts_the_sections_keys_and_names_them(key):
    """An unknown key is refused with the list of the section's keys."""
    raw = {"format": "finplan/1",
           "project": {"name": "x", "organisation": "y", "first_year": 2027},
           key: [{"inconnu": 1}]}
    with pytest.raises(CaseError) as caught:
        validate_case(raw)
    unknown = next(str(issue) for issue in caught.value.issues if "inconnu" in str(issue))
    assert unknown.endswith(f"clés possibles : {', '.join(sorted(case_keys(key)))}.")


def test_monte_carlo_varies_the_fields_marked_so():
    marked = {item.key: tuple(field.key for field in item.fields if field.varies)
              for item in SECTIONS}
    assert {key: value for key, value in VARIABLE_FIELDS.items()
            if key in marked} == {key: value for key, value in marked.items() if value}
    assert VARIABLE_FIELDS["staff"] == ("fte", "monthly_gross", "employer_rate")


def test_the_case_file_reference_shows_the_table():
    """docs/case-file.md's table of fields is the code's (`finplan regenerate`)."""
    from pathlib import Path

    from finplan.model.fields import reference, with_reference

    text = (Path(__file__).parent.parent / "docs" / "case-file.md").read_text("utf-8")
    assert with_reference(text) == text, "run `finplan regenerate` and commit docs/"
    assert "| `comment` | « Commentaire » | text |" in reference()


def test_the_architecture_names_every_module():
    """docs/architecture.md's table of modules is the code's: every module of the
    package is named there (``io/workbook_*.py`` and ``io/sheets/`` stand for theirs)."""
    from pathlib import Path

    root = Path(__file__).parent.parent
    text = (root / "docs" / "architecture.md").read_text("utf-8")
    modules = [path.relative_to(root / "finplan").as_posix()
               for path in (root / "finplan").rglob("*.py") if path.name != "__init__.py"]
    covered = ("io/workbook_", "io/sheets/", "rates/")
    missing = [name for name in modules if f"`{name}`" not in text
               and not name.startswith(covered)]
    assert not missing, f"modules missing from docs/architecture.md: {missing}"


def test_the_workbook_parameters_are_the_parameters_tables():
    """Each parameter cell of the workbook is a field of a table of parameters: its
    key path, label, kind, defined name and note; a fresh template shows its default
    (Monte Carlo's aside: blank, its own default applies)."""
    from finplan.io.workbook_layout import PARAMS
    from finplan.model.fields import PARAMETERS

    described = [(item, field) for item in PARAMETERS for field in item.fields]
    assert [(p.path, p.label, p.kind, p.name, p.comment) for p in PARAMS] == [
        ((*item.key.split("."), field.key), field.header, field.kind, field.cell,
         field.comment) for item, field in described]
    shown = {p.name: p.default for p in PARAMS}
    assert (shown["p_duree"], shown["p_mois_debut"], shown["p_annee1"],
            shown["mc_tirages"]) == (3, 1, None, None)


@pytest.mark.parametrize(("changed", "message"), [
    ({"project": {"years": 6}}, "project.years : attendu un entier de 1 à 5, trouvé « 6 »."),
    ({"indexation": {"costs": 2}}, "indexation.costs : attendu un taux annuel entre -1 et "
     "1 (0.02 pour 2 %), trouvé « 2 » ; 2 vaut 200 % : pour 2 %, écrivez 0.02 ou 2 %."),
    ({"working_capital": {"days": 400}}, "working_capital.days : attendu un nombre de "
     "jours entre 0 et 360, trouvé « 400 »."),
    ({"needs": {"operating": {"max_public_share": 0}}}, "needs.operating.max_public_share"
     " : attendu une fraction entre 0 et 1 (13 % s'écrit 0.13 ou 13 %), trouvé « 0 »."),
])
def test_the_parameters_are_checked_as_their_table_says(changed, message):
    """The bounds and messages of the parameters come from their fields."""
    raw = {"format": "finplan/1",
           "project": {"name": "x", "organisation": "y", "first_year": 2027}}
    for key, value in changed.items():
        raw[key] = {**raw.get(key, {}), **value}
    with pytest.raises(CaseError) as caught:
        validate_case(raw)
    assert any(str(issue).startswith(message) for issue in caught.value.issues), [
        str(issue) for issue in caught.value.issues]
