"""Raw case data (a dict, as read from TOML or a workbook) -> validated :class:`Case`.

One validation for every source.  Each problem becomes an
:class:`~finplan.errors.Issue` naming its key path (``funder[3].cap``, indexes
from 0), what was expected and what was found, in French; all issues of a case
are collected and raised together as one :class:`~finplan.errors.CaseError`.

>>> case = validate_case({
...     "format": "finplan/1",
...     "project": {"name": "Épicerie", "organisation": "Asso", "first_year": 2027},
... })
>>> case.project.years, case.project.start_month
(3, 1)
>>> validate_case({"format": "finplan/1", "project": {"name": "x", "organisation": "y",
...                "first_year": 2027, "start_month": 13}})
Traceback (most recent call last):
...
finplan.errors.CaseError: Le dossier contient 1 erreur :
- project.start_month : attendu un entier de 1 à 12, trouvé « 13 ».
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from finplan.errors import (
    CaseError,
    Issue,
    choice,
    choices,
    listed,
    num,
    per_year,
    ref,
    section,
    strip_terms,
    syntax,
)
from finplan.errors import key as field_term
from finplan.model.bridging import TIED_KINDS
from finplan.model.case import (
    BUILTIN_NEEDS,
    Actual,
    Bridge,
    Case,
    Contract,
    Contribution,
    Expense,
    Funder,
    Indexation,
    Investment,
    Loan,
    Member,
    MonteCarlo,
    Need,
    PerYear,
    Project,
    Revenue,
    Staff,
    Variation,
    year_value,
)
from finplan.model.decisions import DECIDED, PENDING, status_of
from finplan.model.fields import MAX_YEARS, REQUIRED, Field, case_keys
from finplan.model.fields import section as section_of
from finplan.model.funders import counts_for
from finplan.model.money import format_percent
from finplan.model.montecarlo import target_of
from finplan.model.names import clean_text, name_key
from finplan.model.needs import COVERED_KINDS, reference, split_reference
from finplan.model.scenarios import PathError, Scenario, set_path
from finplan.model.vocabulary import VOCABULARY, counted, normalise
from finplan.rates import CONTRACTS, UnknownRate, aide_au_poste

__all__ = ["FORMAT", "LIMITS", "show", "validate_case"]

FORMAT = "finplan/1"

# Largest sizes finplan accepts (see docs/case-file.md).
LIMITS = {"years": MAX_YEARS, "items": 200, "text": 200,
          "number": Decimal(10) ** 11}

_MISSING = object()
_INVALID = object()

_TOP_KEYS = ("format", "project", "indexation", "working_capital", "member", "staff",
             "revenue", "contract", "expense", "investment", "loan", "needs", "need",
             "funder", "in_kind", "actual", "bridge", "scenario", "montecarlo")
_BUILTIN_LABELS = {"operating": "Fonctionnement (déficit d'exploitation)",
                   "investment": "Investissement (non couvert par les emprunts)"}
_FUNDER_RULE_KEYS = {
    "fixed": {"amount"},
    "rate": {"rate"},
    "share": {"weight"},
    "per_fte": {"amount_per_fte", "staff_kind", "contract", "modulated"},
    "residual": set(),
}
_RULE_ONLY_KEYS = set().union(*_FUNDER_RULE_KEYS.values())
_NEED_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
# Characters a workbook cannot hold (XML 1.0 forbids them); tab and line breaks pass.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def show(value: Any) -> str:
    """A user's value as quoted in a French error message."""
    if value is _MISSING:
        return "rien (clé absente)"
    if isinstance(value, bool):
        return f"« {syntax('true' if value else 'false')} »"
    if isinstance(value, Mapping):
        return "une table"
    if isinstance(value, (list, tuple)):
        items = [show(item).strip("« »") for item in value[:12]]
        return f"« {listed([*items, '…'] if len(value) > 12 else items)} »"
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return _show_moment(value)
    if isinstance(value, int) and value.bit_length() > 200:  # str() refuses > 4 300 digits
        return f"un nombre de plus de {int(value.bit_length() * 0.30103)} chiffres"
    text = strip_terms(str(value))
    if len(text) > 60:
        text = text[:57] + "…"
    if isinstance(value, (int, Decimal)):
        return f"« {num(text)} »"
    return f"« {text} »"


def _show_moment(value: datetime.date | datetime.time | datetime.timedelta) -> str:
    """A date or a time from a spreadsheet cell, as a French user reads it."""
    if isinstance(value, datetime.datetime):
        text = value.strftime("%d/%m/%Y") + (value.strftime(" %H:%M") if value.time()
                                             != datetime.time() else "")
        return f"« {text} » (une date)"
    if isinstance(value, datetime.date):
        return f"« {value.strftime('%d/%m/%Y')} » (une date)"
    if isinstance(value, datetime.time):
        return f"« {value.strftime('%H:%M')} » (une heure)"
    return f"« {value} » (une durée)"


MISSING_TEXT = show(_MISSING)  # how an absent value is quoted in messages


