"""Contracts sold in hours (spec §6): their value, their hours, the staff who work them.

A contract's hours drive two figures: the revenue it brings (hours × hourly price,
indexed by ``prices`` from year 2, or the yearly amount typed) and the FTE of the
staff lines that work them (``hours_from``): ``fte_years(y) = hours(y) /
hours_per_fte``, the hours of one insertion FTE being the line's own figure or the
sourced one of its contract type (:func:`finplan.rates.hours_per_fte`).

>>> from decimal import Decimal as D
>>> from finplan.model.case import Contract, Indexation, Project
>>> releve = Contract("releve", "Relève des compteurs", hours=D(2250), hourly_price=D(44))
>>> contract_value(releve, Project("P", "O", 2027, years=2), Indexation(prices=D("0.02")))
[9900000, 10098000]
"""

from __future__ import annotations

from decimal import Decimal

from finplan.model.amounts import growth
from finplan.model.case import Case, Contract, Indexation, Project, Staff, year_value
from finplan.model.money import Cents, to_cents
from finplan.model.montecarlo import TYPED, ItemValues
from finplan.model.series import series
from finplan.rates import FteHours, hours_per_fte

__all__ = ["contract_hours", "contract_value", "fte_hours", "hour_weights", "line_hours",
           "member_hours"]


def contract_hours(contract: Contract, y: int) -> Decimal:
    """The hours sold in year ``y`` (never prorated: they are the year's hours)."""
    return year_value(contract.hours, y)


def hour_weights(contract: Contract, mandataire: str, y: int) -> dict[str, Decimal]:
    """Member id -> the weight of its part of the contract in year ``y``: its hours
    ``hours_m(y)`` when the contract gives each member's (``split_hours``), else its
    share of the hours (``split``), else ``{mandataire: 1}``; a year whose typed hours
    are all 0 goes to the mandataire (only a contract given by amount has a value then).

    >>> from decimal import Decimal as D
    >>> c = Contract("c", "C", hours=(D(0), D(900)),
    ...              split_hours=(("a", (D(0), D(300))), ("b", (D(0), D(600)))))
    >>> hour_weights(c, "a", 1), hour_weights(c, "a", 2)
    ({'a': Decimal('1')}, {'a': Decimal('300'), 'b': Decimal('600')})
    """
    if contract.split_hours is not None:
        given = {m: year_value(hours, y) for m, hours in contract.split_hours}
        if sum(given.values()) > 0:
            return given
    elif contract.split is not None:
        return dict(contract.split)
    return {mandataire: Decimal(1)}


def member_hours(contract: Contract, member: str, mandataire: str, y: int) -> Decimal:
    """``hours_m(y)``: the member's hours as typed (``split_hours``), else ``hours(y) ×
    share_m`` (0 for a member without a part).

    >>> from decimal import Decimal as D
    >>> c = Contract("c", "C", hours=D(4500), split=(("a", D("0.2")), ("b", D("0.8"))))
    >>> member_hours(c, "a", "a", 1), member_hours(c, "z", "a", 1)
    (Decimal('900.0'), Decimal('0'))
    """
    if contract.split_hours is not None:
        return year_value(dict(contract.split_hours).get(member, Decimal(0)), y)
    return contract_hours(contract, y) * hour_weights(contract, mandataire, y).get(
        member, Decimal(0))


def contract_value(contract: Contract, project: Project, indexation: Indexation,
                   values: ItemValues = TYPED) -> list[Cents]:
    """``value(y) = hours(y) × hourly_price × (1 + prices)^(y-1)``, or ``amount(y)`` as
    typed, in cents, rounded half-up once a year."""
    v = values.of("hours", "hourly_price", "amount")
    years = range(1, project.years + 1)
    if contract.hourly_price is None:
        return series([to_cents(v.year(contract.amount, y, "amount")) for y in years])
    return series([to_cents(v.year(contract.hours, y, "hours")
                            * v.one(contract.hourly_price, "hourly_price")
                            * v.number(growth(indexation.prices, y))) for y in years])


def fte_hours(line: Staff) -> FteHours:
    """The hours of one FTE of a staff line that works a contract's hours: its own
    ``hours_per_fte``, else the sourced figure of its IAE contract type.

    >>> from finplan.model.case import Staff
    >>> fte_hours(Staff("CDDI", "insertion", None, Decimal(1823), Decimal("0.1"),
    ...                 contract="ACI", hours_from="releve")).hours
    Decimal('1820')
    """
    if line.hours_per_fte is not None:
        return FteHours(line.contract, line.hours_per_fte, "saisi sur la ligne de personnel")
    return hours_per_fte(line.contract)


def line_hours(line: Staff, case: Case) -> list[Decimal] | None:
    """The hours a staff line works each year (those of the contract it works), None
    for a line given in FTE."""
    if line.hours_from is None:
        return None
    contract = case.contract(line.hours_from)
    return [contract_hours(contract, y) for y in range(1, case.project.years + 1)]
