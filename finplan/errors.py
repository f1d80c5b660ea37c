"""The one error hierarchy of finplan.

Every problem a user can cause is a :class:`FinplanError`; its message is in
French because volunteers read it.  Input problems are collected as
:class:`Issue` objects (where, what was expected, what was found, how to fix it)
and raised together as one :class:`CaseError`, so a user fixes a whole file in
one pass instead of one error at a time.

Where an issue happened is a *key path* of the case (``funder[3].cap``, indexes
from 0 as in the scenario overrides); each adapter may translate it into its
own location (``Hypothèses!F29`` for a workbook) through ``locate``.

Each message is written once, but a case file and a workbook do not use the
same words: ``unit_price`` and ``[[staff]]`` in a TOML file are « Prix unitaire
(€) » and the table « Personnel » in Excel, ``share`` is « Part (au prorata des
poids) » in a drop-down, and a French Excel writes 0,2 where TOML writes 0.2.
So a message names fields, sections, choices, numbers and examples through
*terms* (:func:`term`, :func:`key`, :func:`choice`, :func:`num`…), and each
source renders them in its own words through a :class:`Words` object
(:meth:`Issue.render`); the case file's words are the default.

>>> issue = Issue("revenue[0].unit_price", problem=f"{key('revenue.unit_price')} ne "
...               f"s'utilise qu'avec {key('revenue.quantity')}")
>>> issue.message
"unit_price ne s'utilise qu'avec quantity."

>>> err = CaseError([Issue("project.years", "un entier de 1 à 5", "« 7 »")])
>>> print(err)
Le dossier contient 1 erreur :
- project.years : attendu un entier de 1 à 5, trouvé « 7 ».
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

__all__ = ["CASE_FILE_WORDS", "CaseError", "FinplanError", "InputFileError", "Issue",
           "Words", "choice", "choices", "key", "listed", "num", "per_year", "ref", "render",
           "section", "strip_terms", "syntax", "term"]

# A term is « kind:argument » between two private-use characters, which nobody types
# (show() removes them from user text before quoting it).
_OPEN, _CLOSE = "\ue000", "\ue001"
_NUMBER = re.compile(r"-?\d+(\.\d+)?(E[+-]?\d+)?")
_TERM = re.compile(f"{_OPEN}([a-z_]+):([^{_OPEN}{_CLOSE}]*){_CLOSE}")


def term(kind: str, argument: str) -> str:
    """A word of a message that each source renders its own way (see :class:`Words`)."""
    return f"{_OPEN}{kind}:{strip_terms(argument)}{_CLOSE}"


def strip_terms(text: str) -> str:
    """``text`` without the characters that delimit terms (for quoting user text)."""
    return text.replace(_OPEN, "").replace(_CLOSE, "")


def key(generic_path: str) -> str:
    """A field, by its generic key path without indexes: ``revenue.unit_price``."""
    return term("key", generic_path)


def section(name: str) -> str:
    """A list of the case: ``staff`` (``[[staff]]`` in TOML, a table in a workbook)."""
    return term("section", name)


def choice(field: str, value: str) -> str:
    """One value of an enumerated field (see :mod:`finplan.model.vocabulary`)."""
    return term("choice", f"{field}={value}")


def choices(field: str, values: Iterable[str]) -> str:
    """Every value of an enumerated field (its canonical ``values``, from
    :mod:`finplan.model.vocabulary`), for « attendu l'une des valeurs … ».

    >>> render(choices("rule", ["fixed", "share"]))
    '« fixed » ou « share »'
    """
    return term("choices", f"{field}=" + "\x1f".join(values))


def num(value: object) -> str:
    """A number, with the source's decimal separator."""
    return term("num", str(value))


def ref(path: str) -> str:
    """Another item of the case: ``funder[0]``."""
    return term("ref", path)


def per_year(count: int | None) -> str:
    """How a value is given year by year, for ``count`` years (None: not known yet)."""
    return term("per_year", "" if count is None else str(count))


def syntax(name: str) -> str:
    """How a value is written in the source: ``payments``, ``profile``, ``list``…"""
    return term("syntax", name)


def listed(items: Sequence[str]) -> str:
    """A list value as found (items already shown), in the source's list syntax."""
    plain = (strip_terms(render(item) or "") for item in items)  # numbers as 0.2
    return term("list", "\x1f".join(plain))