def _as_decimal(value: Any) -> Decimal | None:
    """A finite Decimal for a number (int, Decimal, float), None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return None


class _Checker:
    """Collects issues while reading a raw case."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.years: int | None = None

    # -- reporting ------------------------------------------------------------
    def fail(self, path: str, expected: str | None = None, found: Any = _MISSING, *,
             problem: str | None = None, hint: str | None = None,
             context: str | None = None) -> object:
        self.issues.append(Issue(path, expected, None if problem else show(found),
                                 problem=problem, hint=hint, context=context))
        return _INVALID

    # -- structure ------------------------------------------------------------
    def table(self, value: Any, path: str, keys: tuple[str, ...] | set[str],
              context: str | None = None) -> dict | None:
        """A table (dict) whose keys are all known; None if not a table."""
        if not isinstance(value, Mapping):
            self.fail(path, "une table de clés", value, context=context)
            return None
        if context is None:
            context = _named(value)
        for key in value:
            if key not in keys:
                known = ", ".join(sorted(keys))
                self.fail(f"{path}.{key}" if path else str(key), problem=(
                    f"clé inconnue « {strip_terms(str(key))} »"),
                    hint=f"clés possibles : {known}",
                    context=context)
        return dict(value)

    def line(self, raw: Any, path: str, key: str) -> tuple[dict | None, str | None]:
        """A line of list ``key`` (:meth:`table` with the section's keys) and how its
        messages name it: its name, label or role (None, None: not a table)."""
        table = self.table(raw, path, case_keys(key))
        return table, None if table is None else _named(table)

    def array(self, raw: Mapping, key: str) -> list:
        """The array of tables ``[[key]]`` (empty when absent)."""
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            return []
        if not isinstance(value, (list, tuple)):
            self.fail(key, f"une liste de lignes {section(key)}", value)
            return []
        if len(value) > LIMITS["items"]:
            self.fail(key, problem=f"{len(value)} lignes, au plus {LIMITS['items']} "
                      "sont acceptées")
            return []
        return list(value)

    def described(self, key: str, table: Mapping, path: str, fields: dict,
                  context: str | None) -> dict:
        """The values of a line of list ``key``, read in its table of fields' order
        (:mod:`finplan.model.fields`), each as its field describes it (its kind, bounds,
        default) unless ``fields`` gives it: a value read by hand beforehand, or a
        function of no argument that reads it by hand in its turn, for the values
        whose checks say more than the table. A text of the case such as a line's
        comment needs no code here."""
        values = {}
        for described in section_of(key).fields:
            name = described.attribute or described.key
            if name in fields:
                given = fields[name]
                values[name] = given() if callable(given) else given
            elif described.case and described.key != "member":
                values[name] = self.field(key, table, described, path, context)
        return values

    def field(self, key: str, table: Mapping, described: Field, path: str,
              context: str | None, required: bool | None = None) -> Any:
        """One value of a line of list ``key`` read as its field says: its kind, whether
        it takes a value a year, its bounds and default; ``required``: whether it must be
        given, when the line's other values say (by default, when it has no default)."""
        if required is None:
            required = described.default is REQUIRED
        default = None if required else described.default
        kind = described.kind
        high = 1 if kind == "fraction" and described.high is None else described.high
        if kind == "choice" and described.per_year:
            return self.choices(table, described.key, path, described.field,
                                required=required, context=context)
        if kind in ("number", "fraction") and described.per_year:
            return self.per_year(table, described.key, path, required=required,
                                 low=described.low, high=high, context=context)
        if kind in ("number", "fraction"):
            return self.number(table, described.key, path, low=described.low, high=high,
                               above=described.above,
                               default=_MISSING if required else default,
                               expected=_expected(described.expected), context=context)
        readers: dict[str, Callable[[], Any]] = {
            "text": lambda: self.text(table, described.key, path, context=context,
                                      required=required, default=default),
            "integer": lambda: self.integer(table, described.key, path, described.low,
                                            high, default=_MISSING if required else default,
                                            context=context),
            "choice": lambda: self.choice(table, described.key, path, described.field,
                                          required=required, default=default,
                                          context=context),
            "yes_no": lambda: self.yes_no(table, described.key, path, default,
                                          context=context),
            "account": lambda: _account(self, table, path,
                                        "expense" if key == "expense" else "revenue",
                                        context),
            "profile": lambda: _monthly_profile(self, table, path, context),
            "payments": lambda: _payments(self, table, path, context),
            "date": lambda: self.date(table.get(described.key, _MISSING),
                                      f"{path}.{described.key}", context=context),
            "receipts": lambda: _receipts(self, table, path, context),
        }
        if kind not in readers:
            raise NotImplementedError(f"{described.key}: a {kind} is read by hand in "
                                      "finplan.model.validation")
        return readers[kind]()

    def value(self, key: str, table: Mapping, name: str, path: str,
              context: str | None, required: bool | None = None) -> Any:
        """The value of field ``name`` of a line of list ``key``, read as
        :meth:`field` reads it: for a value a check needs before the line's others, or
        one that must be given or not depending on them."""
        described = next(f for f in section_of(key).fields if f.key == name)
        return self.field(key, table, described, path, context, required)

    # -- scalar values --------------------------------------------------------
    def text(self, raw: Mapping, key: str, path: str, *, required: bool = True,
             default: str | None = None, context: str | None = None) -> Any:
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            if required:
                return self.fail(f"{path}.{key}", "un texte (obligatoire)", value,
                                 context=context)
            return default
        if isinstance(value, str) and _CONTROL.search(value):
            return self.fail(f"{path}.{key}", problem="le texte contient un caractère de "
                             "contrôle invisible (copié d'un autre logiciel ?) qu'un "
                             "classeur Excel ne peut pas contenir", hint="retapez ce texte",
                             context=context)
        if isinstance(value, str):
            value = clean_text(value)  # NFC, no invisible characters: model/names.py
        if not isinstance(value, str) or not value:
            return self.fail(f"{path}.{key}", "un texte non vide", value, context=context)
        if len(value) > LIMITS["text"]:
            return self.fail(f"{path}.{key}", f"un texte d'au plus {LIMITS['text']} "
                             "caractères", value, context=context)
        return value.strip()

    def choice(self, raw: Mapping, key: str, path: str, field: str, *,
               required: bool = True, default: str | None = None,
               context: str | None = None) -> Any:
        value = raw.get(key, _MISSING)
        expected = f"l'une des valeurs {choices(field, VOCABULARY[field])}"
        if value is _MISSING:
            if required:
                return self.fail(f"{path}.{key}", expected, value, context=context)
            return default
        canonical = normalise(field, value) if isinstance(value, str) else None
        if canonical is None:
            return self.fail(f"{path}.{key}", expected, value, context=context)
        return canonical

    def yes_no(self, raw: Mapping, key: str, path: str, default: bool | None, *,
               context: str | None = None) -> Any:
        """A yes or no (``true`` or ``false``)."""
        value = raw.get(key, default)
        if not isinstance(value, bool):
            return self.fail(f"{path}.{key}", f"{syntax('true')} ou {syntax('false')}",
                             value, context=context)
        return value

    def choices(self, raw: Mapping, key: str, path: str, field: str, *,
                required: bool = True, context: str | None = None) -> Any:
        """A choice a year: one value (every year), or a list of exactly ``years``
        values (None: not given)."""
        value = raw.get(key, _MISSING)
        expected = (f"l'une des valeurs {choices(field, VOCABULARY[field])}, ou "
                    f"{per_year(self.years or None)}")
        if value is _MISSING:
            return self.fail(f"{path}.{key}", expected, value, context=context) \
                if required else None
        if not isinstance(value, (list, tuple)):
            return self.choice(raw, key, path, field, context=context)
        if self.years is not None and len(value) != self.years:
            return self.fail(f"{path}.{key}", expected, value, hint=f"la liste a "
                             f"{counted(len(value), 'valeur')} au lieu de {self.years}, une "
                             "par année du plan", context=context)
        items = [self.choice({f"{key}[{index}]": item}, f"{key}[{index}]", path, field,
                             context=context) for index, item in enumerate(value)]
        return _INVALID if _INVALID in items else tuple(items)

    def date(self, value: Any, path: str, *, context: str | None = None) -> Any:
        """A date: a TOML date, ``"2027-03-15"`` or ``"15/03/2027"`` (None: not
        given)."""
        if value is _MISSING or value is None:
            return None
        found = _as_date(value)
        if found is None:
            return self.fail(path, f"une date, par exemple {syntax('date')}", value,
                             context=context)
        return found

    def integer(self, raw: Mapping, key: str, path: str, low: int, high: int, *,
                default: Any = _MISSING, context: str | None = None) -> Any:
        value = raw.get(key, _MISSING)
        if value is _MISSING and default is not _MISSING:
            return default
        number = _as_decimal(value)
        if number is None or number != number.to_integral_value() or not low <= number <= high:
            return self.fail(f"{path}.{key}", f"un entier de {num(low)} à {num(high)}", value,
                             context=context)
        return int(number)

    def number(self, raw: Mapping, key: str, path: str, *, low: Decimal | int | None = 0,
               high: Decimal | int | None = None, above: bool = False,
               default: Any = _MISSING, expected: str | None = None,
               hint: str | None = None, context: str | None = None) -> Any:
        value = raw.get(key, _MISSING)
        if value is _MISSING and default is not _MISSING:
            return default
        return self.check_number(value, f"{path}.{key}", low=low, high=high, above=above,
                                 expected=expected, hint=hint, context=context)

    def check_number(self, value: Any, path: str, *, low: Decimal | int | None = 0,
                     high: Decimal | int | None = None, above: bool = False,
                     expected: str | None = None, hint: str | None = None,
                     context: str | None = None) -> Any:
        number = _as_decimal(value)
        too_low = number is not None and low is not None and (
            number <= low if above else number < low)
        too_high = number is not None and high is not None and number > high
        if number is not None and abs(number) > LIMITS["number"]:
            return self.fail(path, problem=f"nombre trop grand ({show(value)}) : finplan "
                             "accepte au plus 100 milliards", context=context)
        if number is None or too_low or too_high:
            if expected is None:
                expected = _range_text(low, high, above)
            if number is not None and too_high and high == 1 and number <= 100:
                hint = hint or (f"{num(number)} vaut {num(number * 100)} % : pour "
                                f"{num(number)} %, écrivez {num(number / 100)} ou "
                                f"{num(number)} %")
            return self.fail(path, expected, value, hint=hint, context=context)
        return number

    def per_year(self, raw: Mapping, key: str, path: str, *, required: bool = True,
                 low: int | Decimal = 0, high: Decimal | int | None = None,
                 context: str | None = None) -> Any:
        """A per-year value: one number, or a list of exactly ``years`` numbers."""
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            if required:
                return self.fail(f"{path}.{key}", self._per_year_text(low, high), value,
                                 context=context)
            return None
        if isinstance(value, (list, tuple)):
            if self.years is not None and len(value) != self.years:
                return self.fail(
                    f"{path}.{key}", self._per_year_text(low, high), value,
                    hint=f"la liste a {counted(len(value), 'valeur')} au lieu de {self.years}, "
                    "une par année du plan", context=context)
            items = [self.check_number(item, f"{path}.{key}[{index}]", low=low, high=high,
                                       context=context) for index, item in enumerate(value)]
            if any(item is _INVALID for item in items):
                return _INVALID
            return tuple(items)
        number = self.check_number(value, f"{path}.{key}", low=low, high=high,
                                   expected=self._per_year_text(low, high), context=context)
        return number

    def _per_year_text(self, low: Any, high: Any) -> str:
        return f"{_range_text(low, high, False)}, ou {per_year(self.years or None)}"


def _expected(text: str | None) -> str | None:
    """A field's ``expected`` text, its numbers in braces written as the source does
    (« 0,02 » in a workbook, « 0.02 » in a case file)."""
    return None if text is None else re.sub(r"\{(-?[0-9.]+)\}",
                                            lambda found: num(found.group(1)), text)


def _range_text(low: Any, high: Any, above: bool) -> str:
    if low is None and high is None:
        return "un nombre"
    if high is None:
        if low == 0:
            return "un nombre strictement positif" if above else "un nombre positif ou nul"
        return f"un nombre {'supérieur' if above else 'supérieur ou égal'} à {num(low)}"
    if low is None:
        return f"un nombre inférieur ou égal à {num(high)}"
    if (low, high) == (0, 1):
        return f"une fraction entre 0 et 1 (13 % s'écrit {num('0.13')} ou 13 %)"
    return f"un nombre entre {num(low)} et {num(high)}"


def validate_case(raw: Any) -> Case:
    """Validate a raw case (nested dicts/lists of str, int, Decimal, float).

    Returns a frozen :class:`Case`; raises :class:`CaseError` listing every
    issue found.
    """
    check = _Checker()
    top = check.table(raw, "", _TOP_KEYS)
    if top is None:
        raise CaseError(check.issues)
    if top.get("format", _MISSING) != FORMAT:
        check.fail("format", f"« {FORMAT} »", top.get("format", _MISSING),
                   hint=f'écrivez format = "{FORMAT}" en tête du fichier')
    project = _project(check, top)
    indexation = _indexation(check, top)
    days = _working_capital(check, top)
    members = _members(check, top)
    owners: dict[str, list] = {}
    top = _without_members(check, top, members, owners)
    contracts = _contracts(check, top, members)
    # the ids typed, even on a contract with another mistake (said there)
    contract_ids = {raw.get("id") for raw in check.array(top, "contract")
                    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str)}
    staff = tuple(_staff(check, item, f"staff[{i}]", project, contract_ids)
                  for i, item in enumerate(check.array(top, "staff")))
    revenue = tuple(_revenue(check, item, f"revenue[{i}]")
                    for i, item in enumerate(check.array(top, "revenue")))
    expenses = tuple(_expense(check, item, f"expense[{i}]")
                     for i, item in enumerate(check.array(top, "expense")))
    investments = tuple(_investment(check, item, f"investment[{i}]", project)
                        for i, item in enumerate(check.array(top, "investment")))
    loans = tuple(_loan(check, item, f"loan[{i}]", project)
                  for i, item in enumerate(check.array(top, "loan")))
    needs = _needs(check, top, staff, expenses)
    funders = tuple(_funder(check, item, f"funder[{i}]")
                    for i, item in enumerate(check.array(top, "funder")))
    _cross_checks(check, project, staff, needs, funders, _owner_of(members, owners))
    bridges = _bridges(check, top, project, needs, funders, _owner_of(members, owners))
    in_kind = tuple(_contribution(check, item, f"in_kind[{i}]")
                    for i, item in enumerate(check.array(top, "in_kind")))
    actuals = tuple(_actual(check, item, f"actual[{i}]", project)
                    for i, item in enumerate(check.array(top, "actual")))
    raw_scenarios = check.array(top, "scenario")
    montecarlo = _montecarlo(check, top)
    if check.issues:
        raise CaseError(check.issues)
    case = Case(project=project, indexation=indexation, working_capital_days=days,
                staff=staff, revenue=revenue, contracts=contracts, expenses=expenses,
                investments=investments,
                loans=loans, needs=needs, funders=funders, bridges=bridges,
                in_kind=in_kind, actuals=actuals, montecarlo=montecarlo)
    if members:
        case = _owned(check, replace(case, members=members), owners)
        if check.issues:
            raise CaseError(check.issues)
    scenarios = _scenarios(check, raw_scenarios, {k: v for k, v in top.items()
                                                  if k != "scenario"})
    if check.issues:
        raise CaseError(check.issues)
    return replace(case, scenarios=scenarios)


