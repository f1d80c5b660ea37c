"""Checks on a workbook's zip package before anything unpacks it.

A workbook (.xlsx, .xlsm) is a zip of XML parts.  A file received by e-mail may
be crafted: a zip bomb (a few kilobytes that unpack to gigabytes), parts whose
declared size lies, XML with entity declarations (the "billion laughs" attack),
or millions of cells.  :func:`inspect_package` reads the zip's directory, then
streams each XML part through a bounded reader, and refuses the file with a
French message at the first limit crossed — before openpyxl unpacks anything.
openpyxl itself parses through defusedxml (a dependency of finplan), a second
line of defence.

>>> LIMITS["uncompressed_bytes"] // 1_000_000, LIMITS["cells"]
(200, 2000000)
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from finplan.errors import InputFileError

__all__ = ["LIMITS", "inspect_package"]

LIMITS = {
    "parts": 5_000,  # files inside the zip
    "uncompressed_bytes": 200_000_000,  # all parts together, unpacked
    "ratio": 200,  # unpacked / packed size of one part above 1 MB
    "cells": 2_000_000,  # cells of all worksheets
}
_CHUNK = 1 << 20
_HEAD = 1 << 16  # a DOCTYPE must come before the root element: the head suffices
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")


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
    for info in infos:
        if info.file_size > _CHUNK and info.file_size > LIMITS["ratio"] * max(
                info.compress_size, 1):
            raise _refuse(path, f"la partie {info.filename} se décompresse "
                          f"{info.file_size // max(info.compress_size, 1)} fois (une "
                          "« bombe zip »)")


def _stream(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo,
            budget: int) -> tuple[int, int]:
    """Unpack one part through a bounded reader: (bytes read, cells counted)."""
    is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
    is_sheet = info.filename.startswith("xl/worksheets/") and is_xml
    read = cells = 0
    tail = b""
    with package.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            if read < _HEAD and is_xml and _DECLARATION.search(tail + chunk[:_HEAD]):
                raise _refuse(path, f"la partie {info.filename} déclare des entités XML "
                              "(DOCTYPE/ENTITY), ce qu'aucun classeur Excel ne fait : "
                              "c'est la forme d'une attaque")
            read += len(chunk)
            if read > info.file_size or read > budget:
                raise _refuse(path, f"la partie {info.filename} se décompresse au-delà de "
                              "la taille annoncée ou des limites de finplan (une « bombe "
                              "zip »)")
            if is_sheet:
                cells += len(_CELL.findall(tail + chunk))
                tail = chunk[-16:]
                cells -= len(_CELL.findall(tail))  # counted again with the next chunk
    return read, cells + len(_CELL.findall(tail))
