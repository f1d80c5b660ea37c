"""Contributions in kind (Cerfa 86 / 87, issue 16 item 3), worked by hand.

Two years from January 2026, a recyclerie: rent 12 000 € a year, a Commune grant for
the rest. In kind:

- the sorting volunteers, 1 200 h a year at the SMIC (12,02 € on 1 January 2026, the
  last known figure for 2027 too): 1 200 × 12,02 = 14 424,00 € (864 / 870);
- the treasurer, 812,5 h then 100 h at her market rate of 15,40 €: 12 512,50 € then
  1 540,00 € (864 / 870);
- premises lent by the Commune, 6 000 € in 2026 only (861 / 871);
- the accountant's free review, 800 € a year (862 / 871);
- furniture donated, 2 500 € a year (860 / 875).

86 = 870 + 871 + 875 side by side: 2026: 26 936,50 + 6 800 + 2 500 = 36 236,50 €;
2027: 15 964 + 800 + 2 500 = 19 264 €. The result, the cash and the needs are those of
the same case without them; the form's TOTAL on each side is 12 000 + 36 236,50 =
48 236,50 € in 2026 and 31 264 € in 2027.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

import finplan
from finplan.errors import CaseError
from finplan.model.dossier import form_lines
from finplan.model.engine import compute
from finplan.model.public import Plan  # the frames, in euros

from helpers import cents

IN_KIND = [
    {"label": "Bénévoles du tri", "kind": "volunteering", "hours": 1200},
    {"label": "Trésorière", "kind": "volunteering", "hours": [812.5, 100],
     "hourly_rate": 15.40},
    {"label": "Local prêté par la commune", "kind": "premises", "amount": [6000, 0]},
    {"label": "Revue des comptes offerte", "kind": "services", "amount": 800},
    {"label": "Mobilier donné", "kind": "goods", "amount": 2500},
]


def case(in_kind=None, **project):
    raw = {
        "format": "finplan/1",
        "project": {"name": "Recyclerie", "organisation": "Asso", "first_year": 2026,
                    "years": 2, "opening_cash": 5000, **project},
        "expense": [{"label": "Loyer", "account": "613", "amount": 12000}],
        "funder": [{"name": "Commune", "type": "public", "line": "commune",
                    "rule": "residual"}],
    }
    if in_kind is not None:
        raw["in_kind"] = copy.deepcopy(in_kind)
    return raw


@pytest.fixture(scope="module")
def plan():
    return compute(finplan.load_case(case(IN_KIND)))


def test_each_contribution_is_valued_by_hand(plan):
    assert [list(amounts) for amounts in plan.in_kind.items] == [
        [cents("14424"), cents("14424")],
        [cents("12512.50"), cents("1540")],
        [cents("6000"), 0],
        [cents("800"), cents("800")],
        [cents("2500"), cents("2500")]]


def test_each_side_adds_up_on_its_accounts(plan):
    found = plan.in_kind
    assert found.charges == {"860": [250000, 250000], "861": [600000, 0],
                             "862": [80000, 80000], "864": [2693650, 1596400]}
    assert found.produits == {"870": [2693650, 1596400], "871": [680000, 80000],
                              "875": [250000, 250000]}
    assert found.total == [cents("36236.50"), cents("19264")]
    assert [sum(side[y] for side in found.charges.values()) for y in range(2)] == [
        sum(side[y] for side in found.produits.values()) for y in range(2)] == found.total


def test_they_change_neither_the_result_nor_the_cash_nor_the_needs(plan):
    without = compute(finplan.load_case(case()))
    assert plan.result == without.result
    assert plan.cash_end == without.cash_end
    assert plan.monthly.balances == without.monthly.balances
    assert plan.need_amounts == without.need_amounts
    assert [f.amounts for f in plan.funder_results] == [
        f.amounts for f in without.funder_results]
    assert plan.charges_total == without.charges_total == [1200000, 1200000]


def test_the_form_totals_include_them(plan):
    charges, produits = form_lines(plan)
    by_key = {line.key: line.amounts for line in (*charges, *produits)}
    # the form's lines are in euros
    assert by_key["86"] == by_key["87"] == (Decimal("36236.50"), Decimal("19264.00"))
    assert by_key["charges_grand"] == by_key["produits_grand"] == (
        Decimal("48236.50"), Decimal("31264.00"))
    assert by_key["864"] == by_key["870"] == (Decimal("26936.50"), Decimal("15964.00"))
    assert by_key["871"] == (Decimal("6800.00"), Decimal("800.00"))


def test_the_smic_after_the_last_known_figure_is_said(plan):
    """2026 has its SMIC; 2027 takes the last known one, and the plan says so."""
    assert [w for w in plan.warnings if w.startswith("SMIC")] == [
        "SMIC horaire brut : aucun montant connu pour 2027 (vérifié au 1er novembre "
        "2026) ; le dernier connu, 12,02 € depuis le 1er janvier 2026, est appliqué."]
    own_rate = [dict(item, hourly_rate=14) if item["kind"] == "volunteering" else item
                for item in IN_KIND]
    assert not [w for w in compute(finplan.load_case(case(own_rate))).warnings
                if w.startswith("SMIC")]


def test_the_json_and_the_text_show_them(plan):
    shown = plan.to_dict()["in_kind"]
    assert shown["total"] == [36236.5, 19264.0]
    assert shown["charges"]["864"] == shown["produits"]["870"] == [26936.5, 15964.0]
    assert shown["items"][1] == {"label": "Trésorière", "kind": "volunteering",
                                 "amounts": [12512.5, 1540.0]}
    text = finplan.report.render_plan(plan)
    assert "87 Contributions volontaires en nature" in text
    assert "864 Personnel bénévole" in text
    frame = Plan(plan).budget_table(in_kind=True)
    assert frame.loc[frame.code == "87", 2026].item() == pytest.approx(36236.5)
    assert "87" not in set(Plan(plan).budget.code)  # not a line that adds up to a total


@pytest.mark.parametrize(("line", "where", "said"), [
    ({"label": "Bénévoles", "kind": "volunteering", "hours": 10, "amount": 100},
     "in_kind[0]", "soit en heures"),
    ({"label": "Bénévoles", "kind": "volunteering"}, "in_kind[0]", "soit en heures"),
    ({"label": "Denrées", "kind": "goods", "hours": 10, "amount": 100},
     "in_kind[0].hours", "ne s'applique qu'au"),
    ({"label": "Local", "kind": "premises"}, "in_kind[0].amount", "obligatoire"),
    ({"label": "Local", "kind": "premises", "amount": 100, "hourly_rate": 12},
     "in_kind[0].hourly_rate", "ne s'utilise qu'avec"),
    ({"label": "Local", "kind": "loan", "amount": 100}, "in_kind[0].kind", "attendu"),
    ({"label": "Bénévoles", "kind": "volunteering", "hours": [10, 20, 30]},
     "in_kind[0].hours", "attendu"),
])
def test_a_wrong_line_is_refused_in_french(line, where, said):
    with pytest.raises(CaseError) as caught:
        finplan.load_case(case([line]))
    issues = [issue for issue in caught.value.issues if issue.path == where]
    assert issues, str(caught.value)
    assert said in str(caught.value)


def test_a_volunteer_may_type_the_workbook_spellings():
    loaded = finplan.load_case(case([
        {"label": "Bénévoles", "kind": "Bénévolat", "hours": 10},
        {"label": "Denrées", "kind": "dons en nature", "amount": 100}]))
    assert [item.kind for item in loaded.in_kind] == ["volunteering", "goods"]


def test_a_collective_member_keeps_its_own():
    from finplan.model.case_dict import case_to_dict

    raw = case_to_dict(finplan.load_case(finplan.demo_path().parent /
                                         "collectif-releve.toml"))
    members = [member["id"] for member in raw["member"]]
    raw["in_kind"] = [
        {"label": "Bénévoles", "kind": "volunteering", "hours": 100, "hourly_rate": 20},
        {"label": "Local", "kind": "premises", "amount": 1000, "member": members[1]}]
    plan = compute(finplan.load_case(raw))
    assert plan.in_kind.total == [300000] * len(plan.years)
    own = {member.id: member_plan.in_kind.total
           for member, member_plan in zip(plan.case.members, plan.members)}
    assert own[members[1]] == [100000] * len(plan.years)
    assert sum(own[m][0] for m in members) == 300000
    assert plan.to_dict()["members"][1]["in_kind"] == [1000.0] * len(plan.years)


def _rows(sheet, codes):
    """The values of the Budget rows with these codes in column A, by code."""
    return {row[0]: list(row[2:4]) for row in sheet.iter_rows(values_only=True)
            if row[0] in codes}


def test_the_workbook_values_them_by_formulas_a_reviewer_can_follow(tmp_path):
    """Recalculated by LibreOffice: the Budget shows the hand-worked 86 / 87. A
    reviewer then gives the treasurer 200 h a year (200 × 15,40 = 3 080 €) and calls
    the donated furniture volunteering: 864 = 870 = 14 424 + 3 080 + 2 500 = 20 004 €,
    860 = 875 = 0; 86 = 20 004 + 6 000 + 800 = 26 804 € in 2026 (20 804 € in 2027, without
    the premises), TOTAL 38 804 € and 32 804 €."""
    from openpyxl import load_workbook
    from spreadsheet import convert, formula_mismatches, make_profile

    from finplan.io.workbook_layout import INPUT_SHEET, InputLayout
    from finplan.io.workbook_read import open_workbook, read_workbook_case
    from finplan.io.workbook_write import build_workbook, item_counts

    loaded = finplan.load_case(case(IN_KIND))
    built = build_workbook(loaded)
    path = tmp_path / "nature.xlsx"
    built.workbook.save(path)
    assert read_workbook_case(open_workbook(path)).case == loaded  # round trip
    layout = InputLayout.for_counts(item_counts(loaded))
    edited = load_workbook(path)
    inputs = edited[INPUT_SHEET]
    assert inputs[layout.cell("in_kind", 4, "kind")].value == "Don en nature (biens, denrées)"
    inputs[layout.cell("in_kind", 1, "hours")] = 200
    inputs[layout.cell("in_kind", 4, "kind")] = "Bénévolat"
    changed = tmp_path / "modifie.xlsx"
    edited.save(changed)
    before, after = convert([path, changed], tmp_path / "out", make_profile(tmp_path / "p"))
    values = load_workbook(before, data_only=True)
    assert formula_mismatches(built.expected, values, built.workbook) == []
    codes = ("86", "87", "860", "861", "862", "864", "870", "871", "875")
    assert _rows(values["Budget"], codes) == {
        "86": [36236.5, 19264], "860": [2500, 2500], "861": [6000, 0], "862": [800, 800],
        "864": [26936.5, 15964], "87": [36236.5, 19264], "870": [26936.5, 15964],
        "871": [6800, 800], "875": [2500, 2500]}
    moved = load_workbook(after, data_only=True)["Budget"]
    assert _rows(moved, codes) == {
        "86": [26804, 20804], "860": [0, 0], "861": [6000, 0], "862": [800, 800],
        "864": [20004, 20004], "87": [26804, 20804], "870": [20004, 20004],
        "871": [6800, 800], "875": [0, 0]}
    totals = [row[2:4] for row in moved.iter_rows(values_only=True) if row[1] == "TOTAL"]
    assert totals == [(38804, 32804), (38804, 32804)]
    read = read_workbook_case(open_workbook(changed)).case
    assert read.in_kind[4].kind == "volunteering"
    assert compute(read).in_kind.total == [cents("26804"), cents("20804")]


def test_the_case_file_written_back_keeps_them():
    """`finplan case` writes the case file back (TOML): the lines come back as typed."""
    from finplan.io.toml_case import case_to_toml, parse_case_text

    loaded = finplan.load_case(case(IN_KIND))
    text = case_to_toml(loaded)
    assert text.count("[[in_kind]]") == 5
    assert finplan.load_case(parse_case_text(text)) == loaded