# the lists whose lines may name their member: Case field
_OWNED = {"staff": "staff", "revenue": "revenue", "expense": "expenses",
          "investment": "investments", "loan": "loans", "funder": "funders",
          "need": "needs", "bridge": "bridges", "in_kind": "in_kind"}


def _members(check: _Checker, top: Mapping) -> tuple:
    """``[[member]]``: the structures of a collective (spec §6), exactly one of them
    the mandataire."""
    members: list = []
    for index, raw in enumerate(check.array(top, "member")):
        members.append(_member(check, raw, f"member[{index}]",
                               [m.id for m in members if m is not _INVALID]))
    valid = [m for m in members if m is not _INVALID]
    if members and len(valid) == len(members) and sum(m.mandataire for m in valid) != 1:
        chosen = [m.name for m in valid if m.mandataire]
        check.fail("member", problem=("aucun membre n'est le mandataire" if not chosen else
                   "plusieurs membres sont mandataires (" + ", ".join(chosen) + ")"),
                   hint=f"un seul membre porte {_key('member', 'mandataire')} = "
                   f"{syntax('true')} : celui qui répond aux contrats pour le collectif")
    if members and isinstance(top.get("project"), Mapping) and top["project"].get(
            "opening_cash", 0) != 0:  # 0: a workbook's empty project cash, harmless
        check.fail("project.opening_cash", problem="dans un collectif, chaque membre a sa "
                   f"propre trésorerie de départ ({_key('member', 'opening_cash')})",
                   hint=f"retirez {_key('project', 'opening_cash')} et donnez-la à chaque "
                   "membre")
    return tuple(valid) if len(valid) == len(members) else tuple(members)


def _member(check: _Checker, raw: Any, path: str, taken: list[str]) -> Any:
    """One ``[[member]]`` line, its id not one of ``taken``."""
    table, context = check.line(raw, path, "member")
    if table is None:
        return _INVALID
    return _build(Member, check.described("member", table, path, {
        "id": lambda: _identifier(check, table, path, context, taken)}, context))


def _without_members(check: _Checker, top: Mapping, members: tuple,
                     owners: dict[str, list]) -> dict:
    """``top`` with the ``member`` key taken out of every line (each line's function
    then reads it as without members); ``owners`` gets, per list, the member named by
    each line (None: none named), checked against the members."""
    ids = [m.id for m in members if m is not _INVALID]
    stripped = dict(top)
    funders = top.get("funder")
    for index, raw in enumerate(funders if isinstance(funders, (list, tuple)) else ()):
        if isinstance(raw, Mapping) and "paid_by" in raw and not members:
            check.fail(f"funder[{index}].paid_by", problem=f"{_key('funder', 'paid_by')} ne "
                       f"s'utilise que dans un collectif, décrit par des lignes "
                       f"{section('member')}", hint="retirez-le, ou décrivez les membres",
                       context=_quoted(raw.get("name")))
    for key in _OWNED:
        items = top.get(key)
        if not isinstance(items, (list, tuple)):
            continue
        found, lines = [], []
        for index, raw in enumerate(items):
            if not isinstance(raw, Mapping) or "member" not in raw:
                found.append(None)
                lines.append(raw)
                continue
            path = f"{key}[{index}].member"
            context = next((_quoted(raw.get(name)) for name in ("name", "label", "role")
                            if _quoted(raw.get(name))), None)
            value = raw["member"]
            if not members:
                check.fail(path, problem=f"{_key(key, 'member')} ne s'utilise que dans un "
                           f"collectif, décrit par des lignes {section('member')}",
                           hint="retirez-le, ou décrivez les membres", context=context)
            elif not isinstance(value, str) or value not in ids:
                check.fail(path, f"l'identifiant d'un membre : {listed(ids)}", value,
                           context=context)
            found.append(value if isinstance(value, str) else None)
            lines.append({name: item for name, item in raw.items() if name != "member"})
        owners[key] = found
        stripped[key] = lines
    return stripped


def _owned(check: _Checker, case: Case, owners: dict[str, list]) -> Case:
    """A collective's case, each line with the member it names; the rules that tie
    lines to members: a contract's split names members, a staff line works the hours
    of a contract that gives its member a share."""
    changes = {}
    for key, field in _OWNED.items():
        items = list(getattr(case, field))
        offset = len(BUILTIN_NEEDS) if key == "need" else 0
        for index, member in enumerate(owners.get(key, [])):
            if member is not None:
                items[index + offset] = replace(items[index + offset], member=member)
        changes[field] = tuple(items)
    case = replace(case, **changes)
    names = {m.id: m.name for m in case.members}
    for index, funder in enumerate(case.funders):
        if funder.paid_by is None:
            continue
        receiver = funder.member or case.mandataire.id
        problem = None
        if funder.paid_by not in names:
            check.fail(f"funder[{index}].paid_by", f"l'identifiant d'un membre : "
                       f"{listed(list(names))}", funder.paid_by, context=_quoted(funder.name))
            continue
        if receiver != case.mandataire.id:
            problem = (f"une contribution de membre finance un besoin du mandataire "
                       f"(« {case.mandataire.name} »), pas d'un autre membre")
        elif funder.paid_by == receiver:
            problem = ("le mandataire ne se verse pas de contribution à lui-même : ce sont "
                       "ses fonds propres")
        if problem:
            check.fail(f"funder[{index}].paid_by", problem=problem,
                       context=_quoted(funder.name))
    for index, line in enumerate(case.staff):
        if line.hours_from is None:
            continue
        contract = case.contract(line.hours_from)
        owner = line.member or case.mandataire.id
        shared = dict(contract.split_hours or contract.split or
                      {case.mandataire.id: 1})
        if owner not in shared:
            names = {m.id: m.name for m in case.members}
            check.fail(f"staff[{index}].hours_from", problem=f"le contrat « {contract.id} » "
                       f"ne donne pas d'heures à « {names[owner]} », le membre de ce "
                       "personnel", hint=f"ajoutez ce membre à {_key('contract', 'split')} "
                       f"(ou {_key('contract', 'split_hours')}) "
                       "ou rattachez ce personnel à un membre qui a des heures",
                       context=_quoted(line.role))
    return case


def _scenarios(check: _Checker, items: list, base: dict) -> tuple[Scenario, ...]:
    """``[[scenario]]``: a unique name and a ``set`` table of key path -> value; each
    scenario's case must itself be valid."""
    scenarios: list[Scenario] = []
    for index, raw in enumerate(items):
        path = f"scenario[{index}]"
        table = check.table(raw, path, ("name", "set"))
        if table is None:
            continue
        name = check.text(table, "name", path)
        overrides = table.get("set", _MISSING)
        if not isinstance(overrides, Mapping) or not overrides:
            check.fail(f"{path}.set", "des valeurs à remplacer, par exemple "
                       f"{syntax('scenario_set')}", overrides)
            continue
        if name is _INVALID:
            continue
        same = next((number for number, other in enumerate(scenarios)
                     if name_key(other.name) == name_key(name)), None)
        if same is not None:
            check.fail(f"{path}.name", problem=f"le nom « {name} » est déjà celui d'un "
                       f"autre scénario ({ref(f'scenario[{same}]')}, « {scenarios[same].name} »), "
                       "même s'il s'écrit peut-être autrement (accents composés, espaces "
                       "ou caractères invisibles)", hint="donnez à chaque scénario un nom "
                       "unique")
            continue
        changed = base
        try:
            for key_path, value in overrides.items():
                changed = set_path(changed, key_path, value)
        except PathError as error:
            check.fail(f"{path}.set", problem=str(error), context=_quoted(name))
            continue
        try:
            validate_case(changed)
        except CaseError as error:
            for issue in error.issues:
                check.fail(f"{path}.set", problem=f"dans ce scénario, {issue.where} : "
                           f"{issue.text}",
                           context=_quoted(name))
            continue
        scenarios.append(Scenario(name, tuple(
            (key_path, _frozen(value)) for key_path, value in overrides.items())))
    return tuple(scenarios)


_DISTRIBUTION_KEYS = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"),
                      "normal": ("sd",)}


def _montecarlo(check: _Checker, top: Mapping) -> MonteCarlo | None:
    """``[montecarlo]``: draws, seed and ``[[montecarlo.vary]]`` (see model/montecarlo.py)."""
    raw = top.get("montecarlo", _MISSING)
    if raw is _MISSING:
        return None
    table = check.table(raw, "montecarlo", (*case_keys("montecarlo"), "vary"))
    if table is None:
        return None
    draws = check.value("montecarlo", table, "draws", "montecarlo", None)
    seed = check.value("montecarlo", table, "seed", "montecarlo", None)
    items = table.get("vary", _MISSING)
    if not isinstance(items, (list, tuple)) or not items:
        check.fail("montecarlo.vary", "au moins une valeur qui varie : "
                   f"{syntax('montecarlo_vary')}", items)
        return None
    if len(items) > LIMITS["items"]:
        check.fail("montecarlo.vary", problem=f"{len(items)} lignes, au plus "
                   f"{LIMITS['items']} sont acceptées")
        return None
    vary, targets = [], []
    for index, item in enumerate(items):
        variation = _variation(check, item, f"montecarlo.vary[{index}]", top, targets)
        if variation is not None:
            vary.append(variation)
    if draws is _INVALID or seed is _INVALID or len(vary) != len(items):
        return None
    return MonteCarlo(draws, seed, tuple(vary))


