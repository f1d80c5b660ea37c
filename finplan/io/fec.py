"""A year's accounts read from a file: the FEC, or a table by account (issue 16 item 6).

**The FEC** (« fichier des écritures comptables ») is the export every French
accounting software produces, as article A47 A-1 of the Livre des procédures fiscales
lays it out: one line per entry line, the 18 zones below in that order, the first line
naming them; zones separated by a tab or a vertical bar « | » (one separator in a
file); dates as AAAAMMJJ; amounts with a decimal comma (a point is read too); the
character set ASCII, ISO 8859-15 or UTF-8. Some software gives « Montant » and « Sens »
(D or C) instead of « Debit » and « Credit » (BOI-CF-IOR-60-40-20): read as well.
Every entry (« EcritureNum » within its « JournalCode ») must balance.

**A table by account** (CSV, « ; » or « , » or tab separated) has a header naming its
columns: « Compte », then either « Montant » (the account's amount, a charge or a
produit as it is: positive) or « Débit » and « Crédit »; « Libellé » is optional.

Only the result's accounts are kept (:func:`finplan.model.actuals.net_by_account`).
A file that cannot be read gets a French message naming each line at fault and what
to fix (:class:`~finplan.errors.InputFileError`).
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from finplan.errors import InputFileError
from finplan.io.input_files import XLSX, file_kind, require_file
from finplan.io.numbers import parse_french_number
from finplan.model.actuals import net_by_account, result_side
from finplan.model.money import Cents, format_euros, to_cents
from finplan.model.vocabulary import fold

__all__ = ["FEC_COLUMNS", "Accounts", "read_accounts", "read_accounts_text"]

# The 18 zones of article A47 A-1, in their order.
FEC_COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
               "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate",
               "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate",
               "Montantdevise", "Idevise")
# The variant with one amount and its direction instead of Debit and Credit.
_SIGNED = ("Montant", "Sens")
_MAX_ERRORS = 20  # a message lists at most this many lines at fault
# An account of the plan comptable: three digits first, the first from 1 to 8.
_ACCOUNT = re.compile(r"[1-8]\d\d\w*")
_NOT_AN_ACCOUNT = ("n'est pas un compte du plan comptable (trois chiffres d'abord, le "
                   "premier de 1 à 8)")
MAX_BYTES = 200 * 1024 * 1024  # a FEC of several years of a large structure


@dataclass(frozen=True)
class Accounts:
    """A year's accounts as a file gives them: each result account's balance (cents),
    the year they are the accounts of (None: the file has no dates), what the file
    was (``FEC``, ``CSV``, or ``case``: the case's own « Réalisé » lines), how it was
    read, and the dates of its first and last entries (a FEC)."""

    accounts: dict[str, Cents]
    year: int | None
    kind: str
    encoding: str
    lines: int
    first: datetime.date | None = None
    last: datetime.date | None = None

    @property
    def source(self) -> str:
        """Where the figures come from, in words (French)."""
        if self.kind == "FEC":
            return (f"fichier des écritures comptables, {self.lines} lignes du "
                    f"{self.first:%d/%m/%Y} au {self.last:%d/%m/%Y}")
        if self.kind == "case":
            return f"tableau « Réalisé » du dossier, {self.lines} lignes"
        return f"tableau des comptes, {self.lines} lignes"


def read_accounts(path: str | Path, year: int | None = None) -> Accounts:
    """The accounts in the file at ``path`` (module docstring); ``year``: the year they
    are the accounts of, when the file does not say (a CSV) or to check it."""
    path = require_file(path, "Fichier des comptes", MAX_BYTES)
    kind = file_kind(path)
    if kind is not None:
        raise InputFileError(
            f"{path} est {'un classeur Excel' if kind == XLSX else kind}, pas un fichier "
            "texte : exportez le FEC depuis votre logiciel comptable, ou enregistrez le "
            "tableau des comptes au format CSV (« ; » entre les colonnes).")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputFileError(f"Impossible de lire le fichier des comptes {path} : "
                             f"{error.strerror or error}.") from error
    return read_accounts_bytes(data, path.name, year)


def read_accounts_bytes(data: bytes, source: str, year: int | None = None) -> Accounts:
    """The accounts of a file's bytes (:func:`read_accounts`)."""
    text, encoding = _decoded(data)
    return read_accounts_text(text, source, year, encoding)


def _decoded(data: bytes) -> tuple[str, str]:
    """The text of a file: UTF-8 (with or without its mark), else Windows-1252, else
    ISO 8859-15 (every byte is a character)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), "UTF-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    return data.decode("iso-8859-15"), "ISO 8859-15"


def read_accounts_text(text: str, source: str = "fichier", year: int | None = None,
                       encoding: str = "UTF-8") -> Accounts:
    """The accounts of a file's text: a FEC when its first line names « CompteNum »,
    else a table by account.

    >>> fec = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|"
    ...        "CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|"
    ...        "EcritureLet|DateLet|ValidDate|Montantdevise|Idevise\\n"
    ...        "AC|Achats|1|20270115|6061|Fournitures|||F1|20270115|EDF|120,50|0|||20270131||\\n"
    ...        "AC|Achats|1|20270115|401|Fournisseurs|||F1|20270115|EDF|0|120,50|||20270131||\\n")
    >>> found = read_accounts_text(fec)
    >>> found.accounts, found.year, found.kind
    ({'6061': 12050}, 2027, 'FEC')
    >>> read_accounts_text("Compte;Libellé;Montant\\n613;Loyer;12 000,00\\n", year=2027).accounts
    {'613': 1200000}
    """
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputFileError(f"{source} est vide : il faut une première ligne qui nomme "
                             "les colonnes (le FEC de votre logiciel comptable, ou un "
                             "tableau « Compte ; Montant »).")
    if "comptenum" in fold(lines[0]):
        return _fec(lines, source, year, encoding)
    return _table(lines, source, year, encoding)


class _Problems:
    """The lines at fault of a file, said together."""

    def __init__(self, source: str, what: str) -> None:
        self.source, self.what, self.found = source, what, []

    def add(self, line: int, text: str) -> None:
        self.found.append(f"ligne {line} : {text}")

    def raise_any(self) -> None:
        if not self.found:
            return
        shown = self.found[:_MAX_ERRORS]
        more = len(self.found) - len(shown)
        tail = f"\n- … et {more} autre(s)" if more else ""
        raise InputFileError(f"{self.source} n'est pas un {self.what} lisible "
                             f"({len(self.found)} erreur(s)) :\n- " + "\n- ".join(shown)
                             + tail)


def _separator(header: str, source: str) -> str:
    """A FEC's zone separator: a tab or a vertical bar, one of the two."""
    tabs, bars = "\t" in header, "|" in header
    if tabs == bars:
        raise InputFileError(
            f"{source} : ligne 1 : les zones d'un FEC sont séparées par une tabulation ou "
            "par une barre verticale « | », une seule des deux (article A47 A-1 du Livre "
            "des procédures fiscales) ; réexportez le fichier depuis votre logiciel "
            "comptable.")
    return "\t" if tabs else "|"


