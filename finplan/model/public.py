"""The plan as a consultant reads it: every amount in :class:`~decimal.Decimal` euros.

:func:`compute` returns a :class:`Plan`. Its public surface is small and listed in
:data:`SURFACE` (and in ``docs/python-api.md``): key figures as tuples of euros, one
a year; DataFrames in euros; the JSON result; the French advice. Amounts are exact
``Decimal`` euros with two decimals (``Decimal('6033.06')``), equal to the JSON result
to the cent; ``.astype(float)`` a frame to plot it.

The computation keeps integer cents (:class:`~finplan.model.plan.PlanInternals`, the
engine's record, every intermediate step). ``plan.internals`` gives it, for finplan's
own adapters and for debugging; its names and units may change between versions.

>>> import finplan
>>> plan = finplan.compute(finplan.load_case(finplan.demo_path()))
>>> plan.result[0] == plan.budget_table(totals=True).set_index("code").loc["result", 2027]
True
>>> plan.internals.result[0] == int(plan.result[0] * 100)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from finplan.model.budget import CERFA_SUB_LINES, CHARGE_LINES, IN_KIND_LINES, PRODUIT_LINES
from finplan.model.case import Case
from finplan.model.cash import month_label
from finplan.model.engine import compute as compute_internals
from finplan.model.money import Cents, euro_amounts, euros
from finplan.model.plan import PlanInternals

if TYPE_CHECKING:  # pandas is imported only when a DataFrame is asked for
    import pandas as pd

__all__ = ["SURFACE", "CashLow", "Plan", "compute", "internals_of"]

Euros = tuple[Decimal, ...]  # one amount a year, in euros

# The public surface of :class:`Plan`, by kind (docs/python-api.md lists it; a test
# checks that both say the same and that the class has nothing else public).
SURFACE = {
    "about": ("case", "years", "ok", "warnings", "members", "internals"),
    "by year": ("result", "caf", "cash_end", "charges_total", "produits_total",
                "own_revenue", "charges", "produits", "unfunded", "cash_monthly"),
    "figures": ("cash_low", "bridging_need"),
    "frames": ("budget", "budget_table", "funding", "requests", "needs",
               "financing_plan", "break_even", "checks"),
    "advice": ("bridging_advice", "gap_advice"),
    "export": ("to_dict", "to_json"),
}


class CashLow(NamedTuple):
    """The lowest month-end cash of the plan: its amount in euros and its month
    (« mars 2027 »)."""

    amount: Decimal
    month: str


def compute(case: Case, basis: str | None = None) -> Plan:
    """The 3-year plan of a validated case, every amount in euros.

    ``basis`` (``"demande"``, ``"decide"`` or ``"attendu"``, spec §7) overrides the
    case's ``project.basis``.

    >>> import finplan
    >>> plan = finplan.compute(finplan.load_case(finplan.demo_path()))
    >>> plan.funding.loc["État : aide au poste ACI", 2027]
    Decimal('66380.78')
    """
    return Plan(compute_internals(case, basis=basis))


def internals_of(plan: Plan | PlanInternals) -> PlanInternals:
    """The engine's record (cents) of a public :class:`Plan`, or the record itself:
    what finplan's adapters and services read, whichever a caller hands them."""
    return plan.internals if isinstance(plan, Plan) else plan