def _variation(check: _Checker, raw: Any, path: str, top: Mapping,
               targets: list) -> Variation | None:
    table = check.table(raw, path, case_keys("montecarlo.vary"),
                        context=_quoted(raw.get("path")) if isinstance(raw, Mapping)
                        else None)
    if table is None:
        return None
    context = _quoted(table.get("path"))
    key_path = check.value("montecarlo.vary", table, "path", path, context)
    dist = check.value("montecarlo.vary", table, "dist", path, context)
    if key_path is not _INVALID:
        try:
            target = target_of(top, key_path)
        except PathError as error:
            key_path = check.fail(f"{path}.path", problem=str(error), context=context)
        else:
            if target in targets:
                key_path = check.fail(f"{path}.path", problem="cette valeur varie déjà "
                                      "dans une autre ligne", hint="gardez une seule ligne "
                                      "par valeur", context=context)
            targets.append(target)
    if dist is _INVALID:
        return None
    needed = _DISTRIBUTION_KEYS[dist]
    for key in ("low", "mode", "high", "sd"):
        if key in table and key not in needed:
            check.fail(f"{path}.{key}", problem=f"« {_key('montecarlo.vary', key)} » ne "
                       f"s'applique pas à la loi « {choice('dist', dist)} »",
                       hint="valeurs de cette loi : " + ", ".join(
                           f"« {_key('montecarlo.vary', name)} »" for name in needed),
                       context=context)
    values = {key: check.value("montecarlo.vary", table, key, path, context, required=True)
              for key in needed}
    if any(value is _INVALID for value in values.values()) or key_path is _INVALID:
        return None
    low, mode, high = values.get("low"), values.get("mode"), values.get("high")
    if dist == "uniform" and low > high:
        low_, high_ = _key("montecarlo.vary", "low"), _key("montecarlo.vary", "high")
        check.fail(path, problem=f"bornes dans le désordre ({low_} = {num(low)}, "
                   f"{high_} = {num(high)})", hint=f"il faut {low_} ≤ {high_}",
                   context=context)
        return None
    if dist == "triangular" and not (low <= mode <= high and low < high):
        low_, mode_, high_ = (_key("montecarlo.vary", name) for name in ("low", "mode",
                                                                           "high"))
        check.fail(path, problem=f"bornes dans le désordre ({low_} = {num(low)}, "
                   f"{mode_} = {num(mode)}, {high_} = {num(high)})",
                   hint=f"il faut {low_} ≤ {mode_} ≤ {high_} et {low_} < {high_}",
                   context=context)
        return None
    return Variation(key_path, dist, **values)


def _frozen(value: Any) -> Any:
    """Lists as tuples (a case is immutable); numbers as Decimal."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    number = _as_decimal(value)
    return number if number is not None else value


def _project(check: _Checker, top: Mapping) -> Any:
    raw = top.get("project", _MISSING)
    if raw is _MISSING:
        check.fail("project", "une table [project] (nom, organisation, première année)",
                   raw)
        return _INVALID
    table = check.table(raw, "project", case_keys("project"))
    if table is None:
        return _INVALID
    fields = check.described("project", table, "project", {}, None)
    if fields["years"] is not _INVALID:
        check.years = fields["years"]
    if any(value is _INVALID for value in fields.values()):
        # Keep going with what is usable so that later checks can still run.
        return _INVALID if fields["years"] is _INVALID else _PartialProject(fields)
    return Project(**fields)


class _PartialProject:
    """Project fields of an invalid project, for the checks that need them."""

    def __init__(self, fields: dict) -> None:
        self.years = fields["years"]
        start = fields["start_month"]
        self.start_month = start if isinstance(start, int) else 1


def _years_of(project: Any) -> int | None:
    return None if project is _INVALID else project.years


def _start_month_of(project: Any) -> int:
    return 1 if project is _INVALID else project.start_month


def _indexation(check: _Checker, top: Mapping) -> Any:
    raw = top.get("indexation", {})
    table = check.table(raw, "indexation", case_keys("indexation"))
    if table is None:
        return _INVALID
    rates = check.described("indexation", table, "indexation", {}, None)
    return Indexation(**rates)


def _working_capital(check: _Checker, top: Mapping) -> Any:
    table = check.table(top.get("working_capital", {}), "working_capital",
                        case_keys("working_capital"))
    if table is None:
        return _INVALID
    return check.value("working_capital", table, "days", "working_capital", None)


def _staff(check: _Checker, raw: Any, path: str, project: Any,
           contract_ids: set[str]) -> Any:
    table, context = check.line(raw, path, "staff")
    if table is None:
        return _INVALID
    kind = check.value("staff", table, "kind", path, context)
    contract = check.value("staff", table, "contract", path, context)
    hours_from = check.value("staff", table, "hours_from", path, context)
    if isinstance(hours_from, str) and hours_from not in contract_ids:
        hours_from = check.fail(
            f"{path}.hours_from", problem=f"contrat en heures inconnu « {hours_from} »",
            hint=("indiquez l'identifiant d'une ligne de " f"{section('contract')}"
                  + (" : " + ", ".join(f"« {c} »" for c in sorted(contract_ids))
                     if contract_ids else " (il n'y en a aucune)")), context=context)
    if "hours_from" in table and "fte" in table:
        check.fail(f"{path}.fte", problem=f"une ligne de personnel se donne soit en ETP "
                   f"({_key('staff', 'fte')}), soit par les heures d'un contrat "
                   f"({_key('staff', 'hours_from')}), pas les deux",
                   hint="gardez l'une des deux façons", context=context)
    if "hours_per_fte" in table and "hours_from" not in table:
        check.fail(f"{path}.hours_per_fte", problem=f"{_key('staff', 'hours_per_fte')} ne "
                   f"s'utilise qu'avec {_key('staff', 'hours_from')} (les heures d'un "
                   "contrat converties en ETP)", hint="retirez-le, ou indiquez le contrat",
                   context=context)
    fields = {"kind": kind, "contract": contract, "hours_from": hours_from,
              "fte": lambda: None if "hours_from" in table else check.value(
                  "staff", table, "fte", path, context)}
    return _build(Staff, check.described("staff", table, path, fields, context))


def _contracts(check: _Checker, top: Mapping, members: tuple) -> tuple:
    """``[[contract]]``: contracts sold in hours (spec §6); in a collective, the
    members' shares of the hours and what the mandataire keeps."""
    contracts: list = []
    for index, raw in enumerate(check.array(top, "contract")):
        contracts.append(_contract(check, raw, f"contract[{index}]", members,
                                   [c.id for c in contracts if c is not _INVALID]))
    return tuple(contracts)


def _contract(check: _Checker, raw: Any, path: str, members: tuple,
              taken: list[str]) -> Any:
    """One ``[[contract]]`` line, its id not one of ``taken``."""
    table, context = check.line(raw, path, "contract")
    if table is None:
        return _INVALID
    contract_id = _identifier(check, table, path, context, taken)
    if ("hourly_price" in table) == ("amount" in table):
        check.fail(path, problem="un contrat en heures se donne soit par un prix de "
                   f"l'heure ({_key('contract', 'hourly_price')}), soit par son montant "
                   f"de chaque année ({_key('contract', 'amount')})",
                   hint="gardez l'une des deux façons", context=context)
    split_hours = _split_hours(check, table, path, members, context)
    if "hours" in table or split_hours is None:
        hours = check.value("contract", table, "hours", path, context)
    else:  # only the members' hours: the contract's are their sum
        hours = (_hours_of(split_hours, check.years) if isinstance(split_hours, tuple)
                 else _INVALID)
    if "split" in table and "split_hours" in table:
        check.fail(path, problem=f"les heures d'un contrat se partagent soit par des "
                   f"parts ({_key('contract', 'split')}), soit par les heures de chaque "
                   f"membre ({_key('contract', 'split_hours')}), pas les deux",
                   hint="gardez l'une des deux façons", context=context)
    elif "hours" in table:
        _hours_add_up(check, hours, split_hours, path, context)
    fields = check.described("contract", table, path, {
        "id": contract_id, "hours": hours,
        "split": lambda: _split(check, table, path, members, context),
        "split_hours": split_hours}, context)
    for key in ("fee_rate", "split", "split_hours"):
        if key in table and not members:
            fields[key] = check.fail(
                f"{path}.{key}", problem=f"{_key('contract', key)} ne s'utilise que dans "
                f"un collectif, décrit par des lignes {section('member')}",
                hint="retirez-le, ou décrivez les membres", context=context)
    return _build(Contract, fields)


def _split(check: _Checker, table: Mapping, path: str, members: tuple,
           context: str | None) -> Any:
    """A contract's ``split``: member id -> share of the hours, shares above 0 adding
    up to exactly 1 (None: all to the mandataire)."""
    shares = _by_member(check, table, "split", path, members, context,
                        "une table identifiant du membre -> part des heures",
                        lambda value, where: check.check_number(
                            value, where, low=0, high=1, above=True, context=context))
    if not isinstance(shares, tuple) or not members:
        return shares
    if sum(number for _, number in shares) != 1:
        return check.fail(f"{path}.split", problem="les parts des membres font "
                          f"{format_percent(sum(number for _, number in shares))}, pas "
                          "100 %", hint="corrigez-les pour qu'elles fassent 1 (100 %)",
                          context=context)
    return shares


def _split_hours(check: _Checker, table: Mapping, path: str, members: tuple,
                 context: str | None) -> Any:
    """A contract's ``split_hours``: member id -> its hours, one number or one per year
    (None: not given)."""
    def hours(value: Any, where: str) -> Any:
        parent, member = where.rsplit(".", 1)
        return check.per_year({member: value}, member, parent, context=context)

    return _by_member(check, table, "split_hours", path, members, context,
                      "une table identifiant du membre -> ses heures, un nombre ou "
                      f"{per_year(check.years or None)}", hours)


