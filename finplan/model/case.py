"""The case: frozen, validated value objects (spec §1).

A :class:`Case` is what every source (case file, workbook, xlwings book) turns
into after validation; :mod:`finplan.model.validation` builds it from a raw
dict.  Numbers are :class:`~decimal.Decimal` (or ``int`` for counts and months).
A *per-year* value keeps the form the user wrote: a single number (indexed or
prorated where the spec says so) or a tuple of exactly ``years`` numbers
(taken as is).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, make_dataclass
from decimal import Decimal
from typing import Any

from finplan.model.fields import REQUIRED, attributes
from finplan.model.scenarios import Scenario

__all__ = [
    "year_value",
    "BUILTIN_NEEDS",
    "Actual",
    "Bridge",
    "Case",
    "Contract",
    "Contribution",
    "Expense",
    "Funder",
    "Indexation",
    "Investment",
    "Loan",
    "Member",
    "MonteCarlo",
    "Need",
    "PerYear",
    "Project",
    "Receipts",
    "Revenue",
    "Staff",
    "Variation",
]

PerYear = Decimal | tuple[Decimal, ...]


def year_value(value: PerYear | Any, y: int) -> Any:
    """The raw value of year ``y`` (from 1) of a value given per year: the single
    value, or the list's y-th entry.

    >>> year_value((Decimal(1), Decimal(2)), 2), year_value("vote", 3)
    (Decimal('2'), 'vote')
    """
    return value[y - 1] if isinstance(value, tuple) else value


# A payment schedule: (share of a year's allocation, month counted from January of
# that plan year; 13 is January of the next year).
Payments = tuple[tuple[Decimal, int], ...]
# Sums received from a funder: (date, amount in euros), in date order.
Receipts = tuple[tuple[datetime.date, Decimal], ...]

BUILTIN_NEEDS = ("operating", "investment")


def _line_class(name: str, key: str, doc: str, base: type = object) -> type:
    """The frozen dataclass of a line of list ``key`` (or of the parameters' table
    ``key``): its attributes, their types and
    defaults are the section's in :mod:`finplan.model.fields` (the fields without a
    default first, then the others, each in the table's order)."""
    specs: list[Any] = []
    for described in attributes(key):
        attribute = described.attribute or described.key
        if described.default is REQUIRED:
            specs.append((attribute, described.type))
        else:
            specs.append((attribute, described.type, field(default=described.default)))
    return make_dataclass(name, specs, bases=(base,), frozen=True,
                          namespace={"__doc__": doc, "__module__": __name__})


Project = _line_class("Project", "project", """The project: its name, its
    organisation, the calendar year of plan year 1, how many years the plan has, the
    month of year 1 the activity starts in, and the cash it starts with.""")
Indexation = _line_class("Indexation", "indexation", """Yearly growth rates applied from
    year 2.""")
Staff = _line_class("Staff", "staff", """A staff line: ``fte`` a year, or the hours of a
    contract it works (``hours_from``, a :class:`Contract` id) turned into FTE with
    ``hours_per_fte`` (None: the sourced figure of its ``contract`` type,
    :func:`finplan.rates.hours_per_fte`); ``member``: the member it belongs to (None:
    the mandataire).""")
Revenue = _line_class("Revenue", "revenue", """Own revenue: either ``amount`` or
    ``quantity`` × ``unit_price``; ``monthly_profile``: 12 weights, January first.""")
Expense = _line_class("Expense", "expense", """A charge: ``amount`` a year on ``account``;
    ``payments``: when it is paid, as a funder's schedule (None: over the active months),
    set only by :mod:`finplan.model.members` for what a mandataire passes on.""")
Contract = _line_class("Contract", "contract", """A contract sold in hours (spec §6):
    ``hours`` a year (one number: the same every year) at ``hourly_price`` (year 1,
    indexed by ``prices``), or ``amount``, its value each year as typed; own revenue on
    ``account``, paid by the ``client`` on the ``payments`` schedule (as a funder's;
    None: all in March).  In a collective, its hours go to the members by ``split``
    (shares of the hours) or ``split_hours`` (each member's hours, a year's total being
    ``hours``); neither: all to the mandataire; ``fee_rate``: what the mandataire keeps
    of what it passes on.""")
Investment = _line_class("Investment", "investment", """A purchase, depreciated over
    ``life_years`` from ``month`` of plan year ``year``.""")
Loan = _line_class("Loan", "loan", """A loan of ``principal`` at ``annual_rate`` over
    ``months``, received in ``month`` of plan year ``year``.""")
Bridge = _line_class("Bridge", "bridge", """A bridging facility (spec §3b) that lends the
    cash the monthly plan lacks.

    ``kind``: ``relais`` (a prêt relais, an avance remboursable), ``decouvert`` (an
    overdraft), ``dailly`` (the bank advances ``advance_share`` of ``funder``'s grant
    receivable), ``avance`` (the funder itself advances up to ``advance_share`` of what
    it still owes) or ``membres`` (the members' current-account advance).  ``repay``:
    ``surplus`` (from the month-end cash above zero), ``funder`` (out of ``funder``'s
    payments) or ``date`` (in full in absolute month ``repay_month``, never drawn from
    then on).  Months are absolute: 1 is January of the first plan year
    (``from_month`` is the case file's ``from``).""")


