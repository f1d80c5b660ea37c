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
from typing import TYPE_CHECKING, Any

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
    specs = [(attribute, kind) if default is REQUIRED
             else (attribute, kind, field(default=default))
             for attribute, kind, default in _specs(key)]
    return make_dataclass(name, specs, bases=(base,), frozen=True,
                          namespace={"__doc__": doc, "__module__": __name__,
                                     "_fields_key": key})


def _specs(key: str) -> list[tuple[str, str, Any]]:
    """The attributes of a line class: name, type, default (:data:`REQUIRED`: none),
    those without a default first, then the others, each in the table's order."""
    found = [(described.attribute or described.key, described.type, described.default)
             for described in attributes(key)]
    return ([spec for spec in found if spec[2] is REQUIRED]
            + [spec for spec in found if spec[2] is not REQUIRED])


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


# The line classes: made at run time from model/fields.py (:func:`_line_class`);
# type checkers and editors read their declarations instead, which
# `finplan regenerate` writes from the same tables (:func:`declarations`; a test
# checks they agree).
if TYPE_CHECKING:
    # -- declarations: begin (finplan regenerate writes this part) --
    @dataclass(frozen=True)
    class Project:
        name: str
        organisation: str
        first_year: int
        years: int = 3
        start_month: int = 1
        opening_cash: Decimal = Decimal('0')
        basis: str = 'demande'

    @dataclass(frozen=True)
    class Indexation:
        costs: Decimal = Decimal('0')
        salaries: Decimal = Decimal('0')
        prices: Decimal = Decimal('0')

    @dataclass(frozen=True)
    class Staff:
        role: str
        kind: str
        fte: PerYear | None
        monthly_gross: Decimal
        employer_rate: Decimal
        contract: str | None = None
        start_month: int | None = None
        hours_from: str | None = None
        hours_per_fte: Decimal | None = None
        member: str | None = None
        comment: str | None = None

    @dataclass(frozen=True)
    class Revenue:
        label: str
        account: str = '706'
        amount: PerYear | None = None
        quantity: PerYear | None = None
        unit_price: Decimal | None = None
        monthly_profile: tuple[Decimal, ...] | None = None
        member: str | None = None
        comment: str | None = None

    @dataclass(frozen=True)
    class Expense:
        label: str
        account: str
        amount: PerYear
        monthly_profile: tuple[Decimal, ...] | None = None
        variable: bool = False
        member: str | None = None
        payments: Payments | None = None
        comment: str | None = None

    @dataclass(frozen=True)
    class Contract:
        id: str
        label: str
        hours: PerYear
        client: str | None = None
        account: str = '706'
        hourly_price: Decimal | None = None
        amount: PerYear | None = None
        payments: Payments | None = None
        fee_rate: Decimal = Decimal('0')
        split: tuple[tuple[str, Decimal], ...] | None = None
        split_hours: tuple[tuple[str, PerYear], ...] | None = None

    @dataclass(frozen=True)
    class Investment:
        label: str
        amount: Decimal
        life_years: Decimal
        year: int = 1
        month: int = 1
        member: str | None = None
        comment: str | None = None

    @dataclass(frozen=True)
    class Loan:
        label: str
        principal: Decimal
        annual_rate: Decimal
        months: int
        year: int = 1
        month: int = 1
        member: str | None = None
        comment: str | None = None

    @dataclass(frozen=True)
    class Bridge:
        label: str
        kind: str
        ceiling: Decimal
        annual_rate: Decimal = Decimal('0')
        fee: Decimal = Decimal('0')
        funder: str | None = None
        advance_share: Decimal | None = None
        from_month: int = 1
        repay: str = 'surplus'
        repay_month: int | None = None
        member: str | None = None

    @dataclass(frozen=True)
    class Need(_NeedKinds):
        id: str
        label: str
        amount: PerYear | None = None
        max_public_share: Decimal | None = None
        covers: tuple[str, ...] | None = None
        share: PerYear | None = None
        member: str | None = None
        comment: str | None = None

    @dataclass(frozen=True)
    class Funder:
        name: str
        type: str
        rule: str
        line: str | None = None
        finances: str = 'operating'
        amount: PerYear | None = None
        rate: PerYear | None = None
        weight: Decimal = Decimal('1')
        amount_per_fte: PerYear | str | None = None
        staff_kind: str | None = None
        contract: str | None = None
        cap: PerYear | None = None
        cap_total: Decimal | None = None
        priority: int = 100
        payments: Payments | None = None
        status: str | tuple[str, ...] | None = None
        voted: PerYear | None = None
        probability: PerYear | None = None
        decided_on: datetime.date | None = None
        received: Receipts | None = None
        modulated: PerYear | None = None
        brought_in: bool = False
        member: str | None = None
        paid_by: str | None = None
        comment: str | None = None

    @dataclass(frozen=True)
    class Member:
        id: str
        name: str
        siae: str | None = None
        mandataire: bool = False
        opening_cash: Decimal = Decimal('0')
        approved_fte: PerYear | None = None

    @dataclass(frozen=True)
    class Contribution:
        label: str
        kind: str
        hours: PerYear | None = None
        hourly_rate: Decimal | None = None
        amount: PerYear | None = None
        member: str | None = None
        comment: str | None = None

    @dataclass(frozen=True)
    class Actual:
        year: int
        account: str
        amount: Decimal
        label: str | None = None
        comment: str | None = None

    @dataclass(frozen=True)
    class Variation:
        path: str
        dist: str
        low: Decimal | None = None
        mode: Decimal | None = None
        high: Decimal | None = None
        sd: Decimal | None = None
    # -- declarations: end --
else:
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


DECLARATIONS_BEGIN = "    # -- declarations: begin (finplan regenerate writes this part) --"
DECLARATIONS_END = "    # -- declarations: end --"


def declarations() -> str:
    """The line classes as type checkers read them (the ``TYPE_CHECKING`` branch of this
    module, between :data:`DECLARATIONS_BEGIN` and :data:`DECLARATIONS_END`): for each,
    its attributes, types and defaults from :mod:`finplan.model.fields`, in the order
    :func:`_line_class` gives them.

    >>> print(declarations().splitlines()[1:4])
    ['    @dataclass(frozen=True)', '    class Project:', '        name: str']
    """
    out = [DECLARATIONS_BEGIN]
    for name, value in globals().items():
        key = getattr(value, "_fields_key", None) if isinstance(value, type) else None
        if key is None:
            continue
        base = value.__bases__[0]
        out += ["    @dataclass(frozen=True)",
                f"    class {name}({base.__name__}):" if base is not object
                else f"    class {name}:"]
        out += [f"        {attribute}: {kind}" if default is REQUIRED
                else f"        {attribute}: {kind} = {default!r}"
                for attribute, kind, default in _specs(key)]
        out.append("")
    return "\n".join([*out[:-1], DECLARATIONS_END])


def with_declarations(text: str) -> str:
    """This module's source ``text`` with its declarations written again."""
    start = text.index(DECLARATIONS_BEGIN)
    end = text.index(DECLARATIONS_END) + len(DECLARATIONS_END)
    return text[:start] + declarations() + text[end:]