def _by_member(check: _Checker, table: Mapping, key: str, path: str, members: tuple,
               context: str | None, expected: str,
               read: Callable[[Any, str], Any]) -> Any:
    """A table of ``key``: member id -> a value ``read(value, key path)`` checks, each
    id one of the members' (None: not given)."""
    value = table.get(key, _MISSING)
    if value is _MISSING:
        return None
    ids = [m.id for m in members if m is not _INVALID]
    if not isinstance(value, Mapping) or not value:
        return check.fail(f"{path}.{key}", expected, value, context=context)
    found = []
    for member, item in value.items():
        if member not in ids and members:
            check.fail(f"{path}.{key}", f"l'identifiant d'un membre : {listed(ids)}",
                       member, context=context)
            continue
        found.append((member, read(item, f"{path}.{key}.{member}")))
    if any(item is _INVALID for _, item in found) or len(found) < len(value):
        return _INVALID
    return tuple(found)


def _hours_of(split_hours: tuple, years: int | None) -> PerYear:
    """A contract's hours when only its members' are given: their sum, year by year."""
    if all(not isinstance(hours, tuple) for _, hours in split_hours):
        return sum((hours for _, hours in split_hours), Decimal(0))
    return tuple(sum((year_value(hours, y) for _, hours in split_hours), Decimal(0))
                 for y in range(1, (years or 1) + 1))


def _hours_add_up(check: _Checker, hours: Any, split_hours: Any, path: str,
                  context: str | None) -> None:
    """A contract given both its hours and its members' must have them add up, year
    by year."""
    if not isinstance(split_hours, tuple) or hours is _INVALID or hours is None:
        return
    for y in range(1, (check.years or 1) + 1):
        given = sum((year_value(h, y) for _, h in split_hours), Decimal(0))
        if given != year_value(hours, y):
            check.fail(f"{path}.split_hours", problem=f"les heures des membres font "
                       f"{num(given)} h en année {y}, le contrat en compte "
                       f"{num(year_value(hours, y))}",
                       hint=f"corrigez les heures des membres, ou retirez "
                       f"{_key('contract', 'hours')} : ce sera leur somme",
                       context=context)
            return


def _identifier(check: _Checker, table: Mapping, path: str, context: str | None,
                taken: list[str]) -> Any:
    """An item's ``id``: letters without accents, digits, - and _, a letter first,
    unique among ``taken``."""
    value = check.text(table, "id", path, context=context)
    if value is not _INVALID and not _NEED_ID.match(value):
        return check.fail(f"{path}.id", "un identifiant (lettres sans accent, chiffres, - "
                          "et _, commençant par une lettre)", value, context=context)
    if value is not _INVALID and value in taken:
        return check.fail(f"{path}.id", problem=f"l'identifiant « {value} » est déjà "
                          "utilisé par une autre ligne", context=context)
    return value


def _revenue(check: _Checker, raw: Any, path: str) -> Any:
    table, context = check.line(raw, path, "revenue")
    if table is None:
        return _INVALID
    account = check.value("revenue", table, "account", path, context)
    has_amount, has_quantity = "amount" in table, "quantity" in table
    if has_amount == has_quantity:
        check.fail(path, problem="une recette se donne soit par un montant "
                   f"(« {_key('revenue', 'amount')} »), soit par une quantité et un prix "
                   f"(« {_key('revenue', 'quantity')} » et « {_key('revenue', 'unit_price')} »)",
                   hint="gardez l'une des deux façons", context=context)
    if has_quantity and "unit_price" not in table:
        check.fail(f"{path}.unit_price", "un prix unitaire (obligatoire avec "
                   f"« {_key('revenue', 'quantity')} »)",
                   _MISSING, context=context)
    if has_amount and "unit_price" in table:
        check.fail(f"{path}.unit_price", problem=f"« {_key('revenue', 'unit_price')} » ne "
                   f"s'utilise qu'avec « {_key('revenue', 'quantity')} », pas avec "
                   f"« {_key('revenue', 'amount')} »",
                   context=context)
    fields = {"account": account}
    return _build(Revenue, check.described("revenue", table, path, fields, context))


def _expense(check: _Checker, raw: Any, path: str) -> Any:
    table, context = check.line(raw, path, "expense")
    if table is None:
        return _INVALID
    # every value as the table of fields describes it
    return _build(Expense, check.described("expense", table, path, {}, context))


def _monthly_profile(check: _Checker, table: Mapping, path: str, context: str | None) -> Any:
    """12 non-negative weights, January first, not all zero (seasonality)."""
    value = table.get("monthly_profile", _MISSING)
    if value is _MISSING:
        return None
    expected = ("12 poids positifs ou nuls (janvier à décembre), pas tous nuls, par "
                f"exemple {syntax('profile')}")
    if not isinstance(value, (list, tuple)) or len(value) != 12:
        return check.fail(f"{path}.monthly_profile", expected, value, context=context)
    weights = [check.check_number(item, f"{path}.monthly_profile[{index}]",
                                  context=context) for index, item in enumerate(value)]
    if any(weight is _INVALID for weight in weights):
        return _INVALID
    if sum(weights) <= 0:
        return check.fail(f"{path}.monthly_profile", expected, value, context=context)
    return tuple(weights)


def _as_date(value: Any) -> datetime.date | None:
    """A date from a TOML date or datetime, ``2027-03-15`` or ``15/03/2027`` (None:
    not a date)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _receipts(check: _Checker, table: Mapping, path: str, context: str | None) -> Any:
    """``[[date, amount], ...]``: the sums received from a funder, each above 0, in
    date order once read."""
    value = table.get("received", _MISSING)
    if value is _MISSING:
        return None
    key = f"{path}.received"
    if not isinstance(value, (list, tuple)) or not value:
        return check.fail(key, f"des versements reçus (date, montant), par exemple "
                          f"{syntax('receipts')}", value, context=context)
    found = []
    for index, item in enumerate(value):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            return check.fail(f"{key}[{index}]", "un versement reçu (date, montant), par "
                              f"exemple {syntax('receipt')}", item, context=context)
        day = check.date(item[0], f"{key}[{index}][0]", context=context)
        amount = check.check_number(item[1], f"{key}[{index}][1]", low=0, above=True,
                                    context=context)
        if _INVALID in (day, amount):
            return _INVALID
        found.append((day, amount))
    return tuple(sorted(found, key=lambda pair: pair[0]))


def _payments(check: _Checker, table: Mapping, path: str, context: str | None) -> Any:
    """``[[share, month], ...]``: shares above 0 adding up to 1, months 1 to 60."""
    value = table.get("payments", _MISSING)
    if value is _MISSING:
        return None
    key = f"{path}.payments"
    expected = (f"des versements (part, mois), par exemple {syntax('payments')} : "
                "60 % en avril, 40 % en avril de l'année suivante")
    if not isinstance(value, (list, tuple)) or not value:
        return check.fail(key, expected, value, context=context)
    schedule = []
    for index, item in enumerate(value):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            return check.fail(f"{key}[{index}]", "un versement (part, mois), par exemple "
                              f"{syntax('payment')}", item,
                              context=context)
        share = check.check_number(item[0], f"{key}[{index}][0]", low=0, high=1, above=True,
                                   context=context)
        month = check.check_number(item[1], f"{key}[{index}][1]", low=1, high=60,
                                   expected="un mois de 1 à 60 (13 : janvier de l'année "
                                   "suivante)", context=context)
        if share is _INVALID or month is _INVALID:
            return _INVALID
        if month != month.to_integral_value():
            return check.fail(f"{key}[{index}][1]", "un mois entier de 1 à 60", item[1],
                              context=context)
        schedule.append((share, int(month)))
    if sum(share for share, _ in schedule) != 1:
        return check.fail(key, problem="les parts des versements doivent faire 100 % "
                          f"(elles font {format_percent(sum(s for s, _ in schedule))})",
                          context=context)
    return tuple(schedule)


_ENGINE_ACCOUNTS = {
    "641": f"les salaires bruts (calculés à partir de {section('staff')})",
    "645": f"les charges sociales (calculées à partir de {section('staff')})",
    "681": f"les amortissements (calculés à partir de {section('investment')})",
    "661": f"les intérêts d'emprunt (calculés à partir de {section('loan')})"}


def _key(item: str, name: str) -> str:
    """The term naming field ``name`` of a ``item`` line."""
    return field_term(f"{item}.{name}")


def _account(check: _Checker, table: Mapping, path: str, item: str,
             context: str | None) -> Any:
    """A 3-digit PCG account allowed for an expense or an own revenue line."""
    value = table.get("account", _MISSING)
    if value is _MISSING and item == "revenue":
        return "706"
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if item == "expense":
        expected = "un compte de charges à 3 chiffres, de 600 à 689 (par exemple « 613 »)"
        valid = re.fullmatch(r"6[0-8]\d", text) is not None
    else:
        expected = ("un compte de produits à 3 chiffres de la classe 7, hors 74 "
                    "(par ex. « 706 »)")
        valid = re.fullmatch(r"7[0-35-9]\d", text) is not None
    if not valid:
        hint = None
        if re.fullmatch(r"74\d", text):
            hint = (f"les subventions se déclarent dans {section('funder')}, pas dans "
                    "les recettes propres")
        return check.fail(f"{path}.account", expected, value, hint=hint, context=context)
    if text in _ENGINE_ACCOUNTS:
        return check.fail(f"{path}.account", problem=f"le compte {text} est rempli par "
                          f"finplan : {_ENGINE_ACCOUNTS[text]}", hint="choisissez un autre "
                          "compte ou décrivez l'élément dans sa propre section",
                          context=context)
    if text == "777":
        return check.fail(f"{path}.account", problem="le compte 777 n'existe plus depuis "
                          "le règlement ANC 2022-06 ; la quote-part des subventions "
                          "d'investissement (747) est calculée par finplan",
                          context=context)
    return text


def _acquisition(check: _Checker, table: Mapping, path: str, project: Any,
                 context: str | None) -> tuple[Any, Any]:
    """``year`` and ``month`` of an investment or loan, with the spec's defaults."""
    years = _years_of(project) or LIMITS["years"]
    year = check.integer(table, "year", path, 1, years, default=1, context=context)
    default_month = _start_month_of(project) if year == 1 else 1
    month = check.integer(table, "month", path, 1, 12, default=default_month,
                          context=context)
    return year, month


