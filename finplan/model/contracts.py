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

from finplan.model.amounts import growth, year_value
from finplan.model.case import Case, Contract, Indexation, Project, Staff
from finplan.model.money import Cents, to_cents
from finplan.model.montecarlo import TYPED, ItemValues
from finplan.model.series import series
from finplan.rates import FteHours, hours_per_fte

__all__ = ["contract_hours", "contract_value", "fte_hours", "line_hours"]


def contract_hours(contract: Contract, y: int) -> Decimal:
    """The hours sold in year ``y`` (never prorated: they are the year's hours)."""
    return year_value(contract.hours, y)


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
