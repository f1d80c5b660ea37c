"""A collective's members in the workbook (spec §6): each member's result sheets,
written by the sheet writers of a single organisation from the collective's inputs.

A member's own case (:func:`finplan.model.members.member_case`) keeps its lines in the
collective's order and appends what the contracts and the contributions make of it;
:class:`MemberInputs` is the member's view of the « Hypothèses » sheet that the
writers address as they address a single organisation's: the member's ``i``-th line
is the collective's row of that line; the lines finplan adds (what the mandataire
passes on, a member's part of a contract's value, a contribution) have no input row
and are written as the engine's values; the opening cash and the approved posts are
the member's cells of « Membres du collectif »; the hours a member works are its part
of each contract's (``hours × share`` or its own hours typed in « Heures des contrats
par membre »).  Each member's sheets are named after the sheet and the member's
identifiant: « Budget (layon) ».
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from finplan.io.grid import Book, Expectations, Sheet
from finplan.io.sheets.budget import link_bridges, write_budget
from finplan.io.sheets.calculs import (
    Details,
    contract_hours_input,
    link_operating_need,
    sold_terms,
    write_details,
)
from finplan.io.sheets.controles import CheckSources, write_checks
from finplan.io.sheets.dossiers import PREFIX as DOSSIER_PREFIX
from finplan.io.sheets.dossiers import write_dossiers
from finplan.io.sheets.financeurs import link_funders, link_members_funders, write_funders
from finplan.io.sheets.graphiques import write_charts
from finplan.io.sheets.membres import MemberSheets, write_members
from finplan.io.sheets.plan import write_financing
from finplan.io.sheets.realise import TITLE as ACTUALS_TITLE
from finplan.io.sheets.realise import write_actuals
from finplan.io.sheets.rows import Linked, SheetWriter, YearInput, year_input
from finplan.io.sheets.scenarios import write_scenarios
from finplan.io.sheets.tresorerie import rate_cells, write_monthly
from finplan.io.workbook_inputs import contract_split_rows
from finplan.io.workbook_layout import (
    INPUT_SHEET,
    SHEETS,
    InputLayout,
    TableLayout,
    absolute,
    quote_sheet,
)
from finplan.io.workbook_styles import NOTE_FONT, TITLE_FONT
from finplan.model.case import Case, Member
from finplan.model.in_kind import ACCOUNTS
from finplan.model.members import MemberCase, member_case, member_of
from finplan.model.plan import PlanInternals

__all__ = ["MEMBER_MARK", "MEMBER_SHEETS", "MemberInputs", "consolidated_details",
           "extra_titles", "foreign_sheets", "member_title", "member_titles", "write_collective",
           "write_member_sheets", "write_stale"]

# The mark of a member's result sheet (its key among finplan's sheets).
MEMBER_MARK = "member"
# A member's result sheets, by the key of the single organisation's sheet.
MEMBER_SHEETS = ("funders", "details", "budget", "financing", "monthly")
_MAX_TITLE = 31  # Excel's longest sheet name


def member_title(title: str, member_id: str) -> str:
    """A member's sheet: « Budget (layon) », the identifiant cut to fit Excel's 31
    characters.

    >>> member_title("Plan de financement", "ressources")
    'Plan de financement (ressourc…)'
    """
    room = _MAX_TITLE - len(title) - 3
    shown = member_id if len(member_id) <= room else member_id[:room - 1] + "…"
    return f"{title} ({shown})"


class MemberInputs:
    """A member's view of the collective's input sheet (module docstring)."""

    def __init__(self, layout: InputLayout, case: Case, own: MemberCase) -> None:
        self.layout, self.case, self.own = layout, case, own
        member = own.member
        rows: dict[str, list[int | None]] = {}
        for key, items, generated in (
                ("staff", case.staff, 0), ("revenue", case.revenue, 0),
                ("expense", case.expenses, len(own.passed_on)),
                ("investment", case.investments, 0), ("loan", case.loans, 0),
                ("funder", case.funders, 0), ("bridge", case.bridges, 0),
                ("in_kind", case.in_kind, 0),
                ("need", [n for n in case.needs if n.is_custom], 0)):
            rows[key] = [i for i, item in enumerate(items)
                         if member_of(item, case) == member.id] + [None] * generated
        contracts = [k for k, contract in enumerate(case.contracts)
                     if member.mandataire or member.id in dict(
                         contract.split_hours or contract.split or ())]
        rows["contract"] = list(contracts)
        self.rows = rows
        self.tables = layout.tables
        split_rows = [(row["contract"], row["member"]) for contract in case.contracts
                      for row in contract_split_rows(contract)]
        self._split = {pair: index for index, pair in enumerate(split_rows)}
        self._member = next(k for k, m in enumerate(case.members) if m.id == member.id)

    def table(self, key: str) -> TableLayout:
        return self.layout.table(key)

    def cell(self, key: str, index: int, column: str, year: int | None = None) -> str:
        """The collective's cell of the member's item ``index`` of list ``key``."""
        row = self.rows[key][index]
        if row is None:
            raise ValueError(f"{key}[{index}] of {self.own.member.id} has no input row")
        return self.layout.cell(key, row, column, year)

    def generated(self, key: str, index: int) -> bool:
        if key == "contract":  # a member's part of a contract: its value is split
            return not self.own.member.mandataire
        return self.rows.get(key, [])[index] is None

    @property
    def opening_cash(self) -> str:
        return (f"{quote_sheet(INPUT_SHEET)}!"
                f"{absolute(self.layout.cell('member', self._member, 'opening_cash'))}")

    def approved_fte(self, year: int) -> YearInput | None:
        if self.own.member.approved_fte is None:
            return None
        return year_input(self.layout, "member", self._member, "approved_fte", year)

    def worked_hours(self, index: int, year: int) -> tuple[Any, ...] | None:
        contract = self.case.contracts[self.rows["contract"][index]]
        row = self._split.get((contract.id, self.own.member.id))
        if row is None:  # no split: the mandataire works them all; else none here
            shared = contract.split_hours is not None or contract.split is not None
            return ("share", None) if shared else None
        if contract.split_hours is not None:
            return ("hours", year_input(self.layout, "contract.split", row, "hours", year))
        return ("share", self.layout.cell("contract.split", row, "share"))


class _MemberBook:
    """The book as a member's writers see it: its sheets named after the member, its
    defined names its own (the collective's blocks keep theirs)."""

    def __init__(self, book: Book, member: Member) -> None:
        self.book, self.member = book, member
        self.names: dict[str, str] = {}

    def create_sheet(self, title: str, index: int | None = None) -> Sheet:
        return self.book.create_sheet(member_title(title, self.member.id), index)

    def __getitem__(self, title: str) -> Sheet:
        return self.book[member_title(title, self.member.id)]


def write_member_sheets(book: Book, plan: PlanInternals, layout: InputLayout,
                        expected: Expectations) -> list[MemberSheets]:
    """Each member's Financeurs, Calculs, Budget, Plan de financement and Trésorerie,
    in the members' order; returns each member's sheets."""
    case = plan.case
    written = []
    for member, own_plan in zip(case.members, plan.members):
        own = member_case(case, member, {f.name: list(f.amounts)
                                         for f in plan.funder_results})
        inputs = MemberInputs(layout, case, own)
        member_book: Book = _MemberBook(book, member)  # type: ignore[assignment]
        funders = write_funders(member_book, own_plan, expected)
        details = write_details(member_book, own_plan, inputs,  # type: ignore[arg-type]
                                expected, funders.cell)
        budget = write_budget(member_book, own_plan, details, funders, expected)
        link_operating_need(details, budget.operating_charges, own_plan)
        link_funders(funders, details, own_plan, inputs)  # type: ignore[arg-type]
        financing = write_financing(member_book, own_plan, details, budget, funders,
                                    expected)
        monthly = write_monthly(member_book, own_plan, expected, financing,
                                details.opening_cash, rate_cells(inputs, own_plan.case))
        link_bridges(budget, financing, monthly)
        written.append(MemberSheets(member, own_plan, funders, details, budget, financing,
                                    monthly))
    return written


def consolidated_details(plan: PlanInternals, parts: Sequence[MemberSheets], layout: InputLayout
                         ) -> Details:
    """The rows the collective's sheets refer to, each the member rows it adds up
    (:class:`~finplan.io.sheets.rows.Linked`): every line of the collective's case
    is its member's row; the contracts' values the mandataire's (it books them whole);
    the own revenue every member's revenue lines and the mandataire's contracts (a
    member's part of a contract is what the mandataire passes on to it: internal);
    the opening cash the members' sum; the variable charges the members'; the
    quantities sold at the break-even the collective's inputs (a contract's hours
    whole)."""
    case = plan.case
    linked = Linked()
    details = Details(linked)  # type: ignore[arg-type]
    by_member = {part.member.id: part for part in parts}
    mandataire = by_member[case.mandataire.id]

    def rows(items: Sequence[object], figure: str) -> list[int]:
        seen = dict.fromkeys(by_member, 0)
        found = []
        for item in items:
            owner = by_member[member_of(item, case)]
            index = seen[owner.member.id]
            seen[owner.member.id] += 1
            found.append(linked.add([(owner.details.sheet,
                                      getattr(owner.details, figure)[index])]))
        return found

    details.gross = rows(case.staff, "gross")
    details.social = rows(case.staff, "social")
    details.revenue = rows(case.revenue, "revenue")
    details.expense = rows(case.expenses, "expense")
    details.depreciation = rows(case.investments, "depreciation")
    details.interest = rows(case.loans, "interest")
    details.repaid = rows(case.loans, "repaid")
    details.contracts = [linked.add([(mandataire.details.sheet, row)])
                         for row in mandataire.details.contracts]

    def total(figure: str) -> int:
        return linked.add([(part.details.sheet, getattr(part.details, figure))
                           for part in parts])

    details.investments, details.loans = total("investments"), total("loans")
    details.release = total("release")
    details.own_revenue = linked.add(
        [(part.details.sheet, row) for part in parts for row in part.details.revenue]
        + [(mandataire.details.sheet, row) for row in mandataire.details.contracts])
    details.needs = {need.id: linked.add([(part.details.sheet, part.details.needs[need.id])
                                          for part in parts if need.id in part.details.needs])
                     for need in case.needs}
    details.opening_cash = "(" + "+".join(part.details.opening_cash for part in parts) + ")"
    details.variable = total("variable")
    if case.in_kind:
        details.in_kind = {code: linked.add([(part.details.sheet, part.details.in_kind[code])
                                             for part in parts if part.details.in_kind])
                           for code in dict.fromkeys(c for c, _ in ACCOUNTS.values())}
    details.sold = sold_terms(plan, layout, [
        lambda y, k=k: contract_hours_input(layout, k, y) for k in range(len(case.contracts))])
    return details


def write_collective(book: Book, plan: PlanInternals, layout: InputLayout, expected: Expectations,
                     notes: Sequence[str] = (), text_cells: Sequence[str] = (),
                     watched: Sequence[str] = ()) -> None:
    """A collective's result sheets: the consolidated Financeurs, Budget, Plan de
    financement, Trésorerie, Graphiques, Scénarios and Contrôles (each member's
    checks over its own sheets), « Membres », then each member's sheets."""
    parts = write_member_sheets(book, plan, layout, expected)
    details = consolidated_details(plan, parts, layout)
    funders = write_funders(book, plan, expected)
    link_members_funders(funders, [part.funders for part in parts], details, plan)
    budget = write_budget(book, plan, details, funders, expected)
    financing = write_financing(
        book, plan, details, budget, funders, expected,
        bfr_of=lambda y: "+".join(part.financing[0].ref(part.financing[2], y)
                                  for part in parts))
    monthly = write_monthly(book, plan, expected, financing, details.opening_cash,
                            rate_cells(layout, plan.case))
    link_bridges(budget, financing, monthly)
    write_charts(book, plan, expected, funders, financing, monthly, budget)
    write_scenarios(book, plan, expected)
    write_checks(book, plan, funders, details, financing, monthly, expected, notes,
                 text_cells, [(part.member.id, CheckSources(
                     part.plan, part.funders, part.details, part.financing, part.monthly))
                              for part in parts], watched)
    write_members(book, plan, parts, lambda y: details.sheet.ref(details.own_revenue, y),
                  expected)
    _write_index(book, plan, parts, expected)
    write_dossiers(book, plan, expected, funders, budget, monthly)
    write_actuals(book, plan, layout, expected, budget, funders)


def extra_titles(titles: Sequence[str]) -> list[str]:
    """The result sheets among ``titles`` beyond a single organisation's: « Membres »
    and the members' sheets (any sheet not of finplan's fixed set)."""
    fixed = set(SHEETS.values()) - {SHEETS["members"]}
    return [title for title in titles if title not in fixed]


def member_titles(plan: PlanInternals) -> list[str]:
    """The result sheets a collective has beyond a single organisation's: « Membres »,
    then each member's (none for a single organisation)."""
    if not plan.case.members:
        return []
    return [SHEETS["members"], *(member_title(SHEETS[key], member.id)
                                 for member in plan.case.members for key in MEMBER_SHEETS)]


def _write_index(book: Book, plan: PlanInternals, parts: Sequence[MemberSheets],
                 expected: Expectations) -> None:
    """A collective's « Calculs »: where each member's calculations are."""
    sheet = SheetWriter(book, "details", plan, expected)
    sheet.title("Détail des calculs", "Dans un collectif, chaque membre a ses calculs : "
                "les feuilles ci-dessous, tirées des hypothèses de ses lignes.")
    for part in parts:
        sheet.sheet.put(f"B{sheet.row}", f"{part.member.name} : feuille "
                        f"« {part.details.sheet.name} »")
        sheet.row += 1
    sheet.finish("A5", {"B": 80})


def write_stale(book: Book, title: str) -> None:
    """A result sheet of a member no longer in the collective (or of a collective now a
    single organisation), or the dossier of a funder no longer asked: a note in place
    of figures that no longer follow the inputs (finplan does not delete a sheet: it
    may hold what a user added)."""
    sheet = book.create_sheet(title)
    sheet.put("B1", title, font=TITLE_FONT)
    gone = ("Ce financeur n'a plus de demande dans le tableau « Financeurs »"
            if title.startswith(DOSSIER_PREFIX) else
            "Le tableau « Réalisé (comptes de l'année) » n'a plus de ligne d'une année du "
            "plan" if title == ACTUALS_TITLE else
            "Ce membre n'est plus dans le tableau « Membres du collectif »")
    sheet.put("B3", f"{gone} de la feuille Hypothèses : cette feuille ne contient plus de "
              "chiffres et peut être supprimée.", font=NOTE_FONT)


def foreign_sheets(titles: Sequence[str]) -> str:
    """The refusal when a user's sheet has the name of a member's result sheet."""
    listed = ", ".join(f"« {title} »" for title in titles)
    return (f"La feuille {listed} n'a pas été créée par finplan (elle porte le nom d'une "
            "feuille de résultats d'un membre, mais pas sa marque) : finplan ne la "
            "remplace pas. Renommez-la (par exemple « … (perso) ») puis relancez. Rien n'a "
            "été modifié.")