def _investment(check: _Checker, raw: Any, path: str, project: Any) -> Any:
    table, context = check.line(raw, path, "investment")
    if table is None:
        return _INVALID
    year, month = _acquisition(check, table, path, project, context)
    fields = {"year": year, "month": month}  # the others as the table describes them
    return _build(Investment, check.described("investment", table, path, fields,
                                              context))


def _loan(check: _Checker, raw: Any, path: str, project: Any) -> Any:
    table, context = check.line(raw, path, "loan")
    if table is None:
        return _INVALID
    year, month = _acquisition(check, table, path, project, context)
    fields = {"year": year, "month": month}  # the others as the table describes them
    return _build(Loan, check.described("loan", table, path, fields, context))


def _needs(check: _Checker, top: Mapping, staff: tuple, expenses: tuple) -> tuple:
    builtins = []
    table = check.table(top.get("needs", {}), "needs", BUILTIN_NEEDS) or {}
    for need_id in BUILTIN_NEEDS:
        path = f"needs.{need_id}"
        settings = check.table(table.get(need_id, {}), path, case_keys(path))
        share = None if settings is None else check.value(path, settings, "max_public_share",
                                                          path, None)
        builtins.append(Need(need_id, _BUILTIN_LABELS[need_id], None,
                             None if share is _INVALID else share))
    custom: list = []
    for index, raw in enumerate(check.array(top, "need")):
        custom += _need(check, raw, f"need[{index}]", staff, expenses,
                        [n.id for n in custom])
    return tuple(builtins + custom)


def _need(check: _Checker, raw: Any, path: str, staff: tuple, expenses: tuple,
          taken: list[str]) -> list:
    """One ``[[need]]`` line, its id not one of ``taken``: the need (none if its table
    is not one; a placeholder keeping its id known to funders if it is invalid)."""
    need, context = check.line(raw, path, "need")
    if need is None:
        return []
    need_id = check.value("need", need, "id", path, context)
    if need_id is not _INVALID and not _NEED_ID.match(need_id):
        need_id = check.fail(f"{path}.id", "un identifiant (lettres sans accent, "
                             "chiffres, - et _, commençant par une lettre)",
                             need_id, context=context)
    elif need_id in BUILTIN_NEEDS:
        need_id = check.fail(f"{path}.id", problem=f"« {choice('finances', need_id)} » "
                             "est un besoin prédéfini",
                             hint="choisissez un autre identifiant",
                             context=context)
    elif need_id is not _INVALID and need_id in taken:
        need_id = check.fail(f"{path}.id", problem=f"l'identifiant « {need_id} » "
                             "est déjà utilisé par un autre besoin", context=context)
    earmarked = "covers" in need
    fields = check.described("need", need, path, {
        "id": need_id,
        "amount": lambda: None if earmarked else check.value(
            "need", need, "amount", path, context, required=True),
        "covers": lambda: _covers(check, need, path, staff, expenses, context)
        if earmarked else None}, context)
    if earmarked and "amount" in need:
        fields["amount"] = check.fail(
            f"{path}.amount", problem="un besoin a soit un montant ("
            f"{_key('need', 'amount')}), soit des lignes du budget qu'il finance "
            f"({_key('need', 'covers')}), pas les deux", hint="gardez le montant pour un "
            "coût hors de vos comptes (une étude payée directement par les financeurs), "
            "les lignes pour des postes ou des charges de votre budget", context=context)
    elif not earmarked and "share" in need:
        fields["share"] = check.fail(
            f"{path}.share", problem=f"{_key('need', 'share')} ne s'utilise qu'avec "
            f"{_key('need', 'covers')} (la part des lignes financées)",
            hint="indiquez les lignes du budget que ce besoin finance, ou retirez la part",
            context=context)
    built = _build(Need, fields)
    if built is not _INVALID:
        return [built]
    if need_id is not _INVALID:
        return [Need(need_id, "", None)]  # keeps the id known to funders
    return []


def _covers(check: _Checker, need: Mapping, path: str, staff: tuple, expenses: tuple,
            context: str | None) -> Any:
    """The lines an earmarked need covers, each as ``staff[<role>]`` or
    ``expense[<label>]`` (:mod:`finplan.model.needs`): a name must be the role of
    exactly one staff line or the label of exactly one expense line (« staff[…] » or
    « expense[…] » says which when it is both)."""
    value = need["covers"]
    where = f"{path}.covers"
    if isinstance(value, str):
        value = [value]
    if (not isinstance(value, (list, tuple)) or not value
            or not all(isinstance(item, str) and item.strip() for item in value)):
        return check.fail(where, "les intitulés des postes ou charges financés (au moins un)",
                          value, hint=f"par exemple {syntax('covers')}", context=context)
    lines = {"staff": staff, "expense": expenses}
    found, invalid = [], False
    for index, text in enumerate(value):
        kind, name = split_reference(clean_text(text))
        matches = {k: [i for i, item in enumerate(items) if item is not _INVALID
                       and name_key(getattr(item, COVERED_KINDS[k])) == name_key(name)]
                   for k, items in lines.items() if kind in (None, k)}
        hit = [k for k, indexes in matches.items() if indexes]
        unsure = any(item is _INVALID for k in matches for item in lines[k])
        problem = hint = None
        if not hit and not unsure:
            where_text = " ni dans ".join(section(k) for k in matches)
            names = [getattr(item, COVERED_KINDS[k]) for k in matches for item in lines[k]]
            problem = f"aucune ligne « {strip_terms(name)} » dans {where_text}"
            hint = ("écrivez l'intitulé exact d'un poste ou le libellé exact d'une charge"
                    + (" : " + ", ".join(f"« {n} »" for n in names[:12]) if names else ""))
        elif len(hit) > 1:
            problem = (f"« {strip_terms(name)} » est à la fois un poste de {section('staff')} "
                       f"et une charge de {section('expense')}")
            hint = f"précisez laquelle, par exemple {syntax('covers')}"
        elif hit and len(matches[hit[0]]) > 1:
            problem = (f"{section(hit[0])} a {len(matches[hit[0]])} lignes « "
                       f"{strip_terms(name)} »")
            hint = "donnez à la ligne financée un intitulé que les autres n'ont pas"
        if problem:
            check.fail(f"{where}[{index}]", problem=problem, hint=hint, context=context)
            invalid = True
            continue
        if not hit:
            invalid = True  # an invalid line of the case may be the one: said there
            continue
        canonical = reference(hit[0], getattr(lines[hit[0]][matches[hit[0]][0]],
                                              COVERED_KINDS[hit[0]]))
        if canonical in found:
            check.fail(f"{where}[{index}]", problem=f"« {strip_terms(name)} » est cité deux "
                       "fois", hint="retirez le doublon", context=context)
            invalid = True
        found.append(canonical)
    return _INVALID if invalid else tuple(found)


def _funder(check: _Checker, raw: Any, path: str) -> Any:
    table, context = check.line(raw, path, "funder")
    if table is None:
        return _INVALID
    funder_type = check.value("funder", table, "type", path, context)
    rule = check.value("funder", table, "rule", path, context)
    line = check.value("funder", table, "line", path, context)
    private_lines = ("prive", "dons_mecenat")
    if funder_type == "private" and line not in (None, *private_lines, _INVALID):
        check.fail(f"{path}.line", problem="un financeur privé figure sur la ligne "
                   f"« {choice('line', 'prive')} » (Cerfa 74) ou « "
                   f"{choice('line', 'dons_mecenat')} » (Cerfa 75)",
                   hint=f"{syntax('remove')} « {_key('funder', 'line')} » ou choisissez "
                   f"« {choice('line', 'prive')} »", context=context)
    elif funder_type == "public" and line in private_lines:
        check.fail(f"{path}.line", problem=f"la ligne « {choice('line', line)} » est "
                   "réservée aux financeurs privés", context=context)
    elif funder_type == "own" and line in private_lines:
        check.fail(f"{path}.line", problem="des fonds propres ne sont pas un produit : "
                   "ils figurent en « Ressources propres affectées au projet »",
                   hint=f"{syntax('remove')} « {_key('funder', 'line')} »", context=context)
    if line is None and funder_type in ("public", "private") and "paid_by" not in table:
        line = "autres_publics" if funder_type == "public" else "prive"
    finances = table.get("finances", "operating")
    if isinstance(finances, str):
        finances = clean_text(finances)
        finances = normalise("finances", finances) or finances
    if not isinstance(finances, str) or not finances.strip():
        finances = check.fail(f"{path}.finances", f"« {choice('finances', 'operating')} », "
                              f"« {choice('finances', 'investment')} » ou l'identifiant "
                              f"d'une ligne de {section('need')}", finances,
                              context=context)
    if rule in _FUNDER_RULE_KEYS:
        for name in sorted(_RULE_ONLY_KEYS - _FUNDER_RULE_KEYS[rule] - {"contract"}):
            if name in table:
                check.fail(f"{path}.{name}", problem=f"« {_key('funder', name)} » ne "
                           f"s'applique pas à la règle « {choice('rule', rule)} »",
                           hint=f"{syntax('remove_this')} ou changez de règle", context=context)
        if "contract" in table and rule != "per_fte":
            check.fail(f"{path}.contract", problem=f"« {_key('funder', 'contract')} » ne "
                       f"s'applique qu'à la règle « {choice('rule', 'per_fte')} »",
                       context=context)
    decision = functools.cache(lambda: _decision(check, table, path, funder_type, rule,
                                                 context))
    fields = {
        "type": funder_type,
        "rule": rule,
        "line": line,
        "finances": finances.strip() if isinstance(finances, str) else finances,
        "amount": lambda: check.value("funder", table, "amount", path, context,
                                      required=rule == "fixed"),
        "rate": lambda: check.value("funder", table, "rate", path, context,
                                    required=rule == "rate"),
        "amount_per_fte": lambda: _amount_per_fte(check, table, path, rule, context),
        "staff_kind": lambda: check.value("funder", table, "staff_kind", path, context,
                                          required=True) if rule == "per_fte" else None,
        "brought_in": lambda: _brought_in(check, table, path, funder_type, context),
        **{name: (lambda name=name: decision()[name])
           for name in ("status", "voted", "probability", "received")},
    }
    if "paid_by" in table and (funder_type not in ("private", _INVALID) or "line" in table):
        check.fail(f"{path}.paid_by", problem="la contribution d'un membre est un "
                   f"financement {choice('type', 'private')} sans ligne du Cerfa : elle est "
                   "une cotisation (756) pour le membre qui la reçoit",
                   hint=f"choisissez le type « {choice('type', 'private')} » et "
                   f"{syntax('remove')} « {_key('funder', 'line')} »", context=context)
    return _build(Funder, check.described("funder", table, path, fields, context))


