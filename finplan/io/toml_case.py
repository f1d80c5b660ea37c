"""Case files (TOML, ``format = "finplan/1"``) -> validated :class:`Case`.

Numbers with a decimal point are read as :class:`~decimal.Decimal`, so
``1823.03`` stays exactly 1823.03.  Errors locate themselves by key path
(``funder[3].cap``), which is also how a case file reads.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from finplan.errors import InputFileError
from finplan.io.input_files import refuse_workbook_as_text, require_file
from finplan.model.case import Case
from finplan.model.case_dict import case_to_dict
from finplan.model.validation import validate_case

__all__ = ["MAX_FILE_BYTES", "parse_case_text", "read_case_file"]

MAX_FILE_BYTES = 2_000_000

# tomllib's English messages, in French for volunteers (the rest is kept as is).
_TOML_MESSAGES = {
    "Invalid value": "valeur invalide (un texte doit être entre guillemets, un nombre "
                     "s'écrit avec un point décimal : 1823.03)",
    "Expected '=' after a key in a key/value pair": "« = » attendu après la clé",
    "Invalid statement": "instruction invalide",
    "Cannot overwrite a value": "la même clé est définie deux fois",
    "Cannot declare": "la même table est déclarée deux fois",
    "Unclosed array": "liste non fermée (il manque « ] »)",
    "Unterminated string": "texte non fermé (il manque un guillemet)",
    "Invalid initial character for a key part": "nom de clé invalide",
    "Expected newline or end of document after a statement": "fin de ligne attendue "
                                                             "après la valeur",
    "Illegal character": "caractère interdit",
    "Unclosed inline table": "table en ligne non fermée (il manque « } »)",
    "Expected ']' at the end of a table declaration": "« ] » attendu à la fin du nom "
                                                      "de table",
    "Expected ']]' at the end of an array declaration": "« ]] » attendu à la fin du nom "
                                                        "de liste de tables",
    "Invalid date or datetime": "date invalide",
    "Cannot mutate immutable namespace": "une table en ligne ne peut pas être complétée "
                                         "plus loin",
    "Cannot redefine namespace": "la même table est déclarée deux fois",
    "Duplicate inline table key": "la même clé est définie deux fois",
    "Found invalid character": "caractère invalide",
    "Invalid hex value": "code hexadécimal invalide",
    "Escaped character is not a Unicode scalar value": "caractère échappé invalide",
    "Unescaped '\\' in a string": "« \\ » seul dans un texte (écrivez « \\\\ » ou "
                                  "mettez le texte entre apostrophes)",
}
# Characters TOML forbids everywhere (tab, line feed and CR-LF are allowed).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)")
# Python refuses to read an integer of more than 4 300 digits (sys.int_info).
_LONG_DIGITS = re.compile(r"[0-9][0-9_]{300,}")


def _french_toml_error(error: tomllib.TOMLDecodeError) -> str:
    text = str(error)
    position = re.search(r"\(at line (\d+), column (\d+)\)", text)
    if position:
        where = f"ligne {position.group(1)}, colonne {position.group(2)}"
    else:
        where = "fin du fichier" if "(at end of document)" in text else "position inconnue"
    reason = re.sub(r"\s*\(at .*\)$", "", text)
    for english, french in _TOML_MESSAGES.items():
        if reason.startswith(english):
            reason = french
            break
    return f"{where} : {reason}"


def _line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of ``position`` in ``text``."""
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _key_at(text: str, position: int) -> str:
    """The key written at the start of the line of ``position``, for a message."""
    start = text.rfind("\n", 0, position) + 1
    key = text[start:position].split("=", 1)[0].strip()
    return f" (clé « {key[:60]} »)" if key and key != text[start:position].strip() else ""


