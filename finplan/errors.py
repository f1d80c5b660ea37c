"""The one error hierarchy of finplan.

Every problem a user can cause is a :class:`FinplanError`; its message is in
French because volunteers read it.  Input problems are collected as
:class:`Issue` objects (where, what was expected, what was found, how to fix it)
and raised together as one :class:`CaseError`, so a user fixes a whole file in
one pass instead of one error at a time.

Where an issue happened is a *key path* of the case (``funder[3].cap``, indexes
from 0 as in the scenario overrides); each adapter may translate it into its
own location (``Hypothèses!F29`` for a workbook) through ``locate``.

>>> err = CaseError([Issue("project.years", "un entier de 1 à 5", "« 7 »")])
>>> print(err)
Le dossier contient 1 erreur :
- project.years : attendu un entier de 1 à 5, trouvé « 7 ».
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

__all__ = ["CaseError", "FinplanError", "InputFileError", "Issue"]


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

    @property
    def where(self) -> str:
        """The location shown to the user: the adapter's one, else the key path."""
        where = self.location or self.path or "dossier"
        if self.context:
            where += f" ({self.context})"
        return where

    @property
    def message(self) -> str:
        """The French sentence without the location."""
        text = self.problem or f"attendu {self.expected}, trouvé {self.found}"
        if self.hint:
            text += f" ; {self.hint}"
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

    def locate(self, locate: Callable[[str], str | None]) -> CaseError:
        """A copy whose issues carry the adapter's location for their key path."""
        return CaseError(
            replace(issue, location=locate(issue.path) or issue.location)
            for issue in self.issues)


class InputFileError(FinplanError):
    """A file that cannot be read at all (missing, unreadable, not TOML)."""