def _contribution(check: _Checker, raw: Any, path: str) -> Any:
    """One ``[[in_kind]]`` line: volunteering in hours (at ``hourly_rate``, else the
    SMIC) or a value a year; the other natures, a value a year."""
    table, context = check.line(raw, path, "in_kind")
    if table is None:
        return _INVALID
    kind = check.value("in_kind", table, "kind", path, context)
    has_hours, has_amount = "hours" in table, "amount" in table
    if kind == "volunteering" and has_hours == has_amount:
        check.fail(path, problem="du bénévolat se donne soit en heures "
                   f"(« {_key('in_kind', 'hours')} »), soit par sa valeur "
                   f"(« {_key('in_kind', 'amount')} »)", hint="gardez l'une des deux façons",
                   context=context)
    elif kind not in ("volunteering", _INVALID) and not has_amount:
        check.fail(f"{path}.amount", f"la valeur par an de cette contribution (obligatoire "
                   f"pour « {choice('in_kind', kind)} »)", _MISSING, context=context)
    elif kind not in ("volunteering", _INVALID) and has_hours:
        check.fail(f"{path}.hours", problem=f"« {_key('in_kind', 'hours')} » ne "
                   f"s'applique qu'au « {choice('in_kind', 'volunteering')} »",
                   hint=f"{syntax('remove_this')} et donnez sa valeur dans « "
                   f"{_key('in_kind', 'amount')} »", context=context)
    if "hourly_rate" in table and not (kind == "volunteering" and has_hours):
        check.fail(f"{path}.hourly_rate", problem=f"« {_key('in_kind', 'hourly_rate')} » "
                   f"ne s'utilise qu'avec « {_key('in_kind', 'hours')} » (du bénévolat "
                   "compté en heures)", hint=syntax('remove_this'), context=context)
    fields = {"kind": kind}
    return _build(Contribution, check.described("in_kind", table, path, fields, context))


def _actual(check: _Checker, raw: Any, path: str, project: Any) -> Any:
    """One ``[[actual]]`` line: a year of the plan, a result account, its balance."""
    table, context = check.line(raw, path, "actual")
    if table is None:
        return _INVALID
    year = check.value("actual", table, "year", path, context)
    if isinstance(year, int) and isinstance(getattr(project, "first_year", None), int):
        first = project.first_year
        last = first + project.years - 1
        if not first <= year <= last:
            year = check.fail(f"{path}.year", f"une année du plan, de {first} à {last}",
                              year, context=context)
    value = table.get("account", _MISSING)
    account = str(value) if isinstance(value, (str, int)) and not isinstance(
        value, bool) else ""
    account = account.strip()
    if not re.fullmatch(r"(6\d\d|7\d\d|86\d?|87\d?)\w*", account):
        account = check.fail(f"{path}.account", "un compte de charges (6…), de produits "
                             "(7…) ou de contributions en nature (86…, 87…), par exemple "
                             "« 6061 » ou « 706 »", value, context=context)
    fields = {"year": year, "account": account}
    return _build(Actual, check.described("actual", table, path, fields, context))


def _decision(check: _Checker, table: Mapping, path: str, funder_type: Any, rule: Any,
              context: str | None) -> dict[str, Any]:
    """A request's status, amount voted and probability (spec §7): own funds are no
    request; the amount voted is required in each decided year, and like the
    probability, refused when no year needs it."""
    status = check.value("funder", table, "status", path, context)
    if status is not None and (funder_type == "own" or "paid_by" in table):
        what = ("des fonds propres ne sont pas" if funder_type == "own" else
                "la contribution d'un membre du collectif n'est pas")
        status = check.fail(f"{path}.status", problem=f"{what} une demande à un "
                            "financeur : pas de statut", hint=f"{syntax('remove')} « "
                            f"{_key('funder', 'status')} »", context=context)
    if _INVALID in (status, funder_type, rule):
        return {"status": status, "voted": None, "probability": None, "received": None}
    probe = Funder("", funder_type, rule, status=status, paid_by=table.get("paid_by"))
    years = range(1, (check.years or 1) + 1)
    statuses = {status_of(probe, y) for y in years}
    decided = [y for y in years if status_of(probe, y) in DECIDED]
    voted = check.value("funder", table, "voted", path, context)
    probability = check.value("funder", table, "probability", path, context)
    labels = ", ".join(f"« {choice('status', code)} »" for code in DECIDED)
    if voted is None and decided:
        voted = check.fail(f"{path}.voted", problem=f"la demande est « "
                           f"{choice('status', status_of(probe, decided[0]))} » en année "
                           f"{decided[0]} : le montant décidé par le financeur est "
                           "obligatoire", hint=f"saisissez-le dans « "
                           f"{_key('funder', 'voted')} »", context=context)
    elif voted is not None and not decided:
        voted = check.fail(f"{path}.voted", problem=f"« {_key('funder', 'voted')} » ne "
                           f"s'applique qu'aux années où la demande est {labels}",
                           hint=f"choisissez ce statut dans « {_key('funder', 'status')} » "
                           f"ou {syntax('remove')} « {_key('funder', 'voted')} »",
                           context=context)
    if probability is not None and not statuses & set(PENDING):
        probability = check.fail(
            f"{path}.probability", problem=f"« {_key('funder', 'probability')} » ne "
            "s'applique qu'aux demandes pas encore décidées (« "
            f"{choice('status', 'envisage')} » ou « {choice('status', 'sollicite')} »)",
            hint=f"{syntax('remove')} « {_key('funder', 'probability')} »", context=context)
    received = check.value("funder", table, "received", path, context)
    if received is not None and not decided:
        received = check.fail(
            f"{path}.received", problem=f"« {_key('funder', 'received')} » : un "
            f"financeur ne verse qu'une demande décidée ({labels})", hint="choisissez "
            f"ce statut dans « {_key('funder', 'status')} » pour les années concernées",
            context=context)
    return {"status": status, "voted": voted, "probability": probability,
            "received": received}


def _brought_in(check: _Checker, table: Mapping, path: str, funder_type: Any,
                context: str | None) -> Any:
    """``brought_in``: own funds that come in as cash (an « apport »), not reserves."""
    value = check.value("funder", table, "brought_in", path, context)
    if value is True and funder_type not in ("own", _INVALID):
        return check.fail(f"{path}.brought_in", problem=f"{_key('funder', 'brought_in')} "
                          "ne concerne que les fonds propres : l'argent d'un autre "
                          "financeur entre toujours en trésorerie", context=context)
    return value


def _amount_per_fte(check: _Checker, table: Mapping, path: str, rule: Any,
                    context: str | None) -> Any:
    if rule != "per_fte":
        return None
    value = table.get("amount_per_fte", _MISSING)
    if isinstance(value, str):
        code = normalise("contract", value)
        if code is None:
            return check.fail(f"{path}.amount_per_fte", "un montant par ETP ou un code "
                              f"du barème de l'aide au poste ({', '.join(CONTRACTS)})",
                              value, context=context)
        return code
    return check.per_year(table, "amount_per_fte", path, context=context)


def _owner_of(members: tuple, owners: dict[str, list]) -> Any:
    """``owner(key, index)``: the id of the member line ``index`` of list ``key``
    belongs to (None for one organisation)."""
    mandataire = next((m.id for m in members if m is not _INVALID and m.mandataire), None)

    def owner(key: str, index: int) -> str | None:
        named = owners.get(key, [])
        return (named[index] if index < len(named) else None) or mandataire
    return owner