def _control_character(text: str, source: str) -> InputFileError | None:
    """A French error for the first character TOML forbids (a NUL byte…), if any."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    line, column = _line_column(text, found.start())
    code = f"U+{ord(found.group()[0]):04X}"
    why = ""
    if text.count("\x00") * 4 >= len(text):
        why = (" ; le fichier semble enregistré en UTF-16 : enregistrez-le en UTF-8 "
               "(« Unicode (UTF-8) » dans votre éditeur)")
    return InputFileError(f"{source} n'est pas un fichier TOML valide : ligne {line}, "
                          f"colonne {column}{_key_at(text, found.start())} : caractère de "
                          f"contrôle invisible {code} (copié d'un autre logiciel, ou fichier "
                          f"abîmé){why or ' ; supprimez-le dans un éditeur de texte'}.")


def _number_too_long(text: str, source: str) -> InputFileError:
    """A French error for an integer too long for Python to read."""
    found = _LONG_DIGITS.search(text)
    where = "quelque part"
    if found is not None:
        line, column = _line_column(text, found.start())
        where = f"ligne {line}, colonne {column}{_key_at(text, found.start())}"
    digits = len(found.group().replace("_", "")) if found else 0
    return InputFileError(f"{source} n'est pas un fichier TOML valide : {where} : un nombre "
                          f"de {digits} chiffres ; finplan accepte au plus 100 milliards "
                          "(12 chiffres) : corrigez ce nombre.")


def parse_case_text(text: str, source: str = "dossier") -> dict[str, Any]:
    """Parse TOML text into a raw case dict (decimals kept exact).

    >>> parse_case_text('x = 1823.03')["x"]
    Decimal('1823.03')
    >>> parse_case_text('x = \\ny = 2', "cas.toml")
    Traceback (most recent call last):
    ...
    finplan.errors.InputFileError: cas.toml n'est pas un fichier TOML valide : ligne 1, colonne 5 : valeur invalide (un texte doit être entre guillemets, un nombre s'écrit avec un point décimal : 1823.03).
    """
    control = _control_character(text, source)
    if control is not None:
        raise control
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise InputFileError(f"{source} n'est pas un fichier TOML valide : "
                             f"{_french_toml_error(error)}.") from None
    except ValueError:  # an integer beyond Python's int-string limit
        raise _number_too_long(text, source) from None
    except RecursionError:
        raise InputFileError(f"{source} est refusé : des listes ou des tables imbriquées "
                             "sur des milliers de niveaux, ce qu'aucun dossier finplan "
                             "ne fait.") from None


def read_case_file(path: str | Path) -> Case:
    """Read and validate a case file; French errors for every failure."""
    # a workbook (.xlsx, .ods, .xls…) given as a case file is named for what it is,
    # whatever its size, before the size limit of case files applies
    refuse_workbook_as_text(require_file(path, "Fichier", 1 << 40))
    path = require_file(path, "Fichier", MAX_FILE_BYTES)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputFileError(f"Impossible de lire {path} : {error.strerror}.") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(f"{path} n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 "
                             "(« Unicode (UTF-8) » dans votre éditeur).") from None
    return validate_case(parse_case_text(text, str(path)))


def case_to_toml(case: Case) -> str:
    """A case as case-file text (TOML): its tables and lists in the order of the case,
    each line of a list as a ``[[staff]]`` table of its own, however short (tomli_w
    would write a list of short lines inline, above ``[project]``).

    >>> import finplan
    >>> text = case_to_toml(finplan.load_case({"format": "finplan/1", "project": {
    ...     "name": "R", "organisation": "A", "first_year": 2027},
    ...     "actual": [{"year": 2027, "account": "613", "amount": 100}]}))
    >>> text.index("[project]") < text.index("[[actual]]")
    True
    """
    import tomli_w

    header = (f"# Dossier finplan : {case.project.name} ({case.project.organisation})\n"
              "# Référence des clés : docs/case-file.md\n")
    chunks = []
    for key, value in case_to_dict(case).items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            chunks += [_line_table(key, line, tomli_w.dumps(line)) for line in value]
        else:
            chunks.append(tomli_w.dumps({key: value}))
    return header + "\n".join(chunk.rstrip("\n") + "\n" for chunk in chunks)


def _line_table(key: str, line: dict[str, Any], body: str) -> str:
    """One line of list ``key`` as ``[[key]]`` and its values (``body``, as tomli_w
    writes ``line``), its sub-tables named under it (``[key.set]``)."""
    body = re.sub(r"^\[(\[?)", lambda found: f"[{found.group(1)}{key}.", body,
                  flags=re.MULTILINE)
    return f"[[{key}]]\n{body}"