def _fec(lines: list[str], source: str, year: int | None, encoding: str) -> Accounts:
    separator = _separator(lines[0], source)
    header = [name.strip() for name in lines[0].split(separator)]
    folded = [fold(name) for name in header]
    signed = all(fold(name) in folded for name in _SIGNED) and "debit" not in folded
    wanted = [name for name in FEC_COLUMNS
              if not (signed and name in ("Debit", "Credit"))]
    missing = [name for name in wanted if fold(name) not in folded]
    if signed:
        wanted += list(_SIGNED)
    if missing:
        raise InputFileError(
            f"{source} : ligne 1 : il manque la ou les colonnes {_names(missing)} parmi les "
            f"18 zones du FEC (article A47 A-1 : {', '.join(FEC_COLUMNS)}) ; trouvé : "
            f"{_names(header)}. Réexportez le FEC depuis votre logiciel comptable.")
    where = {name: folded.index(fold(name)) for name in wanted}
    problems = _Problems(source, "FEC")
    entries: list[tuple[str, Cents, Cents]] = []
    balances: dict[tuple[str, str], list] = {}
    dates: list[datetime.date] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        zones = line.split(separator)
        if len(zones) < len(header):
            problems.add(number, f"{len(zones)} zones au lieu de {len(header)} : une zone "
                         "manque, ou le séparateur n'est pas le même que sur la première "
                         "ligne")
            continue

        def zone(name: str, zones: list[str] = zones) -> str:
            return zones[where[name]].strip()

        account = zone("CompteNum")
        if not _ACCOUNT.fullmatch(account):
            problems.add(number, f"CompteNum « {account} » {_NOT_AN_ACCOUNT}")
            continue
        day = _date(zone("EcritureDate"))
        if day is None:
            problems.add(number, f"EcritureDate « {zone('EcritureDate')} » n'est pas une "
                         "date AAAAMMJJ (par exemple 20270131)")
            continue
        if signed:
            amount, direction = _amount(zone("Montant")), fold(zone("Sens"))
            if amount is None or direction not in ("d", "c", "+1", "-1", "1"):
                problems.add(number, f"Montant « {zone('Montant')} » et Sens "
                             f"« {zone('Sens')} » : un montant et D ou C attendus")
                continue
            debit, credit = (amount, 0) if direction in ("d", "+1", "1") else (0, amount)
        else:
            debit, credit = _amount(zone("Debit")), _amount(zone("Credit"))
            if debit is None or credit is None:
                bad = "Debit" if debit is None else "Credit"
                problems.add(number, f"{bad} « {zone(bad)} » n'est pas un montant (par "
                             "exemple 1234,56)")
                continue
        dates.append(day)
        entries.append((account, debit, credit))
        key = (zone("JournalCode"), zone("EcritureNum"))
        total = balances.setdefault(key, [0, 0, number, number])
        total[0] += debit
        total[1] += credit
        total[3] = number
    for (journal, entry), (debit, credit, first, last) in balances.items():
        if debit != credit:
            where_text = f"{first}" if first == last else f"{first} à {last}"
            problems.add(first, f"l'écriture {entry} du journal {journal} (ligne(s) "
                         f"{where_text}) n'est pas équilibrée : débit "
                         f"{format_euros(debit, True)}, crédit {format_euros(credit, True)}")
    problems.raise_any()
    if not dates:
        raise InputFileError(f"{source} : aucune écriture après la ligne des colonnes.")
    first, last = min(dates), max(dates)
    if (last - first).days > 366 * 2:
        raise InputFileError(
            f"{source} : les écritures vont du {first:%d/%m/%Y} au {last:%d/%m/%Y} : un FEC "
            "porte sur un exercice ; exportez celui de l'année à comparer.")
    return Accounts(net_by_account(entries), year or last.year, "FEC", encoding,
                    len(entries), first, last)


