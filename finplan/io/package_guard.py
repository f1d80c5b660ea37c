"""Checks on a workbook's zip package before anything unpacks it.

A workbook (.xlsx, .xlsm) is a zip of XML parts.  A file received by e-mail may
be crafted: a zip bomb (a few kilobytes that unpack to gigabytes), parts whose
declared size lies, XML with entity declarations (the "billion laughs" attack),
or millions of cells, possibly hidden in a UTF-16 part or behind a long
comment.  :func:`inspect_package` reads the zip's directory, then streams each
part through a bounded reader — XML parts decoded as the parser will read them
(:func:`xml_codec`) — and refuses the file with a French message at the first
limit crossed, before openpyxl unpacks anything.  One of finplan's input
tables stretched far beyond what finplan reads (to row 1 048 576) is refused
there too, before any reader crawls through it.
openpyxl itself parses through defusedxml (a dependency of finplan), a second
line of defence.

>>> LIMITS["uncompressed_bytes"] // 1_000_000, LIMITS["cells"]
(200, 2000000)
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

from finplan.errors import InputFileError

__all__ = ["LIMITS", "inspect_package", "xml_codec"]

LIMITS = {
    "parts": 5_000,  # files inside the zip
    "uncompressed_bytes": 200_000_000,  # all parts together, unpacked
    "ratio": 200,  # unpacked / packed size of one part above 1 MB
    "cells": 2_000_000,  # cells of all worksheets
    # rows of one of finplan's input tables: 200 items at most (model/validation.py)
    # plus room for the blank rows a volunteer keeps
    "table_rows": 1_000,
}
_CHUNK = 1 << 20
_OVERLAP = 64  # characters kept from one chunk to the next, so no match is cut in two
# A DOCTYPE or ENTITY declaration anywhere in a part (no Excel file has one): searched
# in the whole part, not only its head, however long the prolog before it.
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARATION_TEXT = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_TEXT = re.compile(r"<(?:\w+:)?c[\s>/]")
_ENCODING = re.compile(r"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# How an XML part starts (XML 1.0, appendix F) -> the codec that reads its declaration.
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\xef\xbb\xbf", "utf-8"), (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
         (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"),
         (b"\x4c\x6f\xa7\x94", "cp037"))
_BYTE_ENCODINGS = {"utf-8", "ascii"}  # read as bytes: the markup is plain ASCII bytes


def _refuse(path: Path, why: str) -> InputFileError:
    return InputFileError(f"{path.name} est refusé : {why}. finplan n'ouvre pas ce "
                          "classeur ; si vous l'avez reçu, demandez à l'expéditeur de "
                          "l'enregistrer à nouveau depuis Excel, ou repartez du modèle "
                          "finplan (finplan template).")


def inspect_package(path: Path) -> None:
    """Refuse a workbook package that crosses a limit or carries XML declarations."""
    if not zipfile.is_zipfile(path):
        raise InputFileError(f"{path} ne peut pas être lu comme un classeur Excel : ce "
                             "n'est pas un fichier .xlsx (le fichier est peut-être abîmé "
                             "ou d'un autre format).")
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            _check_directory(path, infos)
            total = cells = 0
            for info in infos:
                if info.is_dir():
                    continue
                read, found = _stream(path, package, info, LIMITS["uncompressed_bytes"]
                                      - total)
                total += read
                cells += found
                if cells > LIMITS["cells"]:
                    raise _refuse(path, f"il contient plus de {LIMITS['cells']:,} cellules"
                                  .replace(",", " "))
    except InputFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, RuntimeError, ValueError) as error:
        raise InputFileError(f"{path} ne peut pas être lu comme un classeur Excel "
                             f"({type(error).__name__}) : le fichier est peut-être abîmé, "
                             "chiffré ou d'un autre format.") from None


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > LIMITS["parts"]:
        raise _refuse(path, f"il contient {len(infos)} fichiers internes (au plus "
                      f"{LIMITS['parts']})")
    declared = sum(info.file_size for info in infos)
    if declared > LIMITS["uncompressed_bytes"]:
        raise _refuse(path, f"une fois décompressé il ferait {declared // 1_000_000} Mo "
                      f"(au plus {LIMITS['uncompressed_bytes'] // 1_000_000} Mo)")
    seen: set[str] = set()
    for info in infos:  # part names are compared ignoring case (Open Packaging Conventions)
        name = info.filename.casefold()
        if name in seen:
            raise _refuse(path, f"il contient deux fois la partie {info.filename} (un "
                          "classeur qu'Excel n'écrit jamais : lequel des deux lire ?)")
        seen.add(name)
    for info in infos:
        if info.file_size > _CHUNK and info.file_size > LIMITS["ratio"] * max(
                info.compress_size, 1):
            raise _refuse(path, f"la partie {info.filename} se décompresse "
                          f"{info.file_size // max(info.compress_size, 1)} fois (une "
                          "« bombe zip »)")


def _stream(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo,
            budget: int) -> tuple[int, int]:
    """Unpack one part through a bounded reader: (bytes read, cells counted).

    Every part that is XML — found from its first bytes, whatever its name — is
    scanned as the XML parser will read it: in the encoding its byte order mark or
    declaration gives (a UTF-16 part is decoded chunk by chunk before it is
    scanned), for DOCTYPE/ENTITY declarations anywhere in it and for its cells.
    """
    read = 0
    scanner: _Scanner | None = None
    with package.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            if read == 0:
                scanner = _Scanner.for_part(path, info.filename, chunk)
            read += len(chunk)
            if read > info.file_size or read > budget:
                raise _refuse(path, f"la partie {info.filename} se décompresse au-delà de "
                              "la taille annoncée ou des limites de finplan (une « bombe "
                              "zip »)")
            if scanner is not None:
                scanner.feed(chunk)
    return read, scanner.finish() if scanner is not None else 0


def xml_codec(head: bytes) -> str | None:
    """The codec an XML parser reads a part with, from its first bytes (byte order
    mark, or the shape of ``<?xml`` in a 16- or 32-bit encoding: XML 1.0, appendix F)
    and its declaration; None when the part does not start like XML.

    >>> xml_codec(b'<?xml version="1.0" encoding="UTF-8"?><a/>')
    'utf-8'
    >>> xml_codec('<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"))
    'utf-16-le'
    >>> xml_codec(b"\\x89PNG") is None
    True
    """
    family = next((codec for start, codec in _BOMS if head.startswith(start)), "utf-8")
    text = head[:512].decode(family, errors="replace").lstrip("\ufeff \t\r\n")
    if not text.startswith("<"):
        return None
    declared = _ENCODING.match(text)
    if declared is None or family not in ("utf-8", "cp037"):
        return family  # a 16- or 32-bit encoding is fixed by the first bytes
    try:
        return codecs.lookup(declared.group(1)).name
    except LookupError:
        return "unknown:" + declared.group(1)


class _Scanner:
    """Counts the cells of one XML part and looks for DOCTYPE/ENTITY in it, chunk by
    chunk, as bytes (UTF-8, ASCII) or as decoded text (any other encoding)."""

    def __init__(self, path: Path, name: str, codec: str) -> None:
        self.path, self.name = path, name
        self.as_bytes = codec in _BYTE_ENCODINGS
        self.decoder = None if self.as_bytes else codecs.getincrementaldecoder(codec)(
            errors="replace")
        self.cells = 0
        self.tail: bytes | str = b"" if self.as_bytes else ""
        self.head = ""

    @classmethod
    def for_part(cls, path: Path, name: str, first_chunk: bytes) -> _Scanner | None:
        """A scanner for a part starting with ``first_chunk`` (None: not XML)."""
        codec = xml_codec(first_chunk)
        if codec is None:
            return None
        if codec.startswith("unknown:"):
            raise _refuse(path, f"la partie {name} est écrite dans un encodage inconnu "
                          f"(« {codec[8:]} »), ce qu'aucun classeur Excel ne fait")
        return cls(path, name, codec)

    def feed(self, chunk: bytes) -> None:
        """Scan one more chunk of the part."""
        self._scan(chunk if self.decoder is None else self.decoder.decode(chunk))

    def _scan(self, text: bytes | str) -> None:
        window = self.tail + text
        declaration = _DECLARATION if self.as_bytes else _DECLARATION_TEXT
        if declaration.search(window):
            raise _refuse(self.path, f"la partie {self.name} déclare des entités XML "
                          "(DOCTYPE/ENTITY), ce qu'aucun classeur Excel ne fait : c'est la "
                          "forme d'une attaque")
        if not self.head:  # a table's extent is in its root element, at the start
            self.head = (text[:4096].decode("utf-8", "replace") if isinstance(text, bytes)
                         else text[:4096])
            _check_table(self.path, self.name, self.head)
        cell = _CELL if self.as_bytes else _CELL_TEXT
        self.cells += len(cell.findall(window))
        self.tail = window[-_OVERLAP:]
        self.cells -= len(cell.findall(self.tail))  # counted again with the next chunk

    def finish(self) -> int:
        """The cells of the part."""
        if self.decoder is not None:
            rest = self.decoder.decode(b"", final=True)
            if rest:
                self._scan(rest)
        cell = _CELL if self.as_bytes else _CELL_TEXT
        return self.cells + len(cell.findall(self.tail))


_TABLE = re.compile(r"<(?:\w+:)?table\s[^>]*>")
_ATTRIBUTE = re.compile(r"""\b(name|displayName|ref)\s*=\s*["']([^"']*)["']""")


def _check_table(path: Path, part: str, head: str) -> None:
    """Refuse one of finplan's input tables whose extent is absurd for its purpose (a
    reference stretched to row 1 048 576 would make every reader crawl through a
    million empty rows), before anything reads it."""
    from finplan.io.workbook_layout import TABLES

    found = _TABLE.search(head)
    if found is None:
        return
    attributes = dict(_ATTRIBUTE.findall(found.group()))
    names = {spec.table_name for spec in TABLES}
    name = attributes.get("displayName") or attributes.get("name")
    rows = _rows(attributes.get("ref", ""))
    if name in names and rows is not None and rows > LIMITS["table_rows"] + 1:
        raise _refuse(path, f"le tableau {name} s'étend sur {_thousands(rows - 1)} lignes "
                      f"({attributes['ref']}), alors que finplan en lit au plus "
                      f"{_thousands(LIMITS['table_rows'])} ; dans Excel, cliquez dans le "
                      "tableau, puis « Création de tableau > Redimensionner le tableau » "
                      "pour qu'il s'arrête après vos dernières lignes")


def _thousands(number: int) -> str:
    """``1048575`` -> ``1 048 575``, as a French reader writes it."""
    return f"{number:,}".replace(",", " ")


def _rows(reference: str) -> int | None:
    """Rows of a range reference (``B23:AB1048576`` -> 1048554), None if unreadable."""
    found = re.fullmatch(r"\$?[A-Za-z]{1,3}\$?(\d+)(?::\$?[A-Za-z]{1,3}\$?(\d+))?",
                         reference.strip())
    if found is None:
        return None
    first = int(found.group(1))
    return abs(int(found.group(2) or first) - first) + 1
