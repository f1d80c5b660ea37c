"""Staff costs: gross salaries (641), employer charges (645), FTE-years (spec §1).

>>> from decimal import Decimal as D
>>> from finplan.model.case import Project, Indexation, Staff
>>> project = Project("P", "O", 2027, years=2, start_month=7)
>>> line = Staff("Encadrant", "supervision", D(1), D(2000), D("0.42"), start_month=9)
>>> costs = staff_costs(line, project, Indexation(salaries=D("0.02")))
>>> costs.gross, costs.social, costs.fte_years
([800000, 2448000], [336000, 1028160], [Decimal('0.3333333333333333333333333333'), Decimal('1')])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from finplan.model.amounts import growth, months_active
from finplan.model.case import Indexation, Project, Staff
from finplan.model.contracts import fte_hours
from finplan.model.money import Cents, times, to_cents
from finplan.model.montecarlo import TYPED, ItemValues
from finplan.model.series import series

__all__ = ["StaffCosts", "employer_charges", "fte_years", "gross_salary", "insertion_fte",
           "staff_costs"]


@dataclass(frozen=True)
class StaffCosts:
    """One staff line's costs by year, in cents, and its FTE-years (lists for one plan;
    arrays draws × years, or one row, for the draws of a run)."""

    gross: list[Cents]
    social: list[Cents]
    fte_years: list[Decimal]


def gross_salary(staff: Staff, y: int, project: Project, indexation: Indexation,
                 values: ItemValues = TYPED, hours: Sequence[Decimal] | None = None) -> Any:
    """``gross(y) = fte(y) * monthly_gross * (1 + salaries)^(y-1) * months(y)``, in
    cents (one per draw once ``fte`` or ``monthly_gross`` varies); for a line that works
    a contract's ``hours``, ``gross(y) = fte_years(y) * 12 * monthly_gross * (1 +
    salaries)^(y-1)`` (spec §6)."""
    v = values.of("fte", "monthly_gross")
    if hours is not None:
        worked = v.number(fte_years(staff, y, project, values, hours) * 12)
    else:
        worked = v.year(staff.fte, y, "fte") * months_active(y, project, staff.start_month)
    return to_cents(worked * v.one(staff.monthly_gross, "monthly_gross")
                    * v.number(growth(indexation.salaries, y)))


def employer_charges(staff: Staff, gross: Any, values: ItemValues = TYPED) -> Any:
    """``social(y) = gross(y) * employer_rate``, on the gross rounded to the cent."""
    return times(gross, values.of("employer_rate").one(staff.employer_rate, "employer_rate"))


def fte_years(staff: Staff, y: int, project: Project, values: ItemValues = TYPED,
              hours: Sequence[Decimal] | None = None) -> Any:
    """``fte_years(y) = fte(y) * months(y) / 12``; for a line that works a contract's
    ``hours``, ``hours(y) / hours_per_fte`` (:func:`finplan.model.contracts.fte_hours`:
    the hours of one FTE, sourced)."""
    if hours is not None:
        return hours[y - 1] / fte_hours(staff).hours
    return (values.of("fte").year(staff.fte, y, "fte")
            * months_active(y, project, staff.start_month) / 12)


def staff_costs(staff: Staff, project: Project, indexation: Indexation,
                values: ItemValues = TYPED, hours: Sequence[Decimal] | None = None
                ) -> StaffCosts:
    """Gross, charges and FTE-years of a staff line for every plan year; ``values``
    the line's drawn values in a Monte Carlo run
    (:meth:`~finplan.model.montecarlo.Draws.item`); ``hours`` the hours it works each
    year when it works a contract's (:func:`finplan.model.contracts.line_hours`).

    >>> import numpy as np
    >>> from finplan.model.montecarlo import ItemValues
    >>> project = Project("P", "O", 2027, years=2, start_month=7)
    >>> line = Staff("Encadrant", "supervision", Decimal(1), Decimal(2000), Decimal("0.42"),
    ...              start_month=9)
    >>> drawn = ItemValues({"fte": np.array([[1.0], [0.5]])})
    >>> costs = staff_costs(line, project, Indexation(salaries=Decimal("0.02")), drawn)
    >>> costs.gross.tolist(), costs.social.tolist()
    ([[800000, 2448000], [400000, 1224000]], [[336000, 1028160], [168000, 514080]])
    """
    years = range(1, project.years + 1)
    gross = [gross_salary(staff, y, project, indexation, values, hours) for y in years]
    return StaffCosts(gross=series(gross),
                      social=series([employer_charges(staff, amount, values)
                                     for amount in gross]),
                      fte_years=series([fte_years(staff, y, project, values, hours)
                                        for y in years]))


def insertion_fte(lines: Sequence[Staff], costs: Sequence[StaffCosts],
                  years: int) -> list[Decimal]:
    """The FTE-years of the insertion staff lines (``kind = "insertion"``), by year.

    >>> line = Staff("CDDI", "insertion", Decimal(2), Decimal(1800), Decimal("0.1"))
    >>> insertion_fte([line], [StaffCosts([], [], [Decimal(2), Decimal("1.5")])], 2)
    [Decimal('2'), Decimal('1.5')]
    """
    return [sum((line_costs.fte_years[y] for line, line_costs in zip(lines, costs)
                 if line.kind == "insertion"), Decimal(0)) for y in range(years)]
