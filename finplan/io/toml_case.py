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
from finplan.io.input_files import require_file
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
}


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


def parse_case_text(text: str, source: str = "dossier") -> dict[str, Any]:
    """Parse TOML text into a raw case dict (decimals kept exact).

    >>> parse_case_text('x = 1823.03')["x"]
    Decimal('1823.03')
    >>> parse_case_text('x = \\ny = 2', "cas.toml")
    Traceback (most recent call last):
    ...
    finplan.errors.InputFileError: cas.toml n'est pas un fichier TOML valide : ligne 1, colonne 5 : valeur invalide (un texte doit être entre guillemets, un nombre s'écrit avec un point décimal : 1823.03).
    """
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise InputFileError(f"{source} n'est pas un fichier TOML valide : "
                             f"{_french_toml_error(error)}.") from None
    except RecursionError:
        raise InputFileError(f"{source} est refusé : des listes ou des tables imbriquées "
                             "sur des milliers de niveaux, ce qu'aucun dossier finplan "
                             "ne fait.") from None


def read_case_file(path: str | Path) -> Case:
    """Read and validate a case file; French errors for every failure."""
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
    """A case as case-file text (TOML)."""
    import tomli_w

    header = (f"# Dossier finplan : {case.project.name} ({case.project.organisation})\n"
              "# Référence des clés : docs/case-file.md\n")
    return header + tomli_w.dumps(case_to_dict(case))
