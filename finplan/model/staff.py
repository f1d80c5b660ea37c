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

from finplan.model.amounts import growth, months_active, year_value
from finplan.model.case import Indexation, Project, Staff
from finplan.model.money import Cents, times, to_cents

__all__ = ["StaffCosts", "employer_charges", "fte_years", "gross_salary", "staff_costs"]


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
