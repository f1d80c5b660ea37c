"""The checks every input file goes through before it is opened."""

from __future__ import annotations

from pathlib import Path

from finplan.errors import InputFileError

__all__ = ["require_file"]


def require_file(path: str | Path, noun: str, max_bytes: int) -> Path:
    """``path`` as a Path if it is an existing regular file of at most ``max_bytes``.

    ``noun`` names the file for the user ("Fichier", "Classeur").

    >>> require_file("/nonexistent.toml", "Fichier", 10)
    Traceback (most recent call last):
    ...
    finplan.errors.InputFileError: Fichier introuvable : /nonexistent.toml. Vérifiez le chemin et le nom du fichier.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{noun} introuvable : {path}. Vérifiez le chemin et le nom du "
                             "fichier.")
    if not path.is_file():
        raise InputFileError(f"{path} n'est pas un fichier (c'est un dossier ?).")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputFileError(f"Impossible de lire {path} : {error.strerror}.") from None
    if size > max_bytes:
        raise InputFileError(f"{path} fait {size} octets, plus que les {max_bytes} octets "
                             f"qu'accepte finplan pour ce type de fichier.")
    return path