class Words:
    """The words of the case file (TOML): key names, ``[[sections]]``, canonical
    choices, decimal points.  An adapter subclasses it to speak its own source.

    >>> render(f"{choice('rule', 'share')} ; {num('0.2')} ; {listed(['1', '2'])}")
    'share ; 0.2 ; [1, 2]'
    """

    examples: ClassVar[dict[str, str]] = {
        "payments": "[[0.6, 4], [0.4, 16]]",
        "payment": "[0.6, 4]",
        "receipts": '[["2027-04-15", 12000], ["2027-10-10", 8000]]',
        "receipt": '["2027-04-15", 12000]',
        "date": '"2027-03-15"',
        "profile": "[1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]",
        "covers": '"staff[Coordinatrice]" ou "expense[Déplacements]"',
        "scenario_set": '"revenue[0].quantity" = [35, 55, 70]',
        "montecarlo_vary": '[[montecarlo.vary]] avec path = "revenue[0].quantity", '
                           'dist = "uniform", low = -0.3, high = 0.1',
        "remove": "retirez la clé",
        "remove_this": "retirez cette clé",
        "true": "true",
        "false": "false",
    }

    def key(self, generic_path: str) -> str:
        return generic_path.rsplit(".", 1)[-1]

    def section(self, name: str) -> str:
        return f"[[{name}]]"

    def choice(self, field: str, value: str) -> str:
        return value

    def choices(self, field: str, values: Sequence[str]) -> str:
        return _alternatives([self.choice(field, value) for value in values])

    def num(self, text: str) -> str:
        return text

    def ref(self, path: str) -> str:
        return path

    def per_year(self, count: str) -> str:
        if not count:
            return "une valeur par année"
        return f"une valeur par année ({count} valeur{'s' if count != '1' else ''})"

    def syntax(self, name: str) -> str:
        return self.examples[name]

    def list(self, items: Sequence[str]) -> str:
        return "[" + ", ".join(self.item(item) for item in items) + "]"

    def item(self, text: str) -> str:
        """One item of a list: a number in this source's way, else as it is."""
        return self.num(text) if _NUMBER.fullmatch(text) else text

    def render(self, kind: str, argument: str) -> str:
        """One term in these words."""
        if kind == "choice":
            return self.choice(*argument.split("=", 1))
        if kind == "choices":
            field, _, values = argument.partition("=")
            return self.choices(field, values.split("\x1f"))
        if kind == "list":
            return self.list(argument.split("\x1f") if argument else [])
        return getattr(self, kind)(argument)


def _alternatives(values: Sequence[str]) -> str:
    """« a », « b » ou « c »."""
    quoted = [f"« {value} »" for value in values]
    return ", ".join(quoted[:-1]) + " ou " + quoted[-1] if len(quoted) > 1 else quoted[0]


CASE_FILE_WORDS = Words()


def render(text: str | None, words: Words = CASE_FILE_WORDS) -> str | None:
    """``text`` with its terms in ``words``."""
    if text is None:
        return None
    return _TERM.sub(lambda found: words.render(found.group(1), found.group(2)), text)


class FinplanError(Exception):
    """Base class of every error finplan raises on purpose (message in French)."""


@dataclass(frozen=True)
class Issue:
    """One problem in the input.

    ``path`` is the key path in the case (``funder[3].cap``); ``expected`` and
    ``found`` describe the value; ``problem`` replaces the default "attendu …,
    trouvé …" sentence when the issue is not about one value's type or range;
    ``hint`` tells how to fix it; ``context`` names the item (a funder's name)
    so the user recognises it; ``location`` is set by adapters.
    """

    path: str
    expected: str | None = None
    found: str | None = None
    problem: str | None = None
    hint: str | None = None
    context: str | None = None
    location: str | None = None

    def render(self, words: Words) -> Issue:
        """A copy whose texts speak ``words`` (the terms rendered once and for all)."""
        return replace(self, expected=render(self.expected, words),
                       found=render(self.found, words), problem=render(self.problem, words),
                       hint=render(self.hint, words), context=render(self.context, words))

    @property
    def where(self) -> str:
        """The location shown to the user: the adapter's one, else the key path."""
        where = self.location or self.path or "dossier"
        if self.context:
            where += f" ({render(self.context)})"
        return where

    @property
    def text(self) -> str:
        """The sentence without the location, its terms not rendered yet (to embed it
        in another issue)."""
        text = self.problem or f"attendu {self.expected}, trouvé {self.found}"
        if self.hint:
            text += f" ; {self.hint}"
        return text

    @property
    def message(self) -> str:
        """The French sentence without the location."""
        text = render(self.text) or ""
        return text if text.endswith((".", "?", "!")) else text + "."

    def __str__(self) -> str:
        return f"{self.where} : {self.message}"


class CaseError(FinplanError):
    """Bad input: one or more :class:`Issue`, all reported together."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__(self.report())

    def report(self) -> str:
        """All issues as a French report, one line each."""
        count = len(self.issues)
        head = "Le dossier contient 1 erreur :" if count == 1 else (
            f"Le dossier contient {count} erreurs :")
        return "\n".join([head, *(f"- {issue}" for issue in self.issues)])

    def render(self, words: Words) -> CaseError:
        """A copy whose issues speak ``words`` (see :class:`Words`)."""
        return CaseError(issue.render(words) for issue in self.issues)

    def locate(self, locate: Callable[[str], str | None]) -> CaseError:
        """A copy whose issues carry the adapter's location for their key path."""
        return CaseError(
            replace(issue, location=locate(issue.path) or issue.location)
            for issue in self.issues)


class InputFileError(FinplanError):
    """A file that cannot be read at all (missing, unreadable, not TOML)."""