def _cross_checks(check: _Checker, project: Any, staff: tuple, needs: tuple,
                  funders: tuple, owner: Any) -> None:
    """Rules that tie items together: references, uniqueness, one residual (per
    member in a collective, where a funder finances its own member's needs)."""
    need_ids = {need.id for need in needs}
    need_owner = {need.id: owner("need", index - len(BUILTIN_NEEDS))
                  for index, need in enumerate(needs) if need.is_custom}
    seen_names: dict[str, int] = {}
    residuals: dict[tuple, int] = {}
    for index, funder in enumerate(funders):
        if funder is _INVALID:
            continue
        path, context = f"funder[{index}]", _quoted(funder.name)
        key = name_key(funder.name)
        if key in seen_names:
            first = seen_names[key]
            check.fail(f"{path}.name", problem=f"le nom « {funder.name} » est déjà celui "
                       f"de {ref(f'funder[{first}]')} (« {funders[first].name} ») : les "
                       "deux noms se "
                       "lisent de la même façon, même si l'un s'écrit peut-être autrement "
                       "(accent composé, espace insécable ou caractère invisible copié "
                       "d'une page web)", hint="donnez à chaque financeur un nom unique "
                       "(par ex. « Région (investissement) »)")
        seen_names.setdefault(key, index)
        if funder.finances not in need_ids:
            custom = sorted(need_ids - set(BUILTIN_NEEDS))
            check.fail(f"{path}.finances", problem=f"besoin inconnu « {funder.finances} »",
                       hint="valeurs possibles : " + ", ".join(
                           [f"« {choice('finances', need)} »" for need in BUILTIN_NEEDS]
                           + [f"« {need_id} »" for need_id in custom]), context=context)
        mine = owner("funder", index)
        if funder.finances in need_owner and need_owner[funder.finances] != mine:
            check.fail(f"{path}.finances", problem=f"le besoin « {funder.finances} » est "
                       "celui d'un autre membre du collectif", hint="un financeur finance "
                       f"les besoins de son membre ({_key('funder', 'member')})",
                       context=context)
        if funder.rule == "residual":
            if (mine, funder.finances) in residuals:
                other = ref(f"funder[{residuals[(mine, funder.finances)]}]")
                need = (choice("finances", funder.finances)
                        if funder.finances in BUILTIN_NEEDS else funder.finances)
                check.fail(f"{path}.rule", problem="deux financeurs à la règle « "
                           f"{choice('rule', 'residual')} » sur le besoin « {need} » "
                           f"({other} et celui-ci)", hint="un seul financeur peut prendre "
                           "le solde d'un besoin", context=context)
            residuals.setdefault((mine, funder.finances), index)
        if funder.rule == "per_fte":
            _check_per_fte(check, project, tuple(
                line for i, line in enumerate(staff) if owner("staff", i) == mine),
                funder, path, context)


# What a bridging facility may be repaid by, by kind (the first: its default); a
# ``relais`` that names a funder is repaid by it unless it says otherwise.
_REPAY_RULES = {"relais": ("surplus", "funder", "date"), "decouvert": ("surplus",),
                "dailly": ("funder",), "avance": ("funder",), "membres": ("surplus", "date")}


def _bridges(check: _Checker, top: Mapping, project: Any, needs: tuple, funders: tuple,
             owner: Any) -> tuple:
    """``[[bridge]]``: the bridging facilities (spec §3b), in the order they are drawn;
    each one's funder must be a funder of the case whose money comes in as cash on a
    schedule, and the same member's."""
    found: list = []
    labels: dict[str, int] = {}
    by_name = {name_key(f.name): (i, f) for i, f in enumerate(funders) if f is not _INVALID}
    raw_funders = top.get("funder")
    typed = {name_key(raw["name"]) for raw in (
        raw_funders if isinstance(raw_funders, (list, tuple)) else ())
        if isinstance(raw, Mapping) and isinstance(raw.get("name"), str)}
    for index, raw in enumerate(check.array(top, "bridge")):
        path = f"bridge[{index}]"
        bridge = _bridge(check, raw, path, project)
        found.append(bridge)
        if bridge is _INVALID:
            continue
        context = _quoted(bridge.label)
        key = name_key(bridge.label)
        if key in labels:
            check.fail(f"{path}.label", problem=f"le libellé « {bridge.label} » est déjà "
                       f"celui de {ref(f'bridge[{labels[key]}]')}",
                       hint="donnez à chaque financement relais un libellé unique",
                       context=context)
        labels.setdefault(key, index)
        if bridge.funder is None:
            continue
        i, funder = by_name.get(name_key(bridge.funder), (None, None))
        problem = None
        if funder is None and name_key(bridge.funder) in typed:
            continue  # a funder with a mistake of its own, said there
        if funder is None:
            check.fail(f"{path}.funder", "le nom d'un financeur de "
                       f"{section('funder')} : " + listed(
                           [f.name for f in funders if f is not _INVALID]), bridge.funder,
                       context=context)
            continue
        need = next((n for n in needs if n is not _INVALID and n.id == funder.finances),
                    None)
        if funder.type == "own":
            problem = "des fonds propres ne se cèdent ni ne s'avancent"
        elif need is not None and not (need.funds_charges or need.id == "investment"):
            problem = (f"le financeur « {funder.name} » finance un besoin hors des comptes "
                       "de la structure : son argent n'entre pas dans sa trésorerie")
        elif funder.rule == "per_fte" and funder.payments is None:
            problem = (f"l'aide de « {funder.name} » est versée chaque mois avec les "
                       "salaires : elle ne laisse pas de créance à avancer")
        elif owner("bridge", index) != owner("funder", i):
            problem = f"le financeur « {funder.name} » est celui d'un autre membre"
        if problem:
            check.fail(f"{path}.funder", problem=problem, hint="choisissez un financeur "
                       "qui verse une subvention selon un calendrier (par exemple le "
                       "Département)", context=context)
        found[-1] = replace(bridge, funder=funder.name)  # as the funder is spelt
    return tuple(found)


def _bridge(check: _Checker, raw: Any, path: str, project: Any) -> Any:
    """One ``[[bridge]]`` line on its own: kind, ceiling, cost, when it may be drawn and
    how it is repaid."""
    table, context = check.line(raw, path, "bridge")
    if table is None:
        return _INVALID
    kind = check.value("bridge", table, "kind", path, context)
    months = 12 * (_years_of(project) or LIMITS["years"])
    funder = check.value("bridge", table, "funder", path, context)
    tied = kind in TIED_KINDS
    if tied and "funder" not in table:
        funder = check.fail(f"{path}.funder", problem=f"un financement « "
                            f"{choice('bridge_kind', kind)} » avance la subvention d'un "
                            "financeur : il faut le nommer",
                            hint=f"indiquez {_key('bridge', 'funder')}", context=context)
    rules = _REPAY_RULES.get(kind, ("surplus",))
    default = "funder" if kind == "relais" and "funder" in table else rules[0]
    repay = check.choice(table, "repay", path, "repay", required=False, default=default,
                         context=context)
    if kind in _REPAY_RULES and repay not in (*rules, _INVALID):
        repay = check.fail(f"{path}.repay", problem=f"un financement « "
                           f"{choice('bridge_kind', kind)} » ne se rembourse pas « "
                           f"{choice('repay', repay)} »", hint="valeurs possibles : "
                           + choices("repay", rules), context=context)
    if "funder" in table and kind in ("decouvert", "membres"):
        check.fail(f"{path}.funder", problem=f"{_key('bridge', 'funder')} ne s'applique "
                   f"qu'à un financement « {choice('bridge_kind', 'dailly')} », « "
                   f"{choice('bridge_kind', 'avance')} » ou « "
                   f"{choice('bridge_kind', 'relais')} » remboursé au versement du "
                   "financeur", hint=f"{syntax('remove_this')}", context=context)
    elif repay == "funder" and funder is None:
        funder = check.fail(f"{path}.funder", problem="un relais remboursé au versement "
                            "du financeur doit nommer ce financeur",
                            hint=f"indiquez {_key('bridge', 'funder')}", context=context)
    if "advance_share" in table and not tied:
        check.fail(f"{path}.advance_share", problem=f"{_key('bridge', 'advance_share')} ne "
                   f"s'applique qu'à un financement « {choice('bridge_kind', 'dailly')} » "
                   f"ou « {choice('bridge_kind', 'avance')} »",
                   hint=f"{syntax('remove_this')}", context=context)
    first = check.integer(table, "from", path, 1, months,
                          default=_start_month_of(project), context=context)
    repay_month = None
    if repay == "date":
        low = first + 1 if isinstance(first, int) else 2
        repay_month = check.integer(table, "repay_month", path, low, months,
                                    context=context)
    elif "repay_month" in table:
        check.fail(f"{path}.repay_month", problem=f"{_key('bridge', 'repay_month')} ne "
                   f"s'utilise qu'avec un remboursement « {choice('repay', 'date')} »",
                   hint=f"{syntax('remove_this')}", context=context)
    fields = {
        "kind": kind,
        "funder": funder,
        "advance_share": lambda: check.value("bridge", table, "advance_share", path,
                                             context) if tied else None,
        "from_month": first,
        "repay": repay,
        "repay_month": repay_month,
    }
    return _build(Bridge, check.described("bridge", table, path, fields, context))


def _check_per_fte(check: _Checker, project: Any, staff: tuple, funder: Funder,
                   path: str, context: str | None) -> None:
    matching = [line for line in staff if line is not _INVALID and counts_for(funder, line)]
    if not matching and all(line is not _INVALID for line in staff):
        wanted = f"« {choice('kind', funder.staff_kind)} »" + (
            f" sous contrat « {funder.contract} »" if funder.contract else "")
        check.fail(f"{path}.staff_kind", problem=f"aucune ligne de personnel {wanted}",
                   hint=f"ajoutez cette ligne dans {section('staff')} ou corrigez « "
                   f"{_key('funder', 'staff_kind')} » / « {_key('funder', 'contract')} »",
                   context=context)
    if isinstance(funder.amount_per_fte, str) and project is not _INVALID and isinstance(
            project, Project):
        for year in range(project.first_year, project.first_year + project.years):
            try:
                aide_au_poste(funder.amount_per_fte, year)
            except UnknownRate as error:
                check.fail(f"{path}.amount_per_fte", problem=str(error),
                           hint="indiquez le montant par ETP en nombre", context=context)
                break


def _build(cls: type, fields: dict) -> Any:
    if any(value is _INVALID for value in fields.values()):
        return _INVALID
    return cls(**fields)


def _named(table: Mapping) -> str | None:
    """How the messages name a line: its name, label or role, quoted."""
    return next((_quoted(table.get(key)) for key in ("name", "label", "role")
                 if _quoted(table.get(key))), None)


def _quoted(value: Any) -> str | None:
    return f"« {value} »" if isinstance(value, str) and value.strip() else None