@dataclass(frozen=True, eq=False, repr=False)
class Plan:
    """The 3-year plan of a case, every amount in ``Decimal`` euros.

    >>> import finplan
    >>> plan = finplan.compute(finplan.load_case(finplan.demo_path()))
    >>> plan.years, plan.ok
    ((2027, 2028, 2029), True)
    >>> sum(plan.budget.query("section == 'charges'")[2027]) == plan.charges_total[0]
    True
    """

    internals: PlanInternals
    _member: str | None = None  # a collective's member: its name (for the repr)

    def __repr__(self) -> str:
        years = f"{self.years[0]}–{self.years[-1]}"
        verdict = "validé" if self.ok else "à revoir"
        member = f", membre « {self._member} »" if self._member else ""
        return f"<Plan « {self.case.project.name} »{member} {years}, {verdict}>"

    # -- about ------------------------------------------------------------------
    @property
    def case(self) -> Case:
        """The validated case the plan was computed from."""
        return self.internals.case

    @property
    def years(self) -> tuple[int, ...]:
        """The plan's years (``(2027, 2028, 2029)``)."""
        return self.internals.years

    @property
    def ok(self) -> bool:
        """True when no check fails (warnings do not count)."""
        return self.internals.ok

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the computation warns of, in French (a rate past its last known year…)."""
        return self.internals.warnings

    @cached_property
    def members(self) -> dict[str, Plan]:
        """A collective (spec §6): each member's own plan, by the member's name, in the
        order of the case; empty for one structure."""
        return {member.name: Plan(plan, member.name)
                for member, plan in zip(self.case.members, self.internals.members)}

    # -- key figures by year (euros) -------------------------------------------
    @property
    def result(self) -> Euros:
        """The result (excédent or déficit) of each year: produits − charges."""
        return euro_amounts(self.internals.result)

    @property
    def caf(self) -> Euros:
        """The capacité d'autofinancement of each year: result + depreciation − the
        release of investment grants (747)."""
        return euro_amounts(self.internals.caf)

    @property
    def cash_end(self) -> Euros:
        """The cash at the end of each year."""
        return euro_amounts(self.internals.cash_end)

    @property
    def charges_total(self) -> Euros:
        """The total of the charges (60 to 68) of each year."""
        return euro_amounts(self.internals.charges_total)

    @property
    def produits_total(self) -> Euros:
        """The total of the produits (70 to 79) of each year."""
        return euro_amounts(self.internals.produits_total)

    @property
    def own_revenue(self) -> Euros:
        """The own revenue of each year: the revenue lines and the contracts in hours."""
        return euro_amounts(self.internals.own_revenue)

    @property
    def charges(self) -> dict[str, Euros]:
        """Each Cerfa charge line (``"60"`` to ``"68"``) by year."""
        return {line: euro_amounts(values) for line, values in self.internals.charges.items()}

    @property
    def produits(self) -> dict[str, Euros]:
        """Each Cerfa produit line (``"70"`` to ``"79"``) by year."""
        return {line: euro_amounts(values) for line, values in self.internals.produits.items()}

    @property
    def unfunded(self) -> dict[str, Euros]:
        """What no funder pays of each need (``operating``, ``investment``, a custom
        need's id) by year: 0 when the need is covered."""
        return {need: euro_amounts(values)
                for need, values in self.internals.unfunded_amounts.items()}

    @property
    def cash_monthly(self) -> Euros:
        """The cash at the end of each month of the plan (36 months)."""
        return euro_amounts(self.internals.monthly.balances)

    # -- single figures --------------------------------------------------------
    @property
    def cash_low(self) -> CashLow:
        """The lowest month-end cash and its month."""
        low, month = self.internals.monthly.low
        return CashLow(euros(low), month_label(month, self.years[0]))

    @property
    def bridging_need(self) -> Decimal:
        """What must be borrowed at most to keep the cash above zero (0 when it never
        goes below)."""
        return euros(self.internals.monthly.bridging_need)

    # -- advice ----------------------------------------------------------------
    @property
    def bridging_advice(self) -> list[str]:
        """In French: what each bridging facility would cost on its own to close the
        cash gap, and the cheapest."""
        return self.internals.bridging_advice

    @property
    def gap_advice(self) -> list[str]:
        """In French, on a basis of decisions: what refused and reduced requests
        leave, who takes it, what is left to find."""
        return self.internals.gap_advice

    # -- export ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The machine-readable result of spec §5 (euros as numbers rounded to the cent)."""
        return self.internals.to_dict()

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (UTF-8, accents kept)."""
        return self.internals.to_json(indent)

    # -- DataFrames ------------------------------------------------------------
    def _frame(self, rows: list[dict[str, Any]], index: str | list[str]) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(rows).set_index(index)

    def _by_year(self, values: Sequence[Cents]) -> dict[int, Decimal]:
        return dict(zip(self.years, euro_amounts(values)))

    @property
    def budget(self) -> pd.DataFrame:
        """The Cerfa lines of the budget, charges 60 to 68 and produits 70 to 79, one
        row each: they add up to the totals, side by side.

        Columns ``section`` (``charges`` or ``produits``), ``level`` (0), ``code``,
        ``label`` and one column per year (``Decimal`` euros). The account detail, the
        totals, the result and the contributions in kind are in :meth:`budget_table`.

        >>> import finplan
        >>> plan = finplan.compute(finplan.load_case(finplan.demo_path()))
        >>> sums = plan.budget.groupby("section")[2027].sum()
        >>> sums["charges"] == plan.charges_total[0]
        True
        """
        return self.budget_table()

    def budget_table(self, *, details: bool = False, totals: bool = False,
                     in_kind: bool = False) -> pd.DataFrame:
        """The budget as a frame (:attr:`budget`), with on request the account detail
        under each line (``details``: ``level`` 1 an account or a 74 sub-line, 2 a
        funder under its sub-line), each section's total and the result and CAF
        (``totals``), and the contributions in kind (``in_kind``: 86 and 87 with their
        accounts, outside the totals as on the form). Only the rows of level 0 and
        section ``charges`` or ``produits`` add up to a total.
        """
        plan = self.internals
        rows: list[dict[str, Any]] = []

        def line(section: str, code: str, label: str, amounts: Sequence[Cents],
                 level: int = 0) -> None:
            rows.append({"section": section, "level": level, "code": code, "label": label,
                         **self._by_year(amounts)})

        for section, lines, totals_by_line, total_label, grand_total in (
                ("charges", CHARGE_LINES, plan.charges, "Total des charges",
                 plan.charges_total),
                ("produits", PRODUIT_LINES, plan.produits, "Total des produits",
                 plan.produits_total)):
            for code, label in lines.items():
                line(section, code, label, totals_by_line[code])
                if details:
                    for row in plan.budget_rows:
                        if row.section == section and row.line == code:
                            line(section, row.code, row.label, row.amounts, row.level)
            if totals:
                line(f"{section} total", "total", total_label, grand_total)
            if in_kind:
                code, side = ("86", plan.in_kind.charges) if section == "charges" else (
                    "87", plan.in_kind.produits)
                line(f"{section} en nature", code, IN_KIND_LINES[code], plan.in_kind.total)
                for account, sub_label, _ in CERFA_SUB_LINES[code]:
                    line(f"{section} en nature", account, sub_label, side[account], 1)
        if totals:
            line("result", "result", "Résultat (excédent ou déficit)", plan.result)
            line("result", "caf", "Capacité d'autofinancement", plan.caf)
        return self._frame(rows, ["section", "code", "label"]).reset_index()

    @property
    def funding(self) -> pd.DataFrame:
        """Funders × years, with total and what limited each year's amount."""
        rows = []
        for f in self.internals.funder_results:
            rows.append({"name": f.name, "type": f.type, "line": f.line,
                         "finances": f.funder.finances, "rule": f.funder.rule,
                         **self._by_year(f.amounts), "total": euros(f.total),
                         **{f"limited_by_{year}": limit
                            for year, limit in zip(self.years, f.limited_by)}})
        return self._frame(rows, "name")

    @property
    def break_even(self) -> pd.DataFrame:
        """The break-even of the activity, measure × year, in euros (None where there
        is none): the own ``revenue`` planned, the ``variable`` and ``fixed`` charges,
        the ``other`` produits, the ``grants`` (74, 747), the own revenue at which the
        result is zero ``with_grants`` and ``without_grants``, and the safety
        ``margin`` (revenue − break-even with the grants)."""
        point = self.internals.break_even
        rows = [{"measure": measure, **{year: None if value is None else euros(value)
                                         for year, value in zip(self.years, values)}}
                for measure, values in (
                    ("revenue", point.revenue), ("variable", point.variable),
                    ("fixed", point.fixed), ("other", point.other),
                    ("grants", point.grants), ("with_grants", point.with_grants),
                    ("without_grants", point.without_grants), ("margin", point.margin))]
        return self._frame(rows, "measure")

    @property
    def requests(self) -> pd.DataFrame:
        """Each funder's request (spec §7), funders × (measure, year): ``requested``
        (the amounts as requested), ``amount`` (on the plan's basis) in euros, and the
        ``status`` of each year (None: own funds, an aid by FTE with no status)."""
        rows = []
        for f in self.internals.funder_results:
            for measure, values in (("requested", f.requested_amounts),
                                    ("amount", f.amounts)):
                rows.append({"name": f.name, "measure": measure, **self._by_year(values)})
            rows.append({"name": f.name, "measure": "status",
                         **dict(zip(self.years, f.statuses()))})
        return self._frame(rows, ["name", "measure"])

    @property
    def needs(self) -> pd.DataFrame:
        """For each need: amount, funded, unfunded, surplus, public share and ceiling."""
        rows = []
        for r in self.internals.need_results:
            measures = {"need": r.amounts, "funded": r.funded, "unfunded": r.unfunded,
                        "surplus": r.surplus, "public": r.public}
            if r.need.max_public_share is not None:
                measures["public_ceiling"] = r.ceilings
            for measure, values in measures.items():
                rows.append({"need": r.need.id, "measure": measure, "label": r.need.label,
                             **self._by_year(values)})
        return self._frame(rows, ["need", "measure"])

    @property
    def financing_plan(self) -> pd.DataFrame:
        """Emplois, ressources, their totals, cash movement and year-end cash."""
        plan = self.internals
        rows = [{"side": row.side, "code": row.code, "label": row.label,
                 **self._by_year(row.amounts)} for row in plan.financing_rows]
        movement = [r - e for r, e in zip(plan.ressources, plan.emplois)]
        rows += [
            {"side": "emplois", "code": "total", "label": "Total des emplois",
             **self._by_year(plan.emplois)},
            {"side": "ressources", "code": "total", "label": "Total des ressources",
             **self._by_year(plan.ressources)},
            {"side": "cash", "code": "movement", "label": "Variation de trésorerie",
             **self._by_year(movement)},
            {"side": "cash", "code": "cash_end", "label": "Trésorerie de fin d'année",
             **self._by_year(plan.cash_end)},
        ]
        for r in plan.need_results:
            if r.need.is_custom and not r.need.is_earmarked:
                rows.append({"side": "outside", "code": r.need.id, "label": r.need.label,
                             **self._by_year(r.amounts)})
                rows += [{"side": "outside", "code": f"{r.need.id}.funding",
                          "label": f.name, **self._by_year(f.amounts)} for f in r.funding]
        return self._frame(rows, ["side", "code", "label"]).reset_index()

    @property
    def checks(self) -> pd.DataFrame:
        """The checks: id, ok, severity and French message."""
        return self._frame([{"id": c.id, "ok": c.ok, "severity": c.severity,
                             "message": c.message} for c in self.internals.check_results],
                           "id")
