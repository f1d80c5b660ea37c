"""Generated cases for the benchmarks: the demo grown to a large plan.

:func:`large_case` is a 5-year plan of 200 line items (staff, revenue, expenses,
investments, loans and funders), with per-year lists, monthly profiles, share
groups under caps, a public ceiling, custom needs and an aide au poste; its
``[montecarlo]`` section varies 50 values.  It uses only the case format of
``finplan/1`` that every version since issue 7 reads, so that one file can be
timed against an earlier checkout.

    python benchmarks/cases.py OUT.toml      # write the case file
"""

from __future__ import annotations

import sys
from pathlib import Path

ACCOUNTS = ("601", "604", "606", "611", "613", "615", "616", "618", "622", "623", "625",
            "626", "628", "631", "635", "651", "658")
KINDS = (("insertion", "ACI"), ("supervision", None), ("support", None))


def _per_year(base: float, years: int, step: float) -> list[float]:
    return [round(base * (1 + step * y), 2) for y in range(years)]


def large_case(years: int = 5, staff: int = 30, revenue: int = 30, expenses: int = 100,
               investments: int = 10, loans: int = 5, funders: int = 25,
               varied: int = 50) -> dict:
    """A raw case (the dict a case file reads into) of ``staff + revenue + expenses +
    investments + loans + funders`` line items (200 by default) over ``years``."""
    profile = [1, 1, 1.2, 1.2, 1.3, 1.1, 0.6, 0.4, 1.1, 1.2, 1.2, 1.4]
    raw: dict = {
        "format": "finplan/1",
        "project": {"name": "Plan de 200 lignes", "organisation": "Banc d'essai",
                    "first_year": 2027, "years": years, "start_month": 3,
                    "opening_cash": 40000},
        "indexation": {"costs": 0.02, "salaries": 0.018, "prices": 0.01},
        "working_capital": {"days": 30},
        "staff": [], "revenue": [], "expense": [], "investment": [], "loan": [],
        "needs": {"investment": {"max_public_share": 0.8},
                  "operating": {"max_public_share": 0.9}},
        "need": [{"id": f"etude{k}", "label": f"Étude {k + 1}",
                  "amount": [5000 + 900 * k] + [1200 * k] * (years - 1)} for k in range(3)],
        "funder": [],
    }
    for i in range(staff):
        kind, contract = KINDS[i % 3]
        line = {"role": f"Poste {i + 1}", "kind": kind,
                "fte": _per_year(0.5 + i % 4 * 0.5, years, 0.05) if i % 2 else 1,
                "monthly_gross": 1823.03 + 37 * i, "employer_rate": 0.13 if contract else 0.42}
        if contract:
            line["contract"] = contract
        if i % 5 == 4:
            line["start_month"] = 3 + i % 7
        raw["staff"].append(line)
    for i in range(revenue):
        item = {"label": f"Recette {i + 1}", "account": "707" if i % 2 else "706"}
        if i % 2:
            item["quantity"] = _per_year(40 + i, years, 0.12)
            item["unit_price"] = 85 + i
        else:
            item["amount"] = 4000 + 250 * i
            if i % 4 == 0:
                item["monthly_profile"] = profile
        raw["revenue"].append(item)
    for i in range(expenses):
        item = {"label": f"Charge {i + 1}", "account": ACCOUNTS[i % len(ACCOUNTS)],
                "amount": _per_year(900 + 37 * i, years, 0.03) if i % 3 == 0 else 700 + 41 * i}
        if i % 6 == 1:
            item["monthly_profile"] = profile
        raw["expense"].append(item)
    for i in range(investments):
        raw["investment"].append({"label": f"Investissement {i + 1}", "amount": 6000 + 1700 * i,
                                  "life_years": 3 + i % 8, "year": 1 + i % years,
                                  "month": 1 + (5 * i) % 12})
    for i in range(loans):
        raw["loan"].append({"label": f"Prêt {i + 1}", "principal": 8000 + 3000 * i,
                            "annual_rate": 0.02 + 0.004 * i, "months": 36 + 12 * i,
                            "year": 1 + i % 2, "month": 1 + (7 * i) % 12})
    fund = raw["funder"]
    fund.append({"name": "État : aide au poste ACI", "type": "public", "line": "asp",
                 "rule": "per_fte", "amount_per_fte": "ACI", "staff_kind": "insertion",
                 "contract": "ACI"})
    fund.append({"name": "Syndicat (fixe)", "type": "public", "line": "intercommunalite",
                 "rule": "fixed", "amount": _per_year(25000, years, -0.1), "priority": 10})
    lines = ("departement", "region", "commune", "intercommunalite", "europe")
    for k in range(funders - 11):  # the 11 others are below
        member = {"name": f"Financeur {k + 1}", "type": "public" if k % 4 else "private",
                  "rule": "share", "weight": 1 + k % 3, "priority": 20 + 10 * (k // 5)}
        if member["type"] == "public":
            member["line"] = lines[k % len(lines)]
        if k % 3 == 0:
            member["cap"] = 30000 + 1000 * k
        elif k % 3 == 1:
            member["cap_total"] = 90000 + 5000 * k
        fund.append(member)
    fund.append({"name": "Fonds propres", "type": "own", "rule": "residual", "priority": 90})
    fund += [{"name": "Région (investissement)", "type": "public", "line": "region",
              "finances": "investment", "rule": "rate", "rate": 0.4, "cap": 30000,
              "priority": 10},
             {"name": "Département (investissement)", "type": "public",
              "line": "departement", "finances": "investment", "rule": "rate",
              "rate": 0.25, "priority": 20},
             {"name": "Apport", "type": "own", "finances": "investment",
              "rule": "residual", "priority": 90}]
    for k in range(3):
        fund += [{"name": f"État (étude {k + 1})", "type": "public", "line": "etat",
                  "finances": f"etude{k}", "rule": "share"},
                 {"name": f"Fondation (étude {k + 1})", "type": "private",
                  "finances": f"etude{k}", "rule": "share"}][: 2 if k < 2 else 1]
    raw["montecarlo"] = {"draws": 10000, "seed": 1, "vary": _variations(raw, varied)}
    return raw


def _variations(raw: dict, count: int) -> list[dict]:
    """``count`` variations spread over the line items."""
    paths = []
    for i, item in enumerate(raw["revenue"]):
        paths.append(f"revenue[{i}].{'quantity' if 'quantity' in item else 'amount'}")
    paths += [f"expense[{i}].amount" for i in range(0, len(raw["expense"]), 7)]
    paths += [f"staff[{i}].fte" for i in range(0, len(raw["staff"]), 3)]
    paths += [f"funder[{i}].cap" for i, f in enumerate(raw["funder"]) if "cap" in f]
    vary = []
    for k, path in enumerate(paths[:count]):
        if k % 3 == 0:
            vary.append({"path": path, "dist": "triangular", "low": -0.3, "mode": 0,
                         "high": 0.1})
        elif k % 3 == 1:
            vary.append({"path": path, "dist": "uniform", "low": -0.2, "high": 0.2})
        else:
            vary.append({"path": path, "dist": "normal", "sd": 0.1})
    if len(vary) < count:
        raise ValueError(f"only {len(vary)} values to vary")
    return vary


def toml_text(raw: dict) -> str:
    """The case as a case file (this generator's values only: numbers, strings, lists
    and tables)."""
    def value(item) -> str:
        if isinstance(item, str):
            return '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(item, list):
            return "[" + ", ".join(value(v) for v in item) + "]"
        return repr(item)

    out = [f'format = "{raw["format"]}"']
    for key in ("project", "indexation", "working_capital"):
        out += ["", f"[{key}]"] + [f"{k} = {value(v)}" for k, v in raw[key].items()]
    for need, table in raw["needs"].items():
        out += ["", f"[needs.{need}]"] + [f"{k} = {value(v)}" for k, v in table.items()]
    for key in ("staff", "revenue", "expense", "investment", "loan", "need", "funder"):
        for item in raw[key]:
            out += ["", f"[[{key}]]"] + [f"{k} = {value(v)}" for k, v in item.items()]
    settings = raw["montecarlo"]
    out += ["", "[montecarlo]", f"draws = {settings['draws']}", f"seed = {settings['seed']}"]
    for variation in settings["vary"]:
        out += ["", "[[montecarlo.vary]]"] + [f"{k} = {value(v)}"
                                              for k, v in variation.items()]
    return "\n".join(out) + "\n"


def write_large_case(path: Path, **sizes) -> Path:
    path.write_text(toml_text(large_case(**sizes)), "utf-8")
    return path


if __name__ == "__main__":
    write_large_case(Path(sys.argv[1]))
