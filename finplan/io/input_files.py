"""The checks every input file goes through before it is opened."""

from __future__ import annotations

from pathlib import Path

from finplan.errors import InputFileError

__all__ = ["XLSX", "file_kind", "not_a_workbook_error", "refuse_workbook_as_text",
           "require_file", "require_workbook_content"]


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


# -- what a file really is -------------------------------------------------------------

XLSX = "xlsx"  # what :func:`file_kind` answers for an Office Open XML workbook
_SAVE_AS_XLSX = ("ouvrez-le dans Excel ou LibreOffice Calc et enregistrez-le au format "
                 ".xlsx (« Fichier > Enregistrer sous… > Classeur Excel (.xlsx) »), puis "
                 "relancez finplan sur le fichier .xlsx")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.spreadsheet":
        "un classeur OpenDocument (LibreOffice Calc, .ods)",
    b"application/vnd.oasis.opendocument.text": "un document texte OpenDocument (.odt)",
}


def file_kind(path: Path) -> str | None:
    """What a file holds, from its content (never from its name): :data:`XLSX` for an
    Excel workbook finplan reads (.xlsx, .xlsm), a French description for a known
    other format (« un classeur Excel 97-2003 (.xls) »…), None for anything else
    (a text file, or a file too damaged to tell).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "plan.xlsx"
    ...     _ = path.write_bytes(_OLE2 + bytes(600))
    ...     file_kind(path)
    'un classeur Excel 97-2003 (.xls), ou un classeur protégé par un mot de passe'
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            if head.startswith(_OLE2):
                return _ole2_kind(head + handle.read(20_000_000))
    except OSError:
        return None
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if head.startswith(b"%PDF"):
        return "un document PDF"
    return None


def _ole2_kind(data: bytes) -> str:
    """An OLE2 compound file (Office 97-2003, or an encrypted Office 2007+ file)."""
    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in data
    if has("EncryptionInfo") or has("EncryptedPackage"):
        return ("un classeur protégé par un mot de passe (chiffré), que finplan ne peut "
                "pas ouvrir")
    if has("WordDocument"):
        return "un document Word 97-2003 (.doc)"
    if has("Workbook") or has("Book"):
        return "un classeur Excel 97-2003 (.xls)"
    return "un classeur Excel 97-2003 (.xls), ou un classeur protégé par un mot de passe"


def _zip_kind(path: Path) -> str | None:
    """A zip package: an Excel workbook, an .xlsb, an OpenDocument file, another zip."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            mimetype = (package.read("mimetype")[:100].strip() if "mimetype" in names
                        and package.getinfo("mimetype").file_size < 200 else b"")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError):
        return None  # damaged: the workbook reader says so
    if "xl/workbook.xml" in names:
        if _is_strict(path):
            return ("un classeur au format « Feuille de calcul Open XML stricte », que "
                    "finplan ne lit pas")
        return XLSX
    if "xl/workbook.bin" in names:
        return "un classeur binaire Excel (.xlsb)"
    if mimetype in _OPENDOCUMENT:
        return _OPENDOCUMENT[mimetype]
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return "un document OpenDocument (LibreOffice)"
    if "word/document.xml" in names:
        return "un document Word (.docx)"
    if "ppt/presentation.xml" in names:
        return "une présentation PowerPoint (.pptx)"
    return "une archive zip qui n'est pas un classeur Excel"


def _is_strict(path: Path) -> bool:
    """A workbook saved as « Strict Open XML » (other namespaces: openpyxl reads none
    of its sheets)."""
    import zipfile

    with zipfile.ZipFile(path) as package, package.open("xl/workbook.xml") as part:
        head = part.read(4096)
    return b"http://purl.oclc.org/ooxml/spreadsheetml/main" in head


def not_a_workbook_error(path: Path, kind: str) -> InputFileError:
    """The French refusal of a file that is ``kind`` where a workbook is expected."""
    if kind.startswith("un classeur protégé"):
        return InputFileError(f"{path} est {kind} : retirez le mot de passe dans Excel "
                              "(« Fichier > Informations > Protéger le classeur > Chiffrer "
                              "avec mot de passe », videz le mot de passe), enregistrez, "
                              "puis relancez finplan. Rien n'a été modifié.")
    return InputFileError(f"{path} est {kind}, pas un classeur Excel .xlsx : finplan ne lit "
                          f"que les classeurs .xlsx (et .xlsm) ; {_SAVE_AS_XLSX}. Rien n'a "
                          "été modifié.")


def require_workbook_content(path: Path) -> str | None:
    """Refuse a file that is not an Excel workbook, saying what it is (an .ods, an
    .xls, an .xlsb, a PDF…) and how to save it as .xlsx; a file of unknown content
    is left to the workbook reader, which says it cannot read it.  Returns what
    :func:`file_kind` found (:data:`XLSX` or None)."""
    kind = file_kind(path)
    if kind is not None and kind != XLSX:
        raise not_a_workbook_error(path, kind)
    return kind


def refuse_workbook_as_text(path: Path) -> None:
    """Refuse a workbook (of any format) given where a case file (.toml) is expected."""
    kind = file_kind(path)
    if kind == XLSX:
        raise InputFileError(f"{path} est un classeur Excel, pas un dossier finplan (.toml) : "
                             "donnez-lui un nom qui finit par .xlsx (ou .xlsm) et finplan le "
                             "lira comme un classeur. Rien n'a été modifié.")
    if kind is not None:
        raise InputFileError(f"{path} est {kind}, pas un dossier finplan (.toml). Si c'est "
                             f"un classeur finplan, {_SAVE_AS_XLSX}. Rien n'a été modifié.")