class _NeedKinds:
    """What a need is, by its id and what it covers."""

    id: str
    covers: tuple[str, ...] | None

    @property
    def is_custom(self) -> bool:
        return self.id not in BUILTIN_NEEDS

    @property
    def is_earmarked(self) -> bool:
        """A custom need that pays for lines of the budget (``covers``)."""
        return self.covers is not None

    @property
    def funds_charges(self) -> bool:
        """Whether what its funders give pays charges of the budget: produits on
        line 74 (own funds aside) and cash in the monthly plan — the operating need
        and the earmarked needs."""
        return self.id == "operating" or self.is_earmarked


Need = _line_class("Need", "need", """A need funders cover: ``operating``, ``investment``
    or a custom one.

    The built-in needs have no ``amount``: the engine derives it.  A custom need
    either has an ``amount`` (a cost outside the accounts) or is *earmarked*: it
    ``covers`` cost lines of the budget (``staff[<role>]``, ``expense[<label>]``),
    ``share`` of them each year (None: all of them), and what its funders give is
    taken off the operating need (spec §6, :mod:`finplan.model.needs`).""", _NeedKinds)
Funder = _line_class("Funder", "funder", """A funder and its rule; ``payments``: None for
    the default schedule of its type and rule; ``brought_in``: own funds that come in
    as cash (an « apport »), not only reserves absorbing a deficit; ``paid_by``: in a
    collective, the member that pays this contribution.""")
Member = _line_class("Member", "member", """A structure of a collective (spec §6): its
    lines carry its ``id``; exactly one is the ``mandataire``, which answers the
    contracts and passes on the members' shares. ``approved_fte``: the insertion FTE
    the State approved, per year (caps its per-FTE aids).""")
Contribution = _line_class("Contribution", "in_kind", """A contribution in kind
    (Cerfa 86 / 87, :mod:`finplan.model.in_kind`): volunteering in ``hours`` a year at
    ``hourly_rate`` (None: the SMIC of each year), or the ``amount`` it is worth a year;
    premises or equipment made available, a service given, goods donated: ``amount``.
    Outside the accounts' result, the cash and the needs.""")
Actual = _line_class("Actual", "actual", """The actual balance of one account in one
    calendar ``year`` (issue 16 item 6): a charge or a produit, positive
    (:mod:`finplan.model.actuals`).""")
Variation = _line_class("Variation", "montecarlo.vary", """One uncertain value of a Monte
    Carlo run: the value at ``path`` times ``1 + x``.

    ``x`` follows ``dist``: ``uniform`` on [low, high], ``triangular`` (low, mode,
    high), or ``normal`` with mean 0 and standard deviation ``sd``, truncated so
    that the value stays positive (``x >= -1``).""")


@dataclass(frozen=True)
class MonteCarlo:
    """``[montecarlo]``: how many draws, the seed, and the values that vary."""

    draws: int
    seed: int
    vary: tuple[Variation, ...]


@dataclass(frozen=True)
class Case:
    project: Project
    indexation: Indexation = field(default_factory=Indexation)
    working_capital_days: Decimal = Decimal(0)
    staff: tuple[Staff, ...] = ()
    revenue: tuple[Revenue, ...] = ()
    contracts: tuple[Contract, ...] = ()
    expenses: tuple[Expense, ...] = ()
    investments: tuple[Investment, ...] = ()
    loans: tuple[Loan, ...] = ()
    needs: tuple[Need, ...] = ()
    funders: tuple[Funder, ...] = ()
    scenarios: tuple[Scenario, ...] = ()  # named overrides, see model/scenarios.py
    montecarlo: MonteCarlo | None = None  # see model/montecarlo.py
    members: tuple[Member, ...] = ()  # a collective (spec §6); none: one organisation
    bridges: tuple[Bridge, ...] = ()  # bridging facilities, in the order they are drawn
    in_kind: tuple[Contribution, ...] = ()  # contributions in kind (Cerfa 86 / 87)
    actuals: tuple[Actual, ...] = ()  # the accounts of past years (finplan actuals)
    # a member's own plan (finplan.model.members.member_case): its approved insertion
    # FTE, which caps its per-FTE aids; never in a case file
    approved_fte: PerYear | None = None

    @property
    def years(self) -> tuple[int, ...]:
        """The calendar years of the plan."""
        first = self.project.first_year
        return tuple(range(first, first + self.project.years))

    @property
    def mandataire(self) -> Member | None:
        """The member that answers for the collective (None: one organisation)."""
        return next((m for m in self.members if m.mandataire), None)

    def contract(self, contract_id: str) -> Contract:
        """The contract with this id."""
        return next(c for c in self.contracts if c.id == contract_id)

    def need(self, need_id: str) -> Need:
        """The need with this id (built-in or custom)."""
        for need in self.needs:
            if need.id == need_id:
                return need
        raise KeyError(need_id)
