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

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from finplan.model.amounts import growth, months_active, year_value
from finplan.model.case import Indexation, Project, Staff
from finplan.model.money import Cents, times, to_cents

if TYPE_CHECKING:  # the *_draws twins import numpy when called
    from finplan.model.montecarlo import Draws

__all__ = ["StaffCosts", "employer_charges", "fte_years", "gross_salary", "staff_costs",
           "staff_costs_draws"]


@dataclass(frozen=True)
class StaffCosts:
    """One staff line's costs by year, in cents, and its FTE-years."""

    gross: list[Cents]
    social: list[Cents]
    fte_years: list[Decimal]


def gross_salary(staff: Staff, y: int, project: Project, indexation: Indexation) -> Cents:
    """``gross(y) = fte(y) * monthly_gross * (1 + salaries)^(y-1) * months(y)``."""
    months = months_active(y, project, staff.start_month)
    return to_cents(year_value(staff.fte, y) * staff.monthly_gross
                    * growth(indexation.salaries, y) * months)


def employer_charges(staff: Staff, gross: Cents) -> Cents:
    """``social(y) = gross(y) * employer_rate``, on the gross rounded to the cent."""
    return times(gross, staff.employer_rate)


def fte_years(staff: Staff, y: int, project: Project) -> Decimal:
    """``fte_years(y) = fte(y) * months(y) / 12``."""
    return year_value(staff.fte, y) * months_active(y, project, staff.start_month) / 12


def staff_costs(staff: Staff, project: Project, indexation: Indexation) -> StaffCosts:
    """Gross, charges and FTE-years of a staff line for every plan year."""
    years = range(1, project.years + 1)
    gross = [gross_salary(staff, y, project, indexation) for y in years]
    return StaffCosts(gross=gross,
                      social=[employer_charges(staff, amount) for amount in gross],
                      fte_years=[fte_years(staff, y, project) for y in years])


def staff_costs_draws(staff: Staff, draws: Draws, index: int, project: Project,
                      indexation: Indexation) -> StaffCosts:
    """:func:`staff_costs` for each draw (``staff`` is the case's ``index``-th line):
    gross and charges draws × years, FTE-years as Decimals (one row) or floats.
    A line nothing varies keeps the scalar rule's figures as one row.

    >>> import numpy as np
    >>> from finplan.model.case import Project, Indexation, Staff
    >>> from finplan.model.montecarlo import Draws, Target
    >>> project = Project("P", "O", 2027, years=2, start_month=7)
    >>> line = Staff("Encadrant", "supervision", Decimal(1), Decimal(2000), Decimal("0.42"),
    ...              start_month=9)
    >>> draws = Draws({Target("staff", 0, "fte"): np.array([1.0, 0.5])}, 2)
    >>> costs = staff_costs_draws(line, draws, 0, project, Indexation(salaries=Decimal("0.02")))
    >>> costs.gross.tolist(), costs.social.tolist()
    ([[800000, 2448000], [400000, 1224000]], [[336000, 1028160], [168000, 514080]])
    """
    import numpy as np

    costs = staff_costs(staff, project, indexation)
    gross, social = draws.row(costs.gross), draws.row(costs.social)
    fte_years: object = costs.fte_years
    years = project.years
    if draws.varies("staff", index, "fte", "monthly_gross"):
        fte = draws.values(staff.fte, years, draws.factor("staff", index, "fte"))
        monthly = float(staff.monthly_gross) * draws.factor_or_one("staff", index,
                                                                   "monthly_gross")
        months = np.array([months_active(y, project, staff.start_month)
                           for y in range(1, years + 1)], dtype=np.float64)
        indexed = np.array([float(growth(indexation.salaries, y))
                            for y in range(1, years + 1)])
        gross = to_cents(fte * monthly[:, None] * indexed * months)
        if draws.varies("staff", index, "fte"):  # else the exact FTE-years stand
            fte_years = fte * months / 12
    employer = draws.factor("staff", index, "employer_rate")
    if employer is not None:
        social = to_cents(gross * (float(staff.employer_rate) * employer)[:, None]
                                / 100)
    elif draws.varies("staff", index, "fte", "monthly_gross"):
        social = times(gross, staff.employer_rate)
    return StaffCosts(gross=gross, social=social, fte_years=fte_years)
