"""Junk in any key of a valid case ends in a CaseError, never another exception."""

import copy
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import finplan
from finplan.errors import CaseError
from finplan.io.toml_case import parse_case_text
from finplan.model.engine import compute

from helpers import key_paths

DEMO = parse_case_text(finplan.demo_path().read_text("utf-8"))

junk = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
              st.decimals(allow_nan=True), st.text(max_size=20)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=8)


ALL_PATHS = [path for path in key_paths(DEMO) if path]


@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS), junk), min_size=1, max_size=4))
@settings(max_examples=400, deadline=None)
def test_junk_values_give_a_case_error_or_a_plan(replacements):
    raw = copy.deepcopy(DEMO)
    for path, value in replacements:
        node = raw
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        plan = compute(finplan.load_case(raw))
    except CaseError as error:
        assert error.issues and all(issue.path for issue in error.issues)
        return
    assert plan.years


def test_nan_and_infinity_are_refused():
    raw = copy.deepcopy(DEMO)
    raw["expense"][0]["amount"] = Decimal("NaN")
    raw["expense"][1]["amount"] = float("inf")
    try:
        finplan.load_case(raw)
    except CaseError as error:
        assert [issue.path for issue in error.issues] == ["expense[0].amount",
                                                          "expense[1].amount"]
    else:
        raise AssertionError("NaN accepted")
