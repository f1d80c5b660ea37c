"""Actuals against the plan (issue 16 item 6): a year's accounts, compared line by line.

The actual figures of one year come from the accounts: each account's balance, read
from the « fichier des écritures comptables » (:mod:`finplan.io.fec`) or from a table
by account. Only the result's accounts count: charges (class 6) at debit − credit,
produits (class 7) at credit − debit, and the contributions in kind at debit − credit
(86) and credit − debit (87). Each account goes to the Cerfa line of its first two
digits, as the plan's items do (:mod:`finplan.model.budget`).

The comparison puts each line of the form side by side: planned (the plan of that
year), actual, the difference (actual − planned) and the difference in per cent of the
planned amount, half-up to the tenth (:func:`~finplan.model.dossier.budget_share`);
then the totals and the result. The compte rendu financier (Cerfa n° 15059*02) shows
the same lines with their rate of completion (actual in per cent of planned), as the
arrêté du 11 octobre 2006 asks: « les écarts éventuels, exprimés en euro et en
pourcentage, constatés entre le budget prévisionnel de l'action et les réalisations ».

Per funder, for the year: the amount of the plan, the amount voted, what was received
for it and what remains. The sums received (the case's ``received``, dated) pay the
earliest years first, as the monthly cash plan reads them: the year's part is what is
left of them once the earlier years' amounts are paid (each year's voted amount, or
the plan's when none was voted yet).

>>> accounts = {"613": 1_150_000, "641": 2_000_000, "706": 800_000, "7411": 2_500_000}
>>> lines = actual_lines(accounts)
>>> lines["61"], lines["64"], lines["74"], lines["70"]
(1150000, 2000000, 2500000, 800000)
>>> received_for_year([(1, 600_000), (2, 400_000)], [1_000_000, 1_000_000], 2)
0
>>> received_for_year([(1, 1_200_000)], [1_000_000, 1_000_000], 2)
200000
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from finplan.model.budget import (
    CHARGE_LINES,
    CHARGES_TOTAL,
    IN_KIND_LINES,
    PRODUIT_LINES,
    PRODUITS_TOTAL,
    TAX_LINE,
)
from finplan.model.case import Actual, year_value
from finplan.model.dossier import budget_share
from finplan.model.money import Cents, json_number, to_cents

if TYPE_CHECKING:
    from finplan.model.plan import PlanInternals

__all__ = ["Comparison", "FunderFollowUp", "LineComparison", "accounts_of", "actual_lines",
           "actual_years", "compare", "follow_up", "net_by_account", "received_for_year",
           "result_side"]

# The form's lines of each side, in its order (69 with the charges).
_CHARGES = {**CHARGE_LINES, TAX_LINE[0]: TAX_LINE[1]}


def net_by_account(entries: Sequence[tuple[str, Cents, Cents]]) -> dict[str, Cents]:
    """Each result account's balance from ``(account, debit, credit)`` entries: a
    charge (6…, 86…) at ``debit − credit``, a produit (7…, 87…) at ``credit − debit``;
    the other accounts (balance sheet, 80–85, 88, 89) are left out.

    >>> net_by_account([("6061", 10_000, 0), ("6061", 0, 2_500), ("706", 0, 50_000),
    ...                 ("512", 47_500, 0), ("864", 3_000, 0), ("870", 0, 3_000)])
    {'6061': 7500, '706': 50000, '864': 3000, '870': 3000}
    """
    found: dict[str, Cents] = {}
    for account, debit, credit in entries:
        side = result_side(account)
        if side is None:
            continue
        amount = debit - credit if side == "charges" else credit - debit
        found[account] = found.get(account, 0) + amount
    return found


def result_side(account: str) -> str | None:
    """The side of the result an account is on: ``charges`` (6…, 86…), ``produits``
    (7…, 87…), or None (a balance-sheet account, 80–85, 88, 89).

    >>> result_side("6061"), result_side("870"), result_side("512")
    ('charges', 'produits', None)
    """
    if account.startswith(("6", "86")):
        return "charges"
    if account.startswith(("7", "87")):
        return "produits"
    return None


def accounts_of(actuals: Sequence[Actual], year: int) -> dict[str, Cents]:
    """The balances a case gives for calendar ``year`` (its ``[[actual]]`` lines, the
    workbook's « Réalisé » table), added up by account.

    >>> from finplan.model.case import Actual
    >>> accounts_of([Actual(2027, "6061", amount=Decimal("120.5")),
    ...              Actual(2027, "6061", amount=Decimal(-20)),
    ...              Actual(2028, "706", amount=Decimal(9))], 2027)
    {'6061': 10050}
    """
    found: dict[str, Cents] = {}
    for line in actuals:
        if line.year == year:
            found[line.account] = found.get(line.account, 0) + to_cents(line.amount)
    return found


def actual_years(actuals: Sequence[Actual]) -> list[int]:
    """The years a case has actual figures for, in order."""
    return sorted({line.year for line in actuals})


def actual_lines(accounts: Mapping[str, Cents]) -> dict[str, Cents]:
    """The accounts added up by Cerfa line (their first two digits): every line of the
    form present, 60 to 69, 70 to 79, 86 and 87."""
    lines = dict.fromkeys([*_CHARGES, *PRODUIT_LINES, "86", "87"], 0)
    for account, amount in accounts.items():
        lines[account[:2]] = lines.get(account[:2], 0) + amount
    return lines


@dataclass(frozen=True)
class LineComparison:
    """One line of the comparison: its code (« » for a total), its wording, the
    planned and actual amounts (cents), their difference and the difference in per cent
    of the planned amount (None: nothing was planned)."""

    code: str
    label: str
    planned: Cents
    actual: Cents

    @property
    def difference(self) -> Cents:
        """``actual − planned``."""
        return self.actual - self.planned

    @property
    def difference_percent(self) -> Decimal | None:
        """``(actual − planned) / planned``, per cent half-up to the tenth (None when
        nothing, or a loss, was planned)."""
        return budget_share(self.difference, self.planned) if self.planned > 0 else None

    @property
    def completion(self) -> Decimal | None:
        """``actual / planned``, per cent half-up to the tenth (the 15059's « % »; None
        when nothing, or a loss, was planned)."""
        return budget_share(self.actual, self.planned) if self.planned > 0 else None


@dataclass(frozen=True)
class Comparison:
    """A year's accounts against its plan: the charges side and the produits side
    (each line of the form, its total, then 86 or 87), and the result."""

    year: int
    charges: tuple[LineComparison, ...]
    produits: tuple[LineComparison, ...]
    result: LineComparison

    def to_dict(self) -> dict[str, object]:
        """The comparison in euros (JSON): each line with its planned and actual
        amounts, difference, difference in per cent and completion in per cent."""
        def row(line: LineComparison) -> dict[str, object]:
            return {"code": line.code, "label": line.label, "planned": line.planned / 100,
                    "actual": line.actual / 100, "difference": line.difference / 100,
                    "difference_percent": json_number(line.difference_percent),
                    "completion": json_number(line.completion)}
        return {"year": self.year, "charges": [row(r) for r in self.charges],
                "produits": [row(r) for r in self.produits], "result": row(self.result)}


def compare(plan: PlanInternals, accounts: Mapping[str, Cents], year: int) -> Comparison:
    """Year ``year`` of ``plan`` (a :class:`~finplan.model.plan.PlanInternals`) against the
    ``accounts`` of that year: each line 60 to 69 and its total, 86; 70 to 79 (74 with
    the grant release 747, as the plan books it) and its total, 87; the result
    (produits 70 to 79 − charges 60 to 69). Raises ValueError for a year outside the
    plan."""
    y = plan.years.index(year)
    actual = actual_lines(accounts)

    def side(lines: Mapping[str, str], planned: Mapping[str, Sequence[Cents]], total: str,
             planned_total: Cents, in_kind: str) -> tuple[LineComparison, ...]:
        rows = [LineComparison(code, text, planned.get(code, [0] * len(plan.years))[y],
                               actual[code]) for code, text in lines.items()]
        rows.append(LineComparison("", total, planned_total,
                                   sum(row.actual for row in rows)))
        rows.append(LineComparison(in_kind, IN_KIND_LINES[in_kind],
                                   plan.in_kind.total[y], actual[in_kind]))
        return tuple(rows)

    charges = side(_CHARGES, plan.charges, CHARGES_TOTAL, plan.charges_total[y], "86")
    produits = side(PRODUIT_LINES, plan.produits, PRODUITS_TOTAL, plan.produits_total[y],
                    "87")
    result = LineComparison("", "Résultat (produits 70 à 79 − charges 60 à 69)",
                            plan.result[y], produits[-2].actual - charges[-2].actual)
    return Comparison(year, charges, produits, result)


def received_for_year(received: Sequence[tuple[object, Cents]], amounts: Sequence[Cents],
                      y: int) -> Cents:
    """What of the sums ``received`` (dated, any order) pays plan year ``y`` (from 1):
    they pay the earliest years' ``amounts`` first (module docstring)."""
    total = sum(amount for _, amount in received)
    earlier = sum(amounts[:y - 1])
    return max(0, min(amounts[y - 1], total - earlier))


@dataclass(frozen=True)
class FunderFollowUp:
    """A funder's request for one year: the plan's amount, the amount voted (None: not
    decided), what was received for it, what remains, and what it paid in the calendar
    year (cents)."""

    name: str
    status: str | None
    planned: Cents
    voted: Cents | None
    received: Cents
    remaining: Cents
    paid_in_year: Cents

    def to_dict(self) -> dict[str, object]:
        """In euros (JSON)."""
        return {"name": self.name, "status": self.status, "planned": self.planned / 100,
                "voted": None if self.voted is None else self.voted / 100,
                "received": self.received / 100, "remaining": self.remaining / 100,
                "paid_in_year": self.paid_in_year / 100}


def follow_up(plan: PlanInternals, year: int) -> tuple[FunderFollowUp, ...]:
    """Each funder asked (own funds aside) for calendar ``year`` of ``plan``: planned,
    voted, received for that year (:func:`received_for_year`), remaining (voted, else
    planned, − received) and the sums dated in that year."""
    y = plan.years.index(year) + 1
    found = []
    for funding in plan.funder_results:
        funder = funding.funder
        if funding.type == "own":
            continue
        votes = [None if funder.voted is None or year_value(funder.voted, k) is None
                 else to_cents(year_value(funder.voted, k)) for k in range(1, len(plan.years) + 1)]
        owed = [funding.amounts[k] if vote is None else vote for k, vote in enumerate(votes)]
        receipts = [(day, to_cents(amount)) for day, amount in funder.received or ()]
        received = received_for_year(receipts, owed, y)
        found.append(FunderFollowUp(
            funding.name, funding.statuses()[y - 1], funding.amounts[y - 1], votes[y - 1],
            received, owed[y - 1] - received,
            sum(amount for day, amount in receipts
                if isinstance(day, datetime.date) and day.year == year)))
    return tuple(found)