def _names(names: Sequence[str]) -> str:
    return ", ".join(f"« {name} »" for name in names)


def _date(text: str) -> datetime.date | None:
    """AAAAMMJJ (the FEC's), or JJ/MM/AAAA, or AAAA-MM-JJ."""
    for pattern in ("%Y%m%d", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _amount(text: str) -> Cents | None:
    """A FEC amount: digits, a decimal comma (or point), no thousands separator, empty
    for 0 (article A47 A-1); cents, or None when it is not one.

    >>> _amount("1234,56"), _amount("1234.5"), _amount(""), _amount("-0,01")
    (123456, 123450, 0, -1)
    >>> _amount("12a") is None, _amount("1 234,56") is None
    (True, True)
    """
    text = text.strip()
    if not text:
        return 0
    if not re.fullmatch(r"[+-]?\d+([.,]\d+)?", text):
        return None
    return to_cents(Decimal(text.replace(",", ".")))


def _typed(text: str) -> Cents | None:
    """An amount of a table by account, read as the workbook reads a French number
    (:func:`~finplan.io.numbers.parse_french_number`); empty for 0."""
    if not text.strip():
        return 0
    try:
        return to_cents(parse_french_number(text))
    except ValueError:
        return None


def _table(lines: list[str], source: str, year: int | None, encoding: str) -> Accounts:
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=";\t|,")
        separator = dialect.delimiter
    except csv.Error:
        separator = ";"
    rows = list(csv.reader(lines, delimiter=separator))
    folded = [fold(name) for name in rows[0]]

    def column(*names: str) -> int | None:
        return next((folded.index(name) for name in names if name in folded), None)

    account_at = column("compte", "comptenum", "account", "n° de compte", "numero de compte")
    amount_at = column("montant", "solde", "amount", "realise")
    debit_at, credit_at = column("debit"), column("credit")
    if account_at is None or (amount_at is None and (debit_at is None or credit_at is None)):
        raise InputFileError(
            f"{source} : ligne 1 : un tableau des comptes nomme ses colonnes « Compte » et "
            "« Montant » (ou « Compte », « Débit » et « Crédit ») ; trouvé : "
            f"{_names(rows[0])}. Ajoutez cette ligne d'en-tête, ou donnez le FEC de votre "
            "logiciel comptable.")
    if year is None:
        raise InputFileError(f"{source} : un tableau des comptes ne dit pas son année : "
                             "indiquez-la (finplan actuals … --year 2027).")
    problems = _Problems(source, "tableau des comptes")
    signed: dict[str, Cents] = {}
    entries: list[tuple[str, Cents, Cents]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(rows[0]) - len(row))
        account = cells[account_at].strip()
        if not _ACCOUNT.fullmatch(account):
            problems.add(number, f"le compte « {account} » {_NOT_AN_ACCOUNT}")
            continue
        if amount_at is not None:
            amount = _typed(cells[amount_at])
            if amount is None:
                problems.add(number, f"le montant « {cells[amount_at].strip()} » n'est pas "
                             "un nombre (par exemple 1234,56)")
                continue
            if result_side(account) is not None:
                signed[account] = signed.get(account, 0) + amount
        else:
            debit, credit = _typed(cells[debit_at]), _typed(cells[credit_at])
            if debit is None or credit is None:
                problems.add(number, "le débit ou le crédit n'est pas un nombre (par "
                             "exemple 1234,56)")
                continue
            entries.append((account, debit, credit))
    problems.raise_any()
    accounts = net_by_account(entries)
    for account, amount in signed.items():
        accounts[account] = accounts.get(account, 0) + amount
    return Accounts(accounts, year, "CSV", encoding, len(rows) - 1)
