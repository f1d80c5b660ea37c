"""Hypothesis strategies: allocation requests and whole valid case files."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from finplan.model.allocation import Request

YEARS = 3
money = st.integers(min_value=0, max_value=50_000_000)  # cents, up to 500 000 €
weights = st.sampled_from([Decimal(1), Decimal(2), Decimal(3), Decimal("0.5"),
                           Decimal("1.25")])
priorities = st.sampled_from([10, 20, 30])
shares = st.sampled_from([None, Decimal("0.2"), Decimal("0.5"), Decimal("0.8"),
                          Decimal(1)])


@st.composite
def requests(draw, years: int = YEARS) -> list[Request]:
    """Funders of one need, at most one residual, as the engine passes them."""
    count = draw(st.integers(min_value=1, max_value=7))
    found, has_residual = [], False
    for index in range(count):
        rule = draw(st.sampled_from(["fixed", "rate", "share", "share", "per_fte",
                                     "residual"]))
        if rule == "residual" and has_residual:
            rule = "share"
        has_residual = has_residual or rule == "residual"
        asks = (draw(st.lists(money, min_size=years, max_size=years))
                if rule in ("fixed", "rate", "per_fte") else None)
        caps = draw(st.one_of(st.none(), st.lists(st.one_of(st.none(), money),
                                                  min_size=years, max_size=years)))
        found.append(Request(
            name=f"F{index}", rule=rule, public=draw(st.booleans()), asks=asks,
            weight=draw(weights), caps=caps,
            cap_total=draw(st.one_of(st.none(), money)), priority=draw(priorities)))
    return found


def _per_year(draw, values):
    return draw(st.one_of(values, st.lists(values, min_size=YEARS, max_size=YEARS)))


amounts = st.integers(min_value=0, max_value=200_000)
fractions = st.sampled_from([0, 0.1, 0.25, 0.42, 0.5, 1])


@st.composite
def cases(draw) -> dict:
    """A valid case file (as a dict) with random items and funders."""
    raw = {"format": "finplan/1",
           "project": {"name": "P", "organisation": "O", "first_year": 2027,
                       "years": YEARS, "start_month": draw(st.integers(1, 12)),
                       "opening_cash": draw(amounts)},
           "indexation": {"costs": draw(st.sampled_from([0, 0.02])),
                          "salaries": draw(st.sampled_from([0, 0.015])),
                          "prices": draw(st.sampled_from([0, 0.01]))},
           "working_capital": {"days": draw(st.sampled_from([0, 30, 45]))}}
    raw["staff"] = [{"role": f"S{i}", "kind": kind, "fte": _per_year(draw, st.sampled_from(
        [0.5, 1, 3.7])), "monthly_gross": draw(st.integers(1500, 4000)),
        "employer_rate": draw(fractions), "start_month": draw(st.integers(1, 12))}
        for i, kind in enumerate(draw(st.lists(st.sampled_from(
            ["insertion", "supervision", "support"]), max_size=3)))]
    profiles = st.one_of(st.none(), st.lists(st.sampled_from([0, 1, 2, 0.5]),
                                             min_size=12, max_size=12).filter(any))
    raw["expense"] = [{"label": f"E{i}", "account": draw(st.sampled_from(
        ["606", "613", "622", "631", "658"])), "amount": _per_year(draw, amounts)}
        for i in range(draw(st.integers(0, 3)))]
    for line in raw["expense"]:
        profile = draw(profiles)
        if profile:
            line["monthly_profile"] = profile
    raw["revenue"] = [{"label": f"R{i}", "account": draw(st.sampled_from(
        ["706", "707", "756"])), "amount": _per_year(draw, amounts)}
        for i in range(draw(st.integers(0, 2)))]
    raw["investment"] = [{"label": f"I{i}", "amount": draw(amounts),
                          "year": draw(st.integers(1, YEARS)),
                          "month": draw(st.integers(1, 12)),
                          "life_years": draw(st.integers(1, 10))}
                         for i in range(draw(st.integers(0, 3)))]
    raw["loan"] = [{"label": f"L{i}", "principal": draw(st.integers(1000, 100_000)),
                    "annual_rate": draw(st.sampled_from([0, 0.015, 0.038])),
                    "months": draw(st.integers(6, 84)), "year": draw(st.integers(1, YEARS))}
                   for i in range(draw(st.integers(0, 2)))]
    if draw(st.booleans()):
        raw["needs"] = {"investment": {"max_public_share": 0.8},
                        "operating": {"max_public_share": draw(st.sampled_from([0.5, 1]))}}
    if draw(st.booleans()):  # a contract sold in hours, maybe worked by a staff line
        contract = {"id": "releve", "label": "Relève", "hours": _per_year(
            draw, st.integers(0, 5000)), "payments": draw(st.sampled_from(
                [[[1, 3]], [[0.5, 6], [0.5, 14]], [[1, 13]]]))}
        if draw(st.booleans()):
            contract["hourly_price"] = draw(st.sampled_from([0, 21.5, 44]))
        else:
            contract["amount"] = _per_year(draw, amounts)
        raw["contract"] = [contract]
        if raw["staff"] and draw(st.booleans()):
            line = raw["staff"][0]
            del line["fte"]
            line["hours_from"] = "releve"
            line["contract"] = draw(st.sampled_from(["ACI", "ETTI", "AI"]))
            if draw(st.booleans()):
                line["hours_per_fte"] = draw(st.sampled_from([1500, 1607, 1820]))
    raw["need"] = [{"id": "etude", "label": "Étude", "amount": _per_year(draw, amounts)}]
    lines = ([f"staff[{line['role']}]" for line in raw["staff"]]
             + [f"expense[{line['label']}]" for line in raw["expense"]])
    if lines and draw(st.booleans()):  # an earmarked need (spec §6)
        covers = draw(st.lists(st.sampled_from(lines), min_size=1, unique=True))
        raw["need"].append({"id": "poste", "label": "Poste financé", "covers": covers})
        if draw(st.booleans()):
            raw["need"][-1]["share"] = _per_year(draw, fractions)
    needs = ["operating", "operating", "investment"] + [need["id"] for need in raw["need"]]
    funders = []
    kinds = {line["kind"] for line in raw["staff"]}
    for index in range(draw(st.integers(0, 8))):
        finances = draw(st.sampled_from(needs))
        rule = draw(st.sampled_from(["fixed", "rate", "share", "per_fte", "residual"]))
        if rule == "per_fte" and not kinds:
            rule = "share"
        if rule == "residual" and any(f["rule"] == "residual" and f["finances"] == finances
                                      for f in funders):
            rule = "share"
        funder_type = draw(st.sampled_from(["public", "private", "own"]))
        funder = {"name": f"F{index}", "type": funder_type, "finances": finances,
                  "rule": rule, "priority": draw(priorities)}
        if rule == "fixed":
            funder["amount"] = _per_year(draw, amounts)
        elif rule == "rate":
            funder["rate"] = draw(st.sampled_from([0.1, 0.25, 0.4, 0.8]))
        elif rule == "share":
            funder["weight"] = draw(st.sampled_from([1, 2, 0.5]))
        elif rule == "per_fte":
            funder["amount_per_fte"] = draw(st.one_of(st.just("ACI"), amounts))
            funder["staff_kind"] = draw(st.sampled_from(sorted(kinds)))
        if draw(st.booleans()):
            funder["cap"] = draw(amounts)
        if draw(st.booleans()):
            funder["cap_total"] = draw(amounts)
        if draw(st.booleans()):
            funder["payments"] = draw(st.sampled_from([
                [[1, 1]], [[0.6, 4], [0.4, 16]], [[0.3, 2], [0.3, 14], [0.4, 30]],
                [[0.5, 12], [0.5, 13]]]))
        funders.append(funder)
    raw["funder"] = funders
    return raw


# The values of a case a Monte Carlo variation may name (model.montecarlo.VARIABLE_FIELDS)
# that the generated cases hold, as key paths.
def variable_paths(raw: dict) -> list[str]:
    """Every value of ``raw`` a variation may name."""
    from finplan.model.montecarlo import VARIABLE_FIELDS

    paths = []
    for key, fields in VARIABLE_FIELDS.items():
        if key in ("project", "working_capital"):
            paths += [f"{key}.{field}" for field in fields if field in raw.get(key, {})]
            continue
        for index, item in enumerate(raw.get(key, [])):
            paths += [f"{key}[{index}].{field}" for field in fields
                      if item.get(field) is not None]
    return paths


distributions = st.one_of(
    st.builds(lambda low, width: {"dist": "uniform", "low": low, "high": low + width},
              st.sampled_from([-0.5, -0.3, -0.1, 0]), st.sampled_from([0.1, 0.4, 0.8])),
    st.builds(lambda sd: {"dist": "normal", "sd": sd}, st.sampled_from([0.05, 0.2])),
    st.just({"dist": "triangular", "low": -0.3, "mode": 0, "high": 0.2}))


# a rate may reach 1 (100 %): it only varies downwards, so that each draw's case is valid
downwards = st.one_of(
    st.builds(lambda low: {"dist": "uniform", "low": low, "high": 0},
              st.sampled_from([-0.5, -0.2])),
    st.just({"dist": "triangular", "low": -0.3, "mode": -0.1, "high": 0}))
RATES = ("employer_rate", "rate", "annual_rate")


@st.composite
def varied_cases(draw, draws: int = 3) -> dict:
    """A valid case file with a ``[montecarlo]`` section varying some of its values."""
    raw = draw(cases())
    paths = variable_paths(raw)
    chosen = draw(st.lists(st.sampled_from(paths), unique=True, min_size=1,
                           max_size=min(len(paths), 8))) if paths else []
    raw["montecarlo"] = {"draws": draws, "seed": draw(st.integers(0, 2**16)), "vary": [
        {"path": path, **draw(downwards if path.endswith(RATES) else distributions)}
        for path in chosen]}
    return raw
