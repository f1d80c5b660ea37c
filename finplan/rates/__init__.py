"""Sourced reference data shipped with finplan.

The IAE *aide au poste* (montant socle per full-time post and per year) lives
in ``aide_au_poste.toml`` beside this module, each figure with its date in
force and the arrêté that sets it.

The SMIC horaire brut (the default value of an hour of volunteering, :func:`smic`)
lives in ``smic.toml``, each figure with its date in force and the décret that sets
it; a year of the plan takes the figure in force on its 1 January.

The hours of one insertion FTE of each structure type (to turn hours worked into
FTE, :func:`hours_per_fte`) live in ``heures_etp.toml``, each with its source.

The figure *of a calendar year* is the average of the figures in force on the
first day of each of its twelve months (the socle is paid monthly, 1/12 a
month), so a year in which a new arrêté applies from November gets 10/12 of
the old figure and 2/12 of the new.  A year after the last known figure gets
that last figure, with a warning saying so.

>>> rate = aide_au_poste("ACI", 2024)
>>> rate.amount, rate.warning
(Decimal('23535.17'), None)
>>> print(aide_au_poste("ACI", 2027).warning)
Aide au poste ACI : aucun montant connu pour 2027 (aucun arrêté trouvé au 1er novembre 2026) ; le dernier montant connu, 23 921 € par ETP, en vigueur depuis le 1er novembre 2024 (Arrêté du 4 décembre 2024), est appliqué.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

__all__ = ["CONTRACTS", "AidRate", "FteHours", "Smic", "UnknownRate", "aide_au_poste",
           "hours_per_fte", "missing_years_warning", "smic", "smic_warning"]

CONTRACTS = ("ACI", "EI", "AI", "ETTI", "EITI")

_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")


class UnknownRate(LookupError):
    """No figure is known for that contract in that year (French message)."""


@dataclass(frozen=True)
class AidRate:
    """The aide au poste of one contract type for one calendar year."""

    contract: str
    year: int
    amount: Decimal
    sources: tuple[str, ...]
    warning: str | None = None


@dataclass(frozen=True)
class _Entry:
    start: dt.date
    amounts: dict[str, Decimal]
    source: str


@cache
def _table() -> tuple[dt.date, tuple[_Entry, ...]]:
    import tomllib  # read once, the first time a rate is asked for

    text = (Path(__file__).parent / "aide_au_poste.toml").read_text("utf-8")
    data = tomllib.loads(text, parse_float=Decimal)
    entries = tuple(sorted(
        (_Entry(row["from"], {key: Decimal(row[key]) for key in CONTRACTS if key in row},
                row["source"]) for row in data["rate"]),
        key=lambda entry: entry.start))
    return data["checked"], entries


def _french_date(day: dt.date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS_FR[day.month - 1]} {day.year}"


def _thousands(amount: Decimal) -> str:
    """``23921`` -> ``23 921`` (a French reader's thousands)."""
    whole, _, cents = f"{amount:f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    return grouped + ("," + cents if cents.strip("0") else "")


def _years_text(years: list[int]) -> str:
    """« 2027 », « 2026 et 2027 », « 2027, 2028 et 2029 »."""
    names = [str(year) for year in years]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def missing_years_warning(contract: str, years: list[int]) -> str:
    """The French warning for years after the last known figure of ``contract``.

    >>> print(missing_years_warning("EI", [2026, 2027]))
    Aide au poste EI : aucun montant connu pour 2026 et 2027 (aucun arrêté trouvé au 1er novembre 2026) ; le dernier montant connu, 13 304 € par ETP, en vigueur depuis le 1er janvier 2025 (Arrêté du 4 décembre 2024), est appliqué.
    """
    checked, entries = _table()
    entries = tuple(entry for entry in entries if contract in entry.amounts)
    latest = since = entries[-1]
    for entry in reversed(entries):
        if entry.amounts[contract] != latest.amounts[contract]:
            break
        since = entry
    listed = _years_text(years)
    return (f"Aide au poste {contract} : aucun montant connu pour {listed} (aucun arrêté "
            f"trouvé au {_french_date(checked)}) ; le dernier montant connu, "
            f"{_thousands(latest.amounts[contract])} € par ETP, en vigueur depuis le "
            f"{_french_date(since.start)} ({since.source}), est appliqué.")


def aide_au_poste(contract: str, year: int) -> AidRate:
    """Montant socle of the aide au poste for ``contract`` in calendar ``year``.

    Raises :class:`UnknownRate` when no figure was in force yet for a month of
    that year.

    >>> aide_au_poste("EI", 2025).amount
    Decimal('13304.00')
    """
    entries = tuple(entry for entry in _table()[1] if contract in entry.amounts)
    if not entries:
        raise UnknownRate(f"aucun montant d'aide au poste connu pour « {contract} »")
    latest = entries[-1]
    if year > latest.start.year:
        return AidRate(contract, year, latest.amounts[contract].quantize(Decimal("0.01")),
                       (latest.source,), missing_years_warning(contract, [year]))
    monthly: list[_Entry] = []
    for month in range(1, 13):
        day = dt.date(year, month, 1)
        in_force = [entry for entry in entries if entry.start <= day]
        if not in_force:
            raise UnknownRate(
                f"aucun montant d'aide au poste {contract} connu avant le "
                f"{_french_date(entries[0].start)} (année {year} demandée)")
        monthly.append(in_force[-1])
    amount = sum((entry.amounts[contract] for entry in monthly), Decimal(0)) / 12
    sources = tuple(dict.fromkeys(entry.source for entry in monthly))
    return AidRate(contract, year, amount.quantize(Decimal("0.01"), ROUND_HALF_UP), sources)


@dataclass(frozen=True)
class FteHours:
    """The hours of one insertion FTE of a structure type, with their source; a
    ``warning`` when no sourced figure is known and the legal annual time is used."""

    contract: str | None
    hours: Decimal
    source: str
    warning: str | None = None


@cache
def _hours_table() -> dict:
    import tomllib

    text = (Path(__file__).parent / "heures_etp.toml").read_text("utf-8")
    return tomllib.loads(text, parse_float=Decimal)


def hours_per_fte(contract: str | None) -> FteHours:
    """The hours of one insertion FTE for ``contract`` (ACI, EI, AI, ETTI, EITI),
    sourced; 1 607 h, the legal annual working time, with a warning when no figure
    is known (AI, EI, or no contract).

    >>> hours_per_fte("ACI").hours, hours_per_fte("EITI").hours
    (Decimal('1820'), Decimal('1505'))
    >>> print(hours_per_fte("AI").warning)
    Heures d'un ETP d'insertion AI : aucun chiffre de la DGEFP trouvé (vérifié au 1er novembre 2026) ; finplan retient 1 607 heures, la durée légale annuelle du travail. Indiquez les heures d'un ETP sur la ligne de personnel si vous en connaissez d'autres.
    """
    table = _hours_table()
    if contract in table and isinstance(table[contract], dict):
        row = table[contract]
        return FteHours(contract, Decimal(row["hours"]), row["source"])
    hours = Decimal(table["default_hours"])
    kind = f" {contract}" if contract else " (sans contrat IAE indiqué)"
    return FteHours(contract, hours, table["default_source"], (
        f"Heures d'un ETP d'insertion{kind} : aucun chiffre de la DGEFP trouvé (vérifié "
        f"au {_french_date(table['checked'])}) ; finplan retient {_thousands(hours)} "
        "heures, la durée légale annuelle du travail. Indiquez les heures d'un ETP sur la "
        "ligne de personnel si vous en connaissez d'autres."))


@dataclass(frozen=True)
class Smic:
    """The SMIC horaire brut of one calendar year (in force on its 1 January), its
    source, and a ``warning`` when the year is after the last known figure."""

    year: int
    hourly: Decimal
    source: str
    warning: str | None = None


@cache
def _smic_table() -> tuple[dt.date, tuple[tuple[dt.date, Decimal, str], ...]]:
    import tomllib

    text = (Path(__file__).parent / "smic.toml").read_text("utf-8")
    data = tomllib.loads(text, parse_float=Decimal)
    rows = sorted((row["from"], Decimal(row["hourly"]), row["source"])
                  for row in data["rate"])
    return data["checked"], tuple(rows)


def smic(year: int) -> Smic:
    """The SMIC horaire brut in force on 1 January of calendar ``year``; after the
    last known figure, that figure with a warning. Raises :class:`UnknownRate` before
    the first figure finplan ships.

    >>> smic(2026).hourly, smic(2025).hourly
    (Decimal('12.02'), Decimal('11.88'))
    >>> print(smic(2028).warning)
    SMIC horaire brut : aucun montant connu pour 2028 (vérifié au 1er novembre 2026) ; le dernier connu, 12,02 € depuis le 1er janvier 2026, est appliqué.
    """
    rows = _smic_table()[1]
    in_force = [row for row in rows if row[0] <= dt.date(year, 1, 1)]
    if not in_force:
        raise UnknownRate(f"aucun SMIC connu au 1er janvier {year} (le premier que finplan "
                          f"connaît date du {_french_date(rows[0][0])})")
    _, hourly, source = in_force[-1]
    warning = smic_warning([year]) if year > rows[-1][0].year else None
    return Smic(year, hourly, source, warning)


def smic_warning(years: list[int]) -> str:
    """The French warning for ``years`` after the last known SMIC.

    >>> print(smic_warning([2027, 2028, 2029]))
    SMIC horaire brut : aucun montant connu pour 2027, 2028 et 2029 (vérifié au 1er novembre 2026) ; le dernier connu, 12,02 € depuis le 1er janvier 2026, est appliqué.
    """
    checked, rows = _smic_table()
    start, hourly, _ = rows[-1]
    listed = _years_text(years)
    return (f"SMIC horaire brut : aucun montant connu pour {listed} (vérifié au "
            f"{_french_date(checked)}) ; le dernier connu, {_thousands(hourly)} € depuis "
            f"le {_french_date(start)}, est appliqué.")
